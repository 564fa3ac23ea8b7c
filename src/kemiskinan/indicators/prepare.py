"""Step 02's input: the clean tables, reduced to the columns the indicators read, typed and checked.

`prepare` returns a `Prepared` (ruta, keluarga, anggota, KKS, MPM, population) that every table function
takes; `blank_absent` removes afterwards what an absent optional input (KKS list, MPM workbook, population
file) would otherwise report as zeros.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from kemiskinan import catalog
from kemiskinan.domain.codes import positions
from kemiskinan.errors import CheckError, ParameterError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators.params import Params

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


#: The clean tables step 02 reads, in catalog order.
CLEAN_TABLES = tuple(t for t in catalog.names("clean") if t in CLEAN_COLUMNS)


def needed_columns(columns: Iterable[str], table: str) -> list[str]:
    """Those of `columns` (a clean table's) the indicators read, plus provenance, in their own order; a
    listed column the table lacks is left for the code that reads it to report."""
    keep = {*CLEAN_COLUMNS[table], *PROVENANCE_COLUMNS}
    return [c for c in columns if c in keep]


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
    ruta: pd.DataFrame      # rumah tangga (household)
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


def _join_unique(left: pd.DataFrame, right: pd.DataFrame, key: str, pos: np.ndarray) -> pd.DataFrame:
    """`left.merge(right, on=key, how="left", validate="many_to_one")` for a `right` whose keys the caller
    checked unique, given `pos = positions(left[key], right[key])` (which its orphan check used too): the
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


def unique(df: pd.DataFrame, keys: list[str], table: str) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        B.fail(f"{table}: kunci {keys} tidak unik", df.loc[dup, keys])


def prepare(clean: dict[str, pd.DataFrame], p: Params) -> Prepared:
    """Select and type the columns the indicators need; check keys and joins (CheckError on failure)."""
    missing = [t for t in CLEAN_TABLES if t not in clean]
    if missing:
        raise CheckError(f"tabel bersih kurang: {', '.join(missing)}")
    ruta = needed(clean, "rumah_tangga")
    unique(ruta, ["idbdt"], "rumah_tangga")
    ruta["idbdt"] = ruta["idbdt"].astype("string")
    ruta["kode_kelurahan"] = ruta["kode_kelurahan"].astype("string")
    B.kecamatan_of(ruta["kode_kelurahan"])  # raises on unknown codes
    kec = B.kecamatan_of(ruta["kode_kelurahan"])
    B.check_rows(ruta, ruta["kode_kecamatan"].astype("string") != kec,
                 "rumah_tangga: kode_kecamatan tidak cocok dengan induk kode_kelurahan")
    ruta["rt"] = ruta["rt"].astype("string")
    ruta["kelompok_desil"] = _kelompok(ruta["kelompok_desil"], "rumah_tangga")
    ruta["desil"] = pd.to_numeric(ruta["desil"], errors="coerce").astype("Int8")

    kel = needed(clean, "keluarga")
    unique(kel, ["idbdt", "nuk"], "keluarga")
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
    # (the ruta's IDBDT were checked unique above)
    pos = positions(kel["idbdt"], ruta["idbdt"])
    B.check_rows(kel, pd.Series(pos < 0, index=kel.index), "keluarga tanpa rumah tangga di rumah_tangga.parquet")
    flags = ruta[["idbdt", *B.PROGRAM_FLAG.values()]].copy()
    for c in B.PROGRAM_FLAG.values():
        flags[c] = B.yes(flags[c])
    kel = _join_unique(kel, flags, "idbdt", pos=pos)

    art = needed(clean, "anggota")
    art["idbdt"] = art["idbdt"].astype("string")
    pos = positions(art["idbdt"], ruta["idbdt"])
    B.check_rows(art, pd.Series(pos < 0, index=art.index), "anggota tanpa rumah tangga di rumah_tangga.parquet")
    art = _join_unique(art, ruta[["idbdt", "kode_kelurahan", "rt", "desil", "kelompok_desil"]], "idbdt", pos=pos)

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
    unique(pen, ["kode_kelurahan"], "penduduk (pilih tahun_penduduk bila ada beberapa tahun)")

    rts = B.rt_code(ruta["kode_kelurahan"], ruta["rt"]).dropna()
    return Prepared(ruta, kel, art, kks, mpm, lap, pen, rts, masukan)


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
    """Remove what an absent optional input would otherwise report as zeros (docs/indicators.md
    "Masukan yang tidak diberikan"): no KKS list → KKS coverage, its errors and costs, the programme overlap
    (which needs every programme) and the priority quadrant (whose y axis is KKS coverage) are NA / empty;
    no MPM workbook → the MPM table is empty; no population file → the shares of population are NA already
    (`penduduk_by_wilayah` needs every kelurahan). Run after the checks, on true numbers."""
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


def penduduk_by_wilayah(pen: pd.DataFrame) -> pd.DataFrame:
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

