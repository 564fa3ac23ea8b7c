"""Shared pieces of the indicator code: wilayah expansion, tallies, suppression, sanity checks.

Every wilayah-level table is built the same way: each unit (rumah tangga, keluarga, jiwa, KKS row …) is
copied once per level (kota, kecamatan, kelurahan, RT) with that level's `kode_wilayah`, then grouped.
Doing it in one place is what makes "kecamatan sums = kota sums" true by construction — and the checks
below still verify it, because a unit with a wrong code would silently break it.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from functools import lru_cache

import numpy as np
import pandas as pd

from kemiskinan.domain import wilayah
from kemiskinan.domain.codes import map_unique
from kemiskinan.errors import CheckError

LEVELS: tuple[str, ...] = ("kota", "kecamatan", "kelurahan", "rt")
LEVELS_NO_RT: tuple[str, ...] = ("kota", "kecamatan", "kelurahan")
KOTA = wilayah.KOTA_CODE

#: The wilayah the indicators are computed for: None = Kota Bontang (kemiskinan.domain.wilayah); otherwise a
#: tuple of `wilayah.Wilayah` for one kab/kota (the kota row, its kecamatan and kelurahan), set by
#: `compute_all(..., wilayah=)` for province-scale runs. A context variable, not a module global, so
#: `compute_by_kabkota` can compute two kab/kota at once in two threads (each thread has its own value).
_REF: ContextVar[tuple | None] = ContextVar("kemiskinan_indicator_wilayah", default=None)


def _ref() -> tuple | None:
    return _REF.get()


def _all_wilayah() -> tuple:
    ref = _ref()
    return wilayah.all_wilayah() if ref is None else ref


def _kelurahan() -> list:
    ref = _ref()
    return wilayah.kelurahan() if ref is None else [w for w in ref if w.tingkat == "kelurahan"]


def kota_code() -> str:
    ref = _ref()
    return KOTA if ref is None else next(w.kode for w in ref if w.tingkat == "kota")

KELOMPOK_DESIL: tuple[str, ...] = ("1", "2", "3", "4", "4+", "non-desil")

# Programme label -> (clean column, unit). KKS comes from the 2017 distribution list at keluarga level
# (the card is issued per keluarga); the others only exist as Blok V flags of the 2015 household record.
PROGRAMS: tuple[str, ...] = ("KKS", "PKH", "KIS/PBI", "KIP", "Rastra/BPNT")
PROGRAM_FLAG = {"KKS": "sta_kks", "PKH": "sta_pkh", "KIS/PBI": "sta_kis", "KIP": "sta_kip",
                "Rastra/BPNT": "sta_raskin"}

# Sort orders for the non-wilayah keys, so row order is deterministic and readable.
_ORDER: dict[str, Sequence[str]] = {
    "tingkat": LEVELS,
    "kelompok_desil": (*KELOMPOK_DESIL, "1-4", "tidak_di_bdt", "semua"),
    "satuan": ("rumah_tangga", "keluarga", "jiwa"),
    "program": PROGRAMS,
    "kelompok": ("D1-D2", "D3-D4", "semua"),
}


# ----------------------------------------------------------------------------------------------------
# wilayah
# ----------------------------------------------------------------------------------------------------
def rt_code(kode_kelurahan: pd.Series, rt: pd.Series) -> pd.Series:
    """RT-level `kode_wilayah`: the kelurahan's Kemendagri code + "." + the 3-digit RT number.

    RTs have no Kemendagri code; this form sorts right under its kelurahan and is unambiguous.
    """
    return (kode_kelurahan.astype("string") + "." + rt.astype("string")).astype("string")


def wilayah_universe(levels: Iterable[str] = LEVELS_NO_RT) -> pd.DataFrame:
    """kode_wilayah, tingkat, nama for kota, kecamatan and kelurahan from the reference table."""
    return _universe(tuple(levels), _ref()).copy()


@lru_cache(maxsize=64)
def _universe(levels: tuple[str, ...], ref: tuple | None) -> pd.DataFrame:
    ws = wilayah.briefing_wilayah() if ref is None else \
        [w for t in ("kota", "kecamatan", "kelurahan") for w in ref if w.tingkat == t]
    rows = [(w.kode, w.tingkat, w.nama) for w in ws if w.tingkat in set(levels)]
    return pd.DataFrame(rows, columns=["kode_wilayah", "tingkat", "nama"]).astype(
        {"kode_wilayah": "string", "tingkat": "string", "nama": "string"})


def map_small(s: pd.Series, mapping, dtype: str = "string") -> pd.Series:
    """`s.map(mapping)` computed once per distinct value (codes columns have few of them), same index.

    `mapping` is a dict or a function of one (non-missing) value; missing values map to NA.
    """
    return map_unique(s, mapping.get if isinstance(mapping, dict) else mapping, dtype)


def kecamatan_of(kode_kelurahan: pd.Series) -> pd.Series:
    """Kemendagri kecamatan code of each kelurahan, through the reference table (never by slicing)."""
    parent = {w.kode: w.induk for w in _kelurahan()}
    codes, uniques = pd.factorize(kode_kelurahan.astype("string"), use_na_sentinel=True)
    unknown = sorted(set(str(u) for u in uniques) - set(parent))
    if unknown:
        raise CheckError(f"kode_kelurahan tidak dikenal di tabel bersih: {unknown[:10]}")
    mapped = pd.array([parent[str(u)] for u in uniques] + [None], dtype="string")
    return pd.Series(mapped.take(np.where(codes < 0, len(uniques), codes)), index=kode_kelurahan.index)


def names_for(codes: pd.Series) -> pd.Series:
    """Display name of each kode_wilayah; RT codes become 'RT 012, <kelurahan>'."""
    ref = _ref()
    known = wilayah.names() if ref is None else {w.kode: w.nama for w in ref}

    def name(c: str) -> str:
        if c in known:
            return known[c]
        kel, _, rt = c.rpartition(".")
        return f"RT {rt}, {known.get(kel, kel)}"

    return map_small(codes.astype(str), name)


def explode_levels(df: pd.DataFrame, levels: Iterable[str] = LEVELS) -> pd.DataFrame:
    """One copy of every row per level, with that level's kode_wilayah and tingkat.

    Needs `kode_kelurahan` (kecamatan is derived from it); RT level also needs `rt`. Rows whose RT is
    missing are counted at kelurahan and above but not at RT level (there is no RT to put them in).
    """
    parts = []
    kec = kecamatan_of(df["kode_kelurahan"]) if len(df) else pd.Series([], dtype="string")
    for lv in levels:
        if lv == "kota":
            code = pd.Series(kota_code(), index=df.index, dtype="string")
        elif lv == "kecamatan":
            code = kec
        elif lv == "kelurahan":
            code = df["kode_kelurahan"].astype("string")
        elif lv == "rt":
            code = rt_code(df["kode_kelurahan"], df["rt"])
        else:
            raise ValueError(lv)
        part = df.assign(kode_wilayah=code.values, tingkat=lv)
        parts.append(part[part["kode_wilayah"].notna()])
    return pd.concat(parts, ignore_index=True)


def sum_by_wilayah(df: pd.DataFrame, cols: Sequence[str], by: Sequence[str] = (), *,
                   levels: Sequence[str] = LEVELS, categories: dict[str, Sequence] | None = None,
                   rt_universe: pd.Series | None = None) -> pd.DataFrame:
    """Sum `cols` (booleans count as 1) per wilayah × `by`, with the grid completed by zeros.

    The grid is every kota/kecamatan/kelurahan of the reference table (so a kelurahan with nothing shows
    an explicit 0, not a missing row) and, at RT level, every RT in `rt_universe`; `categories` gives the
    full set of values for each `by` column (default: the values seen).

    Same result as copying every unit once per level (`explode_levels`) and grouping, computed with integer
    codes: units are first added up per kelurahan × RT × category, then those few groups are added into
    the grid of each level (np.bincount) — linear in the rows.
    """
    # One story in three steps (unit codes, per-group sums, the grid of every level) sharing their arrays.
    categories = dict(categories or {})
    for b in by:
        if b not in categories:
            categories[b] = sorted(df[b].dropna().unique().tolist(), key=str)
    n = len(df)
    ncat = [len(categories[b]) for b in by]
    ncomb = int(np.prod(ncat)) if by else 1

    # --- unit → kelurahan, RT, category combination (integer codes) ---
    kc, kuni = pd.factorize(df["kode_kelurahan"].astype("string"), use_na_sentinel=True)
    kuni = [str(u) for u in kuni]
    parent = {w.kode: w.induk for w in _kelurahan()}
    unknown = sorted(set(kuni) - set(parent))
    if unknown:
        raise CheckError(f"kode_kelurahan tidak dikenal di tabel bersih: {unknown[:10]}")
    if "rt" in levels:
        rc, runi = pd.factorize(df["rt"].astype("string"), use_na_sentinel=True)
        runi = [str(u) for u in runi]
    else:
        rc, runi = np.full(n, -1, dtype=np.int64), []
    comb = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    for b, k in zip(by, ncat):
        index = {v: i for i, v in enumerate(categories[b])}
        bc, bu = pd.factorize(df[b], use_na_sentinel=True)
        m = np.array([index.get(v, -1) for v in bu] + [-1], dtype=np.int64)
        ci = m[bc]
        bad |= ci < 0
        comb = comb * k + np.maximum(ci, 0)
    if bad.any():
        raise CheckError("nilai di luar kisi wilayah × kategori (kode atau kategori tak dikenal):\n"
                         + df.loc[bad, list(by)].drop_duplicates().head(10).to_string())

    # --- add up per (kelurahan, RT, combination): the groups every level is built from ---
    nr = len(runi) + 1
    key = ((kc.astype(np.int64) + 1) * nr + (rc.astype(np.int64) + 1)) * ncomb + comb
    gi, gkey = pd.factorize(key)
    gsum = np.zeros((len(gkey), len(cols)))
    for j, c in enumerate(cols):
        s = df[c]
        if s.dtype == bool:
            # a 0/1 flag (most columns, e.g. profil's n__/k__ pairs): count the rows where it is set —
            # an integer bincount over those rows instead of a float-weighted pass over all of them, and
            # no (rows × columns) int64 matrix (gigabytes for profil at province scale)
            gsum[:, j] = np.bincount(gi[s.to_numpy()], minlength=len(gkey))
        else:
            gsum[:, j] = np.bincount(gi, weights=_as_count(s), minlength=len(gkey))
    gcomb = gkey % ncomb
    gr = (gkey // ncomb) % nr - 1
    gk = (gkey // ncomb) // nr - 1

    # --- the grid: wilayah rows (reference order, then sorted RT codes) × category combinations ---
    uni = wilayah_universe([lv for lv in levels if lv != "rt"])
    codes_ = uni["kode_wilayah"].astype(str).tolist()
    tiers = uni["tingkat"].astype(str).tolist()
    where = {(c, t): i for i, (c, t) in enumerate(zip(codes_, tiers))}
    kel_arr = np.array(kuni + [""], dtype=object)
    rt_str = None
    if "rt" in levels:
        has = (gk >= 0) & (gr >= 0)
        rt_str = np.full(len(gkey), None, dtype=object)
        rt_arr = np.array(runi + [""], dtype=object)
        rt_str[has] = kel_arr[gk[has]] + "." + rt_arr[gr[has]]
        rts = rt_universe if rt_universe is not None else pd.Series(rt_str[has], dtype="object")
        rts = sorted(pd.unique(rts.dropna().astype(str)).tolist())
        base = len(codes_)
        rt_pos = {c: base + i for i, c in enumerate(rts)}
        codes_ += rts
        tiers += ["rt"] * len(rts)
    W = len(codes_)
    total = np.zeros((W * ncomb, len(cols)))
    for lv in levels:
        if lv == "kota":
            wp = np.full(len(gkey), where[(kota_code(), "kota")])
        elif lv == "kecamatan":
            m = np.array([where.get((parent[k], "kecamatan"), -1) for k in kuni] + [-1], dtype=np.int64)
            wp = m[gk]
        elif lv == "kelurahan":
            m = np.array([where.get((k, "kelurahan"), -1) for k in kuni] + [-1], dtype=np.int64)
            wp = m[gk]
        elif lv == "rt":
            wp = np.array([-1 if c is None else rt_pos.get(c, -2) for c in rt_str], dtype=np.int64)
            if (wp == -2).any():
                raise CheckError("nilai di luar kisi wilayah × kategori (kode atau kategori tak dikenal):\n"
                                 + "\n".join(sorted({c for c, w in zip(rt_str, wp) if w == -2})[:10]))
        else:
            raise ValueError(lv)
        ok = wp >= 0
        idx = wp[ok] * ncomb + gcomb[ok]
        for j in range(len(cols)):
            total[:, j] += np.bincount(idx, weights=gsum[ok, j], minlength=W * ncomb)

    out = pd.DataFrame({"kode_wilayah": pd.array(np.repeat(np.array(codes_, dtype=object), ncomb), dtype="string"),
                        "tingkat": pd.array(np.repeat(np.array(tiers, dtype=object), ncomb), dtype="string")})
    inner = ncomb
    for b, k in zip(by, ncat):
        inner //= k
        v = np.array(list(categories[b]) + [None], dtype=object)[:-1]
        out[b] = pd.Series(np.tile(np.repeat(v, inner), W * (ncomb // (k * inner))), dtype=object)
    for j, c in enumerate(cols):
        out[c] = np.rint(total[:, j]).astype("int64")
    return out


def _as_count(s: pd.Series) -> np.ndarray:
    """0/1 (or integer counts) as int64; NA counts as 0."""
    if s.dtype == bool:
        return s.to_numpy(dtype="int64")
    if s.dtype in (np.int64, np.int32, np.int16, np.int8):
        return s.to_numpy(dtype="int64")
    return pd.to_numeric(s.astype("Float64"), errors="coerce").fillna(0).astype("int64").to_numpy()


def sort_table(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Sort by kode_wilayah then the given keys, with the project's category orders; fresh index."""
    keys = ["kode_wilayah", *[k for k in keys if k != "kode_wilayah"]]

    def key(s: pd.Series) -> pd.Series:
        order = _ORDER.get(s.name)
        if order is None:
            return s
        rank = {v: i for i, v in enumerate(order)}
        st = s.astype(str)
        codes, uniques = pd.factorize(st, use_na_sentinel=False)
        extra = {v: len(rank) + i for i, v in enumerate(sorted(set(uniques) - set(rank)))}
        r = np.array([rank.get(v, extra.get(v)) for v in uniques], dtype="int64")
        return pd.Series(r[codes], index=s.index)

    return df.sort_values(keys, key=key, kind="mergesort").reset_index(drop=True)


def ratio(num, den) -> pd.Series:
    """num / den as float with NA where the denominator is 0 or missing (never a silent 0 or inf)."""
    num = pd.Series(num, dtype="Float64") if not isinstance(num, pd.Series) else num.astype("Float64")
    den = pd.Series(den, dtype="Float64") if not isinstance(den, pd.Series) else den.astype("Float64")
    out = num / den.where(den > 0)
    return out.astype("Float64")


def desil_label(target: Sequence[int], skema_desil: int = 10) -> str:
    """`[1, 2, 3, 4]` → `D1-D4`; `[1]` → `D1`; non-contiguous `[1, 3]` → `D1+D3`. `skema_desil`: the highest
    desil the round ranks (4 for PBDT/DTKS, 10 for DTSEN; the target was checked against it in
    `parse_params`, so a label is only refused for a desil no scheme has)."""
    t = sorted({int(x) for x in target})
    if not t or any(not 1 <= x <= skema_desil for x in t):
        raise CheckError(f"target_desil harus berisi desil 1–{skema_desil}, bukan {list(target)!r}")
    if len(t) == 1:
        return f"D{t[0]}"
    if t == list(range(t[0], t[-1] + 1)):
        return f"D{t[0]}-D{t[-1]}"
    return "+".join(f"D{x}" for x in t)


def num(s: pd.Series) -> pd.Series:
    """Numeric view of a code column; anything that is not a number becomes NA."""
    return pd.to_numeric(s, errors="coerce")


def yes(s: pd.Series) -> pd.Series:
    """Boolean view of a yes/no column that may be boolean already or a 1 = Ya / 2 = Tidak code."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean").fillna(False).astype(bool)
    return (pd.to_numeric(s, errors="coerce") == 1).fillna(False).astype(bool)


# ----------------------------------------------------------------------------------------------------
# suppression
# ----------------------------------------------------------------------------------------------------
def suppress(df: pd.DataFrame, count_cols: Sequence[str], threshold: int, *,
             applies: pd.Series | None = None, derived_cols: Sequence[str] = (),
             denominator_col: str | None = None, complement_of: str | None = None) -> pd.DataFrame:
    """Small-cell suppression, the one rule every published table goes through.

    A count cell is suppressed when ``0 < n < threshold`` in a row where `applies` is True (default: all
    rows). A true 0 is **not** suppressed: "no household in this RT" discloses nothing about a person,
    and hiding zeros would make every sparse table unreadable. The other safeguards:

    - `denominator_col`: a share computed on fewer than `threshold` units (but more than 0) is suppressed
      too, with its counts — "2 of 3 households" identifies households whatever the numerator.
    - `complement_of`: for sensitive attributes, ``0 < total − n < threshold`` is suppressed as well,
      because "all but 2 households have a disabled member" discloses as much as "2 households have".
    - `derived_cols` (percentages, coverage …) of a row with any suppressed cell become NA as well.

    Suppressed cells become NA (nullable Int64 / Float64), never 0, and the row gets ``ditekan = True``
    (an existing `ditekan` column is OR-ed, so the function can be applied twice).
    Secondary suppression (recovering a hidden RT cell by subtracting the visible RTs from the
    kelurahan total) is not done; docs/indicators.md says so.
    """
    if threshold is None or int(threshold) < 1:
        raise CheckError(f"ambang_sel_kecil harus bilangan bulat ≥ 1, bukan {threshold!r}")
    k = int(threshold)
    out = df.copy()
    mask = pd.Series(True, index=out.index) if applies is None else applies.reindex(out.index).fillna(False).astype(bool)
    hit = pd.Series(False, index=out.index)
    cells: dict[str, pd.Series] = {}
    for c in count_cols:
        v = pd.to_numeric(out[c], errors="coerce")
        cells[c] = mask & (v > 0) & (v < k)
        hit |= cells[c].fillna(False)
    if denominator_col is not None:
        d = pd.to_numeric(out[denominator_col], errors="coerce")
        small = (mask & (d > 0) & (d < k)).fillna(False)
        hit |= small
        for c in count_cols:
            cells[c] = cells[c] | small
    if complement_of is not None:
        tot = pd.to_numeric(out[complement_of], errors="coerce")
        for c in count_cols:
            if c == complement_of:
                continue
            rest = tot - pd.to_numeric(out[c], errors="coerce")
            comp = (mask & (rest > 0) & (rest < k)).fillna(False)
            cells[c] = cells[c] | comp
            hit |= comp
    for c in count_cols:
        out[c] = out[c].astype("Int64").mask(cells[c].fillna(False).astype(bool))
    for c in derived_cols:
        out[c] = out[c].astype("Float64").mask(hit)
    prev = out["ditekan"].astype(bool) if "ditekan" in out else False
    out["ditekan"] = (hit | prev).astype(bool)
    return out


# ----------------------------------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------------------------------
def fail(what: str, rows: pd.DataFrame) -> None:
    """Raise CheckError naming the check and showing (up to 20 of) the offending rows."""
    raise CheckError(f"pemeriksaan gagal: {what} ({len(rows)} baris)\n{rows.head(20).to_string()}")


def check_rows(df: pd.DataFrame, bad: pd.Series, what: str) -> None:
    bad = bad.fillna(False).astype(bool)
    if bad.any():
        fail(what, df[bad])


def check_hierarchy(df: pd.DataFrame, cols: Sequence[str], by: Sequence[str] = (), name: str = "") -> None:
    """Sum of kecamatan = kota and sum of kelurahan = its kecamatan, for each `by` combination.

    Only exact (integer) count columns belong here; RT is left out because units without an RT are
    counted at kelurahan level only.
    """
    parent = {w.kode: w.induk for w in _all_wilayah()}
    if _hierarchy_holds(df, cols, by, parent):
        return
    # Something does not add up (or the fast check cannot decide): the join below finds the rows as evidence.
    for child_level, parent_level in (("kecamatan", "kota"), ("kelurahan", "kecamatan")):
        ch = df[df["tingkat"] == child_level].copy()
        ch["_induk"] = ch["kode_wilayah"].astype(str).map(parent)
        s = ch.groupby(["_induk", *by], dropna=False, observed=True)[list(cols)].sum()
        p = df[df["tingkat"] == parent_level].set_index(["kode_wilayah", *by])[list(cols)]
        p.index = p.index.set_names(["_induk", *by])
        j = p.join(s, rsuffix="_jumlah_anak", how="outer").fillna(0)
        bad = pd.Series(False, index=j.index)
        for c in cols:
            bad |= j[c].astype("float64") != j[f"{c}_jumlah_anak"].astype("float64")
        if bad.any():
            fail(f"{name}: jumlah {child_level} ≠ {parent_level}", j[bad].reset_index())


_NA_KEY = "\x00NA"   # a `by` value that is missing: its own group, as groupby(dropna=False) and the join make it


def _hierarchy_holds(df: pd.DataFrame, cols: Sequence[str], by: Sequence[str], parent: dict) -> bool:
    """True when `check_hierarchy` would pass, decided with arrays: children summed per (parent, by…) with
    `np.add.at`, compared with the parent rows (missing on either side = 0, as the outer join's fillna).

    `compute_all` runs it for most tables (every kab/kota of a province pays it), and the groupby + outer
    join are slow even on small tables. False means "failed or not decidable here" (non-integer values, whose
    sum could depend on the summation order; a parent key twice): the caller then runs the join, which
    raises with the offending rows — so the result never differs from the join's."""
    if df.empty:
        return True
    tier = df["tingkat"].astype(str).to_numpy(dtype=object)
    code = df["kode_wilayah"].astype(str).to_numpy(dtype=object)
    vals = np.column_stack([pd.to_numeric(df[c], errors="coerce").to_numpy(dtype="float64", na_value=0.0)
                            for c in cols]) if cols else np.zeros((len(df), 0))
    if not np.isfinite(vals).all() or (vals != np.round(vals)).any() or (np.abs(vals) >= 2**52).any():
        return False
    byv = [df[b].astype(object).where(df[b].notna(), _NA_KEY).to_numpy(dtype=object) for b in by]
    for child_level, parent_level in (("kecamatan", "kota"), ("kelurahan", "kecamatan")):
        cm, pm = tier == child_level, tier == parent_level
        nc = int(cm.sum())
        up = [parent.get(k, _NA_KEY) for k in code[cm]]
        keys = list(zip(up + list(code[pm]), *(np.concatenate([v[cm], v[pm]]) for v in byv)))
        g, uniq = pd.factorize(pd.Series(keys, dtype=object)) if keys else (np.zeros(0, dtype=np.intp), [])
        if len(np.unique(g[nc:])) != len(g) - nc:      # a parent row twice: let the join decide
            return False
        sums = np.zeros((len(uniq), vals.shape[1]))
        np.add.at(sums, g[:nc], vals[cm])
        own = np.zeros_like(sums)
        own[g[nc:]] = vals[pm]
        if (sums != own).any():
            return False
    return True
