"""`python -m kemiskinan bagikan`: one zip per audience level with the index, the briefings' HTML + PDF under
names a recipient recognises, and SHA256SUMS; the PII guard runs before any zip is written (issue 19 item 4)."""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import PERIODE, run_cli
from kemiskinan import config
from kemiskinan.publish import share
from kemiskinan.domain import wilayah as wil

P = "2018-05"
WALIKOTA = "Briefing_Kemiskinan_2018-05_untuk_Walikota"
CAMAT = "Briefing_Kemiskinan_2018-05_untuk_Camat"
LURAH = "Briefing_Kemiskinan_2018-05_untuk_Lurah"
# written out by hand from data/reference/wilayah_bontang.csv: the names a recipient sees
EXPECTED = {
    WALIKOTA: ["Briefing_Kemiskinan_Kota_Bontang_2018-05"],
    CAMAT: ["Briefing_Kemiskinan_Kecamatan_Bontang_Utara_2018-05", "Briefing_Kemiskinan_Kecamatan_Bontang_Selatan_2018-05",
            "Briefing_Kemiskinan_Kecamatan_Bontang_Barat_2018-05"],
    LURAH: [f"Briefing_Kemiskinan_Kelurahan_{n}_2018-05" for n in (
        "Bontang_Kuala", "Bontang_Baru", "Lok_Tuan", "Guntung", "Gunung_Elai", "Api_Api",
        "Tanjung_Laut", "Berbas_Tengah", "Berbas_Pantai", "Satimpo", "Bontang_Lestari", "Tanjung_Laut_Indah",
        "Belimbing", "Gunung_Telihan", "Kanaan")],
}
NIK = "6474015507850001"


def _umask() -> int:
    m = os.umask(0o022)
    os.umask(m)
    return m


def test_names_a_recipient_recognises():
    kota, lok_tuan, api = wil.get("64.74"), wil.get("64.74.01.1003"), wil.get("64.74.01.1006")
    assert share.share_stem(kota, P) == "Briefing_Kemiskinan_Kota_Bontang_2018-05"
    assert share.share_stem(lok_tuan, P) == "Briefing_Kemiskinan_Kelurahan_Lok_Tuan_2018-05"
    assert share.share_stem(api, P) == "Briefing_Kemiskinan_Kelurahan_Api_Api_2018-05"
    assert share.share_stem(lok_tuan, P, "en") == "Poverty_Briefing_Kelurahan_Lok_Tuan_2018-05"
    assert share.bundle_name("Lurah", P) == LURAH


def test_a_period_not_built_is_refused_in_indonesian_without_traceback():
    r = run_cli("bagikan", "--periode", "2099-01")
    assert r.returncode == 2, r.stderr
    assert "periode 2099-01 belum dibangun" in r.stderr and "Traceback" not in r.stderr
    assert not (config.reports_dir("2099-01")).exists()


@pytest.fixture(scope="module")
def bundles(built) -> Path:
    r = run_cli("bagikan", "--periode", PERIODE)
    assert r.returncode == 0, r.stderr[-3000:]
    return built / "bagikan"


@pytest.mark.slow
def test_each_zip_holds_exactly_the_index_its_briefings_and_sha256sums(bundles):
    assert sorted(p.name for p in bundles.iterdir()) == sorted(f"{b}.zip" for b in EXPECTED)  # no staging left
    for bundle, stems in EXPECTED.items():
        with zipfile.ZipFile(bundles / f"{bundle}.zip") as z:
            names = z.namelist()
            expected = ["index.html", *sorted(f"{s}.{e}" for s in stems for e in ("html", "pdf")), "SHA256SUMS"]
            assert names == [f"{bundle}/{n}" for n in expected], bundle
            assert all(stat.S_IMODE(i.external_attr >> 16) == 0o644 for i in z.infolist())
        # the zip itself: the usual permissions under this process's umask
        assert stat.S_IMODE((bundles / f"{bundle}.zip").stat().st_mode) == 0o666 & ~_umask()


@pytest.mark.slow
def test_unpacked_bundle_verifies_with_sha256sum_and_its_links_work(bundles, built, tmp_path):
    from kemiskinan.publish.index import slug

    for bundle, stems in EXPECTED.items():
        with zipfile.ZipFile(bundles / f"{bundle}.zip") as z:
            z.extractall(tmp_path)
        folder = tmp_path / bundle
        r = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.count(": OK") == 1 + 2 * len(stems)
        # every link of every page resolves to a file of the unpacked folder; the index links all briefings
        for page in folder.glob("*.html"):
            for href in re.findall(r'href="([^"#][^"]*)"', page.read_text(encoding="utf-8")):
                assert not href.startswith(("http:", "https:", "/", "..")), (page.name, href)
                assert (folder / href).is_file(), (page.name, href)
        index = (folder / "index.html").read_text(encoding="utf-8")
        assert sorted(re.findall(r'href="([^"]+)"', index)) == sorted(f"{s}.{e}" for s in stems for e in ("html", "pdf"))
        assert '<html lang="id">' in index
    # the bundled files are the built ones, byte for byte
    lok_tuan = wil.get("64.74.01.1003")
    for ext in ("html", "pdf"):
        bundled = tmp_path / LURAH / f"Briefing_Kemiskinan_Kelurahan_Lok_Tuan_2018-05.{ext}"
        assert bundled.read_bytes() == (built / f"{slug(lok_tuan)}.{ext}").read_bytes()
    # and the list catches a changed file
    pdf = tmp_path / WALIKOTA / "Briefing_Kemiskinan_Kota_Bontang_2018-05.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    r = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / WALIKOTA, capture_output=True, text=True)
    assert r.returncode != 0 and "Kota_Bontang_2018-05.pdf: FAILED" in r.stdout


def _copy_period(src_root: Path, dest: Path) -> Path:
    """A project holding only a built period: its shared files, the index stamp, the processed tables the
    bundle's index and the PII guard read, and the reference tables."""
    reports = dest / "reports" / P
    reports.mkdir(parents=True)
    for f in (src_root / "reports" / P).iterdir():
        if f.is_file() and f.suffix in (".html", ".pdf"):
            shutil.copyfile(f, reports / f.name)
    shutil.copytree(src_root / "reports" / P / ".stamps", reports / ".stamps")
    shutil.copytree(src_root / "data" / "processed" / P, dest / "data" / "processed" / P,
                    ignore=shutil.ignore_patterns("sebelumnya"))
    shutil.copytree(src_root / "data" / "reference", dest / "data" / "reference")
    return dest


@pytest.mark.slow
def test_a_planted_nik_refuses_the_bundle_and_writes_no_zip(built, tmp_path):
    root = _copy_period(config.PROJ_ROOT, tmp_path / "proj")
    page = root / "reports" / P / "kelurahan_lok_tuan.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</main>", f"<p>NIK pengurus: {NIK}</p></main>", 1), encoding="utf-8")
    r = run_cli("bagikan", "--periode", P, env={"KEMISKINAN_ROOT": str(root)})
    assert r.returncode == 2, r.stdout + r.stderr
    assert "data pribadi" in r.stderr and "tidak ada zip yang ditulis" in r.stderr
    assert f"{LURAH}/Briefing_Kemiskinan_Kelurahan_Lok_Tuan_2018-05.html" in r.stderr
    assert "kelurahan_lok_tuan.html" in r.stderr          # the built file it came from
    assert NIK not in r.stderr and "Traceback" not in r.stderr
    out = root / "reports" / P / "bagikan"
    assert list(out.iterdir()) == []                      # no zip (not even the clean ones), no staging left
    # the same copy without the NIK is bundled: the refusal was the NIK's doing
    page.write_text(html, encoding="utf-8")
    r = run_cli("bagikan", "--periode", P, env={"KEMISKINAN_ROOT": str(root)})
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{b}.zip" for b in EXPECTED)


@pytest.mark.slow
def test_an_incomplete_build_is_refused_naming_what_is_missing(built, tmp_path):
    root = _copy_period(config.PROJ_ROOT, tmp_path / "proj")
    (root / "reports" / P / "kelurahan_kanaan.pdf").unlink()
    r = run_cli("bagikan", "--periode", P, env={"KEMISKINAN_ROOT": str(root)})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "belum lengkap" in r.stderr and "kelurahan_kanaan.pdf" in r.stderr
    assert not (root / "reports" / P / "bagikan").exists()


@pytest.mark.slow
def test_zips_follow_a_stricter_umask_and_a_dead_runs_staging_is_removed(built, tmp_path):
    root = _copy_period(config.PROJ_ROOT, tmp_path / "proj")
    dead = root / "reports" / P / "bagikan" / ".staging-0badc0ffee00"
    (dead / LURAH).mkdir(parents=True)
    (dead / LURAH / "index.html").write_text("<p>sisa proses yang dihentikan</p>")
    r = subprocess.run([sys.executable, "-m", "kemiskinan", "bagikan", "--periode", P], capture_output=True, text=True,
                       env={**os.environ, "KEMISKINAN_ROOT": str(root)}, umask=0o027, timeout=300)
    assert r.returncode == 0, r.stderr
    out = root / "reports" / P / "bagikan"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{b}.zip" for b in EXPECTED)
    assert sorted(stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()) == [0o640] * 3
