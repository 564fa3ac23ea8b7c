"""Small vectorised helpers: draws by group, ranks within keys, and pyarrow string columns.

No Python loop per household or per person: numpy for numbers, pyarrow.compute for strings. `rng` is always
the caller's `numpy.random.Generator`, so the number and order of draws is the caller's to keep.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def pick(rng, group, probs, codes=None) -> np.ndarray:
    """Row i draws a category from probs[group[i]] — inverse CDF, one searchsorted for all groups.

    The per-group CDFs are laid end to end as g + cdf_g (non-decreasing), so `group + u` finds its
    category inside its own group's block without any loop over groups or rows.
    """
    probs = np.asarray(probs, dtype=float)
    n = len(group)
    if probs.ndim == 1:
        probs = probs[None, :]
    k = probs.shape[1]
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    u = rng.random(n)
    if len(probs) == 1:
        out = np.searchsorted(cum[0], u, side="right")
    else:
        g = np.asarray(group, dtype=np.int64)
        flat = (np.arange(len(probs))[:, None] + cum).ravel()
        out = np.searchsorted(flat, g + u, side="right") - g * k
    out = np.minimum(out, k - 1).astype(np.int16)
    return np.asarray(codes)[out] if codes is not None else out


def yes(rng, group, p_by_group) -> np.ndarray:
    return rng.random(len(group)) < np.asarray(p_by_group)[group]


def cumcount(key: np.ndarray) -> np.ndarray:
    """Rank of each element among equal keys, in original order (pandas cumcount without pandas)."""
    order = np.argsort(key, kind="stable")
    ks = key[order]
    start = np.ones(len(ks), dtype=bool)
    start[1:] = ks[1:] != ks[:-1]
    idx = np.arange(len(ks))
    first = np.maximum.accumulate(np.where(start, idx, 0))
    out = np.empty(len(ks), dtype=np.int64)
    out[order] = idx - first
    return out


def largest_remainder(total: int, weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = total - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def starts(counts: np.ndarray) -> np.ndarray:
    """Index of the first element of each block, for blocks of the given sizes laid end to end."""
    s = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=s[1:])
    return s


def as_str(values) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def take_str(strings, idx) -> pa.Array:
    return pa.array(strings, type=pa.string()).take(pa.array(idx))


def join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def nullable(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(values, mask=~valid)


def sample_idx(rng, mask: np.ndarray, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    cand = np.flatnonzero(mask if exclude is None else (mask & ~exclude))
    n = min(n, len(cand))
    return np.sort(rng.choice(cand, size=n, replace=False)) if n else np.zeros(0, dtype=np.int64)


def with_mask(arr: pa.Array, idx: np.ndarray, fn) -> pa.Array:
    """Replace arr[idx] by fn(arr[idx]) — the dirt helper: only the few chosen rows are recomputed."""
    if len(idx) == 0:
        return arr
    return pc.replace_with_mask(arr, pa.array(mask_of(len(arr), idx)), fn(arr.take(pa.array(idx))))


def mask_of(n: int, idx: np.ndarray) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[idx] = True
    return m


def ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of datetime64[D] values."""
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return y, m, (d - d.astype("datetime64[M]")).astype(np.int64) + 1
