"""Every path the project uses, anchored at the project root — never at the working directory.

Notebooks, the CLI and the tests all import from here, so a notebook executed by papermill from any
working directory reads and writes the same files as the build.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(os.environ.get("KEMISKINAN_ROOT", Path(__file__).resolve().parents[2])).resolve()

DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SAMPLE_RAW_DIR = RAW_DIR / "sample"
PROCESSED_DIR = DATA_DIR / "processed"
REFERENCE_DIR = DATA_DIR / "reference"
REPORTS_DIR = PROJ_ROOT / "reports"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
PARAMS_DIR = PROJ_ROOT / "params"
DOCS_DIR = PROJ_ROOT / "docs"
LOCK_FILE = PROJ_ROOT / "requirements.lock"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

KERNEL_NAME = "kemiskinan"
CHROMIUM = os.environ.get("KEMISKINAN_CHROMIUM", "/usr/bin/chromium")


def raw_dir(raw: str | os.PathLike) -> Path:
    """Resolve a raw-data folder: a bare name is a subfolder of data/raw/, a path is taken as given."""
    p = Path(raw)
    return p if p.is_absolute() else (RAW_DIR / p if len(p.parts) == 1 else PROJ_ROOT / p)


def processed_dir(periode: str) -> Path:
    return PROCESSED_DIR / periode


def reports_dir(periode: str) -> Path:
    return REPORTS_DIR / periode
