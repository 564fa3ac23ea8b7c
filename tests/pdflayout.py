"""Measuring printed briefings: how full each PDF page is, and what text a page holds.

Fill of a page = how far down its printed content reaches, as a share of the usable height: from the
top margin to the lowest non-white pixel above the bottom margin (where Chromium stamps the footer),
divided by the height between the margins. Measured on a raster of the real PDF (poppler's `pdftoppm`,
grey, low resolution), so every mark counts: text, table rules, chart drawings, the banner's border.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np

A4_MM = (210.0, 297.0)


def page_margins_mm() -> tuple[float, float]:
    """(top, bottom) of the briefing stylesheet's `@page` margin, in mm: the page the PDF printer lays out."""
    from kemiskinan.publish.render import CSS_FILE

    m = re.search(r"@page\s*\{[^}]*margin:\s*([^;}]+)", CSS_FILE.read_text(encoding="utf-8"))
    vals = [float(v[:-2]) for v in m.group(1).split()]
    assert all(v.endswith("mm") for v in m.group(1).split()), m.group(1)
    top = vals[0]
    bottom = vals[2] if len(vals) >= 3 else vals[0]
    return top, bottom


DPI = 40
WHITE = 240  # grey level above which a pixel counts as paper


def _mm(px: float) -> float:
    return px / DPI * 25.4


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _read_pgm(data: bytes) -> list[np.ndarray]:
    """The pages of pdftoppm's `-gray` output (binary PGM files, concatenated when written to stdout)."""
    pages = []
    pos = 0
    while pos < len(data):
        fields: list[bytes] = []
        while len(fields) < 4:  # magic, width, height, maxval (comments never appear in poppler's output)
            while data[pos:pos + 1].isspace():
                pos += 1
            end = pos
            while not data[end:end + 1].isspace():
                end += 1
            fields.append(data[pos:end])
            pos = end
        pos += 1  # the single whitespace after maxval
        assert fields[0] == b"P5", fields[0]
        w, h = int(fields[1]), int(fields[2])
        pages.append(np.frombuffer(data, dtype=np.uint8, count=w * h, offset=pos).reshape(h, w))
        pos += w * h
    return pages


def page_rasters(pdf: Path) -> list[np.ndarray]:
    out = []
    n = page_count(pdf)
    for i in range(1, n + 1):  # one page per call: pdftoppm writes one PGM per page to stdout
        r = subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(i), "-l", str(i), str(pdf)],
                           capture_output=True, check=True)
        out.extend(_read_pgm(r.stdout))
    return out


def page_count(pdf: Path) -> int:
    r = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split(":", 1)[1] for line in r.stdout.splitlines() if line.startswith("Pages:")))


def fills(pdf: Path) -> list[float]:
    """Fill (0–1) of every page of `pdf`."""
    out = []
    for img in page_rasters(pdf):
        h = img.shape[0]
        mt, mb = page_margins_mm()
        top, bottom = _px(mt), h - _px(mb)
        inked = np.nonzero((img[top:bottom] < WHITE).any(axis=1))[0]
        last = top + int(inked[-1]) + 1 if inked.size else top
        out.append((last - top) / (bottom - top))
    return out


def page_text(pdf: Path, page: int) -> str:
    """Text of one page (1-based), in reading order, whitespace collapsed."""
    r = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                       capture_output=True, text=True, check=True)
    return " ".join(r.stdout.split())
