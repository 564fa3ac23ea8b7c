"""The `prioritas` table: each kelurahan's priority quadrant (share of ruta in D1–D2 against KKS coverage)."""
from __future__ import annotations

import pandas as pd

from kemiskinan.indicators import _base as B
from kemiskinan.indicators.params import Params
from kemiskinan.indicators.prepare import Prepared, penduduk_by_wilayah

KUADRAN = {1: "prioritas_1_miskin_tinggi_cakupan_rendah", 2: "prioritas_2_miskin_tinggi_cakupan_tinggi",
           3: "prioritas_3_miskin_rendah_cakupan_rendah", 4: "prioritas_4_miskin_rendah_cakupan_tinggi"}


def quadrant(x, y, x_ref: float, y_ref: float, *, x_higher_is_worse: bool = True,
             y_higher_is_worse: bool = False) -> pd.Series:
    """Priority 1–4 of each point against reference lines (docs/domain.md §4.5).

    1 = worse on both, 2 = worse on x only, 3 = worse on y only, 4 = better on both. A value equal to
    the reference counts as worse: a kelurahan exactly at the city level is not "better than the city".
    x is the poverty indicator, so it ranks before y (coverage). NA in → NA out.
    """
    x, y = pd.Series(x, dtype="Float64"), pd.Series(y, dtype="Float64")
    xw = x >= x_ref if x_higher_is_worse else x <= x_ref
    yw = y >= y_ref if y_higher_is_worse else y <= y_ref
    pr = pd.Series(pd.NA, index=x.index, dtype="Int8")
    pr[xw & yw] = 1
    pr[xw & ~yw] = 2
    pr[~xw & yw] = 3
    pr[~xw & ~yw] = 4
    return pr


def prioritas(d: Prepared, p: Params, cak: pd.DataFrame) -> pd.DataFrame:
    """Kelurahan on x = % rumah tangga in D1–D2 (of all households, penduduk table) and y = KKS coverage."""
    u = d.ruta[["kode_kelurahan"]].assign(n_d1_d2=d.ruta["desil"].isin([1, 2]).fillna(False).astype(bool))
    t = B.sum_by_wilayah(u, ["n_d1_d2"], levels=B.LEVELS_NO_RT)
    pen = penduduk_by_wilayah(d.penduduk)[["kode_wilayah", "jumlah_rumah_tangga"]]
    t = t.merge(pen, on="kode_wilayah", how="left")
    t["x"] = B.ratio(t["n_d1_d2"], t["jumlah_rumah_tangga"])
    k = cak[(cak["program"] == "KKS") & (cak["target"] == p.target_label) & (cak["tingkat"] != "rt")]
    t = t.merge(k[["kode_wilayah", "cakupan"]], on="kode_wilayah", how="left")
    kota = t[t["tingkat"] == "kota"].iloc[0]
    x_kota, y_kota = kota["x"], kota["cakupan"]
    kel = t[t["tingkat"] == "kelurahan"].copy()
    out = pd.DataFrame({
        "kode_wilayah": kel["kode_wilayah"].values,
        "tingkat": "kelurahan",
        "nama": B.names_for(kel["kode_wilayah"]).values,
        "n_rumah_tangga_d1_d2": kel["n_d1_d2"].values,
        "penyebut_rumah_tangga": kel["jumlah_rumah_tangga"].values,
        "x_persen_d1_d2": kel["x"].astype("Float64").values,
        "y_cakupan_kks": kel["cakupan"].astype("Float64").values,
        "x_kota": pd.array([x_kota] * len(kel), dtype="Float64"),
        "y_kota": pd.array([y_kota] * len(kel), dtype="Float64"),
    })
    if pd.isna(x_kota) or pd.isna(y_kota):
        out["prioritas"] = pd.array([pd.NA] * len(out), dtype="Int8")
    else:
        out["prioritas"] = quadrant(out["x_persen_d1_d2"], out["y_cakupan_kks"], float(x_kota), float(y_kota)).values
    out["kuadran"] = out["prioritas"].map(KUADRAN).astype("string")
    out["target"] = p.target_label
    # Rank within the city: priority first, then the poorer kelurahan (higher x), then lower coverage.
    r = out.sort_values(["prioritas", "x_persen_d1_d2", "y_cakupan_kks", "kode_wilayah"],
                        ascending=[True, False, True, True], na_position="last")
    out["peringkat"] = pd.Series(range(1, len(r) + 1), index=r.index).reindex(out.index).astype("Int64")
    out["ditekan"] = False
    return B.sort_table(out, [])

