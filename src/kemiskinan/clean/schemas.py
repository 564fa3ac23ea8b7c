"""Schemas of the clean tables (contracts §2) with pandera, and the data dictionary generated from them.

`SPECS` is the single source: column → (dtype, nullable, description, allowed values). From it come
the pandera schemas (`schema(name)`), the dtype coercion done before writing (`coerce`), empty tables of
the right shape (`empty`), and docs/data_dictionary.md (`write_data_dictionary`).
"""
from __future__ import annotations

import re

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kemiskinan.clean.rules import FUZZY_MARGIN, FUZZY_THRESHOLD, RULES
from kemiskinan.config import DOCS_DIR
from kemiskinan.domain import codes
from kemiskinan.domain.nik import STATUSES

# (dtype, nullable, description, isin-values or None, regex or None)
C = tuple
KODE_KEL = r"^64\.74\.0[1-3]\.100[1-6]$"
KODE_KEC = r"^64\.74\.0[1-3]$"
#: IDBDT / IDARTBDT are opaque keys: a non-empty run of ASCII digits, of any length (docs/cleaning_rules.md).
ID_DIGITS = r"^[0-9]+$"


def _codes_desc(col: str) -> str:
    cl = codes.CODELISTS[col]
    items = list(cl.items())
    shown = "; ".join(f"{k} {v}" for k, v in items[:12]) + (" …" if len(items) > 12 else "")
    return f"kode PBDT 2015: {shown}"


def _yn_desc(col: str) -> str:
    y, n = codes.YES_NO[col]
    return f"ya/tidak (mentah {y} = ya, {n} = tidak; docs/domain.md §2.4)"


SPECS: dict[str, dict[str, C]] = {}

SPECS["rumah_tangga"] = {
    "idbdt": ("str", False, "ID rumah tangga BDT (deretan angka, teks; panjangnya menurut file: 15 di data contoh)", None, ID_DIGITS),
    "kode_kelurahan": ("str", False, "kode kelurahan Kemendagri (64.74.KK.1DDD)", None, KODE_KEL),
    "kode_kecamatan": ("str", False, "kode kecamatan Kemendagri (64.74.KK)", None, KODE_KEC),
    "rt": ("str", True, "nomor rukun tetangga, 3 digit (dari Nama_SLS)", None, r"^\d{3}$"),
    "nomor_urut_rumah_tangga": ("Int32", True, "nomor urut rumah tangga dari prelist", None, None),
    "jumlah_art": ("Int16", True, "jumlah anggota rumah tangga (isian)", None, None),
    "jumlah_keluarga": ("Int16", True, "jumlah keluarga dalam rumah tangga (isian)", None, None),
    "desil": ("Int8", True, "desil kesejahteraan 1–skema_desil (meta.json: 4 untuk PBDT/DTKS, 10 untuk DTSEN; "
              "status_kesejahteraan, atau dari percentile ≤ 10 × skema)", list(range(1, 11)), None),
    "percentile": ("Int16", True, "persentil 1–100", None, None),
    "kelompok_desil": ("category", False, "1, 2, 3, 4, 4+ (desil > 4 atau persentil > 40) atau non-desil",
                       list(codes.KELOMPOK_DESIL), None),
}
for _c in ["sta_bangunan", "sta_lahan", "lantai", "dinding", "kondisi_dinding", "atap", "kondisi_atap",
           "sumber_airminum", "cara_peroleh_airminum", "sumber_penerangan", "daya", "bb_masak", "fasbab",
           "kloset", "buang_tinja"]:
    SPECS["rumah_tangga"][_c] = ("Int8", True, _codes_desc(_c), list(codes.CODELISTS[_c]), None)
SPECS["rumah_tangga"]["jumlah_kamar"] = ("Int16", True, "jumlah kamar tidur", None, None)
SPECS["rumah_tangga"]["luas_lantai"] = ("Float64", True, "luas lantai (m²)", None, None)
for _c in ["jumlah_sapi", "jumlah_kambing"]:
    SPECS["rumah_tangga"][_c] = ("Int16", True, f"ternak: {_c.split('_')[1]} (ekor)", None, None)
for _c in codes.YES_NO:
    SPECS["rumah_tangga"][_c] = ("boolean", True, _yn_desc(_c), None, None)
SPECS["rumah_tangga"]["sumber_file"] = ("category", False, "nama file sumber", None, None)
SPECS["rumah_tangga"]["baris_sumber"] = ("int64", False, "nomor baris di file sumber (header = baris 1)", None, None)

SPECS["anggota"] = {
    "idartbdt": ("str", False, "ID anggota rumah tangga BDT (deretan angka; biasanya IDBDT + 2 digit)", None, ID_DIGITS),
    "idbdt": ("str", False, "ID rumah tangga (ada di rumah_tangga.parquet)", None, ID_DIGITS),
    "nuk": ("Int8", True, "nomor urut keluarga dalam rumah tangga (NA: tidak terbaca)", None, None),
    "hub_krt": ("Int8", True, _codes_desc("hub_krt"), list(codes.CODELISTS["hub_krt"]), None),
    "hubkel": ("Int8", True, _codes_desc("hubkel"), list(codes.CODELISTS["hubkel"]), None),
    "jenis_kelamin": ("category", True, "L / P (dari JnsKel 1/2)", ["L", "P"], None),
    "tanggal_lahir": ("datetime64[s]", True, "tanggal lahir (kolom TglLahir; NA bila bukan tanggal)", None, None),
    "umur": ("Int16", True, "umur (tahun) menurut file (PBDT: saat pendataan 2015); tanpa kolom umur: umur penuh "
             "pada tanggal acuan putaran (meta.json tanggal_acuan) dari tanggal_lahir", None, None),
    "jumlah_jamkerja": ("Int16", True, "jam kerja seminggu", None, None),
    "nik": ("str", True, "NIK 16 digit; NA bila kosong/rusak/tidak valid (lihat nik_status)", None, r"^\d{16}$"),
    "nik_status": ("category", False, "valid, kosong, rusak_excel (rusak oleh Excel), tidak_valid", list(STATUSES), None),
    "no_kk": ("str", True, "No. KK 16 digit; NA bila kosong/rusak", None, r"^\d{16}$"),
}
for _c in ["sta_kawin", "ada_akta_nikah", "ada_dikk", "ada_kartu_identitas", "sta_hamil", "jenis_cacat",
           "penyakit_kronis", "partisipasi_sekolah", "pendidikan_tertinggi", "kelas_tertinggi", "ijazah_tertinggi",
           "sta_bekerja", "lapangan_usaha", "status_pekerjaan"]:
    SPECS["anggota"][_c] = ("Int8", True, _codes_desc(_c), list(codes.CODELISTS[_c]), None)
SPECS["anggota"]["sumber_file"] = SPECS["rumah_tangga"]["sumber_file"]
SPECS["anggota"]["baris_sumber"] = SPECS["rumah_tangga"]["baris_sumber"]

SPECS["keluarga"] = {
    "idbdt": ("str", False, "ID rumah tangga", None, ID_DIGITS),
    "nuk": ("Int8", False, "nomor urut keluarga; (idbdt, nuk) = satu keluarga", None, None),
    "no_kk": ("str", True, "No. KK terbanyak di antara anggota keluarga", None, r"^\d{16}$"),
    "kode_kecamatan": ("str", False, "kode kecamatan Kemendagri", None, KODE_KEC),
    "kode_kelurahan": ("str", False, "kode kelurahan Kemendagri", None, KODE_KEL),
    "rt": ("str", True, "nomor RT (3 digit)", None, r"^\d{3}$"),
    "desil": ("Int8", True, "desil rumah tangga 1–skema_desil (meta.json)", list(range(1, 11)), None),
    "kelompok_desil": ("category", False, "kelompok desil rumah tangga", list(codes.KELOMPOK_DESIL), None),
    "jumlah_art": ("Int16", False, "jumlah anggota keluarga di anggota.parquet", None, None),
    "kks": ("boolean", True, "keluarga memegang KKS (status TERSALUR di daftar KKS); NA: daftar KKS tidak "
            "diberikan", None, None),
    "kks_status": ("category", True, "status terbaik di daftar KKS: tersalur, belum_tersalur, dikembalikan, "
                   "tidak_ada; NA: daftar KKS tidak diberikan", list(codes.KKS_STATUSES), None),
}

SPECS["kks"] = {
    "no_kk": ("str", True, "No. KK (16 digit) atau NA", None, r"^\d{16}$"),
    "nik_pengurus": ("str", True, "NIK pengurus (16 digit) atau NA", None, r"^\d{16}$"),
    "kode_kelurahan": ("str", True, "kelurahan menurut daftar KKS (NA: tidak dikenal, baris cocok ke BDT)", None,
                       KODE_KEL),
    "status_kartu": ("category", True, "tersalur, belum_tersalur, dikembalikan", list(codes.KKS_STATUSES[:3]), None),
    "tanggal_distribusi": ("datetime64[s]", True, "tanggal distribusi kartu", None, None),
    "idbdt": ("str", True, "rumah tangga BDT yang cocok (NA: tidak ditemukan)", None, ID_DIGITS),
    "nuk": ("Int8", True, "keluarga BDT yang cocok (NA: tidak ditemukan)", None, None),
    "cocok_lewat": ("category", False, "no_kk, nik (NIK pengurus di antara anggota), tidak_ditemukan, idbdt (IDBDT "
                    "di daftar KKS: rumah tangga dengan satu keluarga)",
                    ["no_kk", "nik", "tidak_ditemukan", "idbdt"], None),
    "sumber_file": SPECS["rumah_tangga"]["sumber_file"],
    "sumber_sheet": ("category", False, "nama sheet sumber", None, None),
    "baris_sumber": SPECS["rumah_tangga"]["baris_sumber"],
}

SPECS["mpm"] = {
    "kode_kelurahan": ("str", False, "kelurahan (dari nama sheet)", None, KODE_KEL),
    "tanggal_daftar": ("datetime64[s]", True, "tanggal pendaftaran", None, None),
    "idbdt": ("str", True, "IDBDT bila sudah terdaftar di BDT", None, ID_DIGITS),
    "terdaftar_bdt": ("boolean", False, "Status Identifikasi: sudah terdaftar di BDT", None, None),
    "hasil_verifikasi": ("Int8", True, "1 Selesai diverivali, 2 RT tidak ditemukan, 3 Pindah/bangunan tidak ada, "
                         "4 Bagian dari RT lain, 5 Data ganda; NA belum dikunjungi", [1, 2, 3, 4, 5], None),
    "tanggal_verifikasi": ("datetime64[s]", True, "tanggal verifikasi", None, None),
    "jumlah_art": ("Int16", True, "jumlah ART", None, None),
    "art_meninggal": ("Int16", True, "ART meninggal", None, None),
    "art_pindah": ("Int16", True, "ART pindah", None, None),
    "art_baru": ("Int16", True, "ART baru", None, None),
    "nik": ("str", True, "NIK pendaftar (16 digit) atau NA", None, r"^\d{16}$"),
    "no_kk": ("str", True, "No. KK pendaftar (16 digit) atau NA", None, r"^\d{16}$"),
    "rt": ("str", True, "nomor RT (3 digit)", None, r"^\d{3}$"),
    "sumber_file": SPECS["rumah_tangga"]["sumber_file"],
    "sumber_sheet": ("category", False, "nama sheet sumber", None, None),
    "baris_sumber": SPECS["rumah_tangga"]["baris_sumber"],
}

SPECS["mpm_laporan"] = {
    "kode_kelurahan": ("str", False, "setiap kelurahan Kota Bontang (15); tabel kosong bila workbook MPM tidak "
                       "diberikan", None, KODE_KEL),
    "melapor": ("boolean", False, "ada ≥ 1 pendaftaran MPM yang disimpan", None, None),
    "jumlah_baris": ("int64", False, "jumlah pendaftaran MPM yang disimpan", None, None),
    "tanggal_terakhir": ("datetime64[s]", True, "tanggal pendaftaran/verifikasi terakhir", None, None),
}

SPECS["penduduk"] = {
    "kode_kelurahan": ("str", False, "kode kelurahan Kemendagri", None, KODE_KEL),
    "jumlah_penduduk": ("Int64", True, "jumlah penduduk (jiwa)", None, None),
    "jumlah_rumah_tangga": ("Int64", True, "jumlah rumah tangga", None, None),
    "jumlah_kk": ("Int64", True, "jumlah kartu keluarga", None, None),
    "tahun": ("Int16", True, "tahun data", None, None),
    "sumber": ("str", True, "sumber angka", None, None),
    "sumber_file": SPECS["rumah_tangga"]["sumber_file"],
    "baris_sumber": SPECS["rumah_tangga"]["baris_sumber"],
}

SPECS["temuan"] = {
    "file": ("category", False, "file sumber", None, None),
    "sheet": ("category", False, "sheet sumber ('' untuk CSV)", None, None),
    "baris": ("int64", False, "nomor baris di file sumber (header = baris 1)", None, None),
    "kolom": ("category", False, "kolom yang bermasalah ('' bila seluruh baris)", None, None),
    "aturan": ("category", False, "ID aturan yang stabil (docs/cleaning_rules.md)", None, None),
    "pesan": ("str", False, "penjelasan untuk analis", None, None),
    "nilai_tersamar": ("str", False, "nilai tersamar: ID 4 digit awal + ******** + 2 akhir; nama huruf pertama + ***",
                       None, None),
    "tindakan": ("category", False, "tolak (baris ditolak), tandai (nilai ditandai, baris disimpan), gabung "
                 "(digabung ke baris lain)", ["tolak", "tandai", "gabung"], None),
    "kode_kelurahan": ("str", True, "kelurahan baris itu bila diketahui", None, None),
}

SPECS["rekonsiliasi"] = {
    "file": ("str", False, "file sumber", None, None),
    "sheet": ("str", False, "sheet ('' untuk CSV)", None, None),
    "jenis": ("str", False, "ruta, art, kks, mpm, penduduk", None, None),
    "dibaca": ("int64", False, "baris data yang dibaca (baris kosong tidak dihitung)", None, None),
    "disimpan": ("int64", False, "baris di tabel bersih", None, None),
    "ditolak": ("int64", False, "baris ditolak (temuan tindakan tolak)", None, None),
    "digabung": ("int64", False, "baris digabung ke baris lain (temuan tindakan gabung)", None, None),
    "seimbang": ("bool", False, "dibaca == disimpan + ditolak + digabung", None, None),
}

TITLES = {
    "rumah_tangga": "satu baris per rumah tangga BDT (PBDT 2015)",
    "anggota": "satu baris per anggota rumah tangga (ART)",
    "keluarga": "satu baris per keluarga (IDBDT, NUK)",
    "kks": "satu baris per baris daftar KKS yang disimpan",
    "mpm": "satu baris per pendaftaran MPM 2018",
    "mpm_laporan": "satu baris per kelurahan: status laporan MPM",
    "penduduk": "satu baris per kelurahan (dan tahun): penyebut penduduk",
    "temuan": "satu baris per temuan pembersihan",
    "rekonsiliasi": "satu baris per file (dan sheet) masukan",
}


def _empty_column(dt: str, allowed) -> pd.Series:
    if dt == "category":
        return pd.Series(pd.Categorical([], categories=allowed or []))
    return pd.Series([], dtype=dt)


def empty(name: str) -> pd.DataFrame:
    """An empty table with the right columns and dtypes."""
    return pd.DataFrame({col: _empty_column(dt, allowed) for col, (dt, _, _, allowed, _) in SPECS[name].items()})


def coerce(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Order columns as in SPECS (extra columns after) and cast to the declared dtypes."""
    out = {}
    for name, df in tables.items():
        spec = SPECS.get(name)
        if spec is None:
            out[name] = df
            continue
        df = df.copy()
        for col, (dt, _, _, allowed, _) in spec.items():
            if col not in df.columns:
                df[col] = _empty_column(dt, allowed).reindex(df.index)   # one column, not the whole empty table
            if dt == "category":
                if allowed is not None:
                    df[col] = pd.Categorical(df[col].astype("str") if not isinstance(df[col].dtype, pd.CategoricalDtype)
                                             else df[col], categories=allowed)
                elif not isinstance(df[col].dtype, pd.CategoricalDtype):
                    df[col] = df[col].astype("category")
            elif str(df[col].dtype) != dt:
                df[col] = df[col].astype(dt)
        extra = [c for c in df.columns if c not in spec]
        out[name] = df[list(spec) + extra]
    return out


def schema(name: str):
    """The pandera DataFrameSchema of a clean table."""
    import pandera.pandas as pandera   # slow to import: only when a schema is built

    cols = {}
    for col, (dt, nullable, desc, allowed, regex) in SPECS[name].items():
        checks = []
        if allowed is not None and dt != "category":
            checks.append(pandera.Check.isin(allowed))
        if regex is not None:
            checks.append(pandera.Check.str_matches(regex))
        dtype = None if dt in ("category", "str") else dt
        cols[col] = pandera.Column(dtype, checks=checks, nullable=nullable, description=desc, required=True)
    unique = UNIQUE.get(name)
    return pandera.DataFrameSchema(cols, unique=unique, strict=False, name=name, description=TITLES[name])


class SchemaViolation(ValueError):
    """A clean table does not satisfy its SPECS entry; the message lists every failed check."""


UNIQUE = {"rumah_tangga": ["idbdt"], "anggota": ["idartbdt"], "keluarga": ["idbdt", "nuk"],
          "mpm_laporan": ["kode_kelurahan"]}


_DIGITS_ONLY = re.compile(r"\^\\d\{(\d+)\}\$")


def _text_key_duplicates(arr) -> int:
    """Rows of a text key column that repeat an earlier value (NA counts as one value, as in `duplicated`).

    IDs (IDBDT, IDARTBDT) are digits of one length: then they are compared as int64 and counted on numpy's
    sort (equal neighbours) instead of arrow's distinct count of the strings; anything else by text."""
    ints = codes.digit_ints(arr)
    if ints is not None:
        s = np.sort(ints[0])
        return int((s[1:] == s[:-1]).sum())
    return len(arr) - pc.count_distinct(arr, mode="all").as_py()


def _in_code_list(values, allowed) -> "np.ndarray":
    """`np.isin(values, allowed)` for integer codes. One-byte values (most code columns are Int8) index a
    256-entry table directly — one pass instead of numpy's table isin (min, max, offsets)."""
    if values.dtype.itemsize == 1 and values.dtype.kind in "iu":
        info = np.iinfo(values.dtype)
        a = np.asarray(allowed, dtype=np.int64)
        a = a[(a >= info.min) & (a <= info.max)]        # a code the dtype cannot hold matches no value
        table = np.zeros(256, dtype=bool)
        table[a.astype(values.dtype).view(np.uint8)] = True
        return table[values.view(np.uint8)]
    return np.isin(values, allowed, kind="table")


def _check_table(name: str, df: pd.DataFrame, kelurahan: list[str] | None = None) -> list[str]:
    """The checks of `schema(name)` (the pandera schema), vectorised over whole columns: column present,
    dtype, nullability, allowed values, regex, key uniqueness. Returns the failures (empty = valid)."""

    errs: list[str] = []
    for col, (dt, nullable, _, allowed, regex) in SPECS[name].items():
        if col not in df.columns:
            errs.append(f"{name}.{col}: kolom tidak ada")
            continue
        s = df[col]
        if dt not in ("category", "str") and str(s.dtype) != dt:
            errs.append(f"{name}.{col}: dtype {s.dtype}, seharusnya {dt}")
            continue
        na = s.isna().to_numpy()
        if not nullable and na.any():
            errs.append(f"{name}.{col}: {int(na.sum())} nilai kosong (tidak boleh)")
        if allowed is not None and dt != "category":
            if dt.startswith("Int") and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                                            for a in allowed) and len(allowed):
                # small integer code lists: a lookup table (pandas' masked isin hashes), on the masked
                # array's own int8/16 values where there is one (no int64 copy of 4 M rows per column)
                values = s.array._data if isinstance(s.array, pd.arrays.IntegerArray) else \
                    s.to_numpy(dtype=np.int64, na_value=allowed[0])
                bad = ~_in_code_list(values, allowed) & ~na
            else:
                bad = ~s.isin(allowed).to_numpy(dtype=bool) & ~na
            if bad.any():
                errs.append(f"{name}.{col}: {int(bad.sum())} nilai di luar {allowed[:10]}: "
                            f"{sorted(map(str, pd.unique(s[bad])))[:5]}")
        if kelurahan is not None and regex in (KODE_KEL, KODE_KEC):
            # another wilayah reference (clean(wilayah=)): its codes replace the Bontang patterns
            known = set(kelurahan) if regex == KODE_KEL else {k.rsplit(".", 1)[0] for k in kelurahan}
            bad = ~s.isin(known).to_numpy(dtype=bool) & ~na
            if bad.any():
                errs.append(f"{name}.{col}: {int(bad.sum())} kode di luar tabel wilayah")
            continue
        if regex is not None and (~na).any():
            if isinstance(s.dtype, pd.CategoricalDtype):
                # the pattern is a property of the value: check each category in use once, not every row
                cats = pa.array(s.cat.categories.astype(str).to_numpy(dtype=object))
                cat_ok = np.asarray(pc.match_substring_regex(cats, regex).to_numpy(zero_copy_only=False), dtype=bool)
                c = s.cat.codes.to_numpy()
                nbad = int((~cat_ok[c[c >= 0]]).sum()) if len(cat_ok) else 0
            else:
                arr = s.array._pa_array if isinstance(s.array, pd.arrays.ArrowStringArray) \
                    else pa.array(s.astype("str"), from_pandas=True)
                digits = _DIGITS_ONLY.fullmatch(regex)
                if digits:   # ^\d{N}$ (RE2's \d is ASCII): N bytes, all ASCII decimal — no regex engine
                    ok = pc.and_(pc.equal(pc.binary_length(arr), int(digits[1])), pc.ascii_is_decimal(arr))
                elif regex == ID_DIGITS:   # the same kernels, any non-zero length
                    ok = pc.and_(pc.greater(pc.binary_length(arr), 0), pc.ascii_is_decimal(arr))
                else:
                    ok = pc.match_substring_regex(arr, regex)
                ok = pc.fill_null(ok, True)   # NA: judged by nullability
                nbad = len(s) - int(pc.sum(ok).as_py() or 0)
            if nbad:
                errs.append(f"{name}.{col}: {nbad} nilai tidak cocok dengan pola {regex}")
    keys = UNIQUE.get(name)
    if keys and all(k in df.columns for k in keys):
        k0 = df[keys[0]]
        if len(keys) == 1 and isinstance(k0.array, pd.arrays.ArrowStringArray):
            ndup = _text_key_duplicates(k0.array._pa_array)
        else:
            ndup = int(df.duplicated(keys).sum())
        if ndup:
            errs.append(f"{name}: kunci {keys} tidak unik ({ndup} duplikat)")
    return errs


def validate(tables: dict[str, pd.DataFrame], sample: int | None = None, *,
             kelurahan: list[str] | None = None) -> None:
    """Validate every table against SPECS — on every row (vectorised, so it costs little even at 4 M rows).

    Same checks as the pandera schemas of `schema(name)` (which stay available for notebooks); this runs
    them without pandera's per-check overhead and import time. Raises `SchemaViolation` listing failures.
    `sample` is accepted for compatibility and ignored: all rows are checked. `kelurahan`: the kelurahan
    codes of a non-Bontang wilayah reference (kode_kelurahan/kode_kecamatan are then checked against them).
    """
    errs: list[str] = []
    for name, df in tables.items():
        if name in SPECS:
            errs += _check_table(name, df, kelurahan)
    if errs:
        raise SchemaViolation("tabel bersih tidak sesuai skema:\n  " + "\n  ".join(errs))


def data_dictionary() -> str:
    lines = ["# Kamus data — tabel bersih", "",
             "Dibuat otomatis dari `kemiskinan.clean.schemas.SPECS` (`python -c \"from kemiskinan.clean.schemas import "
             "write_data_dictionary; write_data_dictionary()\"`). Jangan diedit tangan.", "",
             "Semua tabel ada di `data/processed/<periode>/` sebagai parquet. Aturan pembersihan dan ID aturan: "
             "`docs/cleaning_rules.md`.", ""]
    for name, spec in SPECS.items():
        lines += [f"## `{name}.parquet` — {TITLES[name]}", "", "| kolom | tipe | boleh kosong | arti |",
                  "|---|---|---|---|"]
        for col, (dt, nullable, desc, allowed, regex) in spec.items():
            d = desc.replace("|", "/")
            if regex:
                d += f" (pola `{regex}`)"
            lines.append(f"| `{col}` | {dt} | {'ya' if nullable else 'tidak'} | {d} |")
        lines.append("")
    return "\n".join(lines)


def write_data_dictionary(path: str | Path | None = None) -> Path:
    p = Path(path) if path else DOCS_DIR / "data_dictionary.md"
    p.write_text(data_dictionary(), encoding="utf-8")
    return p


def cleaning_rules_doc() -> str:
    lines = ["# Aturan pembersihan", "",
             "Dibuat otomatis dari `kemiskinan.clean.rules.RULES`. Setiap temuan di `temuan.parquet` membawa salah satu "
             "ID aturan ini. `tolak` = baris ditolak (tidak masuk tabel bersih); `tandai` = nilai ditandai "
             "(dikosongkan bila salah), baris disimpan; `gabung` = duplikat digabung ke baris pertama.", "",
             f"Pencocokan nama kelurahan yang mirip: rapidfuzz `fuzz.ratio` pada nama yang dinormalkan, diterima bila "
             f"skor ≥ {FUZZY_THRESHOLD:g} dan unggul ≥ {FUZZY_MARGIN:g} poin dari kelurahan lain; selain itu ditolak.",
             "", "## ID: kunci, bukan kode", "",
             "IDBDT dan IDARTBDT diperlakukan sebagai kunci buram: setiap deretan angka ASCII yang tidak kosong "
             "(setelah perbaikan Excel: akhiran `.0` dibuang, angka Excel < 2^53 diubah eksak) sah, berapa pun "
             "panjangnya — data contoh memakai 15/17 digit, satu ekstrak publik 16/18 (kode desa BPS + nomor "
             "urut), ekstrak kantor lain 12/14. Yang diperiksa adalah konsistensinya: IDARTBDT anggota harus "
             "diawali IDBDT rumah tangganya dan lebih panjang darinya (`IDARTBDT_BEDA_IDBDT`), dan satu file/sheet "
             "diharapkan memakai satu panjang (`ID_PANJANG_CAMPUR` menandai baris yang panjangnya berbeda dari "
             "yang terbanyak, dengan jumlah per panjang; baris tetap disimpan). IDBDT anggota yang kosong/rusak "
             "diambil dari IDBDT rumah tangga yang menjadi awalan IDARTBDT-nya (`IDBDT_DARI_IDARTBDT`). Wilayah "
             "tidak pernah diturunkan dari digit ID: hanya dari kolom kode dan nama wilayah. NIK dan No. KK tetap "
             "16 digit (struktur Kemendagri) dan tidak bergantung pada panjang IDBDT.", "",
             "## Kode wilayah lawan nama kelurahan", "",
             "Bila kode wilayah baris (BPS `KDKEC`/`KDDESA` atau kode wilayah 10 digit) dan nama kelurahannya "
             "menunjuk kelurahan yang berbeda, **nama dipakai** bila cocok persis (setelah normalisasi, bukan "
             "pencocokan mirip) dengan tepat satu kelurahan di kecamatan kode itu; selain itu kode dipakai. "
             "Alasannya: bagian kecamatan dari kode BPS terverifikasi, sedangkan kode desa BPS di "
             "`data/reference/wilayah_bontang.csv` disusun dari urutan BPS dan belum diverifikasi (kolom "
             "`keyakinan` = P). `WILAYAH_KODE_NAMA_BEDA` ditandai dalam kedua kasus; nilainya `kode | nama` "
             "seperti tertulis dan pesannya menyebut mana yang dipakai. Laporan kualitas data (bagian 5) "
             "menghitung baris per pasangan (kode, nama).", "",
             "## Masukan opsional", "",
             "Hanya file rumah tangga dan anggota yang wajib. Tanpa daftar KKS, workbook MPM atau data penduduk "
             "pembersihan tetap berjalan: tabel masukan itu ditulis kosong dengan skemanya, `keluarga.kks` dan "
             "`keluarga.kks_status` NA bila daftar KKS tidak ada (tidak diketahui, bukan \"tidak memegang\"), "
             "`mpm_laporan` kosong bila workbook MPM tidak ada, dan `meta.json` mencatat `masukan` (true/false per "
             "jenis). Daftar KKS yang membawa IDBDT dicocokkan lewat IDBDT lebih dulu (rumah tangga dengan satu "
             "keluarga), baru lewat No. KK / NIK.", "",
             "## Putaran data: tanggal acuan, skema desil, satuan", "",
             "`clean(periode=\"YYYY-MM\")` (notebook 01, `python -m kemiskinan clean --periode`) memberi tanggal "
             "acuan putaran = hari terakhir bulan itu (`meta.json` `tanggal_acuan`). Abad tahun lahir 2 digit di "
             "NIK dan setiap tanggal bertahun 2 digit dibaca dengan tahun acuan itu (20YY bila tidak melewati "
             "tahun acuan, selain itu 19YY), dan bila file anggota tidak punya kolom umur, `umur` = umur penuh "
             "pada tanggal acuan dari `tanggal_lahir` (NA bila tanggal lahir kosong atau sesudah tanggal acuan). "
             "Tanpa `periode`: abad menurut 2018 dan umur tidak diturunkan (perilaku sebelum putaran). Profil "
             "sumber menyatakan skema desil (`skema_desil: 4` bawaan, `10` untuk DTSEN): desil di luar "
             "1..skema menjadi `DESIL_TIDAK_VALID`; `kelompok_desil` tetap `1`–`4`, `4+` (desil di atas 4) dan "
             "`non-desil`. Dengan `satuan: keluarga` (DTSEN) setiap baris keluarga menjadi satu rumah tangga "
             "dengan IDBDT = No. KK-nya; anggota dihubungkan lewat No. KK (IDBDT = No. KK, NUK 1, IDARTBDT = "
             "No. KK + nomor urut 2 digit menurut urutan file, hub_krt = hubungan dengan kepala keluarga). Anggota "
             "yang No. KK-nya tidak ada di file keluarga ditolak (`ART_TANPA_RUTA`, pesan menyebut No. KK); "
             "No. KK yang kosong/rusak: baris keluarga `IDBDT_TIDAK_VALID`, anggota `IDARTBDT_TIDAK_VALID`, dengan pesan "
             "yang menyebut No. KK.", "",
             "| aturan | tindakan | pesan |", "|---|---|---|"]
    for r in RULES.values():
        pesan = r.pesan.format(kolom="‹kolom›").replace("|", "\\|")   # a '|' in a message would split the cell
        lines.append(f"| `{r.id}` | {r.tindakan} | {pesan} |")
    return "\n".join(lines) + "\n"


def write_cleaning_rules(path: str | Path | None = None) -> Path:
    p = Path(path) if path else DOCS_DIR / "cleaning_rules.md"
    p.write_text(cleaning_rules_doc(), encoding="utf-8")
    return p
