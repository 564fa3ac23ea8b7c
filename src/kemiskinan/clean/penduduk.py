"""Population per kelurahan and year → the `penduduk` table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings, _kept
from kemiskinan.clean.ids import _dedupe
from kemiskinan.clean.wilayah_match import _resolve_wilayah
from kemiskinan.domain import codes

def clean_penduduk(b: Batch, F: Findings) -> pd.DataFrame:
    kode, _, unresolved = _resolve_wilayah(b, F, "kelurahan", "kecamatan", kode_wilayah_col="kode_wilayah",
                                           rows=np.ones(b.n, dtype=bool))
    F.reject(b, unresolved, "PENDUDUK_WILAYAH_TIDAK_DIKENAL", "kode_wilayah",
             b.col("kode_wilayah") + " " + b.col("kelurahan"))
    b.kel = kode
    tahun, _ = codes.parse_int(b.col("tahun"), "Int16")
    key = (kode.fillna("") + "|" + tahun.astype("str").fillna("")).rename("kode_kelurahan+tahun")
    key = key.where(kode.notna())
    _dedupe(b, F, key)
    keep = b.kept()
    rows = keep
    out = pd.DataFrame({"kode_kelurahan": kode[keep].astype("str")})
    for c in ("jumlah_penduduk", "jumlah_rumah_tangga", "jumlah_kk"):
        v, bad = codes.parse_int(b.col(c).str.replace(r"[.\s](?=\d{3}\b)", "", regex=True), "Int64")
        if b.has(c):
            F.add(b, rows & bad.to_numpy(dtype=bool), "ANGKA_TIDAK_VALID", c, b.col(c))
        out[c] = v[keep].to_numpy()
    out["tahun"] = tahun[keep].to_numpy()
    out["sumber"] = codes.text(b.col("sumber"))[keep].astype("str").to_numpy()
    out["sumber_file"] = _kept(b.file, keep)
    out["baris_sumber"] = b.df["_baris"].to_numpy()[keep].astype("int64")
    return out.reset_index(drop=True)
