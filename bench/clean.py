"""Benchmark the cleaning step (not a test): generated data at 100 k and 1 M households.

    .venv/bin/python bench/clean.py [--sizes 100000 1000000] [--repeat 3] [--pii-terms]

Data come from `kemiskinan.sample.generate(households=N)` and are cached in bench/results/data-N/
(ignored by git). Each run cleans in a fresh subprocess so peak memory (ru_maxrss of the child) is the
cleaner's own. Medians go to stdout and bench/results/clean.json; copy them into bench/README.md
(section "clean"). Target: 1 M households (≈ 4 M members) in ≤ 60 s with ≤ 6 GB peak memory.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

CHILD = """
import sys, time, json
from kemiskinan.clean import clean
t = time.perf_counter()
r = clean(sys.argv[1], sys.argv[2], verbose=False, pii_terms=sys.argv[3] == "1", check_provenance=False)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": r.meta["jumlah"],
                  "balanced": bool(r.rekonsiliasi["seimbang"].all())}))
"""


def ensure_data(n: int) -> Path:
    d = RESULTS / f"data-{n}"
    if not (d / "README.md").exists():
        from kemiskinan.sample import generate
        t = time.perf_counter()
        generate(d, seed=2018, households=n)
        print(f"  data {n:,} rumah tangga dibuat dalam {time.perf_counter() - t:.0f} s", flush=True)
    return d


def run_once(raw: Path, pii: bool) -> dict:
    out = RESULTS / f"out-{raw.name}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, str(raw), str(out), "1" if pii else "0"],
                       capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"clean gagal:\n{p.stderr[-3000:]}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    res.update(wall=wall, peak_mb=max(peak, before) / 1024)
    shutil.rmtree(out, ignore_errors=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pii-terms", action="store_true", help="also write pii_istilah.parquet (slow at scale)")
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {}
    for n in args.sizes:
        raw = ensure_data(n)
        runs = [run_once(raw, args.pii_terms) for _ in range(args.repeat)]
        med = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)   # ru_maxrss of children is a running maximum
        summary[n] = {"median_s": round(med, 1), "runs_s": [round(r["seconds"], 1) for r in runs],
                      "peak_mb": round(peak), "rows": runs[0]["rows"], "balanced": all(r["balanced"] for r in runs),
                      "cpus": os.cpu_count(), "load_avg": os.getloadavg()[0]}
        print(f"{n:>9,} rumah tangga: median {med:.1f} s, puncak memori ≈ {peak:,.0f} MB, "
              f"anggota {runs[0]['rows']['anggota']:,}", flush=True)
    (RESULTS / "clean.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
