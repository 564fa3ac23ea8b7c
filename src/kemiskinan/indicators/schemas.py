"""Columns, dtypes and allowed values of every table step 02 writes (`catalog.names("indicators")` and
`catalog.names("banding")`), held to by `io.write_all` before anything is written.

A dtype is a pandas dtype name (`str(dtype)`: "Int64", "Float64", "int64", "bool", "string" …), a tuple of
those when a table has either, or one of two families:
- `TEXT`: pandas' string dtype with either missing-value flavour ("string", made by `astype("string")`,
  or "str", made by assigning a Python string to a whole column);
- `DATETIME`: datetime64 at any resolution (it follows the clean table's).
The comparison tables (`BANDING`) are conformed to exact dtypes by `banding`, so their schema is exact.
Columns must be present in exactly this order; `values` lists the allowed values of a column (NA allowed).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kemiskinan.errors import CheckError
from kemiskinan.indicators._base import KELOMPOK_DESIL, LEVELS, LEVELS_NO_RT, PROGRAMS

TEXT = "text"
DATETIME = "datetime64"
Dtype = str | tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    columns: dict[str, Dtype]
    values: dict[str, tuple] = field(default_factory=dict)


_ID = {"kode_wilayah": TEXT, "tingkat": TEXT, "nama": TEXT}
_WILAYAH = {"tingkat": LEVELS_NO_RT}
_TO_RT = {"tingkat": LEVELS}
_SATUAN = ("rumah_tangga", "keluarga", "jiwa")
_I, _F, _i = "Int64", "Float64", "int64"

INDICATORS: dict[str, Schema] = {
    "ringkasan": Schema({
        **_ID, "target": TEXT, "keluarga_miskin": _I, "keluarga_kks": _I, "keluarga_tanpa_kks": _I,
        "cakupan_kks": _F, "kks_tidak_di_bdt": _I, "rumah_tangga_bdt": _I, "keluarga_bdt": _I, "jiwa_bdt": _I,
        "rumah_tangga_desil_1_4": _I, "jiwa_desil_1_4": _I, "penduduk": _F, "persen_penduduk_bdt": _F,
        "persen_penduduk_desil_1_4": _F, "rumah_tangga_2_program_lebih": _I,
        "rumah_tangga_d1_d2_tanpa_program": _I, "mpm_pendaftar": _I, "mpm_melapor": _I, "mpm_kelurahan": _I,
        "mpm_status_lapor": TEXT, "ditekan": "bool"}, _WILAYAH),
    "sebaran": Schema({
        **_ID, "kelompok_desil": TEXT, "satuan": TEXT, "jumlah": _I, "penyebut_penduduk": _F,
        "persen_penduduk": _F, "ditekan": "bool"},
        {**_TO_RT, "satuan": _SATUAN, "kelompok_desil": (*KELOMPOK_DESIL, "1-4", "semua")}),
    "cakupan": Schema({
        **_ID, "program": TEXT, "satuan": TEXT, "target": TEXT, "n_target": _I, "n_penerima": _I,
        "n_target_menerima": _I, "n_tidak_menerima": _I, "cakupan": _F, "exclusion_error": _F,
        "n_penerima_luar_target": _I, "inclusion_error": _F, "n_penerima_tidak_di_bdt": _I,
        "inclusion_error_termasuk_tidak_di_bdt": _F, "n_bukan_target": _I, "cakupan_bukan_target": _F,
        "targeting_differential": _F, "ditekan": "bool"},
        {**_TO_RT, "program": PROGRAMS, "satuan": _SATUAN}),
    "kebocoran": Schema({
        **_ID, "program": TEXT, "satuan": TEXT, "kelompok_desil": TEXT, "n_penerima": _i, "persen": _F,
        "ditekan": "bool"},
        {**_WILAYAH, "program": PROGRAMS, "satuan": _SATUAN, "kelompok_desil": (*KELOMPOK_DESIL, "tidak_di_bdt")}),
    "tumpang_tindih": Schema({
        **_ID, "kelompok": TEXT, "kombinasi": TEXT, "jumlah_program": _i, "satuan": TEXT, "n_rumah_tangga": _i,
        "persen": _F, "ditekan": "bool"},
        {**_WILAYAH, "satuan": ("rumah_tangga",)}),
    "profil": Schema({
        **_ID, "indikator": TEXT, "satuan": TEXT, "kelompok": TEXT, "n": _I, "n_kondisi": _I, "persen": _F,
        "sensitif": "bool", "ditekan": "bool"},
        {**_TO_RT, "satuan": ("rumah_tangga", "jiwa"), "kelompok": ("D1-D2", "D3-D4", "semua")}),
    # rt_* columns count rumah tangga (ruta), not RT: names of the published contract
    "mpm": Schema({
        **_ID, "pendaftar": _i, "terdaftar_bdt": _i, "baru": _i, "hasil_1": _i, "hasil_2": _i, "hasil_3": _i,
        "hasil_4": _i, "hasil_5": _i, "belum_diverifikasi": _i, "art_meninggal": _i, "art_pindah": _i,
        "art_baru": _i, "perubahan_bersih_jiwa": _i, "rt_2015": _i, "rt_bdt_keluar": _i, "rt_baru_masuk": _i,
        "rt_2018": _i, "perubahan_bersih": _i, "melapor": "bool", "tanggal_terakhir": DATETIME,
        "tepat_waktu": "bool", "status_lapor": TEXT, "batas_lapor": DATETIME, "kelurahan_jumlah": _i,
        "kelurahan_melapor": _i, "kelurahan_tepat_waktu": _i, "ditekan": "bool"},
        {**_WILAYAH, "status_lapor": ("tepat_waktu", "terlambat", "sebagian", "belum_melapor")}),
    "prioritas": Schema({
        **_ID, "n_rumah_tangga_d1_d2": _i, "penyebut_rumah_tangga": _F, "x_persen_d1_d2": _F,
        "y_cakupan_kks": _F, "x_kota": _F, "y_kota": _F,
        # Int64 (all NA) when the round had no KKS list or no population (`prepare.blank_absent`)
        "prioritas": ("Int8", _I), "kuadran": TEXT, "target": TEXT,
        "peringkat": _I, "ditekan": "bool"},
        {"tingkat": ("kelurahan",), "prioritas": (1, 2, 3, 4)}),
    "biaya": Schema({
        **_ID, "program": TEXT, "target": TEXT, "satuan": TEXT, "n_keluarga_target": _i,
        # Int64 (NA on the KKS rows) when the round had no KKS list (`prepare.blank_absent`)
        "n_keluarga_dikecualikan": (_i, _I),
        "manfaat_per_bulan": _F, "tahun_manfaat": _I, "sumber_manfaat": TEXT, "biaya_per_tahun": _F,
        "keluarga_per_miliar": _F, "ditekan": "bool"},
        {**_WILAYAH, "program": PROGRAMS, "satuan": ("keluarga",)}),
    "bps_makro": Schema({
        "wilayah": TEXT, "tahun": _i, "p0_persen": _F, "penduduk_miskin": _I, "garis_kemiskinan_rp": _F,
        "p1": _F, "p2": _F, "sumber_url": TEXT, "catatan": TEXT}),
}

_BANDING_ID = {"kode_wilayah": "string", "tingkat": "string", "nama": "string", "periode": "string",
               "periode_sebelumnya": "string"}
#: Flows of target families between two rounds (`banding.flows`; the module docstring defines each).
FLOWS = ("tetap", "pindah_masuk", "pindah_keluar", "masuk_dari_data", "masuk_baru", "keluar_dari_target",
         "keluar_dari_data", "tanpa_kunci_sebelumnya", "tanpa_kunci")
#: Exact column order and dtype of each comparison table: `banding` builds its tables to these.
BANDING: dict[str, dict[str, str]] = {
    "banding_ringkasan": {
        **_BANDING_ID, "target": "string", "target_sebelumnya": "string",
        "keluarga_miskin": "Int64", "keluarga_miskin_sebelumnya": "Int64",
        "keluarga_kks": "Int64", "keluarga_kks_sebelumnya": "Int64",
        "cakupan_kks": "Float64", "cakupan_kks_sebelumnya": "Float64",
        "keluarga_tanpa_kks": "Int64", "keluarga_tanpa_kks_sebelumnya": "Int64",
        # beyond the contract's list (added at the end): the desil scheme (4 or 10) of each round, so a
        # reader can tell "desil 1–4 of 4" from "desil 1–4 of 10" although both labels read D1-D4
        "skema_desil": "Int8", "skema_desil_sebelumnya": "Int8",
    },
    "banding_alur": {
        **_BANDING_ID, "n_sebelumnya": "Int64", "n_sekarang": "Int64", **{f: "Int64" for f in FLOWS},
    },
    "banding_prioritas": {
        **_BANDING_ID, "prioritas": "Int8", "prioritas_sebelumnya": "Int8", "kuadran": "string",
        "kuadran_sebelumnya": "string", "berubah": "boolean",
    },
    "tren": {
        "kode_wilayah": "string", "tingkat": "string", "nama": "string", "periode": "string", "target": "string",
        "keluarga_miskin": "Int64", "keluarga_kks": "Int64", "cakupan_kks": "Float64", "keluarga_tanpa_kks": "Int64",
    },
}
_BANDING_VALUES = {"banding_ringkasan": _WILAYAH, "banding_alur": _WILAYAH, "tren": _WILAYAH,
                   "banding_prioritas": {"tingkat": ("kelurahan",), "prioritas": (1, 2, 3, 4),
                                         "prioritas_sebelumnya": (1, 2, 3, 4)}}

#: Every table step 02 writes, by name.
SCHEMAS: dict[str, Schema] = {**INDICATORS,
                              **{n: Schema(dict(cols), _BANDING_VALUES[n]) for n, cols in BANDING.items()}}


def _accepts(want: Dtype, dtype) -> bool:
    got = str(dtype)
    for w in (want if isinstance(want, tuple) else (want,)):
        if w == TEXT and isinstance(dtype, pd.StringDtype):
            return True
        if w == DATETIME and got.startswith("datetime64"):
            return True
        if got == w:
            return True
    return False


def check_table(name: str, df: pd.DataFrame) -> None:
    """CheckError naming the table and the first column that is missing, extra, out of order, of another
    dtype, or holding a value its schema does not allow."""
    schema = SCHEMAS.get(name)
    if schema is None:
        raise CheckError(f"{name}: tidak ada skema untuk tabel ini (tambahkan di kemiskinan/indicators/schemas.py)")
    want, got = list(schema.columns), [str(c) for c in df.columns]
    if got != want:
        missing = [c for c in want if c not in got]
        extra = [c for c in got if c not in want]
        if missing or extra:
            what = f"kolom {missing[0]!r} tidak ada" if missing else f"kolom {extra[0]!r} tidak ada di skema"
        else:
            i = next(i for i, (w, g) in enumerate(zip(want, got)) if w != g)
            what = f"urutan kolom salah: kolom ke-{i + 1} adalah {got[i]!r}, seharusnya {want[i]!r}"
        raise CheckError(f"{name}: kolom/tipe tidak sesuai skema: {what}\n  ada:        {got}\n  seharusnya: {want}")
    for col, dtype in schema.columns.items():
        if not _accepts(dtype, df[col].dtype):
            raise CheckError(f"{name}: kolom/tipe tidak sesuai skema: kolom {col!r} bertipe {df[col].dtype}, "
                             f"seharusnya {dtype}")
    for col, allowed in schema.values.items():
        seen = pd.unique(df[col].dropna())
        bad = sorted({str(v) for v in seen if v not in set(allowed)})
        if bad:
            raise CheckError(f"{name}: kolom {col!r} berisi nilai di luar skema: {bad[:10]} "
                             f"(yang sah: {list(allowed)})")


def check(tables: dict[str, pd.DataFrame]) -> None:
    """`check_table` for every table in `tables`."""
    for name in sorted(tables):
        check_table(name, tables[name])
