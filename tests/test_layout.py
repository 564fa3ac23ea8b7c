"""The printed and phone layout of the real briefings (issue 19): page 1 holds the whole brief, no page but
the last is less than 60 % filled, a table that runs over a page repeats its header, the brief fits the
first screen and a half of a 390 px phone, and every chart's alt text is its visible main finding."""
from __future__ import annotations

import html as _html
import re

from bs4 import BeautifulSoup

import pdflayout
from kemiskinan.briefing import rekomendasi, sections as briefing
from kemiskinan.briefing import data as briefing_data
from kemiskinan.domain import wilayah as wil
from kemiskinan.publish.index import slug
from kemiskinan.i18n import t

PERIODE = "2018-05"
WILAYAH = wil.briefing_wilayah()
MIN_FILL = 0.60


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def _soup(built, w) -> BeautifulSoup:
    return BeautifulSoup((built / f"{slug(w)}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_page_but_the_last_is_at_least_60_percent_filled(built):
    low = {}
    for w in WILAYAH:
        fills = pdflayout.fills(built / f"{slug(w)}.pdf")
        assert len(fills) >= 2, w.kode
        bad = [(i, round(f, 2)) for i, f in enumerate(fills[:-1], 1) if f < MIN_FILL]
        if bad:
            low[slug(w)] = bad
    assert not low, f"pages under {MIN_FILL:.0%} (page, fill): {low}"


def test_fill_is_measured_from_the_printed_marks(tmp_path, pdf_printer):
    """The measure itself: a page whose content ends a third of the way down reads ~1/3."""
    top, bottom = pdflayout.page_margins_mm()
    usable = 297 - top - bottom
    page = tmp_path / "p.html"
    page.write_text(f"<style>@page {{ size: A4; margin: {top}mm 14mm {bottom}mm; }} body {{ margin: 0 }}</style>"
                    f"<div style='height:{usable / 3:.1f}mm; background:#000'></div>"
                    f"<div style='break-before:page; height:{usable * 0.9:.1f}mm; background:#000'></div>")
    pdf_printer.print(page, tmp_path / "p.pdf", {})
    fills = pdflayout.fills(tmp_path / "p.pdf")
    assert len(fills) == 2
    assert abs(fills[0] - 1 / 3) < 0.02 and abs(fills[1] - 0.9) < 0.02, fills


def test_page_1_holds_the_brief_and_the_annex_starts_on_page_2(built):
    for w in WILAYAH:
        pdf = built / f"{slug(w)}.pdf"
        tables = briefing_data.load_for_briefing(PERIODE, w.kode)
        first = _norm(pdflayout.page_text(pdf, 1))
        for key in ("kartu_keluarga_miskin", "kartu_keluarga_kks", "kartu_cakupan_kks", "kartu_tanpa_kks",
                    "aksi_utama", "peta_cakupan_judul"):
            assert _norm(t(key)) in first, (w.kode, key)
        assert "Sumber: keluarga miskin" in first and "DATA SINTETIS" in first, w.kode
        actions = rekomendasi.top_actions(tables, w.kode)
        assert len(actions) == 3, (w.kode, actions)
        for a in actions:
            for part in (a["aksi"], a["jumlah"], a["biaya"] or t("biaya_tidak_dihitung")):
                assert _norm(part) in first, (w.kode, part)
        assert _norm(briefing.mpm_status(tables, w.kode)) in first, w.kode
        # the map's main finding is printed under it, on page 1
        soup = _soup(built, w)
        brief = soup.select_one("section.ringkasan-halaman")
        cap = brief.select_one(".ringkasan-peta figcaption.temuan")
        assert cap is not None and _norm(cap.get_text()) in first, w.kode
        # the brief is all of page 1: the annex (Rekomendasi) starts on page 2
        assert _norm(t("bagian_rekomendasi")) not in first
        assert _norm(pdflayout.page_text(pdf, 2)).startswith(_norm(t("bagian_rekomendasi"))), w.kode


def _page_lines(pdf, page: int) -> list[str]:
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = [_norm(x) for x in out.splitlines() if x.strip()]
    return [x for x in lines if not re.search(r"Halaman \d+ dari \d+|Page \d+ of \d+", x)]  # the page footer


def test_a_table_that_runs_over_a_page_repeats_its_header(built):
    split = 0
    for w in WILAYAH:
        pdf = built / f"{slug(w)}.pdf"
        tables = []
        for tab in _soup(built, w).select("table.tabel"):
            head = [_norm(th.get_text()) for th in tab.select("thead th")]
            body = [" ".join(_norm(c.get_text()) for c in tr.find_all(["th", "td"])) for tr in tab.select("tbody tr")]
            if head:
                tables.append((" ".join(head), set(body)))
        pages = [_page_lines(pdf, p) for p in range(1, pdflayout.page_count(pdf) + 1)]
        for k in range(1, len(pages)):
            if not pages[k] or not pages[k - 1]:
                continue
            first, last_before = pages[k][0], pages[k - 1][-1]
            for head, body in tables:
                assert first not in body, f"{slug(w)} page {k + 1} continues a table without its header: {first!r}"
                if first == head and last_before in body:
                    split += 1
    assert split >= 1, "no table runs over a page in any briefing: the header rule was not exercised"


def test_the_brief_fits_the_first_screen_and_a_half_of_a_phone(built, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    over = {}
    for w in WILAYAH:
        page.goto((built / f"{slug(w)}.html").as_uri(), wait_until="load")
        bottom = page.evaluate("() => { const s = document.querySelector('section.ringkasan-halaman');"
                               " return s ? s.getBoundingClientRect().bottom : null; }")
        assert bottom is not None, f"{slug(w)}: no page-1 brief"
        has_map = page.evaluate("() => !!document.querySelector('section.ringkasan-halaman figure.chart img')")
        assert has_map, w.kode
        if bottom > 1.5 * 844:
            over[slug(w)] = round(bottom)
    ctx.close()
    assert not over, f"the brief ends below 1.5 screens (1266 px): {over}"


def test_every_chart_alt_text_is_its_visible_main_finding(built):
    for w in WILAYAH:
        figures = _soup(built, w).select("figure.chart")
        assert len(figures) >= 6, w.kode
        for fig in figures:
            alt = fig.img.get("alt", "")
            cap = fig.select_one("figcaption.temuan")
            assert cap is not None and alt and alt == cap.get_text(), (w.kode, alt)
            assert alt != "No description has been provided for this image"
    # and on the page as printed: the map's finding of the city names the lowest and highest kelurahan
    city = _html.unescape(_soup(built, wil.kota()).select_one(".ringkasan-peta img")["alt"])
    assert "terendah" in city and "tertinggi" in city


def test_no_heading_ends_a_page_and_no_finding_starts_one(built):
    """A section heading is never the last thing on a page, and a chart's finding sentence never opens a
    page apart from its chart (the chart's title is part of the image)."""
    for w in WILAYAH:
        soup = _soup(built, w)
        headings = {_norm(h.get_text()) for h in soup.select("h2, h3")}
        findings = [_norm(c.get_text()) for c in soup.select("figcaption.temuan")]
        pdf = built / f"{slug(w)}.pdf"
        for k in range(1, pdflayout.page_count(pdf) + 1):
            lines = _page_lines(pdf, k)
            if not lines:
                continue
            assert lines[-1] not in headings, f"{slug(w)} page {k} ends with the heading {lines[-1]!r}"
            assert not any(f.startswith(lines[0]) for f in findings if len(lines[0]) > 20), \
                f"{slug(w)} page {k} opens with a chart's finding, away from its chart: {lines[0]!r}"
