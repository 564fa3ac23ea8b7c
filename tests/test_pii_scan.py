"""The PII guard's PDF scanning: poppler's pdftotext when installed (fast), pypdf otherwise — same findings."""
from __future__ import annotations

import shutil

import pytest

from kemiskinan.publish import pii


def _pdf(path, pages):
    """A small multi-page PDF with real text (matplotlib's PDF backend: no browser needed)."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    with PdfPages(path) as pdf:
        for lines in pages:
            fig = Figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.1, 0.9 - i * 0.05, line, fontsize=10)
            pdf.savefig(fig)
    return path


TERMS = pii.Terms(phrases={"siti rahmawati": "nama", "jalan kenanga nomor": "alamat"}, ids={"7407123456"},
                  max_words=3)
PAGES = [["Briefing Kota Bontang", "Keluarga miskin 5.527"],
         [],  # an empty page keeps the page numbering of the pages after it
         ["Penerima: Siti Rahmawati, NIK 6474015507850001", "Jalan Kenanga Nomor 5, IDBDT 7407123456"]]


def _kinds(findings):
    return sorted((f.place, f.kind) for f in findings)


@pytest.mark.skipif(shutil.which(pii.PDFTOTEXT) is None, reason="poppler-utils (pdftotext) not installed")
def test_pdftotext_and_pypdf_find_the_same_leaks_on_the_same_pages(tmp_path, monkeypatch):
    path = _pdf(tmp_path / "b.pdf", PAGES)
    fast = pii.pdf_chunks(path)
    assert [p for p, _ in fast] == ["halaman 1", "halaman 2", "halaman 3"]
    monkeypatch.setattr(pii, "PDFTOTEXT", "pdftotext-tidak-ada")  # → pypdf fallback
    slow = pii.pdf_chunks(path)
    assert [p for p, _ in slow] == [p for p, _ in fast]
    for (_, a), (_, b) in zip(fast, slow):
        assert set(pii.normalise(a).split()) == set(pii.normalise(b).split())
    monkeypatch.undo()
    found = pii.scan_file(path, TERMS)
    assert _kinds(found) == [("halaman 3", "IDBDT dari data masukan"), ("halaman 3", "alamat dari data masukan"),
                             ("halaman 3", "angka 15+ digit (NIK/No KK/IDBDT?)"), ("halaman 3", "nama dari data masukan")]
    with pytest.raises(pii.PiiLeak) as e:
        pii.check_files([path], TERMS)
    assert "6474015507850001" not in str(e.value) and "halaman 3" in str(e.value)  # masked, with its place


def test_pypdf_fallback_alone_still_guards(tmp_path, monkeypatch):
    monkeypatch.setattr(pii, "PDFTOTEXT", "pdftotext-tidak-ada")
    path = _pdf(tmp_path / "b.pdf", PAGES)
    assert {f.kind for f in pii.scan_file(path, TERMS)} >= {"nama dari data masukan", "angka 15+ digit (NIK/No KK/IDBDT?)"}
    clean = _pdf(tmp_path / "ok.pdf", PAGES[:1])
    pii.check_files([clean], TERMS)  # silent when clean
