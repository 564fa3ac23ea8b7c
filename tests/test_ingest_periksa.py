"""`python -m kemiskinan periksa --raw DIR` (issue 17 item 5): the view per file and sheet on a small
hand-written folder, its exit codes, and notebook 01's first cells showing the same view."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli
from kemiskinan.clean import load
from kemiskinan import config

FIX = Path(__file__).parent / "fixtures" / "ingest" / "periksa_kecil"


@pytest.fixture
def folder(tmp_path) -> Path:
    raw = tmp_path / "kecil"
    shutil.copytree(FIX, raw)
    return raw


def test_view_of_a_folder_that_will_clean(folder, tmp_path):
    r = run_cli("periksa", "--raw", str(folder))
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    # one block per file, in file order, each with its kind; written by hand from the three files
    assert [ln.split(" — ")[0] for ln in out.splitlines() if ln.startswith("[")] == \
        ["[OK] art.txt", "[OK] kks.csv", "[OK] rt.csv"]
    assert "[OK] kks.csv — daftar KKS\n    alasan: dinyatakan di profil (jenis: kks)\n" \
           "    header baris 1; 4 baris data; profil: sumber.yml, file[1]\n" in out
    assert "kolom dipetakan (5): No Kartu → no_kks, nik_pengurus, no_kk, kelurahan, Status Distribusi → status_kartu" in out
    assert "nilai status_kartu: 'Belum' 1 → belum_tersalur; 'Rusak' 1 → (di luar kosakata); 'Sudah' 1 → tersalur; " \
           "'sudah' 1 → tersalur" in out
    assert "[OK] rt.csv — BDT rumah tangga\n" in out and "header baris 1; 3 baris data; profil: bawaan" in out
    assert "kolom tidak dikenal (1): Catatan Petugas" in out
    assert "nilai sta_kks: '1' 2; '2' 1" in out
    assert "[OK] art.txt — BDT anggota rumah tangga\n" in out and "5 baris data" in out
    assert "NoKK → no_kk" in out and "nilai jnskel: '1' 3; '2' 2" in out
    assert "Catatan: tidak ada MPM" in out and "Siap dibersihkan: 3 tabel." in out
    # no ID, NIK, No. KK or name is shown
    assert not re.search(r"\d{8,}", out) and "AMIR" not in out and "Jl. Mawar" not in out
    # what periksa calls ready, the cleaner reads and sorts the same way (the cleaning of a folder without
    # MPM or penduduk file is the CLEAN part of issue 17)
    by_kind, _, _ = load.read_inputs(folder)
    assert {k: [t.file for t in v] for k, v in by_kind.items() if v} == \
        {"ruta": ["rt.csv"], "art": ["art.txt"], "kks": ["kks.csv"]}


def test_view_of_a_folder_that_will_not_clean(folder):
    (folder / "art.txt").unlink()
    (folder / "lain.csv").write_text("NIK;Nama;Umur\n6474010708750001;AMIR;40\n", encoding="utf-8")
    (folder / "kosong.csv").write_bytes(b"")
    r = run_cli("periksa", "--raw", str(folder))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    out = r.stdout
    assert "[GAGAL] kosong.csv\n    tidak bisa dibaca: file kosong (0 baris data)" in out
    assert "[GAGAL] lain.csv — jenis tidak dikenali\n    alasan: tidak ada kolom yang khas" not in out
    assert "[GAGAL] lain.csv — jenis tidak dikenali" in out and "Calon terdekat: BDT anggota rumah tangga" in out
    assert "kurang: idartbdt, idbdt" in out
    assert "Masalah: file BDT anggota rumah tangga tidak ditemukan (wajib)" in out
    assert "BELUM siap dibersihkan: 2 dari 4 tabel bermasalah, 1 masalah folder." in out
    assert "6474010708750001" not in out and "AMIR" not in out
    with pytest.raises(Exception):
        load.read_inputs(folder)


def test_invalid_sumber_yml_exit_2(folder):
    (folder / "sumber.yml").write_text("versi: 1\nfile:\n  - pola: kks.csv\n    jenis: kartu\n", encoding="utf-8")
    r = run_cli("periksa", "--raw", str(folder))
    assert r.returncode == 2
    assert "Masalah: file sumber.yml: kunci `file[1].jenis`: jenis 'kartu' tidak dikenal" in r.stdout


def test_notebook_01_starts_with_the_same_view(folder, capsys):
    """The cells of notebook 01 up to the periksa cell, run on the folder, print what the CLI prints."""
    nb = json.loads((config.NOTEBOOKS_DIR / "01_bersihkan_data.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    i = next(k for k, src in enumerate(code) if "periksa.periksa(raw_dir)" in src)
    assert i == 2 and all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    ns: dict = {}
    exec(code[0], ns)                                   # parameters
    ns["raw"] = str(folder)
    for src in code[1:i + 1]:
        exec(src, ns)
    printed = capsys.readouterr().out
    r = run_cli("periksa", "--raw", str(folder))
    assert r.stdout.strip() in printed and "Siap dibersihkan: 3 tabel." in printed
