"""Array helpers on text keys (IDs, codes, names): digit checks, lengths, dictionary codes, sorted ranks,
positions in an index — done by arrow/numpy kernels instead of one Python string per row."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kemiskinan.domain import codes

def _ascii_digits(s: pd.Series) -> np.ndarray:
    """Mask of the values that are a non-empty run of ASCII digits (arrow kernels; NA → False)."""
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    arr = codes.arrow_text(s)
    if arr is None:
        return s.astype("str").str.fullmatch(r"[0-9]+").fillna(False).to_numpy(dtype=bool)
    ok = pc.and_(pc.greater(pc.binary_length(arr), 0), pc.ascii_is_decimal(arr))
    return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)


def _lengths(s: pd.Series) -> np.ndarray:
    """Character length of each value (0 for NA), as int64."""
    arr = codes.arrow_text(s)
    if arr is None:
        return s.astype("str").str.len().fillna(0).to_numpy(dtype=np.int64)
    return np.asarray(pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _norm_text(s: pd.Series) -> pd.Series:
    """Whitespace runs → one space, trimmed, upper case (the comparison form for duplicate detection)."""
    s = s.astype("str").fillna("")
    arr = pa.chunked_array(s.array._pa_array)
    # ASCII values in C (Python's `\s` on ASCII is exactly [ \t\n\r\f\v]); the others keep Python's re
    out = pd.Series(pd.array(pc.replace_substring_regex(arr, "[ \t\n\r\f\v]+", " "), dtype="str"), index=s.index)
    other = ~pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    if other.any():
        out[other] = s[other].str.replace(r"\s+", " ", regex=True)
    return out.str.strip().str.upper()


def _starts_with(longer: pd.Series, prefix: pd.Series) -> np.ndarray:
    """Row-wise: `longer` starts with `prefix` and is longer than it (NA → False). Vectorised per distinct
    prefix length (a file has one or two), so no Python string per row."""
    al, ap = codes.arrow_text(longer), codes.arrow_text(prefix)
    if al is not None and ap is not None and len(ap) and not ap.null_count:
        mm = pc.min_max(pc.utf8_length(ap)).as_py()
        if mm["min"] == mm["max"]:   # one prefix length (the usual case): three arrow kernels
            k = mm["min"]
            ok = pc.and_(pc.greater(pc.utf8_length(al), k),
                         pc.equal(pc.utf8_slice_codeunits(al, 0, k), ap.cast(pa.large_string()).cast(al.type)))
            return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)
    ln, lp = _lengths(longer), _lengths(prefix)
    out = np.zeros(len(longer), dtype=bool)
    ok = longer.notna().to_numpy(dtype=bool) & prefix.notna().to_numpy(dtype=bool) & (ln > lp)
    for k in np.unique(lp[ok]):
        m = ok & (lp == k)
        whole = bool(m.all())        # the usual case, one length: no filtered copies of 4 M IDs
        la = longer.array if whole else longer.array[m]
        pa_ = prefix.array if whole else prefix.array[m]
        head = pd.Series(la, dtype="str").str.slice(0, int(k))
        out[m] = (head == pd.Series(pa_, dtype="str", index=head.index)).fillna(False).to_numpy(dtype=bool)
    return out


def _string_rank(values: pd.Index) -> np.ndarray:
    """Rank of each distinct text value in sorted (code point) order — what `sort_values` orders by."""
    arr = values.array._pa_array if isinstance(values.array, pd.arrays.ArrowStringArray) \
        else pa.array(values.to_numpy(dtype=object))
    order = pc.sort_indices(arr).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _sorted_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, -1 for NA; the distinct values as a text Index in text order): each row's rank among
    the distinct values of `s` as `sort_values` orders text. IDs that are digits of one length sort as their
    integers: ranked by numpy's stable argsort of the int64 values (cheaper than dictionary-encoding the
    text and sorting the dictionary); anything else that way."""
    present = np.flatnonzero(s.notna().to_numpy(dtype=bool))
    ints = codes.digit_ints(s.iloc[present])
    if ints is None:
        c, v = _text_codes(s)
        rank = _string_rank(v)
        by_rank = np.empty(len(v), dtype=np.int64)
        by_rank[rank] = np.arange(len(v))
        return np.where(c >= 0, rank[np.maximum(c, 0)], -1), pd.Index(v.array.take(by_rank), dtype="str")
    order = np.argsort(ints[0], kind="stable")
    v = ints[0][order]
    start = np.r_[True, v[1:] != v[:-1]] if len(v) else np.zeros(0, dtype=bool)
    out = np.full(len(s), -1, dtype=np.int64)
    out[present[order]] = np.cumsum(start) - 1
    return out, pd.Index(s.array.take(present[order[start]]), dtype="str")


def _text_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, -1 for NA; the distinct values as a text Index, in order of first appearance) —
    `pd.factorize` for a text column, done by arrow's dictionary encoder when the column is arrow text."""
    if s.dtype == "str" and isinstance(s.array, pd.arrays.ArrowStringArray):
        d = pc.dictionary_encode(pa.chunked_array(s.array._pa_array).combine_chunks())
        idx = d.indices if d.null_count == 0 else pc.fill_null(d.indices, -1)
        return idx.to_numpy(zero_copy_only=False).astype(np.int64), \
            pd.Index(pd.arrays.ArrowStringArray(d.dictionary), dtype="str")
    c, u = pd.factorize(s, use_na_sentinel=True)
    return c.astype(np.int64), pd.Index(u, dtype="str")


def _row_codes(columns: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, first row of each code) for the combinations of values of `columns` (text without
    NA): what `pd.factorize(pd.MultiIndex.from_frame(...))` gives, codes in order of first appearance.
    Each column is dictionary-encoded by arrow and the codes are folded in column by column, re-numbered
    after each step so the combined key never outgrows the row count (no int64 overflow)."""
    n = len(columns[0]) if columns else 0
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        c, values = _text_codes(col)
        key, _ = pd.factorize(key * (len(values) + 1) + (c + 1))
        key = key.astype(np.int64, copy=False)
    if n == 0:
        return key, np.zeros(0, dtype=np.intp)
    # codes appear in order (pd.factorize): a row starts a code where the code exceeds all before it
    new = np.r_[True, key[1:] > np.maximum.accumulate(key)[:-1]]
    return key, np.flatnonzero(new)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """`np.unique(a)` for integers by sorting (numpy's `unique` hashes, far slower on millions of int64)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


_positions = codes.positions   # position of each value in a unique text Index (-1: missing or NA)


def _take(values: pd.Series, pos: np.ndarray, index: pd.Index) -> pd.Series:
    """`s.map(values)` given `pos = _positions(s, values.index)` (what `map` does after its indexer)."""
    return pd.Series(values.array.take(pos.astype(np.intp), allow_fill=True), index=index)
