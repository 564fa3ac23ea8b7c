"""NIK and No. KK: structural validation that never guesses (docs/domain.md §2.2, §2.8).

A NIK is 16 digits: 2 province + 2 kab/kota + 2 kecamatan (Kemendagri codes of first registration),
DDMMYY birth date (women: day + 40), 4-digit serial. A No. KK has the same wilayah prefix and a 16-digit
length; its middle digits are an issue date we do not check.

Two front ends share one implementation:

* `parse(value)` — one value, for notebooks: ``nik.parse("6474014708800001").valid``;
* `validate_series(s, sex=, birth=)` — a whole column, vectorised (used on millions of rows).

What counts as what (the `status`):

* ``valid``       — 16 digits after trimming the ends and every structural check passes;
* ``kosong``      — empty, or a placeholder such as ``-``;
* ``rusak_excel`` — Excel destroyed it: scientific notation (``6.47401E+15``), a decimal part on a
                    number that is not 16 digits, or an Excel number ≥ 2**53 (digits lost). Never repaired;
* ``tidak_valid`` — anything else that is not a plausible NIK (15 or 17 digits, letters, province 99,
                    kecamatan 00, 31 February, serial 0000 …).

A 16-digit value followed by ``.0`` is exact (all IDs below 2**53 survive the float round trip), so it is
repaired and flagged with ``NIK_TRAILING_DOT0`` — the only repair made here.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kemiskinan.domain.codes import TRIM_CHARS, parse_dates

#: Province codes (Kemendagri), including the Papua provinces created in 2022.
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36",
    "51", "52", "53",
    "61", "62", "63", "64", "65",
    "71", "72", "73", "74", "75", "76",
    "81", "82",
    "91", "92", "93", "94", "95", "96",
})

#: Births in YY are placed in 2000+YY when that is not after this year, else 1900+YY.
REFERENCE_YEAR = 2018

EMPTY_TOKENS = ("", "-", "--", "0", "NA", "N/A", "NAN", "NONE", "NULL", "#N/A", "TIDAK ADA", "TDK ADA")

STATUSES = ("valid", "kosong", "rusak_excel", "tidak_valid")
_VALID, _KOSONG, _RUSAK_EXCEL, _TIDAK_VALID = range(4)   # positions in STATUSES

# Rule ids (the messages live in kemiskinan.clean.rules.RULES; these are the ids this module can return).
NIK_RULES = (
    "NIK_KOSONG", "NIK_EXCEL_SCI", "NIK_EXCEL_DESIMAL", "NIK_EXCEL_PRESISI", "NIK_BUKAN_ANGKA",
    "NIK_PANJANG_SALAH", "NIK_PROV_TIDAK_DIKENAL", "NIK_KABKOTA_00", "NIK_KEC_00",
    "NIK_TANGGAL_TIDAK_VALID", "NIK_SERIAL_0000", "NIK_TRAILING_DOT0", "NIK_JK_BEDA", "NIK_TGL_BEDA",
)

_SCI = r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+"
_DOT0 = r"\d{16}[.,]0+"
_DEC = r"\d+[.,]\d+"


@dataclass(frozen=True)
class NikInfo:
    """The result of `parse`. `problems` lists every rule id that fired, most important first."""
    value: str | None           # the 16 digits when they could be established, else None
    valid: bool
    status: str                 # valid | kosong | rusak_excel | tidak_valid
    problems: tuple[str, ...]
    sex: str | None             # 'L' | 'P'
    birth_date: _dt.date | None
    prov: str | None            # '64'
    kabkota: str | None         # '6474'
    kecamatan: str | None       # '647401'
    wilayah: str | None         # Kemendagri form of the prefix: '64.74.01'

    @property
    def masked(self) -> str:
        return mask_id(self.value) if self.value else ""


def mask_id(value: object) -> str:
    """First 4 + ******** + last 2 characters (never the full identifier); short values fully hidden."""
    s = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
    if len(s) < 8:
        return "*" * len(s)
    return s[:4] + "********" + s[-2:]


def mask_ids(s: pd.Series) -> pd.Series:
    """Vectorised `mask_id`."""
    s = s.astype("str").fillna("").str.strip()
    n = s.str.len()
    out = s.str.slice(0, 4) + "********" + s.str.slice(-2)
    short = n < 8
    if short.any():
        out = out.where(~short, s.str.replace(r".", "*", regex=True))
    return out


def cell_to_text(value: object) -> tuple[str, str | None]:
    """An Excel cell (as calamine/openpyxl give it) → (text, rule) for ID columns.

    Integral floats below 2**53 are exact → their digits with rule ``ID_EXCEL_NUMBER``; larger ones have
    lost digits → the text of the float with rule ``NIK_EXCEL_PRESISI`` (treated as damage).
    """
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, int):
        return str(value), ("ID_EXCEL_NUMBER" if abs(value) < 2**53 else "NIK_EXCEL_PRESISI")
    if isinstance(value, float):
        if np.isnan(value):
            return "", None
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value)), "ID_EXCEL_NUMBER"
        return repr(value), "NIK_EXCEL_PRESISI"
    return str(value), None


def _norm(s: pd.Series) -> pd.Series:
    s = s.astype("str")
    return s.fillna("").str.strip(TRIM_CHARS)


def digits_of_length(s: pd.Series, length: int) -> np.ndarray:
    """`s.str.fullmatch(rf"\\d{{{length}}}")` as a bool array (NA → False), with the same Unicode `\\d`.

    For arrow text the ASCII rows are decided by two C kernels (byte length, all ASCII decimal digits)
    instead of the regex; only the rare non-ASCII rows (e.g. Arabic-Indic digits, which
    `\\d` also matches) go through the regex."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    if s.dtype != "str" or not isinstance(s.array, pd.arrays.ArrowStringArray):
        return s.str.fullmatch(rf"\d{{{length}}}").fillna(False).to_numpy(dtype=bool)
    arr = pa.chunked_array(s.array._pa_array)
    ok = pc.and_(pc.equal(pc.binary_length(arr), length), pc.ascii_is_decimal(arr))
    out = pc.fill_null(ok, False).to_numpy(zero_copy_only=False).astype(bool)
    wide = pc.fill_null(pc.invert(pc.string_is_ascii(arr)), False).to_numpy(zero_copy_only=False).astype(bool)
    if wide.any():
        out[wide] = s[wide].str.fullmatch(rf"\d{{{length}}}").fillna(False).to_numpy(dtype=bool)
    return out


def _to_int(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").fillna(-1).to_numpy(dtype=np.int64)


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    dim = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    m = np.clip(month, 0, 12)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return dim[m] + ((m == 2) & leap)


def _make_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, ok: np.ndarray) -> pd.Series:
    yy = np.where(ok, y, 1970) - 1970
    mm = np.where(ok, m, 1) - 1
    dd = np.where(ok, d, 1) - 1
    out = (yy.astype("datetime64[Y]").astype("datetime64[M]") + mm.astype("timedelta64[M]")
           ).astype("datetime64[D]") + dd.astype("timedelta64[D]")
    out = out.astype("datetime64[s]")
    out[~ok] = np.datetime64("NaT")
    return pd.Series(out)


_PROVINCE_INTS = np.array(sorted(int(p) for p in PROVINCES), dtype=np.int64)


def _digit_matrix(value: pd.Series, digits16: np.ndarray) -> np.ndarray:
    """The rows of `value` flagged `digits16` (exactly 16 ASCII digits) as an (m, 16) uint8 matrix of their
    bytes, read straight from the arrow buffer (no Python object per value)."""
    import pyarrow as pa
    m = int(digits16.sum())
    if m == 0:
        return np.zeros((0, 16), dtype=np.uint8)
    sel = value[digits16]
    arr = pa.chunked_array(sel.array._pa_array).combine_chunks() if hasattr(sel.array, "_pa_array") \
        else pa.array(sel.to_numpy(dtype=object))
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        off_t = np.int64 if pa.types.is_large_string(arr.type) else np.int32
        offs = np.frombuffer(arr.buffers()[1], dtype=off_t)[arr.offset: arr.offset + len(arr) + 1]
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
        if offs[-1] - offs[0] == 16 * m and (np.diff(offs) == 16).all():
            return data[offs[0]: offs[-1]].reshape(m, 16)
    return np.frombuffer("".join(sel.tolist()).encode("ascii"), dtype=np.uint8).reshape(m, 16)  # ASCII rows only


def _shape_checks(s: pd.Series, pre: str) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """(value, is 16 digits, rule, status) of each cell before the structural checks: empty placeholders,
    Excel damage (scientific, decimal), a trailing `.0` cut off, other lengths and non-digits. `pre`:
    the rule prefix (NIK or KK)."""
    n = len(s)
    raw = _norm(s)
    digits16 = digits_of_length(raw, 16)
    upper_empty = np.zeros(n, dtype=bool)   # no placeholder is 16 digits: only look at the other rows
    if not digits16.all():
        upper_empty[~digits16] = raw[~digits16].str.upper().isin(EMPTY_TOKENS).to_numpy(dtype=bool)
    rule = np.full(n, None, dtype=object)
    status = np.full(n, _VALID, dtype=np.int8)
    value = raw.copy()

    # --- shapes that are not 16 plain digits (rare: only look at them) ---
    other = ~digits16 & ~upper_empty
    rule[upper_empty] = f"{pre}_KOSONG"
    status[upper_empty] = _KOSONG
    if other.any():
        o = raw[other]
        sci = o.str.fullmatch(_SCI).fillna(False).to_numpy(dtype=bool)
        dot0 = o.str.fullmatch(_DOT0).fillna(False).to_numpy(dtype=bool)
        dec = o.str.fullmatch(_DEC).fillna(False).to_numpy(dtype=bool) & ~dot0
        alldig = o.str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
        idx = np.flatnonzero(other)
        r = np.where(sci, f"{pre}_EXCEL_SCI",
             np.where(dot0, f"{pre}_TRAILING_DOT0",
              np.where(dec, f"{pre}_EXCEL_DESIMAL",
               np.where(alldig, f"{pre}_PANJANG_SALAH", f"{pre}_BUKAN_ANGKA")))).astype(object)
        st = np.where(sci | dec, _RUSAK_EXCEL, np.where(dot0, _VALID, _TIDAK_VALID)).astype(np.int8)
        rule[idx] = r
        status[idx] = st
        if dot0.any():
            fixed = o[dot0].str.slice(0, 16)
            value.iloc[idx[dot0]] = fixed.to_numpy()
            digits16[idx[dot0]] = True
    return value, digits16, rule, status


def _structure(s: pd.Series, kind: str, reference_year: int = REFERENCE_YEAR):
    """Shared core for NIK and No. KK. Returns (digits, status, rule, valid, extra) — all positional arrays;
    `status` as int8 positions in STATUSES (an object array of 4 M literals cost more to fill, compare and
    turn into a Categorical than the checks themselves)."""
    n = len(s)
    pre = "NIK" if kind == "nik" else "KK"
    value, digits16, rule, status = _shape_checks(s, pre)

    # --- structural checks on the 16-digit values, on a fixed-width (m, 16) byte matrix ---
    # (values of 16 non-ASCII digits — possible, `\\d` is Unicode — go through the text path)
    ascii16 = digits16.copy()
    if digits16.any():
        ascii16[digits16] = value[digits16].str.isascii().to_numpy(dtype=bool)
    other16 = digits16 & ~ascii16
    dig = _digit_matrix(value, ascii16)
    o16 = value[other16] if other16.any() else None

    def two(j: int) -> np.ndarray:
        """Digits j, j+1 as an int per row; -1 where the value is not 16 digits."""
        out = np.full(n, -1, dtype=np.int64)
        out[ascii16] = dig[:, j].astype(np.int64) * 10 + dig[:, j + 1] - 528   # 528 = 11 * ord("0")
        if o16 is not None:
            out[other16] = _to_int(o16.str.slice(j, j + 2))
        return out

    def text_is(j: int, k: int, lit: str) -> np.ndarray:
        """value[j:k] == lit on the 16-digit rows (as the string comparison it replaces)."""
        out = np.zeros(n, dtype=bool)
        ref = np.frombuffer(lit.encode("ascii"), dtype=np.uint8)
        width = k - j
        if width in (2, 4, 8) and j % width == 0 and dig.flags.c_contiguous:
            # the aligned digit group as one uint16/32/64 word per row: one comparison instead of `width`
            # plus an all() over a strided (m, width) slice
            word = np.dtype(f"u{width}")
            out[ascii16] = dig.view(word)[:, j // width] == ref.view(word)[0]
        else:
            out[ascii16] = (dig[:, j:k] == ref).all(axis=1)
        if o16 is not None:
            out[other16] = (o16.str.slice(j, k) == lit).to_numpy(dtype=bool)
        return out

    prov = np.full(n, -1, dtype=np.int64)
    prov[ascii16] = two(0)[ascii16]
    bad_prov = ascii16 & ~np.isin(prov, _PROVINCE_INTS)
    if o16 is not None:
        bad_prov[other16] = ~o16.str.slice(0, 2).isin(PROVINCES).to_numpy(dtype=bool)
    kab00 = digits16 & text_is(2, 4, "00")
    kec00 = digits16 & text_is(4, 6, "00")
    extra: dict[str, np.ndarray] = {}
    checks = [(bad_prov, f"{pre}_PROV_TIDAK_DIKENAL"), (kab00, f"{pre}_KABKOTA_00"), (kec00, f"{pre}_KEC_00")]
    if kind == "nik":
        dd = two(6)
        mm = two(8)
        yy = two(10)
        female = dd > 40
        day = np.where(female, dd - 40, dd)
        century = np.where(2000 + yy <= reference_year, 2000, 1900)
        year = century + yy
        date_ok = digits16 & (mm >= 1) & (mm <= 12) & (day >= 1) & (day <= _days_in_month(year, mm))
        serial0 = digits16 & text_is(12, 16, "0000")
        checks += [(digits16 & ~date_ok, "NIK_TANGGAL_TIDAK_VALID"), (serial0, "NIK_SERIAL_0000")]
        extra.update(female=female, day=day, month=mm, yy=yy, year=year, date_ok=date_ok)
    bad_any = np.zeros(n, dtype=bool)
    first_rule = np.full(n, None, dtype=object)
    for mask, rid in reversed(checks):  # first listed wins
        first_rule[mask] = rid
        bad_any |= mask
    # a repaired .0 value that then fails structure reports the structural problem
    rule = np.where(bad_any, first_rule, rule)
    status[bad_any] = _TIDAK_VALID
    valid = status == _VALID
    extra["checks"] = checks
    extra["repaired"] = valid & (rule == f"{pre}_TRAILING_DOT0")
    out_value = value.where(pd.Series(valid, index=value.index))
    return out_value, status, rule, valid, extra


def _sex_column(sex: pd.Series) -> np.ndarray:
    """'L' / 'P' / None from 1/2, L/P, Laki-laki/Perempuan — decided once per distinct spelling (a column of
    4 M members holds a handful) and broadcast back; NA → None."""
    code, spelling = pd.factorize(sex.astype("str"), use_na_sentinel=True)
    s = _norm(pd.Series(spelling, dtype="str")).str.upper()
    label = np.full(len(s) + 1, None, dtype=object)          # the last entry: NA (code -1)
    label[:-1][s.isin(["1", "L", "LK", "LAKI-LAKI", "LAKI LAKI", "PRIA", "1.0"]).to_numpy(dtype=bool)] = "L"
    label[:-1][s.isin(["2", "P", "PR", "PEREMPUAN", "WANITA", "2.0"]).to_numpy(dtype=bool)] = "P"
    return label[code]


def _validate_arrays(s: pd.Series, sex: pd.Series | None = None, birth: pd.Series | None = None,
                     *, reference_year: int = REFERENCE_YEAR) -> dict:
    """The core of `validate_series` as positional arrays (index reset): `nik` (text Series, NA where not
    valid), `status` (Categorical), `aturan`, `jenis_kelamin`, `aturan_jk`, `aturan_tgl` (object arrays,
    None where nothing applies), `tanggal_lahir`, `valid`. The cleaner uses these directly: wrapping 4 M
    rules as text columns and unwrapping them again cost more than the checks themselves."""
    value, status, rule, valid, ex = _structure(s.reset_index(drop=True), "nik", reference_year)
    n = len(value)
    jk = np.where(valid, np.where(ex["female"], "P", "L"), None).astype(object)
    aturan_jk = np.full(n, None, dtype=object)
    aturan_tgl = np.full(n, None, dtype=object)
    if sex is not None:
        sx = _sex_column(sex.reset_index(drop=True))
        differ = valid & (sx != None) & (sx != jk)  # noqa: E711 (elementwise)
        aturan_jk[differ] = "NIK_JK_BEDA"
    if birth is not None:
        b = pd.to_datetime(pd.Series(birth).reset_index(drop=True), errors="coerce")
        has = b.notna().to_numpy()
        bday = b.dt.day.fillna(0).to_numpy(dtype=np.int64)
        bmon = b.dt.month.fillna(0).to_numpy(dtype=np.int64)
        byy = (b.dt.year.fillna(0).to_numpy(dtype=np.int64)) % 100
        differ = valid & has & ((bday != ex["day"]) | (bmon != ex["month"]) | (byy != ex["yy"]))
        aturan_tgl[differ] = "NIK_TGL_BEDA"
    return {"nik": value.astype("str"), "status": _status_categorical(status), "aturan": rule,
            "jenis_kelamin": jk, "tanggal_lahir": _make_dates(ex["year"], ex["month"], ex["day"], valid),
            "aturan_jk": aturan_jk, "aturan_tgl": aturan_tgl, "valid": valid}


def _status_categorical(status: np.ndarray) -> pd.Categorical:
    """The status Categorical (categories STATUSES) from `_structure`'s int8 positions."""
    return pd.Categorical.from_codes(status, categories=STATUSES)


def validate_series(s: pd.Series, sex: pd.Series | None = None, birth: pd.Series | None = None,
                    *, reference_year: int = REFERENCE_YEAR) -> pd.DataFrame:
    """Validate a column of NIKs (vectorised). Index is preserved.

    `sex`: the member's own sex column (1/2 or L/P); `birth`: the member's birth dates as datetime64
    (e.g. from `kemiskinan.domain.codes.parse_dates`). When given, disagreement is reported in `aturan_jk` /
    `aturan_tgl` (the NIK is kept: which of the two is wrong cannot be known).

    Columns: nik (16 digits or NA), status (category), aturan (first rule that fired or NA;
    ``NIK_TRAILING_DOT0`` on valid repaired values), jenis_kelamin ('L'/'P'), tanggal_lahir, prov,
    kabkota, kecamatan (prefixes as digits), aturan_jk, aturan_tgl.
    """
    r = _validate_arrays(s, sex, birth, reference_year=reference_year)
    valid = pd.Series(r["valid"])
    v = r["nik"].fillna("")
    out = pd.DataFrame({
        "nik": r["nik"],
        "status": r["status"],
        "aturan": pd.array(r["aturan"], dtype="str"),
        "jenis_kelamin": pd.array(r["jenis_kelamin"], dtype="str"),
        "tanggal_lahir": r["tanggal_lahir"],
        "prov": v.str.slice(0, 2).where(valid),
        "kabkota": v.str.slice(0, 4).where(valid),
        "kecamatan": v.str.slice(0, 6).where(valid),
        "aturan_jk": pd.array(r["aturan_jk"], dtype="str"),
        "aturan_tgl": pd.array(r["aturan_tgl"], dtype="str"),
    })
    out.index = s.index
    return out


def _validate_kk_arrays(s: pd.Series) -> dict:
    """The core of `validate_kk_series` as positional arrays (see `_validate_arrays`)."""
    value, status, rule, valid, _ = _structure(s.reset_index(drop=True), "kk")
    return {"no_kk": value.astype("str"), "status": _status_categorical(status), "aturan": rule, "valid": valid}


def validate_kk_series(s: pd.Series) -> pd.DataFrame:
    """Validate a column of No. KK (16 digits, plausible wilayah prefix). Columns: no_kk, status, aturan."""
    r = _validate_kk_arrays(s)
    out = pd.DataFrame({"no_kk": r["no_kk"], "status": r["status"], "aturan": pd.array(r["aturan"], dtype="str")})
    out.index = s.index
    return out


def parse(value: object, *, sex: object = None, birth_date: object = None,
          reference_year: int = REFERENCE_YEAR) -> NikInfo:
    """Validate one NIK. Accepts text or an Excel number; `sex`/`birth_date` are optional cross-checks.

    >>> parse("6474014708800001").sex
    'P'
    """
    problems: list[str] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text, r = cell_to_text(value)
        if r == "NIK_EXCEL_PRESISI":
            return NikInfo(None, False, "rusak_excel", ("NIK_EXCEL_PRESISI",), None, None, None, None, None, None)
        if r:
            problems.append(r)
        value = text
    s = pd.Series(["" if value is None else str(value)], dtype="str")
    sx = pd.Series([sex], dtype="object").astype("str") if sex is not None else None
    bd = None
    if birth_date is not None:
        if isinstance(birth_date, str):
            bd = parse_dates(pd.Series([birth_date]))[0]
        else:
            bd = pd.Series([pd.Timestamp(birth_date)])
    r = validate_series(s, sex=sx, birth=bd, reference_year=reference_year).iloc[0]
    for col in ("aturan", "aturan_jk", "aturan_tgl"):
        if isinstance(r[col], str):
            problems.append(r[col])
    status = str(r["status"])
    nik = r["nik"] if isinstance(r["nik"], str) else None
    birth = r["tanggal_lahir"].date() if pd.notna(r["tanggal_lahir"]) else None
    wil = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}" if nik else None
    valid = status == "valid" and not any(p in ("NIK_JK_BEDA", "NIK_TGL_BEDA") for p in problems)
    return NikInfo(nik, valid, status, tuple(problems),
                   r["jenis_kelamin"] if isinstance(r["jenis_kelamin"], str) else None, birth,
                   nik[:2] if nik else None, nik[:4] if nik else None, nik[:6] if nik else None, wil)
