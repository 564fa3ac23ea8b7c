"""Writers shared by every round: unquoted CSV in chunks, byte-stable xlsx, and moving a finished folder in.

Determinism: xlsx files are re-zipped with fixed timestamps and fixed document properties, so the same seed
gives byte-identical files.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv

from kemiskinan.synthetic.layout import SYNTHETIC_MARK

_EPOCH_XLSX_FIXED = (2018, 6, 1, 0, 0, 0)
_FIXED_PROPS_TIME = dt.datetime(2018, 6, 1, 0, 0, 0)


def write_csv_chunks(path: Path, make_table, n_rows: int, *, delimiter: str, eol: str,
                     encoding: str = "utf-8", bom: bool = False, chunk: int = 250_000) -> None:
    """Write a table chunk by chunk; non-UTF-8 encodings are transcoded per chunk (strict: fails loudly).

    No quoting, like an Excel "CSV" export: pyarrow raises if a value ever contains the delimiter, a
    quote or a line break, so such a value can never silently shift columns.
    """
    with open(path, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        for i, start in enumerate(range(0, max(n_rows, 1), chunk)):
            table = make_table(start, min(start + chunk, n_rows))
            buf = io.BytesIO()
            pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=(i == 0), delimiter=delimiter, eol=eol,
                                                           quoting_style="none", quoting_header="none"))
            data = buf.getvalue()
            if encoding != "utf-8":
                data = data.decode("utf-8").encode(encoding)
            fh.write(data)


def with_duplicates(n: int, dup_idx: np.ndarray) -> np.ndarray:
    """Row order with each duplicate right after its original (how copy-paste duplicates look)."""
    return np.sort(np.concatenate([np.arange(n), dup_idx]), kind="stable")


def xlsx_bytes(wb) -> bytes:
    """Save an openpyxl workbook with fixed zip timestamps and fixed document dates (byte-identical)."""
    wb.properties.creator = "kemiskinan.synthetic.sample (DATA SINTETIS)"
    wb.properties.created = _FIXED_PROPS_TIME
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    fixed = _FIXED_PROPS_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps "modified" with the clock at save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + fixed.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_EPOCH_XLSX_FIXED)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def keterangan_sheet(wb, lines: list[str]) -> None:
    """The sheet that says the workbook is synthetic, and what it holds."""
    ws = wb.create_sheet("KETERANGAN")
    ws.append([SYNTHETIC_MARK])
    for line in lines:
        ws.append([line])


@contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """A new temporary folder beside out_dir (same filesystem, so moving a file in is a rename), removed
    afterwards with anything left in it."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def move_in(tmp: Path, out_dir: Path, names: Iterable[str]) -> None:
    """Move the finished files `names` from tmp into out_dir, each by rename.

    Every file is complete before any is replaced, so a failure while generating leaves the old set. Only
    these files are replaced, not the whole folder (as `atomic.write_folder` would): the folder also holds
    files the generator does not write, such as the tracked `.gitignore` and the build's `manifest.json`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(tmp / name, out_dir / name)
