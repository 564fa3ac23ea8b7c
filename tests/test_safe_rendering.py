"""Strings that come from data never run as markup in any HTML we write.

Which data strings reach an HTML page (docs/robustness.md, "Rendering"):
* wilayah names from data/reference/wilayah_bontang.csv (an analyst may add or edit rows) → every
  briefing (headings, tables, cards, notebook metadata `nama_wilayah` in the page title and footer), the
  index cards, the quality report's per-kelurahan columns, the PDF footer;
* raw file names → the quality report (reconciliation, examples, "baru: …") and the briefing's
  methodology ("Berkas masukan", from meta.json);
* MPM sheet names → the quality report (reconciliation, examples);
* free text such as KKS `Status Kartu`/`Kelurahan` → findings (`nilai_tersamar`, up to 40 characters)
  → the quality report's examples, shown in the analysts' briefing appendix too.

Each test plants `<script>` and `onerror=` payloads, opens the page in headless Chromium and asserts that
no script ran (`window.__pwned` undefined, no dialog) and that the payload shows literally as text.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from kemiskinan import config

PERIODE = "2018-05"
P_SCRIPT = "<script>window.__pwned=1</script>"
P_IMG = '<img src=x onerror="window.__pwned=1">'
P_SHEET = "<img src=x onerror=__pwned=1>"       # ≤ 31 characters and no '/': a legal Excel sheet name
P_SVG = "<svg onload=window.__pwned=1>"
P_FORMULA = "=cmd|' /C calc'!A0"


def _problems(browser, path: Path, must_show: list[str]) -> list[str]:
    """Open `path` in Chromium; what went wrong: a planted script ran, a dialog opened, an event handler or
    script with the payload is in the DOM, or a payload is not visible as literal text."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(50)  # let any onerror/onload fire
        pwned = page.evaluate("() => typeof window.__pwned")
        injected = page.evaluate("""() => ({
            handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a =>
                a.name.startsWith('on') && a.value.includes('__pwned'))).map(e => e.outerHTML.slice(0, 120)),
            scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length })""")
        text = page.inner_text("body")
    finally:
        page.close()
    out = []
    if pwned != "undefined":
        out.append(f"{path.name}: a planted script ran")
    if dialogs:
        out.append(f"{path.name}: dialog {dialogs}")
    if injected["handlers"] or injected["scripts"]:
        out.append(f"{path.name}: injected markup {injected}")
    out += [f"{path.name}: {s!r} not shown literally" for s in must_show if s not in text]
    return out


def _check_page(browser, path: Path, must_show: list[str]) -> None:
    problems = _problems(browser, path, must_show)
    assert not problems, "\n".join(problems)



class _Live(HTMLParser):
    """Elements that would run the payload: an `on…` attribute or a <script> mentioning `__pwned`."""

    def __init__(self):
        super().__init__()
        self.found, self._script = 0, False

    def handle_starttag(self, tag, attrs):
        self.found += any(k.startswith("on") and "__pwned" in (v or "") for k, v in attrs)
        self._script = tag == "script"

    def handle_data(self, data):
        self.found += self._script and "__pwned" in data


def _live(html: str) -> int:
    p = _Live()
    p.feed(html)
    return p.found


def _processed_with_payloads(d: Path) -> Path:
    """A minimal processed folder whose findings carry payloads in file, sheet, column and value."""
    d.mkdir(parents=True)
    tem = pd.DataFrame({
        "file": [f"SINTETIS_{P_SHEET}.xlsx", "SINTETIS_KKS.xlsx"], "sheet": [P_SHEET, "DAFTAR KKS"],
        "baris": [2, 4], "kolom": [P_SVG, "Status Kartu"], "aturan": ["WILAYAH_TIDAK_DIKENAL", "KKS_STATUS_TIDAK_VALID"],
        "pesan": ["x", "y"], "nilai_tersamar": [P_IMG, P_SCRIPT], "tindakan": ["tolak", "tandai"],
        "kode_kelurahan": ["64.74.01.1003", None]})
    rek = pd.DataFrame({"file": [f"SINTETIS_{P_SHEET}.xlsx"], "sheet": [P_SHEET], "jenis": [P_SVG], "dibaca": [1],
                        "disimpan": [0], "ditolak": [1], "digabung": [0], "seimbang": [True]})
    tem.to_parquet(d / "temuan.parquet")
    rek.to_parquet(d / "rekonsiliasi.parquet")
    (d / "meta.json").write_text(json.dumps({"sintetis": True, "files": {f"SINTETIS_{P_SHEET}.xlsx": "ab"}}))
    prev = d / "sebelumnya"
    prev.mkdir()
    rek.assign(dibaca=2).to_parquet(prev / "rekonsiliasi.parquet")
    tem.iloc[:1].to_parquet(prev / "temuan.parquet")
    (prev / "meta.json").write_text(json.dumps({"files": {}}))
    return d


def test_quality_report_escapes_data_strings(tmp_path, browser):
    from kemiskinan.clean.quality import write_quality_report

    out = write_quality_report(_processed_with_payloads(tmp_path / PERIODE), tmp_path / "kualitas_data.html")
    _check_page(browser, out, [P_SCRIPT, P_IMG, P_SHEET, P_SVG, f"baru: SINTETIS_{P_SHEET}.xlsx"])


def test_quality_fragment_escapes_data_strings(tmp_path, browser):
    from kemiskinan.clean import quality

    if not hasattr(quality, "quality_fragment"):
        pytest.skip("quality_fragment not present")
    html = quality.quality_fragment(_processed_with_payloads(tmp_path / PERIODE))
    page = tmp_path / "lampiran.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><body>{html}</body>", encoding="utf-8")
    _check_page(browser, page, [P_SCRIPT, P_IMG, P_SHEET])


def test_index_escapes_wilayah_names(tmp_path, browser):
    from kemiskinan.publish import render

    entries = [{"kode": "64.74.01.1003", "nama": P_IMG, "tingkat": "kelurahan", "html": "a.html", "pdf": None,
                "cakupan_kks": 0.5, "keluarga_miskin": 10},
               {"kode": "64.74", "nama": P_SCRIPT, "tingkat": "kota", "html": f'x" onmouseover="{P_SCRIPT}.html',
                "pdf": None}]
    out = render.write_index(tmp_path, entries, periode=P_SVG, run_id=P_SHEET)
    _check_page(browser, out, [P_IMG, P_SCRIPT, P_SVG, P_SHEET])


def test_pdf_footer_template_escapes_names():
    from kemiskinan.publish.render import _footer_template

    html = _footer_template({"nama_wilayah": P_SCRIPT, "periode": P_IMG, "run_id": P_SHEET, "lang": "id"})
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def _notebook_with_name(name: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kemiskinan"] = {"nama_wilayah": name, "wilayah": P_SHEET, "periode": PERIODE, "run_id": P_SVG,
                                 "git_sha": "abc", "versi": "0", "lang": "id", "sintetis": True}
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>isi</p>", "text/plain": "isi"})]
    nb.cells = [cell]
    return nb


def test_briefing_template_escapes_notebook_metadata(tmp_path, browser):
    from kemiskinan.publish import render

    out = render.notebook_to_html(_notebook_with_name(P_IMG), tmp_path / "b.html", audience="walikota")
    _check_page(browser, out, [P_IMG, P_SHEET, P_SVG])


def test_briefing_sections_escape_wilayah_names(monkeypatch, tmp_path, browser):
    """The briefing's own sections (briefing.py, Jinja2 autoescape) with a planted kelurahan name."""
    from kemiskinan.briefing import sections as briefing

    html = briefing.methodology({"files": {f"SINTETIS_{P_SHEET}.csv": "ab" * 32}, "sintetis": True},
                                {"periode": PERIODE, "wilayah": "64.74", "nama_wilayah": P_IMG, "tingkat": "kota",
                                 "lang": "id", "sintetis": True, "run_id": P_SVG, "git_sha": P_SCRIPT}, "id")
    banner = briefing.banner({"periode": PERIODE, "wilayah": "64.74", "nama_wilayah": P_IMG, "tingkat": "kota",
                              "lang": "id", "sintetis": True})
    page = tmp_path / "bagian.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><body>{banner}{html}</body>", encoding="utf-8")
    _check_page(browser, page, [f"SINTETIS_{P_SHEET}.csv"])


# --------------------------------------------------------------------------- full build in a copy
def _run(root: Path, *args, timeout=600):
    env = dict(os.environ, KEMISKINAN_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "kemiskinan", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _plant(root: Path) -> None:
    raw = root / "data" / "raw" / "sample"
    # 1. the wilayah reference: a kelurahan, a kecamatan and (for the analysts' XLSX) a formula
    ref = root / "data" / "reference" / "wilayah_bontang.csv"
    w = pd.read_csv(ref, dtype=str, keep_default_na=False)
    w.loc[w["kode_kemendagri"] == "64.74.01.1003", "nama"] = f"Lok Tuan {P_IMG}"
    w.loc[w["kode_kemendagri"] == "64.74.02", "nama"] = f"Bontang Selatan {P_SCRIPT}"
    w.loc[w["kode_kemendagri"] == "64.74.03", "nama"] = P_FORMULA
    w.to_csv(ref, index=False)
    # 2. KKS free text: Status Kartu and Kelurahan of the first rows
    kks = raw / "SINTETIS_KKS_Distribusi_2017.xlsx"
    wb = openpyxl.load_workbook(kks)
    ws = wb["DAFTAR KKS"]
    head = [c.value for c in ws[3]]
    ws.cell(4, head.index("Status Kartu") + 1, P_SCRIPT)
    ws.cell(5, head.index("Status Kartu") + 1, P_IMG)
    ws.cell(6, head.index("Kelurahan") + 1, P_SVG)
    wb.save(kks)
    # 3. an MPM sheet named with a payload (header + one registration)
    mpm = raw / "SINTETIS_MPM_2018.xlsx"
    wb = openpyxl.load_workbook(mpm)
    src = next(s for s in wb.worksheets if s.title != "KETERANGAN" and s.max_row >= 2)
    new = wb.create_sheet(P_SHEET)
    for row in src.iter_rows(min_row=1, max_row=2, values_only=True):
        new.append(list(row))
    wb.save(mpm)
    # 4. a raw file name
    pen = raw / "SINTETIS_Penduduk_Kelurahan_2017.csv"
    pen.rename(raw / f"SINTETIS_Penduduk {P_SHEET}.csv")


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tanam")
    for d in ("notebooks", "params"):
        shutil.copytree(config.PROJ_ROOT / d, root / d)
    shutil.copytree(config.REFERENCE_DIR, root / "data" / "reference")
    shutil.copy2(config.LOCK_FILE, root / config.LOCK_FILE.name)
    r = _run(root, "sample-data", "--households", "300", "--out", str(root / "data" / "raw" / "sample"))
    assert r.returncode == 0, r.stderr[-3000:]
    _plant(root)
    r = _run(root, "build", "--params", "params/sample.yml", "--wilayah", "64.74", "64.74.01.1003",
             "--formats", "html,analis", "--jobs", "2", "--no-progress")
    run = json.loads((root / "reports" / PERIODE / "run.json").read_text()) if (
        root / "reports" / PERIODE / "run.json").exists() else {}
    assert r.returncode == 0, f"build failed: {run.get('gagal')}\n{r.stderr[-3000:]}"
    return root


@pytest.mark.slow
def test_planted_payloads_never_run_in_any_output(planted_build, browser):
    out = planted_build / "reports" / PERIODE
    run = json.loads((out / "run.json").read_text())
    by_kode = {o["wilayah"]: o for o in run["outputs"]}
    kota, kel = by_kode["64.74"], by_kode["64.74.01.1003"]
    reports = planted_build / "reports"
    file_name = f"SINTETIS_Penduduk {P_SHEET}.csv"

    _check_page(browser, out / "analis" / "kualitas_data.html", [P_SCRIPT, P_IMG, P_SHEET, file_name])
    _check_page(browser, out / "index.html", [f"Lok Tuan {P_IMG}"])
    # the briefings: nbconvert pages (template + briefing.py sections + the quality appendix)
    problems = []
    for path, show in [(reports / kota["html"], [f"Bontang Selatan {P_SCRIPT}", file_name]),
                       (reports / kel["html"], [f"Lok Tuan {P_IMG}"]),
                       (reports / kel["html_analis"], [f"Lok Tuan {P_IMG}", P_SCRIPT, P_SHEET])]:
        problems += _problems(browser, path, show)
    # the analysts' XLSX: a wilayah named like a formula is text, never a formula
    wb = openpyxl.load_workbook(reports / kota["xlsx"])
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + P_FORMULA for c in cells)
    assert not problems, "\n".join(problems)
