"""Cleaning that loses nothing: raw files (contracts §1) → clean tables, findings, reconciliation (§2).

    clean(raw_dir, out_dir)            # notebooks and the CLI call the same function
    python -m kemiskinan clean --raw DIR --out DIR [--accept-changes]

Every source row ends in exactly one place: kept in a clean table (`disimpan`), rejected (`ditolak`,
a finding with `tindakan="tolak"`), or merged into an earlier identical row (`digabung`,
`tindakan="gabung"`). `rekonsiliasi.parquet` counts them per file and sheet and the run stops with
`ReconciliationError` if `dibaca != disimpan + ditolak + digabung` anywhere. Values that are wrong but do
not stop a row from being placed are blanked (NA) and flagged (`tindakan="tandai"`); the row is kept.

All rules, their message and their action are in `RULES` (rendered into docs/cleaning_rules.md).
Findings never hold a full NIK, No. KK, ID or name: values are masked (`nilai_tersamar`).

Outputs are written to a temporary folder next to `out_dir` and swapped in at the end, so a failed run
leaves the previous outputs untouched and never a half-written folder.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan.domain import codes

from kemiskinan.domain import nik as nikmod

from kemiskinan.domain import wilayah as wil
from kemiskinan.errors import InputError, ParameterError, ReconciliationError
from kemiskinan.parallel import two_at_a_time
from kemiskinan.ingest import profiles
from kemiskinan.ingest.profiles import jenis
from kemiskinan.atomic import write_folder
from kemiskinan.ingest.readers import CSV_SUFFIXES, EXCEL_SUFFIXES, ID_COLUMNS, Table, read_table

# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------
TOLAK, TANDAI, GABUNG = "tolak", "tandai", "gabung"

#: Fuzzy kelurahan matching: rapidfuzz `fuzz.ratio` on `wilayah.normalise_name` forms; accepted when the
#: best score is ≥ FUZZY_THRESHOLD and beats the best candidate of another kelurahan by ≥ FUZZY_MARGIN.
FUZZY_THRESHOLD = 90.0
FUZZY_MARGIN = 5.0


@dataclass(frozen=True)
class Rule:
    id: str
    tindakan: str
    pesan: str          # may use {kolom}


_R = [
    # --- whole rows ---------------------------------------------------------------------------
    Rule("DUPLIKAT_PERSIS", GABUNG, "baris sama persis dengan baris sebelumnya (setelah spasi, huruf besar/kecil, "
         "NBSP dirapikan); digabung ke baris pertama"),
    Rule("DUPLIKAT_KUNCI", GABUNG, "ID sama dengan baris sebelumnya tetapi isinya berbeda; baris pertama (nomor "
         "baris terkecil) dipakai"),
    Rule("RT_LUAR_BONTANG", TOLAK, "rumah tangga di luar Kota Bontang (kode provinsi/kab-kota bukan 64/74)"),
    Rule("WILAYAH_TIDAK_DIKENAL", TOLAK, "kelurahan tidak dapat ditentukan dari kode maupun nama (juga tidak "
         "dengan pencocokan mirip); baris ditolak, tidak ditebak"),
    Rule("IDBDT_TIDAK_VALID", TOLAK, "IDBDT kosong atau bukan deretan angka: rumah tangga tidak bisa dihubungkan"),
    Rule("IDARTBDT_TIDAK_VALID", TOLAK, "IDARTBDT kosong atau bukan deretan angka: anggota tidak bisa "
         "diidentifikasi"),
    Rule("ART_TANPA_RUTA", TOLAK, "IDBDT anggota tidak ada di file rumah tangga"),
    Rule("ART_RUTA_DITOLAK", TOLAK, "rumah tangga anggota ini ditolak; anggota ikut ditolak"),
    Rule("KKS_TIDAK_DAPAT_DITEMPATKAN", TOLAK, "baris KKS tidak cocok dengan keluarga BDT mana pun dan "
         "kelurahannya tidak dikenal"),
    Rule("PENDUDUK_WILAYAH_TIDAK_DIKENAL", TOLAK, "kode/nama wilayah bukan kelurahan Kota Bontang"),
    # --- values flagged, row kept -------------------------------------------------------------
    Rule("ID_EXCEL_NUMBER", TANDAI, "ID tersimpan sebagai angka Excel; diubah ke teks secara eksak (< 2^53)"),
    Rule("ID_TRAILING_DOT0", TANDAI, "ID berakhiran '.0' (bekas angka Excel); akhiran dibuang, digit utuh"),
    Rule("ID_KARAKTER_TAK_TERLIHAT", TANDAI, "ID di kolom {kolom} berisi karakter tak terlihat (spasi nol-lebar, "
         "NBSP atau BOM); karakter itu dibuang, nilai ditandai"),
    Rule("IDBDT_DARI_IDARTBDT", TANDAI, "IDBDT kosong/rusak; diambil dari awal IDARTBDT (IDBDT di file rumah tangga "
         "yang menjadi awalannya bila tepat satu, selain itu IDARTBDT tanpa 2 digit terakhir)"),
    Rule("ID_PANJANG_CAMPUR", TANDAI, "panjang {kolom} tidak seragam dalam satu file/sheet; baris ini berbeda dari "
         "panjang yang terbanyak (ID tetap dipakai apa adanya)"),
    Rule("IDARTBDT_BEDA_IDBDT", TANDAI, "IDARTBDT tidak diawali IDBDT rumah tangganya (atau tidak lebih panjang "
         "darinya)"),
    Rule("WILAYAH_FUZZY", TANDAI, "nama wilayah di kolom {kolom} dicocokkan secara mirip (skor ≥ 90) ke "
         "kelurahan yang dikenal"),
    Rule("WILAYAH_KODE_NAMA_BEDA", TANDAI, "kode wilayah dan nama kelurahan tidak sepakat; nama dipakai bila cocok "
         "persis dengan satu kelurahan di kecamatan kode itu, selain itu kode (nilai: kode | nama)"),
    Rule("WILAYAH_KODE_TIDAK_DIKENAL", TANDAI, "kode wilayah tidak dikenal; kelurahan ditentukan dari nama"),
    Rule("WILAYAH_KEC_BEDA", TANDAI, "nama kecamatan tidak sesuai dengan kelurahan; kelurahan yang dipakai"),
    Rule("WILAYAH_TIDAK_DIKENAL_KKS", TANDAI, "kelurahan tidak dikenal; wilayah diambil dari keluarga BDT yang cocok"),
    Rule("KODE_TIDAK_VALID", TANDAI, "nilai di luar daftar kode kolom {kolom}; dikosongkan"),
    Rule("YA_TIDAK_TIDAK_VALID", TANDAI, "nilai ya/tidak di luar pasangan kode kolom {kolom}; dikosongkan"),
    Rule("YA_TIDAK_POLA_LAIN", TANDAI, "kolom {kolom} memakai pasangan ya/tidak yang lain dari PBDT 2015; "
         "pasangan yang teramati dipakai"),
    Rule("ANGKA_TIDAK_VALID", TANDAI, "kolom {kolom} bukan angka; dikosongkan"),
    Rule("DESIL_TIDAK_VALID", TANDAI, "status_kesejahteraan (desil) di luar skema desil putaran ini (1–4; 1–10 bila "
         "profil menyatakan skema_desil: 10); dikosongkan"),
    Rule("PERSENTIL_TIDAK_VALID", TANDAI, "percentile bukan 1–100; dikosongkan"),
    Rule("DESIL_PERSENTIL_BEDA", TANDAI, "status_kesejahteraan dan percentile tidak sepakat; "
         "status_kesejahteraan yang dipakai"),
    Rule("RT_SLS_TIDAK_VALID", TANDAI, "nomor RT tidak terbaca dari {kolom}; dikosongkan"),
    Rule("NUK_KOSONG", TANDAI, "NUK kosong/tidak valid: anggota disimpan tetapi tidak masuk tabel keluarga"),
    Rule("JK_TIDAK_VALID", TANDAI, "jenis kelamin bukan 1/2 (L/P); dikosongkan"),
    Rule("TANGGAL_TIDAK_VALID", TANDAI, "kolom {kolom} bukan tanggal yang ada; dikosongkan"),
    Rule("TANGGAL_LAHIR_SETELAH_ACUAN", TANDAI, "tanggal lahir ({kolom}) sesudah tanggal acuan putaran; tanggal "
         "disimpan, umur dikosongkan — periksa `periode` di params atau tanggalnya"),
    # NIK and No. KK share their structural checks (both 16 digits with a Kemendagri wilayah prefix); the
    # checks that need a birth date, sex or family exist for NIK only.
    *[Rule(f"{code}_{suffix}", TANDAI, text.format(id=label))
      for code, label in (("NIK", "NIK"), ("KK", "No. KK"))
      for suffix, text in (
          ("KOSONG", "{id} kosong"),
          ("EXCEL_SCI", "{id} rusak oleh Excel (notasi ilmiah, digit hilang); tidak diperbaiki"),
          ("EXCEL_DESIMAL", "{id} berbentuk angka desimal dengan jumlah digit salah (rusak Excel)"),
          ("EXCEL_PRESISI", "{id} tersimpan sebagai angka Excel ≥ 2^53: digit terakhir hilang"),
          ("BUKAN_ANGKA", "{id} berisi karakter selain angka"),
          ("PANJANG_SALAH", "{id} bukan 16 digit"),
          ("PROV_TIDAK_DIKENAL", "dua digit pertama {id} bukan kode provinsi"),
          ("KABKOTA_00", "kode kab/kota dalam {id} 00"),
          ("KEC_00", "kode kecamatan dalam {id} 00"),
          ("TRAILING_DOT0", "{id} berakhiran '.0' (bekas angka Excel); 16 digit utuh, dipakai"))],
    Rule("NIK_TANGGAL_TIDAK_VALID", TANDAI, "tanggal lahir dalam NIK (DDMMYY, perempuan +40) bukan tanggal yang ada"),
    Rule("NIK_SERIAL_0000", TANDAI, "nomor urut NIK 0000"),
    Rule("NIK_JK_BEDA", TANDAI, "jenis kelamin menurut NIK berbeda dengan kolom jenis kelamin; NIK tetap disimpan"),
    Rule("NIK_TGL_BEDA", TANDAI, "tanggal lahir menurut NIK berbeda dengan kolom tanggal lahir; NIK tetap disimpan"),
    Rule("NIK_GANDA_KELUARGA", TANDAI, "NIK yang sama tercatat di lebih dari satu keluarga (kriteria Kemensos "
         "§3.4 d)"),
    Rule("KELUARGA_KK_BEDA", TANDAI, "anggota satu keluarga (IDBDT, NUK) mencatat No. KK berbeda; yang terbanyak "
         "dipakai"),
    Rule("KKS_STATUS_TIDAK_VALID", TANDAI, "Status Kartu bukan TERSALUR / BELUM TERSALUR / DIKEMBALIKAN"),
    Rule("KKS_TIDAK_DITEMUKAN", TANDAI, "baris KKS tidak cocok dengan keluarga BDT (lewat No. KK maupun NIK)"),
    Rule("KKS_IDBDT_TIDAK_DIKENAL", TANDAI, "IDBDT di daftar KKS bukan rumah tangga BDT yang disimpan (atau bukan "
         "deretan angka); dicocokkan lewat No. KK / NIK"),
    Rule("KKS_IDBDT_BEDA", TANDAI, "IDBDT di daftar KKS menunjuk rumah tangga lain dari No. KK / NIK-nya; IDBDT "
         "dipakai (rumah tangganya hanya punya satu keluarga)"),
    Rule("KKS_IDBDT_BANYAK_KELUARGA", TANDAI, "rumah tangga IDBDT ini punya beberapa keluarga dan No. KK / NIK tidak "
         "menunjuk salah satunya; keluarga tidak ditebak, kecocokan No. KK / NIK (bila ada) dipakai"),
    Rule("KKS_KK_AMBIGU", TANDAI, "No. KK dipakai beberapa keluarga BDT; dicocokkan lewat NIK bila bisa"),
    Rule("KKS_KELUARGA_GANDA", TANDAI, "keluarga ini punya lebih dari satu baris KKS; status terbaik dipakai "
         "(tersalur > belum tersalur > dikembalikan)"),
    Rule("MPM_IDBDT_TIDAK_DIKENAL", TANDAI, "IDBDT pendaftar MPM tidak ada di file rumah tangga BDT"),
    Rule("MPM_STATUS_IDBDT_BEDA", TANDAI, "Status Identifikasi tidak sesuai dengan isi kolom IDBDT"),
]
RULES: dict[str, Rule] = {r.id: r for r in _R}
for _r in nikmod.NIK_RULES:
    assert _r in RULES, _r

OUTPUT_TABLES = ("rumah_tangga", "anggota", "keluarga", "kks", "mpm", "mpm_laporan", "penduduk", "temuan",
                 "rekonsiliasi")
KINDS = ("rt", "art", "kks", "mpm", "penduduk")
KIND_TABLE = {"rt": "rumah_tangga", "art": "anggota", "kks": "kks", "mpm": "mpm", "penduduk": "penduduk"}
KIND_LABEL = jenis.LABEL        # kinds, their labels and required columns: kemiskinan.ingest.profiles.jenis
REQUIRED = jenis.REQUIRED
#: Entries allowed in an existing output folder (anything else means --out points at the wrong place).
_OUT_ALLOWED = {f"{t}.parquet" for t in OUTPUT_TABLES} | {"meta.json", "indikator", "sebelumnya",
                                                            "pii_istilah.parquet"}

RT_CODE_COLS = ["sta_bangunan", "sta_lahan", "lantai", "dinding", "kondisi_dinding", "atap", "kondisi_atap",
                "sumber_airminum", "cara_peroleh_airminum", "sumber_penerangan", "daya", "bb_masak", "fasbab",
                "kloset", "buang_tinja"]
RT_INT_COLS = {"nomor_urut_rumah_tangga": "Int32", "jumlah_art": "Int16", "jumlah_keluarga": "Int16",
               "jumlah_kamar": "Int16", "jumlah_sapi": "Int16", "jumlah_kerbau": "Int16", "jumlah_kuda": "Int16",
               "jumlah_babi": "Int16", "jumlah_kambing": "Int16"}
RT_FLOAT_COLS = ["luas_lantai", "luas_atb"]
ART_CODE_COLS = ["hub_krt", "hubkel", "sta_kawin", "ada_akta_nikah", "ada_dikk", "ada_kartu_identitas",
                 "sta_hamil", "jenis_cacat", "penyakit_kronis", "partisipasi_sekolah", "pendidikan_tertinggi",
                 "kelas_tertinggi", "ijazah_tertinggi", "sta_bekerja", "lapangan_usaha", "status_pekerjaan"]
ART_INT_COLS = {"umur": "Int16", "jumlah_jamkerja": "Int16"}
STATUS_RANK = {"tersalur": 3, "belum_tersalur": 2, "dikembalikan": 1}
#: Raw columns the PII term list (`pii.write_terms`) is built from.
PII_COLUMNS = {"nama", "nama_krt", "namagadis_ibukandung", "nama_pengurus", "nama_kepala_rumah_tangga", "alamat",
               "idbdt", "idartbdt"}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def tanggal_acuan(periode: str | None) -> pd.Timestamp | None:
    """The round's reference date: the last day of the `periode` month (`"2019-05"` → 2019-05-31); None
    for None. `ParameterError` for anything that is not a `YYYY-MM` month."""
    if periode is None:
        return None
    import re
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(periode).strip())
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1900:
        raise ParameterError(f"periode harus berbentuk YYYY-MM (mis. 2019-05), bukan {periode!r}")
    return (pd.Timestamp(int(m[1]), int(m[2]), 1) + pd.offsets.MonthEnd(0)).as_unit("s")


def umur_pada(lahir: pd.Series, acuan: pd.Timestamp) -> pd.Series:
    """Full years between each birth date and `acuan` (Int16); NA where the date is missing or after it."""
    t = pd.to_datetime(lahir)
    had_birthday = (t.dt.month < acuan.month) | ((t.dt.month == acuan.month) & (t.dt.day <= acuan.day))
    years = (acuan.year - t.dt.year - (~had_birthday.fillna(True)).astype(int)).astype("Int64")
    return years.where(t.notna() & (t <= acuan)).astype("Int16")


# --------------------------------------------------------------------------------------------------
# Findings and row states
# --------------------------------------------------------------------------------------------------
def _mask_values(s: pd.Series, how: str) -> pd.Series:
    s = s.astype("str").fillna("")
    if how == "id":
        return nikmod.mask_ids(s)
    if how == "nama":
        t = s.str.strip()
        return (t.str.slice(0, 1) + "***").where(t != "", "")
    return s.str.strip().str.slice(0, 40)


def _per_table(names: list[str], rows: list[int], ti: np.ndarray) -> pd.Categorical:
    """A per-row Categorical of each row's table name (file or sheet), from the table index `ti` — the
    same as `pd.Categorical(np.array(names)[ti])` (sorted categories, only names with rows) without
    building and hashing one Python string per row."""
    cats = sorted({n for n, r in zip(names, rows) if r})
    code_of = np.array([cats.index(n) if n in cats else -1 for n in names] or [-1], dtype=np.int32)
    return pd.Categorical.from_codes(code_of[ti] if len(ti) else np.zeros(0, dtype=np.int32), categories=cats)


class Batch:
    """The rows of one kind (all files/sheets of that kind concatenated) plus their fate."""

    def __init__(self, kind: str, tables: list[Table]):
        self.kind = kind
        self.tables = tables
        cols: list[str] = []
        for t in tables:
            cols += [c for c in t.df.columns if c not in cols]
        frames = []
        for i, t in enumerate(tables):
            df = t.df
            missing = [c for c in cols if c not in df.columns]
            if missing:
                df = df.assign(**{c: pd.Series("", index=df.index, dtype="str") for c in missing})
            frames.append(df[cols].assign(_t=np.int32(i)))
        self.df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        self.df = self.df.reset_index(drop=True)
        self.n = len(self.df)
        self.state = np.zeros(self.n, dtype=np.int8)    # 0 keep, 1 tolak, 2 gabung
        self.reason = np.full(self.n, None, dtype=object)  # first tolak rule
        ti = self.df["_t"].to_numpy()
        self.file = _per_table([t.file for t in tables], [t.rows for t in tables], ti)
        self.sheet = _per_table([t.sheet or "" for t in tables], [t.rows for t in tables], ti)
        self.numeric: dict[str, np.ndarray] = {}
        for c in cols:
            parts = [t.numeric.get(c, np.zeros(t.rows, dtype=bool)) for t in tables]
            if any(p.any() for p in parts):
                self.numeric[c] = np.concatenate(parts)
        self.kel = pd.Series(pd.NA, index=self.df.index, dtype="str")   # resolved kelurahan per row

    def col(self, name: str) -> pd.Series:
        if name in self.df.columns:
            return self.df[name]
        return pd.Series("", index=self.df.index, dtype="str")

    def slim(self, keep: set[str]) -> None:
        """Drop the raw columns no later step reads (memory: at 4 M members the raw text is most of it).

        Kept: row bookkeeping (`_t`, `_baris`), `keep`, and what the PII term list is built from."""
        cols = [c for c in self.df.columns if c.startswith("_") or c in keep or c in PII_COLUMNS]
        if len(cols) < len(self.df.columns):
            self.df = self.df[cols]
            for t in self.tables:   # the per-file frames hold the same raw arrays: slim them too
                t.df = t.df[[c for c in t.df.columns if c in cols]]

    def has(self, name: str) -> bool:
        return name in self.df.columns

    def kept(self) -> np.ndarray:
        return self.state == 0


class Findings:
    def __init__(self):
        self.parts: list[pd.DataFrame] = []

    def add(self, b: Batch, mask, aturan, kolom: str | None = None, nilai: pd.Series | None = None,
            how: str = "teks", tindakan: str | None = None, pesan: str | None = None) -> int:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return 0
        idx = np.flatnonzero(mask)
        if isinstance(aturan, str):
            at = pd.Series(aturan, index=range(len(idx)), dtype="str")
        else:
            at = pd.Series(np.asarray(aturan, dtype=object)[idx], dtype="str")
        if pesan is None:
            tmpl = {a: RULES[a].pesan.format(kolom=kolom or "") for a in at.unique()}
            ps = at.map(tmpl)
        elif isinstance(pesan, str):
            ps = pd.Series(pesan, index=range(len(idx)), dtype="str")
        else:
            ps = pd.Series(np.asarray(pesan, dtype=object)[idx], dtype="str")
        pos = b._pos[idx] if hasattr(b, "_pos") else idx
        act = at.map({a: RULES[a].tindakan for a in at.unique()}) if tindakan is None else tindakan
        vals = _mask_values(nilai.iloc[idx].reset_index(drop=True), how) if nilai is not None else ""
        self.parts.append(pd.DataFrame({
            "file": np.asarray(b.file[idx]), "sheet": np.asarray(b.sheet[idx]),
            "baris": b.df["_baris"].to_numpy()[idx], "kolom": kolom or "",
            "aturan": at.to_numpy(), "pesan": ps.to_numpy(), "nilai_tersamar": vals if isinstance(vals, str)
            else vals.to_numpy(), "tindakan": act if isinstance(act, str) else act.to_numpy(),
            "_kind": b.kind, "_pos": pos}))
        return len(idx)

    def reject(self, b: Batch, mask, aturan: str, kolom: str | None = None, nilai=None, how="teks",
               pesan=None) -> None:
        """Reject rows still kept; rows already rejected/merged are left alone (one fate per row)."""
        m = np.asarray(mask, dtype=bool) & (b.state == 0)
        b.state[m] = 1
        b.reason[m] = aturan
        self.add(b, m, aturan, kolom, nilai, how, TOLAK, pesan)

    def merge(self, b: Batch, mask, aturan: str, ref_rows: np.ndarray, kolom: str | None = None) -> None:
        m = np.asarray(mask, dtype=bool) & (b.state == 0)
        b.state[m] = 2
        idx = np.flatnonzero(m)
        if not len(idx):
            return
        refs = ref_rows[m] if len(ref_rows) == b.n else ref_rows
        msg = [f"{RULES[aturan].pesan} (baris {int(r)})" for r in refs]
        self.parts.append(pd.DataFrame({
            "file": np.asarray(b.file[idx]), "sheet": np.asarray(b.sheet[idx]),
            "baris": b.df["_baris"].to_numpy()[idx], "kolom": kolom or "", "aturan": aturan, "pesan": msg,
            "nilai_tersamar": "", "tindakan": GABUNG, "_kind": b.kind, "_pos": idx}))

    def frame(self) -> pd.DataFrame:
        cols = ["file", "sheet", "baris", "kolom", "aturan", "pesan", "nilai_tersamar", "tindakan", "_kind", "_pos"]
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in cols}).astype({"baris": "int64", "_pos": "int64"})
        return pd.concat(self.parts, ignore_index=True)


# --------------------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------------------
def _ids(b: Batch, col: str) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(value or NA, valid mask, repair rule per row or None) for an opaque numeric ID (IDBDT, IDARTBDT).

    IDs are keys, not codes: any non-empty run of ASCII digits is valid, whatever its length (the public
    layouts differ: 15/17 digits in our sample, 16/18 = BPS desa code + serial in one dump, 12/14 in an
    office's extract). Excel's repairs stay: a trailing `.0` is cut, an Excel number ≥ 2^53 (digits lost)
    is not valid. Lengths are compared per file by `_flag_mixed_lengths`, never checked here."""
    raw = codes.text(b.col(col)).fillna("")
    valid = _ascii_digits(raw)
    rule = np.full(b.n, None, dtype=object)
    value = raw
    if not valid.all():
        dot0 = raw.str.fullmatch(r"[0-9]+[.,]0+").to_numpy(dtype=bool)
        if dot0.any():
            value = raw.where(~dot0, raw.str.replace(r"[.,]0+$", "", regex=True))
            valid |= dot0
            rule[dot0] = "ID_TRAILING_DOT0"
    num = b.numeric.get(col)
    if num is not None:
        big = num & valid & (pd.to_numeric(value, errors="coerce").fillna(0).to_numpy() >= 2**53)
        valid &= ~big
        rule[num & valid] = "ID_EXCEL_NUMBER"
    return value.where(pd.Series(valid, index=value.index)), valid, rule


def _ascii_digits(s: pd.Series) -> np.ndarray:
    """Mask of the values that are a non-empty run of ASCII digits (arrow kernels; NA → False)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    arr = codes.arrow_text(s)
    if arr is None:
        return s.astype("str").str.fullmatch(r"[0-9]+").fillna(False).to_numpy(dtype=bool)
    ok = pc.and_(pc.greater(pc.binary_length(arr), 0), pc.ascii_is_decimal(arr))
    return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)


def _lengths(s: pd.Series) -> np.ndarray:
    """Character length of each value (0 for NA), as int64."""
    import pyarrow.compute as pc
    arr = codes.arrow_text(s)
    if arr is None:
        return s.astype("str").str.len().fillna(0).to_numpy(dtype=np.int64)
    return np.asarray(pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _flag_mixed_lengths(b, F: "Findings", value: pd.Series, rows: np.ndarray, col: str, label: str) -> None:
    """ID_PANJANG_CAMPUR: one length per file and sheet is expected. Among `rows` (valid IDs), the rows of
    each table (file × sheet) whose length differs from that table's most common length are flagged (a tie
    goes to the longer length); the message names every length with its count. Nothing is rejected."""
    n = _lengths(value)
    tables = b.df["_t"].to_numpy() if "_t" in b.df.columns else np.zeros(len(n), dtype=np.int32)
    flag = np.zeros(len(n), dtype=bool)
    msg = np.full(len(n), None, dtype=object)
    for ti in np.unique(tables[rows]):
        m = rows & (tables == ti)
        lens, counts = np.unique(n[m], return_counts=True)
        if len(lens) < 2:
            continue
        mode = lens[np.lexsort((lens, counts))[-1]]        # most rows; a tie: the longer length
        seen = ", ".join(f"{int(k)} digit: {int(c)} baris" for k, c in sorted(zip(lens, counts), key=lambda kc: (-kc[1], -kc[0])))
        odd = m & (n != mode)
        flag |= odd
        msg[odd] = [f"{RULES['ID_PANJANG_CAMPUR'].pesan.format(kolom=label)} ({seen}); baris ini {int(k)} digit"
                    for k in n[odd]]
    F.add(b, flag, "ID_PANJANG_CAMPUR", col, value, "id", pesan=msg)


def _id16(b: Batch, col: str, kind: str, F: Findings, rows: np.ndarray, sex=None, birth=None,
          reference_year: int = nikmod.REFERENCE_YEAR) -> pd.DataFrame:
    """Validate a NIK / No. KK column for `rows` (bool mask); log findings; return the result frame
    (the value column `nik` / `no_kk`, NA where not valid, and `status`), on `b`'s index.
    `reference_year`: the century of a NIK's 2-digit birth year (the round's reference date)."""
    s = b.col(col)
    if kind == "nik":
        res = nikmod._validate_arrays(s, sex=sex, birth=birth, reference_year=reference_year)
        out_col = "nik"
    else:
        res = nikmod._validate_kk_arrays(s)
        out_col = "no_kk"
    value, status = res[out_col], res["status"]
    num = b.numeric.get(col)
    pre = "NIK" if kind == "nik" else "KK"
    aturan = res["aturan"].copy()
    if num is not None:
        txt = codes.text(s).fillna("")
        big = num & (pd.to_numeric(txt, errors="coerce").fillna(0).to_numpy() >= 2**53)
        if big.any():
            value = value.mask(pd.Series(big, index=value.index))
            status = status.copy()
            status[big] = "rusak_excel"
            aturan[big] = f"{pre}_EXCEL_PRESISI"
        exact = num & ~big & np.asarray(status == "valid", dtype=bool)
        aturan[exact & pd.isna(aturan)] = "ID_EXCEL_NUMBER"
    has = rows & pd.notna(aturan)
    F.add(b, has, aturan, col, s, "id")
    if kind == "nik":
        for c in ("aturan_jk", "aturan_tgl"):
            a = res[c]
            F.add(b, rows & pd.notna(a), a, col, s, "id")
    return pd.DataFrame({out_col: value.array, "status": status}, index=s.index)


# --------------------------------------------------------------------------------------------------
# Wilayah
# --------------------------------------------------------------------------------------------------
_FUZZY_CHOICES: dict[str, tuple[str, str]] | None = None


class Reference:
    """A wilayah reference other than Kota Bontang (e.g. all of Kalimantan Timur), for `clean(wilayah=)`.

    Same columns as data/reference/wilayah_bontang.csv (kode_kemendagri, kode_bps, nama, tingkat, induk,
    varian_nama); tingkat `kota` rows are the kab/kota (BPS 4 digits `PPKK`, Kemendagri `PP.KK`). Names are
    looked up within the row's kab/kota when it is known (the same kelurahan name can exist in two
    kab/kota) and only when they are unambiguous; codes are BPS (`KDKEC` 3 + `KDDESA` 3 digits) or
    Kemendagri (2 + 4), as for Bontang.
    """

    def __init__(self, table: pd.DataFrame):
        t = table.fillna("").astype(str)
        self.items = [wil.Wilayah(r.kode_kemendagri, r.kode_bps, r.nama, r.tingkat, r.induk,
                                  tuple(v.strip() for v in str(r.varian_nama).split("|") if v.strip()))
                      for r in t.itertuples(index=False)]
        self.by_kode = {w.kode: w for w in self.items}
        self.by_bps = {w.kode_bps: w for w in self.items if w.kode_bps}
        self.kab_bps = {w.kode_bps for w in self.items if w.tingkat == "kota"}
        self.provs = {int(c[:2]) for c in self.kab_bps}
        self.names: dict[tuple[str, str, str], set[str]] = {}
        for w in self.items:
            if w.tingkat not in ("kelurahan", "kecamatan"):
                continue
            kab = w.kode[:5]
            for n in (w.nama, *w.varian):
                for scope in (kab, ""):
                    self.names.setdefault((w.tingkat, scope, wil.normalise_name(n)), set()).add(w.kode)
        self.fuzzy: dict[str, list[tuple[str, str]]] = {}
        for (tingkat, scope, norm), kodes in self.names.items():
            if tingkat == "kelurahan":
                for k in kodes:
                    self.fuzzy.setdefault(scope, []).append((norm, k))

    def kelurahan(self) -> list:
        return [w for w in self.items if w.tingkat == "kelurahan"]

    def kab_scope(self, prov: str, kab: str) -> tuple[str | None, bool]:
        """(Kemendagri kab/kota code or None, outside the reference)."""
        p, k = _int_or_none(prov), _int_or_none(kab)
        if not prov and not kab:
            return None, False
        if (prov and p not in self.provs) or (kab and k is None):
            return None, True
        if not kab:
            return None, False
        if k >= 100:
            code = str(k)
        elif p is not None:
            code = f"{p:02d}{k:02d}"
        else:   # KDPROP empty: the kab/kota code alone, when only one province in the reference has it
            cands = [c for c in self.kab_bps if c[2:] == f"{k:02d}"]
            code = cands[0] if len(cands) == 1 else None
        if code is None or code not in self.kab_bps:
            return None, True
        return self.by_bps[code].kode, False

    def by_name(self, name: str, tingkat: str, scope: str | None) -> str | None:
        kodes = self.names.get((tingkat, scope or "", wil.normalise_name(str(name))))
        return next(iter(kodes)) if kodes and len(kodes) == 1 else None

    def resolve_name(self, name: object, scope: str | None) -> tuple[str | None, str]:
        if name is None or not str(name).strip():
            return None, "kosong"
        k = self.by_name(str(name), "kelurahan", scope)
        if k is not None:
            return k, "persis"
        if self.names.get(("kelurahan", scope or "", wil.normalise_name(str(name)))):
            return None, "tidak_dikenal"     # the name exists more than once here: ambiguous, never a guess
        from rapidfuzz import fuzz
        norm = wil.normalise_name(str(name))
        if not norm:
            return None, "tidak_dikenal"
        best: dict[str, float] = {}
        for cand, kode in self.fuzzy.get(scope or "", []):
            sc = fuzz.ratio(norm, cand)
            if sc > best.get(kode, -1):
                best[kode] = sc
        if not best:
            return None, "tidak_dikenal"
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        top_kode, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= FUZZY_THRESHOLD and top - second >= FUZZY_MARGIN:
            return top_kode, "mirip"
        return None, "tidak_dikenal"

    def code(self, kdkec: str, kddesa: str, kode_wilayah: str, scope: str | None) -> tuple[str | None, bool]:
        kw = str(kode_wilayah or "").strip()
        if kw:
            digits = "".join(ch for ch in kw if ch.isdigit())
            if len(digits) == 10 and digits[:4] in self.kab_bps:
                w = self.by_kode.get(f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}") or self.by_bps.get(digits)
                return (w.kode if w is not None and w.tingkat == "kelurahan" else None), True
            return None, True
        k, d = _int_or_none(kdkec), _int_or_none(kddesa)
        if k is None and d is None:
            return None, False
        if k is None or d is None or scope is None:
            return None, True
        kab_bps = self.by_kode[scope].kode_bps
        w = self.by_bps.get(f"{kab_bps}{k:03d}{d:03d}") if d < 1000 else self.by_kode.get(f"{scope}.{k:02d}.{d}")
        return (w.kode if w is not None and w.tingkat == "kelurahan" else None), True


#: The reference `clean` resolves against: None = Kota Bontang (kemiskinan.domain.wilayah); set by `clean(wilayah=)`.
_REF: Reference | None = None


def _fuzzy_choices() -> dict[str, tuple[str, str]]:
    global _FUZZY_CHOICES
    if _FUZZY_CHOICES is None:
        ch = {}
        for w in wil.kelurahan():
            for n in (w.nama, *w.varian):
                ch[wil.normalise_name(n)] = (w.kode, w.nama)
        _FUZZY_CHOICES = ch
    return _FUZZY_CHOICES


def resolve_kelurahan_name(name: object) -> tuple[str | None, str, float]:
    """Kelurahan name → (Kemendagri code or None, how: 'persis'|'mirip'|'kosong'|'tidak_dikenal', score).

    Exact through the canonical name and known variants (`wilayah.by_name`), then rapidfuzz `fuzz.ratio`
    on normalised names: accepted when ≥ FUZZY_THRESHOLD and ≥ FUZZY_MARGIN above any other kelurahan.
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
        return None, "kosong", 0.0
    w = wil.by_name(str(name), "kelurahan")
    if w is not None:
        return w.kode, "persis", 100.0
    from rapidfuzz import fuzz
    norm = wil.normalise_name(str(name))
    if not norm:
        return None, "tidak_dikenal", 0.0
    best: dict[str, float] = {}
    for cand, (kode, _) in _fuzzy_choices().items():
        sc = fuzz.ratio(norm, cand)
        if sc > best.get(kode, -1):
            best[kode] = sc
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    top_kode, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if top >= FUZZY_THRESHOLD and top - second >= FUZZY_MARGIN:
        return top_kode, "mirip", float(top)
    return None, "tidak_dikenal", float(top)


def _int_or_none(v: str) -> int | None:
    v = str(v).strip(nikmod.TRIM_CHARS).strip()
    if v.endswith(".0"):
        v = v[:-2]
    return int(v) if v.isdigit() else None


def _code_kelurahan(kdkec: str, kddesa: str, kode_wilayah: str = "") -> tuple[str | None, bool]:
    """(Kemendagri kelurahan code or None, a code was given). BPS 010/020/030 + 001…; Kemendagri 01 + 1001."""
    kw = str(kode_wilayah or "").strip()
    if kw:
        digits = "".join(ch for ch in kw if ch.isdigit())
        if len(digits) == 10 and digits.startswith("6474"):
            kode = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
            try:
                if wil.get(kode).tingkat == "kelurahan":
                    return kode, True
            except KeyError:
                pass
            try:
                w = wil.from_bps(digits)
                if w.tingkat == "kelurahan":
                    return w.kode, True
            except KeyError:
                pass
            return None, True
        return None, True
    k, d = _int_or_none(kdkec), _int_or_none(kddesa)
    if k is None and d is None:
        return None, False
    if k is None or d is None:
        return None, True
    try:
        if k in (10, 20, 30) and d < 1000:
            w = wil.from_bps(f"6474{k:03d}{d:03d}")
        elif k in (1, 2, 3) and d >= 1000:
            w = wil.get(f"64.74.{k:02d}.{d}")
        else:
            return None, True
    except KeyError:
        return None, True
    return (w.kode if w.tingkat == "kelurahan" else None), True


def _resolve_wilayah(b: Batch, F: Findings, name_col: str, kec_name_col: str | None = None,
                     code_cols: tuple[str, str] | None = None, kode_wilayah_col: str | None = None,
                     prov_cols: tuple[str, str] | None = None, fixed_name: pd.Series | None = None,
                     rows: np.ndarray | None = None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Resolve each row's kelurahan over unique combinations. Returns (kode, outside, unresolved)."""
    rows = b.kept() if rows is None else rows
    parts = {}
    if prov_cols:
        parts["prov"], parts["kab"] = codes.text(b.col(prov_cols[0])).fillna(""), codes.text(b.col(prov_cols[1])).fillna("")
    if code_cols:
        parts["kec"], parts["desa"] = codes.text(b.col(code_cols[0])).fillna(""), codes.text(b.col(code_cols[1])).fillna("")
    if kode_wilayah_col:
        parts["kw"] = codes.text(b.col(kode_wilayah_col)).fillna("")
    parts["nama"] = (fixed_name if fixed_name is not None else codes.text(b.col(name_col))).fillna("")
    if kec_name_col:
        parts["nmkec"] = codes.text(b.col(kec_name_col)).fillna("")
    key_df = pd.DataFrame(parts)
    codes_arr, first = _row_codes([key_df[c] for c in key_df.columns])
    uniq = list(key_df.iloc[first].itertuples(index=False, name=None))
    n_u = len(uniq)
    kode_u = np.full(n_u, None, dtype=object)
    outside_u = np.zeros(n_u, dtype=bool)
    flags_u: dict[str, np.ndarray] = {r: np.zeros(n_u, dtype=bool) for r in
                                      ("WILAYAH_FUZZY", "WILAYAH_KODE_NAMA_BEDA", "WILAYAH_KODE_TIDAK_DIKENAL",
                                       "WILAYAH_KEC_BEDA", "_NAMA_DIPAKAI")}
    # the code as written, for the quality report's counts per (code, name) pair (codes are not personal)
    code_text_u = ["" for _ in range(n_u)]
    names = list(key_df.columns)
    for i, tup in enumerate(uniq):
        r = dict(zip(names, tup))
        code_text_u[i] = r.get("kw") or (f"{r.get('kec', '')}.{r.get('desa', '')}" if "kec" in r else "")
        if _REF is not None:
            _resolve_one_ref(_REF, r, i, bool(prov_cols), bool(code_cols or kode_wilayah_col), kec_name_col,
                             kode_u, outside_u, flags_u)
            continue
        if prov_cols:
            p, k = _int_or_none(r["prov"]), _int_or_none(r["kab"])
            if (r["prov"] and p != 64) or (r["kab"] and k not in (74, 6474)):
                outside_u[i] = True
                continue
        code, code_given = (None, False)
        if code_cols or kode_wilayah_col:
            code, code_given = _code_kelurahan(r.get("kec", ""), r.get("desa", ""), r.get("kw", ""))
        by_name, how, _ = resolve_kelurahan_name(r["nama"])
        _settle_kode(i, code, code_given, by_name, how, kode_u, flags_u, parent=lambda k: wil.get(k).induk)
        if kode_u[i] and kec_name_col and r.get("nmkec"):
            wk = wil.by_name(r["nmkec"], "kecamatan")
            if wk is not None and wk.kode != wil.get(kode_u[i]).induk:
                flags_u["WILAYAH_KEC_BEDA"][i] = True
    kode = pd.Series(kode_u[codes_arr], index=b.df.index, dtype="str")
    outside = outside_u[codes_arr]
    unresolved = kode.isna().to_numpy() & ~outside
    for rid, fu in flags_u.items():
        if rid.startswith("_") or not fu.any():
            continue
        m = rows & fu[codes_arr]
        col = name_col if rid in ("WILAYAH_FUZZY", "WILAYAH_KODE_NAMA_BEDA") else \
            (kec_name_col if rid == "WILAYAH_KEC_BEDA" else (code_cols[1] if code_cols else kode_wilayah_col))
        nilai = parts["nama"] if rid != "WILAYAH_KEC_BEDA" else parts.get("nmkec")
        pesan = None
        if rid == "WILAYAH_KODE_NAMA_BEDA":
            # value = "code as written | name as written" (neither is personal): the quality report counts
            # the pairs; the message says which of the two decided the row
            ct = np.array(code_text_u, dtype=object)[codes_arr]
            nilai = pd.Series(ct + " | " + parts["nama"].to_numpy(dtype=object), index=b.df.index, dtype="str")
            won = flags_u["_NAMA_DIPAKAI"][codes_arr]
            pesan = np.where(won, PESAN_KODE_NAMA["nama"], PESAN_KODE_NAMA["kode"]).astype(object)
        F.add(b, m, rid, col, nilai, pesan=pesan)
    return kode, outside, unresolved


#: WILAYAH_KODE_NAMA_BEDA: the message of a row whose name, or whose code, decided its kelurahan.
PESAN_KODE_NAMA = {
    "nama": "kode wilayah dan nama kelurahan tidak sepakat; nama dipakai (cocok persis dengan satu kelurahan di "
            "kecamatan kode itu; kode desa BPS lewat tabel padanan yang belum diverifikasi)",
    "kode": "kode wilayah dan nama kelurahan tidak sepakat; kode dipakai (nama tidak cocok persis dengan satu "
            "kelurahan di kecamatan kode itu)",
}


def _settle_kode(i: int, code, code_given: bool, by_name, how: str, kode_u, flags_u, parent=None) -> None:
    """Key `i`'s kelurahan from its code and its name, by one rule for Bontang and for a `Reference`.

    A known code and a name that agree: that kelurahan. When they disagree (WILAYAH_KODE_NAMA_BEDA, flagged
    either way), the name wins where it matches exactly (after normalisation, not fuzzily) one kelurahan of
    the code's own kecamatan — the BPS desa codes come through a crosswalk that is not verified
    (data/reference: keyakinan P), the kecamatan part is; otherwise the code is kept. No known code: the
    name decides (a fuzzy match is flagged, and so is a code that was given but is not known).
    `parent(kode)`: the kecamatan of a kelurahan code."""
    if code:
        kode_u[i] = code
        if by_name and by_name != code:
            flags_u["WILAYAH_KODE_NAMA_BEDA"][i] = True
            if how == "persis" and parent is not None and parent(by_name) == parent(code):
                kode_u[i] = by_name
                flags_u["_NAMA_DIPAKAI"][i] = True
    elif by_name:
        kode_u[i] = by_name
        if how == "mirip":
            flags_u["WILAYAH_FUZZY"][i] = True
        if code_given:
            flags_u["WILAYAH_KODE_TIDAK_DIKENAL"][i] = True


def _resolve_one_ref(ref: Reference, r: dict, i: int, has_prov: bool, has_code: bool, kec_name_col,
                     kode_u, outside_u, flags_u) -> None:
    """`_resolve_wilayah` for one distinct key against a `Reference` (same rules, names scoped by kab/kota)."""
    scope = None
    if has_prov:
        scope, outside = ref.kab_scope(r["prov"], r["kab"])
        if outside:
            outside_u[i] = True
            return
    code, code_given = (None, False)
    if has_code:
        code, code_given = ref.code(r.get("kec", ""), r.get("desa", ""), r.get("kw", ""), scope)
    by_name, how = ref.resolve_name(r["nama"], scope)
    _settle_kode(i, code, code_given, by_name, how, kode_u, flags_u, parent=lambda k: ref.by_kode[k].induk)
    if kode_u[i] and kec_name_col and r.get("nmkec"):
        wk = ref.by_name(r["nmkec"], "kecamatan", scope or kode_u[i][:5])
        if wk is not None and wk != ref.by_kode[kode_u[i]].induk:
            flags_u["WILAYAH_KEC_BEDA"][i] = True


def _rt_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`RT 001`, `RT.12`, `12`, `RT 012/RW 03` → '001', '012'."""
    t = codes.text(s)
    # on the distinct values only: a file has a few hundred spellings of RT numbers, not a million
    pos, uniques = _text_codes(t)
    num = pd.Series(uniques).str.extract(r"(?i)^\s*(?:RT)?\s*[.:\-]?\s*0*(\d{1,3})\b", expand=False)
    out = pd.Series(num.str.zfill(3).array.take(pos, allow_fill=True), index=t.index)
    return out, t.notna() & out.isna()


# --------------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------------
def _norm_text(s: pd.Series) -> pd.Series:
    """Whitespace runs → one space, trimmed, upper case (the comparison form for duplicate detection)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    s = s.astype("str").fillna("")
    arr = pa.chunked_array(s.array._pa_array)
    # ASCII values in C (Python's `\s` on ASCII is exactly [ \t\n\r\f\v]); the others keep Python's re
    out = pd.Series(pd.array(pc.replace_substring_regex(arr, "[ \t\n\r\f\v]+", " "), dtype="str"), index=s.index)
    other = ~pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    if other.any():
        out[other] = s[other].str.replace(r"\s+", " ", regex=True)
    return out.str.strip().str.upper()


def _dedupe(b: Batch, F: Findings, key: pd.Series | None, ignore: tuple[str, ...] = ("no", "keterangan")) -> None:
    """Exact duplicates (after normalisation) → DUPLIKAT_PERSIS; same key, other content → DUPLIKAT_KUNCI.

    Deterministic: the first row by (file order, sheet order, source row) survives; each merge is logged with
    the surviving row number. Only rows still kept take part.
    """
    kept = b.kept()
    content_cols = [c for c in b.df.columns if not c.startswith("_") and c not in ignore]
    if key is not None:
        # candidates: kept rows whose key (not NA) is seen twice or more among the kept rows; `key_value`
        # identifies each candidate's key: the ID as an integer (digits of one length), else its text code
        with_key = np.flatnonzero(kept & key.notna().to_numpy())
        ints = codes.digit_ints(key.iloc[with_key])
        values = ints[0] if ints is not None else _text_codes(key)[0][with_key]
        cand = np.zeros(b.n, dtype=bool)
        cand[with_key[codes.repeated(values)]] = True
        key_value = np.zeros(b.n, dtype=np.int64)
        key_value[with_key] = values
    else:
        cand = kept.copy()
    if not cand.any():
        return
    sub_idx = np.flatnonzero(cand)
    sub = b.df.iloc[sub_idx]
    norm = pd.DataFrame(dict(zip(content_cols, _in_pairs(_norm_text, [(sub[c],) for c in content_cols]))),
                        index=sub.index)
    h = pd.util.hash_pandas_object(norm, index=False).to_numpy()
    first_pos = pd.Series(sub_idx).groupby(h).transform("first").to_numpy()
    exact = first_pos != sub_idx
    m = np.zeros(b.n, dtype=bool)
    m[sub_idx[exact]] = True
    ref = np.zeros(b.n, dtype=np.int64)
    ref[sub_idx] = b.df["_baris"].to_numpy()[first_pos]
    F.merge(b, m, "DUPLIKAT_PERSIS", ref)
    if key is not None:
        # same key, other content: every kept row after the first with its key merges into that first row
        # (only candidates can share a key: a key seen once among the kept rows stays alone)
        idx = np.flatnonzero(b.kept() & cand)
        kv = key_value[idx]
        order = np.argsort(kv, kind="stable")                 # stable: each key's rows stay in row order
        ks = kv[order]
        start = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, dtype=bool)
        if not start.all():
            first = idx[order[start]][np.cumsum(start) - 1]   # each row's first row with its key
            dup = np.zeros(b.n, dtype=bool)
            dup[idx[order[~start]]] = True
            ref = np.zeros(b.n, dtype=np.int64)
            ref[idx[order[~start]]] = b.df["_baris"].to_numpy()[first[~start]]
            F.merge(b, dup, "DUPLIKAT_KUNCI", ref, kolom=key.name)


# --------------------------------------------------------------------------------------------------
# Reading and sorting files into kinds
# --------------------------------------------------------------------------------------------------
def data_files(raw_dir: Path) -> list[Path]:
    """The input files of a raw folder: CSV/TXT/TSV/XLSX/XLS, not hidden, not Excel lock files."""
    out = []
    for p in sorted(Path(raw_dir).iterdir()):
        if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES:
            out.append(p)
    return out


def detect_kind(cols: set[str]) -> str | None:
    """The kind of a table from its whole column set (`profiles.jenis.decide`); None when it fits no kind
    or two equally."""
    return jenis.decide(cols).kind


def flag_read_findings(b: Batch, F: Findings) -> None:
    """Findings the readers prepared: ID cells that held invisible characters (removed while reading), and
    values outside a vocabulary declared in sumber.yml / profiles/ — flagged with the value, then blanked."""
    for col in sorted({c for t in b.tables for c in t.invisible}):
        mask = np.concatenate([t.invisible.get(col, np.zeros(t.rows, dtype=bool)) for t in b.tables])
        F.add(b, mask, "ID_KARAKTER_TAK_TERLIHAT", col, b.col(col), "id")
    for col in sorted({c for t in b.tables for c in t.outside}):
        mask = np.concatenate([t.outside.get(col, np.zeros(t.rows, dtype=bool)) for t in b.tables])
        rule = np.concatenate([np.full(t.rows, t.outside_rule.get(col), dtype=object) for t in b.tables])
        why = np.concatenate([np.full(t.rows, f" (nilai di luar kosakata {t.profile})", dtype=object)
                              for t in b.tables])
        pesan = np.array([RULES[r].pesan.format(kolom=col) + w if r else "" for r, w in zip(rule, why)], dtype=object)
        how = "id" if col in ID_COLUMNS else ("nama" if col in PII_COLUMNS else "teks")
        F.add(b, mask, rule, col, b.col(col), how, pesan=pesan)
        b.df[col] = b.df[col].where(~mask, "")


def _harmonise_wilayah(t: Table, kind: str) -> None:
    """KKS, MPM and penduduk rows name their wilayah in `kelurahan`/`kecamatan`; a list that writes the BDT
    names (`NMKEL`, `NMKEC`, e.g. a KKS list exported from BDT) is read the same way."""
    if kind in ("kks", "mpm", "penduduk"):
        ren = {a: b for a, b in (("nmkel", "kelurahan"), ("nmkec", "kecamatan"))
               if a in t.df.columns and b not in t.df.columns}
        if ren:
            t.df = t.df.rename(columns=ren)
            t.raw_columns = {ren.get(k, k): v for k, v in t.raw_columns.items()}


#: Columns `satuan: keluarga` derives from the No. KK; a file that also maps one of them is refused (two
#: sources for one key would be a guess).
_UNIT_DERIVED = {"rt": ("idbdt",), "art": ("idbdt", "idartbdt", "nuk")}


def _unit_keluarga_columns(t: Table, kind: str, where: str) -> None:
    """`satuan: keluarga` (DTSEN: the family is the unit). A family row becomes a household whose IDBDT is
    its No. KK; a member's IDBDT is its No. KK, NUK 1, and hub_krt its relationship to the family head
    (hubkel, 1 = Kepala Keluarga) when the file has no household relationship of its own. IDARTBDT is set
    by `_number_members` over all member tables. Values stay as written: the ID checks of clean_rt /
    clean_art then judge them (an empty or broken No. KK is rejected with its reason, never repaired)."""
    clash = [c for c in _UNIT_DERIVED[kind] if c in t.df.columns]
    if clash:
        raise InputError(f"satuan keluarga ({where}): kolom {clash[0]} dibentuk dari No. KK, tetapi file ini juga "
                         f"punya kolom {clash[0]} (judul '{t.raw_columns.get(clash[0], clash[0])}')",
                         file=t.file, sheet=t.sheet, row=t.header_row, column=t.raw_columns.get(clash[0], clash[0]),
                         hint="hapus pemetaan kolom itu dari profil, atau pakai satuan: rumah_tangga")
    kk_header = t.raw_columns.get("no_kk", "no_kk")
    t.df["idbdt"] = t.df["no_kk"]
    t.raw_columns["idbdt"] = f"{kk_header} (No. KK, satuan keluarga)"
    if "no_kk" in t.numeric:           # an Excel-number No. KK is judged as the ID it now also is
        t.numeric["idbdt"] = t.numeric["no_kk"]
    if kind == "art":
        t.df["nuk"] = pd.Series("1", index=t.df.index, dtype="str")
        t.raw_columns["nuk"] = "(satuan keluarga: 1)"
        if "hub_krt" not in t.df.columns and "hubkel" in t.df.columns:
            t.df["hub_krt"] = t.df["hubkel"]
            t.raw_columns["hub_krt"] = t.raw_columns.get("hubkel", "hubkel")
        t.df["idartbdt"] = pd.Series("", index=t.df.index, dtype="str")


def _number_members(tables: list[Table]) -> None:
    """IDARTBDT of each member under `satuan: keluarga`: its No. KK + a 2-digit number, 01, 02, … in file
    order within the family (over all member tables, in file and sheet order). A No. KK that is not a run
    of digits (empty, letters, Excel damage) gives no IDARTBDT: clean_art rejects the member with its
    reason (a trailing `.0` of an Excel number is cut first, as for any ID)."""
    if not tables:
        return
    kk = pd.concat([codes.text(t.df["no_kk"]).fillna("") for t in tables], ignore_index=True)
    kk = kk.str.replace(r"^([0-9]+)[.,]0+$", r"\1", regex=True)
    ok = pd.Series(_ascii_digits(kk), index=kk.index)
    seq = kk.where(ok).to_frame("k").groupby("k", sort=False).cumcount() + 1
    ids = (kk + seq.reindex(kk.index).fillna(0).astype(int).map("{:02d}".format)).where(ok, "")
    start = 0
    for t in tables:
        t.df["idartbdt"] = pd.Series(ids.iloc[start:start + t.rows].to_numpy(dtype=object), index=t.df.index,
                                     dtype="str")
        t.raw_columns["idartbdt"] = "(satuan keluarga: No. KK + nomor urut 2 digit)"
        start += t.rows


def read_inputs(raw_dir: Path, profile: "profiles.Profile | None" = None
                ) -> tuple[dict[str, list[Table]], list[Table], bool]:
    """All tables by kind; every table read (for reconciliation); whether any carries the synthetic marker.

    `profile`: the folder's source profile when the caller has loaded it already. With `satuan: keluarga`
    the household and member tables get their keys from the No. KK (`unit_keluarga`)."""
    files = data_files(raw_dir)
    if not files:
        raise InputError("tidak ada file data (CSV/XLSX/XLS) di folder mentah", file=str(raw_dir))
    if profile is None:
        profile = profiles.load(raw_dir)     # sumber.yml + profiles/ + built-in (InputError when invalid)
    by_kind: dict[str, list[Table]] = {k: [] for k in KINDS}
    all_tables: list[Table] = []
    synthetic = False
    # Two files at a time: much of reading a CSV is single-threaded byte work (clean-up, line numbers,
    # encoding checks) before arrow parses it on both cores, so a second file's byte work fills the core
    # the first one leaves idle. Tables and errors still come in file order.
    for p, tables in zip(files, two_at_a_time(lambda f: read_table(f, profile), files, name="kemiskinan-baca")):
        synthetic |= p.name.upper().startswith("SINTETIS_") or any(t.marker for t in tables)
        if not tables:
            if p.name.upper().startswith("SINTETIS_") or p.suffix.lower() in EXCEL_SUFFIXES:
                # a workbook with only note sheets / empty sheets: nothing to clean, but say so
                raise InputError("workbook tidak berisi sheet data (hanya sheet kosong/keterangan)", file=p.name)
            continue
        for t in tables:
            verdict = jenis.decide(set(t.df.columns) - {"_baris"}, t.kind)
            kind = verdict.kind
            if kind is None:
                raise InputError(jenis.refusal(verdict, list(t.raw_columns.values())), file=p.name, sheet=t.sheet,
                                 row=t.header_row, hint="periksa baris header, atau nyatakan jenisnya di "
                                 "sumber.yml (mis. `jenis: kks`; README \"Memasukkan data asli\"); "
                                 "`python -m kemiskinan periksa --raw …` menunjukkan semua tabel sekaligus")
            _harmonise_wilayah(t, kind)
            missing = [c for c in jenis.required(kind, profile.satuan) if c not in t.df.columns]
            if missing:
                why = " (satuan keluarga: kuncinya No. KK)" if profile.satuan == "keluarga" and kind in ("rt", "art") else ""
                raise InputError(f"kolom wajib tidak ada: {', '.join(missing)} (file {KIND_LABEL[kind]}){why}",
                                 file=p.name, sheet=t.sheet, row=t.header_row, column=missing[0])
            if profile.satuan == "keluarga" and kind in ("rt", "art"):
                _unit_keluarga_columns(t, kind, profile.sumber_skema)
            by_kind[kind].append(t)
            all_tables.append(t)
    if profile.satuan == "keluarga":
        _number_members(by_kind["art"])
    for kind in ("rt", "art"):
        if not by_kind[kind]:
            raise InputError(f"file {KIND_LABEL[kind]} tidak ditemukan di folder mentah", file=str(raw_dir))
        if sum(t.rows for t in by_kind[kind]) == 0:
            raise InputError(f"file {KIND_LABEL[kind]} tidak berisi baris data (hanya header)",
                             file=by_kind[kind][0].file, row=by_kind[kind][0].header_row)
    return by_kind, all_tables, synthetic


# --------------------------------------------------------------------------------------------------
# Per kind
# --------------------------------------------------------------------------------------------------
def _in_pairs(fn, calls: list[tuple]) -> list:
    """`[fn(*args) for args in calls]`, two at a time (`parallel.two_at_a_time`, threads): the column
    decoders spend their time in arrow/numpy kernels that release the GIL, so the machine's second core
    does half of them. Results in call order; findings are logged by the caller afterwards, in the same
    order as a sequential run would log them."""
    return list(two_at_a_time(lambda args: fn(*args), calls, name="kemiskinan-kolom"))


def _decode_columns(sub, F: Findings, d: pd.DataFrame, rows: np.ndarray, fn, rule: str,
                    args: dict[str, tuple]) -> dict[str, pd.Series]:
    """`fn(d[c], *args[c])` → (values, invalid) for each column of `args` present in `d`, two at a time
    (`_in_pairs`); each column's invalid values are flagged with `rule`, in column order. {column: values}."""
    cols = [c for c in args if c in d]
    out = {}
    for c, (out[c], bad) in zip(cols, _in_pairs(fn, [(d[c], *args[c]) for c in cols])):
        _flag_decoded(sub, F, c, bad, rule, rows)
    return out


def _flag_decoded(b: Batch, F: Findings, col: str, invalid: pd.Series, rule: str, rows: np.ndarray) -> None:
    m = rows & invalid.fillna(False).to_numpy(dtype=bool)
    F.add(b, m, rule, col, b.col(col))


def clean_rt(b: Batch, F: Findings, skema_desil: int = 4, satuan: str = "rumah_tangga") -> pd.DataFrame:
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
                                {c: (dt,) for c, dt in RT_INT_COLS.items()}).items():
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
                                {c: (c,) for c in RT_CODE_COLS}).items():
        out[c] = v
    for c, v in _decode_columns(sub, F, d, rows, codes.parse_float, "ANGKA_TIDAK_VALID",
                                {c: () for c in RT_FLOAT_COLS}).items():
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


def _kept(cat: pd.Categorical, keep: np.ndarray) -> pd.Categorical:
    """The kept rows of a source-file/sheet column, with the categories they use (sorted, as
    `pd.Categorical(values)` would give)."""
    return cat[keep].remove_unused_categories()


class _SubBatch:
    """A view of the kept rows of a batch, so findings on decoded columns land on the right rows."""

    def __init__(self, b: Batch, keep: np.ndarray, slim: set[str] | None = None):
        """`slim`: then call `b.slim(slim)` — done column by column while the kept rows are copied, so the
        full raw column and its kept copy are never both held for every column at once (memory peak)."""
        self.kind = b.kind
        if slim is None:
            self.df = b.df.loc[keep]
        else:
            import pyarrow as pa
            import pyarrow.compute as pc
            index = b.df.index[keep]
            mask = pa.array(keep)
            parts = {}
            for c in list(b.df.columns):
                col = b.df[c]
                if isinstance(col.array, pd.arrays.ArrowStringArray):   # arrow's filter: ~2× a pandas take
                    parts[c] = pd.Series(pd.arrays.ArrowStringArray(pc.filter(col.array._pa_array, mask)),
                                         index=index, name=c, copy=False)
                else:
                    parts[c] = pd.Series(col.to_numpy()[keep], index=index, name=c)
                if not (c.startswith("_") or c in slim or c in PII_COLUMNS):
                    del b.df[c]
                    for t in b.tables:
                        if c in t.df.columns:
                            t.df = t.df.drop(columns=c)
            self.df = pd.DataFrame(parts) if parts else b.df.loc[keep]
            b.slim(slim)
        self.file = b.file[keep]     # Categoricals: rows are taken without one Python string per row
        self.sheet = b.sheet[keep]
        self.n = int(keep.sum())
        self._pos = np.flatnonzero(keep)
        self.numeric = {c: a[keep] for c, a in b.numeric.items()}

    def col(self, name: str) -> pd.Series:
        return self.df[name] if name in self.df.columns else pd.Series("", index=self.df.index, dtype="str")


def _starts_with(longer: pd.Series, prefix: pd.Series) -> np.ndarray:
    """Row-wise: `longer` starts with `prefix` and is longer than it (NA → False). Vectorised per distinct
    prefix length (a file has one or two), so no Python string per row."""
    import pyarrow as pa
    import pyarrow.compute as pc
    al, ap = codes.arrow_text(longer), codes.arrow_text(prefix)
    if al is not None and ap is not None and len(ap) and not ap.null_count:
        mm = pc.min_max(pc.utf8_length(ap)).as_py()
        if mm["min"] == mm["max"]:   # one prefix length (the usual case): three arrow kernels
            k = mm["min"]
            ok = pc.and_(pc.greater(pc.utf8_length(al), k),
                         pc.equal(pc.utf8_slice_codeunits(al, 0, k), ap.cast(pa.large_string()).cast(al.type)))
            return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)
    ln, lp = _lengths(longer), _lengths(prefix)
    out = np.zeros(len(longer), dtype=bool)
    ok = longer.notna().to_numpy(dtype=bool) & prefix.notna().to_numpy(dtype=bool) & (ln > lp)
    for k in np.unique(lp[ok]):
        m = ok & (lp == k)
        whole = bool(m.all())        # the usual case, one length: no filtered copies of 4 M IDs
        la = longer.array if whole else longer.array[m]
        pa_ = prefix.array if whole else prefix.array[m]
        head = pd.Series(la, dtype="str").str.slice(0, int(k))
        out[m] = (head == pd.Series(pa_, dtype="str", index=head.index)).fillna(False).to_numpy(dtype=bool)
    return out


def _household_prefix(idart: pd.Series, households: pd.Series) -> pd.Series:
    """For each IDARTBDT, the household IDBDT (of `households`) it starts with — tried at every household ID
    length the file has, and kept only where exactly one length gives a household (never a guess; NA
    otherwise). Domain layouts: IDARTBDT = IDBDT + 2 digits, at whatever length IDBDT has."""
    out = pd.Series(pd.NA, index=idart.index, dtype="str")
    hits = np.zeros(len(idart), dtype=np.int64)
    ln = _lengths(idart)
    for k in np.unique(_lengths(households)):
        if k <= 0:
            continue
        cand = idart.str.slice(0, int(k)).where(pd.Series(ln > k, index=idart.index))
        found = codes.isin_text(cand, households.drop_duplicates()) & cand.notna().to_numpy(dtype=bool)
        hits += found
        out = out.where(~pd.Series(found, index=idart.index), cand)
    return out.where(pd.Series(hits == 1, index=idart.index))


#: Messages of the family and member rejections under `satuan: keluarga`, where the IDs come from the No. KK.
PESAN_KELUARGA = {
    "IDBDT_TIDAK_VALID": "No. KK keluarga kosong atau bukan deretan angka (satuan keluarga: No. KK adalah ID "
                         "keluarga): keluarga tidak bisa dihubungkan",
    "IDARTBDT_TIDAK_VALID": "No. KK anggota kosong atau bukan deretan angka (satuan keluarga: ID anggota dibentuk "
                            "dari No. KK): anggota tidak bisa dihubungkan ke keluarga",
    "ART_TANPA_RUTA": "No. KK anggota tidak ada di file keluarga",
}


def clean_art(b: Batch, F: Findings, rt: pd.DataFrame, rt_batch: Batch, *, acuan: "pd.Timestamp | None" = None,
              satuan: str = "rumah_tangga") -> pd.DataFrame:
    """Members. `acuan`: the round's reference date (`clean(periode=)`) — the century of a NIK's and a
    2-digit-year birth date, and `umur` (full years at that date) where the file has no age column; None:
    century by 2018 and no derived age (the behaviour before rounds). `satuan`: the round's unit (only the
    wording of two rejections differs under `keluarga`)."""
    ref_year = acuan.year if acuan is not None else nikmod.REFERENCE_YEAR
    kel_unit = satuan == "keluarga"
    idart, valid_art, rule_art = _ids(b, "idartbdt")
    idbdt, valid_bdt, rule_bdt = _ids(b, "idbdt")
    F.reject(b, ~valid_art, "IDARTBDT_TIDAK_VALID", "no_kk" if kel_unit else "idartbdt",
             b.col("no_kk" if kel_unit else "idartbdt"), "id",
             pesan=PESAN_KELUARGA["IDARTBDT_TIDAK_VALID"] if kel_unit else None)
    # every household IDBDT of the file (kept or rejected): a member's IDBDT is derived from, and its
    # membership decided against, these
    rb_ids, _, _ = _ids(rt_batch, "idbdt")
    derive = b.kept() & ~valid_bdt
    if derive.any():
        # the household whose IDBDT starts the IDARTBDT; else the IDARTBDT without its 2-digit member
        # number (the layout of every known export), which membership below then accepts or rejects
        src = idart[derive]
        got = _household_prefix(src, rb_ids.dropna())
        got = got.fillna(src.str.slice(0, -2).where(pd.Series(_lengths(src) > 2, index=src.index)))
        idbdt = idbdt.copy()
        idbdt[derive] = got.to_numpy()
        found = np.zeros(b.n, dtype=bool)
        found[np.flatnonzero(derive)[got.notna().to_numpy()]] = True
        F.add(b, found, "IDBDT_DARI_IDARTBDT", "idbdt", b.col("idbdt"), "id")
        derive = found
    F.add(b, b.kept() & pd.notna(rule_art), rule_art, "idartbdt", b.col("idartbdt"), "id")
    F.add(b, b.kept() & ~derive & pd.notna(rule_bdt), rule_bdt, "idbdt", b.col("idbdt"), "id")
    _flag_mixed_lengths(b, F, idart, b.kept(), "idartbdt", "IDARTBDT")
    _flag_mixed_lengths(b, F, idbdt, b.kept() & ~derive & idbdt.notna().to_numpy(dtype=bool), "idbdt", "IDBDT")
    # membership
    in_rt = codes.isin_text(idbdt, rt["idbdt"])
    rejected_hh = pd.Series(rt_batch.reason, index=rb_ids.index)[rt_batch.state == 1]
    rejected_hh.index = rb_ids[rt_batch.state == 1].to_numpy()
    rejected_hh = rejected_hh[~rejected_hh.index.isna()]
    rejected_hh = rejected_hh[~rejected_hh.index.duplicated()]
    outside = np.flatnonzero(~in_rt)           # only these can belong to a rejected household
    why = idbdt.iloc[outside].map(rejected_hh)
    in_rejected = np.zeros(b.n, dtype=bool)
    in_rejected[outside] = why.notna().to_numpy()
    if in_rejected.any():
        msg = np.full(b.n, None, dtype=object)
        msg[outside] = (RULES["ART_RUTA_DITOLAK"].pesan + " (alasan: " + why.fillna("") + ")").to_numpy(dtype=object)
        F.reject(b, in_rejected, "ART_RUTA_DITOLAK", "idbdt", idbdt, "id", pesan=msg)
    F.reject(b, ~in_rt, "ART_TANPA_RUTA", "no_kk" if kel_unit else "idbdt", idbdt, "id",
             pesan=PESAN_KELUARGA["ART_TANPA_RUTA"] if kel_unit else None)
    _dedupe(b, F, idart.rename("idartbdt"))
    keep = b.kept()
    sub = _SubBatch(b, keep, slim=set())   # the kept rows live on in `d`: the full raw copy is freed
    d = sub.df
    rows = np.ones(len(d), dtype=bool)
    out = pd.DataFrame({"idartbdt": idart[keep].astype("str"), "idbdt": idbdt[keep].astype("str")}, index=d.index)
    del idart, idbdt    # full-length copies no later step reads (memory)
    pref = ~_starts_with(out["idartbdt"], out["idbdt"])
    F.add(sub, pref, "IDARTBDT_BEDA_IDBDT", "idartbdt", d["idartbdt"], "id")
    nuk, nuk_bad = codes.parse_int(d.get("nuk", pd.Series("", index=d.index, dtype="str")), "Int64")
    out_range = ~nuk.between(1, 99).fillna(False)
    nuk_bad = (nuk_bad | out_range).fillna(True)
    nuk = nuk.mask(out_range)
    F.add(sub, nuk_bad.to_numpy(dtype=bool), "NUK_KOSONG", "nuk", d.get("nuk"))
    out["nuk"] = nuk.astype("Int8")
    for c, v in _decode_columns(sub, F, d, rows, codes.decode_codes, "KODE_TIDAK_VALID",
                                {c: (c,) for c in ("hub_krt", "hubkel")}).items():
        out[c] = v
    jk_raw = codes.text(d.get("jnskel", pd.Series("", index=d.index, dtype="str")))
    jk = pd.Series(nikmod._sex_column(jk_raw.fillna("")), index=d.index)
    F.add(sub, (jk_raw.notna() & jk.isna()).to_numpy(dtype=bool), "JK_TIDAK_VALID", "jnskel", jk_raw)
    out["jenis_kelamin"] = pd.Categorical(jk, categories=["L", "P"])
    if "tgllahir" in d:
        tgl, tgl_bad = codes.parse_dates(d["tgllahir"], reference_year=ref_year)
        _flag_decoded(sub, F, "tgllahir", tgl_bad, "TANGGAL_TIDAK_VALID", rows)
    else:
        tgl = pd.Series(pd.NaT, index=d.index, dtype="datetime64[s]")
    out["tanggal_lahir"] = tgl
    if acuan is not None and "tgllahir" in d:
        # a birth after the round's reference date: a wrong `periode` or a typo; said, never silent
        _flag_decoded(sub, F, "tgllahir", tgl > acuan, "TANGGAL_LAHIR_SETELAH_ACUAN", rows)
    for c, v in _decode_columns(sub, F, d, rows, codes.parse_int, "ANGKA_TIDAK_VALID",
                                {c: (dt,) for c, dt in ART_INT_COLS.items()}).items():
        out[c] = v
    if "umur" not in out and acuan is not None:
        # DTKS/DTSEN exports carry no age: full years at the round's reference date (NA without a birth
        # date, or with one after the reference date)
        out["umur"] = umur_pada(tgl, acuan)
    # Memory: at 4 M members the kept raw text is the largest thing held. The code columns are decoded
    # before the NIK/KK checks (their columns still land after them in `out`), and every raw column is
    # dropped from `d` once decoded, so those checks run without ~30 raw columns beside them (the PII
    # term list reads the batch's own columns, not `d`).
    decoded = _decode_columns(sub, F, d, rows, codes.decode_codes, "KODE_TIDAK_VALID",
                              {c: (c,) for c in ART_CODE_COLS if c not in ("hub_krt", "hubkel")})
    for c in list(d.columns):
        if c not in ("nik", "no_kk", "jnskel", "_baris"):   # what the rest of this function reads from `d`
            del d[c]
    # NIK and No. KK
    nk = _id16(sub, "nik", "nik", F, rows, sex=d.get("jnskel"), birth=tgl, reference_year=ref_year) \
        if "nik" in d else None
    if nk is not None:
        out["nik"] = nk["nik"].astype("str")
        out["nik_status"] = nk["status"].array
    else:
        out["nik"] = pd.Series(pd.NA, index=d.index, dtype="str")
        out["nik_status"] = pd.Categorical(["kosong"] * len(d), categories=nikmod.STATUSES)
    if "no_kk" in d:
        kk = _id16(sub, "no_kk", "kk", F, rows)
        out["no_kk"] = kk["no_kk"].astype("str")
    else:
        out["no_kk"] = pd.Series(pd.NA, index=d.index, dtype="str")
    for c, v in decoded.items():
        out[c] = v
    del decoded
    # one NIK in one family only (docs/domain.md §3.4 d)
    b.nik_keluarga = _OneKeluarga(out["nik"], out["idbdt"], out["nuk"])   # clean_kks matches on it too
    F.add(sub, b.nik_keluarga.many(), "NIK_GANDA_KELUARGA", "nik", out["nik"], "id")
    # each kept member's kelurahan is its household's (rt["idbdt"] is unique); NA for the other rows
    pos = np.full(b.n, -1, dtype=np.int64)
    pos[keep] = _positions(out["idbdt"], pd.Index(rt["idbdt"]))
    b.kel = pd.Series(rt["kode_kelurahan"].array.take(pos, allow_fill=True), index=b.df.index)
    out["sumber_file"] = _kept(b.file, keep)
    out["baris_sumber"] = d["_baris"].astype("int64")
    return out.reset_index(drop=True)


def _string_rank(values: pd.Index) -> np.ndarray:
    """Rank of each distinct text value in sorted (code point) order — what `sort_values` orders by."""
    import pyarrow as pa
    import pyarrow.compute as pc
    arr = values.array._pa_array if isinstance(values.array, pd.arrays.ArrowStringArray) \
        else pa.array(values.to_numpy(dtype=object))
    order = pc.sort_indices(arr).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _sorted_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, -1 for NA; the distinct values as a text Index in text order): each row's rank among
    the distinct values of `s` as `sort_values` orders text. IDs that are digits of one length sort as their
    integers: ranked by numpy's stable argsort of the int64 values (≈ 2× faster than dictionary-encoding the
    text and sorting the dictionary); anything else that way."""
    present = np.flatnonzero(s.notna().to_numpy(dtype=bool))
    ints = codes.digit_ints(s.iloc[present])
    if ints is None:
        c, v = _text_codes(s)
        rank = _string_rank(v)
        by_rank = np.empty(len(v), dtype=np.int64)
        by_rank[rank] = np.arange(len(v))
        return np.where(c >= 0, rank[np.maximum(c, 0)], -1), pd.Index(v.array.take(by_rank), dtype="str")
    order = np.argsort(ints[0], kind="stable")
    v = ints[0][order]
    start = np.r_[True, v[1:] != v[:-1]] if len(v) else np.zeros(0, dtype=bool)
    out = np.full(len(s), -1, dtype=np.int64)
    out[present[order]] = np.cumsum(start) - 1
    return out, pd.Index(s.array.take(present[order[start]]), dtype="str")


def build_keluarga(art: pd.DataFrame, rt: pd.DataFrame, art_batch: Batch, F: Findings) -> pd.DataFrame:
    """One row per keluarga (IDBDT, NUK) of the kept members, in (IDBDT, NUK) order: its number of members,
    its No. KK (the one most of its members carry; a tie goes to the smallest — KELUARGA_KK_BEDA flags
    every member of a keluarga with more than one) and its household's wilayah and desil.

    Computed on integer codes (IDBDT and No. KK ranked in text order, × NUK) instead of grouping 4 M text
    rows: the same table `groupby`/`value_counts`/`merge` gave, in a fraction of the time."""
    nuk = art["nuk"].to_numpy(dtype=np.int64, na_value=0)
    rows = np.flatnonzero(art["nuk"].notna().to_numpy(dtype=bool))
    id_rank, idv = _sorted_codes(art["idbdt"])
    fam_of_row = np.full(len(art), -1, dtype=np.int64)
    fam_of_row[rows] = id_rank[rows] * 128 + nuk[rows]       # NUK is 1–99; sorts as (IDBDT, NUK)
    fam_keys = _sorted_unique(fam_of_row[rows])
    fam_index = np.searchsorted(fam_keys, fam_of_row[rows])     # 0..n_kel-1 per member row with a NUK
    kel = pd.DataFrame({
        "idbdt": pd.Series(idv.array.take(fam_keys // 128)),
        "nuk": pd.array(fam_keys % 128, dtype="Int8"),
    })
    jumlah = np.bincount(fam_index, minlength=len(kel))
    kk_rows = rows[art["no_kk"].notna().to_numpy(dtype=bool)[rows]]
    if len(kk_rows):
        kk_rank, kkv = _sorted_codes(art["no_kk"])
        nkk = len(kkv)
        fam_kk = np.searchsorted(fam_keys, fam_of_row[kk_rows])
        pair = np.sort(fam_kk * nkk + kk_rank[kk_rows])
        start = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        n = np.diff(np.r_[start, len(pair)])
        u = pair[start]
        u_fam, u_kk = u // nkk, u % nkk
        best = np.lexsort((u_kk, -n, u_fam))                        # per keluarga: most members, then smallest
        first = best[np.r_[True, u_fam[best][1:] != u_fam[best][:-1]]]
        pick = np.full(len(kel), -1, dtype=np.int64)
        pick[u_fam[first]] = u_kk[first]
        kel["no_kk"] = pd.Series(kkv.array.take(pick, allow_fill=True))
        nvar = np.bincount(u_fam, minlength=len(kel))
        if (nvar > 1).any():
            m = np.zeros(len(art), dtype=bool)
            m[rows] = nvar[fam_index] > 1
            sub = _SubBatch(art_batch, art_batch.kept())
            F.add(sub, m, "KELUARGA_KK_BEDA", "no_kk", art["no_kk"], "id")
    else:
        kel["no_kk"] = pd.Series(pd.NA, index=kel.index, dtype="str")
    # the household's wilayah and desil (rt["idbdt"] is unique: one household row per keluarga)
    rt_index = pd.Index(rt["idbdt"])
    if not rt_index.is_unique:
        raise ReconciliationError("tabel rumah_tangga: IDBDT tidak unik", file="rumah_tangga")
    pos = _positions(kel["idbdt"], rt_index)
    for c in ("kode_kecamatan", "kode_kelurahan", "rt", "desil", "kelompok_desil"):
        kel[c] = pd.Series(rt[c].array.take(pos, allow_fill=True))
    kel["jumlah_art"] = pd.array(jumlah, dtype="Int16")
    return kel[["idbdt", "nuk", "no_kk", "kode_kecamatan", "kode_kelurahan", "rt", "desil", "kelompok_desil",
                "jumlah_art"]]


def _text_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, -1 for NA; the distinct values as a text Index, in order of first appearance) —
    `pd.factorize` for a text column, done by arrow's dictionary encoder when the column is arrow text."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if s.dtype == "str" and isinstance(s.array, pd.arrays.ArrowStringArray):
        d = pc.dictionary_encode(pa.chunked_array(s.array._pa_array).combine_chunks())
        idx = d.indices if d.null_count == 0 else pc.fill_null(d.indices, -1)
        return idx.to_numpy(zero_copy_only=False).astype(np.int64), \
            pd.Index(pd.arrays.ArrowStringArray(d.dictionary), dtype="str")
    c, u = pd.factorize(s, use_na_sentinel=True)
    return c.astype(np.int64), pd.Index(u, dtype="str")


def _row_codes(columns: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, first row of each code) for the combinations of values of `columns` (text without
    NA): what `pd.factorize(pd.MultiIndex.from_frame(...))` gives, codes in order of first appearance.
    Each column is dictionary-encoded by arrow and the codes are folded in column by column, re-numbered
    after each step so the combined key never outgrows the row count (no int64 overflow)."""
    n = len(columns[0]) if columns else 0
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        c, values = _text_codes(col)
        key, _ = pd.factorize(key * (len(values) + 1) + (c + 1))
        key = key.astype(np.int64, copy=False)
    if n == 0:
        return key, np.zeros(0, dtype=np.intp)
    # codes appear in order (pd.factorize): a row starts a code where the code exceeds all before it
    new = np.r_[True, key[1:] > np.maximum.accumulate(key)[:-1]]
    return key, np.flatnonzero(new)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """`np.unique(a)` for integers by sorting: numpy 2.4's `unique` hashes, ~70× slower on 4 M int64."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


class _OneKeluarga:
    """For each value of a key column (NIK, No. KK): how many distinct keluarga (IDBDT, NUK) it appears in,
    counted once on integer codes (dictionary codes × NUK) instead of `drop_duplicates` over 4 M text rows.

    `many()`: rows whose key sits in two or more keluarga (docs/domain.md §3.4 d: one NIK in one family only).
    `unique_frame()`: the keluarga of every key found in exactly one, indexed by the key — what
    `frame.drop_duplicates()` + `value_counts() == 1` + `set_index(key)` gave."""

    def __init__(self, key: pd.Series, idbdt: pd.Series, nuk: pd.Series, rows: np.ndarray | None = None,
                 idbdt_codes: np.ndarray | None = None):
        """`idbdt_codes`: `_text_codes(idbdt)[0]` when the caller has it already."""
        self.key, self.idbdt, self.nuk = key, idbdt, nuk
        self.codes, self.values = _text_codes(key)
        idc = _text_codes(idbdt)[0] if idbdt_codes is None else idbdt_codes
        fam = (idc + 1) * 128 + nuk.fillna(0).to_numpy(dtype=np.int64)   # NUK is 1–99 (schema)
        has = (self.codes >= 0) & nuk.notna().to_numpy(dtype=bool)
        if rows is not None:
            has &= rows
        self.rows = np.flatnonzero(has)
        width = int(fam.max(initial=0)) + 1
        pair = _sorted_unique(self.codes[self.rows] * width + fam[self.rows])
        self.count = np.bincount(pair // width, minlength=len(self.values))

    def many(self) -> np.ndarray:
        return (self.codes >= 0) & (self.count[np.maximum(self.codes, 0)] > 1) if len(self.count) \
            else np.zeros(len(self.codes), dtype=bool)

    def unique_frame(self) -> pd.DataFrame:
        kc = self.codes[self.rows]
        order = np.argsort(kc, kind="stable")
        ks = kc[order]
        start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]) if len(ks) else np.zeros(0, dtype=np.intp)
        first = order[start]                       # each key's first row (stable sort: in row order)
        r = self.rows[first[self.count[ks[start]] == 1]]
        return pd.DataFrame({"idbdt": self.idbdt.array.take(r), "nuk": self.nuk.array.take(r)},
                            index=pd.Index(self.key.array.take(r), name=self.key.name))

    def count_of(self, s: pd.Series) -> np.ndarray:
        """Number of keluarga of each value of `s` (0 where unknown or NA)."""
        pos = _positions(s, self.values)
        return np.where(pos >= 0, self.count[np.maximum(pos, 0)] if len(self.count) else 0, 0)


_positions = codes.positions   # position of each value in a unique text Index (-1: missing or NA)


def _take(values: pd.Series, pos: np.ndarray, index: pd.Index) -> pd.Series:
    """`s.map(values)` given `pos = _positions(s, values.index)` (what `map` does after its indexer)."""
    return pd.Series(values.array.take(pos.astype(np.intp), allow_fill=True), index=index)


def prepare_kks(b: Batch, F: Findings, reference_year: int = nikmod.REFERENCE_YEAR) -> dict:
    """The part of the KKS list's cleaning that needs only the list itself (duplicates, wilayah, No. KK
    and NIK checks, card status, dates) — `_clean` runs it beside the member stage, on the other core."""
    # exact duplicates first (they would otherwise look like a family with two KKS rows)
    _dedupe(b, F, None)
    rows_all = b.kept()
    kode, _, unresolved = _resolve_wilayah(b, F, "kelurahan", "kecamatan", rows=rows_all)
    kk = _id16(b, "no_kk", "kk", F, rows_all) if b.has("no_kk") else None
    nk = _id16(b, "nik_pengurus", "nik", F, rows_all, reference_year=reference_year) if b.has("nik_pengurus") else None
    no_kk = kk["no_kk"] if kk is not None else pd.Series(pd.NA, index=b.df.index, dtype="str")
    nik_p = nk["nik"] if nk is not None else pd.Series(pd.NA, index=b.df.index, dtype="str")
    status, st_bad = profiles.decode_status(b.col("status_kartu"))   # words mapped by the source profile
    F.add(b, rows_all & st_bad.to_numpy(dtype=bool), "KKS_STATUS_TIDAK_VALID", "status_kartu", b.col("status_kartu"))
    tgl, tgl_bad = codes.parse_dates(b.col("tanggal_distribusi"), reference_year=reference_year)
    F.add(b, rows_all & tgl_bad.to_numpy(dtype=bool), "TANGGAL_TIDAK_VALID", "tanggal_distribusi",
          b.col("tanggal_distribusi"))
    idbdt = None
    if b.has("idbdt"):   # a KKS list that carries the household's IDBDT: matched on it first (clean_kks)
        idbdt, valid, rule = _ids(b, "idbdt")
        F.add(b, rows_all & pd.notna(rule), rule, "idbdt", b.col("idbdt"), "id")
        given = codes.text(b.col("idbdt")).notna().to_numpy(dtype=bool)
        F.add(b, rows_all & given & ~valid, "KKS_IDBDT_TIDAK_DIKENAL", "idbdt", b.col("idbdt"), "id")
    return {"kode": kode, "unresolved": unresolved, "no_kk": no_kk, "nik_p": nik_p, "status": status, "tgl": tgl,
            "idbdt": idbdt}


#: How a KKS row found its keluarga (kks.cocok_lewat).
COCOK_LEWAT = ["no_kk", "nik", "tidak_ditemukan", "idbdt"]   # (new value last: existing codes unchanged)


def _match_idbdt(b: Batch, F: Findings, idk: pd.Series, kel: pd.DataFrame, kc: np.ndarray, kv: pd.Index,
                 idb: pd.Series, nuk: pd.Series, lewat: np.ndarray) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """IDBDT first (a KKS list that carries it): a row whose IDBDT is a household with one keluarga is that
    keluarga (`idbdt`), whatever its No. KK / NIK say (KKS_IDBDT_BEDA when they point to another household).
    A household with several keluarga: the No. KK / NIK match is kept when it lies in that household, else
    the keluarga is not guessed (KKS_IDBDT_BANYAK_KELUARGA). An IDBDT that is no kept household:
    KKS_IDBDT_TIDAK_DIKENAL, and No. KK / NIK decide. `kc`, `kv`: `_text_codes(kel["idbdt"])`."""
    n_kel = np.bincount(kc[kc >= 0], minlength=len(kv))           # keluarga per household
    first = np.full(len(kv), -1, dtype=np.int64)
    first[kc[::-1]] = np.arange(len(kc))[::-1]                     # a household's first keluarga row
    pos = _positions(idk, kv)
    given = idk.notna().to_numpy(dtype=bool)
    known = pos >= 0
    F.add(b, b.kept() & given & ~known, "KKS_IDBDT_TIDAK_DIKENAL", "idbdt", b.col("idbdt"), "id")
    cnt = np.where(known, n_kel[np.maximum(pos, 0)], 0)
    single = known & (cnt == 1)
    other_hh = idb.notna().to_numpy(dtype=bool) & (idb.fillna("").to_numpy(dtype=object) != idk.fillna("").to_numpy(dtype=object))
    F.add(b, b.kept() & single & other_hh, "KKS_IDBDT_BEDA", "idbdt", b.col("idbdt"), "id")
    F.add(b, b.kept() & known & (cnt > 1) & (other_hh | idb.isna().to_numpy(dtype=bool)),
          "KKS_IDBDT_BANYAK_KELUARGA", "idbdt", b.col("idbdt"), "id")
    row = first[np.maximum(pos, 0)]
    sm = pd.Series(single, index=idb.index)
    idb = idb.where(~sm, pd.Series(kel["idbdt"].array.take(np.where(single, row, -1), allow_fill=True), index=idb.index))
    nuk = nuk.where(~sm, pd.Series(kel["nuk"].array.take(np.where(single, row, -1), allow_fill=True), index=nuk.index))
    lewat = np.where(single, "idbdt", lewat)
    return idb, nuk, lewat


def clean_kks(b: Batch, F: Findings, kel: pd.DataFrame, art: pd.DataFrame,
              prepared: dict | None = None, nik_keluarga: "_OneKeluarga | None" = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KKS list matched to the keluarga (by No. KK, else by the holder's NIK) and each keluarga's
    card status. `prepared`: the result of `prepare_kks(b, F)` when it already ran; `nik_keluarga`: the
    members' NIK → keluarga counts `clean_art` made from the same `art` rows."""
    p = prepared if prepared is not None else prepare_kks(b, F)
    kode, unresolved, no_kk, nik_p, status, tgl = (p[k] for k in ("kode", "unresolved", "no_kk", "nik_p",
                                                                 "status", "tgl"))
    # match: by No. KK (unique among keluarga), else by the holder's NIK among members (unique family)
    # (a keluarga row is one (IDBDT, NUK), so a No. KK "in one keluarga" is a No. KK on one keluarga row)
    kc, kv = _text_codes(kel["idbdt"])    # also the key of the status join at the end
    by_kk = _OneKeluarga(kel["no_kk"], kel["idbdt"], kel["nuk"], idbdt_codes=kc)
    kk_unique = by_kk.unique_frame()
    nik_unique = (nik_keluarga or _OneKeluarga(art["nik"], art["idbdt"], art["nuk"])).unique_frame()
    # (`Series.map` through a text index, done once per lookup table with arrow's index_in: same values)
    kk_pos = _positions(no_kk, kk_unique.index)
    idb = _take(kk_unique["idbdt"], kk_pos, no_kk.index)
    m_kk = idb.notna().to_numpy()
    nuk = _take(kk_unique["nuk"], kk_pos, no_kk.index)
    amb = no_kk.notna().to_numpy() & (by_kk.count_of(no_kk) > 1)
    F.add(b, amb & b.kept(), "KKS_KK_AMBIGU", "no_kk", b.col("no_kk"), "id")
    nik_pos = _positions(nik_p, nik_unique.index)
    nik_idb = _take(nik_unique["idbdt"], nik_pos, nik_p.index)
    m_nik = ~m_kk & nik_idb.notna().to_numpy()
    idb = idb.where(~pd.Series(m_nik, index=idb.index), nik_idb)
    nuk = nuk.where(~pd.Series(m_nik, index=nuk.index), _take(nik_unique["nuk"], nik_pos, nik_p.index))
    lewat = np.where(m_kk, "no_kk", np.where(m_nik, "nik", "tidak_ditemukan"))
    if p.get("idbdt") is not None:
        idb, nuk, lewat = _match_idbdt(b, F, p["idbdt"], kel, kc, kv, idb, nuk, lewat)
    matched = lewat != "tidak_ditemukan"
    F.reject(b, unresolved & ~matched, "KKS_TIDAK_DAPAT_DITEMPATKAN", "kelurahan", b.col("kelurahan"))
    F.add(b, b.kept() & unresolved & matched, "WILAYAH_TIDAK_DIKENAL_KKS", "kelurahan", b.col("kelurahan"))
    F.add(b, b.kept() & ~matched, "KKS_TIDAK_DITEMUKAN", "no_kk", b.col("no_kk"), "id")
    keep = b.kept()
    b.kel = kode
    out = pd.DataFrame({
        "no_kk": no_kk[keep].astype("str"), "nik_pengurus": nik_p[keep].astype("str"),
        "kode_kelurahan": kode[keep].astype("str"), "status_kartu": status[keep],
        "tanggal_distribusi": tgl[keep], "idbdt": idb[keep].astype("str"),
        "nuk": pd.array(nuk[keep], dtype="Int8"),
        "cocok_lewat": pd.Categorical(lewat[keep], categories=COCOK_LEWAT),
        "sumber_file": _kept(b.file, keep), "sumber_sheet": _kept(b.sheet, keep),
        "baris_sumber": b.df["_baris"].to_numpy()[keep].astype("int64"),
    })
    # holding per keluarga: best status wins; families with several rows are flagged
    m = out.dropna(subset=["idbdt", "nuk"]).copy()
    m["_rank"] = m["status_kartu"].astype("str").map(STATUS_RANK).fillna(0)
    m["_pos"] = m.index.to_numpy()
    # the matched rows' keluarga as integer keys, like the keluarga's own below: IDBDT's position among the
    # keluarga's distinct IDBDT × 128 + NUK (1–99). An IDBDT no keluarga has (not expected: matches come from
    # the keluarga and members) gets its own position past the keluarga's, so it matches none of them.
    mpos = _positions(m["idbdt"], kv)
    unknown = mpos < 0
    if unknown.any():
        mpos[unknown] = len(kv) + _text_codes(m["idbdt"][unknown])[0]
    m_key = (mpos + 1) * 128 + m["nuk"].to_numpy(dtype=np.int64)
    multi = codes.repeated(m_key)
    if multi.any():
        mm = np.zeros(b.n, dtype=bool)
        mm[m["_pos"].to_numpy()[multi]] = True
        F.add(b, mm, "KKS_KELUARGA_GANDA", "no_kk", b.col("no_kk"), "id")
    # best row per keluarga: highest rank (one status per rank), then the first source row
    order = np.lexsort((m["baris_sumber"].to_numpy(), -m["_rank"].to_numpy(), m_key))
    ks = m_key[order]
    first = order[np.r_[True, ks[1:] != ks[:-1]]] if len(ks) else order
    keep_best = first[(m["_rank"].to_numpy()[first] > 0) & (mpos[first] < len(kv))]
    best, bpos = m.iloc[keep_best][["idbdt", "nuk", "status_kartu"]], mpos[keep_best]
    # each keluarga's best status: a left join on (IDBDT, NUK), done on the integer keys instead of a text
    # merge of 1 M rows
    kel_key = pd.Index((kc + 1) * 128 + kel["nuk"].fillna(0).to_numpy(dtype=np.int64))
    if not kel_key.is_unique:   # what merge(validate="one_to_one") guarded: one keluarga row per (IDBDT, NUK)
        raise ReconciliationError("tabel keluarga berisi (idbdt, nuk) ganda", file="keluarga")
    best_key = pd.Index((bpos + 1) * 128 + best["nuk"].to_numpy(dtype=np.int64))
    at = best_key.get_indexer(kel_key)
    st = pd.Series(best["status_kartu"].astype("str").array.take(at, allow_fill=True),
                   index=kel.index).fillna("tidak_ada")
    kel = kel.copy(deep=False)
    kel["kks_status"] = pd.Categorical(st, categories=codes.KKS_STATUSES)
    kel["kks"] = pd.array(st == "tersalur", dtype="boolean")
    return out.reset_index(drop=True), kel


def clean_mpm(b: Batch, F: Findings, rt: pd.DataFrame, reference_year: int = nikmod.REFERENCE_YEAR
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
    unknown = rows & valid & ~codes.isin_text(idbdt, rt["idbdt"])
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
        from kemiskinan.clean import schemas
        return schemas.empty("mpm_laporan")
    kel = [w.kode for w in (wil.kelurahan() if _REF is None else _REF.kelurahan())]
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


def clean_penduduk(b: Batch, F: Findings) -> pd.DataFrame:
    kode, _, unresolved = _resolve_wilayah(b, F, "kelurahan", "kecamatan", kode_wilayah_col="kode_wilayah",
                                           rows=np.ones(b.n, dtype=bool))
    F.reject(b, unresolved, "PENDUDUK_WILAYAH_TIDAK_DIKENAL", "kode_wilayah",
             b.col("kode_wilayah") + " " + b.col("kelurahan"))
    b.kel = kode
    tahun, _ = codes.parse_int(b.col("tahun"), "Int16")
    key = (kode.fillna("") + "|" + tahun.astype("str").fillna("")).rename("kode_kelurahan+tahun")
    key = key.where(kode.notna())
    _dedupe(b, F, key)
    keep = b.kept()
    rows = keep
    out = pd.DataFrame({"kode_kelurahan": kode[keep].astype("str")})
    for c in ("jumlah_penduduk", "jumlah_rumah_tangga", "jumlah_kk"):
        v, bad = codes.parse_int(b.col(c).str.replace(r"[.\s](?=\d{3}\b)", "", regex=True), "Int64")
        if b.has(c):
            F.add(b, rows & bad.to_numpy(dtype=bool), "ANGKA_TIDAK_VALID", c, b.col(c))
        out[c] = v[keep].to_numpy()
    out["tahun"] = tahun[keep].to_numpy()
    out["sumber"] = codes.text(b.col("sumber"))[keep].astype("str").to_numpy()
    out["sumber_file"] = _kept(b.file, keep)
    out["baris_sumber"] = b.df["_baris"].to_numpy()[keep].astype("int64")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Reconciliation, temuan, write
# --------------------------------------------------------------------------------------------------
def reconcile(batches: dict[str, Batch], tables: dict[str, pd.DataFrame], temuan: pd.DataFrame) -> pd.DataFrame:
    """Per file and sheet: dibaca = disimpan + ditolak + digabung, each side counted independently."""
    rows = []
    fate = temuan[temuan["tindakan"].isin([TOLAK, GABUNG])]
    for kind, b in batches.items():
        out = tables[KIND_TABLE[kind]]
        # kept rows per (file, sheet), counted on the source columns' categories (not 4 M strings)
        if "sumber_sheet" in out:
            g = pd.DataFrame({"f": out["sumber_file"], "s": out["sumber_sheet"]}) \
                .groupby(["f", "s"], observed=True, dropna=False).size()
            kept_counts = {(str(f), "" if pd.isna(s) else str(s)): int(n) for (f, s), n in g.items()}
        else:
            # The table keeps its source file only: a file read as one table (a CSV, a one-sheet workbook)
            # is counted from the table; a workbook with several sheets of this kind has its kept rows split
            # over the sheets by the batch's row fates, and their sum must equal the table's count.
            per_file = {str(f): int(n) for f, n in out["sumber_file"].value_counts().items()}
            sheets_of: dict[str, list[str]] = {}
            for t in b.tables:
                sheets_of.setdefault(t.file, []).append(t.sheet or "")
            keep = b.state == 0
            g = pd.DataFrame({"f": b.file[keep], "s": b.sheet[keep]}).groupby(["f", "s"], observed=True).size()
            by_sheet = {(str(f), str(s)): int(n) for (f, s), n in g.items()}
            kept_counts = {}
            for f, sheets in sheets_of.items():
                if len(sheets) == 1:
                    kept_counts[(f, sheets[0])] = per_file.get(f, 0)
                    continue
                for sh in sheets:
                    kept_counts[(f, sh)] = by_sheet.get((f, sh), 0)
                if sum(by_sheet.get((f, sh), 0) for sh in sheets) != per_file.get(f, 0):
                    raise ReconciliationError(f"baris disimpan per sheet tidak berjumlah sama dengan tabel "
                                              f"{KIND_TABLE[kind]} ({per_file.get(f, 0)})", file=f,
                                              hint="ini kesalahan program pembersih, bukan data: laporkan")
        for t in b.tables:
            sheet = t.sheet or ""
            f = fate[(fate["file"] == t.file) & (fate["sheet"] == sheet)]
            uniq = f.drop_duplicates(["baris", "tindakan"])
            tol = int((uniq["tindakan"] == TOLAK).sum())
            gab = int((uniq["tindakan"] == GABUNG).sum())
            dis = int(kept_counts.get((t.file, sheet), 0))
            rows.append({"file": t.file, "sheet": sheet, "jenis": kind, "dibaca": t.rows, "disimpan": dis,
                         "ditolak": tol, "digabung": gab, "seimbang": t.rows == dis + tol + gab})
    rek = pd.DataFrame(rows, columns=["file", "sheet", "jenis", "dibaca", "disimpan", "ditolak", "digabung",
                                      "seimbang"])
    for c in ("dibaca", "disimpan", "ditolak", "digabung"):
        rek[c] = rek[c].astype("int64")
    rek["seimbang"] = rek["seimbang"].astype(bool)
    return rek


def check_reconciliation(rek: pd.DataFrame) -> None:
    bad = rek[~rek["seimbang"]]
    if len(bad):
        r = bad.iloc[0]
        raise ReconciliationError(
            f"rekonsiliasi tidak seimbang: dibaca {r.dibaca} ≠ disimpan {r.disimpan} + ditolak {r.ditolak} + "
            f"digabung {r.digabung}" + (f" (dan {len(bad) - 1} file/sheet lain)" if len(bad) > 1 else ""),
            file=r.file, sheet=r.sheet or None, hint="ini kesalahan program pembersih, bukan data: laporkan")


def finish_temuan(F: Findings, batches: dict[str, Batch]) -> pd.DataFrame:
    t = F.frame()
    kel = np.full(len(t), None, dtype=object)
    for kind, b in batches.items():
        m = (t["_kind"] == kind).to_numpy() & (t["_pos"].to_numpy() >= 0)
        if m.any():
            kel[m] = b.kel.iloc[t["_pos"].to_numpy()[m]].to_numpy(dtype=object, na_value=None)
    t["kode_kelurahan"] = pd.array(kel, dtype="str")
    t = t.drop(columns=["_kind", "_pos"])
    t = t.sort_values(["file", "sheet", "baris", "aturan", "kolom"], kind="stable").reset_index(drop=True)
    for c in ("file", "sheet", "kolom", "aturan", "tindakan"):
        t[c] = t[c].astype("str").astype("category")
    t["baris"] = t["baris"].astype("int64")
    t["pesan"] = t["pesan"].astype("str")
    t["nilai_tersamar"] = t["nilai_tersamar"].astype("str")
    return t[["file", "sheet", "baris", "kolom", "aturan", "pesan", "nilai_tersamar", "tindakan", "kode_kelurahan"]]


def _empty_kks() -> tuple[pd.DataFrame, None]:
    return pd.DataFrame({
        "no_kk": pd.Series(dtype="str"), "nik_pengurus": pd.Series(dtype="str"), "kode_kelurahan": pd.Series(dtype="str"),
        "status_kartu": pd.Categorical([], categories=codes.KKS_STATUSES[:3]),
        "tanggal_distribusi": pd.Series(dtype="datetime64[s]"), "idbdt": pd.Series(dtype="str"),
        "nuk": pd.Series(dtype="Int8"), "cocok_lewat": pd.Categorical([], categories=COCOK_LEWAT),
        "sumber_file": pd.Categorical([]), "sumber_sheet": pd.Categorical([]), "baris_sumber": pd.Series(dtype="int64")}), None


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise InputError("folder keluaran adalah sebuah file", file=str(out_dir))
        foreign = [p.name for p in out_dir.iterdir() if not p.name.startswith(".") and p.name not in _OUT_ALLOWED]
        if foreign:
            raise InputError(f"folder keluaran berisi file lain ({', '.join(sorted(foreign)[:5])}); pembersih "
                             "mengganti seluruh isi folder, jadi pilih folder periode sendiri "
                             "(mis. data/processed/<periode>)", file=str(out_dir))


def _atomic_write(out_dir: Path, write) -> None:
    """Write everything into a sibling temp folder, then swap it in; the previous run's findings,
    reconciliation and meta.json are kept in `sebelumnya/` (old outputs stay until the swap)."""
    def keep_previous(tmp: Path, old: Path) -> None:
        prev = tmp / "sebelumnya"
        prev.mkdir(exist_ok=True)
        for n in ("temuan.parquet", "rekonsiliasi.parquet", "meta.json"):
            if (old / n).exists():
                shutil.copy2(old / n, prev / n)

    write_folder(out_dir, write, before_swap=keep_previous)


class _Laps:
    """Stage timer for KEMISKINAN_WAKTU=1 (seconds and peak RSS so far, on stderr)."""

    def __init__(self, on: bool):
        self.on, self.t, self.c = on, time.perf_counter(), time.process_time()

    def __call__(self, stage: str) -> None:
        if self.on:
            import resource
            now, cpu = time.perf_counter(), time.process_time()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            _log(f"  [waktu] {stage}: {now - self.t:.2f} s, CPU {cpu - self.c:.2f} s (puncak RSS {peak:,.0f} MB)")
            self.t, self.c = now, cpu


@dataclass
class CleanResult:
    out_dir: Path
    tables: dict[str, pd.DataFrame]
    meta: dict
    seconds: float

    @property
    def temuan(self) -> pd.DataFrame:
        return self.tables["temuan"]

    @property
    def rekonsiliasi(self) -> pd.DataFrame:
        return self.tables["rekonsiliasi"]


def clean(raw_dir: str | os.PathLike, out_dir: str | os.PathLike, *, accept_changes: bool = False,
          check_provenance: bool = True, validate: bool = True, pii_terms: bool = True,
          verbose: bool = True, wilayah: pd.DataFrame | str | os.PathLike | None = None,
          periode: str | None = None) -> CleanResult:
    """Clean every input of `raw_dir` into the tables of contracts §2 in `out_dir` (replaced atomically).

    `periode` (`"YYYY-MM"`): the round. Its reference date (tanggal acuan, the last day of that month) fixes
    the century of every 2-digit year (NIK birth dates, dates such as `15.01.18`) and gives `umur` where the
    member file has no age column. None: century by 2018 and no derived age (the rounds before issue 20);
    meta.json's `tanggal_acuan` is then null.

    `wilayah`: the reference to resolve kelurahan against, in the format of data/reference/wilayah_bontang.csv
    (a DataFrame or a CSV path); default Kota Bontang. With another reference (e.g. the province), rows
    outside it are rejected as RT_LUAR_BONTANG / …_WILAYAH_TIDAK_DIKENAL exactly as outside Bontang are.

    Raises `InputError` (unreadable file, missing column, provenance mismatch) or `ReconciliationError`.
    """
    global _REF
    acuan = tanggal_acuan(periode)
    if wilayah is None:
        return _clean(raw_dir, out_dir, accept_changes=accept_changes, check_provenance=check_provenance,
                      validate=validate, pii_terms=pii_terms, verbose=verbose, acuan=acuan)
    table = wilayah if isinstance(wilayah, pd.DataFrame) else pd.read_csv(wilayah, dtype=str, keep_default_na=False)
    prev, _REF = _REF, Reference(table)
    try:
        res = _clean(raw_dir, out_dir, accept_changes=accept_changes, check_provenance=check_provenance,
                     validate=validate, pii_terms=pii_terms, verbose=verbose, acuan=acuan)
    finally:
        _REF = prev
    return res


def _vintage_bdt(nama_data: str | None, acuan: pd.Timestamp | None) -> str:
    """The BDT vintage label (meta.json `vintage.bdt`, shown in the briefings): the profile's `nama_data` and
    the round (`DTKS 2019-05`); without `nama_data` the PBDT 2015 of the rounds before issue 20."""
    if nama_data is None:
        return "PBDT 2015"
    return f"{nama_data} {acuan:%Y-%m}" if acuan is not None else nama_data


def _vintage_dated(label: str, dates: pd.Series, before: int, acuan: pd.Timestamp | None) -> str:
    """`<label> <year>`: the latest year among the list's own dates (not after the reference date, when there
    is one); without dates, the year of the reference date, or `before` (the label of the rounds before
    issue 20: KKS 2017, MPM 2018)."""
    d = pd.to_datetime(dates).dropna()
    if acuan is not None:
        d = d[d <= acuan]
    if len(d):
        return f"{label} {int(d.dt.year.max())}"
    return f"{label} {acuan.year if acuan is not None else before}"


def _clean(raw_dir, out_dir, *, accept_changes: bool, check_provenance: bool, validate: bool, pii_terms: bool,
           verbose: bool, acuan: pd.Timestamp | None = None) -> CleanResult:
    t0 = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    say = _log if verbose else (lambda m: None)
    if not raw_dir.is_dir():
        raise InputError("folder data mentah tidak ada", file=str(raw_dir))
    _check_out_dir(out_dir)
    from concurrent.futures import ThreadPoolExecutor

    from kemiskinan.ingest import provenance
    hashes: dict[str, str] = {}
    hashing = None
    if check_provenance:
        hashes = provenance.verify(raw_dir, accept_changes=accept_changes, log=say)
    else:
        # meta.json still records every input's sha256: hashed in a side thread (hashlib releases the
        # GIL on large blocks) while the files are read and cleaned, instead of after them
        side_hash = ThreadPoolExecutor(1, thread_name_prefix="kemiskinan-sha256")
        hashing = side_hash.submit(lambda: {p.name: provenance.sha256(p) for p in data_files(raw_dir)})
        side_hash.shutdown(wait=False)
    # KEMISKINAN_WAKTU=1: time of each stage on stderr (benchmarks; bench/README.md "clean")
    waktu = _Laps(os.environ.get("KEMISKINAN_WAKTU") == "1")
    profile = profiles.load(raw_dir)     # sumber.yml + profiles/ + built-in (InputError when invalid)
    ref_year = acuan.year if acuan is not None else nikmod.REFERENCE_YEAR
    by_kind, _, synthetic = read_inputs(raw_dir, profile)
    say(f"  dibaca: " + ", ".join(f"{k} {sum(t.rows for t in v):,}" for k, v in by_kind.items() if v))
    waktu("baca")
    F = Findings()
    batches: dict[str, Batch] = {k: Batch(k, v) for k, v in by_kind.items() if v}
    for b in batches.values():
        flag_read_findings(b, F)
    rt = clean_rt(batches["rt"], F, profile.skema_desil, profile.satuan)
    waktu("rumah_tangga")
    # The KKS list's own checks need neither members nor keluarga: they run in a second thread while
    # the member stage runs (both spend much of their time in arrow/numpy kernels that release the GIL).
    # Findings are sorted at the end, so their order does not depend on which thread logged first.
    with ThreadPoolExecutor(1, thread_name_prefix="kemiskinan-kks") as side:
        kks_prepared = side.submit(prepare_kks, batches["kks"], F, ref_year) if "kks" in batches else None
        art = clean_art(batches["art"], F, rt, batches["rt"], acuan=acuan, satuan=profile.satuan)
        waktu("anggota")
        kel = build_keluarga(art, rt, batches["art"], F)
        waktu("keluarga")
        kks_prepared = kks_prepared.result() if kks_prepared is not None else None
    if "kks" in batches:
        kks, kel = clean_kks(batches["kks"], F, kel, art, kks_prepared,
                             getattr(batches["art"], "nik_keluarga", None))
    else:
        # no KKS list supplied: whether a keluarga holds a card is unknown (NA), not "no card" — the
        # indicators then leave KKS coverage out instead of reporting 0 % (meta.json `masukan.kks`)
        kks, _ = _empty_kks()
        kel["kks_status"] = pd.Categorical([None] * len(kel), categories=codes.KKS_STATUSES)
        kel["kks"] = pd.array([None] * len(kel), dtype="boolean")
    if "mpm" in batches:
        mpm, lap = clean_mpm(batches["mpm"], F, rt, ref_year)
    else:
        mpm = None
        lap = None
    waktu("kks+mpm")
    pen = clean_penduduk(batches["penduduk"], F) if "penduduk" in batches else None
    from kemiskinan.clean import schemas
    tables = {"rumah_tangga": rt, "anggota": art, "keluarga": kel, "kks": kks}
    tables["mpm"] = mpm if mpm is not None else schemas.empty("mpm")
    tables["mpm_laporan"] = lap if lap is not None else mpm_laporan(None)
    tables["penduduk"] = pen if pen is not None else schemas.empty("penduduk")
    temuan = finish_temuan(F, batches)
    rek = reconcile(batches, tables, temuan)
    # the internal fate arrays must agree with the independent counts (guards against silent drops)
    for kind, b in batches.items():
        exp_keep = int((b.state == 0).sum())
        if exp_keep != len(tables[KIND_TABLE[kind]]):
            raise ReconciliationError(f"tabel {KIND_TABLE[kind]} berisi {len(tables[KIND_TABLE[kind]])} baris, "
                                      f"seharusnya {exp_keep}", file=b.tables[0].file)
    check_reconciliation(rek)
    tables["temuan"], tables["rekonsiliasi"] = temuan, rek
    waktu("temuan+rekonsiliasi")
    tables = schemas.coerce(tables)
    waktu("tipe")
    if hashing is not None:
        hashes = hashing.result()
    meta = {
        "sintetis": bool(synthetic),
        "files": hashes,
        # the vintage of each input that was supplied (an absent one has none to state)
        "vintage": {k: v for k, v in {
            "bdt": _vintage_bdt(profile.nama_data, acuan),
            "kks": _vintage_dated("distribusi KKS", tables["kks"]["tanggal_distribusi"], 2017, acuan)
            if "kks" in batches else None,
            "mpm": _vintage_dated("MPM", tables["mpm"]["tanggal_daftar"], 2018, acuan) if "mpm" in batches else None,
            "penduduk": sorted({int(x) for x in tables["penduduk"]["tahun"].dropna().unique()})
            if "penduduk" in batches else None}.items() if v is not None},
        "jumlah": {k: int(len(v)) for k, v in tables.items()},
        # which inputs were supplied (only rumah_tangga and anggota are required): what is absent is
        # left out of the indicators and named in the briefings, never counted as zero
        "masukan": {KIND_TABLE[k]: bool(by_kind.get(k)) for k in KINDS},
        "keluarga_desil_1_4": int(kel["desil"].between(1, 4).fillna(False).sum()),
        # null without a KKS list: unknown, not 0
        "keluarga_desil_1_4_kks": int((kel["desil"].between(1, 4).fillna(False) & kel["kks"].fillna(False)).sum())
        if "kks" in batches else None,
        "aturan": {"fuzzy_threshold": FUZZY_THRESHOLD, "fuzzy_margin": FUZZY_MARGIN},
        # the round (issue 20): its reference date (null without `periode`), its desil scheme and unit
        # (source profile keys `skema_desil`, `satuan`); step 02 checks target_desil against the scheme
        "tanggal_acuan": acuan.strftime("%Y-%m-%d") if acuan is not None else None,
        "skema_desil": int(profile.skema_desil),
        "satuan": profile.satuan,
    }

    def write(tmp: Path) -> None:
        # The schema checks run while two threads write the parquet files (arrow encodes and compresses
        # without the GIL): into the temporary folder, so a table that fails its schema never reaches
        # `out_dir` — `_atomic_write` removes the folder when this raises.
        with ThreadPoolExecutor(2, thread_name_prefix="parquet") as pool:
            done = [pool.submit(tables[name].to_parquet, tmp / f"{name}.parquet", index=False)
                    for name in sorted(OUTPUT_TABLES, key=lambda n: -len(tables[n]))]   # largest first
            try:
                if validate:
                    schemas.validate(tables, kelurahan=None if _REF is None else [w.kode for w in _REF.kelurahan()])
            finally:
                for f in done:
                    f.result()
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        if pii_terms:
            try:
                from kemiskinan.publish import pii
            except ImportError:  # pragma: no cover - pii guard not installed
                return
            frames = {}
            for kind in ("rt", "art", "kks", "mpm"):
                if kind in batches:
                    b = batches[kind]
                    cols = [c for c in b.df.columns if c in PII_COLUMNS]
                    # unique values only: the guard needs the set of terms, not every row
                    uniq = {c: b.df[c].unique() for c in cols}
                    n = max((len(u) for u in uniq.values()), default=0)
                    frames[kind] = pd.DataFrame({c: pd.Series(u, dtype="str").reindex(range(n))
                                                 for c, u in uniq.items()})
            pii.write_terms(frames, tmp)

    _atomic_write(out_dir, write)
    waktu("tulis+periksa_skema")
    secs = time.perf_counter() - t0
    say(f"  selesai dalam {secs:.1f} s: " + ", ".join(f"{k} {len(v):,}" for k, v in tables.items()))
    return CleanResult(out_dir, tables, meta, secs)


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------
def main_clean(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kemiskinan clean",
                                 description="Bersihkan data mentah menjadi tabel bersih, temuan dan rekonsiliasi.")
    ap.add_argument("--raw", required=True, help="folder data mentah (nama di data/raw/ atau path)")
    ap.add_argument("--out", required=True, help="folder keluaran (mis. data/processed/<periode>)")
    ap.add_argument("--accept-changes", action="store_true",
                    help="terima file mentah yang berubah/baru/hilang dan perbarui manifest.json")
    ap.add_argument("--no-pii-terms", action="store_true", help="jangan tulis pii_istilah.parquet")
    ap.add_argument("--periode", help="putaran data YYYY-MM (mis. 2019-05): tanggal acuan = hari terakhir bulan itu, "
                                      "untuk abad tahun 2 digit (NIK) dan umur; tanpa ini: abad menurut 2018")
    args = ap.parse_args(argv)
    from kemiskinan import config
    try:
        res = clean(config.raw_dir(args.raw), Path(args.out), accept_changes=args.accept_changes,
                    pii_terms=not args.no_pii_terms, periode=args.periode)
    except (InputError, ParameterError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    rek = res.rekonsiliasi
    print(f"Selesai: {res.out_dir} ({res.seconds:.1f} s). Rekonsiliasi seimbang untuk {len(rek)} file/sheet; "
          f"{len(res.temuan):,} temuan.")
    return 0
