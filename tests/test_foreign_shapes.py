"""Issue 17 items 9 and 10: the cleaning takes extracts shaped by someone else.

Each folder of tests/fixtures/foreign/ (README there) is a small extract written by hand, in a shape our
generator never writes. Every expected number below was counted by hand from the rows of those files —
never taken from the cleaner's output — with a comment naming the rows that give it.

* `test_foreign_shape_cleans_as_counted_by_hand` (item 9): kept households/members, rejections by rule,
  merges, keluarga, KKS statuses, the findings planted in the rows (and the ones that must NOT fire, a
  sign the shape was misread), reconciliation per file and sheet, and which optional inputs were supplied.
* `test_missing_required_column_is_an_input_error` (item 10): the same extract with one required column
  deleted → `python -m kemiskinan clean` exits 2 with an `InputError` message naming file, sheet, row and
  column, no traceback, and the output folder untouched.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan.clean import step as C

FOREIGN = Path(__file__).resolve().parent / "fixtures" / "foreign"


@dataclass
class Expect:
    rumah_tangga: int                       # households kept
    anggota: int                            # members kept
    keluarga: int                           # keluarga (IDBDT, NUK) of the kept members
    keluarga_desil_1_4: int                 # of which in desil 1–4
    ditolak: dict[str, int]                 # rule → rows rejected (every file of the folder)
    digabung: dict[str, int]                # rule → rows merged
    kks_status: dict[str, int]              # keluarga by KKS status (tidak_ada included)
    rekonsiliasi: dict[tuple[str, str], tuple[int, int, int, int]]   # (file, sheet) → dibaca, disimpan, ditolak, digabung
    masukan: dict[str, bool]                # optional inputs supplied (contract D)
    temuan: dict[str, int] = field(default_factory=dict)   # planted findings: rule → count (rows)
    kks_rows: int = 0                       # KKS list rows kept
    kelurahan: dict[str, str] = field(default_factory=dict)  # IDBDT → kode_kelurahan, where it is the point
    idbdt: set[str] | None = None           # the exact IDBDT kept (IDs are opaque keys, never padded)
    periode: str | None = None              # clean(periode=): the round whose reference date applies
    kelompok_desil: dict[str, int] | None = None   # keluarga per kelompok_desil (issue 20: desil schemes)


#: Findings that a correct reading of these hand-written rows gives only where planted. Each shape's
#: `temuan` overrides the zero for what it planted; a non-zero count of any other is a misread shape
#: (a misnamed column, a code read as a word, an ID length taken for an error, …).
WATCHED = [
    "IDBDT_TIDAK_VALID", "IDARTBDT_TIDAK_VALID", "IDBDT_DARI_IDARTBDT", "IDARTBDT_BEDA_IDBDT",
    "ID_PANJANG_CAMPUR", "ID_KARAKTER_TAK_TERLIHAT", "ID_EXCEL_NUMBER",
    "WILAYAH_TIDAK_DIKENAL", "WILAYAH_FUZZY", "WILAYAH_KODE_NAMA_BEDA", "WILAYAH_KODE_TIDAK_DIKENAL",
    "WILAYAH_KEC_BEDA", "KODE_TIDAK_VALID", "YA_TIDAK_TIDAK_VALID", "ANGKA_TIDAK_VALID", "DESIL_TIDAK_VALID",
    "PERSENTIL_TIDAK_VALID", "TANGGAL_TIDAK_VALID", "NUK_KOSONG", "NIK_JK_BEDA", "NIK_TGL_BEDA",
    "NIK_TANGGAL_TIDAK_VALID", "NIK_GANDA_KELUARGA", "KELUARGA_KK_BEDA", "KKS_STATUS_TIDAK_VALID",
    "KKS_TIDAK_DITEMUKAN", "KKS_KK_AMBIGU", "KKS_KELUARGA_GANDA", "MPM_IDBDT_TIDAK_DIKENAL", "MPM_STATUS_IDBDT_BEDA",
]

SHAPES: dict[str, Expect] = {
    # ---------------------------------------------------------------------------------------------
    "pbdt_12_14_cp1252": Expect(
        rumah_tangga=10,          # BDT_RUTA rows 2–11, all in Bontang with agreeing BPS code and name
        anggota=26,               # ART sheet rows 2–27; row 28 (IDBDT 701500000099) has no household
        keluarga=11,              # one per household, two in 701500000003 (NUK 1 and 2)
        keluarga_desil_1_4=10,    # all but 701500000007 (status_kesejahteraan empty)
        ditolak={"ART_TANPA_RUTA": 1},                 # ART row 28
        digabung={},
        kks_rows=9,               # every KKS row is kept: 8 match, row 8 (IDBDT 701500000077) is not in BDT
        kks_status={
            "tersalur": 5,        # KKS rows 2 (…001), 3 (…002), 5 (…003 NUK 2 by its No. KK), 7 (…008, IDBDT only), 10 (…009)
            "belum_tersalur": 2,  # KKS rows 4 (…003 NUK 1, `Belum`) and 9 (…010)
            "dikembalikan": 1,    # KKS row 6 (…005, `Retur`)
            "tidak_ada": 3,       # households …004, …006, …007 have no KKS row
        },
        temuan={"ID_EXCEL_NUMBER": 3,      # IDARTBDT number cells: …0401, …0602, …0903
                "KKS_TIDAK_DITEMUKAN": 1},  # KKS row 8
        rekonsiliasi={("BDT_RUTA_6474_2015.csv", ""): (10, 10, 0, 0),
                      ("ART_6474_2015.xlsx", "ART"): (27, 26, 1, 0),
                      ("KKS_Dinsos_2017.csv", ""): (9, 9, 0, 0)},
        masukan={"kks": True, "mpm": False, "penduduk": False},
        idbdt={f"7015000000{i:02d}" for i in range(1, 11)},
    ),
    # ---------------------------------------------------------------------------------------------
    "siksng_pipe_16_18": Expect(
        rumah_tangga=6,           # DTKS_RUTA rows 2–7; row 8 (SIDRAP) is no kelurahan of Bontang
        anggota=20,               # DTKS_ART rows 2–21; rows 22–23 belong to the SIDRAP household
        keluarga=9,               # …0123: NUK 1, 2; …0124: 1; …0301: NUK 1, 2, 3; …0302, …0410, …0511: 1 each
        keluarga_desil_1_4=8,     # all but the one of …0511 (DESIL empty)
        ditolak={"WILAYAH_TIDAK_DIKENAL": 1,           # DTKS_RUTA row 8
                 "ART_RUTA_DITOLAK": 2},               # DTKS_ART rows 22, 23
        digabung={},
        kks_status={},   # no KKS list: all 9 keluarga unknown (NA), not "tidak_ada"
        temuan={"WILAYAH_TIDAK_DIKENAL": 1,            # (the rejection above)
                "KODE_TIDAK_VALID": 1,                 # DTKS_ART row 19: HUB KRT `Keponakan` is outside the vocabulary
                "NIK_TGL_BEDA": 1},                    # DTKS_ART row 8: TANGGAL LAHIR 1900-01-01 (placeholder)
        rekonsiliasi={("DTKS_RUTA_6474.csv", ""): (7, 6, 1, 0),
                      ("DTKS_ART_6474.csv", ""): (22, 20, 2, 0)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        kelurahan={
            "6474020005000123": "64.74.01.1003",   # LOKTUAN
            "6474020005000124": "64.74.01.1004",   # GUNTUNG, although its digits carry Lok Tuan's BPS code
            "6474010004000301": "64.74.02.1002",   # BEREBAS TENGAH
            "6474010006000302": "64.74.02.1006",   # TJ. LAUT INDAH
            "6474020004000410": "64.74.01.1005",   # GN. ELAI
            "6474030002000511": "64.74.03.1002",   # TELIHAN
        },
    ),
    # ---------------------------------------------------------------------------------------------
    "unicode_text_kemendagri": Expect(
        rumah_tangga=7,           # RUTA_Unicode rows 2–8
        anggota=16,               # ART_Unicode rows 2–17
        keluarga=7,               # one per household
        keluarga_desil_1_4=5,     # percentile 8, 17, 33, 24, 5; not 55 (4+) nor empty (non-desil)
        ditolak={"PENDUDUK_WILAYAH_TIDAK_DIKENAL": 1},  # Penduduk row 5: 64.74.04.1001 is not in Bontang
        digabung={},
        kks_status={},   # no KKS list: all 7 keluarga unknown (NA), not "tidak_ada"
        temuan={"ID_KARAKTER_TAK_TERLIHAT": 3},  # RUTA row 3 IDBDT (ZWSP), ART row 4 IDARTBDT (BOM), ART row 6 NIK (NBSP)
        rekonsiliasi={("RUTA_Unicode.txt", ""): (7, 7, 0, 0),
                      ("ART_Unicode.txt", ""): (16, 16, 0, 0),
                      ("Penduduk_Kelurahan_2017.csv", ""): (4, 3, 1, 0)},
        masukan={"kks": False, "mpm": False, "penduduk": True},
        kelurahan={"647401100300001": "64.74.01.1003", "647401100300002": "64.74.01.1003",
                   "647401100100003": "64.74.01.1001", "647402100200004": "64.74.02.1002",
                   "647402100400005": "64.74.02.1004", "647403100100006": "64.74.03.1001",
                   "647403100300007": "64.74.03.1003"},
    ),
    # ---------------------------------------------------------------------------------------------
    "xlsx_per_kecamatan": Expect(
        rumah_tangga=7,           # BU workbook: 4 (…101–…104); BB workbook: 3 (…201–…203)
        anggota=16,               # ART BU 9 + ART BB 7 (its last row repeats JOKO SUSILO)
        keluarga=8,               # one per household, two in 647403000200201 (NUK 1, 2)
        keluarga_desil_1_4=7,     # all but the one of 647403000300203 (status_kesejahteraan empty)
        ditolak={},
        digabung={"DUPLIKAT_PERSIS": 2},   # RUTA BU row 9 (copy of the BB workbook's row 4); ART BB row 10
        kks_rows=7,               # every row of the KKS list (row 10 is a card not in BDT)
        kks_status={
            "tersalur": 3,        # KKS rows 4 (`Sudah`, …101), 7 (`sudah `, …201 NUK 1), 9 (`SUDAH`, …202)
            "belum_tersalur": 1,  # row 5 (…102)
            "dikembalikan": 1,    # row 6 (…104)
            "tidak_ada": 3,       # …103, …203 have no row; …201 NUK 2's row 8 has the unknown status `Hilang`
        },
        temuan={"KKS_STATUS_TIDAK_VALID": 1,   # KKS row 8 `Hilang`
                "KKS_TIDAK_DITEMUKAN": 1,      # KKS row 10
                "IDARTBDT_BEDA_IDBDT": 1},     # ART BU row 9: LINA 64740200020019902 under IDBDT 647402000200103
        rekonsiliasi={("RUTA_Kec_Bontang_Utara.xlsx", "Data"): (5, 4, 0, 1),   # header on row 4
                      ("RUTA_Kec_Bontang_Barat.xlsx", "Sheet1"): (3, 3, 0, 0),  # header on row 3; read first
                      ("ART_Kec_Bontang_Utara.xlsx", "ART BU"): (9, 9, 0, 0),
                      ("ART_Kec_Bontang_Barat.xlsx", "ART BB"): (8, 7, 0, 1),
                      ("KKS_Distribusi_Dinsos.xlsx", "Penyaluran"): (7, 7, 0, 0)},
        masukan={"kks": True, "mpm": False, "penduduk": False},
    ),
    # ---------------------------------------------------------------------------------------------
    "xls_satu_workbook": Expect(
        rumah_tangga=5,           # sheet RUTA rows 2–6
        anggota=12,               # sheet ART rows 2–13
        keluarga=7,               # …00001: NUK 1, 2; …00002; …00003: NUK 1, 2; …00004; …00005
        keluarga_desil_1_4=6,     # all but the one of …00005 (status_kesejahteraan empty)
        ditolak={},
        digabung={},
        kks_status={},   # no KKS list: all 7 keluarga unknown (NA), not "tidak_ada"
        temuan={"ID_EXCEL_NUMBER": 5},   # the five IDBDT of sheet RUTA are number cells
        rekonsiliasi={("BDT_KANAAN_BELIMBING.xls", "RUTA"): (5, 5, 0, 0),
                      ("BDT_KANAAN_BELIMBING.xls", "ART"): (12, 12, 0, 0)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        kelurahan={"647403100300001": "64.74.03.1003", "647403100300002": "64.74.03.1003",
                   "647403100100003": "64.74.03.1001", "647403100100004": "64.74.03.1001",
                   "647403100100005": "64.74.03.1001"},
        idbdt={"647403100300001", "647403100300002", "647403100100003", "647403100100004", "647403100100005"},
    ),
    # ---------------------------------------------------------------------------------------------
    "kode_nama_beda": Expect(
        rumah_tangga=7,           # ruta_bps rows 2–8
        anggota=14,               # art_bps: 2 per kept household
        keluarga=7,
        keluarga_desil_1_4=7,     # status_kesejahteraan 1, 2, 3, 4, 1, 2, 3
        ditolak={"RT_LUAR_BONTANG": 1,                 # ruta_bps row 9 (KDKAB 72)
                 "ART_RUTA_DITOLAK": 2},               # art_bps rows 17, 18
        digabung={"DUPLIKAT_KUNCI": 1},                # art_bps row 14: IDARTBDT of row 13, name MARIAM ≠ MARYAM
        kks_status={},   # no KKS list: all 7 keluarga unknown (NA), not "tidak_ada"
        temuan={"WILAYAH_KODE_NAMA_BEDA": 3,           # ruta_bps rows 3, 4, 5
                "WILAYAH_KODE_TIDAK_DIKENAL": 1},      # ruta_bps row 8: KDDESA 009 of kecamatan 020
        rekonsiliasi={("ruta_bps.csv", ""): (8, 7, 1, 0),
                      ("art_bps.csv", ""): (17, 14, 2, 1)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        kelurahan={
            "647402000500001": "64.74.01.1003",   # 020/005 LOK TUAN: code and name agree
            "647402000100002": "64.74.01.1004",   # 020/001 (Bontang Kuala) vs GUNTUNG of the same kecamatan: name wins
            "647401000400003": "64.74.02.1003",   # 010/004 (Berbas Tengah) vs BEREBAS PANTAI, same kecamatan: name wins
            "647401000400004": "64.74.02.1002",   # 010/004 vs KANAAN of Bontang Barat: not this kecamatan, code stays
            "647403000100005": "64.74.03.1003",   # 030/001 KANAAN: agree
            "647401000600006": "64.74.02.1006",   # 010/006, no name: the code
            "647402000900007": "64.74.01.1002",   # 020/009 unknown code: the name BONTANG BARU
        },
    ),
    # ---------------------------------------------------------------------------------------------
    "campur_panjang_tsv": Expect(
        rumah_tangga=7,           # ruta_campur rows 2–8
        anggota=14,               # art_campur rows 2–15
        keluarga=7,
        keluarga_desil_1_4=7,
        ditolak={"IDBDT_TIDAK_VALID": 2,               # ruta_campur row 9 (letter O), row 10 (empty)
                 "IDARTBDT_TIDAK_VALID": 2},           # art_campur row 16 (letter O), row 17 (empty)
        digabung={"DUPLIKAT_PERSIS": 1},               # art_campur row 18 = row 8
        kks_status={},   # no KKS list: all 7 keluarga unknown (NA), not "tidak_ada"
        temuan={"IDBDT_TIDAK_VALID": 2, "IDARTBDT_TIDAK_VALID": 2,
                "ID_PANJANG_CAMPUR": 10},              # see test_mixed_id_lengths_are_flagged_per_file_and_column
        rekonsiliasi={("ruta_campur.tsv", ""): (9, 7, 2, 0),
                      ("art_campur.tsv", ""): (17, 14, 2, 1)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        idbdt={"6474020005000701", "6474020005000702", "6474020006000703", "6474010005000704",
               "6474010001000705", "647401000200706", "64740300030707"},
    ),
    # ---------------------------------------------------------------------------------------------
    "minimal_wajib_saja": Expect(
        rumah_tangga=6,
        anggota=14,
        keluarga=8,               # 2015000802 and 2015000804 have NUK 1 and 2
        keluarga_desil_1_4=0,     # no desil column at all: every household is non-desil
        ditolak={},
        digabung={},
        kks_status={},   # no KKS list: all 8 keluarga unknown (NA), not "tidak_ada"
        rekonsiliasi={("rumah_tangga.csv", ""): (6, 6, 0, 0),
                      ("anggota.csv", ""): (14, 14, 0, 0)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        idbdt={f"201500080{i}" for i in range(1, 7)},
    ),
    # ---------------------------------------------------------------------------------------------
    "mpm_rekap_16": Expect(
        rumah_tangga=4,           # RUTA_2015 rows 2–5
        anggota=8,                # ART_2015 rows 2–9
        keluarga=4,
        keluarga_desil_1_4=4,     # status_kesejahteraan 1, 2, 3, 1
        ditolak={"WILAYAH_TIDAK_DIKENAL": 1},           # MPM sheet `Kampung Baru`, row 2: no kelurahan of Bontang
        digabung={"DUPLIKAT_PERSIS": 1},                # MPM sheet `Gn Elai` row 3 repeats row 2 (only `No` differs)
        kks_status={},   # no KKS list: all 4 keluarga unknown (NA), not "tidak_ada"
        temuan={"WILAYAH_TIDAK_DIKENAL": 1,
                "MPM_IDBDT_TIDAK_DIKENAL": 1,           # `Loktuan` row 5: 6474020005000999 is no household of BDT
                "MPM_STATUS_IDBDT_BEDA": 1},            # `BEREBAS TENGAH` row 2: `Sudah terdaftar` without IDBDT
        rekonsiliasi={("RUTA_2015.csv", ""): (4, 4, 0, 0),
                      ("ART_2015.csv", ""): (8, 8, 0, 0),
                      ("MPM_2018_Bontang.xlsx", "Loktuan"): (3, 3, 0, 0),          # header on row 2
                      ("MPM_2018_Bontang.xlsx", "Gn Elai"): (2, 1, 0, 1),
                      ("MPM_2018_Bontang.xlsx", "BEREBAS TENGAH"): (1, 1, 0, 0),
                      ("MPM_2018_Bontang.xlsx", "Satimpo"): (0, 0, 0, 0),           # header only: not reported
                      ("MPM_2018_Bontang.xlsx", "Kampung Baru"): (1, 0, 1, 0)},
        masukan={"kks": False, "mpm": True, "penduduk": False},
        idbdt={"6474020005000901", "6474020005000902", "6474020004000903", "6474010004000904"},
    ),
    # ---------------------------------------------------------------------------------------------
    # issue 20: the rounds after PBDT 2015, read only through profiles/dtks_siksng.yml and profiles/dtsen.yml
    "dtks_2019_siksng": Expect(
        periode="2019-05",
        rumah_tangga=6,           # DTKS_RUTA rows 2–7
        anggota=13,               # DTKS_ART rows 2–14; row 15 (TONI, ID DTKS 647403000300099) has no household
        keluarga=7,               # …0001, …0002, …0003 NUK 1 and 2, …0004, …0005, …0006
        keluarga_desil_1_4=5,     # …0001 (1), …0002 (2), both of …0003 (3), …0005 (4)
        ditolak={"ART_TANPA_RUTA": 1},                 # DTKS_ART row 15
        digabung={},
        kks_status={},            # no KKS list in the extract
        temuan={"KODE_TIDAK_VALID": 1,       # DTKS_ART row 12: HUB KRT `Famili Lain` is outside the vocabulary
                "YA_TIDAK_TIDAK_VALID": 1,   # DTKS_RUTA row 6: ADA_KKS `Y` (the export writes YA/TIDAK)
                "DESIL_TIDAK_VALID": 1},     # DTKS_RUTA row 7: DESIL 7 in a 1–4 scheme
        rekonsiliasi={("SINTETIS_DTKS_RUTA_6474_2019.txt", ""): (6, 6, 0, 0),
                      ("SINTETIS_DTKS_ART_6474_2019.txt", ""): (14, 13, 1, 0)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        kelurahan={"647402000100001": "64.74.01.1003",   # LOK TUAN (Bontang Utara)
                   "647402000100002": "64.74.01.1004",   # GUNTUNG
                   "647401000200003": "64.74.02.1002",   # BERBAS TENGAH (Bontang Selatan)
                   "647401000200004": "64.74.02.1001",   # TANJUNG LAUT
                   "647403000300005": "64.74.03.1003",   # KANAAN (Bontang Barat)
                   "647403000300006": "64.74.03.1002"},  # GUNUNG TELIHAN
        kelompok_desil={"1": 1, "2": 1, "3": 2, "4": 1,
                        "4+": 1,          # …0004: DESIL empty, PERSENTIL 55
                        "non-desil": 1},  # …0006: DESIL 7 blanked, no PERSENTIL
    ),
    # ---------------------------------------------------------------------------------------------
    "dtsen_2025": Expect(
        periode="2025-06",
        rumah_tangga=6,           # DTSEN_KELUARGA rows 2–7: one per family, its No. KK the ID
        anggota=11,               # DTSEN_ANGGOTA rows 2–12; row 13 (Tono) carries a No. KK no family row has
        keluarga=6,               # one per family
        keluarga_desil_1_4=3,     # desil_nasional 1 (row 2), 3 (row 3), 4 (row 7)
        ditolak={"ART_TANPA_RUTA": 1},                 # DTSEN_ANGGOTA row 13
        digabung={},
        kks_status={},
        temuan={"YA_TIDAK_TIDAK_VALID": 1},   # DTSEN_KELUARGA row 7: ada_kks `Y` (the export writes 1/0)
        rekonsiliasi={("SINTETIS_DTSEN_KELUARGA_6474_2025.txt", ""): (6, 6, 0, 0),
                      ("SINTETIS_DTSEN_ANGGOTA_6474_2025.txt", ""): (12, 11, 1, 0)},
        masukan={"kks": False, "mpm": False, "penduduk": False},
        kelurahan={"6474011502200001": "64.74.01.1003",   # 6474011003 Lok Tuan: Kemendagri 01 = Bontang Utara
                   "6474010306210002": "64.74.01.1001",   # 6474011001 Bontang Kuala
                   "6474022007190003": "64.74.02.1002",   # 6474021002 Berbas Tengah (Bontang Selatan)
                   "6474021212220004": "64.74.02.1005",   # 6474021005 Bontang Lestari
                   "6474030101230005": "64.74.03.1003",   # 6474031003 Kanaan (Bontang Barat)
                   "6474011111240006": "64.74.01.1004"},  # 6474011004 Guntung
        idbdt={"6474011502200001", "6474010306210002", "6474022007190003", "6474021212220004",
               "6474030101230005", "6474011111240006"},
        kelompok_desil={"1": 1, "2": 0, "3": 1, "4": 1,
                        "4+": 2,          # desil_nasional 7 (row 4) and 10 (row 5)
                        "non-desil": 1},  # row 6: desil_nasional empty
    ),
}


def _copy(shape: str, dest: Path) -> Path:
    raw = dest / shape
    shutil.copytree(FOREIGN / shape, raw)
    return raw


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    """Each shape cleaned once (from a copy: the cleaner writes manifest.json into its raw folder)."""
    cache: dict[str, C.CleanResult] = {}

    def get(shape: str) -> C.CleanResult:
        if shape not in cache:
            base = tmp_path_factory.mktemp(shape)
            raw = _copy(shape, base)
            cache[shape] = C.clean(raw, base / "out", verbose=False, pii_terms=False, periode=SHAPES[shape].periode)
        return cache[shape]
    return get


def _count(t: pd.DataFrame, tindakan: str) -> dict[str, int]:
    t = t[t["tindakan"].astype(str) == tindakan]
    return {str(k): int(v) for k, v in t.groupby(t["aturan"].astype(str)).size().items()}


def test_every_shape_folder_has_expectations():
    folders = {p.name for p in FOREIGN.iterdir() if p.is_dir()}
    assert folders == set(SHAPES) and len(folders) >= 8


@pytest.mark.parametrize("shape", list(SHAPES))
def test_foreign_shape_cleans_as_counted_by_hand(cleaned, shape):
    e = SHAPES[shape]
    res = cleaned(shape)
    t = res.tables
    assert len(t["rumah_tangga"]) == e.rumah_tangga
    assert len(t["anggota"]) == e.anggota
    kel = t["keluarga"]
    assert len(kel) == e.keluarga
    assert int(kel["desil"].between(1, 4).fillna(False).sum()) == e.keluarga_desil_1_4
    tem = res.temuan
    assert _count(tem, "tolak") == e.ditolak
    assert _count(tem, "gabung") == e.digabung
    status = {str(k): int(v) for k, v in kel["kks_status"].value_counts().items() if v}   # NA not counted
    assert status == e.kks_status
    if not e.masukan.get("kks", True):   # without a list nobody is known to hold a card, or not to hold one
        assert kel["kks_status"].isna().all() and kel["kks"].isna().all()
    assert len(t["kks"]) == e.kks_rows
    got = {r: int((tem["aturan"].astype(str) == r).sum()) for r in WATCHED}
    want = {r: e.temuan.get(r, 0) for r in WATCHED}
    assert got == want
    rek = res.rekonsiliasi
    assert rek["seimbang"].all()
    assert {(r.file, r.sheet): (r.dibaca, r.disimpan, r.ditolak, r.digabung) for r in rek.itertuples()} \
        == e.rekonsiliasi
    meta = json.loads((res.out_dir / "meta.json").read_text(encoding="utf-8"))
    assert {k: meta["masukan"][k] for k in e.masukan} == e.masukan
    for absent in [k for k, v in e.masukan.items() if not v]:
        assert len(t[absent]) == 0            # the empty table with its schema, never invented rows
    if e.kelurahan:
        rt = t["rumah_tangga"].set_index("idbdt")["kode_kelurahan"].astype(str)
        assert {k: rt.get(k) for k in e.kelurahan} == e.kelurahan
    if e.idbdt is not None:
        assert set(t["rumah_tangga"]["idbdt"].astype(str)) == e.idbdt
    if e.kelompok_desil is not None:
        assert {str(k): int(v) for k, v in kel["kelompok_desil"].value_counts().items()} == e.kelompok_desil


# ------------------------------------------------------------------------- details of single shapes
def test_kks_list_with_idbdt_is_a_kks_list_and_its_statuses_are_read(cleaned):
    """pbdt_12_14_cp1252: the list `No_KKS, NIK_pengurus, Nama_pengurus, NoKK, IDBDT, NMKEL,
    Status_distribusi` is a KKS list (issue 17: it was taken for a household file), even though its
    profile names only its columns, not its kind."""
    res = cleaned("pbdt_12_14_cp1252")
    kks = res.tables["kks"]
    st = {str(k): int(v) for k, v in kks["status_kartu"].astype(str).value_counts().items()}
    assert st == {"tersalur": 6,         # rows 2, 3, 5, 7, 8, 10 (`Tersalur`)
                  "belum_tersalur": 2,   # rows 4, 9 (`Belum`)
                  "dikembalikan": 1}     # row 6 (`Retur`)
    # the KKS list's rows are not households: the household table holds the 10 of BDT_RUTA only
    assert "701500000077" not in set(res.tables["rumah_tangga"]["idbdt"].astype(str))
    # KKS row 7 has neither No. KK nor NIK: only its IDBDT places it on household …008 (one keluarga)
    kel = res.tables["keluarga"].set_index("idbdt")
    assert str(kel.loc["701500000008", "kks_status"]) == "tersalur"


def test_members_sheet_art_is_reconciled_under_its_sheet_name(cleaned):
    """Issue 17: kept members were counted under sheet "" while the file's sheet is `ART`."""
    rek = cleaned("pbdt_12_14_cp1252").rekonsiliasi
    art = rek[rek["file"] == "ART_6474_2015.xlsx"]
    assert art["sheet"].tolist() == ["ART"] and int(art["disimpan"].iloc[0]) == 26


def test_word_coded_relationships_through_the_profile_vocabulary(cleaned):
    """siksng_pipe_16_18: `HUB KRT` / `HUB KELUARGA` written as words, decoded by sumber.yml `nilai`; the one
    word outside the vocabulary is a finding naming the word, and its value is NA."""
    res = cleaned("siksng_pipe_16_18")
    art = res.tables["anggota"]
    hub = art["hub_krt"].astype("Int64").value_counts(dropna=False).to_dict()
    assert {("NA" if pd.isna(k) else int(k)): int(v) for k, v in hub.items()} == {
        1: 6,    # one Kepala Rumah Tangga per kept household
        2: 5,    # Istri/Suami: RAHMAWATI, JUMRIANI, SUHARTINI, NI KOMANG SARI, AGUSTINA
        3: 5,    # Anak: NADIA PUTRI, FIRMANSYAH, JUNAIDI, YUSRAN, SYAMSUDDIN
        4: 2,    # Menantu: AYU LESTARI, MELATI
        5: 1,    # Cucu: RAFA
        "NA": 1,  # Keponakan (IRWAN): not in the vocabulary
    }
    hubkel = art["hubkel"].astype("Int64").value_counts(dropna=False).to_dict()
    assert {("NA" if pd.isna(k) else int(k)): int(v) for k, v in hubkel.items()} == {
        1: 9,    # one Kepala Keluarga per keluarga (9 keluarga)
        2: 7,    # Istri/Suami
        3: 3,    # Anak: NADIA PUTRI, RAFA, SYAMSUDDIN
        8: 1,    # Lainnya: IRWAN
    }
    bad = res.temuan[res.temuan["aturan"].astype(str) == "KODE_TIDAK_VALID"]
    assert bad["kolom"].astype(str).tolist() == ["hub_krt"] and "Keponakan" in bad["nilai_tersamar"].iloc[0]
    # several No. KK in one household: 6474010004000301 holds three keluarga with three No. KK
    kel = res.tables["keluarga"]
    three = kel[kel["idbdt"].astype(str) == "6474010004000301"]
    assert sorted(three["no_kk"].astype(str)) == ["6474020409090301", "6474021707150302", "6474022902160303"]


def test_invisible_characters_inside_ids_are_removed_and_flagged(cleaned):
    """unicode_text_kemendagri: the values are used without the characters, and each is a finding."""
    res = cleaned("unicode_text_kemendagri")
    assert "647401100300002" in set(res.tables["rumah_tangga"]["idbdt"].astype(str))   # ZWSP removed
    art = res.tables["anggota"]
    assert "64740110030000103" in set(art["idartbdt"].astype(str))                    # BOM removed
    assert "6474016210610205" in set(art["nik"].astype(str))                          # NBSP removed, NIK valid
    f = res.temuan[res.temuan["aturan"].astype(str) == "ID_KARAKTER_TAK_TERLIHAT"]
    assert sorted(zip(f["file"].astype(str), f["kolom"].astype(str))) == [
        ("ART_Unicode.txt", "idartbdt"), ("ART_Unicode.txt", "nik"), ("RUTA_Unicode.txt", "idbdt")]
    assert f["tindakan"].astype(str).eq("tandai").all()
    pen = res.tables["penduduk"].sort_values("kode_kelurahan")
    assert pen["jumlah_penduduk"].tolist() == [19850, 15120, 9400]     # 64.74.01.1003, 64.74.02.1002, 64.74.03.1001


def test_unknown_status_word_is_a_finding_naming_the_word(cleaned):
    """xlsx_per_kecamatan: `Hilang` is outside the declared vocabulary Sudah/Belum/Dikembalikan."""
    res = cleaned("xlsx_per_kecamatan")
    f = res.temuan[res.temuan["aturan"].astype(str) == "KKS_STATUS_TIDAK_VALID"]
    assert len(f) == 1 and "Hilang" in f["nilai_tersamar"].iloc[0] and int(f["baris"].iloc[0]) == 8


def test_code_versus_name_disagreements_are_flagged_whichever_wins(cleaned):
    """kode_nama_beda: every disagreement is flagged, whichever side won (contract E)."""
    res = cleaned("kode_nama_beda")
    f = res.temuan[res.temuan["aturan"].astype(str) == "WILAYAH_KODE_NAMA_BEDA"]
    assert sorted(f["baris"].astype(int)) == [3, 4, 5]
    assert f["tindakan"].astype(str).eq("tandai").all()


def test_mixed_id_lengths_are_flagged_per_file_and_column(cleaned):
    """campur_panjang_tsv: one length per file is expected; the rows of another length are flagged."""
    res = cleaned("campur_panjang_tsv")
    f = res.temuan[res.temuan["aturan"].astype(str) == "ID_PANJANG_CAMPUR"]
    by = f.groupby([f["file"].astype(str), f["kolom"].astype(str)]).size().to_dict()
    assert by == {
        ("ruta_campur.tsv", "idbdt"): 2,     # rows 7 (15 digits) and 8 (14) among 16-digit IDBDT
        ("art_campur.tsv", "idbdt"): 4,      # rows 12, 13 (15) and 14, 15 (14) among 16-digit IDBDT
        ("art_campur.tsv", "idartbdt"): 4,   # the same rows: 17 and 16 digits among 18-digit IDARTBDT
    }
    assert f["tindakan"].astype(str).eq("tandai").all()


def test_mpm_recap_of_another_office(cleaned):
    """mpm_rekap_16: sheets named by spelling variants, other header names, 16-digit IDBDT."""
    res = cleaned("mpm_rekap_16")
    mpm = res.tables["mpm"]
    assert {str(k): int(v) for k, v in mpm["kode_kelurahan"].astype(str).value_counts().items()} == {
        "64.74.01.1003": 3,    # sheet Loktuan
        "64.74.01.1005": 1,    # sheet Gn Elai (its second row merged)
        "64.74.02.1002": 1,    # sheet BEREBAS TENGAH
    }
    assert int(mpm["terdaftar_bdt"].sum()) == 4     # every `Sudah terdaftar`: Loktuan rows 3, 5; Gn Elai 2; BEREBAS 2
    assert sorted(mpm["idbdt"].dropna().astype(str)) == ["6474020004000903", "6474020005000901", "6474020005000999"]
    hv = mpm["hasil_verifikasi"].astype("Int64").value_counts(dropna=False).to_dict()
    assert {("NA" if pd.isna(k) else int(k)): int(v) for k, v in hv.items()} == {1: 3, 2: 1, "NA": 1}
    lap = res.tables["mpm_laporan"].set_index("kode_kelurahan")
    assert sorted(lap.index[lap["melapor"].astype(bool)]) == ["64.74.01.1003", "64.74.01.1005", "64.74.02.1002"]
    assert len(lap) == 15 and int(lap["jumlah_baris"].sum()) == 5


# ----------------------------------------------------------------------------------------- item 10
#: For each shape, the required column deleted: (file, sheet or None, header as written, its header row).
DROP: dict[str, tuple[str, str | None, str, int]] = {
    "pbdt_12_14_cp1252": ("ART_6474_2015.xlsx", "ART", "IDARTBDT", 1),
    "siksng_pipe_16_18": ("DTKS_RUTA_6474.csv", None, "ID DTKS", 1),
    "unicode_text_kemendagri": ("ART_Unicode.txt", None, "IDARTBDT", 1),
    "xlsx_per_kecamatan": ("RUTA_Kec_Bontang_Barat.xlsx", "Sheet1", "IDBDT", 3),
    "xls_satu_workbook": ("BDT_KANAAN_BELIMBING.xls", "ART", "IDARTBDT", 1),
    "kode_nama_beda": ("ruta_bps.csv", None, "IDBDT", 1),
    "campur_panjang_tsv": ("art_campur.tsv", None, "IDARTBDT", 1),
    "minimal_wajib_saja": ("anggota.csv", None, "IDARTBDT", 1),
    "mpm_rekap_16": ("RUTA_2015.csv", None, "IDBDT", 1),
    "dtks_2019_siksng": ("SINTETIS_DTKS_ART_6474_2019.txt", None, "ID ART DTKS", 1),
    # satuan: keluarga — the No. KK is the key of both files (idbdt and idartbdt are made from it)
    "dtsen_2025": ("SINTETIS_DTSEN_ANGGOTA_6474_2025.txt", None, "nomor_kartu_keluarga", 1),
}


def _drop_text_column(path: Path, header: str, encoding: str, delim: str) -> None:
    raw = path.read_bytes()
    bom = b""
    for b in (b"\xef\xbb\xbf", b"\xff\xfe"):
        if raw.startswith(b):
            bom, raw = b, raw[len(b):]
    text = raw.decode(encoding)
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(nl)
    cells = [ln.split(delim) for ln in lines]
    j = [c.strip('"') for c in cells[0]].index(header)
    out = nl.join(delim.join(c[:j] + c[j + 1:]) if ln else ln for c, ln in zip(cells, lines))
    path.write_bytes(bom + out.encode(encoding))


def _drop_excel_column(path: Path, sheet: str, header: str, header_row: int) -> Path:
    """openpyxl edits XLSX; an .xls (which nothing here can write) is rewritten as .xlsx with the same
    name stem, every sheet and cell value kept (read by python-calamine)."""
    import openpyxl
    if path.suffix == ".xls":
        from python_calamine import CalamineWorkbook
        wb_in = CalamineWorkbook.from_path(str(path))
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name in wb_in.sheet_names:
            ws = wb.create_sheet(name)
            for r in wb_in.get_sheet_by_name(name).to_python():
                ws.append(r)
        path.unlink()
        path = path.with_suffix(".xlsx")
        wb.save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[header_row]].index(header) + 1
    ws.delete_cols(col)
    wb.save(path)
    return path


@pytest.mark.parametrize("shape", list(SHAPES))
def test_missing_required_column_is_an_input_error(tmp_path, shape):
    raw = _copy(shape, tmp_path)
    file, sheet, header, row = DROP[shape]
    path = raw / file
    if path.suffix in (".xlsx", ".xls"):
        path = _drop_excel_column(path, sheet, header, row)
    elif path.read_bytes().startswith(b"\xff\xfe"):
        _drop_text_column(path, header, "utf-16-le", "\t")
    else:
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError:
            enc = "cp1252"
        first = data.split(b"\n", 1)[0].decode(enc, errors="replace")
        delim = max(";,\t|", key=first.count)
        _drop_text_column(path, header, enc, delim)
    # an output folder from an earlier run: it must come out of the failed run exactly as it went in
    out = tmp_path / "processed" / "2018-05"
    out.mkdir(parents=True)
    (out / "meta.json").write_text('{"sebelumnya": true}\n', encoding="utf-8")
    before = sorted(p.name for p in out.parent.iterdir())
    r = subprocess.run([sys.executable, "-m", "kemiskinan", "clean", "--raw", str(raw), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stdout + r.stderr
    msg = r.stderr
    assert "Traceback" not in msg and "Traceback" not in r.stdout
    assert f"file {path.name}" in msg, msg
    if sheet is not None:
        assert f"sheet '{sheet}'" in msg, msg
    assert re.search(r"baris \d+", msg), msg
    canonical = {"IDARTBDT": "idartbdt", "IDARTDTKS": "idartbdt",
                 "NOMOR_KARTU_KELUARGA": "no_kk"}.get(header.upper().replace(" ", ""), "idbdt")
    assert re.search(rf"\b{canonical}\b|{re.escape(header)}", msg, re.IGNORECASE), msg
    assert sorted(p.name for p in out.iterdir()) == ["meta.json"]
    assert (out / "meta.json").read_text(encoding="utf-8") == '{"sebelumnya": true}\n'
    assert sorted(p.name for p in out.parent.iterdir()) == before     # no temporary folder left behind
