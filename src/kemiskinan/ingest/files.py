"""The input files of a raw folder (what the cleaner, `periksa` and the provenance manifest all list)."""
from __future__ import annotations

from pathlib import Path

from kemiskinan.ingest.readers import CSV_SUFFIXES, EXCEL_SUFFIXES

def data_files(raw_dir: Path) -> list[Path]:
    """The input files of a raw folder: CSV/TXT/TSV/XLSX/XLS, not hidden, not Excel lock files."""
    out = []
    for p in sorted(Path(raw_dir).iterdir()):
        if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES:
            out.append(p)
    return out
