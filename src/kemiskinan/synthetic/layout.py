"""Every generated file's name and header, and the marks they carry.

Round 1's five raw files (docs/contracts.md §1) and the later rounds' files (§1.8), plus the header of the
flow truth (`banding_alur`). Nothing here computes: the simulation and the writers import these names.
"""
from __future__ import annotations

SYNTHETIC_MARK = "DATA SINTETIS - BUKAN DATA ASLI"
GENERATOR_VERSION = 1         # in round 1's README parameters line: bump when a seed's bytes change
ROUNDS_GENERATOR_VERSION = 1  # the same for the later rounds

FILE_RUTA = "SINTETIS_BDT2015_RT_6474.csv"
FILE_ART = "SINTETIS_BDT2015_ART_6474.csv"
FILE_KKS_XLSX = "SINTETIS_KKS_Distribusi_2017.xlsx"
FILE_KKS_CSV = "SINTETIS_KKS_Distribusi_2017.csv"
FILE_MPM = "SINTETIS_MPM_2018.xlsx"
FILE_PENDUDUK = "SINTETIS_Penduduk_Kelurahan_2017.csv"
FILE_README = "README.md"
# openpyxl writes a workbook row by row, so a big xlsx file would dominate the run time: above this many rows
# the KKS list is written as `;` CSV instead.
KKS_XLSX_MAX_ROWS = 20_000
MPM_MAX_ROWS = 2_000            # the MPM workbook is capped for the same reason (600 rows when calibrated)

# Round 1: PBDT 2015 household (ruta) and member (ART) CSVs, KKS 2017, MPM 2018, population 2017
RUTA_COLUMNS = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NMPROP", "NMKAB", "NMKEC", "NMKEL", "Alamat",
                "Nama_SLS", "Nomor_Urut_Rumah_Tangga", "Nama_KRT", "Jumlah_ART", "Jumlah_Keluarga",
                "sta_bangunan", "sta_lahan", "luas_lantai", "lantai", "dinding", "kondisi_dinding", "atap",
                "kondisi_atap", "jumlah_kamar", "sumber_airminum", "cara_peroleh_airminum", "sumber_penerangan",
                "daya", "bb_masak", "fasbab", "kloset", "buang_tinja", "ada_tabung_gas", "ada_lemari_es", "ada_ac",
                "ada_pemanas", "ada_telepon", "ada_tv", "ada_emas", "ada_laptop", "ada_sepeda", "ada_motor",
                "ada_mobil", "ada_perahu", "ada_motor_tempel", "ada_perahu_motor", "ada_kapal",
                "aset_tak_bergerak", "rumah_lain", "jumlah_sapi", "jumlah_kambing", "sta_art_usaha", "sta_kks",
                "sta_kip", "sta_kis", "sta_bpjs_mandiri", "sta_jamsostek", "sta_asuransi", "sta_pkh",
                "sta_raskin", "sta_kur", "status_kesejahteraan", "percentile", "KETERANGAN"]
ART_COLUMNS = ["IDBDT", "IDARTBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoPesertaPKH", "Nama", "JnsKel",
               "TmpLahir", "TglLahir", "NIK", "NoKK", "Hub_KRT", "NUK", "Hubkel", "Umur", "Sta_kawin",
               "Ada_akta_nikah", "Ada_diKK", "Ada_kartu_identitas", "Sta_hamil", "Jenis_cacat",
               "Penyakit_kronis", "Partisipasi_sekolah", "Pendidikan_tertinggi", "Kelas_tertinggi",
               "Ijazah_tertinggi", "Sta_Bekerja", "Jumlah_jamkerja", "Lapangan_usaha", "Status_pekerjaan",
               "namagadis_ibukandung", "KETERANGAN"]
KKS_COLUMNS = ["No", "NIK Pengurus", "Nama Pengurus", "No. KK", "Alamat", "Kecamatan", "Kelurahan",
               "Status Kartu", "Tanggal Distribusi"]
MPM_COLUMNS = ["No", "Tanggal Pendaftaran", "NIK", "No KK", "Nama Kepala Rumah Tangga", "Alamat", "RT", "IDBDT",
               "Status Identifikasi", "Hasil Verifikasi", "Tanggal Verifikasi", "Jumlah ART", "ART Meninggal",
               "ART Pindah", "ART Baru"]
PENDUDUK_COLUMNS = ["Kode Wilayah", "Kecamatan", "Kelurahan", "Jumlah Penduduk", "Jumlah Rumah Tangga",
                    "Jumlah KK", "Tahun", "Sumber", "KETERANGAN"]
STATUS_KARTU = ["", "TERSALUR", "BELUM TERSALUR", "DIKEMBALIKAN"]

# Later rounds: headers exactly as docs/contracts.md §1.8 writes them, `|` between names.
DTKS_ART_COLUMNS = ("ID DTKS|ID ART DTKS|PROVINSI|KABUPATEN/KOTA|KECAMATAN|DESA/KELUARAHAN|ALAMAT|RT|RW|NOKK|NIK|NAMA|"
                    "TANGGAL LAHIR|TEMPAT LAHIR|JENIS KELAMIN|PEKERJAAN|NAMA IBU KANDUNG|HUB KRT|NUK|HUB KELUARGA|"
                    "KETERANGAN PADAN|BANSOS BPNT|BANSOS PKH|PBI JKN").split("|")
HOUSING_COLUMNS = RUTA_COLUMNS[15:51]     # sta_bangunan … jumlah_kambing: what the 2015 sample writes
DTKS_RUTA_COLUMNS = ("ID DTKS|PROVINSI|KABUPATEN/KOTA|KECAMATAN|DESA/KELUARAHAN|ALAMAT|RT|RW|JUMLAH ART|"
                     "JUMLAH KELUARGA|DESIL|PERSENTIL").split("|") + [c.upper() for c in HOUSING_COLUMNS] + [
                         "ADA_KKS", "ADA_PKH", "ADA_BPNT", "ADA_PBI", "ADA_KIP"]
DTSEN_KELUARGA_COLUMNS = ("kode_provinsi|provinsi|kode_kabupaten_kota|kabupaten_kota|kode_kecamatan|kecamatan|"
                          "kode_kelurahan_desa|kelurahan_desa|alamat|rt|rw|nomor_kartu_keluarga|jumlah_anggota_keluarga|"
                          "nama_kepala_keluarga|desil_nasional|desil_provinsi|desil_kabupaten_kota").split("|") + (
                              HOUSING_COLUMNS + ["ada_kks", "ada_pkh", "ada_bpnt", "ada_pbi", "ada_kip"])
DTSEN_ANGGOTA_COLUMNS = ("nomor_induk_kependudukan|nomor_kartu_keluarga|nama|tempat_lahir|tanggal_lahir|jenis_kelamin|"
                         "status_hubungan_keluarga|status_kawin|partisipasi_sekolah|ijazah_tertinggi|"
                         "status_pekerjaan").split("|")
# The flow truth, as the pipeline's banding_alur table (docs/indicators.md)
ALUR_COLUMNS = ("kode_wilayah|tingkat|nama|periode|periode_sebelumnya|n_sebelumnya|n_sekarang|tetap|pindah_masuk|"
                "pindah_keluar|masuk_dari_data|masuk_baru|keluar_dari_target|keluar_dari_data|tanpa_kunci_sebelumnya|"
                "tanpa_kunci").split("|")
