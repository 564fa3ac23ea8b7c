"""Benchmark of the whole build (not a test): `make bench` or `.venv/bin/python bench/build.py [--runs 3]`.

Scenarios, each repeated --runs times in a throw-away copy of the project (KEMISKINAN_ROOT), medians
reported:
  cold      processed data and reports absent, environment installed: 19 briefings with every format of
            params/sample.yml (HTML + PDF + the analysts' HTML and XLSX)
  cold_html_pdf  the same, `--formats html,pdf`: exactly the outputs the naive baseline makes
  cold_charts_once  cold_html_pdf with each chart kind drawn once per process and reused
            (bench/charts_once/sitecustomize.py): wrong pictures on purpose — the lower bound of the cold
            build for any cheaper chart engine, everything else doing its real work
  noop      the same build again, nothing changed
  one_kel   Lok Tuan's MPM sheet corrected (one verification result filled in), then build
  naive     the baseline a Makefile of CLI calls would be: papermill CLI for 01 and 02, then per wilayah
            the papermill CLI, `jupyter nbconvert --to html`, and a Chromium process printing its PDF
Results: bench/results/build.json and a markdown table on stdout (copy it into bench/README.md).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from projcopy import env_for, make_copy  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from machine import speed_probe  # noqa: E402

from kemiskinan import config  # noqa: E402
from kemiskinan.domain import wilayah as wil  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]


CHARTS_ONCE = ROOT / "bench" / "charts_once"


def timed(cmd, root, env: dict | None = None, **kw) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=root, env={**env_for(root), **(env or {})}, capture_output=True, text=True, **kw)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{r.stderr[-3000:]}")
    return dt


def build(root, *extra: str, env: dict | None = None) -> float:
    return timed([sys.executable, "-m", "kemiskinan", "build", "--params", "params/sample.yml", "--no-progress",
                  *extra], root, env=env)


def touch_mpm(root: Path, value: int) -> None:
    import openpyxl

    p = root / "data/raw/sample/SINTETIS_MPM_2018.xlsx"
    wb = openpyxl.load_workbook(p)
    ws = next(s for s in wb.worksheets if s.title.replace(" ", "").lower() == "loktuan")
    col = [c.value for c in ws[1]].index("Hasil Verifikasi") + 1
    ws.cell(2, col).value = value
    wb.save(p)


def naive(root: Path) -> float:
    """papermill CLI per notebook, nbconvert CLI per HTML, one Chromium process per PDF."""
    out = root / "naive"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    shutil.rmtree(root / "data/processed", ignore_errors=True)
    pm, jup = str(VENV_BIN / "papermill"), str(VENV_BIN / "jupyter")
    t = time.perf_counter()
    timed([pm, "notebooks/01_bersihkan_data.ipynb", str(out / "01.ipynb"), "-k", "kemiskinan",
           "-r", "periode", "2018-05", "-r", "raw", "sample", "-p", "terima_perubahan", "True"], root)
    timed([pm, "notebooks/02_hitung_indikator.ipynb", str(out / "02.ipynb"), "-k", "kemiskinan",
           "-r", "periode", "2018-05"], root)
    for w in wil.briefing_wilayah():
        nb = out / f"{w.kode}.ipynb"
        timed([pm, "notebooks/03_briefing.ipynb", str(nb), "-k", "kemiskinan", "-r", "wilayah", w.kode,
               "-r", "periode", "2018-05"], root)
        timed([jup, "nbconvert", "--to", "html", "--no-input", "--template", "briefing",
               f"--TemplateExporter.extra_template_basedirs={config.TEMPLATES_DIR}", str(nb)], root)
        html = nb.with_suffix(".html")
        with tempfile.TemporaryDirectory() as profile:
            timed([config.CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={nb.with_suffix('.pdf')}", html.as_uri()], root)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-naive", action="store_true")
    a = ap.parse_args()
    subprocess.run([sys.executable, "-m", "kemiskinan", "sample-data", "--if-absent"], check=True, cwd=ROOT)
    results: dict[str, list[float]] = {"cold": [], "cold_html_pdf": [], "cold_charts_once": [], "noop": [],
                                       "one_kel": [], "naive": []}
    probes: list[float] = []   # the machine's speed before each run (bench/machine.py; lower is faster)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = make_copy(Path(tmp) / "proj", config.SAMPLE_RAW_DIR)

        def wipe():
            for d in ("data/processed", "reports"):
                shutil.rmtree(root / d, ignore_errors=True)

        # Scenarios interleaved run by run, so a change of machine load hits all of them alike.
        for i in range(a.runs):
            probes.append(speed_probe())
            wipe()
            results["cold"].append(build(root))
            results["noop"].append(build(root))
            touch_mpm(root, 1 + i % 2 * 2)  # alternate outcomes 1 and 3 so every run is a real change
            results["one_kel"].append(build(root))
            wipe()
            results["cold_html_pdf"].append(build(root, "--formats", "html,pdf"))
            wipe()
            results["cold_charts_once"].append(build(root, "--formats", "html,pdf",
                                                     env={"PYTHONPATH": str(CHARTS_ONCE)}))
            wipe()  # its wrong pictures must not stay behind as a build's output
            line = (f"run {i + 1} (probe {probes[-1]:.3f} s): cold {results['cold'][-1]:.1f} s, cold html+pdf {results['cold_html_pdf'][-1]:.1f} s, "
                    f"charts once {results['cold_charts_once'][-1]:.1f} s, noop {results['noop'][-1]:.2f} s, one kelurahan {results['one_kel'][-1]:.1f} s")
            if not a.skip_naive:
                results["naive"].append(naive(root))
                line += f", naive {results['naive'][-1]:.1f} s"
            print(line, flush=True)
    med = {k: round(statistics.median(v), 2) for k, v in results.items() if v}
    summary = {"cores": os.cpu_count(), "runs": a.runs, "raw": results, "median_s": med, "probe_s": probes,
               "loadavg_after": os.getloadavg()}
    if med.get("naive") and med.get("cold"):
        # like for like: the naive baseline writes the shared HTML and the PDF only
        summary["speedup_vs_naive"] = round(med["naive"] / med["cold_html_pdf"], 1)
        summary["speedup_vs_naive_full_build"] = round(med["naive"] / med["cold"], 1)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "build.json").write_text(json.dumps(summary, indent=2))
    print("\n| scenario | median (s) | runs |\n|---|---:|---|")
    for k, v in results.items():
        if v:
            print(f"| {k} | {statistics.median(v):.2f} | {', '.join(f'{x:.2f}' for x in v)} |")
    if "speedup_vs_naive" in summary:
        print(f"\nspeed-up vs naive (same outputs): {summary['speedup_vs_naive']}×; full build with the analysts' "
              f"files: {summary['speedup_vs_naive_full_build']}×; {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
