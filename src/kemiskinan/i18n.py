"""Every fixed string of the briefings, in Bahasa Indonesia (the product language) and English.

One table, so a translator or a reviewer sees all wording in one place and a test can check that no
key lacks a language. Strings may hold `{name}` placeholders filled by `t(key, lang, name=...)`.
Data values (kelurahan names, numbers) never live here; they are escaped and formatted elsewhere.
"""
from __future__ import annotations

LANGS = ("id", "en")

STRINGS: dict[str, dict[str, str]] = {
    # ---- document -------------------------------------------------------------------------------
    "judul_dokumen": {"id": "Briefing Kemiskinan", "en": "Poverty Briefing"},
    "untuk_walikota": {"id": "untuk Walikota Bontang", "en": "for the Mayor of Bontang"},
    "untuk_camat": {"id": "untuk Camat {nama}", "en": "for the Head of Kecamatan {nama}"},
    "untuk_lurah": {"id": "untuk Lurah {nama}", "en": "for the Head of Kelurahan {nama}"},
    "periode": {"id": "Periode", "en": "Period"},
    "banner_sintetis": {
        "id": "DATA SINTETIS — bukan data asli; angka hanya untuk uji coba sistem",
        "en": "SYNTHETIC DATA — not real data; numbers are for system testing only",
    },
    "rahasia_agregat": {
        "id": "Hanya angka agregat; tidak memuat nama, NIK, No. KK atau alamat perorangan.",
        "en": "Aggregates only; no names, NIK, family card numbers or personal addresses.",
    },
    # ---- section titles (docs/domain.md §6) ----------------------------------------------------------
    "bagian_ringkasan": {"id": "Ringkasan eksekutif", "en": "Executive summary"},
    "bagian_makro": {"id": "Kemiskinan makro (BPS)", "en": "Macro poverty (BPS)"},
    "bagian_sebaran": {"id": "Sebaran Data Terpadu", "en": "Distribution in the Integrated Database"},
    "bagian_profil": {"id": "Profil rumah tangga miskin", "en": "Profile of poor households"},
    "bagian_cakupan": {"id": "Cakupan program dan ketepatan sasaran", "en": "Programme coverage and targeting"},
    "bagian_prioritas": {"id": "Prioritas wilayah", "en": "Area priorities"},
    "bagian_mpm": {"id": "Pemutakhiran data (MPM)", "en": "Data updating (MPM)"},
    "bagian_rekomendasi": {"id": "Rekomendasi", "en": "Recommendations"},
    "bagian_metodologi": {"id": "Catatan metodologi", "en": "Methodological notes"},
    # ---- headline cards --------------------------------------------------------------------------
    "kartu_keluarga_miskin": {"id": "Keluarga miskin (desil 1–4)", "en": "Poor families (deciles 1–4)"},
    # a target other than desil 1–4 (params `target_desil`): the card and map name it
    "kartu_keluarga_miskin_sasaran": {"id": "Keluarga miskin ({desil})", "en": "Poor families ({desil})"},
    "satuan_persen_keluarga_miskin_sasaran": {"id": "% keluarga miskin ({desil})", "en": "% of poor families ({desil})"},
    "sasaran_desil_rentang": {"id": "desil {a}–{b}", "en": "deciles {a}–{b}"},
    "sasaran_desil_daftar": {"id": "desil {daftar}", "en": "deciles {daftar}"},
    "sasaran_desil_satu": {"id": "desil {a}", "en": "decile {a}"},
    "kartu_keluarga_kks": {"id": "Keluarga pemegang KKS", "en": "Families holding a KKS card"},
    "kartu_cakupan_kks": {"id": "Cakupan KKS", "en": "KKS coverage"},
    "kartu_tanpa_kks": {"id": "Keluarga miskin tanpa KKS", "en": "Poor families without KKS"},
    "kartu_p0": {"id": "Persentase penduduk miskin (P0)", "en": "Poverty headcount (P0)"},
    "kartu_mpm": {"id": "Pendaftar MPM", "en": "MPM registrations"},
    "kartu_kota": {"id": "Kota: {nilai}", "en": "City: {nilai}"},
    "kartu_mpm_melapor": {"id": "{n} dari {total} kelurahan melapor", "en": "{n} of {total} kelurahan reported"},
    "sumber": {"id": "Sumber", "en": "Source"},
    # ---- sources and vintages (defaults; run metadata may override) ------------------------------
    "sumber_bdt": {"id": "PBDT 2015 (TNP2K)", "en": "PBDT 2015 (TNP2K)"},
    "sumber_kks": {"id": "Daftar distribusi KKS 2017, dipadankan dengan PBDT 2015",
                   "en": "KKS distribution list 2017, matched to PBDT 2015"},
    "sumber_mpm": {"id": "Rekap MPM 2018 kelurahan", "en": "Kelurahan MPM 2018 returns"},
    "sumber_bps": {"id": "BPS, Susenas", "en": "BPS, Susenas"},
    "sumber_penduduk": {"id": "Disdukcapil 2017", "en": "Civil registry 2017"},
    "sumber_penduduk_tahun": {"id": "Disdukcapil {tahun}", "en": "Civil registry {tahun}"},
    # a later round (meta.json vintage.bdt other than PBDT 2015) names its own data
    "sumber_bdt_ronde": {"id": "{bdt}", "en": "{bdt}"},
    "sumber_kks_ronde": {"id": "Daftar {kks}, dipadankan dengan {bdt}", "en": "KKS list ({kks}), matched to {bdt}"},
    "periode_bdt": {"id": "PBDT 2015", "en": "PBDT 2015"},
    "periode_kks": {"id": "KKS 2017", "en": "KKS 2017"},
    "periode_mpm": {"id": "MPM 2018", "en": "MPM 2018"},
    # ---- units / labels --------------------------------------------------------------------------
    "satuan_rumah_tangga": {"id": "rumah tangga", "en": "households"},
    "satuan_keluarga": {"id": "keluarga", "en": "families"},
    "satuan_jiwa": {"id": "jiwa", "en": "persons"},
    "satuan_persen": {"id": "persen", "en": "percent"},
    "satuan_persen_keluarga": {"id": "% keluarga", "en": "% of families"},
    "satuan_persen_rt": {"id": "% rumah tangga", "en": "% of households"},
    "satuan_persen_penerima": {"id": "% penerima", "en": "% of recipients"},
    "satuan_persen_penduduk": {"id": "% penduduk", "en": "% of population"},
    "satuan_rupiah": {"id": "rupiah", "en": "rupiah"},
    "wilayah": {"id": "Wilayah", "en": "Area"},
    "penduduk": {"id": "Penduduk", "en": "Population"},
    "kota": {"id": "Kota", "en": "City"},
    "kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "rt": {"id": "RT", "en": "RT"},
    "jumlah": {"id": "Jumlah", "en": "Total"},
    "tahun": {"id": "Tahun", "en": "Year"},
    "program": {"id": "Program", "en": "Programme"},
    "indikator": {"id": "Indikator", "en": "Indicator"},
    "kelompok_desil": {"id": "Kelompok desil", "en": "Decile group"},
    "desil_n": {"id": "Desil {n}", "en": "Decile {n}"},
    "desil_4plus": {"id": "Desil 4+ (di atas 40 %)", "en": "Decile 4+ (above 40 %)"},
    "non_desil": {"id": "Tanpa desil", "en": "No decile"},
    "tidak_di_bdt": {"id": "Tidak di BDT", "en": "Not in BDT"},
    "d1_d2": {"id": "Desil 1–2", "en": "Deciles 1–2"},
    "d3_d4": {"id": "Desil 3–4", "en": "Deciles 3–4"},
    "semua": {"id": "Semua", "en": "All"},
    "target": {"id": "Sasaran", "en": "Target"},
    "cakupan": {"id": "Cakupan", "en": "Coverage"},
    "tidak_menerima": {"id": "Tidak menerima", "en": "Not receiving"},
    "exclusion_error": {"id": "Exclusion error", "en": "Exclusion error"},
    "inclusion_error": {"id": "Inclusion error", "en": "Inclusion error"},
    "penerima_luar_target": {"id": "Penerima di luar sasaran", "en": "Recipients outside target"},
    "tanpa_program": {"id": "Tanpa program", "en": "No programme"},
    "jumlah_rt_tanpa_program": {"id": "RT desil 1–4 tanpa program", "en": "Decile 1–4 households, no programme"},
    "kombinasi": {"id": "Kombinasi program", "en": "Programme combination"},
    "peringkat": {"id": "No.", "en": "No."},
    "prioritas": {"id": "Prioritas", "en": "Priority"},
    "prioritas_n": {"id": "Prioritas {n}", "en": "Priority {n}"},
    "persen_d1_d2": {"id": "% RT desil 1–2", "en": "% HH deciles 1–2"},
    "cakupan_kks": {"id": "Cakupan KKS", "en": "KKS coverage"},
    "rata_kota": {"id": "rata-rata kota", "en": "city average"},
    "pendaftar": {"id": "Pendaftar", "en": "Registered"},
    "terdaftar_bdt": {"id": "Sudah di BDT", "en": "Already in BDT"},
    "baru": {"id": "Baru", "en": "New"},
    "diverifikasi": {"id": "Diverifikasi", "en": "Verified"},
    "belum_diverifikasi": {"id": "Belum diverifikasi", "en": "Not yet verified"},
    "belum": {"id": "Belum", "en": "Pending"},
    "melapor": {"id": "Melapor", "en": "Reported"},
    "belum_melapor": {"id": "belum melapor", "en": "not reported"},
    "ya": {"id": "ya", "en": "yes"},
    "tidak": {"id": "tidak", "en": "no"},
    "hasil_1": {"id": "Selesai diverivali", "en": "Verified (complete)"},
    "hasil_2": {"id": "Tidak ditemukan", "en": "Household not found"},
    "hasil_3": {"id": "Pindah/bangunan tidak ada", "en": "Moved / building gone"},
    "hasil_4": {"id": "Bagian RT lain", "en": "Part of another household"},
    "hasil_5": {"id": "Data ganda", "en": "Duplicate"},
    "art_meninggal": {"id": "ART meninggal", "en": "Members deceased"},
    "art_pindah": {"id": "ART pindah", "en": "Members moved"},
    "art_baru": {"id": "ART baru", "en": "New members"},
    "perubahan_bersih": {"id": "Perubahan bersih RT", "en": "Net change in households"},
    "tanggal_terakhir": {"id": "Laporan terakhir", "en": "Latest report"},
    "biaya_per_tahun": {"id": "Biaya per tahun", "en": "Cost per year"},
    "tidak_ada_data": {"id": "tidak ada data", "en": "no data"},
    # ---- optional inputs that were not supplied (meta.json `masukan`) -----------------
    "masukan_kks_tidak_ada": {
        "id": "Daftar distribusi KKS tidak diberikan untuk periode ini, jadi cakupan KKS tidak dihitung "
              "(tanda – berarti tidak diketahui, bukan 0).",
        "en": "The KKS distribution list was not supplied for this period, so KKS coverage is not computed "
              "(– means unknown, not 0).",
    },
    "masukan_mpm_tidak_ada": {
        "id": "Tidak ada catatan pemutakhiran (MPM) yang diberikan untuk periode ini.",
        "en": "No update (MPM) records were supplied for this period.",
    },
    "masukan_penduduk_tidak_ada": {
        "id": "Data penduduk per kelurahan tidak diberikan, jadi persentase terhadap penduduk tidak ditampilkan.",
        "en": "Population figures per kelurahan were not supplied, so shares of the population are left out.",
    },
    "prioritas_tidak_dihitung": {
        "id": "Prioritas wilayah tidak dihitung karena {apa} tidak diberikan.",
        "en": "Area priorities are not computed because the following was not supplied: {apa}.",
    },
    "apa_kks": {"id": "daftar distribusi KKS", "en": "the KKS distribution list"},
    "apa_penduduk": {"id": "data penduduk per kelurahan", "en": "population per kelurahan"},
    "apa_dan": {"id": "dan", "en": "and"},
    "catatan_bps_kota": {
        "id": "Angka BPS hanya tersedia untuk tingkat kota; angka di bawah ini berlaku untuk seluruh Kota Bontang.",
        "en": "BPS figures exist only at city level; the numbers below are for the whole of Kota Bontang.",
    },
    "catatan_p1p2_naik": {
        "id": "Dari {t0} ke {t1} persentase penduduk miskin (P0) turun, tetapi indeks kedalaman (P1) dan keparahan (P2) naik: penduduk yang tetap miskin menjadi lebih miskin.",
        "en": "From {t0} to {t1} the headcount (P0) fell but the depth (P1) and severity (P2) indices rose: those who stayed poor became poorer.",
    },
    "catatan_p0_arah": {
        "id": "P0 Kota Bontang {arah} dari {v0} ({t0}) menjadi {v1} ({t1}); Kalimantan Timur {vk} ({tk}).",
        "en": "Bontang's P0 {arah} from {v0} ({t0}) to {v1} ({t1}); Kalimantan Timur {vk} ({tk}).",
    },
    "turun": {"id": "turun", "en": "fell"},
    "naik": {"id": "naik", "en": "rose"},
    "tetap": {"id": "tetap", "en": "stayed"},
    "gk": {"id": "GK (Rp)", "en": "Poverty line (Rp)"},
    "gk_catatan": {"id": "GK = garis kemiskinan, rupiah per kapita per bulan.", "en": "Poverty line in rupiah per capita per month."},
    "p0": {"id": "P0 (%)", "en": "P0 (%)"},
    "p1": {"id": "P1", "en": "P1"},
    "p2": {"id": "P2", "en": "P2"},
    "penduduk_miskin": {"id": "Jiwa miskin", "en": "Poor persons"},
    "sebaran_kalimat": {
        "id": "{nama} mencatat {rt} rumah tangga ({jiwa} jiwa) di desil 1–4 {bdt}; {persen} penduduknya tercatat di BDT.",
        "en": "{nama} has {rt} households ({jiwa} persons) in deciles 1–4 of {bdt}; {persen} of its population is in the BDT.",
    },
    "sebaran_anak": {"id": "Keluarga desil 1–4 per {tingkat}", "en": "Decile 1–4 families by {tingkat}"},
    "sebaran_diri": {"id": "Desil di {nama}", "en": "Deciles in {nama}"},
    "peta_judul": {"id": "Persentase penduduk tercatat di BDT per kelurahan", "en": "Share of population in the BDT by kelurahan"},
    "peta_skematis": {"id": "Peta skematis (satu kotak = satu kelurahan, tidak berskala)",
                      "en": "Schematic map (one tile = one kelurahan, not to scale)"},
    "profil_kalimat": {
        "id": "Kondisi dengan selisih terbesar antara desil 1–2 dan desil 3–4: {daftar}.",
        "en": "Conditions with the largest gap between deciles 1–2 and 3–4: {daftar}.",
    },
    "cakupan_kalimat_kota": {
        "id": "Cakupan KKS di {nama}: {cak} ({n} dari {target} keluarga miskin).",
        "en": "KKS coverage in {nama}: {cak} ({n} of {target} poor families).",
    },
    "cakupan_kalimat": {
        "id": "Cakupan KKS di {nama}: {cak} ({n} dari {target} keluarga miskin); kota {cak_kota}.",
        "en": "KKS coverage in {nama}: {cak} ({n} of {target} poor families); city {cak_kota}.",
    },
    "prioritas_kalimat": {
        "id": "Prioritas 1 = proporsi desil 1–2 di atas rata-rata kota dan cakupan KKS di bawah rata-rata kota.",
        "en": "Priority 1 = share in deciles 1–2 above the city average and KKS coverage below it.",
    },
    "prioritas_posisi": {
        "id": "{nama} berada di kuadran prioritas {n}.",
        "en": "{nama} is in priority quadrant {n}.",
    },
    "mpm_kalimat": {
        "id": "{pendaftar} pendaftar MPM; {diverifikasi} sudah diverifikasi, {belum} belum. {melapor} dari {total} kelurahan sudah melapor.",
        "en": "{pendaftar} MPM registrations; {diverifikasi} verified, {belum} not yet. {melapor} of {total} kelurahan have reported.",
    },
    "mpm_tenggat": {
        "id": "Hasil pemutakhiran dilaporkan ke provinsi paling lambat {batas}.",
        "en": "Update results are due at the province by {batas}.",
    },
    "mei_2018": {"id": "Mei 2018", "en": "May 2018"},
    "mpm_funnel_judul": {"id": "Alur pemutakhiran MPM", "en": "MPM update funnel"},
    "mpm_progres_judul": {"id": "Hasil verifikasi MPM per kelurahan", "en": "MPM verification results by kelurahan"},
    # ---- charts ----------------------------------------------------------------------------------
    "grafik_desil": {"id": "Keluarga desil 1–4 per {tingkat}", "en": "Decile 1–4 families by {tingkat}"},
    "grafik_cakupan": {"id": "Cakupan program: {nama} dan kota", "en": "Programme coverage: {nama} and city"},
    "grafik_kebocoran": {"id": "Penerima program menurut desil", "en": "Programme recipients by decile"},
    "grafik_tumpang_tindih": {"id": "Kombinasi program yang diterima rumah tangga", "en": "Programme combinations received by households"},
    "grafik_profil": {"id": "Kondisi rumah tangga: desil 1–2 dan desil 3–4", "en": "Household conditions: deciles 1–2 vs 3–4"},
    "grafik_bps": {"id": "Persentase penduduk miskin (P0)", "en": "Poverty headcount (P0)"},
    "grafik_kuadran": {"id": "Kuadran prioritas kelurahan", "en": "Kelurahan priority quadrants"},
    "grafik_mpm": {"id": "Hasil verifikasi MPM", "en": "MPM verification results"},
    # ---- page 1 (the brief) ----------------------------------------------------------------------
    "sumber_kartu": {"id": "Sumber: keluarga miskin — {bdt}; KKS — {kks}.",
                     "en": "Sources: poor families — {bdt}; KKS — {kks}."},
    "aksi_utama": {"id": "Tiga tindakan utama", "en": "Top three actions"},
    "biaya_tidak_dihitung": {"id": "biaya: – (tanpa nilai manfaat)", "en": "cost: – (no benefit value)"},
    "per_tahun": {"id": "± {biaya} per tahun", "en": "± {biaya} per year"},
    "peta_cakupan_judul": {"id": "Cakupan KKS per kelurahan", "en": "KKS coverage by kelurahan"},
    "satuan_persen_keluarga_miskin": {"id": "% keluarga miskin (desil 1–4)", "en": "% of poor families (deciles 1–4)"},
    "aksi_kks": {"id": "Salurkan KKS ke keluarga miskin yang belum memegangnya",
                 "en": "Deliver KKS cards to poor families without one"},
    "aksi_program": {"id": "Tambahkan keluarga {desil} yang belum menerima {program}",
                     "en": "Add the {desil} families not receiving {program}"},
    "aksi_tanpa_program": {"id": "Jangkau rumah tangga {desil} yang belum menerima program apa pun",
                           "en": "Reach {desil} households that receive no programme"},
    "aksi_prioritas": {"id": "Dahulukan kelurahan prioritas 1", "en": "Put priority-1 kelurahan first"},
    "aksi_mpm_lapor": {"id": "Tagih laporan MPM", "en": "Chase the MPM returns"},
    "aksi_mpm_verifikasi": {"id": "Selesaikan verifikasi pendaftar MPM", "en": "Finish verifying MPM registrations"},
    "mpm_status": {
        "id": "Pemutakhiran MPM: {melapor} dari {total} kelurahan sudah melapor{daftar_belum}; {diverifikasi} dari {pendaftar} pendaftar sudah diverifikasi, {belum} belum; batas lapor ke provinsi {batas}.",
        "en": "MPM update: {melapor} of {total} kelurahan have reported{daftar_belum}; {diverifikasi} of {pendaftar} registrations verified, {belum} not yet; due at the province by {batas}.",
    },
    "mpm_status_belum_lapor": {"id": " (belum: {daftar})", "en": " (not yet: {daftar})"},
    "mpm_status_kel": {
        "id": "Pemutakhiran MPM: {nama} sudah melapor ({tanggal}); {diverifikasi} dari {pendaftar} pendaftar sudah diverifikasi, {belum} belum; batas lapor ke provinsi {batas}.",
        "en": "MPM update: {nama} has reported ({tanggal}); {diverifikasi} of {pendaftar} registrations verified, {belum} not yet; due at the province by {batas}.",
    },
    "mpm_status_kel_belum": {
        "id": "Pemutakhiran MPM: {nama} belum melapor; batas lapor ke provinsi {batas}.",
        "en": "MPM update: {nama} has not reported yet; due at the province by {batas}.",
    },
    "mpm_status_kosong": {"id": "Pemutakhiran MPM: tidak ada data rekap MPM.", "en": "MPM update: no MPM returns in the data."},
    # ---- main findings of charts (alt text and the sentence under each chart) ---------------------
    "temuan_peta": {
        "id": "{min_nama} memiliki {label} terendah ({min_v}), {max_nama} tertinggi ({max_v}){sorot}.",
        "en": "{min_nama} has the lowest {label} ({min_v}), {max_nama} the highest ({max_v}){sorot}.",
    },
    "label_cakupan_kks": {"id": "cakupan KKS", "en": "KKS coverage"},
    "label_persen_bdt": {"id": "persentase penduduk di BDT", "en": "share of population in the BDT"},
    "temuan_peta_sorot": {"id": "; {nama}: {v}, peringkat {r} terendah dari {n}", "en": "; {nama}: {v}, rank {r} of {n} from the lowest"},
    "temuan_peta_sorot_kec": {"id": "; {nama}: {v_min}–{v_max}", "en": "; {nama}: {v_min}–{v_max}"},
    "temuan_desil": {
        "id": "{nama} memiliki {satuan} desil 1–4 terbanyak ({n}){sisa}.",
        "en": "{nama} has the most decile 1–4 {satuan} ({n}){sisa}.",
    },
    "temuan_desil_sisa": {"id": ", {nama} paling sedikit ({n})", "en": ", {nama} the fewest ({n})"},
    "temuan_cakupan": {
        "id": "Cakupan {nama} tertinggi pada {prog} ({v}) dan terendah pada {prog_min} ({v_min}){kota}.",
        "en": "{nama}'s coverage is highest for {prog} ({v}) and lowest for {prog_min} ({v_min}){kota}.",
    },
    "temuan_cakupan_kota": {"id": "; kota untuk {prog_min}: {v}", "en": "; city for {prog_min}: {v}"},
    "temuan_kebocoran": {
        "id": "Porsi penerima di luar desil 1–4 paling besar pada {prog} ({v} penerima).",
        "en": "The share of recipients outside deciles 1–4 is largest for {prog} ({v} of recipients).",
    },
    "temuan_tumpang_tindih": {
        "id": "Kombinasi terbanyak: {kombinasi} ({n} rumah tangga){tanpa}.",
        "en": "Most common combination: {kombinasi} ({n} households){tanpa}.",
    },
    "temuan_tanpa_program": {"id": "; {n} rumah tangga tanpa program", "en": "; {n} households with no programme"},
    "temuan_profil": {
        "id": "Kondisi paling sering di desil 1–2: {label} ({v}; desil 3–4: {v2}).",
        "en": "Most common condition in deciles 1–2: {label} ({v}; deciles 3–4: {v2}).",
    },
    "temuan_bps": {
        "id": "P0 {nama} {arah} dari {v0} ({t0}) menjadi {v1} ({t1}).",
        "en": "{nama}'s P0 {arah} from {v0} ({t0}) to {v1} ({t1}).",
    },
    "temuan_mpm_progres": {
        "id": "Pendaftar MPM terbanyak di {nama} ({n}); {belum} kelurahan belum melapor.",
        "en": "Most MPM registrations in {nama} ({n}); {belum} kelurahan have not reported.",
    },
    "temuan_mpm_funnel": {
        "id": "{diverifikasi} dari {pendaftar} pendaftar MPM sudah diverifikasi ({lengkap} selesai diverivali).",
        "en": "{diverifikasi} of {pendaftar} MPM registrations verified ({lengkap} complete).",
    },
    "temuan_kuadran": {
        "id": "{n} kelurahan di kuadran prioritas 1 (banyak desil 1–2, cakupan KKS rendah): {daftar}.",
        "en": "{n} kelurahan in priority quadrant 1 (many in deciles 1–2, low KKS coverage): {daftar}.",
    },
    "temuan_kuadran_nol": {"id": "Tidak ada kelurahan di kuadran prioritas 1.", "en": "No kelurahan is in priority quadrant 1."},
    # ---- recommendations -------------------------------------------------------------------------
    "opd_dinsos": {"id": "Dinsos-PM", "en": "Social Affairs (Dinsos-PM)"},
    "opd_bapelitbang": {"id": "Bapelitbang", "en": "Planning agency (Bapelitbang)"},
    "opd_disdukcapil": {"id": "Disdukcapil", "en": "Civil registry (Disdukcapil)"},
    "opd_kelurahan": {"id": "Kelurahan", "en": "Kelurahan offices"},
    "rek_kks": {
        "id": "Salurkan KKS kepada {n} keluarga miskin di {nama} yang belum memegangnya{rincian}.",
        "en": "Deliver KKS cards to the {n} poor families in {nama} who do not hold one{rincian}.",
    },
    "rek_rincian": {"id": "; terbanyak di {daftar}", "en": "; most in {daftar}"},
    "rek_biaya": {
        "id": "Menambahkan {n} keluarga yang belum menerima {program} butuh sekitar {biaya} per tahun ({manfaat} per keluarga per bulan).",
        "en": "Adding the {n} families not receiving {program} costs about {biaya} per year ({manfaat} per family per month).",
    },
    "rek_prioritas": {
        "id": "Dahulukan kelurahan prioritas 1: {daftar} (banyak desil 1–2, cakupan KKS rendah).",
        "en": "Put priority-1 kelurahan first: {daftar} (many in deciles 1–2, low KKS coverage).",
    },
    "rek_inklusi": {
        "id": "Periksa ulang penerima di luar desil 1–4: {daftar}.",
        "en": "Re-check recipients outside deciles 1–4: {daftar}.",
    },
    "rek_inklusi_item": {"id": "{program} {n} {satuan} ({persen} penerima)", "en": "{program} {n} {satuan} ({persen} of recipients)"},
    "singkat_keluarga": {"id": "KK", "en": "fam."},
    "singkat_rumah_tangga": {"id": "RT", "en": "HH"},
    "catatan_satuan_program": {
        "id": "KK = keluarga (KKS, daftar {kks}); RT = rumah tangga (program lain, isian {bdt}).",
        "en": "fam. = families (KKS, list {kks}); HH = households (other programmes, {bdt} flags).",
    },
    "rek_tidak_di_bdt": {
        "id": "Padankan penerima yang tidak ditemukan di BDT dengan data kependudukan (NIK/No. KK): {daftar}.",
        "en": "Match recipients not found in the BDT against civil-registry data (NIK/family card): {daftar}.",
    },
    "rek_mpm_lapor": {
        "id": "Tagih laporan MPM dari kelurahan yang belum melapor: {daftar}; batas lapor ke provinsi {batas}.",
        "en": "Chase the MPM returns of kelurahan that have not reported: {daftar}; due at the province by {batas}.",
    },
    "rek_mpm_verifikasi": {
        "id": "Selesaikan verifikasi {n} pendaftar MPM yang belum dikunjungi{rincian}.",
        "en": "Finish verifying the {n} MPM registrations not yet visited{rincian}.",
    },
    "rek_tanpa_program": {
        "id": "Jangkau {n} rumah tangga {desil} yang belum menerima program apa pun{rincian}.",
        "en": "Reach the {n} {desil} households that receive no programme at all{rincian}.",
    },
    "rek_kosong": {"id": "Tidak ada tindak lanjut yang ditunjukkan oleh data.", "en": "The data point to no follow-up."},
    # ---- methodology -----------------------------------------------------------------------------
    "met_definisi": {"id": "Definisi", "en": "Definitions"},
    "met_sumber": {"id": "Sumber dan tahun data", "en": "Sources and data vintages"},
    "met_kerahasiaan": {"id": "Kerahasiaan", "en": "Confidentiality"},
    "met_proses": {"id": "Proses pembuatan", "en": "Production"},
    "def_rt": {
        "id": "Rumah tangga (RT): orang yang tinggal serumah dan makan dari satu dapur; satu RT dapat berisi beberapa keluarga.",
        "en": "Household (rumah tangga): people living in one dwelling and eating from one kitchen; it may contain several families.",
    },
    "def_keluarga": {
        "id": "Keluarga: satu Kartu Keluarga di dalam rumah tangga (IDBDT + nomor urut keluarga). KKS diberikan per keluarga.",
        "en": "Family (keluarga): one family card within a household (IDBDT + family number). KKS is issued per family.",
    },
    "def_jiwa": {"id": "Jiwa: anggota rumah tangga (orang).", "en": "Persons (jiwa): household members."},
    "def_desil": {
        "id": "Desil: peringkat kesejahteraan nasional {bdt}; desil 1 = 10 % termiskin. Keluarga miskin = desil 1–4 (40 % terbawah).",
        "en": "Decile: national {bdt} welfare ranking; decile 1 = poorest 10 %. Poor families = deciles 1–4 (bottom 40 %).",
    },
    "def_cakupan": {
        "id": "Cakupan = sasaran yang menerima ÷ seluruh sasaran. Exclusion error = 1 − cakupan. Inclusion error = penerima di luar sasaran ÷ seluruh penerima.",
        "en": "Coverage = targets receiving ÷ all targets. Exclusion error = 1 − coverage. Inclusion error = recipients outside the target ÷ all recipients.",
    },
    "def_kks": {
        "id": "Pemegang KKS: keluarga yang kartunya berstatus TERSALUR pada daftar distribusi dan cocok dengan BDT (lewat No. KK atau NIK).",
        "en": "KKS holder: a family whose card is marked TERSALUR (delivered) in the distribution list and matched to the BDT (by family card or NIK).",
    },
    "def_prioritas": {
        "id": "Analisis kuadran: kelurahan dibandingkan dengan rata-rata kota pada dua indikator; prioritas 1 bila keduanya lebih buruk, 4 bila keduanya lebih baik.",
        "en": "Quadrant analysis: each kelurahan is compared with the city average on two indicators; priority 1 if worse on both, 4 if better on both.",
    },
    "def_bps": {
        "id": "P0, P1, P2: ukuran Foster–Greer–Thorbecke dari Susenas (BPS), tingkat kota; BDT tidak memuat pengeluaran sehingga tidak dapat menghitungnya.",
        "en": "P0, P1, P2: Foster–Greer–Thorbecke measures from Susenas (BPS), city level; the BDT holds no expenditure data and cannot compute them.",
    },
    "kerahasiaan_teks": {
        "id": "Briefing ini hanya memuat angka agregat (UU 24/2013 Pasal 79 dan 95A). Sel berisi jumlah kecil ditekan dan ditulis “–*”, tidak pernah 0.",
        "en": "This briefing holds aggregates only (Law 24/2013 art. 79 and 95A). Small cells are suppressed and shown as “–*”, never 0.",
    },
    "run_id": {"id": "ID proses", "en": "Run ID"},
    "git_sha": {"id": "Versi kode (git)", "en": "Code version (git)"},
    "versi": {"id": "Versi paket", "en": "Package version"},
    "dibuat": {"id": "Dibuat", "en": "Generated"},
    "berkas_masukan": {"id": "Berkas masukan", "en": "Input files"},
    "halaman_dari": {"id": "Halaman {x} dari {y}", "en": "Page {x} of {y}"},
    # ---- comparison with the previous period (section `banding`, page 1's "Sejak …" line) ---------
    "bagian_banding": {"id": "Perubahan sejak {periode}", "en": "Changes since {periode}"},
    "bagian_banding_umum": {"id": "Perubahan sejak periode sebelumnya", "en": "Changes since the previous period"},
    "banding_tanpa_pendahulu": {
        "id": "Belum ada periode sebelumnya yang sudah dibangun, jadi belum ada angka yang dapat dibandingkan.",
        "en": "No earlier period has been built yet, so there is nothing to compare.",
    },
    "banding_sejak": {
        "id": "Sejak {periode}: keluarga miskin {a} → {b} ({d}), cakupan KKS {x} → {y} ({z} poin); "
              "{keluar} keluarga keluar dari sasaran, {masuk} masuk.",
        "en": "Since {periode}: poor families {a} → {b} ({d}), KKS coverage {x} → {y} ({z} points); "
              "{keluar} families left the target group, {masuk} entered.",
    },
    "banding_angka_utama": {"id": "Empat angka utama {nama}, {p0} → {p1}", "en": "The four headline numbers of {nama}, {p0} → {p1}"},
    "perubahan": {"id": "Perubahan", "en": "Change"},
    "satuan_poin": {"id": "poin", "en": "points"},
    "banding_keluar_kalimat": {
        "id": "Dari {n0} keluarga miskin di {nama} pada {p0}, {tetap} masih dalam sasaran di sini pada {p1}; "
              "{keluar} keluar: {keluar_target} masih ada di data tetapi tidak lagi dalam sasaran, "
              "{keluar_data} tidak ada lagi di data{pindah}.",
        "en": "Of the {n0} poor families in {nama} in {p0}, {tetap} are still in the target group here in {p1}; "
              "{keluar} left: {keluar_target} are still in the data but no longer in the target group, "
              "{keluar_data} are no longer in the data{pindah}.",
    },
    "banding_pindah_keluar": {"id": ", {n} pindah ke kelurahan di luar {nama} (masih dalam sasaran)",
                              "en": ", {n} moved to a kelurahan outside {nama} (still in the target group)"},
    "banding_masuk_kalimat": {
        "id": "Pada {p1} ada {n1} keluarga miskin; {masuk} masuk: {masuk_data} sebelumnya ada di data tetapi di "
              "luar sasaran, {masuk_baru} baru di data{pindah}.",
        "en": "In {p1} there are {n1} poor families; {masuk} entered: {masuk_data} were in the data before but "
              "outside the target group, {masuk_baru} are new to the data{pindah}.",
    },
    "banding_pindah_masuk": {"id": ", {n} pindah dari kelurahan di luar {nama}",
                             "en": ", {n} moved in from a kelurahan outside {nama}"},
    "banding_tanpa_kunci": {
        "id": "Keluarga dipadankan antarperiode dengan No. KK. {a} keluarga sasaran {p0} dan {b} keluarga sasaran "
              "{p1} tidak dapat dipadankan, karena No. KK-nya kosong atau dipakai oleh lebih dari satu keluarga "
              "dalam periode yang sama; mereka tidak dihitung sebagai tetap, keluar atau masuk.",
        "en": "Families are matched across periods by their family card number (No. KK). {a} target families of "
              "{p0} and {b} of {p1} cannot be matched, because their No. KK is missing or held by more than one "
              "family in the same period; they are counted neither as staying, leaving nor entering.",
    },
    "banding_semua_terpadankan": {
        "id": "Keluarga dipadankan antarperiode dengan No. KK; semua keluarga sasaran kedua periode dapat dipadankan.",
        "en": "Families are matched across periods by their family card number (No. KK); every target family of "
              "both periods could be matched.",
    },
    "banding_alur_judul": {"id": "Keluarga miskin yang tetap, keluar dan masuk, per kelurahan",
                           "en": "Poor families staying, leaving and entering, by kelurahan"},
    "kolom_tetap": {"id": "Tetap", "en": "Stayed"},
    "kolom_keluar": {"id": "Keluar", "en": "Left"},
    "kolom_masuk": {"id": "Masuk", "en": "Entered"},
    "banding_alur_catatan": {
        "id": "Tetap: dalam sasaran pada kedua periode, di kelurahan yang sama. Keluar: tidak lagi dalam sasaran, "
              "tidak ada lagi di data, atau pindah ke kelurahan lain. Masuk: sebelumnya di luar sasaran, baru di "
              "data, atau pindah dari kelurahan lain. Baris jumlah adalah angka {nama} sendiri: keluarga yang "
              "pindah antarkelurahan di dalam {nama} tidak keluar dari sasarannya. Keluarga yang tidak dapat "
              "dipadankan tidak masuk kolom Tetap, Keluar atau Masuk.",
        "en": "Stayed: in the target group in both periods, in the same kelurahan. Left: no longer in the target "
              "group, no longer in the data, or moved to another kelurahan. Entered: outside the target group "
              "before, new to the data, or moved in from another kelurahan. The total row is {nama}'s own: "
              "families moving between kelurahan within {nama} did not leave its target group. Families that "
              "cannot be matched are in none of Stayed, Left or Entered.",
    },
    "banding_prioritas_berubah": {"id": "Kelurahan yang kuadran prioritasnya berubah: {daftar}.",
                                  "en": "Kelurahan whose priority quadrant changed: {daftar}."},
    "banding_prioritas_tetap": {"id": "Kelurahan yang kuadran prioritasnya berubah: tidak ada.",
                                "en": "Kelurahan whose priority quadrant changed: none."},
    "banding_prioritas_item": {"id": "{nama} (prioritas {a} → {b})", "en": "{nama} (priority {a} → {b})"},
    "banding_prioritas_kel": {"id": "{nama}: kuadran prioritas {a} pada {p0}, {b} pada {p1}.",
                              "en": "{nama}: priority quadrant {a} in {p0}, {b} in {p1}."},
    "banding_target_beda": {
        "id": "Definisi sasaran kedua periode berbeda ({t0} pada {p0}, {t1} pada {p1}): sebagian perubahan "
              "jumlah keluarga miskin berasal dari perubahan definisi ini, bukan dari perubahan keadaan keluarga.",
        "en": "The two periods define the target group differently ({t0} in {p0}, {t1} in {p1}): part of the "
              "change in poor families comes from this change of definition, not from families' circumstances.",
    },
    "banding_target_label": {"id": "{target} dari {skema} desil", "en": "{target} of {skema} deciles"},
    "grafik_tren": {"id": "Keluarga miskin dan cakupan KKS per periode", "en": "Poor families and KKS coverage by period"},
    "satuan_tren": {"id": "keluarga; % keluarga miskin", "en": "families; % of poor families"},
    "temuan_tren": {
        "id": "Keluarga miskin di {nama} {arah} dari {a} ({p0}) menjadi {b} ({p1}); cakupan KKS dari {x} menjadi {y}.",
        "en": "Poor families in {nama} {arah} from {a} ({p0}) to {b} ({p1}); KKS coverage from {x} to {y}.",
    },
    "temuan_tren_tetap": {
        "id": "Keluarga miskin di {nama} tetap {a} dari {p0} sampai {p1}; cakupan KKS dari {x} menjadi {y}.",
        "en": "Poor families in {nama} stayed at {a} from {p0} to {p1}; KKS coverage from {x} to {y}.",
    },
    "sumber_tren": {"id": "tabel indikator setiap periode yang sudah dibangun",
                    "en": "indicator tables of every period built"},
    # ---- index page ------------------------------------------------------------------------------
    "indeks_judul": {"id": "Daftar briefing kemiskinan", "en": "Poverty briefings"},
    "buka_html": {"id": "Buka", "en": "Open"},
    "unduh_pdf": {"id": "PDF (A4)", "en": "PDF (A4)"},
}

# Programme codes as the indicator tables spell them (contracts §3 `program`) → display names.
PROGRAM = {
    "kks": "KKS", "pkh": "PKH", "kis": "KIS", "kip": "KIP", "raskin": "Rastra", "rastra": "Rastra",
    "bpnt": "BPNT", "kur": "KUR", "bpjs_mandiri": "BPJS Mandiri", "jamsostek": "Jamsostek",
    "asuransi": "Asuransi",
}

def t(key: str, lang: str = "id", **values: object) -> str:
    """The fixed string `key` in `lang`, with `{placeholders}` filled from `values`.

    Unknown keys raise KeyError (a typo must fail a test, not print a key into a mayor's briefing).
    """
    if lang not in LANGS:
        raise ValueError(f"bahasa tidak dikenal: {lang!r} (pakai 'id' atau 'en')")
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def program_name(code: str) -> str:
    """Display name of a programme code (`kks` → `KKS`); unknown codes are shown upper-cased."""
    c = str(code).strip()
    return PROGRAM.get(c.lower(), c.upper() if len(c) <= 6 else c)


def desil_label(kelompok: object, lang: str = "id") -> str:
    """Label of a `kelompok_desil` value (`1`…`4`, `4+`, `non-desil`, `tidak_di_bdt`)."""
    k = str(kelompok).strip().lower()
    if k in {"1", "2", "3", "4"}:
        return t("desil_n", lang, n=k)
    if k == "4+":
        return t("desil_4plus", lang)
    if k in {"non-desil", "non_desil", "nondesil"}:
        return t("non_desil", lang)
    if k in {"tidak_di_bdt", "non-bdt", "non_bdt", "luar_bdt", "tidak di bdt"}:
        return t("tidak_di_bdt", lang)
    return str(kelompok)


def tingkat_label(tingkat: str, lang: str = "id") -> str:
    return t(tingkat, lang) if tingkat in {"kota", "kecamatan", "kelurahan", "rt"} else tingkat


def all_strings() -> list[str]:
    """Every fixed briefing string in every language (the PII guard treats their words as not-a-name)."""
    return [text for by_lang in STRINGS.values() for text in by_lang.values()]
