"""Executed notebook → self-contained briefing HTML → A4 PDF with one reused Chromium."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kemiskinan.briefing import blocks, figures


from kemiskinan.publish import render
from kemiskinan.config import CHROMIUM

SECRET_PARAM = "parameter_rahasia_xyz"


def _tiny_notebook(nama: str = "Lok Tuan", kode: str = "64.74.01.1003", lang: str = "id") -> nbformat.NotebookNode:
    """What papermill hands back: a parameters cell, an injected-parameters cell, outputs of our functions."""
    nb = new_notebook()
    nb.cells.append(new_code_cell(f"{SECRET_PARAM} = 1", metadata={"tags": ["parameters"]}))
    inj = new_code_cell(f"wilayah = '{kode}'\n{SECRET_PARAM} = 2", metadata={"tags": ["injected-parameters"]})
    inj.outputs = [new_output("stream", name="stdout", text=f"{SECRET_PARAM}\n")]
    nb.cells.append(inj)
    nb.cells.append(new_markdown_cell("Catatan pembuka dari analis."))
    cards = blocks.Html('<section class="bagian"><h2>Ringkasan eksekutif</h2><div class="kartu-grid">'
                          '<div class="kartu"><div class="nilai">5.527</div><div class="label">Keluarga miskin</div></div>'
                          '<div class="kartu"><div class="nilai">80,1 %</div><div class="label">Cakupan KKS</div></div>'
                          '</div></section>')
    c1 = new_code_cell("from kemiskinan import briefing\nbriefing.headline(tables, wilayah, 'id')", execution_count=3)
    c1.outputs = [new_output("execute_result", data={"text/html": str(cards), "text/plain": "<briefing HTML>"},
                             execution_count=3),
                  new_output("stream", name="stdout", text="debug print that must not show\n"),
                  new_output("stream", name="stderr", text="UserWarning: noisy\n")]
    nb.cells.append(c1)
    fig, ax = figures.figure("bar")
    ax.bar([0, 1], [4429, 1098])
    figures.finish(fig, ax, "Keluarga pemegang KKS", "keluarga", "PBDT 2015", "KKS 2017")
    png = base64.b64encode(figures.to_png(fig)).decode()
    c2 = new_code_cell("fig = charts.coverage_bars(...)\nfig", execution_count=4)
    c2.outputs = [new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]
    nb.cells.append(c2)
    c3 = new_code_cell("tables['temuan'].head()", metadata={"tags": ["analis"]}, execution_count=5)
    c3.outputs = [new_output("display_data", data={"text/html": "<p>TABEL ANALIS 4.429</p>", "text/plain": "x"})]
    nb.cells.append(c3)
    nb.cells.append(new_code_cell("import secrets  # helper", metadata={"tags": ["hide"]}))
    nb.cells.append(new_code_cell("x = 1  # no output"))
    nb.metadata["kemiskinan"] = {"wilayah": kode, "nama_wilayah": nama, "periode": "2018-05", "run_id": "run-20180531-01",
                                 "git_sha": "abc1234", "versi": "0.1.0", "lang": lang, "sintetis": True}
    return nb


def test_walikota_html_has_no_code_prompts_cdn_or_parameters(tmp_path):
    out = render.notebook_to_html(_tiny_notebook(), tmp_path / "b.html")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="id">' in html
    assert "5.527" in html and "80,1 %" in html and "Catatan pembuka" in html
    assert html.count("data:image/png;base64,") == 1
    # no code, no prompts, no parameters, no streams, no analyst-only or hidden cells
    for bad in (SECRET_PARAM, "from kemiskinan import", "In&nbsp;[", "Out[", "jp-InputArea-editor", "cm-editor",
                "jp-InputPrompt", "jp-OutputPrompt",
                "debug print", "UserWarning", "TABEL ANALIS", "import secrets", "x = 1"):
        assert bad not in html, bad
    # self-contained: no external scripts, stylesheets or images
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "require.js" not in html and "mathjax" not in html.lower() and "mermaid" not in html.lower()
    # footer from notebook metadata
    for s in ("Lok Tuan (64.74.01.1003)", "2018-05", "run-20180531-01", "abc1234", "0.1.0", "DATA SINTETIS"):
        assert s in html, s
    # mobile + print CSS are in, and the file stays small (no JupyterLab CSS)
    assert "@page { size: A4; margin: 10mm 14mm 14mm; }" in html and "break-inside: avoid" in html
    assert 'name="viewport"' in html and "max-width: 100%" in html
    assert len(html) - len(re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)) > 0
    assert len(re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)) < 25_000


def test_analis_keeps_analis_cells_but_no_code(tmp_path):
    html = render.notebook_to_html(_tiny_notebook(), tmp_path / "a.html", audience="analis").read_text()
    assert "TABEL ANALIS 4.429" in html
    assert SECRET_PARAM not in html and "import secrets" not in html and "tables['temuan']" not in html
    with pytest.raises(ValueError):
        render.html_exporter("publik")


def test_exporter_is_built_once():
    assert render.html_exporter("walikota") is render.html_exporter("walikota")


def test_english_html_lang(tmp_path):
    html = render.notebook_to_html(_tiny_notebook(lang="en"), tmp_path / "e.html").read_text()
    assert '<html lang="en">' in html and "SYNTHETIC DATA" in html


def test_write_index(tmp_path):
    (tmp_path / "html").mkdir()
    entries = [
        {"kode": "64.74.01.1003", "nama": "Lok Tuan", "tingkat": "kelurahan", "html": tmp_path / "html" / "lt.html",
         "pdf": "pdf/lt.pdf", "cakupan_kks": 0.744, "keluarga_miskin": 802},
        {"kode": "64.74", "nama": "Kota Bontang", "tingkat": "kota", "html": "html/kota.html", "pdf": "pdf/kota.pdf",
         "cakupan_kks": 0.8013, "keluarga_miskin": 5527},
        {"kode": "64.74.02.1004", "nama": "<b>Satimpo</b>", "tingkat": "kelurahan", "html": "html/s.html", "pdf": None},
    ]
    out = render.write_index(tmp_path, entries, "id", periode="2018-05", sintetis=True, run_id="r1")
    html = out.read_text()
    assert out.name == "index.html"
    assert html.index("Kota Bontang") < html.index("Lok Tuan")  # kota first
    assert 'href="html/lt.html"' in html and 'href="pdf/kota.pdf"' in html
    assert "80,1 %" in html and "5.527" in html and "DATA SINTETIS" in html
    assert "&lt;b&gt;Satimpo" in html and "<script" not in html and 'name="viewport"' in html


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} (make system-deps)")
def test_pdf_a4_with_page_numbers_and_one_browser_for_three(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    htmls = []
    for i, (nama, kode) in enumerate((("Lok Tuan", "64.74.01.1003"), ("Guntung", "64.74.01.1004"),
                                      ("Kanaan", "64.74.03.1003"))):
        nb = _tiny_notebook(nama, kode)
        htmls.append((render.notebook_to_html(nb, tmp_path / f"b{i}.html"), nb.metadata["kemiskinan"]))
    with render.PdfPrinter() as printer:
        for i, (h, km) in enumerate(htmls):
            printer.print(h, tmp_path / f"b{i}.pdf", render.footer_from_metadata(km))
        assert printer.launches == 1 and printer.printed == 3
    assert printer._browser is None  # closed on exit
    for i, (_, km) in enumerate(htmls):
        reader = pypdf.PdfReader(tmp_path / f"b{i}.pdf")
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - 595) <= 2 and abs(float(box.height) - 842) <= 2
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert "5.527" in text and "80,1 %" in text
        assert f"Halaman 1 dari {len(reader.pages)}" in text
        assert km["nama_wilayah"] in text and "run-20180531-01" in text and "DATA SINTETIS" in text
        # one reused tab: nothing of the previous briefing is left in the next one
        assert not [o["nama_wilayah"] for j, (_, o) in enumerate(htmls) if j != i and o["nama_wilayah"] in text]
        assert not list(tmp_path.glob(f".b{i}.pdf.*"))  # temp file replaced, not left behind


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} (make system-deps)")
def test_pdf_printer_recovers_after_a_failed_document(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    nb = _tiny_notebook("Guntung", "64.74.01.1004")
    good = render.notebook_to_html(nb, tmp_path / "ok.html")
    with render.PdfPrinter() as printer:
        with pytest.raises(Exception):
            printer.print(tmp_path / "tidak_ada.html", tmp_path / "x.pdf", render.footer_from_metadata(nb.metadata["kemiskinan"]))
        assert not (tmp_path / "x.pdf").exists() and not list(tmp_path.glob(".x.pdf.*"))
        printer.print(good, tmp_path / "ok.pdf", render.footer_from_metadata(nb.metadata["kemiskinan"]))
        assert printer.launches == 1 and printer.printed == 1
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "ok.pdf").pages)
    assert "Guntung" in text and "5.527" in text


def test_lean_exporter_matches_stock_nbconvert_and_keeps_alt_text(tmp_path):
    """render skips nbconvert's BeautifulSoup re-serialisation (most of a conversion); the page must say
    exactly what stock HTMLExporter says (same text and attribute values), and images still get alt text."""
    from nbconvert import HTMLExporter

    from kemiskinan.publish import pii

    nb = _tiny_notebook()
    nb.cells.append(new_code_cell("x", execution_count=9, outputs=[new_output(
        "display_data", data={"text/html": '<p>Tanpa alt: <img src="data:image/png;base64,AAAA"></p>', "text/plain": "x"})]))
    for audience in render.AUDIENCES:
        ex = render.html_exporter(audience)
        lean, _ = ex.from_notebook_node(nb)
        stock, _ = HTMLExporter.from_notebook_node(ex, nb)
        (tmp_path / "lean.html").write_text(lean)
        (tmp_path / "stock.html").write_text(stock)

        def content(name):
            return sorted(" ".join(c.split()) for _, c in pii.html_chunks(tmp_path / name) if c.strip())
        assert content("lean.html") == content("stock.html"), audience
        assert 'alt="No description has been provided for this image"' in lean
        assert not re.search(r"<img\b(?![^>]*\salt=)", lean)


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} (make system-deps)")
def test_pdf_metadata_title_author_subject_language_and_file_mode(tmp_path):
    """Chromium sets /Title only; the printer adds /Author (the agency), /Subject and the catalog's /Lang, in
    the briefing's language, and writes the PDF with the usual permissions (mkstemp made it 0600)."""
    import os
    import stat

    pypdf = pytest.importorskip("pypdf")
    for lang, subject_words in (("id", ("Data kemiskinan", "Lok Tuan", "2018-05", "DATA SINTETIS")),
                                ("en", ("Poverty data", "Lok Tuan", "2018-05", "SYNTHETIC DATA"))):
        nb = _tiny_notebook(lang=lang)
        km = nb.metadata["kemiskinan"]
        html = render.notebook_to_html(nb, tmp_path / f"{lang}.html")
        with render.PdfPrinter() as printer:
            out = printer.print(html, tmp_path / f"{lang}.pdf", render.footer_from_metadata(km),
                                render.pdf_info(km, "Bapelitbang Kota Bontang"))
            assert len(printer.info_seconds) == 1
        reader = pypdf.PdfReader(out)
        assert reader.metadata.get("/Author") == "Bapelitbang Kota Bontang"
        assert "Lok Tuan" in reader.metadata.title          # from <title>, as Chromium printed it
        assert all(w in reader.metadata.get("/Subject") for w in subject_words), reader.metadata
        assert reader.trailer["/Root"]["/Lang"] == lang
        assert "5.527" in reader.pages[0].extract_text()
        umask = os.umask(0o022)
        os.umask(umask)
        assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
        assert stat.S_IMODE(html.stat().st_mode) == 0o666 & ~umask


def test_pdf_info_falls_back_to_its_own_title_when_chromium_left_none(tmp_path):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    import io

    buf = io.BytesIO()
    w.write(buf)
    info = render.pdf_info({"nama_wilayah": "Guntung", "periode": "2018-05", "lang": "id"}, "Bapelitbang Kota Bontang")
    out = render.set_pdf_info(buf.getvalue(), info)
    assert out.startswith(buf.getvalue())  # an incremental update: the printed bytes are kept as they were
    reader = PdfReader(io.BytesIO(out))
    assert reader.metadata.title == "Briefing Kemiskinan — Guntung (2018-05)"
    assert reader.metadata.get("/Subject") == ("Data kemiskinan dan cakupan KKS Guntung, periode 2018-05: "
                                               "PBDT 2015 dan pemutakhiran MPM")
    assert reader.trailer["/Root"]["/Lang"] == "id" and len(reader.pages) == 1
