"""The indicator tables of docs/contracts.md §3, one function per table.

Each function takes prepared clean tables (see `prepare`) and returns a frame sorted by kode_wilayah;
`compute_all` runs them in order, checks the results and applies small-cell suppression last, so every
check sees the true numbers and every published number went through the same `suppress`.
Definitions, units and caveats of every column live in indicators_meta.yml (→ docs/indicators.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from kemiskinan import config

from kemiskinan.domain import codes

from kemiskinan.domain import wilayah
from kemiskinan.errors import CheckError, ParameterError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators._fgt import check_fgt

CLEAN_TABLES = ("rumah_tangga", "anggota", "keluarga", "kks", "mpm", "mpm_laporan", "penduduk")
# The columns of each clean table the indicators read, plus the rows' provenance (shown as evidence when a
# check fails). The rest — NIK, No. KK, assets and statuses no indicator uses — is never copied: `prepare`
# keeps only these (of the cleaner's tables, rumah_tangga 26 of 58 columns, anggota 12 of 28), and the
# province run (`compute_by_kabkota`) takes only these into each kab/kota. Code that starts reading another
# column must add it here: without it the column is absent (a KeyError in the tests and the golden tables).
PROVENANCE_COLUMNS = ("sumber_file", "sumber_sheet", "baris_sumber")
CLEAN_COLUMNS = {
    "rumah_tangga": ("idbdt", "kode_kelurahan", "kode_kecamatan", "rt", "jumlah_art", "desil", "kelompok_desil",
                     "lantai", "dinding", "kondisi_dinding", "atap", "kondisi_atap", "sumber_airminum",
                     "sumber_penerangan", "daya", "bb_masak", "fasbab", "buang_tinja", "luas_lantai",
                     *B.PROGRAM_FLAG.values()),
    "anggota": ("idbdt", "nuk", "hub_krt", "jenis_kelamin", "umur", "jenis_cacat", "penyakit_kronis",
                "partisipasi_sekolah", "ijazah_tertinggi", "sta_bekerja"),
    "keluarga": ("idbdt", "nuk", "kode_kecamatan", "kode_kelurahan", "rt", "desil", "kelompok_desil", "jumlah_art",
                 "kks"),
    "kks": ("kode_kelurahan", "status_kartu", "idbdt", "nuk", "cocok_lewat"),
    "mpm": ("kode_kelurahan", "idbdt", "terdaftar_bdt", "hasil_verifikasi", "jumlah_art", "art_meninggal",
            "art_pindah", "art_baru", "rt"),
    "mpm_laporan": ("kode_kelurahan", "melapor", "tanggal_terakhir"),
    "penduduk": ("kode_kelurahan", "jumlah_penduduk", "jumlah_rumah_tangga", "jumlah_kk", "tahun", "sumber"),
}


def needed_columns(columns: Iterable[str], table: str) -> list[str]:
    """Those of `columns` (a clean table's) the indicators read, plus provenance, in their own order; a
    listed column the table lacks is left for the code that reads it to report."""
    keep = {*CLEAN_COLUMNS[table], *PROVENANCE_COLUMNS}
    return [c for c in columns if c in keep]


BPS_FILE = config.REFERENCE_DIR / "bps_kemiskinan.csv"
MANFAAT_FILE = config.REFERENCE_DIR / "manfaat_program.csv"

DEFAULT_PARAMS: dict[str, Any] = {
    "target_desil": [1, 2, 3, 4],
    # Extra target groups for `cakupan` (the first page uses target_desil only).
    "target_tambahan": [[1], [1, 2]],
    "ambang_sel_kecil": 5,
    "manfaat": {},
    "batas_lapor_mpm": "2018-05-31",
    "tahun_penduduk": None,
}

# Household-level deprivation indicators (docs/domain.md §4.4): id -> (needs, condition) over a household
# frame; `needs` says which rows are in the denominator (the variable is known).
SENSITIVE = ("disabilitas", "penyakit_kronis", "disabilitas_jiwa", "penyakit_kronis_jiwa")


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
    before issue 20 ranked desil 1–4 only)."""
    import json
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


# ----------------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------------
def needed(clean: dict[str, pd.DataFrame], table: str) -> pd.DataFrame:
    """Clean table `table` with only the columns the indicators read. No copy: with pandas' copy-on-write,
    assigning a column of the selection never touches the caller's table."""
    df = clean[table]
    return df[needed_columns(df.columns, table)]


def read_clean(folder: str | Path, needed_only: bool = False) -> dict[str, pd.DataFrame]:
    """The clean tables of contracts §2 from a processed folder (`data/processed/<periode>/`); with
    `needed_only`, only the columns the indicators read (`needed_columns`), as `compute_all` asks."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    missing = [t for t in CLEAN_TABLES if not (folder / f"{t}.parquet").exists()]
    if missing:
        raise CheckError(f"tabel bersih tidak ada di {folder}: {', '.join(m + '.parquet' for m in missing)}")
    out = {}
    for t in CLEAN_TABLES:
        p = folder / f"{t}.parquet"
        out[t] = pd.read_parquet(p, columns=needed_columns(pq.read_schema(p).names, t) if needed_only else None)
    return out


@dataclass
class Prepared:
    rt: pd.DataFrame        # rumah tangga
    kel: pd.DataFrame       # keluarga (with household flags joined)
    art: pd.DataFrame       # anggota (with household wilayah and desil joined)
    kks: pd.DataFrame
    mpm: pd.DataFrame
    laporan: pd.DataFrame
    penduduk: pd.DataFrame  # per kelurahan
    rt_universe: pd.Series  # every RT code seen in the household file
    # which optional inputs the clean step had (meta.json `masukan`), read off the clean tables themselves:
    # no KKS list → keluarga.kks all NA; no MPM workbook → mpm_laporan empty; no population → penduduk empty
    masukan: dict = field(default_factory=lambda: {"kks": True, "mpm": True, "penduduk": True})


_positions = codes.positions   # row of `ref` (unique keys) holding each of `keys`, -1 when absent or NA


def _join_unique(left: pd.DataFrame, right: pd.DataFrame, key: str, pos: np.ndarray) -> pd.DataFrame:
    """`left.merge(right, on=key, how="left", validate="many_to_one")` for a `right` whose keys the caller
    checked unique, given `pos = _positions(left[key], right[key])` (which its orphan check used too): the
    matching rows are taken by position instead of a hash merge; a key not in `right` gets the merge's NA."""
    if (pos < 0).any():
        return left.merge(right, on=key, how="left", validate="many_to_one")
    extra = right.drop(columns=[key]).iloc[pos].reset_index(drop=True)
    out = left.reset_index(drop=True)
    return pd.concat([out, extra], axis=1)


def _kelompok(s: pd.Series, table: str) -> pd.Series:
    out = s.astype("string")
    bad = out.isna() | ~out.isin(B.KELOMPOK_DESIL)
    if bad.any():
        raise CheckError(f"{table}: kelompok_desil di luar {B.KELOMPOK_DESIL}: "
                         f"{sorted(set(out[bad].fillna('<NA>')))[:10]}")
    return out


def _unique(df: pd.DataFrame, keys: list[str], table: str) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        B.fail(f"{table}: kunci {keys} tidak unik", df.loc[dup, keys])


def prepare(clean: dict[str, pd.DataFrame], p: Params) -> Prepared:
    """Select and type the columns the indicators need; check keys and joins (CheckError on failure)."""
    missing = [t for t in CLEAN_TABLES if t not in clean]
    if missing:
        raise CheckError(f"tabel bersih kurang: {', '.join(missing)}")
    rt = needed(clean, "rumah_tangga")
    _unique(rt, ["idbdt"], "rumah_tangga")
    rt["idbdt"] = rt["idbdt"].astype("string")
    rt["kode_kelurahan"] = rt["kode_kelurahan"].astype("string")
    B.kecamatan_of(rt["kode_kelurahan"])  # raises on unknown codes
    kec = B.kecamatan_of(rt["kode_kelurahan"])
    B.check_rows(rt, rt["kode_kecamatan"].astype("string") != kec,
                 "rumah_tangga: kode_kecamatan tidak cocok dengan induk kode_kelurahan")
    rt["rt"] = rt["rt"].astype("string")
    rt["kelompok_desil"] = _kelompok(rt["kelompok_desil"], "rumah_tangga")
    rt["desil"] = pd.to_numeric(rt["desil"], errors="coerce").astype("Int8")

    kel = needed(clean, "keluarga")
    _unique(kel, ["idbdt", "nuk"], "keluarga")
    kel["idbdt"] = kel["idbdt"].astype("string")
    kel["kode_kelurahan"] = kel["kode_kelurahan"].astype("string")
    kel["rt"] = kel["rt"].astype("string")
    kel["kelompok_desil"] = _kelompok(kel["kelompok_desil"], "keluarga")
    kel["desil"] = pd.to_numeric(kel["desil"], errors="coerce").astype("Int8")
    masukan = {"kks": not (len(kel) and kel["kks"].isna().all()),
               "mpm": len(clean["mpm_laporan"]) > 0 or len(clean["mpm"]) > 0,
               "penduduk": len(clean["penduduk"]) > 0}
    kel["kks"] = B.yes(kel["kks"])   # (an absent list counts as "no card" here; `blank_absent` removes it)
    # each keluarga's / member's household row, looked up once: the orphan check and the join both use it
    # (rt's IDBDT were checked unique above)
    pos = _positions(kel["idbdt"], rt["idbdt"])
    B.check_rows(kel, pd.Series(pos < 0, index=kel.index), "keluarga tanpa rumah tangga di rumah_tangga.parquet")
    flags = rt[["idbdt", *B.PROGRAM_FLAG.values()]].copy()
    for c in B.PROGRAM_FLAG.values():
        flags[c] = B.yes(flags[c])
    kel = _join_unique(kel, flags, "idbdt", pos=pos)

    art = needed(clean, "anggota")
    art["idbdt"] = art["idbdt"].astype("string")
    pos = _positions(art["idbdt"], rt["idbdt"])
    B.check_rows(art, pd.Series(pos < 0, index=art.index), "anggota tanpa rumah tangga di rumah_tangga.parquet")
    art = _join_unique(art, rt[["idbdt", "kode_kelurahan", "rt", "desil", "kelompok_desil"]], "idbdt", pos=pos)

    kks = needed(clean, "kks")
    # a handful of distinct values (card statuses, match routes): normalised once per value, not per row
    kks["status_kartu"] = B.map_small(kks["status_kartu"].astype("string"),
                                      lambda v: re.sub(r"[\s-]+", "_", v.lower()))
    kks["cocok_lewat"] = B.map_small(kks["cocok_lewat"].astype("string"), str.lower)
    kks["kode_kelurahan"] = kks["kode_kelurahan"].astype("string")

    mpm = needed(clean, "mpm")
    mpm["kode_kelurahan"] = mpm["kode_kelurahan"].astype("string")
    B.kecamatan_of(mpm["kode_kelurahan"])
    lap = needed(clean, "mpm_laporan")
    lap["kode_kelurahan"] = lap["kode_kelurahan"].astype("string")

    pen = needed(clean, "penduduk")
    pen["kode_kelurahan"] = pen["kode_kelurahan"].astype("string")
    if p.tahun_penduduk is not None:
        years = sorted(pd.to_numeric(pen["tahun"], errors="coerce").dropna().astype(int).unique().tolist())
        pen = pen[pd.to_numeric(pen["tahun"], errors="coerce") == p.tahun_penduduk]
        if pen.empty:
            raise ParameterError(f"tahun_penduduk {p.tahun_penduduk} tidak ada di penduduk.parquet (ada: {years})")
    _unique(pen, ["kode_kelurahan"], "penduduk (pilih tahun_penduduk bila ada beberapa tahun)")

    rts = B.rt_code(rt["kode_kelurahan"], rt["rt"]).dropna()
    return Prepared(rt, kel, art, kks, mpm, lap, pen, rts, masukan)


#: What an absent KKS list leaves unknown in each table (cakupan: the KKS rows; the share columns follow).
KKS_UNKNOWN = {
    "cakupan": ["n_penerima", "n_target_menerima", "n_tidak_menerima", "n_penerima_luar_target",
                "n_penerima_tidak_di_bdt", "cakupan", "exclusion_error", "inclusion_error",
                "inclusion_error_termasuk_tidak_di_bdt", "cakupan_bukan_target", "targeting_differential"],
    "biaya": ["n_keluarga_dikecualikan", "biaya_per_tahun"],
    "ringkasan": ["keluarga_kks", "keluarga_tanpa_kks", "cakupan_kks", "kks_tidak_di_bdt",
                  "rumah_tangga_2_program_lebih", "rumah_tangga_d1_d2_tanpa_program"],
    "prioritas": ["y_cakupan_kks", "y_kota", "prioritas", "kuadran", "peringkat"],
}
MPM_UNKNOWN = {"ringkasan": ["mpm_pendaftar", "mpm_melapor", "mpm_kelurahan", "mpm_status_lapor"]}
#: No population file: the x axis of the quadrant (share of households in D1–D2) is NA, so is the quadrant.
PENDUDUK_UNKNOWN = {"prioritas": ["x_kota", "prioritas", "kuadran", "peringkat"]}


def _to_na(df: pd.DataFrame, cols: list[str], rows: pd.Series | None = None) -> pd.DataFrame:
    """`cols` of `df` set to NA (in `rows`, default all), as nullable dtypes (int64 → Int64, float → Float64)."""
    out = df.copy()
    m = pd.Series(True, index=out.index) if rows is None else rows
    for c in cols:
        s = out[c]
        if pd.api.types.is_integer_dtype(s.dtype):
            s = s.astype("Int64")
        elif pd.api.types.is_float_dtype(s.dtype):
            s = s.astype("Float64")
        elif pd.api.types.is_bool_dtype(s.dtype):
            s = s.astype("boolean")
        out[c] = s.mask(m)
    return out


def blank_absent(tables: dict[str, pd.DataFrame], d: Prepared) -> dict[str, pd.DataFrame]:
    """Remove what an absent optional input would otherwise report as zeros (issue 17, docs/indicators.md
    "Masukan yang tidak diberikan"): no KKS list → KKS coverage, its errors and costs, the programme overlap
    (which needs every programme) and the priority quadrant (whose y axis is KKS coverage) are NA / empty;
    no MPM workbook → the MPM table is empty; no population file → the shares of population are NA already
    (`_penduduk_by_wilayah` needs every kelurahan). Run after the checks, on true numbers."""
    out = dict(tables)
    if not d.masukan["kks"]:
        kks_rows = out["cakupan"]["program"] == "KKS"
        out["cakupan"] = _to_na(out["cakupan"], KKS_UNKNOWN["cakupan"], kks_rows)
        out["biaya"] = _to_na(out["biaya"], KKS_UNKNOWN["biaya"], out["biaya"]["program"] == "KKS")
        out["kebocoran"] = out["kebocoran"][out["kebocoran"]["program"] != "KKS"].reset_index(drop=True)
        out["tumpang_tindih"] = out["tumpang_tindih"].iloc[0:0]
        out["ringkasan"] = _to_na(out["ringkasan"], KKS_UNKNOWN["ringkasan"])
        out["prioritas"] = _to_na(out["prioritas"], KKS_UNKNOWN["prioritas"])
    if not d.masukan["mpm"]:
        out["mpm"] = out["mpm"].iloc[0:0]
        out["ringkasan"] = _to_na(out["ringkasan"], MPM_UNKNOWN["ringkasan"])
    if not d.masukan["penduduk"]:
        out["prioritas"] = _to_na(out["prioritas"], PENDUDUK_UNKNOWN["prioritas"])
    return out


def _penduduk_by_wilayah(pen: pd.DataFrame) -> pd.DataFrame:
    """jumlah_penduduk / rumah_tangga / kk per kota, kecamatan, kelurahan (NA where not all known)."""
    cols = ["jumlah_penduduk", "jumlah_rumah_tangga", "jumlah_kk"]
    d = pen[["kode_kelurahan", *cols]].copy()
    for c in cols:
        d[c] = pd.to_numeric(d[c], errors="coerce")
    ex = B.explode_levels(d, B.LEVELS_NO_RT)
    # min_count = number of kelurahan: a kecamatan with one kelurahan missing gets NA, not a too-small sum.
    uni = B.wilayah_universe()
    n_kel = {w.kode: 0 for w in B._all_wilayah()}
    for w in B._kelurahan():
        n_kel[w.kode] = 1
        n_kel[w.induk] += 1
        n_kel[B.kota_code()] += 1
    g = ex.groupby("kode_wilayah")[cols].agg(["sum", "count"])
    out = uni[["kode_wilayah"]].copy()
    for c in cols:
        s = g[(c, "sum")].where(g[(c, "count")] == g.index.map(n_kel))
        out[c] = out["kode_wilayah"].map(s).astype("Float64")
    return out


# ----------------------------------------------------------------------------------------------------
# 1. sebaran
# ----------------------------------------------------------------------------------------------------
def sebaran(d: Prepared, p: Params) -> pd.DataFrame:
    """Counts by kelompok_desil × wilayah × satuan, plus totals `1-4` and `semua` and population shares."""
    units = {"rumah_tangga": d.rt, "keluarga": d.kel, "jiwa": d.art}
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
    pen = _penduduk_by_wilayah(d.penduduk)
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
# 2. cakupan, kebocoran
# ----------------------------------------------------------------------------------------------------
COUNT_CAKUPAN = ["n_target", "n_penerima", "n_target_menerima", "n_tidak_menerima", "n_penerima_luar_target",
                 "n_bukan_target"]
SHARE_CAKUPAN = ["cakupan", "exclusion_error", "inclusion_error", "cakupan_bukan_target",
                 "targeting_differential", "inclusion_error_termasuk_tidak_di_bdt"]


def _program_units(d: Prepared, program: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """(units frame, recipient flag, satuan) of a programme."""
    if program == "KKS":
        return d.kel, d.kel["kks"], "keluarga"
    df = d.rt
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
    h = d.rt[["idbdt", "kode_kelurahan", "rt", "desil", "kelompok_desil"]].copy()
    h["KKS"] = h["idbdt"].map(kks_rt).fillna(False).astype(bool)
    for prog in B.PROGRAMS[1:]:
        h[prog] = B.yes(d.rt[B.PROGRAM_FLAG[prog]]).values
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
# 4. profil
# ----------------------------------------------------------------------------------------------------
def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _cond(known: pd.Series, cond: pd.Series) -> tuple[pd.Series, pd.Series]:
    known = known.fillna(False).astype(bool)
    return known, (known & cond.fillna(False).astype(bool))


def household_conditions(d: Prepared) -> tuple[pd.DataFrame, list[str]]:
    """Per household: for each indicator `<id>` a pair `n__<id>` (in denominator), `k__<id>` (has it)."""
    r = d.rt
    h = r[["idbdt", "kode_kelurahan", "rt", "desil"]].copy()
    ind: dict[str, tuple[pd.Series, pd.Series]] = {}
    lantai, dinding, kd = _num(r["lantai"]), _num(r["dinding"]), _num(r["kondisi_dinding"])
    atap, ka = _num(r["atap"]), _num(r["kondisi_atap"])
    ind["lantai_tidak_permanen"] = _cond(lantai.notna(), lantai.between(6, 10))
    ind["lantai_tanah"] = _cond(lantai.notna(), lantai == 9)
    ind["dinding_tidak_layak"] = _cond(dinding.notna(), (dinding != 1) | (kd == 2))
    ind["atap_tidak_layak"] = _cond(atap.notna(), atap.between(8, 10) | (ka == 2))
    air = _num(r["sumber_airminum"])
    ind["air_minum_tidak_layak"] = _cond(air.notna(), air.isin([7, 9, 10, 11, 12]))
    fas = _num(r["fasbab"])
    ind["tanpa_jamban_sendiri"] = _cond(fas.notna(), fas.isin([3, 4]))
    tinja = _num(r["buang_tinja"])
    ind["pembuangan_tinja_tidak_aman"] = _cond(tinja.notna(), tinja.between(3, 6))
    pen = _num(r["sumber_penerangan"])
    ind["listrik_bukan_pln"] = _cond(pen.notna(), pen.isin([2, 3]))
    daya = _num(r["daya"])
    ind["listrik_450va"] = _cond(daya.notna() & (pen == 1), daya == 1)
    bb = _num(r["bb_masak"])
    ind["bahan_bakar_tidak_bersih"] = _cond(bb.notna(), bb.between(5, 8))
    luas, nart = _num(r["luas_lantai"]), _num(r["jumlah_art"])
    ok = (luas > 0) & (nart > 0)
    ind["luas_lantai_per_kapita_kurang_8"] = _cond(ok, (luas / nart) < 8)

    a = d.art
    hd = h["idbdt"]
    member_hh = _positions(a["idbdt"], hd)          # each member's row in `h` (-1: not a household here)
    in_h = member_hh >= 0
    # each household's head (hub_krt 1; the first one in row order if there are several), as a member row
    heads = np.flatnonzero(((_num(a["hub_krt"]) == 1).fillna(False).to_numpy(dtype=bool)) & in_h)[::-1]
    head_row = np.full(len(hd), -1, dtype=np.int64)
    head_row[member_hh[heads]] = heads              # written last to first: the first head row wins

    def of_head(col: pd.Series) -> pd.Series:
        return pd.Series(col.array.take(head_row, allow_fill=True), index=hd.index)

    sex = of_head(a["jenis_kelamin"].astype("string"))
    ind["krt_perempuan"] = _cond(sex.isin(["L", "P"]), sex == "P")
    ij = _num(of_head(a["ijazah_tertinggi"]))
    ind["krt_pendidikan_sd_ke_bawah"] = _cond(ij.notna(), ij <= 1)
    bk = a["sta_bekerja"]
    if pd.api.types.is_bool_dtype(bk.dtype):
        work = bk.astype("boolean")
    else:   # 1 = bekerja, 2 = tidak; anything else unknown
        code = _num(bk)
        work = (code == 1).astype("boolean").mask(~code.isin([1, 2]).fillna(False).astype(bool))
    w = of_head(work)
    ind["krt_tidak_bekerja"] = _cond(w.notna(), w == False)  # noqa: E712 (nullable boolean)

    has_member = pd.Series(np.bincount(member_hh[in_h], minlength=len(hd)) > 0, index=hd.index)
    cacat = _num(a["jenis_cacat"])
    kronis = _num(a["penyakit_kronis"])
    umur = _num(a["umur"])
    sek = _num(a["partisipasi_sekolah"])
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
    umur, sek = _num(a["umur"]), _num(a["partisipasi_sekolah"])
    cacat, kronis = _num(a["jenis_cacat"]), _num(a["penyakit_kronis"])
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


# ----------------------------------------------------------------------------------------------------
# 5. MPM
# ----------------------------------------------------------------------------------------------------
MPM_COUNTS = ["pendaftar", "terdaftar_bdt", "baru", "hasil_1", "hasil_2", "hasil_3", "hasil_4", "hasil_5",
              "belum_diverifikasi", "art_meninggal", "art_pindah", "art_baru", "rt_bdt_keluar", "rt_baru_masuk"]


def mpm(d: Prepared, p: Params) -> pd.DataFrame:
    """MPM 2018 progress per kota/kecamatan/kelurahan, net change in households 2015 → 2018 and reporting."""
    m = d.mpm
    reg = m["terdaftar_bdt"].astype("boolean") if "terdaftar_bdt" in m else pd.Series(pd.NA, index=m.index, dtype="boolean")
    reg = reg.fillna(m["idbdt"].notna()).astype(bool)
    hasil = _num(m["hasil_verifikasi"])
    u = pd.DataFrame({"kode_kelurahan": m["kode_kelurahan"], "pendaftar": 1, "terdaftar_bdt": reg, "baru": ~reg})
    for i in range(1, 6):
        u[f"hasil_{i}"] = hasil == i
    u["belum_diverifikasi"] = hasil.isna()
    for c in ("art_meninggal", "art_pindah", "art_baru"):
        u[c] = _num(m[c]).fillna(0).astype("int64")
    # Project definition (docs/indicators.md): a BDT household leaves when its visit found it gone,
    # moved, part of another household or a duplicate (2–5); a new household enters once verified (1).
    u["rt_bdt_keluar"] = reg & hasil.isin([2, 3, 4, 5])
    u["rt_baru_masuk"] = ~reg & (hasil == 1)
    bad = hasil.notna() & ~hasil.isin([1, 2, 3, 4, 5])
    B.check_rows(m, bad, "mpm: hasil_verifikasi di luar 1–5")
    out = B.sum_by_wilayah(u, MPM_COUNTS, levels=B.LEVELS_NO_RT)
    rt15 = B.sum_by_wilayah(d.rt[["kode_kelurahan"]].assign(rt_2015=1), ["rt_2015"], levels=B.LEVELS_NO_RT)
    out = out.merge(rt15, on=["kode_wilayah", "tingkat"])
    out["rt_2018"] = out["rt_2015"] + out["rt_baru_masuk"] - out["rt_bdt_keluar"]
    out["perubahan_bersih"] = out["rt_2018"] - out["rt_2015"]
    out["perubahan_bersih_jiwa"] = out["art_baru"] - out["art_meninggal"] - out["art_pindah"]

    lap = d.laporan[["kode_kelurahan", "melapor", "tanggal_terakhir"]].copy()
    lap["melapor"] = lap["melapor"].astype("boolean").fillna(False).astype(bool)
    lap["tanggal_terakhir"] = pd.to_datetime(lap["tanggal_terakhir"], errors="coerce")
    kel = B.wilayah_universe(["kelurahan"])[["kode_wilayah"]].merge(
        lap.rename(columns={"kode_kelurahan": "kode_wilayah"}), on="kode_wilayah", how="left")
    kel["melapor"] = kel["melapor"].fillna(False).astype(bool)  # no sheet at all = not reported (§1.4)
    kel["tepat_waktu"] = kel["melapor"] & (kel["tanggal_terakhir"] <= p.batas_lapor_mpm).fillna(False)
    kel["kelurahan_jumlah"] = 1
    kel["kode_kelurahan"] = kel["kode_wilayah"]
    agg = B.sum_by_wilayah(kel.assign(kelurahan_melapor=kel["melapor"], kelurahan_tepat_waktu=kel["tepat_waktu"]),
                           ["kelurahan_jumlah", "kelurahan_melapor", "kelurahan_tepat_waktu"], levels=B.LEVELS_NO_RT)
    last = B.explode_levels(kel[["kode_kelurahan", "tanggal_terakhir"]], B.LEVELS_NO_RT) \
        .groupby("kode_wilayah")["tanggal_terakhir"].max()
    out = out.merge(agg, on=["kode_wilayah", "tingkat"])
    out["melapor"] = out["kelurahan_melapor"] == out["kelurahan_jumlah"]
    out["tanggal_terakhir"] = out["kode_wilayah"].map(last)
    out["tepat_waktu"] = out["kelurahan_tepat_waktu"] == out["kelurahan_jumlah"]
    out["status_lapor"] = np.where(out["tepat_waktu"], "tepat_waktu",
                                   np.where(out["melapor"], "terlambat",
                                            np.where(out["kelurahan_melapor"] > 0, "sebagian", "belum_melapor")))
    out["status_lapor"] = out["status_lapor"].astype("string")
    out["batas_lapor"] = p.batas_lapor_mpm
    out["nama"] = B.names_for(out["kode_wilayah"])
    out["ditekan"] = False
    cols = ["kode_wilayah", "tingkat", "nama", "pendaftar", "terdaftar_bdt", "baru", "hasil_1", "hasil_2", "hasil_3",
            "hasil_4", "hasil_5", "belum_diverifikasi", "art_meninggal", "art_pindah", "art_baru",
            "perubahan_bersih_jiwa", "rt_2015", "rt_bdt_keluar", "rt_baru_masuk", "rt_2018", "perubahan_bersih",
            "melapor", "tanggal_terakhir", "tepat_waktu", "status_lapor", "batas_lapor", "kelurahan_jumlah",
            "kelurahan_melapor", "kelurahan_tepat_waktu", "ditekan"]
    return B.sort_table(out[cols], [])


def check_mpm(df: pd.DataFrame) -> None:
    h = df[[f"hasil_{i}" for i in range(1, 6)] + ["belum_diverifikasi"]].sum(axis=1)
    B.check_rows(df, h != df["pendaftar"], "mpm: hasil_1..5 + belum_diverifikasi ≠ pendaftar")
    B.check_rows(df, df["terdaftar_bdt"] + df["baru"] != df["pendaftar"], "mpm: terdaftar_bdt + baru ≠ pendaftar")
    B.check_hierarchy(df, [*MPM_COUNTS, "rt_2015", "rt_2018", "kelurahan_melapor"], (), "mpm")


# ----------------------------------------------------------------------------------------------------
# 6. prioritas
# ----------------------------------------------------------------------------------------------------
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
    u = d.rt[["kode_kelurahan"]].assign(n_d1_d2=d.rt["desil"].isin([1, 2]).fillna(False).astype(bool))
    t = B.sum_by_wilayah(u, ["n_d1_d2"], levels=B.LEVELS_NO_RT)
    pen = _penduduk_by_wilayah(d.penduduk)[["kode_wilayah", "jumlah_rumah_tangga"]]
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


# ----------------------------------------------------------------------------------------------------
# 7. BPS reference
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
    _unique(df, ["wilayah", "tahun"], path.name)
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
