"""Foster–Greer–Thorbecke poverty measures for expenditure microdata (Susenas and the like).

BDT has no consumption, so P0/P1/P2 cannot come from it (docs/domain.md §4.1); this module is for an analyst
who has a survey file with per-capita expenditure and weights. Results are **fractions** (0–1); BPS
publishes P0 in percent and P1/P2 as indices ×100 (docs/domain.md §4.1), the briefing converts.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kemiskinan.errors import CheckError

# Tolerance for comparing the three measures: they are sums of the same weights, so they only differ
# through floating-point rounding when the gaps are all 1 (zero expenditure).
_EPS = 1e-12


def _validate(expenditure, poverty_line, weights):
    y = np.asarray(expenditure, dtype="float64").ravel()
    if y.size == 0:
        raise CheckError("fgt: pengeluaran kosong (tidak ada observasi)")
    bad = ~np.isfinite(y)
    if bad.any():
        raise CheckError(f"fgt: pengeluaran berisi NaN/inf pada indeks {np.flatnonzero(bad)[:20].tolist()}")
    if (y < 0).any():
        raise CheckError(f"fgt: pengeluaran negatif pada indeks {np.flatnonzero(y < 0)[:20].tolist()}")
    z = np.asarray(poverty_line, dtype="float64")
    if z.ndim == 0:
        z = np.full_like(y, float(z))
    else:  # a line per observation (spatially varying lines, as sepov/apoverty allow)
        z = z.ravel()
        if z.size != y.size:
            raise CheckError(f"fgt: garis kemiskinan per observasi harus {y.size} nilai, bukan {z.size}")
    if not np.isfinite(z).all() or (z <= 0).any():
        raise CheckError(f"fgt: garis kemiskinan harus positif dan berhingga, bukan {np.unique(z)[:5].tolist()}")
    if weights is None:
        w = np.ones_like(y)
    else:
        w = np.asarray(weights, dtype="float64").ravel()
        if w.size != y.size:
            raise CheckError(f"fgt: bobot harus {y.size} nilai, bukan {w.size}")
        if not np.isfinite(w).all():
            raise CheckError(f"fgt: bobot berisi NaN/inf pada indeks {np.flatnonzero(~np.isfinite(w))[:20].tolist()}")
        if (w < 0).any():
            raise CheckError(f"fgt: bobot negatif pada indeks {np.flatnonzero(w < 0)[:20].tolist()}")
    if not w.sum() > 0:
        raise CheckError("fgt: jumlah bobot harus > 0")
    return y, z, w


def fgt(expenditure, poverty_line, alpha: float, weights=None) -> float:
    """Weighted FGT index ``P_α = Σ w_i·1[y_i < z]·((z − y_i)/z)^α / Σ w_i`` as a fraction.

    A person is poor when expenditure is **strictly** below the line (BPS: "di bawah garis
    kemiskinan"). `poverty_line` is a scalar or one line per observation; `alpha` ≥ 0 (0 = headcount
    P0, 1 = poverty gap P1, 2 = severity P2). Raises CheckError on NaN, negative expenditure or weights,
    a non-positive line or weights summing to 0.
    """
    a = float(alpha)
    if not np.isfinite(a) or a < 0:
        raise CheckError(f"fgt: alpha harus ≥ 0, bukan {alpha!r}")
    y, z, w = _validate(expenditure, poverty_line, weights)
    poor = y < z
    gap = np.where(poor, (z - y) / z, 0.0)
    # 0**0 is 1 in numpy, so mask explicitly: the non-poor contribute 0 for every alpha.
    contrib = np.where(poor, gap ** a, 0.0)
    return float(np.sum(w * contrib) / np.sum(w))


def check_fgt(p0: float, p1: float, p2: float) -> None:
    """Raise CheckError unless 0 ≤ P2 ≤ P1 ≤ P0 ≤ 1 (all fractions; gaps lie in (0, 1])."""
    vals = {"P0": p0, "P1": p1, "P2": p2}
    for k, v in vals.items():
        if v is None or not np.isfinite(v):
            raise CheckError(f"check_fgt: {k} bukan angka: {v!r}")
    if not (-_EPS <= p2 <= p1 + _EPS and p1 <= p0 + _EPS and p0 <= 1 + _EPS):
        raise CheckError(f"check_fgt: harus 0 ≤ P2 ≤ P1 ≤ P0 ≤ 1, didapat P0={p0!r}, P1={p1!r}, P2={p2!r}")


def fgt_all(expenditure, poverty_line, weights=None) -> dict[str, float]:
    """P0, P1, P2 for one line, checked with `check_fgt`."""
    out = {f"P{a}": fgt(expenditure, poverty_line, a, weights) for a in (0, 1, 2)}
    check_fgt(out["P0"], out["P1"], out["P2"])
    return out


def check_p0_monotone(expenditure, lines: Sequence[float], weights=None) -> list[float]:
    """P0 over a grid of lines; raises CheckError if it ever decreases as the line rises.

    Returns the P0 values in the order of the sorted lines. Mathematically guaranteed — the check guards
    the implementation (and any future change to the "strictly below" rule).
    """
    grid = sorted(float(z) for z in lines)
    p0 = [fgt(expenditure, z, 0, weights) for z in grid]
    for i in range(1, len(grid)):
        if p0[i] < p0[i - 1] - _EPS:
            raise CheckError(f"check_p0_monotone: P0 turun dari {p0[i-1]!r} (garis {grid[i-1]!r}) "
                             f"ke {p0[i]!r} (garis {grid[i]!r})")
    return p0
