"""Counts per desil group (`sebaran`) and the first page's headline per wilayah (`ringkasan`), which is
taken from the other tables."""
from __future__ import annotations

import pandas as pd

from kemiskinan.indicators import _base as B
from kemiskinan.indicators.params import Params
from kemiskinan.indicators.prepare import Prepared, penduduk_by_wilayah


def sebaran(d: Prepared, p: Params) -> pd.DataFrame:
    """Counts by kelompok_desil × wilayah × satuan, plus totals `1-4` and `semua` and population shares."""
    units = {"rumah_tangga": d.ruta, "keluarga": d.kel, "jiwa": d.art}
    parts = []
    for satuan, df in units.items():
        u = df[["kode_kelurahan", "rt", "kelompok_desil"]].assign(jumlah=1)
        t = B.sum_by_wilayah(u, ["jumlah"], ["kelompok_desil"], categories={"kelompok_desil": B.KELOMPOK_DESIL},
                             rt_universe=d.rt_universe)
        wide = t.pivot_table(index=["kode_wilayah", "tingkat"], columns="kelompok_desil", values="jumlah",
                             observed=True, aggfunc="sum")
        wide["1-4"] = wide[["1", "2", "3", "4"]].sum(axis=1)
        wide["semua"] = wide[list(B.KELOMPOK_DESIL)].sum(axis=1)
        long = wide.reset_index().melt(id_vars=["kode_wilayah", "tingkat"], var_name="kelompok_desil",
                                       value_name="jumlah")
        long["satuan"] = satuan
        parts.append(long)
    out = pd.concat(parts, ignore_index=True)
    out["jumlah"] = out["jumlah"].astype("int64")
    pen = penduduk_by_wilayah(d.penduduk)
    denom_col = {"jiwa": "jumlah_penduduk", "rumah_tangga": "jumlah_rumah_tangga", "keluarga": "jumlah_kk"}
    out = out.merge(pen, on="kode_wilayah", how="left")
    out["penyebut_penduduk"] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    for s, c in denom_col.items():
        m = out["satuan"] == s
        out.loc[m, "penyebut_penduduk"] = out.loc[m, c]
    out["persen_penduduk"] = B.ratio(out["jumlah"], out["penyebut_penduduk"])
    out = out.drop(columns=list(denom_col.values()))
    out["nama"] = B.names_for(out["kode_wilayah"])
    out["kelompok_desil"] = out["kelompok_desil"].astype("string")
    out["satuan"] = out["satuan"].astype("string")
    return B.sort_table(out[["kode_wilayah", "tingkat", "nama", "kelompok_desil", "satuan", "jumlah",
                             "penyebut_penduduk", "persen_penduduk"]], ["satuan", "kelompok_desil"])


def suppress_sebaran(df: pd.DataFrame, k: int) -> pd.DataFrame:
    """RT-level small cells hidden; where any desil cell of an RT×satuan is hidden, its totals are too,
    so `semua − visible cells` cannot give the hidden one back."""
    out = B.suppress(df, ["jumlah"], k, applies=df["tingkat"] == "rt", derived_cols=["persen_penduduk"])
    grp = out.groupby(["kode_wilayah", "satuan"])["ditekan"].transform("any")
    tot = out["kelompok_desil"].isin(["1-4", "semua"]) & grp & (out["tingkat"] == "rt")
    out.loc[tot, "jumlah"] = pd.NA
    out.loc[tot, "persen_penduduk"] = pd.NA
    out.loc[tot, "ditekan"] = True
    return out

# ----------------------------------------------------------------------------------------------------
# ringkasan
# ----------------------------------------------------------------------------------------------------
def ringkasan(p: Params, seb: pd.DataFrame, cak: pd.DataFrame, tt: pd.DataFrame, mp: pd.DataFrame) -> pd.DataFrame:
    """First-page numbers per kota, kecamatan and kelurahan, taken from the other (unsuppressed) tables."""
    base = B.wilayah_universe()
    s = seb[seb["tingkat"] != "rt"].set_index(["kode_wilayah", "satuan", "kelompok_desil"])["jumlah"]

    def pick(satuan: str, kel: str) -> pd.Series:
        return base["kode_wilayah"].map(s.xs((satuan, kel), level=("satuan", "kelompok_desil"))).astype("Int64")

    out = base.copy()
    k = cak[(cak["program"] == "KKS") & (cak["target"] == p.target_label) & (cak["tingkat"] != "rt")].set_index("kode_wilayah")
    out["target"] = p.target_label
    out["keluarga_miskin"] = out["kode_wilayah"].map(k["n_target"]).astype("Int64")
    out["keluarga_kks"] = out["kode_wilayah"].map(k["n_target_menerima"]).astype("Int64")
    out["keluarga_tanpa_kks"] = out["kode_wilayah"].map(k["n_tidak_menerima"]).astype("Int64")
    out["cakupan_kks"] = out["kode_wilayah"].map(k["cakupan"]).astype("Float64")
    out["kks_tidak_di_bdt"] = out["kode_wilayah"].map(k["n_penerima_tidak_di_bdt"]).astype("Int64")
    out["rumah_tangga_bdt"] = pick("rumah_tangga", "semua")
    out["keluarga_bdt"] = pick("keluarga", "semua")
    out["jiwa_bdt"] = pick("jiwa", "semua")
    out["rumah_tangga_desil_1_4"] = pick("rumah_tangga", "1-4")
    out["jiwa_desil_1_4"] = pick("jiwa", "1-4")
    pj = seb[(seb["satuan"] == "jiwa") & (seb["kelompok_desil"] == "semua") & (seb["tingkat"] != "rt")] \
        .set_index("kode_wilayah")
    out["penduduk"] = out["kode_wilayah"].map(pj["penyebut_penduduk"]).astype("Float64")
    out["persen_penduduk_bdt"] = B.ratio(out["jiwa_bdt"], out["penduduk"])
    out["persen_penduduk_desil_1_4"] = B.ratio(out["jiwa_desil_1_4"], out["penduduk"])
    sem = tt[tt["kelompok"] == "semua"]
    out["rumah_tangga_2_program_lebih"] = out["kode_wilayah"].map(
        sem[sem["jumlah_program"] >= 2].groupby("kode_wilayah")["n_rumah_tangga"].sum()).astype("Int64")
    d12 = tt[(tt["kelompok"] == "D1-D2") & (tt["jumlah_program"] == 0)].set_index("kode_wilayah")
    out["rumah_tangga_d1_d2_tanpa_program"] = out["kode_wilayah"].map(d12["n_rumah_tangga"]).astype("Int64")
    m = mp.set_index("kode_wilayah")
    out["mpm_pendaftar"] = out["kode_wilayah"].map(m["pendaftar"]).astype("Int64")
    out["mpm_melapor"] = out["kode_wilayah"].map(m["kelurahan_melapor"]).astype("Int64")
    out["mpm_kelurahan"] = out["kode_wilayah"].map(m["kelurahan_jumlah"]).astype("Int64")
    out["mpm_status_lapor"] = out["kode_wilayah"].map(m["status_lapor"]).astype("string")
    out["ditekan"] = False
    return B.sort_table(out, [])


def check_ringkasan(df: pd.DataFrame) -> None:
    B.check_rows(df, (df["cakupan_kks"] < 0) | (df["cakupan_kks"] > 1), "ringkasan: cakupan_kks di luar [0, 1]")
    B.check_rows(df, df["keluarga_kks"] > df["keluarga_miskin"], "ringkasan: keluarga_kks > keluarga_miskin")
    B.check_rows(df, df["keluarga_kks"] + df["keluarga_tanpa_kks"] != df["keluarga_miskin"],
                 "ringkasan: keluarga_kks + keluarga_tanpa_kks ≠ keluarga_miskin")
    B.check_rows(df, df["rumah_tangga_desil_1_4"] > df["rumah_tangga_bdt"],
                 "ringkasan: rumah_tangga_desil_1_4 > rumah_tangga_bdt")
    B.check_hierarchy(df, ["keluarga_miskin", "keluarga_kks", "keluarga_tanpa_kks", "rumah_tangga_bdt",
                           "keluarga_bdt", "jiwa_bdt", "mpm_pendaftar", "kks_tidak_di_bdt"], (), "ringkasan")
