"""Writing and reading the indicator tables (data/processed/<periode>/indikator/*.parquet)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from kemiskinan import config
from kemiskinan.atomic import temp_dir

#: The tables `compute_all` makes (one round on its own) …
INDICATOR_TABLES = ("ringkasan", "sebaran", "cakupan", "kebocoran", "tumpang_tindih", "profil", "mpm",
                    "prioritas", "biaya", "bps_makro")
#: … and those `banding.compute` adds (the comparison with the previous period; zero rows without one).
BANDING_TABLES = ("banding_ringkasan", "banding_alur", "banding_prioritas", "tren")
#: Everything step 02 writes into data/processed/<periode>/indikator/, in one atomic folder.
TABLES = INDICATOR_TABLES + BANDING_TABLES
SUBDIR = "indikator"


def write_all(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> Path:
    """Write every table as `<name>.parquet` into `out_dir`, atomically.

    The files go to a temporary sibling folder first, which then replaces `out_dir` by rename, so a
    reader (or a crashed run) never sees half old and half new tables.
    """
    from kemiskinan.indicators.banding import check_schema

    check_schema(tables)   # the comparison tables' columns and dtypes are fixed: nothing else is written
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_dir(out_dir.parent, prefix=f".{out_dir.name}.tmp-")   # umask's mode, not mkdtemp's 0700
    try:
        for name in sorted(tables):
            tables[name].to_parquet(tmp / f"{name}.parquet", index=False)
        old = None
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _resolve(periode_or_dir: str | Path) -> Path:
    p = Path(periode_or_dir)
    if p.is_dir():
        return p / SUBDIR if (p / SUBDIR).is_dir() else p
    return config.processed_dir(str(periode_or_dir)) / SUBDIR


def load_all(periode_or_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Read the tables back: a periode name (`data/processed/<periode>/indikator/`), a processed folder
    or the indikator folder itself."""
    folder = _resolve(periode_or_dir)
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise FileNotFoundError(f"tidak ada tabel indikator di {folder}; jalankan pembangunan indikator dulu")
    return {f.stem: pd.read_parquet(f) for f in files}
