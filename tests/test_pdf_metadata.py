"""Readable by everyone (issue 19 item 5, metadata half): every briefing PDF of a real build carries title,
author (the issuing agency from params), subject and language; every shared HTML page has `lang`."""
from __future__ import annotations

import re
import subprocess

from pypdf import PdfReader

from kemiskinan.domain import wilayah as wil
from kemiskinan.publish.index import slug

INSTANSI = "Bapelitbang Kota Bontang"   # params/sample.yml


def test_every_briefing_pdf_has_title_author_subject_and_language(built):
    for w in wil.briefing_wilayah():
        pdf = built / f"{slug(w)}.pdf"
        reader = PdfReader(pdf)
        info = reader.metadata
        assert info.get("/Author") == INSTANSI, (w.kode, info)
        assert w.nama in info.title and "2018-05" in info.title, (w.kode, info.title)
        subject = info.get("/Subject") or ""
        assert w.nama in subject and "2018-05" in subject and "KKS" in subject, (w.kode, subject)
        assert "DATA SINTETIS" in subject  # the sample is synthetic, and says so here too
        assert reader.trailer["/Root"].get("/Lang") == "id", w.kode
        # the metadata step appends to Chromium's file: poppler still reads every page and the footer
        text = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert f"Halaman 1 dari {len(reader.pages)}" in text and w.nama in text


def test_every_shared_html_page_declares_its_language(built):
    pages = [built / f"{slug(w)}.html" for w in wil.briefing_wilayah()] + [built / "index.html"]
    for page in pages:
        head = page.read_text(encoding="utf-8")[:2000]
        assert re.search(r'<html lang="id">', head), page.name
