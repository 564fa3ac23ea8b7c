"""Indicators: hand-computed micro examples, suppression, FGT, metadata and sanity checks.

The micro data set below follows docs/contracts.md §2 exactly and is small enough to check on paper:
two kelurahan (Lok Tuan `LT`, Tanjung Laut `TL`), six rumah tangga, seven keluarga, thirteen jiwa.

    hh  kel RT   desil       keluarga (kks)            Blok V flags        members (hub_krt sex age …)
    H1  LT  001  1           n1 KKS, n2 no KKS         KKS PKH KIS Raskin  L45 head, P40 chronic, L10 out of school
    H2  LT  001  2           n1 KKS                    KIS                 P65 head not working, P8 in school
    H3  LT  002  4+ (pct 55) n1 KKS (inclusion)        KIS                 L30 head, disabled
    H4  TL  001  3           n1 belum tersalur         —                   L50, P45, L15 in school, P17 out of school
    H5  TL  001  4           n1 KKS                    Raskin              P35 head, L5
    H6  TL  003  non-desil   n1 none                   —                   L70 head not working

KKS list: the five matched rows above plus one TERSALUR row in TL not found in BDT and one BELUM
TERSALUR row in LT not found (which does not count).
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kemiskinan.domain import wilayah
from kemiskinan.errors import CheckError, ParameterError
from kemiskinan.indicators import (INDICATOR_TABLES, all_meta, check_fgt, check_p0_monotone, compute_all, fgt, fgt_all,
                                   load_all, manfaat_table, meta, quadrant, render_indicator_docs, suppress,
                                   write_all)
from kemiskinan.indicators import _base as B
from kemiskinan.indicators import _meta as meta_mod
from kemiskinan.indicators import bps, io, profil, programs, schemas
from kemiskinan.indicators import tables as T

KOTA, BU, BS = "64.74", "64.74.01", "64.74.02"
LT, TL = "64.74.01.1003", "64.74.02.1001"
def micro_clean():
    H = [  # idbdt, kel, rt, desil, kelompok, art, nkel, flags kks pkh kis kip raskin, lantai, dinding, kd, atap, ka, air, fas, tinja, pen, daya, bb, luas
        ("H1", LT, "001", 1, "1", 3, 2, (1,1,1,0,1), 9, 3, 2, 6, 1, 7, 4, 3, 1, 1, 8, 20.0),
        ("H2", LT, "001", 2, "2", 2, 1, (0,0,1,0,0), 2, 1, 1, 4, 1, 3, 1, 1, 1, 2, 3, 36.0),
        ("H3", LT, "002", None, "4+", 1, 1, (0,0,1,0,0), 6, 1, 1, 4, 2, 2, 1, 1, 1, 1, 3, 30.0),
        ("H4", TL, "001", 3, "3", 4, 1, (0,0,0,0,0), 2, 1, 1, 6, 1, 5, 2, 1, 2, None, 5, 30.0),
        ("H5", TL, "001", 4, "4", 2, 1, (0,0,0,0,1), 2, 1, 1, 6, 1, 3, 1, 1, 1, 2, 3, 40.0),
        ("H6", TL, "003", None, "non-desil", 1, 1, (0,0,0,0,0), 4, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 50.0),
    ]
    rows = []
    for (i, kel, rt, des, kd_, art, nk, fl, lantai, dinding, kdin, atap, katap, air, fas, tinja, pen, daya, bb, luas) in H:
        rows.append(dict(idbdt=i, kode_kecamatan=wilayah.get(kel).induk, kode_kelurahan=kel, rt=rt,
                         jumlah_art=art, jumlah_keluarga=nk, desil=des, percentile=55 if kd_ == "4+" else None,
                         kelompok_desil=kd_, sta_bangunan=1, sta_lahan=1, luas_lantai=luas, lantai=lantai,
                         dinding=dinding, kondisi_dinding=kdin, atap=atap, kondisi_atap=katap, jumlah_kamar=2,
                         sumber_airminum=air, cara_peroleh_airminum=2, sumber_penerangan=pen, daya=daya,
                         bb_masak=bb, fasbab=fas, kloset=1, buang_tinja=tinja,
                         sta_kks=bool(fl[0]), sta_pkh=bool(fl[1]), sta_kis=bool(fl[2]), sta_kip=bool(fl[3]),
                         sta_raskin=bool(fl[4]), sta_kur=False, sta_bpjs_mandiri=False, sta_jamsostek=False,
                         sta_asuransi=False, sta_art_usaha=False, ada_tv=True,
                         sumber_file="micro", baris_sumber=len(rows) + 2))
    ruta = pd.DataFrame(rows)
    ruta["desil"] = ruta["desil"].astype("Int8"); ruta["percentile"] = ruta["percentile"].astype("Int16")
    for c in ["lantai","dinding","kondisi_dinding","atap","kondisi_atap","sumber_airminum","sumber_penerangan","daya","bb_masak","fasbab","buang_tinja","sta_bangunan","sta_lahan","kloset","cara_peroleh_airminum"]:
        ruta[c] = ruta[c].astype("Int8")
    ruta["kelompok_desil"] = pd.Categorical(ruta["kelompok_desil"], categories=["1","2","3","4","4+","non-desil"])
    K = [("H1",1,True,"tersalur"),("H1",2,False,"tidak_ada"),("H2",1,True,"tersalur"),("H3",1,True,"tersalur"),
         ("H4",1,False,"belum_tersalur"),("H5",1,True,"tersalur"),("H6",1,False,"tidak_ada")]
    hh = ruta.set_index("idbdt")
    kel = pd.DataFrame([dict(idbdt=i, nuk=n, no_kk=f"64740{i[-1]}{n}", kode_kecamatan=hh.at[i,"kode_kecamatan"],
                             kode_kelurahan=hh.at[i,"kode_kelurahan"], rt=hh.at[i,"rt"], desil=hh.at[i,"desil"],
                             kelompok_desil=hh.at[i,"kelompok_desil"], jumlah_art=1, kks=k, kks_status=s,
                             sumber_file="micro", baris_sumber=2) for i,n,k,s in K])
    kel["desil"] = kel["desil"].astype("Int8"); kel["kks"] = kel["kks"].astype("boolean")
    kel["kelompok_desil"] = pd.Categorical(kel["kelompok_desil"], categories=["1","2","3","4","4+","non-desil"])
    A = [  # idbdt, nuk, hub_krt, sex, umur, cacat, kronis, sekolah, ijazah, bekerja
        ("H1",1,1,"L",45,0,0,2,1,1),("H1",1,2,"P",40,0,1,2,2,2),("H1",2,3,"L",10,0,0,2,0,2),
        ("H2",1,1,"P",65,0,0,2,0,2),("H2",1,5,"P",8,0,0,1,0,2),
        ("H3",1,1,"L",30,1,0,2,3,1),
        ("H4",1,1,"L",50,0,0,2,3,1),("H4",1,2,"P",45,0,0,2,2,2),("H4",1,3,"L",15,0,0,1,1,2),("H4",1,3,"P",17,0,0,2,2,1),
        ("H5",1,1,"P",35,0,0,2,2,1),("H5",1,3,"L",5,0,0,0,0,2),
        ("H6",1,1,"L",70,0,0,2,0,2)]
    art = pd.DataFrame([dict(idartbdt=f"{a[0]}{j:02d}", idbdt=a[0], nuk=a[1], hub_krt=a[2], hubkel=a[2],
                             jenis_kelamin=a[3], umur=a[4], jenis_cacat=a[5], penyakit_kronis=a[6],
                             partisipasi_sekolah=a[7], ijazah_tertinggi=a[8], sta_bekerja=a[9],
                             pendidikan_tertinggi=1, sta_kawin=2, lapangan_usaha=12, status_pekerjaan=1,
                             nik=None, nik_status="kosong", no_kk=None, tanggal_lahir=None,
                             sumber_file="micro", baris_sumber=j + 2) for j, a in enumerate(A)])
    for c in ["hub_krt","hubkel","jenis_cacat","penyakit_kronis","partisipasi_sekolah","ijazah_tertinggi","sta_bekerja","pendidikan_tertinggi","sta_kawin","lapangan_usaha","status_pekerjaan"]:
        art[c] = art[c].astype("Int8")
    kks = pd.DataFrame([
        dict(no_kk="6474011", nik_pengurus=None, kode_kelurahan=LT, status_kartu="tersalur", tanggal_distribusi=None, idbdt="H1", nuk=1, cocok_lewat="no_kk"),
        dict(no_kk="6474021", nik_pengurus=None, kode_kelurahan=LT, status_kartu="tersalur", tanggal_distribusi=None, idbdt="H2", nuk=1, cocok_lewat="nik"),
        dict(no_kk="6474031", nik_pengurus=None, kode_kelurahan=LT, status_kartu="tersalur", tanggal_distribusi=None, idbdt="H3", nuk=1, cocok_lewat="no_kk"),
        dict(no_kk="6474041", nik_pengurus=None, kode_kelurahan=TL, status_kartu="belum_tersalur", tanggal_distribusi=None, idbdt="H4", nuk=1, cocok_lewat="no_kk"),
        dict(no_kk="6474051", nik_pengurus=None, kode_kelurahan=TL, status_kartu="tersalur", tanggal_distribusi=None, idbdt="H5", nuk=1, cocok_lewat="no_kk"),
        dict(no_kk="6474999", nik_pengurus=None, kode_kelurahan=TL, status_kartu="tersalur", tanggal_distribusi=None, idbdt=None, nuk=None, cocok_lewat="tidak_ditemukan"),
        dict(no_kk="6474998", nik_pengurus=None, kode_kelurahan=LT, status_kartu="belum_tersalur", tanggal_distribusi=None, idbdt=None, nuk=None, cocok_lewat="tidak_ditemukan"),
    ])
    mpm = pd.DataFrame([
        dict(kode_kelurahan=LT, tanggal_daftar="2018-01-15", idbdt="H2", terdaftar_bdt=True, hasil_verifikasi=1, tanggal_verifikasi=None, jumlah_art=2, art_meninggal=1, art_pindah=0, art_baru=0),
        dict(kode_kelurahan=LT, tanggal_daftar="2018-01-16", idbdt=None, terdaftar_bdt=False, hasil_verifikasi=1, tanggal_verifikasi=None, jumlah_art=3, art_meninggal=0, art_pindah=0, art_baru=1),
        dict(kode_kelurahan=LT, tanggal_daftar="2018-01-17", idbdt=None, terdaftar_bdt=False, hasil_verifikasi=2, tanggal_verifikasi=None, jumlah_art=4, art_meninggal=0, art_pindah=0, art_baru=0),
        dict(kode_kelurahan=TL, tanggal_daftar="2018-02-01", idbdt="H6", terdaftar_bdt=True, hasil_verifikasi=5, tanggal_verifikasi=None, jumlah_art=1, art_meninggal=0, art_pindah=1, art_baru=0),
        dict(kode_kelurahan=TL, tanggal_daftar="2018-02-02", idbdt=None, terdaftar_bdt=False, hasil_verifikasi=None, tanggal_verifikasi=None, jumlah_art=2, art_meninggal=0, art_pindah=0, art_baru=0),
    ])
    mpm["hasil_verifikasi"] = mpm["hasil_verifikasi"].astype("Int8")
    lap = pd.DataFrame([dict(kode_kelurahan=LT, melapor=True, jumlah_baris=3, tanggal_terakhir=pd.Timestamp("2018-05-20")),
                        dict(kode_kelurahan=TL, melapor=True, jumlah_baris=2, tanggal_terakhir=pd.Timestamp("2018-06-10"))])
    pen = pd.DataFrame([dict(kode_kelurahan=w.kode, jumlah_penduduk=100, jumlah_rumah_tangga=20, jumlah_kk=25, tahun=2017, sumber="micro") for w in wilayah.kelurahan()])
    return dict(rumah_tangga=ruta, keluarga=kel, anggota=art, kks=kks, mpm=mpm, mpm_laporan=lap, penduduk=pen)


# ----------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tabs():
    return compute_all(micro_clean(), {})


@pytest.fixture(scope="module")
def tabs_k1():
    """Threshold 1 = no suppression: the raw hand-computed numbers are all visible."""
    return compute_all(micro_clean(), {"ambang_sel_kecil": 1})


def row(df, **keys) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in keys.items():
        m &= df[k] == v
    got = df[m]
    assert len(got) == 1, f"{keys}: {len(got)} rows"
    return got.iloc[0]


# ----------------------------------------------------------------------------------------------------
# 1. sebaran
# ----------------------------------------------------------------------------------------------------
def test_sebaran_counts_by_desil_and_unit(tabs_k1):
    s = tabs_k1["sebaran"]
    kota_rt = {r.kelompok_desil: r.jumlah for r in s[(s.kode_wilayah == KOTA) & (s.satuan == "rumah_tangga")].itertuples()}
    assert kota_rt == {"1": 1, "2": 1, "3": 1, "4": 1, "4+": 1, "non-desil": 1, "1-4": 4, "semua": 6}
    assert row(s, kode_wilayah=KOTA, satuan="keluarga", kelompok_desil="1").jumlah == 2   # H1 has two keluarga
    assert row(s, kode_wilayah=KOTA, satuan="jiwa", kelompok_desil="semua").jumlah == 13
    assert row(s, kode_wilayah=LT, satuan="jiwa", kelompok_desil="1-4").jumlah == 5       # H1 3 + H2 2
    assert row(s, kode_wilayah=BS, satuan="jiwa", kelompok_desil="semua").jumlah == 7
    # an empty kelurahan is an explicit 0, not a missing row
    assert row(s, kode_wilayah="64.74.03.1003", satuan="jiwa", kelompok_desil="semua").jumlah == 0
    # RT rows exist for the RTs seen, coded kelurahan + "." + RT
    assert set(s.loc[s.tingkat == "rt", "kode_wilayah"]) == {f"{LT}.001", f"{LT}.002", f"{TL}.001", f"{TL}.003"}


def test_sebaran_share_of_population(tabs_k1):
    s = tabs_k1["sebaran"]
    r = row(s, kode_wilayah=LT, satuan="jiwa", kelompok_desil="semua")
    assert r.penyebut_penduduk == 100 and r.persen_penduduk == pytest.approx(0.06, abs=1e-12)
    r = row(s, kode_wilayah=KOTA, satuan="rumah_tangga", kelompok_desil="semua")
    assert r.penyebut_penduduk == 15 * 20 and r.persen_penduduk == pytest.approx(6 / 300, abs=1e-12)
    assert s.loc[s.tingkat == "rt", "persen_penduduk"].isna().all()


def test_sebaran_rt_suppression(tabs):
    s = tabs["sebaran"]
    r = row(s, kode_wilayah=f"{LT}.001", satuan="rumah_tangga", kelompok_desil="1")
    assert pd.isna(r.jumlah) and r.ditekan                          # 1 household < 5
    z = row(s, kode_wilayah=f"{LT}.001", satuan="rumah_tangga", kelompok_desil="3")
    assert z.jumlah == 0 and not z.ditekan                         # a true zero stays 0
    tot = row(s, kode_wilayah=f"{LT}.001", satuan="rumah_tangga", kelompok_desil="semua")
    assert pd.isna(tot.jumlah) and tot.ditekan                      # totals hidden with their parts
    # nothing above RT level is suppressed, and suppressed cells are never 0
    assert not s.loc[s.tingkat != "rt", "ditekan"].any()
    assert not ((s.jumlah == 0) & s.ditekan).any()


# ----------------------------------------------------------------------------------------------------
# 2. cakupan, kebocoran
# ----------------------------------------------------------------------------------------------------
def test_cakupan_kks_micro(tabs):
    c = tabs["cakupan"]
    r = row(c, kode_wilayah=KOTA, program="KKS", target="D1-D4")
    # target keluarga: H1n1 H1n2 H2n1 H4n1 H5n1 = 5; with KKS H1n1 H2n1 H5n1 = 3
    assert (r.n_target, r.n_penerima, r.n_target_menerima, r.n_tidak_menerima) == (5, 4, 3, 2)
    assert r.satuan == "keluarga"
    assert r.cakupan == pytest.approx(3 / 5) and r.exclusion_error == pytest.approx(2 / 5)
    assert r.n_penerima_luar_target == 1 and r.inclusion_error == pytest.approx(1 / 4)   # H3 (4+) / recipients
    assert r.n_penerima_tidak_di_bdt == 1                                               # the TL row only
    assert r.inclusion_error_termasuk_tidak_di_bdt == pytest.approx(2 / 5)
    assert r.n_bukan_target == 2 and r.cakupan_bukan_target == pytest.approx(1 / 2)     # H3n1, H6n1
    assert r.targeting_differential == pytest.approx(3 / 5 - 1 / 2)
    r = row(c, kode_wilayah=TL, program="KKS", target="D1-D4")
    assert (r.n_target, r.n_target_menerima, r.n_penerima_tidak_di_bdt) == (2, 1, 1)


def test_cakupan_blok_v_programmes_are_households(tabs):
    c = tabs["cakupan"]
    r = row(c, kode_wilayah=KOTA, program="KIS/PBI", target="D1-D4")
    # target households H1 H2 H4 H5; KIS: H1 H2 (target) and H3 (4+)
    assert r.satuan == "rumah_tangga"
    assert (r.n_target, r.n_penerima, r.n_target_menerima) == (4, 3, 2)
    assert r.inclusion_error == pytest.approx(1 / 3)
    assert pd.isna(r.n_penerima_tidak_di_bdt)
    kip = row(c, kode_wilayah=KOTA, program="KIP", target="D1-D4")
    assert kip.cakupan == 0 and pd.isna(kip.inclusion_error)   # no recipients: undefined, not 0


def test_cakupan_other_targets(tabs):
    c = tabs["cakupan"]
    assert list(dict.fromkeys(c.loc[c.kode_wilayah == KOTA, "target"])) == ["D1-D4", "D1", "D1-D2"]
    r = row(c, kode_wilayah=KOTA, program="KKS", target="D1")
    assert (r.n_target, r.n_target_menerima, r.n_penerima_luar_target) == (2, 1, 3)


def test_cakupan_rt_level_suppressed(tabs):
    c = tabs["cakupan"]
    r = row(c, kode_wilayah=f"{LT}.001", program="KKS", target="D1-D4")
    assert r.ditekan and pd.isna(r.n_target) and pd.isna(r.cakupan)
    assert not c.loc[c.tingkat != "rt", "ditekan"].any()


def test_kebocoran_micro(tabs):
    k = tabs["kebocoran"]
    kota = k[(k.kode_wilayah == KOTA) & (k.program == "KKS")].set_index("kelompok_desil")
    assert kota["n_penerima"].to_dict() == {"1": 1, "2": 1, "3": 0, "4": 1, "4+": 1, "non-desil": 0,
                                            "tidak_di_bdt": 1}
    assert kota["persen"].sum() == pytest.approx(1.0)
    assert kota.loc["4+", "persen"] == pytest.approx(0.2)
    assert set(k.tingkat) == {"kota", "kecamatan", "kelurahan"}


# ----------------------------------------------------------------------------------------------------
# 3. tumpang tindih
# ----------------------------------------------------------------------------------------------------
def test_tumpang_tindih_micro(tabs):
    t = tabs["tumpang_tindih"]
    kota = t[(t.kode_wilayah == KOTA) & (t.kelompok == "semua")]
    assert len(kota) == 32 and kota.n_rumah_tangga.sum() == 6
    got = kota[kota.n_rumah_tangga > 0].set_index("kombinasi")["n_rumah_tangga"].to_dict()
    assert got == {"tidak_ada": 2, "KKS+KIS/PBI": 2, "KKS+Rastra/BPNT": 1, "KKS+PKH+KIS/PBI+Rastra/BPNT": 1}
    assert row(t, kode_wilayah=KOTA, kelompok="semua", kombinasi="KKS+PKH+KIS/PBI+Rastra/BPNT").jumlah_program == 4
    assert row(t, kode_wilayah=KOTA, kelompok="D1-D2", kombinasi="tidak_ada").n_rumah_tangga == 0
    r = tabs["ringkasan"].set_index("kode_wilayah")
    assert r.loc[KOTA, "rumah_tangga_2_program_lebih"] == 4
    assert r.loc[KOTA, "rumah_tangga_d1_d2_tanpa_program"] == 0


# ----------------------------------------------------------------------------------------------------
# 4. profil
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ind,kelompok,n,k", [
    ("lantai_tidak_permanen", "semua", 6, 2),          # H1 (9), H3 (6)
    ("lantai_tidak_permanen", "D1-D2", 2, 1),
    ("lantai_tanah", "semua", 6, 1),
    ("dinding_tidak_layak", "semua", 6, 1),            # H1 kayu, jelek
    ("atap_tidak_layak", "semua", 6, 1),               # H3 kondisi jelek
    ("air_minum_tidak_layak", "semua", 6, 1),          # H1 (7)
    ("tanpa_jamban_sendiri", "semua", 6, 1),           # H1 (4)
    ("pembuangan_tinja_tidak_aman", "semua", 6, 1),    # H1 (3)
    ("listrik_bukan_pln", "semua", 6, 1),              # H4
    ("listrik_450va", "semua", 5, 2),                  # PLN only: H1 H3 have 450 W
    ("bahan_bakar_tidak_bersih", "semua", 6, 2),       # H1 (8), H4 (5)
    ("luas_lantai_per_kapita_kurang_8", "semua", 6, 2),  # H1 20/3, H4 30/4
    ("krt_perempuan", "semua", 6, 2),                  # H2, H5
    ("krt_pendidikan_sd_ke_bawah", "semua", 6, 3),     # H1 (1), H2 (0), H6 (0)
    ("krt_tidak_bekerja", "semua", 6, 2),              # H2, H6
    ("ada_lansia", "semua", 6, 2),                     # H2 65, H6 70
    ("anak_tidak_sekolah", "semua", 3, 2),             # households with 7–18: H1 H2 H4; out: H1 H4
    ("anak_tidak_sekolah_jiwa", "semua", 4, 2),        # children 10 15 17 8; out: 10, 17
    ("anak_tidak_sekolah", "D3-D4", 1, 1),
])
def test_profil_micro(tabs_k1, ind, kelompok, n, k):
    r = row(tabs_k1["profil"], kode_wilayah=KOTA, indikator=ind, kelompok=kelompok)
    assert (r.n, r.n_kondisi) == (n, k)
    assert r.persen == pytest.approx(k / n)


def test_profil_sensitive_suppressed_at_every_level(tabs, tabs_k1):
    raw = row(tabs_k1["profil"], kode_wilayah=KOTA, indikator="disabilitas", kelompok="semua")
    assert (raw.n, raw.n_kondisi) == (6, 1)
    r = row(tabs["profil"], kode_wilayah=KOTA, indikator="disabilitas", kelompok="semua")
    assert r.ditekan and pd.isna(r.n_kondisi) and pd.isna(r.persen)
    r = row(tabs["profil"], kode_wilayah=KOTA, indikator="penyakit_kronis_jiwa", kelompok="semua")
    assert r.ditekan and pd.isna(r.persen)
    # not sensitive, kota level: visible
    r = row(tabs["profil"], kode_wilayah=KOTA, indikator="lantai_tanah", kelompok="semua")
    assert not r.ditekan and r.n_kondisi == 1
    # complement rule: 6 of 6 households … → "all but 0" is fine, but n − k = 1..4 is hidden
    assert not tabs["profil"].loc[tabs["profil"].ditekan, "n_kondisi"].eq(0).any()


# ----------------------------------------------------------------------------------------------------
# 5. MPM
# ----------------------------------------------------------------------------------------------------
def test_mpm_micro(tabs):
    m = tabs["mpm"].set_index("kode_wilayah")
    lt, tl, kota = m.loc[LT], m.loc[TL], m.loc[KOTA]
    assert (lt.pendaftar, lt.terdaftar_bdt, lt.baru, lt.hasil_1, lt.hasil_2, lt.belum_diverifikasi) == (3, 1, 2, 2, 1, 0)
    assert (lt.rt_2015, lt.rt_baru_masuk, lt.rt_bdt_keluar, lt.rt_2018, lt.perubahan_bersih) == (3, 1, 0, 4, 1)
    assert (lt.art_meninggal, lt.art_baru, lt.perubahan_bersih_jiwa) == (1, 1, 0)
    assert (tl.hasil_5, tl.belum_diverifikasi, tl.rt_bdt_keluar, tl.rt_2018, tl.perubahan_bersih) == (1, 1, 1, 2, -1)
    assert lt.status_lapor == "tepat_waktu" and tl.status_lapor == "terlambat"
    assert m.loc["64.74.03.1001", "status_lapor"] == "belum_melapor" and not m.loc["64.74.03.1001", "melapor"]
    assert (kota.kelurahan_jumlah, kota.kelurahan_melapor, kota.kelurahan_tepat_waktu) == (15, 2, 1)
    assert kota.status_lapor == "sebagian" and kota.perubahan_bersih == 0
    assert kota.tanggal_terakhir == pd.Timestamp("2018-06-10")


def test_mpm_deadline_is_a_parameter():
    m = compute_all(micro_clean(), {"batas_lapor_mpm": "2018-06-30"})["mpm"].set_index("kode_wilayah")
    assert m.loc[TL, "status_lapor"] == "tepat_waktu"


# ----------------------------------------------------------------------------------------------------
# 6. prioritas
# ----------------------------------------------------------------------------------------------------
def test_prioritas_micro(tabs):
    p = tabs["prioritas"].set_index("kode_wilayah")
    assert len(p) == 15
    assert p.loc[LT, "x_persen_d1_d2"] == pytest.approx(2 / 20)
    assert p.loc[LT, "x_kota"] == pytest.approx(2 / 300) and p.loc[LT, "y_kota"] == pytest.approx(0.6)
    assert p.loc[LT, "prioritas"] == 2          # poorer than the city, better covered
    assert p.loc[TL, "prioritas"] == 3          # less poor, less covered
    assert pd.isna(p.loc["64.74.03.1001", "prioritas"])   # no target family: coverage undefined
    assert p.loc[LT, "peringkat"] == 1


def test_quadrant_rule_and_ties():
    pr = quadrant([0.2, 0.2, 0.0, 0.0, 0.1, None], [0.5, 0.9, 0.5, 0.9, 0.6, 0.5], 0.1, 0.6)
    assert pr.tolist()[:5] == [1, 2, 3, 4, 1]     # equal to the city value counts as worse
    assert pd.isna(pr.iloc[5])


# ----------------------------------------------------------------------------------------------------
# 9. biaya
# ----------------------------------------------------------------------------------------------------
def test_biaya_micro(tabs):
    b = tabs["biaya"]
    r = row(b, kode_wilayah=KOTA, program="KKS")
    assert r.n_keluarga_dikecualikan == 2 and r.manfaat_per_bulan == 110000 and r.tahun_manfaat == 2018
    assert r.biaya_per_tahun == 2 * 110000 * 12
    assert r.keluarga_per_miliar == pytest.approx(1e9 / (110000 * 12))
    pkh = row(b, kode_wilayah=KOTA, program="PKH")
    assert pkh.n_keluarga_dikecualikan == 3                # H2n1, H4n1, H5n1 (H1's household has PKH)
    assert pd.isna(pkh.manfaat_per_bulan) and pd.isna(pkh.biaya_per_tahun)   # unknown value stays empty


def test_biaya_simulated_benefit_and_target():
    b = compute_all(micro_clean(), {"manfaat": {"pkh": 150000}, "target_desil": [1, 2]})["biaya"]
    r = row(b, kode_wilayah=KOTA, program="PKH")
    assert r.target == "D1-D2" and r.n_keluarga_dikecualikan == 1            # H2n1
    assert r.biaya_per_tahun == 150000 * 12 and r.sumber_manfaat.startswith("parameter")


def test_manfaat_reference_table():
    m = manfaat_table().set_index("program")
    assert m.loc["Rastra/BPNT", "manfaat_per_bulan"] == 110000 and m.loc["Rastra/BPNT", "tahun_manfaat"] == 2018
    assert pd.isna(m.loc["KIP", "manfaat_per_bulan"])


# ----------------------------------------------------------------------------------------------------
# ringkasan and the whole set
# ----------------------------------------------------------------------------------------------------
def test_ringkasan_micro(tabs):
    r = tabs["ringkasan"].set_index("kode_wilayah")
    assert len(r) == 19
    k = r.loc[KOTA]
    assert (k.keluarga_miskin, k.keluarga_kks, k.keluarga_tanpa_kks) == (5, 3, 2)
    assert k.cakupan_kks == pytest.approx(0.6)
    assert (k.rumah_tangga_bdt, k.keluarga_bdt, k.jiwa_bdt, k.rumah_tangga_desil_1_4, k.jiwa_desil_1_4) == (6, 7, 13, 4, 11)
    assert k.persen_penduduk_bdt == pytest.approx(13 / 1500)
    assert (k.mpm_pendaftar, k.mpm_melapor, k.mpm_kelurahan) == (5, 2, 15)
    assert r.loc[BU, "keluarga_miskin"] == 3 and r.loc[BS, "keluarga_miskin"] == 2


def test_tables_names_order_and_wilayah_columns(tabs):
    assert set(tabs) == set(INDICATOR_TABLES)   # compute_all: one round; banding.compute adds the comparison
    for name, df in tabs.items():
        if "kode_wilayah" in df:
            assert df["kode_wilayah"].is_monotonic_increasing, name
            assert df["kode_wilayah"].notna().all()
    contract = {
        "ringkasan": "kode_wilayah tingkat nama keluarga_miskin keluarga_kks keluarga_tanpa_kks cakupan_kks rumah_tangga_bdt jiwa_bdt rumah_tangga_desil_1_4 jiwa_desil_1_4 persen_penduduk_bdt mpm_pendaftar mpm_melapor",
        "sebaran": "kode_wilayah tingkat kelompok_desil satuan jumlah ditekan",
        "cakupan": "kode_wilayah tingkat program satuan target n_target n_penerima n_target_menerima cakupan n_tidak_menerima exclusion_error n_penerima_luar_target inclusion_error n_penerima_tidak_di_bdt targeting_differential",
        "kebocoran": "kode_wilayah tingkat program kelompok_desil n_penerima persen",
        "tumpang_tindih": "kode_wilayah tingkat kombinasi jumlah_program n_rumah_tangga",
        "profil": "kode_wilayah tingkat indikator kelompok n n_kondisi persen ditekan",
        "mpm": "kode_wilayah tingkat pendaftar terdaftar_bdt baru hasil_1 hasil_2 hasil_3 hasil_4 hasil_5 belum_diverifikasi art_meninggal art_pindah art_baru rt_2015 rt_2018 perubahan_bersih melapor tanggal_terakhir",
        "prioritas": "kode_wilayah nama x_persen_d1_d2 y_cakupan_kks x_kota y_kota prioritas",
        "biaya": "kode_wilayah tingkat program n_keluarga_dikecualikan manfaat_per_bulan biaya_per_tahun keluarga_per_miliar",
        "bps_makro": "wilayah tahun p0_persen penduduk_miskin garis_kemiskinan_rp p1 p2 sumber_url",
    }
    for name, cols in contract.items():
        missing = set(cols.split()) - set(tabs[name].columns)
        assert not missing, f"{name} lacks {missing}"


def test_deterministic(tabs):
    again = compute_all(micro_clean(), {})
    for name in tabs:
        pd.testing.assert_frame_equal(tabs[name], again[name], check_exact=True)


def test_write_load_roundtrip_atomic(tabs, tmp_path):
    out = tmp_path / "2018-05" / "indikator"
    write_all(tabs, out)
    write_all(tabs, out)   # replacing an existing folder works and leaves no temp folders behind
    assert sorted(p.name for p in out.parent.iterdir()) == ["indikator"]
    back = load_all(tmp_path / "2018-05")
    assert set(back) == set(tabs)
    for name in tabs:
        pd.testing.assert_frame_equal(back[name], tabs[name], check_dtype=False)


def test_compute_from_folder(tmp_path):
    for name, df in micro_clean().items():
        df.to_parquet(tmp_path / f"{name}.parquet", index=False)
    t = compute_all(tmp_path, {})
    assert row(t["cakupan"], kode_wilayah=KOTA, program="KKS", target="D1-D4").n_target_menerima == 3


# ----------------------------------------------------------------------------------------------------
# 8. suppression
# ----------------------------------------------------------------------------------------------------
def test_suppress_rules():
    df = pd.DataFrame({"n": [0, 1, 4, 5, 10, 3], "tot": [10, 10, 10, 10, 10, 3], "pct": [0.0, .1, .4, .5, 1.0, 1.0],
                       "lvl": ["rt", "rt", "rt", "rt", "rt", "kelurahan"]})
    out = suppress(df, ["n"], 5, applies=df.lvl == "rt", derived_cols=["pct"])
    assert out["n"].tolist()[:2] == [0, pd.NA] or pd.isna(out["n"].iloc[1])
    assert out["n"].iloc[0] == 0 and not out["ditekan"].iloc[0]              # true zero shown
    assert out["ditekan"].tolist() == [False, True, True, False, False, False]
    assert pd.isna(out["pct"].iloc[2]) and out["pct"].iloc[3] == 0.5
    assert out["n"].iloc[5] == 3                                              # rule does not apply there
    comp = suppress(df, ["n"], 5, complement_of="tot", derived_cols=["pct"])
    # n = 10 of 10 is fine (complement 0); tot 10 − n 5 = 5 fine; row 3 of 3 → complement 0, but n=3 < 5
    assert comp["ditekan"].tolist() == [False, True, True, False, False, True]
    den = suppress(pd.DataFrame({"k": [0], "n": [3], "p": [0.0]}), ["k", "n"], 5, denominator_col="n", derived_cols=["p"])
    assert den["ditekan"].iloc[0] and pd.isna(den["p"].iloc[0])               # 0 of 3 is still "of 3"
    with pytest.raises(CheckError):
        suppress(df, ["n"], 0)


def test_suppression_threshold_is_a_parameter():
    t = compute_all(micro_clean(), {"ambang_sel_kecil": 2})["sebaran"]
    r = row(t, kode_wilayah=f"{TL}.001", satuan="jiwa", kelompok_desil="3")   # H4: 4 persons
    assert r.jumlah == 4 and not r.ditekan


# ----------------------------------------------------------------------------------------------------
# 10. sanity checks raise
# ----------------------------------------------------------------------------------------------------
def test_duplicate_household_raises():
    c = micro_clean()
    c["rumah_tangga"] = pd.concat([c["rumah_tangga"], c["rumah_tangga"].iloc[[0]]], ignore_index=True)
    with pytest.raises(CheckError, match="tidak unik"):
        compute_all(c, {})


def test_unknown_kelurahan_raises():
    c = micro_clean()
    c["rumah_tangga"].loc[0, "kode_kelurahan"] = "64.74.09.9999"
    with pytest.raises(CheckError, match="tidak dikenal"):
        compute_all(c, {})


def test_kecamatan_not_parent_raises():
    c = micro_clean()
    c["rumah_tangga"].loc[0, "kode_kecamatan"] = "64.74.02"
    with pytest.raises(CheckError, match="induk"):
        compute_all(c, {})


def test_orphan_keluarga_raises():
    c = micro_clean()
    c["keluarga"].loc[0, "idbdt"] = "HX"
    with pytest.raises(CheckError, match="keluarga tanpa rumah tangga"):
        compute_all(c, {})


@pytest.mark.parametrize("value", ["HX", None])
def test_orphan_anggota_raises_with_its_row(value):
    c = micro_clean()
    c["anggota"]["idbdt"] = c["anggota"]["idbdt"].astype("string")
    c["anggota"].loc[1, "idbdt"] = value
    with pytest.raises(CheckError, match=r"anggota tanpa rumah tangga di rumah_tangga.parquet \(1 baris\)"):
        compute_all(c, {})


def test_bad_verification_code_raises():
    c = micro_clean()
    c["mpm"]["hasil_verifikasi"] = c["mpm"]["hasil_verifikasi"].astype("Int64")
    c["mpm"].loc[0, "hasil_verifikasi"] = 7
    with pytest.raises(CheckError, match="1–5"):
        compute_all(c, {})


def test_bad_kelompok_desil_raises():
    c = micro_clean()
    c["keluarga"]["kelompok_desil"] = c["keluarga"]["kelompok_desil"].astype("string")
    c["keluarga"].loc[0, "kelompok_desil"] = "5"
    with pytest.raises(CheckError, match="kelompok_desil"):
        compute_all(c, {})


def test_hierarchy_check_names_rows():
    df = pd.DataFrame({"kode_wilayah": [KOTA, BU, BS, "64.74.03"], "tingkat": ["kota"] + ["kecamatan"] * 3,
                       "n": [10, 3, 3, 3]})
    with pytest.raises(CheckError, match="kecamatan ≠ kota") as e:
        B.check_hierarchy(df, ["n"], (), "uji")
    assert "64.74" in str(e.value)


def test_cakupan_check_raises_on_impossible_rows(tabs_k1):
    c = tabs_k1["cakupan"].copy()
    c.loc[0, "n_target_menerima"] = c.loc[0, "n_target"] + 1
    with pytest.raises(CheckError):
        programs.check_cakupan(c)
    c = tabs_k1["cakupan"].copy()
    c.loc[0, "cakupan"] = 1.5
    with pytest.raises(CheckError, match=r"\[0, 1\]"):
        programs.check_cakupan(c)


@pytest.mark.parametrize("params", [{"target_desil": [5]}, {"ambang_sel_kecil": 0}, {"manfaat": {"BLT": 1}},
                                    {"manfaat": {"PKH": -1}}, {"batas_lapor_mpm": "bukan tanggal"}])
def test_bad_params_raise(params):
    with pytest.raises(ParameterError):
        compute_all(micro_clean(), params)


def test_tahun_penduduk_filters_and_checks():
    c = micro_clean()
    assert compute_all(c, {"tahun_penduduk": 2017})["ringkasan"].iloc[0]["penduduk"] == 1500
    with pytest.raises(ParameterError, match="2016"):
        compute_all(c, {"tahun_penduduk": 2016})


# ----------------------------------------------------------------------------------------------------
# 7. FGT
# ----------------------------------------------------------------------------------------------------
def test_fgt_micro():
    y = [50, 100, 150, 200]            # 100 is ON the line: not poor (strictly below)
    assert fgt(y, 100, 0) == pytest.approx(0.25)
    assert fgt(y, 100, 1) == pytest.approx(0.5 / 4)
    assert fgt(y, 100, 2) == pytest.approx(0.25 / 4)
    w = [3, 1, 1, 1]
    assert fgt_all(y, 100, w) == pytest.approx({"P0": 0.5, "P1": 1.5 / 6, "P2": 0.75 / 6})
    assert fgt([0, 200], 100, 2) == pytest.approx(0.5)        # zero expenditure: gap 1
    assert fgt([50, 150], [100, 200], 1) == pytest.approx((0.5 + 0.25) / 2)   # one line per person


@pytest.mark.parametrize("args", [
    ([np.nan, 1], 10, 0, None), ([-1, 1], 10, 0, None), ([1, 2], 0, 0, None), ([1, 2], -5, 0, None),
    ([1, 2], 10, 0, [1, -1]), ([1, 2], 10, 0, [0, 0]), ([1, 2], 10, 0, [1]), ([], 10, 0, None),
    ([1, 2], 10, -1, None), ([1, 2], np.nan, 0, None), ([1, 2], 10, 0, [1, np.nan]),
])
def test_fgt_bad_input_raises(args):
    with pytest.raises(CheckError):
        fgt(*args)


def test_check_fgt_raises():
    check_fgt(0.05, 0.01, 0.002)
    for bad in [(0.05, 0.06, 0.01), (0.05, 0.01, 0.02), (1.2, 0.1, 0.0), (0.05, 0.01, -0.1), (np.nan, 0, 0)]:
        with pytest.raises(CheckError):
            check_fgt(*bad)


def test_check_p0_monotone():
    p0 = check_p0_monotone([50, 100, 150, 200], [200, 100, 150, 50])
    assert p0 == [0.0, 0.25, 0.5, 0.75]


def test_check_p0_monotone_catches_a_broken_fgt(monkeypatch):
    import importlib
    F = importlib.import_module("kemiskinan.indicators._fgt")
    monkeypatch.setattr(F, "fgt", lambda y, z, a, w=None: 1 / z)
    with pytest.raises(CheckError, match="turun"):
        F.check_p0_monotone([1, 2], [1, 2])


_pos = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_pos, st.floats(min_value=0.01, max_value=100)), min_size=1, max_size=40),
       st.floats(min_value=1, max_value=1e7))
def test_fgt_properties(data, z):
    y = [d[0] for d in data]
    w = [d[1] for d in data]
    res = fgt_all(y, z, w)                       # also runs check_fgt
    assert 0 <= res["P2"] <= res["P1"] + 1e-12 <= res["P0"] + 2e-12 <= 1 + 3e-12
    # scaling all weights leaves the indices unchanged
    assert fgt(y, z, 1, [x * 7 for x in w]) == pytest.approx(res["P1"], rel=1e-9, abs=1e-12)
    # P0 is non-decreasing in the line
    check_p0_monotone(y, [z / 2, z, z * 2], w)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_pos, st.integers(min_value=1, max_value=4)), min_size=1, max_size=20),
       st.floats(min_value=1, max_value=1e7), st.sampled_from([0, 1, 2]))
def test_fgt_integer_weights_equal_replication(data, z, a):
    y = [d[0] for d in data]
    w = [d[1] for d in data]
    rep = [v for v, k in data for _ in range(k)]
    assert fgt(y, z, a, w) == pytest.approx(fgt(rep, z, a), rel=1e-9, abs=1e-12)


# ----------------------------------------------------------------------------------------------------
# BPS reference and metadata
# ----------------------------------------------------------------------------------------------------
def test_bps_reference_table(tabs):
    b = tabs["bps_makro"].set_index(["wilayah", "tahun"])
    assert b.loc[("Kota Bontang", 2017), "penduduk_miskin"] == 8747
    assert b.loc[("Kota Bontang", 2017), "garis_kemiskinan_rp"] == 542985
    assert b.loc[("Kota Bontang", 2016), "p1"] == pytest.approx(0.84)
    assert pd.isna(b.loc[("Kota Bontang", 2016), "penduduk_miskin"])     # only derived [P]: kept empty
    assert pd.isna(b.loc[("Kota Bontang", 2018), "p1"])
    assert b.loc[("Kalimantan Timur", 2015), "p0_persen"] == pytest.approx(6.23)
    assert b.loc[("Kalimantan Timur", 2017)].drop(["sumber_url", "catatan"]).isna().all()
    for r in b.itertuples():
        if pd.notna(r.p0_persen):
            assert str(r.sumber_url).startswith("http")
    assert set(b.index.get_level_values("tahun")) == {2015, 2016, 2017, 2018}


def test_bps_reference_check_raises(tmp_path):
    bad = tmp_path / "bps.csv"
    bad.write_text("wilayah,tahun,p0_persen,penduduk_miskin,garis_kemiskinan_rp,p1,p2,sumber_url,catatan\n"
                   "X,2017,5.0,,,0.5,0.9,http://x,\n")
    with pytest.raises(CheckError, match="P2"):
        bps.bps_makro(bad)
    bad.write_text("wilayah,tahun,p0_persen,penduduk_miskin,garis_kemiskinan_rp,p1,p2,sumber_url,catatan\n"
                   "X,2017,5.0,,,,,,\n")
    with pytest.raises(CheckError, match="sumber_url"):
        bps.bps_makro(bad)


def test_indicators_read_and_copy_only_their_columns(tmp_path):
    # compute_all keeps only CLEAN_COLUMNS (+ provenance) of each clean table, selected without a copy:
    # the same tables as from every column, and the caller's tables are left exactly as they were
    from kemiskinan.indicators.prepare import CLEAN_COLUMNS, PROVENANCE_COLUMNS, read_clean

    clean = micro_clean()
    before = {k: v.copy() for k, v in clean.items()}
    for name, df in clean.items():
        df.to_parquet(tmp_path / f"{name}.parquet")
    slim = read_clean(tmp_path, needed_only=True)
    for name, df in clean.items():
        keep = {*CLEAN_COLUMNS[name], *PROVENANCE_COLUMNS}
        assert list(slim[name].columns) == [c for c in df.columns if c in keep]
    assert "nik" not in slim["anggota"] and "no_kk" not in slim["keluarga"] and "ada_tv" not in slim["rumah_tangga"]
    from_files, from_all_columns = compute_all(tmp_path, {}), compute_all(read_clean(tmp_path), {})
    assert from_files.keys() == from_all_columns.keys()
    for name in from_files:
        pd.testing.assert_frame_equal(from_files[name], from_all_columns[name])
    compute_all(clean, {})
    for name in clean:
        pd.testing.assert_frame_equal(clean[name], before[name])


def test_every_published_indicator_has_meta(tabs):
    ids = {m["id"] for m in all_meta()}
    assert set(tabs["profil"]["indikator"]) <= ids
    for i in ["keluarga_miskin", "cakupan_kks", "cakupan", "exclusion_error", "inclusion_error",
              "targeting_differential", "kebocoran_persen", "tumpang_tindih", "mpm_perubahan_bersih",
              "mpm_status_lapor", "prioritas", "biaya_per_tahun", "keluarga_per_miliar", "fgt", "bps_p0"]:
        assert i in ids
    sens = {m["id"] for m in all_meta() if m.get("sensitif")}
    assert sens == set(profil.SENSITIVE)


def test_meta_languages():
    m = meta("inclusion_error")
    assert m["judul"].startswith("Kesalahan inklusi") and "PENERIMA" in m["penyebut"]
    en = meta("inclusion_error", lang="en")
    assert en["judul"].startswith("Inclusion error") and "RECIPIENTS" in en["penyebut"]
    assert meta("disabilitas")["sensitif"]
    with pytest.raises(KeyError, match="keluarga_miskin"):
        meta("tidak_ada")


def test_meta_file_read_as_the_pure_python_safe_loader_reads_it():
    # _load takes libyaml's loader for speed; the metadata must be exactly what yaml.safe_load gives
    import yaml

    assert meta_mod._load() == yaml.safe_load(meta_mod.META_FILE.read_text(encoding="utf-8"))


def test_indicator_docs_up_to_date():
    committed = meta_mod.DOCS_FILE.read_text(encoding="utf-8")
    assert committed == render_indicator_docs(), \
        "docs/indicators.md is stale: run python -c 'from kemiskinan.indicators import write_indicator_docs as w; w()'"


HIERARCHY_CALLS = [("sebaran", ["jumlah"], ["satuan", "kelompok_desil"]), ("kebocoran", ["n_penerima"], ["program", "kelompok_desil"]),
                   ("tumpang_tindih", ["n_rumah_tangga"], ["kelompok", "kombinasi"]),
                   ("profil", ["n", "n_kondisi"], ["indikator", "kelompok"]),
                   ("biaya", ["n_keluarga_target", "n_keluarga_dikecualikan"], ["program"])]


@pytest.mark.parametrize("name, cols, by", HIERARCHY_CALLS)
def test_fast_hierarchy_check_agrees_with_the_join(tabs_k1, name, cols, by):
    """The array check `compute_all` relies on accepts the real (unsuppressed) tables — so the fast path is
    really taken — and rejects every single-cell change a level above RT that the join rejects; whatever it
    cannot decide (non-integer values) goes to the join, which still answers."""
    df = tabs_k1[name]
    df = df[df["tingkat"] != "rt"].reset_index(drop=True)
    parent = {w.kode: w.induk for w in wilayah.all_wilayah()}
    assert B._hierarchy_holds(df, cols, by, parent)
    B.check_hierarchy(df, cols, by, name)
    rng = np.random.default_rng(len(df))
    for i in rng.choice(len(df), size=min(12, len(df)), replace=False):
        bad = df.copy()
        bad.loc[i, cols[0]] = bad.loc[i, cols[0]] + 1
        assert not B._hierarchy_holds(bad, cols, by, parent)
        with pytest.raises(CheckError, match="≠"):
            B.check_hierarchy(bad, cols, by, name)
    halves = df.copy()
    halves[cols] = halves[cols].astype("float64") / 2        # consistent, but not integers
    assert not B._hierarchy_holds(halves, cols, by, parent)
    B.check_hierarchy(halves, cols, by, name)                 # the join decides: still consistent


@pytest.mark.parametrize("ids", ["text", "digits"])   # digits: IDs looked up as integers (codes.positions)
def test_profil_household_head_is_the_first_hub_krt_1(ids):
    c = micro_clean()
    a = c["anggota"]
    second = a[(a["idbdt"] == "H1") & (a["hub_krt"] == 1)].copy()     # H1's head is L, SMP+, working
    second[["idartbdt", "jenis_kelamin"]] = ["H1xx", "P"]
    second["ijazah_tertinggi"] = pd.array([0], dtype="Int8")
    second["sta_bekerja"] = pd.array([2], dtype="Int8")
    a = pd.concat([a, second], ignore_index=True)                       # a later second head: not the head
    a.loc[a["idbdt"] == "H3", "hub_krt"] = pd.array([2], dtype="Int8")  # H3 without head: head unknown
    c["anggota"] = a
    if ids == "digits":
        for name in ("rumah_tangga", "keluarga", "anggota", "kks", "mpm"):
            c[name]["idbdt"] = c[name]["idbdt"].str.replace("H", "64740100000000", regex=False)
    t = compute_all(c, {"ambang_sel_kecil": 1})["profil"]
    for ind, n, k in [("krt_perempuan", 5, 2), ("krt_pendidikan_sd_ke_bawah", 5, 3), ("krt_tidak_bekerja", 5, 2)]:
        r = row(t, kode_wilayah=KOTA, indikator=ind, kelompok="semua")
        assert (r.n, r.n_kondisi) == (n, k), ind


def test_absent_optional_inputs_are_na_not_zero(tabs):
    """Issue 17: the clean tables of a run without a KKS list (keluarga.kks NA, kks empty), without an MPM
    workbook (mpm and mpm_laporan empty) and without population (penduduk empty). What needs them is NA or
    empty; the rest equals the full run."""
    c = micro_clean()
    c["keluarga"]["kks"] = pd.array([None] * len(c["keluarga"]), dtype="boolean")
    c["keluarga"]["kks_status"] = None
    c["kks"] = c["kks"].iloc[0:0]
    c["mpm"], c["mpm_laporan"], c["penduduk"] = c["mpm"].iloc[0:0], c["mpm_laporan"].iloc[0:0], c["penduduk"].iloc[0:0]
    t = compute_all(c, {})
    r = row(t["cakupan"], kode_wilayah=KOTA, program="KKS", target="D1-D4")
    assert r.n_target == 5                                       # the target is known without the list
    assert all(pd.isna(r[k]) for k in ("n_penerima", "n_target_menerima", "n_tidak_menerima", "cakupan",
                                       "exclusion_error", "inclusion_error", "n_penerima_tidak_di_bdt"))
    pkh_full = row(tabs["cakupan"], kode_wilayah=KOTA, program="PKH", target="D1-D4")
    pkh = row(t["cakupan"], kode_wilayah=KOTA, program="PKH", target="D1-D4")
    assert (pkh.n_target, pkh.n_target_menerima, pkh.cakupan) == (pkh_full.n_target, pkh_full.n_target_menerima,
                                                                  pkh_full.cakupan)
    ring = t["ringkasan"].set_index("kode_wilayah").loc[KOTA]
    assert ring["keluarga_miskin"] == 5
    assert all(pd.isna(ring[k]) for k in ("keluarga_kks", "keluarga_tanpa_kks", "cakupan_kks", "mpm_pendaftar",
                                          "persen_penduduk_bdt", "rumah_tangga_d1_d2_tanpa_program"))
    assert t["tumpang_tindih"].empty and t["mpm"].empty
    assert set(t["kebocoran"]["program"]) == set(B.PROGRAMS) - {"KKS"}
    assert t["prioritas"]["prioritas"].isna().all() and t["prioritas"]["peringkat"].isna().all()
    b = t["biaya"][(t["biaya"]["program"] == "KKS") & (t["biaya"]["kode_wilayah"] == KOTA)].iloc[0]
    assert b.n_keluarga_target == 5 and pd.isna(b.n_keluarga_dikecualikan) and pd.isna(b.biaya_per_tahun)
    assert t["sebaran"]["persen_penduduk"].isna().all()
    schemas.check(t)   # the blanked tables (Int64 where a count became NA) are still what the schemas allow


# ----------------------------------------------------------------------------------------------------
# schemas: every table step 02 writes is held to its columns, dtypes and allowed values
# ----------------------------------------------------------------------------------------------------
def test_one_list_of_tables():
    from kemiskinan import catalog

    ind, ban = catalog.names("indicators"), catalog.names("banding")
    assert [t.name for t in T.REGISTRY] == [n for n in ("sebaran", "cakupan", "kebocoran", "tumpang_tindih", "profil",
                                                        "mpm", "prioritas", "biaya", "ringkasan", "bps_makro")]
    assert set(t.name for t in T.REGISTRY) == set(ind) and set(schemas.SCHEMAS) == set(ind) | set(ban)
    assert (io.INDICATOR_TABLES, io.BANDING_TABLES, io.TABLES) == (ind, ban, ind + ban)
    assert set(ind) | set(ban) <= {m["tabel"] for m in all_meta()}      # every table is documented


def test_computed_tables_pass_their_schemas(tabs, tabs_k1):
    assert list(tabs) == list(io.INDICATOR_TABLES)
    schemas.check(tabs)
    schemas.check(tabs_k1)


@pytest.mark.parametrize("name, change, column", [
    ("ringkasan", lambda df: df.astype({"keluarga_miskin": "float64"}), "keluarga_miskin"),
    ("cakupan", lambda df: df.drop(columns=["exclusion_error"]), "exclusion_error"),
    ("profil", lambda df: df.assign(catatan="x"), "catatan"),
    ("sebaran", lambda df: df[["tingkat", "kode_wilayah", *df.columns[2:]]], "tingkat"),
    ("prioritas", lambda df: df.assign(tingkat=pd.Series("kota", index=df.index, dtype="string")), "tingkat"),
    ("kebocoran", lambda df: df.assign(program=df["program"].replace("PKH", "PKH2")), "program"),
    ("mpm", lambda df: df.assign(tanggal_terakhir=df["tanggal_terakhir"].astype("string")), "tanggal_terakhir"),
    ("biaya", lambda df: df.assign(n_keluarga_dikecualikan=df["n_keluarga_dikecualikan"].astype("Float64")),
     "n_keluarga_dikecualikan"),
])
def test_a_table_off_its_schema_is_refused_naming_the_column(tabs, tmp_path, name, change, column):
    bad = dict(tabs)
    bad[name] = change(tabs[name])
    with pytest.raises(CheckError, match=rf"^{name}: kolom.*'{column}'"):
        schemas.check_table(name, bad[name])
    out = tmp_path / "indikator"
    with pytest.raises(CheckError, match=rf"^{name}: "):
        write_all(bad, out)
    assert not out.exists()                                     # nothing written


def test_a_table_without_schema_is_refused(tabs, tmp_path):
    with pytest.raises(CheckError, match="^lain: tidak ada skema"):
        write_all({**tabs, "lain": tabs["ringkasan"]}, tmp_path / "indikator")
    assert not (tmp_path / "indikator").exists()
