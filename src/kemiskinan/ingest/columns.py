"""The canonical column names of raw tables (contracts §1): what a header is normalised to, and what the
source profiles may map headers onto. Plain data, imported by the readers and by the profile loader."""

# Canonical column names. Every known header of contracts §1 in normalised form maps to itself; the
# aliases (`readers.ALIASES`, from the built-in source profile) add the variants seen in practice (§1.6).
CANONICAL = {
    # identifiers
    "idbdt", "idartbdt", "nik", "no_kk", "nik_pengurus", "nopesertapkh",
    # wilayah
    "kdprop", "kdkab", "kdkec", "kddesa", "nmprop", "nmkab", "nmkec", "nmkel", "kecamatan", "kelurahan",
    "kode_wilayah", "alamat", "nama_sls", "rt",
    # household
    "nomor_urut_rumah_tangga", "nama_krt", "jumlah_art", "jumlah_keluarga", "sta_bangunan", "sta_lahan",
    "luas_lantai", "lantai", "dinding", "kondisi_dinding", "atap", "kondisi_atap", "jumlah_kamar",
    "sumber_airminum", "nomor_meter_air", "cara_peroleh_airminum", "sumber_penerangan", "daya", "nomor_pln",
    "bb_masak", "nomor_gas", "fasbab", "kloset", "buang_tinja", "ada_tabung_gas", "ada_lemari_es", "ada_ac",
    "ada_pemanas", "ada_telepon", "ada_tv", "ada_emas", "ada_laptop", "ada_sepeda", "ada_motor", "ada_mobil",
    "ada_perahu", "ada_motor_tempel", "ada_perahu_motor", "ada_kapal", "aset_tak_bergerak", "luas_atb",
    "rumah_lain", "jumlah_sapi", "jumlah_kerbau", "jumlah_kuda", "jumlah_babi", "jumlah_kambing",
    "sta_art_usaha", "sta_kks", "sta_kip", "sta_kis", "sta_bpjs_mandiri", "sta_jamsostek", "sta_asuransi",
    "sta_pkh", "sta_raskin", "sta_kur", "status_kesejahteraan", "percentile",
    # member
    "nama", "jnskel", "tmplahir", "tgllahir", "hub_krt", "nuk", "hubkel", "umur", "sta_kawin",
    "ada_akta_nikah", "ada_dikk", "ada_kartu_identitas", "sta_hamil", "jenis_cacat", "penyakit_kronis",
    "partisipasi_sekolah", "pendidikan_tertinggi", "kelas_tertinggi", "ijazah_tertinggi", "sta_bekerja",
    "jumlah_jamkerja", "lapangan_usaha", "status_pekerjaan", "namagadis_ibukandung",
    # KKS
    "no", "no_kks", "nama_pengurus", "status_kartu", "tanggal_distribusi",
    # MPM
    "tanggal_pendaftaran", "nama_kepala_rumah_tangga", "status_identifikasi", "hasil_verifikasi",
    "tanggal_verifikasi", "art_meninggal", "art_pindah", "art_baru",
    # penduduk
    "jumlah_penduduk", "jumlah_rumah_tangga", "jumlah_kk", "tahun", "sumber",
    "keterangan",
}
