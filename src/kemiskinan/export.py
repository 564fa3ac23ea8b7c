"""The analysts' XLSX of indicator tables for one wilayah (not for sharing beyond the office).

Spreadsheet formula injection: a text cell beginning with `=`, `+`, `-` or `@` (or a tab/CR) is taken as
a formula by Excel and LibreOffice. Names of places and free text come from hand-edited files, so every
such text cell is written with a leading apostrophe-equivalent: we prefix a single quote character,
which the spreadsheet shows as text. Numbers stay numbers.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_formula)
    out.columns = [escape_formula(str(c)) for c in out.columns]
    return out


def indicator_workbook(indikator_dir: Path, kode: str, out_path: Path, lang: str = "id") -> Path:
    """Write the indicator tables that the briefing of `kode` shows, one sheet per table."""
    from kemiskinan.briefing_data import slice_tables
    from kemiskinan.indicators import load_all

    tables = slice_tables(load_all(indikator_dir), kode)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        for name in sorted(tables):
            df = tables[name]
            # Excel cannot hold timezone-aware datetimes; categoricals become plain text.
            df = df.apply(lambda s: s.astype(object) if isinstance(s.dtype, pd.CategoricalDtype) else s)
            escape_frame(df).to_excel(xw, sheet_name=name[:31], index=False)
    os.replace(tmp, out_path)
    return out_path
