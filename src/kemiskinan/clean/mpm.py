"""MPM update registrations (one sheet per kelurahan) → the `mpm` table and `mpm_laporan` (who reported)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean import schemas, wilayah_match
from kemiskinan.clean.batch import Batch, Findings, _kept
from kemiskinan.clean.ids import _dedupe, _id16, _ids
from kemiskinan.clean.wilayah_match import _resolve_wilayah, _rt_number
from kemiskinan.domain import codes
from kemiskinan.domain import nik as nikmod

def clean_mpm(b: Batch, F: Findings, ruta: pd.DataFrame, reference_year: int = nikmod.REFERENCE_YEAR
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    sheet_names = pd.Series(np.asarray(b.sheet, dtype=object), index=b.df.index, dtype="str")
    name = codes.text(b.col("kelurahan")).fillna("") if b.has("kelurahan") else pd.Series("", index=b.df.index, dtype="str")
    name = name.where(name != "", sheet_names)
    kode, _, unresolved = _resolve_wilayah(b, F, "kelurahan" if b.has("kelurahan") else "(sheet)",
                                           fixed_name=name, rows=np.ones(b.n, dtype=bool))
    F.reject(b, unresolved, "WILAYAH_TIDAK_DIKENAL", "(nama sheet)", name)
    b.kel = kode
    _dedupe(b, F, None)
    rows = b.kept()
    idbdt, valid, rule = _ids(b, "idbdt")
    given = codes.text(b.col("idbdt")).notna().to_numpy()
    F.add(b, rows & given & ~valid, "MPM_IDBDT_TIDAK_DIKENAL", "idbdt", b.col("idbdt"), "id")
    F.add(b, rows & pd.notna(rule), rule, "idbdt", b.col("idbdt"), "id")
    unknown = rows & valid & ~codes.isin_text(idbdt, ruta["idbdt"])
    F.add(b, unknown, "MPM_IDBDT_TIDAK_DIKENAL", "idbdt", b.col("idbdt"), "id")
    st = codes.text(b.col("status_identifikasi")).str.lower().str.replace(r"\s+", " ", regex=True)
    sudah = st.str.contains("sudah", regex=False).fillna(False).to_numpy(dtype=bool)
    belum = st.str.contains("belum", regex=False).fillna(False).to_numpy(dtype=bool)
    terdaftar = np.where(sudah, True, np.where(belum, False, valid))
    F.add(b, rows & ((sudah & ~valid) | (belum & valid)), "MPM_STATUS_IDBDT_BEDA", "status_identifikasi",
          b.col("status_identifikasi"))
    hv, hv_bad = codes.parse_int(b.col("hasil_verifikasi"), "Int64")
    out_range = hv.notna() & ~hv.between(1, 5)
    F.add(b, rows & (hv_bad | out_range).to_numpy(dtype=bool), "KODE_TIDAK_VALID", "hasil_verifikasi",
          b.col("hasil_verifikasi"))
    hv = hv.mask(out_range)
    dates = {}
    for col, out_col in (("tanggal_pendaftaran", "tanggal_daftar"), ("tanggal_verifikasi", "tanggal_verifikasi")):
        v, bad = codes.parse_dates(b.col(col), reference_year=reference_year)
        F.add(b, rows & bad.to_numpy(dtype=bool), "TANGGAL_TIDAK_VALID", col, b.col(col))
        dates[out_col] = v
    ints = {}
    for col in ("jumlah_art", "art_meninggal", "art_pindah", "art_baru"):
        v, bad = codes.parse_int(b.col(col), "Int16")
        if b.has(col):
            F.add(b, rows & bad.to_numpy(dtype=bool), "ANGKA_TIDAK_VALID", col, b.col(col))
        ints[col] = v
    nk = _id16(b, "nik", "nik", F, rows, reference_year=reference_year) if b.has("nik") else None
    kk = _id16(b, "no_kk", "kk", F, rows) if b.has("no_kk") else None
    rtn, _ = _rt_number(b.col("rt"))
    keep = rows
    out = pd.DataFrame({
        "kode_kelurahan": kode[keep].astype("str"),
        "tanggal_daftar": dates["tanggal_daftar"][keep],
        "idbdt": idbdt[keep].astype("str"),
        "terdaftar_bdt": pd.array(terdaftar[keep], dtype="boolean"),
        "hasil_verifikasi": hv[keep].astype("Int8"),
        "tanggal_verifikasi": dates["tanggal_verifikasi"][keep],
        **{c: ints[c][keep] for c in ints},
        "nik": (nk["nik"][keep] if nk is not None else pd.Series(pd.NA, index=b.df.index[keep])).astype("str"),
        "no_kk": (kk["no_kk"][keep] if kk is not None else pd.Series(pd.NA, index=b.df.index[keep])).astype("str"),
        "rt": rtn[keep].astype("str"),
        "sumber_file": _kept(b.file, keep),
        "sumber_sheet": _kept(b.sheet, keep),
        "baris_sumber": b.df["_baris"].to_numpy()[keep].astype("int64"),
    }).reset_index(drop=True)
    return out, mpm_laporan(out)


def mpm_laporan(mpm: pd.DataFrame | None) -> pd.DataFrame:
    """One row per kelurahan of Bontang: did it report (≥ 1 registration kept), how many, latest date.

    `mpm` None: no MPM workbook was supplied at all — then the table is empty (0 rows): nobody can say
    whether a kelurahan reported, so no row claims "not reported" (meta.json `masukan.mpm` is false)."""
    if mpm is None:
        return schemas.empty("mpm_laporan")
    kel = wilayah_match.kelurahan_codes()
    # the later of the two dates per row, NaT where both are missing (a row-wise `max` over two datetime
    # columns is cast through float by pandas and fails on an empty frame)
    d1 = mpm["tanggal_daftar"].astype("datetime64[s]").to_numpy()
    d2 = mpm["tanggal_verifikasi"].astype("datetime64[s]").to_numpy()
    last = pd.Series(np.where(np.isnat(d1) | (~np.isnat(d2) & (d2 > d1)), d2, d1), index=mpm.index,
                     dtype="datetime64[s]")
    g = pd.DataFrame({"k": mpm["kode_kelurahan"], "t": last}).groupby("k")
    n = g.size()
    t = g["t"].max()
    out = pd.DataFrame({"kode_kelurahan": pd.array(kel, dtype="str")})
    out["jumlah_baris"] = out["kode_kelurahan"].map(n).fillna(0).astype("int64")
    out["melapor"] = pd.array(out["jumlah_baris"] > 0, dtype="boolean")
    out["tanggal_terakhir"] = out["kode_kelurahan"].map(t).astype("datetime64[s]")
    return out[["kode_kelurahan", "melapor", "jumlah_baris", "tanggal_terakhir"]]
