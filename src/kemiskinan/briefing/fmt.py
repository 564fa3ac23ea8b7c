"""Indonesian (and English) number, money and date formatting for briefings, tables and charts.

Every number a reader sees goes through here, so a Lurah never sees `5,527` (which reads as five point
five in Indonesian) and a suppressed cell never turns into a misleading `0`. Babel supplies the
locale rules; this module only fixes the house choices (one decimal for percentages, a space before
`%`, `Rp` with a space, compact `juta`/`miliar`/`triliun` for large sums).
"""
from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache
from numbers import Number
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, parse_pattern

NA = "\u2013"  # en dash: "no value" — deliberately not 0, not empty
SUPPRESSED_MARK = "*"
LOCALES = {"id": "id_ID", "en": "en_US"}

_SUPPRESSED_WORD = {"id": "ditekan", "en": "suppressed"}


@lru_cache(maxsize=4)
def locale(lang: str = "id") -> Locale:
    """The Babel locale for a briefing language ("id" or "en"); raises ValueError for anything else."""
    try:
        return Locale.parse(LOCALES[lang])
    except KeyError:
        raise ValueError(f"bahasa tidak dikenal: {lang!r} (pakai 'id' atau 'en')") from None


@lru_cache(maxsize=16)
def _pattern(desimal: int):
    """The parsed Babel number pattern "#,##0[.00…]": parsing it is most of a `format_decimal` call,
    and a briefing formats ~600 numbers with three patterns (Babel accepts the parsed object)."""
    return parse_pattern("#,##0" + ("." + "0" * desimal if desimal > 0 else ""))


def is_na(x: Any) -> bool:
    """True for None, NaN, pandas NA/NaT — every way a missing value reaches us from a DataFrame."""
    if x is None:
        return True
    try:
        import pandas as pd  # local: fmt is imported by light modules too

        if x is pd.NA or x is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, Number):
        try:
            return math.isnan(float(x))  # numpy floats, Decimal('NaN')
        except (TypeError, ValueError, OverflowError):
            return False
    return False


def kosong(lang: str = "id", ditekan: bool = False) -> str:
    """What an empty cell shows: "–", or "–*" when it was suppressed for privacy (footnote explains)."""
    locale(lang)
    return NA + SUPPRESSED_MARK if ditekan else NA


def catatan_ditekan(lang: str = "id", ambang: int | None = None) -> str:
    """The footnote that explains the suppression mark (ambang = the small-cell threshold, if known)."""
    if lang == "en":
        cut = f" (fewer than {ambang})" if ambang else ""
        return f"{NA}{SUPPRESSED_MARK} {_SUPPRESSED_WORD['en']}: count too small to show{cut}, to protect privacy."
    cut = f" (kurang dari {ambang})" if ambang else ""
    return f"{NA}{SUPPRESSED_MARK} {_SUPPRESSED_WORD['id']}: jumlah terlalu kecil untuk ditampilkan{cut}, demi kerahasiaan."


def angka(x: Any, lang: str = "id", desimal: int = 0, ditekan: bool = False, tanda: bool = False) -> str:
    """A count or plain number: 5527 → "5.527" (id) / "5,527" (en); NA → "–"; suppressed → "–*".

    `tanda=True` prefixes "+" on positive numbers (for net changes such as MPM perubahan bersih).
    """
    loc = locale(lang)
    if ditekan or is_na(x):
        return kosong(lang, ditekan)
    s = format_decimal(float(x) if desimal else round(float(x)), format=_pattern(desimal), locale=loc)
    if tanda and float(x) > 0:
        s = "+" + s
    return s


def persen(x: Any, lang: str = "id", desimal: int = 1, rasio: bool = True, ditekan: bool = False) -> str:
    """A share: 0.8013 → "80,1 %" (id) / "80.1 %" (en). `rasio=False` when x is already in percent
    (BPS P0 5.06 → "5,06 %" with desimal=2)."""
    loc = locale(lang)
    if ditekan or is_na(x):
        return kosong(lang, ditekan)
    value = float(x) * (100.0 if rasio else 1.0)
    # A plain space (the documented "80,1 %"): other modules and tests compare against it; table cells
    # are `white-space: nowrap` in the stylesheet so the "%" never wraps away from its number there.
    return format_decimal(value, format=_pattern(desimal), locale=loc) + " %"


def rupiah(x: Any, lang: str = "id", ditekan: bool = False) -> str:
    """Money in rupiah: 110000 → "Rp 110.000"; 1.2e9 → "Rp 1,2 miliar" (en "Rp 1.2 billion").

    Sums from one million up are written compactly because budget readers think in juta/miliar.
    """
    loc = locale(lang)
    if ditekan or is_na(x):
        return kosong(lang, ditekan)
    v = float(x)
    if abs(v) >= 1_000_000:
        body = format_compact_decimal(v, format_type="long", fraction_digits=1, locale=loc)
    else:
        body = format_decimal(round(v), format=_pattern(0), locale=loc)
    return "Rp\u00a0" + body


def _as_date(d: Any) -> _dt.date | None:
    if is_na(d):
        return None
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if hasattr(d, "to_pydatetime"):  # pandas Timestamp
        return d.to_pydatetime().date()
    if isinstance(d, str):
        return _dt.date.fromisoformat(d[:10])
    raise TypeError(f"bukan tanggal: {d!r}")


def tanggal(d: Any, lang: str = "id", bentuk: str = "panjang") -> str:
    """A date: 2018-05-31 → "31 Mei 2018" (en "31 May 2018"); bentuk="bulan" → "Mei 2018"; NA → "–"."""
    loc = locale(lang)
    day = _as_date(d)
    if day is None:
        return NA
    pattern = {"panjang": "d MMMM y", "bulan": "MMMM y", "pendek": "d MMM y"}[bentuk]
    return format_date(day, format=pattern, locale=loc)


def desimal(x: Any, lang: str = "id", digit: int = 2, ditekan: bool = False) -> str:
    """A plain decimal with a fixed number of digits (indices such as P1 0,92)."""
    return angka(x, lang, desimal=digit, ditekan=ditekan)


MINUS = "\u2212"  # the minus sign: "−317" reads as a change, a hyphen "-317" as a dash or a range


def selisih(x: Any, lang: str = "id", desimal: int = 0) -> str:
    """A change between two periods: +317, −317 (true minus sign), 0; NA → "–"."""
    if is_na(x):
        return kosong(lang)
    v = float(x)
    body = angka(abs(v), lang, desimal=desimal)
    if body.strip("0,.") == "":  # rounds to zero: no sign
        return body
    return ("+" if v > 0 else MINUS) + body


def selisih_poin(a: Any, b: Any, lang: str = "id", desimal: int = 1) -> str:
    """The change from share `a` to share `b` (ratios) in percentage points: 0.801 → 0.864 gives "+6,3"
    (the caller adds the unit word from `i18n`, "poin"/"points"); NA when either is missing."""
    if is_na(a) or is_na(b):
        return kosong(lang)
    return selisih((float(b) - float(a)) * 100.0, lang, desimal=desimal)
