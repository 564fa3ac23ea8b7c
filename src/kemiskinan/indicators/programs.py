"""Programme tables: coverage and targeting errors (`cakupan`), where benefits go (`kebocoran`), the
overlap of the five programmes (`tumpang_tindih`) and the cost of closing the gap (`biaya`)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan import config
from kemiskinan.errors import CheckError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators.params import Params, program_key
from kemiskinan.indicators.prepare import Prepared

MANFAAT_FILE = config.REFERENCE_DIR / "manfaat_program.csv"


# ----------------------------------------------------------------------------------------------------
COUNT_CAKUPAN = ["n_target", "n_penerima", "n_target_menerima", "n_tidak_menerima", "n_penerima_luar_target",
                 "n_bukan_target"]
SHARE_CAKUPAN = ["cakupan", "exclusion_error", "inclusion_error", "cakupan_bukan_target",
                 "targeting_differential", "inclusion_error_termasuk_tidak_di_bdt"]


def _program_units(d: Prepared, program: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """(units frame, recipient flag, satuan) of a programme."""
    if program == "KKS":
        return d.kel, d.kel["kks"], "keluarga"
    df = d.ruta
    return df, B.yes(df[B.PROGRAM_FLAG[program]]), "rumah_tangga"


def kks_tidak_di_bdt(d: Prepared) -> pd.DataFrame:
    """KKS holders (status tersalur) whose keluarga was not found in BDT, per kota/kecamatan/kelurahan."""
    k = d.kks
    m = (k["status_kartu"] == "tersalur") & (k["cocok_lewat"] == "tidak_ditemukan")
    nf = k.loc[m, ["kode_kelurahan"]].assign(n=1)
    no_kel = nf["kode_kelurahan"].isna()
    if no_kel.any():  # the clean step should have rejected these; counting them nowhere would hide them
        raise CheckError(f"kks: {int(no_kel.sum())} baris tersalur tidak ditemukan tanpa kode_kelurahan")
    return B.sum_by_wilayah(nf, ["n"], levels=B.LEVELS_NO_RT).rename(columns={"n": "n_penerima_tidak_di_bdt"})


def cakupan(d: Prepared, p: Params) -> pd.DataFrame:
    """Coverage and targeting errors per wilayah × programme × target group."""
    nf = kks_tidak_di_bdt(d)
    names = ["n_target", "n_penerima", "n_target_menerima", "n_bukan_target", "n_penerima_luar_target"]
    by_prog = {}
    for prog in B.PROGRAMS:
        # one pass per programme: the counts of every target group side by side (t<i>__<count>)
        df, recv, satuan = _program_units(d, prog)
        u = pd.DataFrame({"kode_kelurahan": df["kode_kelurahan"], "rt": df["rt"]})
        for i, target in enumerate(p.targets):
            in_t = df["desil"].isin(target).fillna(False).astype(bool)
            for n, v in zip(names, (in_t, recv, in_t & recv, ~in_t, ~in_t & recv)):
                u[f"t{i}__{n}"] = v
        by_prog[prog] = (B.sum_by_wilayah(u, [c for c in u.columns if "__" in c], rt_universe=d.rt_universe),
                         satuan)
    parts = []
    for i, target in enumerate(p.targets):
        label = B.desil_label(target)
        for prog in B.PROGRAMS:
            wide, satuan = by_prog[prog]
            t = wide[["kode_wilayah", "tingkat"]].copy()
            for n in names:
                t[n] = wide[f"t{i}__{n}"]
            t["program"], t["satuan"], t["target"] = prog, satuan, label
            if prog == "KKS":
                t = t.merge(nf, on=["kode_wilayah", "tingkat"], how="left")
                t["n_penerima_tidak_di_bdt"] = t["n_penerima_tidak_di_bdt"].astype("Int64")
            else:  # a Blok V flag is only ever recorded for a BDT household
                t["n_penerima_tidak_di_bdt"] = pd.array([pd.NA] * len(t), dtype="Int64")
            parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    out["n_tidak_menerima"] = out["n_target"] - out["n_target_menerima"]
    out["cakupan"] = B.ratio(out["n_target_menerima"], out["n_target"])
    out["exclusion_error"] = B.ratio(out["n_tidak_menerima"], out["n_target"])
    out["inclusion_error"] = B.ratio(out["n_penerima_luar_target"], out["n_penerima"])
    out["cakupan_bukan_target"] = B.ratio(out["n_penerima_luar_target"], out["n_bukan_target"])
    out["targeting_differential"] = out["cakupan"] - out["cakupan_bukan_target"]
    nfb = out["n_penerima_tidak_di_bdt"].astype("Float64")
    out["inclusion_error_termasuk_tidak_di_bdt"] = B.ratio(out["n_penerima_luar_target"] + nfb,
                                                           out["n_penerima"] + nfb)
    out["nama"] = B.names_for(out["kode_wilayah"])
    for c in ("program", "satuan", "target"):
        out[c] = out[c].astype("string")
    cols = ["kode_wilayah", "tingkat", "nama", "program", "satuan", "target", *COUNT_CAKUPAN[:4],
            "cakupan", "exclusion_error", "n_penerima_luar_target", "inclusion_error",
            "n_penerima_tidak_di_bdt", "inclusion_error_termasuk_tidak_di_bdt", "n_bukan_target",
            "cakupan_bukan_target", "targeting_differential"]
    out = out[cols]
    # Row order: wilayah, then target in parameter order, then programme.
    tord = {B.desil_label(t): i for i, t in enumerate(p.targets)}
    out["_t"] = out["target"].map(tord)
    out = B.sort_table(out, ["_t", "program"]).drop(columns="_t")
    return out


def check_cakupan(df: pd.DataFrame) -> None:
    B.check_rows(df, (df["cakupan"] < 0) | (df["cakupan"] > 1), "cakupan: cakupan di luar [0, 1]")
    B.check_rows(df, (df["inclusion_error"] < 0) | (df["inclusion_error"] > 1),
                 "cakupan: inclusion_error di luar [0, 1]")
    B.check_rows(df, df["n_target_menerima"] > df["n_target"], "cakupan: n_target_menerima > n_target")
    B.check_rows(df, df["n_target_menerima"] > df["n_penerima"], "cakupan: n_target_menerima > n_penerima")
    B.check_rows(df, (df["cakupan"] + df["exclusion_error"] - 1).abs() > 1e-12,
                 "cakupan: cakupan + exclusion_error ≠ 1")
    B.check_hierarchy(df[df["tingkat"] != "rt"], COUNT_CAKUPAN, ["program", "target"], "cakupan")
    # RT rows must add up to the kelurahan for units that carry an RT.
    rt = df[df["tingkat"] == "rt"].copy()
    if len(rt):
        rt["_kel"] = rt["kode_wilayah"].astype(str).str.rpartition(".")[0]
        s = rt.groupby(["_kel", "program", "target"])[COUNT_CAKUPAN].sum()
        kel = df[df["tingkat"] == "kelurahan"].set_index(["kode_wilayah", "program", "target"])[COUNT_CAKUPAN]
        kel.index = kel.index.set_names(["_kel", "program", "target"])
        j = kel.join(s, rsuffix="_rt", how="inner")
        bad = pd.Series(False, index=j.index)
        for c in COUNT_CAKUPAN:
            bad |= j[c] < j[f"{c}_rt"]
        if bad.any():
            B.fail("cakupan: jumlah RT melebihi kelurahan", j[bad].reset_index())


def suppress_cakupan(df: pd.DataFrame, k: int) -> pd.DataFrame:
    return B.suppress(df, [*COUNT_CAKUPAN, "n_penerima_tidak_di_bdt"], k, applies=df["tingkat"] == "rt",
                      derived_cols=SHARE_CAKUPAN, denominator_col="n_target")


def kebocoran(d: Prepared, p: Params) -> pd.DataFrame:
    """Recipients of each programme by kelompok_desil (+ `tidak_di_bdt` for KKS): where benefits go."""
    nf = kks_tidak_di_bdt(d)
    parts = []
    for prog in B.PROGRAMS:
        df, recv, satuan = _program_units(d, prog)
        u = df.loc[recv, ["kode_kelurahan", "kelompok_desil"]].assign(n_penerima=1)
        t = B.sum_by_wilayah(u, ["n_penerima"], ["kelompok_desil"], levels=B.LEVELS_NO_RT,
                             categories={"kelompok_desil": B.KELOMPOK_DESIL})
        if prog == "KKS":
            extra = nf.rename(columns={"n_penerima_tidak_di_bdt": "n_penerima"}).assign(kelompok_desil="tidak_di_bdt")
            t = pd.concat([t, extra], ignore_index=True)
        t["program"], t["satuan"] = prog, satuan
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    out["kelompok_desil"] = out["kelompok_desil"].astype("string")
    tot = out.groupby(["kode_wilayah", "program"])["n_penerima"].transform("sum")
    out["persen"] = B.ratio(out["n_penerima"], tot)
    out["n_penerima"] = out["n_penerima"].astype("int64")
    out["nama"] = B.names_for(out["kode_wilayah"])
    out["program"] = out["program"].astype("string")
    out["satuan"] = out["satuan"].astype("string")
    out["ditekan"] = False
    out = out[["kode_wilayah", "tingkat", "nama", "program", "satuan", "kelompok_desil", "n_penerima", "persen",
               "ditekan"]]
    return B.sort_table(out, ["program", "kelompok_desil"])


# ----------------------------------------------------------------------------------------------------
# 3. tumpang tindih
# ----------------------------------------------------------------------------------------------------
def household_programs(d: Prepared) -> pd.DataFrame:
    """One row per rumah tangga with a boolean per programme.

    KKS = some keluarga of the household holds a card (distribution list, as in `cakupan`); the other
    programmes are the household's Blok V flags. Using the list for KKS keeps "households with no
    programme" consistent with the KKS figures on the first page.
    """
    kks_rt = d.kel.groupby("idbdt")["kks"].any()
    h = d.ruta[["idbdt", "kode_kelurahan", "rt", "desil", "kelompok_desil"]].copy()
    h["KKS"] = h["idbdt"].map(kks_rt).fillna(False).astype(bool)
    for prog in B.PROGRAMS[1:]:
        h[prog] = B.yes(d.ruta[B.PROGRAM_FLAG[prog]]).values
    return h


def _kombinasi(h: pd.DataFrame) -> pd.Series:
    names = np.array(B.PROGRAMS)
    flags = h[list(B.PROGRAMS)].to_numpy(bool)
    # each row's set of programmes as a bit pattern; the 2^5 labels are built once
    code = flags.astype(np.int64) @ (1 << np.arange(flags.shape[1], dtype=np.int64))
    labels = np.array(["+".join(names[[(c >> i) & 1 == 1 for i in range(len(names))]]) or "tidak_ada"
                       for c in range(1 << len(names))], dtype=object)
    return pd.Series(pd.array(labels[code], dtype="string"), index=h.index)


def all_combinations() -> list[str]:
    combos = []
    for mask in range(2 ** len(B.PROGRAMS)):
        on = [B.PROGRAMS[i] for i in range(len(B.PROGRAMS)) if mask >> (len(B.PROGRAMS) - 1 - i) & 1]
        combos.append("+".join(on) if on else "tidak_ada")
    return combos


def tumpang_tindih(d: Prepared, p: Params) -> pd.DataFrame:
    """Full cross-tab of the five programmes per wilayah, for all BDT households, D1–D2 and the target."""
    h = household_programs(d)
    h["kombinasi"] = _kombinasi(h)
    groups = {"semua": pd.Series(True, index=h.index), "D1-D2": h["desil"].isin([1, 2]).fillna(False)}
    groups.setdefault(p.target_label, h["desil"].isin(p.target_desil).fillna(False))
    parts = []
    for g, m in groups.items():
        u = h.loc[m.astype(bool), ["kode_kelurahan", "kombinasi"]].assign(n_rumah_tangga=1)
        t = B.sum_by_wilayah(u, ["n_rumah_tangga"], ["kombinasi"], levels=B.LEVELS_NO_RT,
                             categories={"kombinasi": all_combinations()})
        t["kelompok"] = g
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    out["kombinasi"] = out["kombinasi"].astype("string")
    out["kelompok"] = out["kelompok"].astype("string")
    out["jumlah_program"] = out["kombinasi"].map(lambda s: 0 if s == "tidak_ada" else s.count("+") + 1).astype("int64")
    tot = out.groupby(["kode_wilayah", "kelompok"])["n_rumah_tangga"].transform("sum")
    out["persen"] = B.ratio(out["n_rumah_tangga"], tot)
    out["nama"] = B.names_for(out["kode_wilayah"])
    out["satuan"] = pd.Series("rumah_tangga", index=out.index, dtype="string")
    out["ditekan"] = False
    combo_rank = {c: i for i, c in enumerate(all_combinations())}
    out["_k"] = out["kombinasi"].map(combo_rank)
    out = B.sort_table(out, ["kelompok", "_k"]).drop(columns="_k")
    return out[["kode_wilayah", "tingkat", "nama", "kelompok", "kombinasi", "jumlah_program", "satuan",
                "n_rumah_tangga", "persen", "ditekan"]]


# ----------------------------------------------------------------------------------------------------
# 9. biaya
# ----------------------------------------------------------------------------------------------------
def manfaat_table(overrides: dict[str, float | None] | None = None, path: Path = MANFAAT_FILE) -> pd.DataFrame:
    """Benefit per keluarga per month by programme: the reference CSV, then the analyst's overrides."""
    ref = pd.read_csv(path, dtype={"program": "string", "sumber": "string", "catatan": "string"},
                      keep_default_na=True)
    ref["key"] = ref["program"].map(program_key)
    rows = []
    for prog in B.PROGRAMS:
        r = ref[ref["key"] == program_key(prog)]
        val = r["rp_per_keluarga_per_bulan"].iloc[0] if len(r) else np.nan
        rows.append({"program": prog, "manfaat_per_bulan": val,
                     "tahun_manfaat": r["tahun"].iloc[0] if len(r) else np.nan,
                     "sumber_manfaat": r["sumber"].iloc[0] if len(r) else pd.NA})
    out = pd.DataFrame(rows)
    for k, v in (overrides or {}).items():
        m = out["program"].map(program_key) == program_key(k)
        out.loc[m, "manfaat_per_bulan"] = np.nan if v is None else float(v)
        out.loc[m, "tahun_manfaat"] = np.nan
        out.loc[m, "sumber_manfaat"] = "parameter analis (manfaat)"
    out["manfaat_per_bulan"] = out["manfaat_per_bulan"].astype("Float64")
    out["tahun_manfaat"] = pd.to_numeric(out["tahun_manfaat"], errors="coerce").astype("Int64")
    out["sumber_manfaat"] = out["sumber_manfaat"].astype("string")
    return out


def biaya(d: Prepared, p: Params) -> pd.DataFrame:
    """Yearly cost of giving each excluded target keluarga the programme's benefit, and reach per Rp 1 M.

    Excluded keluarga: KKS — target keluarga without a card; the Blok V programmes — keluarga of target
    households whose household flag is "Tidak" (the benefit is paid per keluarga/KPM).
    """
    k = d.kel
    in_t = k["desil"].isin(p.target_desil).fillna(False).astype(bool)
    parts = []
    for prog in B.PROGRAMS:
        recv = k["kks"] if prog == "KKS" else k[B.PROGRAM_FLAG[prog]].astype(bool)
        u = k[["kode_kelurahan"]].assign(n_keluarga_target=in_t, n_keluarga_dikecualikan=in_t & ~recv)
        t = B.sum_by_wilayah(u, ["n_keluarga_target", "n_keluarga_dikecualikan"], levels=B.LEVELS_NO_RT)
        t["program"] = prog
        parts.append(t)
    out = pd.concat(parts, ignore_index=True).merge(manfaat_table(p.manfaat), on="program", how="left")
    out["biaya_per_tahun"] = out["n_keluarga_dikecualikan"].astype("Float64") * out["manfaat_per_bulan"] * 12
    yearly = out["manfaat_per_bulan"] * 12
    out["keluarga_per_miliar"] = (1e9 / yearly.where(yearly > 0)).astype("Float64")
    out["target"] = p.target_label
    out["satuan"] = "keluarga"
    out["nama"] = B.names_for(out["kode_wilayah"])
    for c in ("program", "target", "satuan"):
        out[c] = out[c].astype("string")
    out["ditekan"] = False
    cols = ["kode_wilayah", "tingkat", "nama", "program", "target", "satuan", "n_keluarga_target",
            "n_keluarga_dikecualikan", "manfaat_per_bulan", "tahun_manfaat", "sumber_manfaat", "biaya_per_tahun",
            "keluarga_per_miliar", "ditekan"]
    return B.sort_table(out[cols], ["program"])

