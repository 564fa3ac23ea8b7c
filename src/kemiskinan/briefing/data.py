"""What one briefing shows: the slice of the indicator tables for one wilayah.

The briefing notebook reads its tables through `load_for_briefing`, and the build hashes the very same
slice to decide whether that briefing must be rebuilt — one function for both, so a briefing can never
show a number that its rebuild rule does not watch.

The slice of wilayah W:
- every row of W itself and of the wilayah below it (its kelurahan, its RT);
- for W's ancestors (its kecamatan, the kota) only the comparison rows a briefing shows next to W's own
  numbers: `ringkasan` (without the MPM columns), `cakupan`, `sebaran`, `profil`;
- the `ringkasan` row of every kelurahan (without the MPM columns): page 1's map shows each kelurahan's
  KKS coverage with W highlighted, whatever W is;
- tables without a wilayah (the BPS series) whole;
- the comparison with the previous period (`banding_*`, `tren`, written by step 02 beside the others) only
  where the briefing shows it: `banding_ringkasan` and `tren` (the then → now numbers, page 1's "Sejak …"
  line, the trend chart) W's own rows; `banding_alur` and `banding_prioritas` (the flows table and the
  kelurahan whose quadrant changed) W's own row and those of the kelurahan inside W — not the kecamatan
  rows under the kota, nor any ancestor's, which no briefing section reads.
So a corrected MPM sheet from one kelurahan rebuilds that kelurahan, its kecamatan and the kota, while a
change that moves a kelurahan's coverage or the city's desil counts rebuilds every briefing, because every
briefing shows them (the city's coverage moves with any kelurahan's anyway). A change in the previous
round's tables moves only the comparison rows it changes, so it rebuilds exactly the briefings that show
those rows (a kelurahan's flows: that kelurahan, its kecamatan and the kota; a kelurahan's trend: that
kelurahan alone).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan import indicators
from kemiskinan.domain import wilayah as wil
from kemiskinan.hashing import files_stamp
from kemiskinan.indicators import io

COMPARISON_TABLES = {"ringkasan", "cakupan", "sebaran", "profil"}
ANCESTOR_DROP_COLUMNS = {"ringkasan": ("mpm_",)}
# Tables whose every-kelurahan rows are comparison rows in every slice (the map on page 1).
MAP_TABLES = {"ringkasan"}
# The comparison with the previous period: W's own rows only (headline numbers then → now, the trend) …
OWN_ROW_TABLES = {"banding_ringkasan", "tren"}
# … or W's own row and the kelurahan inside W (the flows table, the quadrant changes).
OWN_AND_KELURAHAN_TABLES = {"banding_alur", "banding_prioritas"}


def _own_code(name: str, code: str, kode: str) -> bool:
    """Whether the row of wilayah `code` in table `name` is one of W's own (W or below it, as each table
    says), decided on the code alone so the slice and the per-code digests agree."""
    if code == kode:
        return True
    if not code.startswith(kode + "."):
        return False
    if name in OWN_ROW_TABLES:
        return False
    if name in OWN_AND_KELURAHAN_TABLES:
        return code.count(".") == 3  # a kelurahan (64.74.01.1003); kecamatan rows of the kota's are not shown
    return True


def _comparison_codes(name: str, kode: str) -> set[str]:
    """Codes whose rows of table `name` W's briefing shows for comparison only (W's own rows excluded)."""
    if name not in COMPARISON_TABLES:
        return set()
    codes = {w.kode for w in wil.parent_chain(kode)[1:]}
    if name in MAP_TABLES:
        codes |= {w.kode for w in wil.kelurahan()}
    return codes - {kode}


def _is_self_or_below(codes: pd.Series, kode: str, name: str = "") -> pd.Series:
    codes = codes.astype(str)
    if name in OWN_ROW_TABLES or name in OWN_AND_KELURAHAN_TABLES:
        return codes.map(lambda c: _own_code(name, c, kode)).astype(bool)
    return (codes == kode) | codes.str.startswith(kode + ".")


def slice_tables(tables: dict[str, pd.DataFrame], kode: str) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for name, df in tables.items():
        if "kode_wilayah" not in df.columns:
            out[name] = df.copy()  # a new frame (small tables: the BPS series): the caller may edit it freely
            continue
        own = _is_self_or_below(df["kode_wilayah"], kode, name)
        comparison = _comparison_codes(name, kode)
        if comparison:
            anc = df["kode_wilayah"].astype(str).isin(comparison) & ~own
            part = df[own | anc].copy()
            drop_prefixes = ANCESTOR_DROP_COLUMNS.get(name, ())
            if drop_prefixes:
                cols = [c for c in part.columns if c.startswith(drop_prefixes)]
                part.loc[anc[own | anc].to_numpy(), cols] = pd.NA
            out[name] = part.reset_index(drop=True)
        else:
            out[name] = df[own].reset_index(drop=True)
    return out


def slice_sha256(sliced: dict[str, pd.DataFrame]) -> str:
    """Stable content hash of a slice: table names, column names and dtypes, and pandas' 64-bit hash of
    every row (`hash_pandas_object`, column order included). Stable for one lock, which is part of every
    build key anyway; cheaper than hashing the tables' CSV text (bench/README)."""
    h = hashlib.sha256()
    for name in sorted(sliced):
        _feed(h, name, _header(sliced[name]), _row_hashes(sliced[name]))
    return h.hexdigest()


def _header(df: pd.DataFrame) -> bytes:
    return "\x1f".join(f"{c}\x1e{t}" for c, t in df.dtypes.items()).encode() + b"\0"


def _row_hashes(df: pd.DataFrame):
    return pd.util.hash_pandas_object(df, index=False).to_numpy()


def _feed(h, name: str, header: bytes, rows) -> None:
    """One table of a slice into its digest: name, column names and dtypes, row count, row hashes."""
    h.update(name.encode() + b"\0")
    h.update(header)
    h.update(len(rows).to_bytes(8, "little"))
    h.update(np.ascontiguousarray(rows).tobytes())


def slice_hashes(tables: dict[str, pd.DataFrame], kodes: list[str]) -> dict[str, str]:
    """`{kode: slice_sha256(slice_tables(tables, kode))}`, the same digests, for all wilayah at once.

    The build computes these between step 02 and the first briefing, while the kernels wait, so the work
    is shared: pandas' row hashes depend on the row alone, so each table's rows are
    hashed once (plus once more with the ancestor-dropped columns emptied) and every slice's digest is
    assembled from the hashes of its rows. A table whose dtypes would change when emptied takes the
    direct route; `tests/test_briefing_data.py` checks the two agree."""
    per_table = {}
    for name, df in tables.items():
        header, rows = _header(df), _row_hashes(df)
        if "kode_wilayah" not in df.columns:
            per_table[name] = (header, rows, None)
            continue
        codes, uniques = pd.factorize(df["kode_wilayah"].astype(str))
        emptied = None
        cols = [c for c in df.columns if c.startswith(ANCESTOR_DROP_COLUMNS.get(name, ()))]
        if cols and name in COMPARISON_TABLES:
            na = df.copy()
            try:
                na.loc[:, cols] = pd.NA  # as slice_tables does it: in place, dtypes kept
            except (TypeError, ValueError):  # a dtype that cannot hold NA: let the direct route say so
                na = None
            if na is None or not na.dtypes.equals(df.dtypes):
                per_table[name] = None  # emptying would change the slice's dtypes: hash it directly
                continue
            emptied = _row_hashes(na)
        per_table[name] = (header, rows, (codes, [str(u) for u in uniques], emptied))
    out = {}
    for kode in kodes:
        h = hashlib.sha256()
        direct = None
        for name in sorted(tables):
            t = per_table[name]
            if t is None:
                direct = direct or slice_tables(tables, kode)
                t = (_header(direct[name]), _row_hashes(direct[name]), None)
            header, rows, where = t
            if where is not None:
                codes, uniques, emptied = where
                own_u = np.array([_own_code(name, u, kode) for u in uniques] + [False])
                own = own_u[codes]  # codes of -1 (missing) index the trailing False
                comparison = _comparison_codes(name, kode)
                if comparison:
                    anc = np.array([u in comparison for u in uniques] + [False])[codes] & ~own
                    sel = own | anc
                    rows = rows[sel] if emptied is None else np.where(anc, emptied, rows)[sel]
                else:
                    rows = rows[own]
            _feed(h, name, header, rows)
        out[kode] = h.hexdigest()
    return out


_LOADED: dict[str, tuple[tuple, dict[str, pd.DataFrame]]] = {}


def _tables_once(periode_or_dir: str | Path) -> dict[str, pd.DataFrame]:
    """`indicators.load_all`, read once per process while the files stay the same.

    A build's kernel executes many briefings, and reading the parquet tables again for each of them is
    a noticeable part of a kernel's CPU. The key is the files' identity and size/mtime
    (`hashing.files_stamp`), and step 02 replaces the folder by rename, so new indicators are always
    re-read. The cached frames are never handed out: `slice_tables` returns new frames (filtered copies,
    or `.copy()`), so a briefing that edits its tables cannot change the next briefing's."""
    folder = io._resolve(periode_or_dir)
    stamp = files_stamp(sorted(folder.glob("*.parquet"))) if folder.is_dir() else ()
    hit = _LOADED.get(str(folder))
    if hit is not None and stamp and hit[0] == stamp:
        return hit[1]
    tables = indicators.load_all(folder)
    _LOADED.clear()  # one folder at a time: a kernel serves one build
    _LOADED[str(folder)] = (stamp, tables)
    return tables


def load_for_briefing(periode_or_dir: str | Path, kode: str) -> dict[str, pd.DataFrame]:
    """The indicator tables one briefing may show (see module docstring)."""
    return slice_tables(_tables_once(periode_or_dir), kode)
