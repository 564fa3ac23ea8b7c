"""The catalog: every dataset the pipeline reads or writes, named once.

Each entry says where the dataset lives (relative to its period's folder), which step writes it and which
schema describes it. Modules ask the catalog for names and paths instead of keeping their own lists, so a
new table is added here once. Plain data only: importing it costs nothing and it imports no other module
of the package (every step may use it without an import cycle).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Dataset:
    key: str           # unique in the catalog ("mpm" = clean table, "indikator/mpm" = indicator table)
    table: str         # the name code uses for it (dict key, file stem)
    step: str          # producing step: "clean", "indicators", "banding" (part of step 02), "build"
    path: str          # relative to data/processed/<periode>/ (steps 01–02) or reports/<periode>/ (build)
    schema: str | None  # "clean.schemas:<name>" or "indicators.schemas:<name>"; None = not a table
    description: str


def _clean(name: str, description: str) -> Dataset:
    return Dataset(name, name, "clean", f"{name}.parquet", f"clean.schemas:{name}", description)


def _ind(name: str, step: str, description: str) -> Dataset:
    return Dataset(f"indikator/{name}", name, step, f"indikator/{name}.parquet", f"indicators.schemas:{name}", description)


DATASETS: tuple[Dataset, ...] = (
    _clean("rumah_tangga", "one row per BDT household (ruta), wilayah codes fixed, codes decoded"),
    _clean("anggota", "one row per household member"),
    _clean("keluarga", "one row per family (keluarga) inside a household, with its KKS status"),
    _clean("kks", "KKS distribution rows, matched to a keluarga"),
    _clean("mpm", "MPM update records"),
    _clean("mpm_laporan", "MPM reports per kelurahan (submission dates)"),
    _clean("penduduk", "population per kelurahan and year"),
    _clean("temuan", "one row per finding: rule, action, file, sheet, row, column"),
    _clean("rekonsiliasi", "raw rows in = clean rows + rejected rows, per file and sheet"),
    Dataset("clean_meta", "meta", "clean", "meta.json", None, "step 01 run facts: inputs' sha256, periode, desil scheme"),
    Dataset("pii_istilah", "pii_istilah", "clean", "pii_istilah.parquet", None,
            "hashed names/addresses from the raw files, for the PII check of shared outputs"),
    _ind("ringkasan", "indicators", "headline per kota, kecamatan, kelurahan"),
    _ind("sebaran", "indicators", "families per desil group"),
    _ind("cakupan", "indicators", "KKS coverage of the target families"),
    _ind("kebocoran", "indicators", "KKS held outside the target group"),
    _ind("tumpang_tindih", "indicators", "overlap of programmes"),
    _ind("profil", "indicators", "household and member profile"),
    _ind("mpm", "indicators", "MPM update progress"),
    _ind("prioritas", "indicators", "kelurahan priority quadrants"),
    _ind("biaya", "indicators", "cost of closing the KKS gap"),
    _ind("bps_makro", "indicators", "BPS macro poverty figures (P0, P1, P2, garis kemiskinan)"),
    _ind("banding_ringkasan", "banding", "headline then and now"),
    _ind("banding_alur", "banding", "flows of target families between rounds"),
    _ind("banding_prioritas", "banding", "quadrant changes between rounds"),
    _ind("tren", "banding", "headline over every period built"),
    Dataset("run", "run", "build", "run.json", None, "build record: git SHA, parameters, input sha256, lock hash"),
    Dataset("index", "index", "build", "index.html", None, "the period's briefings, one link each"),
)
BY_KEY: dict[str, Dataset] = {d.key: d for d in DATASETS}
assert len(BY_KEY) == len(DATASETS), "a dataset is named twice"


def names(step: str) -> tuple[str, ...]:
    """Table names a step writes, in catalog order (e.g. `names("clean")`)."""
    return tuple(d.table for d in DATASETS if d.step == step and d.schema is not None)


def path(key: str, folder: str | Path) -> Path:
    """Where dataset `key` lives under `folder` (the period's processed or reports folder)."""
    return Path(folder) / BY_KEY[key].path
