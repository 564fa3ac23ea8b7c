"""Step 02: clean tables (data/processed/<periode>/*.parquet) in → indicator tables
(data/processed/<periode>/indikator/*.parquet, docs/contracts.md §3, docs/indicators.md) out.

Modules:
- `tables`: the registry of indicator tables and `compute_all`, which computes, checks and suppresses them;
- `params`: step 02's parameters (`parse_params`, `DEFAULT_PARAMS`); `prepare`: the clean tables read,
  typed and checked (`read_clean`, `prepare`, `blank_absent`);
- `sebaran`, `programs`, `profil`, `mpm`, `prioritas`, `bps`: the table functions, by topic;
- `banding`: the comparison with the previous period (`banding_ringkasan`, `banding_alur`,
  `banding_prioritas`, `tren`);
- `schemas`: columns, dtypes and allowed values of every table, checked by `io.write_all`;
- `io`: `write_all` (one atomic folder) and `load_all`; `province`: `compute_by_kabkota`;
- `step`: `python -m kemiskinan indicators`; `_base`: wilayah grid, tallies, suppression, checks;
  `_fgt`: the FGT poverty measures; `_meta`: indicators_meta.yml and docs/indicators.md.

The names below are re-exported for the notebooks and the briefing.
"""
from __future__ import annotations

from kemiskinan.indicators._base import PROGRAMS, suppress
from kemiskinan.indicators._fgt import check_fgt, check_p0_monotone, fgt, fgt_all
from kemiskinan.indicators._meta import all_meta, meta, render_indicator_docs, write_indicator_docs
from kemiskinan.indicators.io import BANDING_TABLES, INDICATOR_TABLES, TABLES, load_all, write_all
from kemiskinan.indicators.params import DEFAULT_PARAMS, parse_params
from kemiskinan.indicators.prepare import read_clean
from kemiskinan.indicators.prioritas import quadrant
from kemiskinan.indicators.programs import manfaat_table
from kemiskinan.indicators.province import compute_by_kabkota
from kemiskinan.indicators.tables import compute_all

__all__ = ["compute_all", "compute_by_kabkota", "write_all", "load_all", "fgt", "fgt_all", "check_fgt",
           "check_p0_monotone", "suppress", "quadrant", "meta", "all_meta", "write_indicator_docs",
           "render_indicator_docs", "DEFAULT_PARAMS", "PROGRAMS", "TABLES", "INDICATOR_TABLES", "BANDING_TABLES",
           "manfaat_table", "parse_params", "read_clean"]
