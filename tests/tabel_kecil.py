"""A small clean data set in the layout step 01 writes (contracts §2, `kemiskinan.clean.schemas`), small
enough to count on paper, and the indicator tables the real step 02 code (`indicators.compute_all`)
makes of it. The briefing and chart tests read these tables, so they see exactly the columns, dtypes
and values (`D1-D4`, `KIS/PBI`, `p0_persen`, …) a build hands the notebooks.

Three kelurahan of two kecamatan, fourteen rumah tangga of one keluarga each (IDs and No. KK are
made-up digit strings, no names, no NIK):

    ruta kelurahan  RT   desil      KKS  Blok V programmes    lantai  members (hub_krt sex age; notes)
    L1   Lok Tuan   001  1          ya   PKH KIS Rastra       bambu   head L 40 disabled, wife P 35, child L 10 in school
    L2   Lok Tuan   001  1          -    KIS Rastra           bambu   head P 65, not working
    L3   Lok Tuan   001  2          ya   KIS                  bambu   head L 50, wife P 45
    L4   Lok Tuan   001  2          -    -                    bambu   head L 30
    L5   Lok Tuan   002  3          ya   KIS                  bambu   head L 45, wife P 40
    L6   Lok Tuan   002  4          -    -                    keramik head L 55
    L7   Lok Tuan   002  1          -    KIS                  bambu   head L 38, wife P 36
    L8   Lok Tuan   003  4+ (p 55)  ya   KIS                  keramik head L 42
    G1   Guntung    001  1          ya   KIS                  keramik head P 33
    G2   Guntung    001  3          ya   -                    keramik head L 60
    G3   Guntung    002  2          -    -                    keramik head L 29
    S1   Satimpo    001  1          ya   KIS                  keramik head L 47
    S2   Satimpo    001  2          ya   KIS                  keramik head P 52
    S3   Satimpo    001  non-desil  -    -                    keramik head L 61

Lok Tuan and Guntung are in Bontang Utara, Satimpo in Bontang Selatan. Every other code (walls, water,
toilet, electricity, cooking fuel, floor area 36 m², heads with SMA and working unless said) is one that
marks no deprivation. The KKS list holds one TERSALUR row per "ya" above (matched by No. KK) and one
TERSALUR row in Satimpo that matches no BDT family. MPM: Lok Tuan 4 registrations (two already in the
BDT; results 1, 1, 2, not yet visited), Guntung 2 (results 1, not yet visited), Satimpo none, so of the
15 kelurahan only Lok Tuan and Guntung have reported. Population (jiwa, rumah tangga = KK): Lok Tuan
40 and 10, Guntung 20 and 6, Satimpo 15 and 5, every other kelurahan 10 and 3.

The tables are computed with `ambang_sel_kecil: 3` (cells of 1–2 hidden) so this small set has both
hidden and visible cells below kelurahan level.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

import pandas as pd

from kemiskinan.clean import schemas
from kemiskinan.domain import wilayah
from kemiskinan.indicators import compute_all

KOTA = "64.74"
BONTANG_UTARA, BONTANG_SELATAN = "64.74.01", "64.74.02"
LOK_TUAN, GUNTUNG, SATIMPO = "64.74.01.1003", "64.74.01.1004", "64.74.02.1004"
PARAMS = {"ambang_sel_kecil": 3}

# ruta, kelurahan, RT, desil, percentile, kelompok_desil, KKS, (PKH, KIS, KIP, Rastra), lantai
_RUTA = [
    ("L1", LOK_TUAN, "001", 1, None, "1", True, (1, 1, 0, 1), 7),
    ("L2", LOK_TUAN, "001", 1, None, "1", False, (0, 1, 0, 1), 7),
    ("L3", LOK_TUAN, "001", 2, None, "2", True, (0, 1, 0, 0), 7),
    ("L4", LOK_TUAN, "001", 2, None, "2", False, (0, 0, 0, 0), 7),
    ("L5", LOK_TUAN, "002", 3, None, "3", True, (0, 1, 0, 0), 7),
    ("L6", LOK_TUAN, "002", 4, None, "4", False, (0, 0, 0, 0), 2),
    ("L7", LOK_TUAN, "002", 1, None, "1", False, (0, 1, 0, 0), 7),
    ("L8", LOK_TUAN, "003", None, 55, "4+", True, (0, 1, 0, 0), 2),
    ("G1", GUNTUNG, "001", 1, None, "1", True, (0, 1, 0, 0), 2),
    ("G2", GUNTUNG, "001", 3, None, "3", True, (0, 0, 0, 0), 2),
    ("G3", GUNTUNG, "002", 2, None, "2", False, (0, 0, 0, 0), 2),
    ("S1", SATIMPO, "001", 1, None, "1", True, (0, 1, 0, 0), 2),
    ("S2", SATIMPO, "001", 2, None, "2", True, (0, 1, 0, 0), 2),
    ("S3", SATIMPO, "001", None, None, "non-desil", False, (0, 0, 0, 0), 2),
]
# ruta: members as (hub_krt, sex, age, jenis_cacat, partisipasi_sekolah, sta_bekerja)
_ANGGOTA = {
    "L1": [(1, "L", 40, 1, 2, 1), (2, "P", 35, 0, 2, 2), (3, "L", 10, 0, 1, 2)],
    "L2": [(1, "P", 65, 0, 2, 2)],
    "L3": [(1, "L", 50, 0, 2, 1), (2, "P", 45, 0, 2, 2)],
    "L4": [(1, "L", 30, 0, 2, 1)],
    "L5": [(1, "L", 45, 0, 2, 1), (2, "P", 40, 0, 2, 2)],
    "L6": [(1, "L", 55, 0, 2, 1)],
    "L7": [(1, "L", 38, 0, 2, 1), (2, "P", 36, 0, 2, 2)],
    "L8": [(1, "L", 42, 0, 2, 1)],
    "G1": [(1, "P", 33, 0, 2, 1)],
    "G2": [(1, "L", 60, 0, 2, 1)],
    "G3": [(1, "L", 29, 0, 2, 1)],
    "S1": [(1, "L", 47, 0, 2, 1)],
    "S2": [(1, "P", 52, 0, 2, 1)],
    "S3": [(1, "L", 61, 0, 2, 1)],
}
# kelurahan: MPM registrations as (idbdt of a BDT ruta or None, hasil_verifikasi or None, art_meninggal)
_MPM = {
    LOK_TUAN: [("L2", 1, 1), ("L4", 1, 0), (None, 2, 0), (None, None, 0)],
    GUNTUNG: [(None, 1, 0), (None, None, 0)],
}
_LAPOR_TERAKHIR = {LOK_TUAN: "2018-05-14", GUNTUNG: "2018-05-20"}
# kelurahan: (jiwa, rumah tangga); every other kelurahan (10, 3)
_PENDUDUK = {LOK_TUAN: (40, 10), GUNTUNG: (20, 6), SATIMPO: (15, 5)}


def _idbdt(ruta: str) -> str:
    """A 15-digit IDBDT, as in the sample data (made up: 9, then the ruta's position)."""
    return f"9{[r[0] for r in _RUTA].index(ruta) + 1:014d}"


def _no_kk(ruta: str) -> str:
    return f"9{[r[0] for r in _RUTA].index(ruta) + 1:015d}"


def clean_tables() -> dict[str, pd.DataFrame]:
    """The seven clean tables step 02 reads, coerced to the dtypes of `schemas.SPECS` and validated."""
    rt, kel, art, kks = [], [], [], []
    for i, (ruta, kode, rt_no, desil, pct, kd, has_kks, (pkh, kis, kip, rastra), lantai) in enumerate(_RUTA):
        idbdt, members = _idbdt(ruta), _ANGGOTA[ruta]
        kec = wilayah.get(kode).induk
        rt.append(dict(idbdt=idbdt, kode_kelurahan=kode, kode_kecamatan=kec, rt=rt_no, nomor_urut_rumah_tangga=i + 1,
                       jumlah_art=len(members), jumlah_keluarga=1, desil=desil, percentile=pct, kelompok_desil=kd,
                       sta_bangunan=1, sta_lahan=1, lantai=lantai, dinding=1, kondisi_dinding=1, atap=1,
                       kondisi_atap=1, sumber_airminum=3, cara_peroleh_airminum=2, sumber_penerangan=1, daya=2,
                       bb_masak=3, fasbab=1, kloset=1, buang_tinja=1, jumlah_kamar=2, luas_lantai=36.0,
                       sta_kks=has_kks, sta_pkh=bool(pkh), sta_kis=bool(kis), sta_kip=bool(kip),
                       sta_raskin=bool(rastra), sumber_file="tabel_kecil", baris_sumber=i + 2))
        kel.append(dict(idbdt=idbdt, nuk=1, no_kk=_no_kk(ruta), kode_kecamatan=kec, kode_kelurahan=kode, rt=rt_no,
                        desil=desil, kelompok_desil=kd, jumlah_art=len(members), kks=has_kks,
                        kks_status="tersalur" if has_kks else "tidak_ada"))
        for j, (hub, sex, umur, cacat, sekolah, kerja) in enumerate(members):
            art.append(dict(idartbdt=f"{idbdt}{j + 1:02d}", idbdt=idbdt, nuk=1, hub_krt=hub, hubkel=hub,
                            jenis_kelamin=sex, umur=umur, nik_status="kosong", jenis_cacat=cacat, penyakit_kronis=0,
                            partisipasi_sekolah=sekolah, ijazah_tertinggi=3 if hub == 1 else 2, sta_bekerja=kerja,
                            sumber_file="tabel_kecil", baris_sumber=len(art) + 2))
        if has_kks:
            kks.append(dict(no_kk=_no_kk(ruta), kode_kelurahan=kode, status_kartu="tersalur",
                            tanggal_distribusi=pd.Timestamp("2017-11-20"), idbdt=idbdt, nuk=1, cocok_lewat="no_kk",
                            sumber_file="tabel_kecil_kks", sumber_sheet="DAFTAR KKS", baris_sumber=len(kks) + 4))
    kks.append(dict(no_kk="9" * 16, kode_kelurahan=SATIMPO, status_kartu="tersalur",
                    tanggal_distribusi=pd.Timestamp("2017-11-20"), idbdt=None, nuk=None, cocok_lewat="tidak_ditemukan",
                    sumber_file="tabel_kecil_kks", sumber_sheet="DAFTAR KKS", baris_sumber=len(kks) + 4))
    mpm = [dict(kode_kelurahan=kode, tanggal_daftar=pd.Timestamp("2018-04-02"),
                idbdt=_idbdt(ruta) if ruta else None, terdaftar_bdt=ruta is not None, hasil_verifikasi=hasil,
                jumlah_art=2, art_meninggal=mati, art_pindah=0, art_baru=0, rt="001",
                sumber_file="tabel_kecil_mpm", sumber_sheet=wilayah.get(kode).nama, baris_sumber=j + 2)
           for kode, regs in _MPM.items() for j, (ruta, hasil, mati) in enumerate(regs)]
    every = [w.kode for w in wilayah.kelurahan()]
    lapor = [dict(kode_kelurahan=k, melapor=k in _MPM, jumlah_baris=len(_MPM.get(k, [])),
                  tanggal_terakhir=pd.Timestamp(_LAPOR_TERAKHIR[k]) if k in _LAPOR_TERAKHIR else pd.NaT) for k in every]
    pen = [dict(kode_kelurahan=k, jumlah_penduduk=_PENDUDUK.get(k, (10, 3))[0],
                jumlah_rumah_tangga=_PENDUDUK.get(k, (10, 3))[1], jumlah_kk=_PENDUDUK.get(k, (10, 3))[1],
                tahun=2017, sumber="tabel_kecil", sumber_file="tabel_kecil_penduduk", baris_sumber=i + 2)
           for i, k in enumerate(every)]
    tables = schemas.coerce({"rumah_tangga": pd.DataFrame(rt), "anggota": pd.DataFrame(art),
                             "keluarga": pd.DataFrame(kel), "kks": pd.DataFrame(kks), "mpm": pd.DataFrame(mpm),
                             "mpm_laporan": pd.DataFrame(lapor), "penduduk": pd.DataFrame(pen)})
    schemas.validate(tables)
    return tables


@lru_cache(maxsize=4)
def _computed(nama: tuple[tuple[str, str], ...]) -> dict[str, pd.DataFrame]:
    names = dict(nama)
    ref = tuple(dataclasses.replace(w, nama=names.get(w.kode, w.nama)) for w in wilayah.all_wilayah())
    return compute_all(clean_tables(), PARAMS, wilayah=ref if names else None)


def indicator_tables(nama: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The indicator tables of `clean_tables()` (fresh copies); `nama` renames wilayah in the reference
    the indicators are computed with, so a name reaches every table's `nama` column as real data would."""
    return {k: v.copy() for k, v in _computed(tuple(sorted((nama or {}).items()))).items()}
