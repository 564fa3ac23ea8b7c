"""The analysts' XLSX of indicator tables for one wilayah (not for sharing beyond the office).

Spreadsheet formula injection: a text cell beginning with `=`, `+`, `-` or `@` (or a tab/CR) is taken as
a formula by Excel and LibreOffice. Names of places and free text come from hand-edited files, so every
such text cell is written with a leading apostrophe-equivalent: we prefix a single quote character,
which the spreadsheet shows as text. Numbers stay numbers.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan.atomic import atomic_write
from kemiskinan.briefing.data import load_for_briefing

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


def _cells(col: pd.Series) -> list:
    """One column (already through `escape_frame`) as the values a cell takes: None for missing, numbers,
    booleans and text as themselves, anything else (dates…) as its text, escaped like any text. Column by
    column instead of cell by cell."""
    values = col.astype(object).tolist()
    for i in np.flatnonzero(col.isna().to_numpy()):
        values[i] = None
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return values
    return [v if v is None or isinstance(v, (int, float, bool, str)) else escape_formula(str(v)) for v in values]


def _rows_for_workbook(df: pd.DataFrame, kode: str) -> pd.DataFrame:
    """RT rows belong in the workbook of their own kelurahan only; a kota or kecamatan workbook would
    otherwise carry every RT of the city, which its briefing never shows and which is slow to write."""
    if "tingkat" not in df.columns:
        return df
    rt = df["tingkat"].astype(str) == "rt"
    own_rt = rt & df["kode_wilayah"].astype(str).str.startswith(kode + ".")
    keep = ~rt | (own_rt if kode.count(".") == 3 else False)
    return df[keep]


def indicator_workbook(indikator_dir: Path, kode: str, out_path: Path, lang: str = "id") -> Path:
    """Write the indicator tables that the briefing of `kode` shows, one sheet per table.

    openpyxl's write-only mode streams rows (faster than pandas' ExcelWriter for the same file), and
    with lxml installed (it is in the lock) it writes each cell through lxml, not its pure-Python XML
    writer. XlsxWriter and PyExcelerate were no faster than openpyxl + lxml (bench/README.md).
    The tables are read once per process and folder version (the build calls this 19 times).
    """
    from openpyxl import Workbook

    tables = load_for_briefing(indikator_dir, kode)
    out_path = Path(out_path)
    wb = Workbook(write_only=True)
    for name in sorted(tables):
        df = escape_frame(_rows_for_workbook(tables[name], kode))  # text cells and headers
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(df.columns))
        for row in zip(*(_cells(df[c]) for c in df.columns)):
            ws.append(row)
    return atomic_write(out_path, wb.save)   # the usual permissions (0644 under umask 022), not 0600
