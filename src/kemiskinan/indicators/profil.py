"""The `profil` table: share of households and persons with each deprivation (housing, head of household,
members), by wilayah down to RT and by desil group, with the sensitive ones suppressed at every level."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.domain.codes import positions
from kemiskinan.indicators import _base as B
from kemiskinan.indicators.params import Params
from kemiskinan.indicators.prepare import Prepared

# Household-level deprivation indicators (docs/domain.md §4.4): id -> (needs, condition) over a household
# frame; `needs` says which rows are in the denominator (the variable is known).
SENSITIVE = ("disabilitas", "penyakit_kronis", "disabilitas_jiwa", "penyakit_kronis_jiwa")


def _cond(known: pd.Series, cond: pd.Series) -> tuple[pd.Series, pd.Series]:
    known = known.fillna(False).astype(bool)
    return known, (known & cond.fillna(False).astype(bool))


def household_conditions(d: Prepared) -> tuple[pd.DataFrame, list[str]]:
    """Per household: for each indicator `<id>` a pair `n__<id>` (in denominator), `k__<id>` (has it)."""
    r = d.ruta
    h = r[["idbdt", "kode_kelurahan", "rt", "desil"]].copy()
    ind: dict[str, tuple[pd.Series, pd.Series]] = {}
    lantai, dinding, kd = B.num(r["lantai"]), B.num(r["dinding"]), B.num(r["kondisi_dinding"])
    atap, ka = B.num(r["atap"]), B.num(r["kondisi_atap"])
    ind["lantai_tidak_permanen"] = _cond(lantai.notna(), lantai.between(6, 10))
    ind["lantai_tanah"] = _cond(lantai.notna(), lantai == 9)
    ind["dinding_tidak_layak"] = _cond(dinding.notna(), (dinding != 1) | (kd == 2))
    ind["atap_tidak_layak"] = _cond(atap.notna(), atap.between(8, 10) | (ka == 2))
    air = B.num(r["sumber_airminum"])
    ind["air_minum_tidak_layak"] = _cond(air.notna(), air.isin([7, 9, 10, 11, 12]))
    fas = B.num(r["fasbab"])
    ind["tanpa_jamban_sendiri"] = _cond(fas.notna(), fas.isin([3, 4]))
    tinja = B.num(r["buang_tinja"])
    ind["pembuangan_tinja_tidak_aman"] = _cond(tinja.notna(), tinja.between(3, 6))
    pen = B.num(r["sumber_penerangan"])
    ind["listrik_bukan_pln"] = _cond(pen.notna(), pen.isin([2, 3]))
    daya = B.num(r["daya"])
    ind["listrik_450va"] = _cond(daya.notna() & (pen == 1), daya == 1)
    bb = B.num(r["bb_masak"])
    ind["bahan_bakar_tidak_bersih"] = _cond(bb.notna(), bb.between(5, 8))
    luas, nart = B.num(r["luas_lantai"]), B.num(r["jumlah_art"])
    ok = (luas > 0) & (nart > 0)
    ind["luas_lantai_per_kapita_kurang_8"] = _cond(ok, (luas / nart) < 8)

    a = d.art
    hd = h["idbdt"]
    member_hh = positions(a["idbdt"], hd)          # each member's row in `h` (-1: not a household here)
    in_h = member_hh >= 0
    # each household's head (hub_krt 1; the first one in row order if there are several), as a member row
    heads = np.flatnonzero(((B.num(a["hub_krt"]) == 1).fillna(False).to_numpy(dtype=bool)) & in_h)[::-1]
    head_row = np.full(len(hd), -1, dtype=np.int64)
    head_row[member_hh[heads]] = heads              # written last to first: the first head row wins

    def of_head(col: pd.Series) -> pd.Series:
        return pd.Series(col.array.take(head_row, allow_fill=True), index=hd.index)

    sex = of_head(a["jenis_kelamin"].astype("string"))
    ind["krt_perempuan"] = _cond(sex.isin(["L", "P"]), sex == "P")
    ij = B.num(of_head(a["ijazah_tertinggi"]))
    ind["krt_pendidikan_sd_ke_bawah"] = _cond(ij.notna(), ij <= 1)
    bk = a["sta_bekerja"]
    if pd.api.types.is_bool_dtype(bk.dtype):
        work = bk.astype("boolean")
    else:   # 1 = bekerja, 2 = tidak; anything else unknown
        code = B.num(bk)
        work = (code == 1).astype("boolean").mask(~code.isin([1, 2]).fillna(False).astype(bool))
    w = of_head(work)
    ind["krt_tidak_bekerja"] = _cond(w.notna(), w == False)  # noqa: E712 (nullable boolean)

    has_member = pd.Series(np.bincount(member_hh[in_h], minlength=len(hd)) > 0, index=hd.index)
    cacat = B.num(a["jenis_cacat"])
    kronis = B.num(a["penyakit_kronis"])
    umur = B.num(a["umur"])
    sek = B.num(a["partisipasi_sekolah"])
    anak = umur.between(7, 18) & sek.notna()

    def any_by_hh(flag: pd.Series) -> pd.Series:
        f = flag.fillna(False).to_numpy(dtype=bool) & in_h
        return pd.Series(np.bincount(member_hh[f], minlength=len(hd)) > 0, index=hd.index)

    ind["disabilitas"] = _cond(has_member, any_by_hh(cacat.between(1, 12)))
    ind["penyakit_kronis"] = _cond(has_member, any_by_hh(kronis.between(1, 9)))
    ind["ada_lansia"] = _cond(has_member, any_by_hh(umur >= 60))
    ind["anak_tidak_sekolah"] = _cond(any_by_hh(anak), any_by_hh(anak & (sek != 1)))
    for k_, (n_, c_) in ind.items():
        h[f"n__{k_}"] = n_.values
        h[f"k__{k_}"] = c_.values
    return h, list(ind)


def person_conditions(d: Prepared) -> tuple[pd.DataFrame, list[str]]:
    """Per person (satuan jiwa): children 7–18 out of school, disability, chronic illness."""
    a = d.art
    p_ = a[["idbdt", "kode_kelurahan", "rt", "desil"]].copy()
    umur, sek = B.num(a["umur"]), B.num(a["partisipasi_sekolah"])
    cacat, kronis = B.num(a["jenis_cacat"]), B.num(a["penyakit_kronis"])
    ind = {
        "anak_tidak_sekolah_jiwa": _cond(umur.between(7, 18) & sek.notna(), sek != 1),
        "disabilitas_jiwa": _cond(cacat.notna(), cacat.between(1, 12)),
        "penyakit_kronis_jiwa": _cond(kronis.notna(), kronis.between(1, 9)),
    }
    for k_, (n_, c_) in ind.items():
        p_[f"n__{k_}"] = n_.values
        p_[f"k__{k_}"] = c_.values
    return p_, list(ind)


def profil(d: Prepared, p: Params) -> pd.DataFrame:
    """Share of units with each deprivation, by wilayah (to RT) and desil group (D1-D2, D3-D4, semua)."""
    parts = []
    groups = ["D1-D2", "D3-D4", "semua"]
    for (frame, ids), satuan in ((household_conditions(d), "rumah_tangga"), (person_conditions(d), "jiwa")):
        # a unit outside desil 1–4 is in no desil group ("") but in "semua": summed per group once, and
        # "semua" added up from the three (counts are additive) instead of summing a second copy of every unit
        # (groups as int8 codes 0, 1 and 2 = none: 4 M short strings cost more to store than to sum)
        frame["kelompok"] = np.select([frame["desil"].isin([1, 2]).fillna(False).to_numpy(dtype=bool),
                                       frame["desil"].isin([3, 4]).fillna(False).to_numpy(dtype=bool)],
                                      [0, 1], default=2).astype(np.int8)
        cols = [c for i in ids for c in (f"n__{i}", f"k__{i}")]
        per_group = B.sum_by_wilayah(frame, cols, ["kelompok"], categories={"kelompok": [0, 1, 2]},
                                     rt_universe=d.rt_universe)
        t = per_group.iloc[::3].reset_index(drop=True)[["kode_wilayah", "tingkat"]]
        t = t.loc[t.index.repeat(3)].reset_index(drop=True)
        t["kelompok"] = np.tile(np.array(groups, dtype=object), len(t) // 3)
        for c in cols:
            g = per_group[c].to_numpy().reshape(-1, 3)            # D1-D2, D3-D4, "" per wilayah row
            t[c] = np.column_stack([g[:, 0], g[:, 1], g.sum(axis=1)]).ravel()
        for i in ids:
            parts.append(pd.DataFrame({"kode_wilayah": t["kode_wilayah"], "tingkat": t["tingkat"],
                                       "indikator": i, "kelompok": t["kelompok"], "satuan": satuan,
                                       "n": t[f"n__{i}"], "n_kondisi": t[f"k__{i}"]}))
    out = pd.concat(parts, ignore_index=True)
    out["persen"] = B.ratio(out["n_kondisi"], out["n"])
    out["nama"] = B.names_for(out["kode_wilayah"])
    for c in ("indikator", "kelompok", "satuan"):
        out[c] = out[c].astype("string")
    out["sensitif"] = out["indikator"].isin(SENSITIVE)
    order = {i: n for n, i in enumerate(PROFIL_ORDER)}
    out["_i"] = out["indikator"].map(order)
    out = B.sort_table(out, ["_i", "kelompok"]).drop(columns="_i")
    return out[["kode_wilayah", "tingkat", "nama", "indikator", "satuan", "kelompok", "n", "n_kondisi", "persen",
                "sensitif"]]


PROFIL_ORDER = ["lantai_tidak_permanen", "lantai_tanah", "dinding_tidak_layak", "atap_tidak_layak",
                "air_minum_tidak_layak", "tanpa_jamban_sendiri", "pembuangan_tinja_tidak_aman",
                "listrik_bukan_pln", "listrik_450va", "bahan_bakar_tidak_bersih",
                "luas_lantai_per_kapita_kurang_8", "krt_perempuan", "krt_pendidikan_sd_ke_bawah",
                "krt_tidak_bekerja", "disabilitas", "penyakit_kronis", "ada_lansia", "anak_tidak_sekolah",
                "anak_tidak_sekolah_jiwa", "disabilitas_jiwa", "penyakit_kronis_jiwa"]


def suppress_profil(df: pd.DataFrame, k: int) -> pd.DataFrame:
    """RT level: every indicator; sensitive indicators (disability, chronic illness): every level, with
    the complement rule as well (see `suppress`)."""
    sens = df["sensitif"]
    out = B.suppress(df, ["n_kondisi", "n"], k, applies=(df["tingkat"] == "rt") & ~sens,
                     derived_cols=["persen"], denominator_col="n")
    out = B.suppress(out, ["n_kondisi", "n"], k, applies=sens, derived_cols=["persen"],
                     denominator_col="n", complement_of="n")
    return out


