"""`python -m kemiskinan indicators`: step 02 from the command line (the notebook 02_hitung_indikator does
the same): clean tables → every indicator table, the comparison with the previous period, one atomic write."""
from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from kemiskinan import config
from kemiskinan.domain.periode import previous_period
from kemiskinan.indicators import banding
from kemiskinan.indicators._meta import write_indicator_docs
from kemiskinan.indicators.io import write_all
from kemiskinan.indicators.params import DEFAULT_PARAMS
from kemiskinan.indicators.tables import compute_all


def compute_round(clean_dir: Path, periode: str | None, params: dict,
                  periode_sebelumnya: str = "") -> tuple[dict, str | None]:
    """Step 02 for one round: every indicator table of the clean tables in `clean_dir`, plus the comparison
    with the previous period built (`periode_sebelumnya`: "" = the latest earlier one, "-" = none, or a
    period). Returns the tables and the period compared with (None: no comparison). Without `periode`
    (a clean folder outside data/processed) there is nothing to compare with."""
    tables = compute_all(clean_dir, params)
    if not periode:
        return tables, None
    prev = previous_period(str(periode), periode_sebelumnya)
    tables.update(banding.compute(banding.read_keluarga(clean_dir), tables, str(periode),
                                  config.processed_dir(prev) if prev else None,
                                  target_desil=params.get("target_desil", DEFAULT_PARAMS["target_desil"]),
                                  skema_desil=banding.skema_of(banding.read_meta(clean_dir))))
    return tables, prev


def main_indicators(argv: list[str] | None = None) -> int:
    """clean tables → data/processed/<periode>/indikator/."""
    ap = argparse.ArgumentParser(prog="python -m kemiskinan indicators",
                                 description="Hitung tabel indikator (contracts §3) dari tabel bersih.")
    ap.add_argument("--periode", help="periode, mis. 2018-05: baca data/processed/<periode>/")
    ap.add_argument("--clean", help="folder tabel bersih (menggantikan --periode)")
    ap.add_argument("--out", help="folder keluaran (bawaan: <folder bersih>/indikator)")
    ap.add_argument("--params", help="berkas YAML parameter (target_desil, ambang_sel_kecil, manfaat, …)")
    ap.add_argument("--docs", action="store_true", help="tulis ulang docs/indicators.md dari indicators_meta.yml")
    args = ap.parse_args(argv)
    if args.docs:
        print(f"Ditulis: {write_indicator_docs()}")
        if not (args.periode or args.clean):
            return 0
    params = {}
    if args.params:
        params = yaml.safe_load(Path(args.params).read_text(encoding="utf-8")) or {}
    periode = args.periode or params.get("periode")
    if not (args.clean or periode):
        ap.error("beri --periode atau --clean")
    src = Path(args.clean) if args.clean else config.processed_dir(str(periode))
    out = Path(args.out) if args.out else src / "indikator"
    tables, _ = compute_round(src, None if args.clean else periode, params, params.get("periode_sebelumnya", ""))
    write_all(tables, out)
    print(f"Selesai: {len(tables)} tabel indikator di {out}")
    return 0
