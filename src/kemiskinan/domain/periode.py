"""Periods (rounds of data) and which earlier period a round is compared with.

Kept free of pandas on purpose: the build resolves the predecessor and hashes its files on the no-op path
(stamps and hashes only); step 02 (`kemiskinan.indicators.step`) resolves it with the same function.
"""
from __future__ import annotations

import re
from pathlib import Path

from kemiskinan import catalog, config
from kemiskinan.errors import ParameterError

#: A period's name: `YYYY-MM`. String order is time order, and the name is a folder name, so nothing else
#: (no `..`, no `/`) may be used as one.
PERIODE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: `periode_sebelumnya` values with a meaning of their own: "" = the latest earlier period built, "-" = none.
OTOMATIS, TANPA = "", "-"

#: What the comparison reads from the previous period (relative to data/processed/<p>/) — and nothing else:
#: never its raw files. `indikator/tren.parquet` is absent in a period built before comparisons existed.
#: The build hashes these files into step 02's key, so changing the old round's tables re-runs the new
#: round's comparison.
PREVIOUS_FILES = tuple(catalog.BY_KEY[k].path for k in ("keluarga", "clean_meta", "indikator/ringkasan",
                                                        "indikator/prioritas", "indikator/tren"))
#: A period counts as built once its step 02 has finished: these exist.
BUILT_MARKERS = tuple(catalog.BY_KEY[k].path for k in ("indikator/ringkasan", "keluarga"))


def is_built(periode: str, processed_dir: Path = config.PROCESSED_DIR) -> bool:
    d = Path(processed_dir) / periode
    return all((d / m).is_file() for m in BUILT_MARKERS)


def built_periods(processed_dir: Path = config.PROCESSED_DIR) -> list[str]:
    """Every period under `processed_dir` whose step 02 finished, oldest first."""
    root = Path(processed_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and PERIODE_RE.match(p.name) and is_built(p.name, root))


def check_wanted(wanted) -> str:
    """The parameter's value as text, or ParameterError: "" (automatic), "-" (none) or a `YYYY-MM`."""
    if wanted is None:
        return OTOMATIS
    if not isinstance(wanted, str) or not (wanted in (OTOMATIS, TANPA) or PERIODE_RE.match(wanted)):
        raise ParameterError(
            f"periode_sebelumnya harus \"\" (periode terakhir sebelum ini yang sudah dibangun), \"-\" (tanpa "
            f"pembanding) atau periode YYYY-MM, mis. \"2018-05\" — bukan {wanted!r}")
    return wanted


def previous_period(periode: str, wanted: str | None, processed_dir: Path = config.PROCESSED_DIR) -> str | None:
    """The period `periode` is compared with, or None.

    `wanted` (notebook 02's `periode_sebelumnya`): "" = the latest period earlier than `periode` (string
    order of `YYYY-MM`) whose step 02 finished; "-" = none; otherwise exactly that period, which must be
    built and earlier (ParameterError otherwise, naming the periods that are built).
    """
    wanted = check_wanted(wanted)
    periode = str(periode)
    if wanted == TANPA:
        return None
    earlier = [p for p in built_periods(processed_dir) if p < periode]
    if wanted == OTOMATIS:
        return earlier[-1] if earlier else None
    ada = ", ".join(earlier) if earlier else "belum ada"
    if wanted >= periode:
        raise ParameterError(f"periode_sebelumnya {wanted} tidak lebih awal dari periode {periode}; "
                             f"periode sebelumnya yang sudah dibangun: {ada}")
    if not is_built(wanted, processed_dir):
        raise ParameterError(f"periode_sebelumnya {wanted} belum dibangun (tidak ada "
                             f"{Path(processed_dir).name}/{wanted}/indikator/ringkasan.parquet dan keluarga.parquet); "
                             f"bangun dulu periode itu, atau pilih yang sudah dibangun: {ada}")
    return wanted


def previous_files(prev_dir: Path) -> list[Path]:
    """The files of the previous period the comparison reads (those that exist), in a fixed order."""
    return [Path(prev_dir) / f for f in PREVIOUS_FILES if (Path(prev_dir) / f).is_file()]
