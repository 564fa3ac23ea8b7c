"""Cost of the PDF metadata step (`render.set_pdf_info`) per briefing, on the built briefings of a period.

Each briefing HTML of reports/<periode>/ is printed once by one Chromium without metadata (Chromium's own
bytes), then `set_pdf_info` is timed on those bytes `--repeat` times; printed are the median per briefing
and over all briefings, next to the median print time. Run after a build:
    .venv/bin/python bench/pdf_metadata.py [--periode 2018-05] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kemiskinan import config

from kemiskinan.publish import render
from kemiskinan.domain import wilayah as wil
from kemiskinan.publish.index import slug


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--periode", default="2018-05")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    src = config.reports_dir(a.periode)
    info = render.pdf_info({"nama_wilayah": "Kota Bontang", "periode": a.periode, "lang": "id", "sintetis": True},
                           "Bapelitbang Kota Bontang")
    per_doc, sizes = [], []
    with tempfile.TemporaryDirectory() as tmp, render.PdfPrinter() as printer:
        for w in wil.briefing_wilayah():
            html = src / f"{slug(w)}.html"
            raw = printer.print(html, Path(tmp) / f"{slug(w)}.pdf").read_bytes()
            times = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                out = render.set_pdf_info(raw, info)
                times.append(time.perf_counter() - t)
            per_doc.append(statistics.median(times))
            sizes.append((len(raw), len(out)))
            print(f"{slug(w):<34} {statistics.median(times) * 1000:6.1f} ms   {len(raw):>8} → {len(out):>8} B")
        prints = printer.seconds
    print(f"median set_pdf_info over {len(per_doc)} PDFs: {statistics.median(per_doc) * 1000:.1f} ms "
          f"(max {max(per_doc) * 1000:.1f} ms); median print {statistics.median(prints) * 1000:.0f} ms; "
          f"bytes added: median {statistics.median(o - r for r, o in sizes):.0f}")


if __name__ == "__main__":
    main()
