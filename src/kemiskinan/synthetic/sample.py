"""Round 1 of the synthetic sample census for Kota Bontang (docs/contracts.md §1), and the `sample-data` command.

`generate` writes the five raw files an analyst at Bapelitbang/Dinsos Bontang would receive in 2018 — the
PBDT 2015 household (ruta) and member (ART) files, the 2017 KKS distribution list, the MPM 2018 workbook and
the kelurahan population — plus a README.md that lists seed, counts, every kind of dirt injected and the
ground truth. `households=None` is the calibrated sample (contracts §1.7); `households=N` the same shape at
any size, for scale tests. Same seed, same bytes.

`main_sample_data` is the CLI for every round: without `--round`/`--shape`/`--params` it writes round 1; the
later rounds are `kemiskinan.synthetic.rounds`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from kemiskinan import config
from kemiskinan.errors import ParameterError
from kemiskinan.hashing import file_sha256
from kemiskinan.synthetic import bdt, rounds
from kemiskinan.synthetic.city import regions
from kemiskinan.synthetic.dirt import Dirt, choose_dirt
from kemiskinan.synthetic.kks import kks_rows, write_kks
from kemiskinan.synthetic.layout import (FILE_ART, FILE_KKS_CSV, FILE_KKS_XLSX, FILE_MPM, FILE_PENDUDUK, FILE_README,
                                         FILE_RUTA)
from kemiskinan.synthetic.mpm import write_mpm
from kemiskinan.synthetic.penduduk import write_round1
from kemiskinan.synthetic.plan import make_plan
from kemiskinan.synthetic.readme import round1_params_line, round1_readme
from kemiskinan.synthetic.simulate import Sim, simulate
from kemiskinan.synthetic.state import FOLDERS, ROUNDS, SEED, SHAPES
from kemiskinan.synthetic.truth import per_kelurahan
from kemiskinan.synthetic.writers import move_in, staged_folder



class _Laps:
    """Seconds per step of one run (returned in the summary, never written: it would break byte-identity)."""

    def __init__(self):
        self.timing: dict[str, float] = {}
        self._t0 = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timing[name] = round(now - self._t0, 3)
        self._t0 = now


def generate(out_dir: Path, seed: int = 2018, households: int | None = None, kabkota: str = "bontang") -> dict:
    """Write the five synthetic raw files + README.md into out_dir; return a summary dict.

    households=None → the calibrated Bontang sample (contracts §1.7); households=N → N households (plus a
    few extra rows to be rejected) with the same structure and proportions, for scale tests.
    """
    if households is not None and households < 50:
        raise ValueError("households minimal 50")
    out_dir = Path(out_dir)
    calibrated = households is None
    if calibrated and kabkota != "bontang":
        raise ValueError("sampel terkalibrasi hanya untuk kabkota='bontang'; beri --households N untuk 'kaltim'")
    laps = _Laps()
    rng = np.random.default_rng(seed)
    reg = regions(kabkota)
    plan = make_plan(rng, reg, households)
    laps.lap("plan")
    sim = simulate(rng, reg, plan)
    laps.lap("simulate")
    dirt = choose_dirt(rng, sim, calibrated)
    laps.lap("dirt")
    with staged_folder(out_dir) as tmp:
        files, truth, gt = _write_files(rng, tmp, sim, dirt, calibrated, seed, laps)
        summary = {"out_dir": str(out_dir), "seed": seed, "households": households, "kabkota": kabkota,
                   "calibrated": calibrated, "files": files, "dirt": dirt.counts, "ground_truth": gt}
        (tmp / FILE_README).write_text(round1_readme(summary, truth), encoding="utf-8")
        written = list(files) + [FILE_README]
        move_in(tmp, out_dir, written)
        (out_dir / (FILE_KKS_CSV if FILE_KKS_XLSX in files else FILE_KKS_XLSX)).unlink(missing_ok=True)
        summary["sha256"] = {n: file_sha256(out_dir / n) for n in written}
        laps.lap("finish")
    summary["timing_s"] = laps.timing
    return summary


def _write_files(rng, tmp: Path, sim: Sim, dirt: Dirt, calibrated: bool, seed: int, laps: _Laps):
    """Write the five data files into tmp, in the order of their draws; return (rows per file, truth per
    kelurahan, ground-truth summary). Fills dirt.counts in the order the README lists the files."""
    files = {FILE_RUTA: bdt.write_ruta(tmp, sim, dirt)}
    laps.lap("write_ruta")
    files[FILE_ART] = bdt.write_art(tmp, sim, dirt)
    laps.lap("write_art")
    kks = kks_rows(rng, sim, calibrated, dirt)
    laps.lap("kks_rows")
    kks_name = write_kks(tmp, sim, kks, seed)
    files[kks_name] = len(kks)
    laps.lap("write_kks")
    n_mpm, mpm_per_kel, mpm_info, mpm_dirt = write_mpm(rng, sim, calibrated, tmp)
    files[FILE_MPM] = n_mpm
    laps.lap("write_mpm")
    truth = per_kelurahan(sim)
    p_hh = sim.p["hh"]
    jiwa = np.bincount(sim.plan.hh_region[p_hh][sim.hh["kind"][p_hh] == 0], minlength=len(sim.reg))
    files[FILE_PENDUDUK], pend = write_round1(rng, sim, calibrated, jiwa, tmp)
    truth["mpm_pendaftar"] = truth.kode_kelurahan.map(mpm_per_kel).astype("Int64")
    truth["mpm_melapor"] = truth.kode_kelurahan.map({k: v > 0 for k, v in mpm_per_kel.items()})
    truth["penduduk"] = truth.kode_kelurahan.map(pend)

    dirt.counts.update(bdt.dirt_counts(sim, dirt))
    if kks_name == FILE_KKS_CSV:   # a CSV has no numeric cells: those two kinds do not exist there
        kks_dirt = dirt.counts.pop(FILE_KKS_XLSX)
        kks_dirt.pop("nik_sel_angka_excel")
        kks_dirt.pop("no_kk_sel_angka_excel")
        dirt.counts[FILE_KKS_CSV] = kks_dirt
    dirt.counts[FILE_MPM] = mpm_dirt
    dirt.counts[FILE_PENDUDUK] = {"tidak_ada": 0}
    gt = {k: int(truth[k].sum()) for k in
          ["keluarga_miskin", "keluarga_kks", "keluarga_tanpa_kks", "keluarga_kks_belum_tersalur",
           "keluarga_kks_dikembalikan", "keluarga_4plus_nondesil_kks", "keluarga_bdt", "rumah_tangga_bdt",
           "rumah_tangga_desil_1_4", "jiwa_bdt", "jiwa_desil_1_4"]}
    gt["kks_tidak_ada_di_bdt"] = int((kks.fam < 0).sum())
    gt["mpm"] = mpm_info
    gt["per_kelurahan"] = truth.astype(object).where(truth.notna(), None).to_dict("records")
    return files, truth, gt


def is_present(out_dir: Path, seed: int, households: int | None, kabkota: str) -> bool:
    """True when out_dir already holds a complete generated set for exactly these parameters."""
    out_dir = Path(out_dir)
    readme = out_dir / FILE_README
    if not readme.exists():
        return False
    if round1_params_line(seed, households, kabkota) not in readme.read_text(encoding="utf-8"):
        return False
    kks_ok = (out_dir / FILE_KKS_XLSX).exists() or (out_dir / FILE_KKS_CSV).exists()
    return kks_ok and all((out_dir / f).exists() for f in (FILE_RUTA, FILE_ART, FILE_MPM, FILE_PENDUDUK))


# --------------------------------------------------------------------------------------------------
# The `sample-data` command
# --------------------------------------------------------------------------------------------------

def main_sample_data(argv: list[str] | None = None) -> int:
    """CLI: `python -m kemiskinan sample-data [--out DIR] [--seed N] [--households N] [--kabkota ...]` writes
    round 1; `--round P --shape S [--out DIR]` or `--params FILE` a later round (both with `--if-absent`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a.split("=")[0] in ("--round", "--shape", "--params") for a in argv):
        return _main_round(argv)
    return _main_round1(argv)


def _main_round1(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="kemiskinan sample-data",
                                 description="Tulis data contoh SINTETIS (BDT 2015, KKS 2017, MPM 2018, penduduk).",
                                 epilog="Ronde berikutnya: --round 2019-05 --shape dtks, --round 2025-06 --shape dtsen "
                                        "[--out DIR] [--if-absent]; --params FILE: ronde folder `raw` file itu.")
    ap.add_argument("--out", type=Path, default=config.SAMPLE_RAW_DIR, help="folder tujuan (default data/raw/sample)")
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--households", type=int, default=None,
                    help="jumlah rumah tangga (uji skala); tanpa ini: sampel Bontang terkalibrasi")
    ap.add_argument("--kabkota", choices=["bontang", "kaltim"], default="bontang")
    ap.add_argument("--if-absent", action="store_true",
                    help="tidak melakukan apa-apa bila folder sudah berisi file untuk seed/ukuran yang sama")
    args = ap.parse_args(argv)
    out = config.raw_dir(args.out) if not Path(args.out).is_absolute() else Path(args.out)
    if args.if_absent and is_present(out, args.seed, args.households, args.kabkota):
        _print_present(out, args.seed)
        return 0
    try:
        s = generate(out, seed=args.seed, households=args.households, kabkota=args.kabkota)
    except ValueError as e:
        raise ParameterError(str(e)) from e
    _print_written(out, args.seed, s["files"], s["ground_truth"])
    return 0


def _main_round(argv: list[str]) -> int:
    """`--round P --shape S [--out DIR] [--if-absent]` or `--params FILE [--if-absent]`."""
    ap = argparse.ArgumentParser(prog="kemiskinan sample-data",
                                 description="Tulis data contoh SINTETIS ronde berikutnya (2019-05 DTKS, 2025-06 DTSEN).")
    ap.add_argument("--round", dest="periode", help="periode ronde: 2019-05 atau 2025-06")
    ap.add_argument("--shape", help="bentuk file: dtks atau dtsen")
    ap.add_argument("--params", help="buat ronde yang folder `raw`-nya dipakai file parameter ini")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--if-absent", action="store_true")
    args, rest = ap.parse_known_args(argv)
    if_absent = ["--if-absent"] if args.if_absent else []
    if args.params:
        raw = _raw_of_params(args.params)
        periode = FOLDERS.get(Path(raw).name)        # sample, sample_2019, sample_2025: the synthetic rounds
        if periode is None:
            print(f"Folder data mentah `{raw}` bukan data contoh sintetis; tidak ada yang dibuat.")
            return 0
        if periode == "2018-05":
            return _main_round1(["--out", str(config.raw_dir(raw))] + if_absent + rest)
        args.periode, out = periode, config.raw_dir(raw)
    else:
        if rest:
            raise ParameterError("opsi tidak dikenal untuk --round/--shape: " + " ".join(rest))
        if args.periode is None:
            args.periode = SHAPES.get(args.shape or "")
        spec = ROUNDS.get(args.periode or "")
        if spec is None or (args.shape and args.shape != spec.shape):
            raise ParameterError(
                f"ronde/bentuk tidak dikenal: --round {args.periode or '?'} --shape {args.shape or '?'}; yang ada: "
                "--round 2018-05 --shape pbdt, --round 2019-05 --shape dtks, --round 2025-06 --shape dtsen")
        out = config.raw_dir(args.out) if args.out is not None else config.RAW_DIR / spec.folder
        if spec.shape == "pbdt":                        # round 1
            return _main_round1(["--out", str(out), "--seed", str(args.seed)] + if_absent)
    if args.if_absent and rounds.is_present(args.periode, out, args.seed):
        _print_present(out, args.seed, args.periode)
        return 0
    s = rounds.generate(args.periode, out, seed=args.seed)
    _print_written(out, args.seed, s["files"], s["ringkasan"], args.periode)
    return 0


def _raw_of_params(path: str) -> str:
    """The `raw` folder named by a params file (relative paths from the project root)."""
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = config.PROJ_ROOT / p
    try:
        values = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise ParameterError(f"file parameter tidak bisa dibaca: {path} ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise ParameterError(f"{p}: YAML tidak valid: {e}") from None
    raw = values.get("raw") if isinstance(values, dict) else None
    if not isinstance(raw, str) or not raw.strip():
        raise ParameterError(f"{p.name}: `raw` (folder data mentah) belum diisi")
    return raw.strip()


def _print_present(out: Path, seed: int, periode: str | None = None) -> None:
    what = f"Data sintetis {periode}" if periode else "Data sintetis"
    print(f"{what} sudah ada di {out} (seed {seed}); tidak dibuat ulang.")


def _print_written(out: Path, seed: int, files: dict[str, int], counts: dict, periode: str | None = None) -> None:
    """What was written: rows per file and the headline keluarga counts (round 1's ground truth or a later
    round's kota row)."""
    what = f"Data sintetis periode {periode}" if periode else "Data sintetis"
    print(f"{what} ditulis ke {out} (seed {seed}):")
    for name, rows in files.items():
        print(f"  {name}: {rows:,} baris")
    print(f"  keluarga desil 1-4: {counts['keluarga_miskin']:,}; dengan KKS: {counts['keluarga_kks']:,}; "
          f"tanpa KKS: {counts['keluarga_tanpa_kks']:,}")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_sample_data())
