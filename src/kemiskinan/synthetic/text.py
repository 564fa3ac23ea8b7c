"""How values are written as text in the raw files: person names, dates as operators type them, Excel's
scientific notation for a 16-digit ID."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kemiskinan.synthetic.arrays import as_str, join, take_str
from kemiskinan.synthetic.city import FIRST_F, FIRST_M, LAST

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]
BULAN3 = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def person_names(p: dict, idx: np.ndarray) -> pa.Array:
    """Full names of persons idx: first name by sex, then a surname (or none)."""
    female = p["female"][idx]
    first_m = take_str(FIRST_M, np.where(female, 0, p["first_idx"][idx]))
    first_f = take_str(FIRST_F, np.where(female, p["first_idx"][idx], 0))
    first = pc.if_else(pa.array(female), first_f, first_m)
    last = take_str(LAST, p["last_idx"][idx])
    full = pc.binary_join_element_wise(first, last, " ")
    return pc.if_else(pc.equal(last, ""), first, full)


def dmy(y, m, d, sep: str = "/") -> pa.Array:
    """dd/mm/yyyy from integer parts (pc.strftime is much slower on millions of rows)."""
    v = pc.utf8_lpad(as_str(np.asarray(d, np.int64) * 1_000_000 + np.asarray(m, np.int64) * 10_000
                         + np.asarray(y, np.int64)), width=8, padding="0")
    return join(pc.utf8_slice_codeunits(v, 0, 2), sep, pc.utf8_slice_codeunits(v, 2, 4), sep,
                pc.utf8_slice_codeunits(v, 4, 8))


def date_strings(by, bm, bd, fmt) -> pa.Array:
    """TglLahir as written by different operators: dd/mm/yyyy mostly, some `12 Agustus 1980`, some ISO."""
    slashed = dmy(by, bm, bd)
    iso = join(as_str(by), "-", pc.utf8_lpad(as_str(bm), width=2, padding="0"), "-",
               pc.utf8_lpad(as_str(bd), width=2, padding="0"))
    long = pc.binary_join_element_wise(as_str(bd), take_str(BULAN, bm - 1), as_str(by), " ")
    return pc.if_else(pa.array(fmt == 1), long, pc.if_else(pa.array(fmt == 2), iso, slashed))


def fmt_date(d: np.datetime64, style: int):
    """Indonesian date renderings seen in kelurahan spreadsheets; style 0 is a real Excel date cell."""
    x = dt.date.fromisoformat(str(d))
    if style == 0:
        return dt.datetime(x.year, x.month, x.day)
    if style == 1:
        return f"{x.day:02d}/{x.month:02d}/{x.year}"
    if style == 2:
        return f"{x.day} {BULAN[x.month - 1]} {x.year}"
    return f"{x.day:02d}-{BULAN3[x.month - 1]}-{x.year}"


def excel_sci(x: pa.Array) -> pa.Array:
    """16-digit IDs as Excel shows a number too long for it: `6.47402E+15` (the digits are lost)."""
    return join(pc.utf8_slice_codeunits(x, 0, 1), ".", pc.utf8_slice_codeunits(x, 1, 6), "E+15")
