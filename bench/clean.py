"""Benchmark the cleaning step (not a test): generated data at 100 k and 1 M households, Bontang or province.

    .venv/bin/python bench/clean.py [--sizes 100000 1000000] [--repeat 3] [--pii-terms]
    .venv/bin/python bench/clean.py --kabkota kaltim --sizes 1000000 --indicators --repeat 1

Data come from `kemiskinan.synthetic.sample.generate(households=N, kabkota=...)` and are cached in
bench/results/data-N/ (Bontang) or bench/results/data-kaltim-N/ (ignored by git). Each run cleans in a
fresh subprocess so peak memory (the child's own ru_maxrss, RUSAGE_SELF) is the cleaner's own;
`--indicators` also runs `kemiskinan.indicators` in the same child (per kab/kota for kaltim) and reports
both times. Medians go to stdout and bench/results/clean.json; copy them into bench/README.md.

Province data (`--kabkota kaltim`): the generator's non-Bontang kelurahan are synthetic, so no reference
table exists for them in data/reference/. `kaltim_wilayah()` derives one from the generator's own region
table (`kemiskinan.synthetic.city.regions("kaltim")`) plus data/reference/wilayah_bontang.csv, writes it to
bench/results/wilayah-kaltim.csv, and the child passes it to `clean(wilayah=)` and
`indicators.compute_by_kabkota` (see bench/README.md, "province scale").
Target: 1 M households (≈ 4 M members) in ≤ 60 s with ≤ 6 GB peak memory.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import speed_probe  # noqa: E402
RESULTS = ROOT / "bench" / "results"

CHILD = """
import sys, time, json, os, threading
t0 = time.perf_counter()

def tree_pss_mb():
    # proportional set size of this process and its children (the indicators' forked workers share the
    # clean tables copy-on-write: PSS counts each shared page once in total, RSS would count it per process)
    pids = {os.getpid()}
    for tid in os.listdir("/proc/self/task"):
        try:
            pids |= {int(x) for x in open(f"/proc/self/task/{tid}/children").read().split()}
        except OSError:
            pass
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024

tree_peak, stop, sampling = [0.0], threading.Event(), [0.0]

def sample():
    while not stop.wait(0.5):
        ts = time.thread_time()
        tree_peak[0] = max(tree_peak[0], tree_pss_mb())
        sampling[0] += time.thread_time() - ts

from kemiskinan.clean.step import clean
raw, out, pii, ind, wil = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1", sys.argv[5]
t, c = time.perf_counter(), time.process_time()
r = clean(raw, out, verbose=False, pii_terms=pii, check_provenance=False, wilayah=wil or None)
res = {"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c, "rows": r.meta["jumlah"],
       "balanced": bool(r.rekonsiliasi["seimbang"].all()),
       "keluarga_desil_1_4": r.meta["keluarga_desil_1_4"], "keluarga_desil_1_4_kks": r.meta["keluarga_desil_1_4_kks"]}
if ind:
    import resource
    import pandas as pd
    import kemiskinan.indicators as I
    # The clean's peak is this process's own maxrss (exact). The indicators may run in forked workers that
    # share the clean tables copy-on-write, so their phase is sampled as the whole tree's PSS — only this
    # phase: reading smaps_rollup walks the page tables (~40 ms at 5 GB) and slows the process it reads.
    threading.Thread(target=sample, daemon=True).start()
    t, c = time.perf_counter(), time.process_time()
    if wil:
        tabs = I.compute_by_kabkota(r.tables, {}, pd.read_csv(wil, dtype=str, keep_default_na=False))
        res["kabkota"] = len(tabs)
    else:
        I.compute_all(r.tables, {})
    res["indicators_seconds"] = time.perf_counter() - t
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)   # the indicators' worker processes, once they ended
    # + the workers, − the memory sampler's own CPU (it runs in this process)
    res["indicators_cpu_seconds"] = time.process_time() - c + ch.ru_utime + ch.ru_stime - sampling[0]
res["total_seconds"] = time.perf_counter() - t0
stop.set()
import resource
res["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # this child's own peak RSS
res["peak_tree_pss_mb"] = tree_peak[0]   # this child + its workers during the indicators, every 0.5 s
res["sampler_seconds"] = sampling[0]     # the sampler's CPU (mostly kernel time walking page tables)
print(json.dumps(res))
"""


def kaltim_wilayah():
    """Reference table (format of data/reference/wilayah_bontang.csv) for the generator's province data."""
    import pandas as pd

    from kemiskinan.domain import wilayah
    from kemiskinan.synthetic.city import regions

    reg = regions("kaltim")
    reg = reg[(reg["kind"] == 0) & ~reg["kode"].str.startswith("64.74.")]
    rows = [dict(kode_kemendagri="64", kode_bps="64", nama="Kalimantan Timur", tingkat="provinsi", induk="",
                 varian_nama="")]
    for kab, g in reg.groupby("kdkab", sort=True):
        rows.append(dict(kode_kemendagri=f"64.{kab}", kode_bps=f"64{kab}", nama=g["nmkab"].iloc[0].title(),
                         tingkat="kota", induk="64", varian_nama=g["nmkab"].iloc[0]))
        for kec, h in g.groupby("kdkec", sort=True):
            kk = h["kode"].iloc[0][:8]
            rows.append(dict(kode_kemendagri=kk, kode_bps=f"64{kab}{kec}", nama=h["nmkec"].iloc[0],
                             tingkat="kecamatan", induk=f"64.{kab}", varian_nama=""))
            for r in h.itertuples():
                rows.append(dict(kode_kemendagri=r.kode, kode_bps=f"64{kab}{r.kdkec}{r.kddesa}", nama=r.nmkel,
                                 tingkat="kelurahan", induk=kk, varian_nama=""))
    bon = wilayah.table()[["kode_kemendagri", "kode_bps", "nama", "tingkat", "induk", "varian_nama"]]
    return pd.concat([pd.DataFrame(rows), bon], ignore_index=True)


def ensure_data(n: int, kabkota: str) -> Path:
    d = RESULTS / (f"data-{n}" if kabkota == "bontang" else f"data-{kabkota}-{n}")
    if not (d / "README.md").exists():
        from kemiskinan.synthetic.sample import generate
        t = time.perf_counter()
        generate(d, seed=2018, households=n, kabkota=kabkota)
        print(f"  data {n:,} rumah tangga ({kabkota}) dibuat dalam {time.perf_counter() - t:.0f} s", flush=True)
    return d


def run_once(raw: Path, pii: bool, indicators: bool, wil: str) -> dict:
    out = RESULTS / f"out-{raw.name}"
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, str(raw), str(out), "1" if pii else "0",
                        "1" if indicators else "0", wil],
                       capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"clean gagal:\n{p.stderr[-3000:]}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res.update(wall=wall, load_avg=os.getloadavg()[0])
    shutil.rmtree(out, ignore_errors=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kabkota", choices=["bontang", "kaltim"], default="bontang")
    ap.add_argument("--indicators", action="store_true", help="also compute the indicators in the same child")
    ap.add_argument("--pii-terms", action="store_true", help="also write pii_istilah.parquet")
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    wil = ""
    if args.kabkota == "kaltim":
        wil = str(RESULTS / "wilayah-kaltim.csv")
        kaltim_wilayah().to_csv(wil, index=False)
    summary_path = RESULTS / "clean.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    for n in args.sizes:
        raw = ensure_data(n, args.kabkota)
        runs = []
        for _ in range(args.repeat):
            probe = speed_probe()   # the machine's speed just before this run (bench/machine.py)
            runs.append({**run_once(raw, args.pii_terms, args.indicators, wil), "probe_s": probe})
        med = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_mb"] or 0 for r in runs)
        key = f"{args.kabkota}-{n}" + ("-indikator" if args.indicators else "") + ("-pii" if args.pii_terms else "")
        summary[key] = {"median_s": round(med, 1), "runs_s": [round(r["seconds"], 1) for r in runs],
                        "cpu_s": [round(r["cpu_seconds"], 1) for r in runs],
                        "indicators_cpu_s": [round(r["indicators_cpu_seconds"], 1) for r in runs
                                             if "indicators_cpu_seconds" in r],
                        "indicators_s": [round(r["indicators_seconds"], 1) for r in runs if "indicators_seconds" in r],
                        "total_s": [round(r["total_seconds"], 1) for r in runs],
                        "total_median_s": round(statistics.median(r["total_seconds"] for r in runs), 1),
                        "probe_s": [r["probe_s"] for r in runs],
                        "peak_mb": round(peak),
                        "peak_tree_pss_mb": round(max(r.get("peak_tree_pss_mb", 0) for r in runs)),
                        "sampler_s": [round(r.get("sampler_seconds", 0), 1) for r in runs],
                        "rows": runs[0]["rows"], "balanced": all(r["balanced"] for r in runs),
                        "cpus": os.cpu_count(), "load_avg": [round(r["load_avg"], 1) for r in runs]}
        extra = (f", indikator median {statistics.median(r['indicators_seconds'] for r in runs):.1f} s, "
                 f"total median {summary[key]['total_median_s']:.1f} s" if args.indicators else "")
        extra += f", probe {statistics.median(r['probe_s'] for r in runs):.3f} s"
        print(f"{n:>9,} rumah tangga ({args.kabkota}): clean median {med:.1f} s{extra}, puncak memori ≈ {peak:,.0f} MB, "
              f"anggota {runs[0]['rows']['anggota']:,}, beban {runs[0]['load_avg']:.1f}", flush=True)
    summary_path.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
