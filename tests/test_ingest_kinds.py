"""Kind detection that cannot be fooled (issue 17 item 3): every table is scored against every kind on its
whole column set; a table that fits no kind, or two equally, is refused with the columns seen, the best
candidates and what they lack."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan.clean import step as C
from kemiskinan.clean import load
from kemiskinan.errors import InputError
from kemiskinan.ingest.profiles import jenis
from test_clean import base_data, write_raw

FIX = Path(__file__).parent / "fixtures" / "ingest"


def _raw(tmp_path) -> Path:
    raw = write_raw(base_data(), tmp_path / "raw")
    (raw / "SINTETIS_KKS_Distribusi_2017.xlsx").unlink()
    return raw


def test_kks_list_with_idbdt_and_nmkel_is_a_kks_list(tmp_path):
    raw = _raw(tmp_path)
    shutil.copy(FIX / "kks_kantor_lain.csv", raw)
    by_kind, _, _ = load.read_inputs(raw)
    assert [t.file for t in by_kind["kks"]] == ["kks_kantor_lain.csv"]
    assert [t.file for t in by_kind["ruta"]] == ["SINTETIS_BDT2015_RT_6474.csv"]
    res = C.clean(raw, tmp_path / "out", verbose=False, check_provenance=False)
    kks = res.tables["kks"].sort_values("baris_sumber")
    # rows 2–5 of the fixture: Tersalur, Belum, Retur, Hilang (not a status: flagged, blank)
    assert kks["status_kartu"].tolist()[:3] == ["tersalur", "belum_tersalur", "dikembalikan"]
    assert pd.isna(kks["status_kartu"].iloc[3])
    bad = res.temuan[res.temuan["aturan"] == "KKS_STATUS_TIDAK_VALID"]
    assert bad["baris"].tolist() == [5] and bad["nilai_tersamar"].tolist() == ["Hilang"]
    # NMKEL names the list's kelurahan: every row placed in its kelurahan
    assert kks["kode_kelurahan"].tolist() == ["64.74.01.1001", "64.74.02.1001", "64.74.03.1001", "64.74.03.1001"]
    rek = res.rekonsiliasi.set_index(["file", "sheet"])
    assert tuple(rek.loc[("kks_kantor_lain.csv", ""), ["dibaca", "disimpan", "ditolak", "digabung"]]) == (4, 4, 0, 0)


def test_kks_list_without_status_is_refused_not_read_as_households(tmp_path):
    raw = _raw(tmp_path)
    lines = (FIX / "kks_kantor_lain.csv").read_text().splitlines()
    (raw / "kks.csv").write_text("\n".join(";".join(ln.split(";")[:6]) for ln in lines) + "\n")
    with pytest.raises(InputError) as e:
        load.read_inputs(raw)
    msg = str(e.value)
    assert e.value.file == "kks.csv" and e.value.row == 1
    assert "jenis tabel tidak dikenali" in msg and "paling mirip daftar KKS" in msg
    assert "No_KKS, NIK_pengurus, Nama_pengurus, NoKK, IDBDT, NMKEL" in msg     # the columns seen, as written
    assert "kurang: status_kartu" in msg
    out = tmp_path / "out"
    assert C.main_clean(["--raw", str(raw), "--out", str(out)]) == 2 and not out.exists()


def test_table_fitting_two_kinds_equally_is_refused(tmp_path):
    raw = _raw(tmp_path)
    (raw / "campur.csv").write_text("IDBDT;IDARTBDT;Status Kartu\n647402000100001;64740200010000101;TERSALUR\n")
    with pytest.raises(InputError, match="sama cocoknya dengan BDT anggota rumah tangga dan daftar KKS") as e:
        load.read_inputs(raw)
    assert "Kolom yang terbaca: IDBDT, IDARTBDT, Status Kartu" in str(e.value)


def test_table_fitting_no_kind_names_candidates_and_missing_columns(tmp_path):
    raw = _raw(tmp_path)
    (raw / "lain.csv").write_text("NIK;Nama;Alamat;Umur;NoKK\n1;2;3;4;5\n")
    with pytest.raises(InputError) as e:
        load.read_inputs(raw)
    msg = str(e.value)
    assert "Kolom yang terbaca: NIK, Nama, Alamat, Umur, NoKK" in msg
    assert "Calon terdekat: BDT anggota rumah tangga (skor" in msg and "kurang: idartbdt, idbdt" in msg


@pytest.mark.parametrize("cols, kind", [
    # what the sample and the hand-made files of tests/test_clean.py carry
    ({"idbdt", "kdprop", "kdkab", "kdkec", "kddesa", "nmkec", "nmkel", "alamat", "nama_sls", "lantai"}, "ruta"),
    ({"idbdt", "idartbdt", "kdprop", "kdkab", "nama", "jnskel", "nik", "no_kk", "hub_krt", "nuk"}, "art"),
    ({"no", "nik_pengurus", "nama_pengurus", "no_kk", "alamat", "kecamatan", "kelurahan", "status_kartu"}, "kks"),
    ({"no", "tanggal_pendaftaran", "nik", "no_kk", "idbdt", "status_identifikasi", "hasil_verifikasi"}, "mpm"),
    ({"kode_wilayah", "kecamatan", "kelurahan", "jumlah_penduduk", "tahun"}, "penduduk"),
    # a district's member file with region by names only (no codes)
    ({"no", "idartbdt", "idbdt", "kecamatan", "kelurahan", "nama", "alamat", "jnskel", "percentile"}, "art"),
    # an MPM sheet with IDBDT, an address and RT is not a household file
    ({"idbdt", "alamat", "rt", "status_identifikasi"}, "mpm"),
])
def test_known_shapes_keep_their_kind(cols, kind):
    assert load.detect_kind(cols) == kind


def test_a_profile_decides_the_kind():
    v = jenis.decide({"nik", "nama"}, declared="kks")
    assert v.kind == "kks" and "dinyatakan di profil" in v.reason
