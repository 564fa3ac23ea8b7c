"""The `bps_makro` table: the published BPS poverty series, checked (not computed from the BDT)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kemiskinan import config
from kemiskinan.errors import CheckError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators._fgt import check_fgt
from kemiskinan.indicators.prepare import unique

BPS_FILE = config.REFERENCE_DIR / "bps_kemiskinan.csv"
# ----------------------------------------------------------------------------------------------------
BPS_COLUMNS = ["wilayah", "tahun", "p0_persen", "penduduk_miskin", "garis_kemiskinan_rp", "p1", "p2",
               "sumber_url", "catatan"]


def bps_makro(path: Path = BPS_FILE) -> pd.DataFrame:
    """The published BPS series (data/reference/bps_kemiskinan.csv), checked: 0 ≤ P2 ≤ P1 ≤ P0 ≤ 100."""
    df = pd.read_csv(path, dtype={"wilayah": "string", "sumber_url": "string", "catatan": "string"})
    if list(df.columns) != BPS_COLUMNS:
        raise CheckError(f"{path.name}: kolom harus {BPS_COLUMNS}, bukan {list(df.columns)}")
    df["tahun"] = df["tahun"].astype("int64")
    for c in ("p0_persen", "garis_kemiskinan_rp", "p1", "p2"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Float64")
    df["penduduk_miskin"] = pd.to_numeric(df["penduduk_miskin"], errors="coerce").astype("Int64")
    unique(df, ["wilayah", "tahun"], path.name)
    no_src = df["sumber_url"].isna() & df[["p0_persen", "penduduk_miskin", "garis_kemiskinan_rp", "p1", "p2"]].notna().any(axis=1)
    B.check_rows(df, no_src, f"{path.name}: angka tanpa sumber_url")
    for r in df.itertuples():
        # BPS publishes P0 in percent and P1/P2 as indices ×100 (docs/domain.md §4.1): all on one scale.
        vals = [r.p0_persen, r.p1, r.p2]
        if all(pd.notna(v) for v in vals):
            try:
                check_fgt(r.p0_persen / 100, r.p1 / 100, r.p2 / 100)
            except CheckError as e:
                raise CheckError(f"{path.name}: {r.wilayah} {r.tahun}: {e}") from e
        elif pd.notna(r.p0_persen) and not 0 <= r.p0_persen <= 100:
            raise CheckError(f"{path.name}: {r.wilayah} {r.tahun}: p0_persen di luar 0–100")
    return df.sort_values(["wilayah", "tahun"], kind="mergesort").reset_index(drop=True)

