"""Step 02's parameters: defaults, validation against the round's desil scheme, programme names."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kemiskinan.errors import CheckError, ParameterError
from kemiskinan.indicators import _base as B

DEFAULT_PARAMS: dict[str, Any] = {
    "target_desil": [1, 2, 3, 4],
    # Extra target groups for `cakupan` (the first page uses target_desil only).
    "target_tambahan": [[1], [1, 2]],
    "ambang_sel_kecil": 5,
    "manfaat": {},
    "batas_lapor_mpm": "2018-05-31",
    "tahun_penduduk": None,
}


@dataclass
class Params:
    target_desil: list[int]
    target_tambahan: list[list[int]]
    ambang_sel_kecil: int
    manfaat: dict[str, float]
    batas_lapor_mpm: pd.Timestamp
    tahun_penduduk: int | None
    # the round's desil scheme (clean meta.json `skema_desil`): target groups are subsets of 1..skema_desil
    skema_desil: int = 4
    target_label: str = field(init=False)

    def __post_init__(self) -> None:
        self.target_label = B.desil_label(self.target_desil, self.skema_desil)

    @property
    def targets(self) -> list[list[int]]:
        """Primary target first, then the extra ones (duplicates dropped, order kept)."""
        out: list[list[int]] = []
        for t in [self.target_desil, *self.target_tambahan]:
            t = sorted({int(x) for x in t})
            if t not in out:
                out.append(t)
        return out


def skema_desil_of(folder: str | Path) -> int:
    """The desil scheme of a processed folder: its meta.json `skema_desil` (4 when absent — folders cleaned
    without the key ranked desil 1–4 only)."""
    path = Path(folder) / "meta.json"
    if not path.is_file():
        return 4
    try:
        v = json.loads(path.read_text(encoding="utf-8")).get("skema_desil", 4)
    except ValueError as e:
        raise CheckError(f"meta.json tidak bisa dibaca di {folder}: {e}") from e
    return 4 if v is None else int(v)


def parse_params(params: dict | None, skema_desil: int = 4) -> Params:
    """Fill defaults and validate the parameters compute_all uses; other keys are ignored.

    `skema_desil`: the round's desil scheme (clean meta.json, `skema_desil_of`): every target group must be
    a non-empty subset of 1..skema_desil, else `ParameterError` naming the scheme."""
    p = {**DEFAULT_PARAMS, **(params or {})}
    try:
        target = [int(x) for x in p["target_desil"]]
        extra = [[int(x) for x in t] for t in (p["target_tambahan"] or [])]
        k = int(p["ambang_sel_kecil"])
        batas = pd.Timestamp(p["batas_lapor_mpm"])
        tahun = None if p["tahun_penduduk"] in (None, "") else int(p["tahun_penduduk"])
        manfaat = {str(kk): (None if v is None else float(v)) for kk, v in dict(p["manfaat"] or {}).items()}
    except (TypeError, ValueError) as e:
        raise ParameterError(f"parameter indikator tidak valid: {e}") from e
    if k < 1:
        raise ParameterError(f"ambang_sel_kecil harus ≥ 1, bukan {k}")
    for t in [target, *extra]:
        if not t or any(not 1 <= x <= skema_desil for x in t):
            raise ParameterError(f"target desil harus berisi desil 1–{skema_desil} (skema desil putaran ini, "
                                 f"meta.json skema_desil: {skema_desil}), bukan {t}")
    for kk, v in manfaat.items():
        if program_key(kk) not in {program_key(x) for x in B.PROGRAMS}:
            raise ParameterError(f"manfaat: program tidak dikenal {kk!r}; yang dikenal: {', '.join(B.PROGRAMS)}")
        if v is not None and (not np.isfinite(v) or v < 0):
            raise ParameterError(f"manfaat {kk}: nilai harus ≥ 0, bukan {v}")
    return Params(target, extra, k, manfaat, batas, tahun, skema_desil)


def program_key(name: str) -> str:
    """Comparable programme name: `rastra/bpnt`, `Rastra-BPNT` and `RASTRA BPNT` are the same key."""
    return "".join(ch for ch in str(name).lower() if ch.isalnum())

