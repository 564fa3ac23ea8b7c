"""Writing and reading the indicator tables (data/processed/<periode>/indikator/*.parquet)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kemiskinan import catalog, config
from kemiskinan.atomic import write_folder
from kemiskinan.indicators import schemas

#: The tables `compute_all` makes (one round on its own) …
INDICATOR_TABLES = catalog.names("indicators")
#: … and those `banding.compute` adds (the comparison with the previous period; zero rows without one).
BANDING_TABLES = catalog.names("banding")
#: Everything step 02 writes into data/processed/<periode>/indikator/, in one atomic folder.
TABLES = INDICATOR_TABLES + BANDING_TABLES
SUBDIR = "indikator"


def write_all(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> Path:
    """Write every table as `<name>.parquet` into `out_dir`, atomically.

    The files go to a temporary sibling folder first, which then replaces `out_dir` by rename, so a
    reader (or a crashed run) never sees half old and half new tables. Every table is first held to its
    schema (`schemas.check`: CheckError naming table and column); then nothing is written.
    """
    schemas.check(tables)

    def write(tmp: Path) -> None:
        for name in sorted(tables):
            tables[name].to_parquet(tmp / f"{name}.parquet", index=False)

    return write_folder(out_dir, write)


def _resolve(periode_or_dir: str | Path) -> Path:
    p = Path(periode_or_dir)
    if p.is_dir():
        return p / SUBDIR if (p / SUBDIR).is_dir() else p
    return config.processed_dir(str(periode_or_dir)) / SUBDIR


def load_all(periode_or_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Read the tables back: a periode name (`data/processed/<periode>/indikator/`), a processed folder
    or the indikator folder itself."""
    folder = _resolve(periode_or_dir)
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not files:
        raise FileNotFoundError(f"tidak ada tabel indikator di {folder}; jalankan pembangunan indikator dulu")
    return {f.stem: pd.read_parquet(f) for f in files}
