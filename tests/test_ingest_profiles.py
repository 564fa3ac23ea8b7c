"""Source profiles (issue 17 item 4): sumber.yml per raw folder, reusable profiles in profiles/, the
built-in profile; the YAML validated with errors naming file and key; declared vocabularies map values and a
value outside one is a finding with the value."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kemiskinan.clean import step as C
from kemiskinan.clean import load
from kemiskinan import config
from kemiskinan.domain import codes
from kemiskinan.ingest import profiles
from kemiskinan.ingest import readers
from kemiskinan.errors import InputError
from test_clean import base_data, write_raw


def _raw(tmp_path, sumber: str | None = None) -> Path:
    raw = write_raw(base_data(), tmp_path / "raw")
    (raw / "SINTETIS_KKS_Distribusi_2017.xlsx").unlink()
    if sumber is not None:
        (raw / "sumber.yml").write_text(sumber, encoding="utf-8")
    return raw


@pytest.mark.parametrize("text, key, words", [
    ("versi: 1\nfile: []\nberkas: []\n", "berkas", "kunci tidak dikenal"),
    ("versi: 2\n", "versi", "tidak dikenal"),
    ("file:\n  - pola: '*.csv'\n    jenis: keluarga\n", "file[1].jenis", "jenis 'keluarga' tidak dikenal"),
    ("file:\n  - pola: '*.csv'\n    kolum: {}\n", "file[1].kolum", "kunci tidak dikenal"),
    ("file:\n  - jenis: kks\n", "file[1].pola", "wajib ada"),
    ("file:\n  - pola: a.csv\n    kolom: {'No Kartu': nomor_kartu}\n", 'file[1].kolom."No Kartu"',
     "nama kolom kanonik 'nomor_kartu' tidak dikenal"),
    ("file:\n  - pola: a.csv\n    nilai: {status_kartu: {Sudah: selesai}}\n", 'file[1].nilai.status_kartu."Sudah"',
     "'selesai' bukan status kartu kanonik"),
    ("file:\n  - pola: a.csv\n    nilai: {lantai: {Keramik: 42}}\n", 'file[1].nilai.lantai."Keramik"',
     "'42' bukan kode kolom lantai"),
    ("file:\n  - pola: a.csv\n    ya_tidak: {sta_kks: {ya: [Yes], tidak: [No]}}\n", "file[1].ya_tidak.sta_kks.ya",
     "dibaca YAML sebagai benar/salah"),
    ("file:\n  - pola: a.csv\n    ya_tidak: {sta_kks: {ya: ['1'], tidak: ['1']}}\n", "file[1].ya_tidak.sta_kks.tidak",
     "ya dan tidak sekaligus"),
    ("file:\n  - pola: a.csv\n    baris_header: nol\n", "file[1].baris_header", "bilangan bulat"),
    ("pakai: [tidak_ada_profil_ini]\n", "pakai", "profil 'tidak_ada_profil_ini' tidak ada di profiles/"),
])
def test_invalid_sumber_yml_is_a_clear_error(tmp_path, text, key, words):
    raw = _raw(tmp_path, text)
    with pytest.raises(InputError) as e:
        load.read_inputs(raw)
    assert e.value.file == "sumber.yml"
    assert f"kunci `{key}`" in str(e.value) and words in str(e.value), str(e.value)
    out = tmp_path / "out"
    assert C.main_clean(["--raw", str(raw), "--out", str(out)]) == 2 and not out.exists()


def test_yaml_syntax_error_names_the_line(tmp_path):
    raw = _raw(tmp_path, "versi: 1\nfile:\n  - pola: 'a.csv\n    jenis: kks\n")
    with pytest.raises(InputError, match="YAML tidak bisa dibaca") as e:
        load.read_inputs(raw)
    assert e.value.file == "sumber.yml" and e.value.row is not None


def _kks_dinsos(path: Path, statuses: list[str]) -> None:
    """A KKS list in the Dinas Sosial shape of profiles/kks_dinsos.yml: title rows, header on row 4."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Penyaluran"
    ws.append(["REKAP PENYALURAN KKS"])
    ws.append(["DINAS SOSIAL"])
    ws.append([])
    ws.append(["No Kartu", "NIK Pemegang", "Nama Pemegang", "Nomor KK", "Desa/Kelurahan", "Status Distribusi",
               "Tgl Salur"])
    people = [("6474010708750001", "AMIR", "6474010101150001", "Bontang Kuala"),
              ("6474022902800003", "BUDI", "6474020101150002", "Tanjung Laut"),
              ("6474030404950005", "DODI", "6474030101150004", "Belimbing"),
              ("6474034303700004", "CICI", "6474030101150003", "Belimbing"),
              ("6474010808880008", "GUGU", "6474010101150007", "Loktuan")]
    for i, ((nik, nama, kk, kel), st) in enumerate(zip(people, statuses)):
        ws.append([f"50010000000000{i:02d}", nik, nama, kk, kel, st, "01/03/2017"])
    wb.save(path)


def test_declared_vocabulary_maps_values_and_flags_the_rest(tmp_path):
    """profiles/kks_dinsos.yml through `pakai`: its header row, column names and status words apply; a word
    outside its vocabulary — even one the built-in profile knows (KEMBALI is not in it) — is a finding
    naming the value, and the status is left empty."""
    raw = _raw(tmp_path, "versi: 1\npakai: [kks_dinsos]\n")
    _kks_dinsos(raw / "KKS_Bontang_2017.xlsx", ["Sudah", "belum ", "RETUR", "Hilang", "KEMBALI"])
    by_kind, _, _ = load.read_inputs(raw)
    (t,) = by_kind["kks"]
    assert t.header_row == 4 and t.profile == "profiles/kks_dinsos.yml, file[1]" and t.kind == "kks"
    assert {"no_kks", "nik_pengurus", "kelurahan", "status_kartu"} <= set(t.df.columns)
    res = C.clean(raw, tmp_path / "out", verbose=False, check_provenance=False)
    kks = res.tables["kks"].sort_values("baris_sumber")
    assert kks["baris_sumber"].tolist() == [5, 6, 7, 8, 9]
    assert kks["status_kartu"].tolist()[:3] == ["tersalur", "belum_tersalur", "dikembalikan"]
    assert kks["status_kartu"].iloc[3:].isna().all()
    bad = res.temuan[res.temuan["aturan"] == "KKS_STATUS_TIDAK_VALID"]
    assert bad["baris"].tolist() == [8, 9] and bad["nilai_tersamar"].tolist() == ["Hilang", "KEMBALI"]
    assert bad["kolom"].astype(str).tolist() == ["status_kartu"] * 2
    assert "di luar kosakata profiles/kks_dinsos.yml" in bad["pesan"].iloc[0]


def test_sumber_yml_rule_wins_over_a_reusable_profile(tmp_path):
    raw = _raw(tmp_path, "versi: 1\npakai: [kks_dinsos]\nfile:\n  - pola: 'kks_*.xlsx'\n    baris_header: 4\n"
                         "    kolom: {Status Distribusi: status_kartu, No Kartu: no_kks, Desa/Kelurahan: kelurahan}\n"
                         "    nilai:\n      status_kartu: {Sudah: tersalur, TERSALUR: tersalur, Belum: belum_tersalur}\n")
    _kks_dinsos(raw / "KKS_Bontang_2017.xlsx", ["Sudah", "TERSALUR", "Retur"])
    by_kind, _, _ = load.read_inputs(raw)
    (t,) = by_kind["kks"]
    assert t.profile == "sumber.yml, file[1]"
    assert t.df["status_kartu"].tolist() == ["tersalur", "tersalur", "Retur"]
    assert t.outside["status_kartu"].tolist() == [False, False, True]


def test_yes_no_coding_and_kind_and_header_row_from_sumber_yml(tmp_path):
    """A household file with word-coded yes/no, its header on line 3 under two title lines whose header has
    too few known names to be found, and a table that would be refused as ambiguous, read by declaration."""
    raw = _raw(tmp_path, """versi: 1
file:
  - pola: "RT_*.csv"
    jenis: rumah_tangga
    baris_header: 3
    kolom: {"Kode Ruta": idbdt, "Kel": nmkel}
    ya_tidak:
      sta_kks: {ya: ["Punya", "Ya"], tidak: ["Tidak Punya", "Tidak"]}
  - pola: campur.csv
    jenis: kks
""")
    (raw / "SINTETIS_BDT2015_RT_6474.csv").unlink()
    d = base_data()
    rows = [[r[0], r[6], ["Punya", "tidak  punya", "YA", "Mungkin", "", "Tidak"][i % 6]] for i, r in enumerate(d["rt"][:6])]
    lines = ["DATA RUMAH TANGGA;;", "Kota Bontang;;", "Kode Ruta;Kel;sta_kks", *(";".join(r) for r in rows)]
    (raw / "RT_bontang.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (raw / "campur.csv").write_text("IDBDT;IDARTBDT;Status Kartu\n647402000100001;64740200010000101;TERSALUR\n")
    by_kind, _, _ = load.read_inputs(raw)
    assert [t.file for t in by_kind["kks"]] == ["campur.csv"]
    (rt,) = by_kind["ruta"]
    assert rt.header_row == 3 and rt.df["sta_kks"].tolist() == ["1", "2", "1", "Mungkin", "", "2"]
    res = C.clean(raw, tmp_path / "out", verbose=False, check_provenance=False)
    got = res.tables["rumah_tangga"].set_index("baris_sumber")["sta_kks"]
    assert got.loc[[4, 5, 6, 9]].tolist() == [True, False, True, False]
    assert got.loc[[7, 8]].isna().all()
    bad = res.temuan[res.temuan["aturan"] == "YA_TIDAK_TIDAK_VALID"]
    assert bad["baris"].tolist() == [7] and bad["nilai_tersamar"].tolist() == ["Mungkin"]


def test_builtin_profile_holds_what_was_supported():
    """The aliases, status words and PBDT yes/no pairs live in the built-in profile (bawaan.yml)."""
    base = profiles.builtin().spec("apa_saja.csv")
    assert readers.ALIASES is profiles.builtin().base.kolom
    assert base.aliases["nokk"] == "no_kk" and base.aliases["id_dtks"] == "idbdt"
    assert base.aliases["status_distribusi"] == "status_kartu" and base.aliases["no_kartu_kks"] == "no_kks"
    st = base.vocab["status_kartu"]
    assert not st.closed and st.mapping["retur"] == "dikembalikan" and st.mapping["belum"] == "belum_tersalur"
    for col, (y, n) in codes.YES_NO.items():           # the decoder's pairs and the profile's agree
        m = base.vocab[col].mapping
        assert (m[str(y)], m[str(n)], m["ya"], m["tidak"]) == (str(y), str(n), str(y), str(n)), col
    assert set(base.aliases.values()) <= readers.CANONICAL


def test_the_example_profile_in_the_repository_is_valid():
    p = config.PROJ_ROOT / "profiles" / "kks_dinsos.yml"
    doc = profiles._read_yaml(p, "profiles/kks_dinsos.yml")
    (rule,) = profiles._rules_of(doc, "profiles/kks_dinsos.yml", closed=True)
    assert rule.jenis == "kks" and rule.baris_header == 4 and rule.vocab["status_kartu"].closed


def test_values_are_matched_without_case_and_spaces():
    v = profiles.Vocab({"belum tersalur": "belum_tersalur"}, True, "KKS_STATUS_TIDAK_VALID", "x")
    out, outside, report = profiles.apply_vocab(pd.Series(["  BELUM\u00a0 Tersalur ", "Belum", ""], dtype="str"), v)
    assert out.tolist() == ["belum_tersalur", "Belum", ""] and outside.tolist() == [False, True, False]
    assert report.set_index("nilai")["menjadi"].to_dict() == {"  BELUM\u00a0 Tersalur ": "belum_tersalur",
                                                             "Belum": "(di luar kosakata)", "": ""}
