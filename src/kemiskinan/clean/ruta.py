"""Households (ruta; under `satuan: keluarga` the families): IDs, wilayah, duplicates, decoded codes → the
`rumah_tangga` table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings, _decode_columns, _flag_decoded, _in_pairs, _kept, _SubBatch
from kemiskinan.clean.ids import _dedupe, _flag_mixed_lengths, _ids
from kemiskinan.clean.rules import PESAN_KELUARGA, RULES, TANDAI
from kemiskinan.clean.wilayah_match import _resolve_wilayah, _rt_number
from kemiskinan.domain import codes

RUTA_CODE_COLS = ["sta_bangunan", "sta_lahan", "lantai", "dinding", "kondisi_dinding", "atap", "kondisi_atap",
                  "sumber_airminum", "cara_peroleh_airminum", "sumber_penerangan", "daya", "bb_masak", "fasbab",
                  "kloset", "buang_tinja"]
RUTA_INT_COLS = {"nomor_urut_rumah_tangga": "Int32", "jumlah_art": "Int16", "jumlah_keluarga": "Int16",
                 "jumlah_kamar": "Int16", "jumlah_sapi": "Int16", "jumlah_kerbau": "Int16", "jumlah_kuda": "Int16",
                 "jumlah_babi": "Int16", "jumlah_kambing": "Int16"}
RUTA_FLOAT_COLS = ["luas_lantai", "luas_atb"]


def clean_ruta(b: Batch, F: Findings, skema_desil: int = 4, satuan: str = "rumah_tangga") -> pd.DataFrame:
    """Households (or, under `satuan: keluarga`, families). `skema_desil`: the round's desil scheme
    (profile key); a desil outside 1..skema_desil is DESIL_TIDAK_VALID."""
    idbdt, valid, rule = _ids(b, "idbdt")
    kel_unit = satuan == "keluarga"
    F.reject(b, ~valid, "IDBDT_TIDAK_VALID", "no_kk" if kel_unit else "idbdt", b.col("idbdt"), "id",
             pesan=PESAN_KELUARGA["IDBDT_TIDAK_VALID"] if kel_unit else None)
    F.add(b, b.kept() & pd.notna(rule), rule, "idbdt", b.col("idbdt"), "id")
    _flag_mixed_lengths(b, F, idbdt, b.kept(), "idbdt", "IDBDT")
    kode, outside, unresolved = _resolve_wilayah(
        b, F, "nmkel", "nmkec", ("kdkec", "kddesa") if b.has("kdkec") else None,
        "kode_wilayah" if b.has("kode_wilayah") else None, ("kdprop", "kdkab"))
    F.reject(b, outside, "RT_LUAR_BONTANG", "kdkab", b.col("kdprop") + "." + b.col("kdkab"))
    F.reject(b, unresolved, "WILAYAH_TIDAK_DIKENAL", "nmkel", b.col("nmkel"))
    b.kel = kode
    _dedupe(b, F, idbdt.rename("idbdt"))
    keep = b.kept()
    sub = _SubBatch(b, keep, slim={"idbdt"})   # the kept rows live on in `d`: the full raw copy is freed
    d = sub.df
    rows = np.ones(len(d), dtype=bool)
    out = pd.DataFrame({"idbdt": idbdt[keep].astype("str")}, index=d.index)
    out["kode_kelurahan"] = kode[keep].astype("str")
    out["kode_kecamatan"] = out["kode_kelurahan"].str.slice(0, 8)
    rtn, rt_bad = _rt_number(d["nama_sls"]) if "nama_sls" in d else _rt_number(d.get("rt", pd.Series("", index=d.index, dtype="str")))
    out["rt"] = rtn.astype("str")
    _flag_decoded(sub, F, "nama_sls" if "nama_sls" in d else "rt", rt_bad, "RT_SLS_TIDAK_VALID", rows)
    for c, v in _decode_columns(sub, F, d, rows, codes.parse_int, "ANGKA_TIDAK_VALID",
                                {c: (dt,) for c, dt in RUTA_INT_COLS.items()}).items():
        out[c] = v
    ds = codes.desil_from(d.get("status_kesejahteraan", pd.Series("", index=d.index, dtype="str")),
                          d.get("percentile", pd.Series("", index=d.index, dtype="str")), skema_desil)
    out["desil"], out["percentile"], out["kelompok_desil"] = ds["desil"], ds["percentile"], ds["kelompok_desil"]
    if "status_kesejahteraan" in d:
        bad = rows & ds["status_tidak_valid"].fillna(False).to_numpy(dtype=bool)
        F.add(sub, bad, "DESIL_TIDAK_VALID", "status_kesejahteraan", sub.col("status_kesejahteraan"),
              pesan=f"status_kesejahteraan (desil) bukan 1–{skema_desil} (skema desil putaran ini); dikosongkan")
    if "percentile" in d:
        _flag_decoded(sub, F, "percentile", ds["percentile_tidak_valid"], "PERSENTIL_TIDAK_VALID", rows)
    _flag_decoded(sub, F, "status_kesejahteraan", ds["desil_percentile_beda"], "DESIL_PERSENTIL_BEDA", rows)
    for c, v in _decode_columns(sub, F, d, rows, codes.decode_codes, "KODE_TIDAK_VALID",
                                {c: (c,) for c in RUTA_CODE_COLS}).items():
        out[c] = v
    for c, v in _decode_columns(sub, F, d, rows, codes.parse_float, "ANGKA_TIDAK_VALID",
                                {c: () for c in RUTA_FLOAT_COLS}).items():
        out[c] = v
    cols = [c for c in codes.YES_NO if c in d]
    for c, (v, bad, used) in zip(cols, _in_pairs(codes.decode_yes_no, [(d[c], c) for c in cols])):
        pair = codes.YES_NO[c]
        out[c] = v
        _flag_decoded(sub, F, c, bad, "YA_TIDAK_TIDAK_VALID", rows)
        if used != pair:
            F.parts.append(pd.DataFrame({
                "file": [b.tables[0].file], "sheet": [b.tables[0].sheet or ""], "baris": [b.tables[0].header_row],
                "kolom": [c], "aturan": ["YA_TIDAK_POLA_LAIN"],
                "pesan": [RULES["YA_TIDAK_POLA_LAIN"].pesan.format(kolom=c) + f" ({used[0]}/{used[1]})"],
                "nilai_tersamar": [""], "tindakan": [TANDAI], "_kind": [b.kind], "_pos": [-1]}))
    out["sumber_file"] = _kept(b.file, keep)
    out["baris_sumber"] = d["_baris"].astype("int64")
    return out.reset_index(drop=True)
