"""Every cleaning rule once: its id, its action (`tolak`, `tandai`, `gabung`) and its message.

`RULES` is rendered into docs/cleaning_rules.md (`clean.schemas.write_cleaning_rules`) and read by the
quality report; each finding in `temuan.parquet` carries one of these ids.
"""
from __future__ import annotations

from dataclasses import dataclass

from kemiskinan.domain import nik as nikmod

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

#: Messages of the family and member rejections under `satuan: keluarga`, where the IDs come from the No. KK.
PESAN_KELUARGA = {
    "IDBDT_TIDAK_VALID": "No. KK keluarga kosong atau bukan deretan angka (satuan keluarga: No. KK adalah ID "
                         "keluarga): keluarga tidak bisa dihubungkan",
    "IDARTBDT_TIDAK_VALID": "No. KK anggota kosong atau bukan deretan angka (satuan keluarga: ID anggota dibentuk "
                            "dari No. KK): anggota tidak bisa dihubungkan ke keluarga",
    "ART_TANPA_RUTA": "No. KK anggota tidak ada di file keluarga",
}
