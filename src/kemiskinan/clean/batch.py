"""The rows of one kind and their fate (`Batch`), the findings logged on them (`Findings`), and the view of
a batch's kept rows the per-kind cleaners decode columns on (`_SubBatch`)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kemiskinan.clean.pii_terms import PII_COLUMNS
from kemiskinan.clean.rules import GABUNG, RULES, TOLAK
from kemiskinan.domain import nik as nikmod
from kemiskinan.ingest.readers import Table
from kemiskinan.parallel import two_at_a_time

def _mask_values(s: pd.Series, how: str) -> pd.Series:
    s = s.astype("str").fillna("")
    if how == "id":
        return nikmod.mask_ids(s)
    if how == "nama":
        t = s.str.strip()
        return (t.str.slice(0, 1) + "***").where(t != "", "")
    return s.str.strip().str.slice(0, 40)


def _per_table(names: list[str], rows: list[int], ti: np.ndarray) -> pd.Categorical:
    """A per-row Categorical of each row's table name (file or sheet), from the table index `ti` — the
    same as `pd.Categorical(np.array(names)[ti])` (sorted categories, only names with rows) without
    building and hashing one Python string per row."""
    cats = sorted({n for n, r in zip(names, rows) if r})
    code_of = np.array([cats.index(n) if n in cats else -1 for n in names] or [-1], dtype=np.int32)
    return pd.Categorical.from_codes(code_of[ti] if len(ti) else np.zeros(0, dtype=np.int32), categories=cats)


class Batch:
    """The rows of one kind (all files/sheets of that kind concatenated) plus their fate."""

    def __init__(self, kind: str, tables: list[Table]):
        self.kind = kind
        self.tables = tables
        cols: list[str] = []
        for t in tables:
            cols += [c for c in t.df.columns if c not in cols]
        frames = []
        for i, t in enumerate(tables):
            df = t.df
            missing = [c for c in cols if c not in df.columns]
            if missing:
                df = df.assign(**{c: pd.Series("", index=df.index, dtype="str") for c in missing})
            frames.append(df[cols].assign(_t=np.int32(i)))
        self.df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        self.df = self.df.reset_index(drop=True)
        self.n = len(self.df)
        self.state = np.zeros(self.n, dtype=np.int8)    # 0 keep, 1 tolak, 2 gabung
        self.reason = np.full(self.n, None, dtype=object)  # first tolak rule
        ti = self.df["_t"].to_numpy()
        self.file = _per_table([t.file for t in tables], [t.rows for t in tables], ti)
        self.sheet = _per_table([t.sheet or "" for t in tables], [t.rows for t in tables], ti)
        self.numeric: dict[str, np.ndarray] = {}
        for c in cols:
            parts = [t.numeric.get(c, np.zeros(t.rows, dtype=bool)) for t in tables]
            if any(p.any() for p in parts):
                self.numeric[c] = np.concatenate(parts)
        self.kel = pd.Series(pd.NA, index=self.df.index, dtype="str")   # resolved kelurahan per row

    def col(self, name: str) -> pd.Series:
        if name in self.df.columns:
            return self.df[name]
        return pd.Series("", index=self.df.index, dtype="str")

    def slim(self, keep: set[str]) -> None:
        """Drop the raw columns no later step reads (memory: at 4 M members the raw text is most of it).

        Kept: row bookkeeping (`_t`, `_baris`), `keep`, and what the PII term list is built from."""
        cols = [c for c in self.df.columns if c.startswith("_") or c in keep or c in PII_COLUMNS]
        if len(cols) < len(self.df.columns):
            self.df = self.df[cols]
            for t in self.tables:   # the per-file frames hold the same raw arrays: slim them too
                t.df = t.df[[c for c in t.df.columns if c in cols]]

    def has(self, name: str) -> bool:
        return name in self.df.columns

    def kept(self) -> np.ndarray:
        return self.state == 0


class Findings:
    def __init__(self):
        self.parts: list[pd.DataFrame] = []

    def add(self, b: Batch, mask, aturan, kolom: str | None = None, nilai: pd.Series | None = None,
            how: str = "teks", tindakan: str | None = None, pesan: str | None = None) -> int:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return 0
        idx = np.flatnonzero(mask)
        if isinstance(aturan, str):
            at = pd.Series(aturan, index=range(len(idx)), dtype="str")
        else:
            at = pd.Series(np.asarray(aturan, dtype=object)[idx], dtype="str")
        if pesan is None:
            tmpl = {a: RULES[a].pesan.format(kolom=kolom or "") for a in at.unique()}
            ps = at.map(tmpl)
        elif isinstance(pesan, str):
            ps = pd.Series(pesan, index=range(len(idx)), dtype="str")
        else:
            ps = pd.Series(np.asarray(pesan, dtype=object)[idx], dtype="str")
        pos = b._pos[idx] if hasattr(b, "_pos") else idx
        act = at.map({a: RULES[a].tindakan for a in at.unique()}) if tindakan is None else tindakan
        vals = _mask_values(nilai.iloc[idx].reset_index(drop=True), how) if nilai is not None else ""
        self.parts.append(pd.DataFrame({
            "file": np.asarray(b.file[idx]), "sheet": np.asarray(b.sheet[idx]),
            "baris": b.df["_baris"].to_numpy()[idx], "kolom": kolom or "",
            "aturan": at.to_numpy(), "pesan": ps.to_numpy(), "nilai_tersamar": vals if isinstance(vals, str)
            else vals.to_numpy(), "tindakan": act if isinstance(act, str) else act.to_numpy(),
            "_kind": b.kind, "_pos": pos}))
        return len(idx)

    def reject(self, b: Batch, mask, aturan: str, kolom: str | None = None, nilai=None, how="teks",
               pesan=None) -> None:
        """Reject rows still kept; rows already rejected/merged are left alone (one fate per row)."""
        m = np.asarray(mask, dtype=bool) & (b.state == 0)
        b.state[m] = 1
        b.reason[m] = aturan
        self.add(b, m, aturan, kolom, nilai, how, TOLAK, pesan)

    def merge(self, b: Batch, mask, aturan: str, ref_rows: np.ndarray, kolom: str | None = None) -> None:
        m = np.asarray(mask, dtype=bool) & (b.state == 0)
        b.state[m] = 2
        idx = np.flatnonzero(m)
        if not len(idx):
            return
        refs = ref_rows[m] if len(ref_rows) == b.n else ref_rows
        msg = [f"{RULES[aturan].pesan} (baris {int(r)})" for r in refs]
        self.parts.append(pd.DataFrame({
            "file": np.asarray(b.file[idx]), "sheet": np.asarray(b.sheet[idx]),
            "baris": b.df["_baris"].to_numpy()[idx], "kolom": kolom or "", "aturan": aturan, "pesan": msg,
            "nilai_tersamar": "", "tindakan": GABUNG, "_kind": b.kind, "_pos": idx}))

    def frame(self) -> pd.DataFrame:
        cols = ["file", "sheet", "baris", "kolom", "aturan", "pesan", "nilai_tersamar", "tindakan", "_kind", "_pos"]
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in cols}).astype({"baris": "int64", "_pos": "int64"})
        return pd.concat(self.parts, ignore_index=True)


def _in_pairs(fn, calls: list[tuple]) -> list:
    """`[fn(*args) for args in calls]`, two at a time (`parallel.two_at_a_time`, threads): the column
    decoders spend their time in arrow/numpy kernels that release the GIL, so the machine's second core
    does half of them. Results in call order; findings are logged by the caller afterwards, in the same
    order as a sequential run would log them."""
    return list(two_at_a_time(lambda args: fn(*args), calls, name="kemiskinan-kolom"))


def _decode_columns(sub, F: Findings, d: pd.DataFrame, rows: np.ndarray, fn, rule: str,
                    args: dict[str, tuple]) -> dict[str, pd.Series]:
    """`fn(d[c], *args[c])` → (values, invalid) for each column of `args` present in `d`, two at a time
    (`_in_pairs`); each column's invalid values are flagged with `rule`, in column order. {column: values}."""
    cols = [c for c in args if c in d]
    out = {}
    for c, (out[c], bad) in zip(cols, _in_pairs(fn, [(d[c], *args[c]) for c in cols])):
        _flag_decoded(sub, F, c, bad, rule, rows)
    return out


def _flag_decoded(b: Batch, F: Findings, col: str, invalid: pd.Series, rule: str, rows: np.ndarray) -> None:
    m = rows & invalid.fillna(False).to_numpy(dtype=bool)
    F.add(b, m, rule, col, b.col(col))


def _kept(cat: pd.Categorical, keep: np.ndarray) -> pd.Categorical:
    """The kept rows of a source-file/sheet column, with the categories they use (sorted, as
    `pd.Categorical(values)` would give)."""
    return cat[keep].remove_unused_categories()


class _SubBatch:
    """A view of the kept rows of a batch, so findings on decoded columns land on the right rows."""

    def __init__(self, b: Batch, keep: np.ndarray, slim: set[str] | None = None):
        """`slim`: then call `b.slim(slim)` — done column by column while the kept rows are copied, so the
        full raw column and its kept copy are never both held for every column at once (memory peak)."""
        self.kind = b.kind
        if slim is None:
            self.df = b.df.loc[keep]
        else:
            index = b.df.index[keep]
            mask = pa.array(keep)
            parts = {}
            for c in list(b.df.columns):
                col = b.df[c]
                if isinstance(col.array, pd.arrays.ArrowStringArray):   # arrow's filter: cheaper than a pandas take
                    parts[c] = pd.Series(pd.arrays.ArrowStringArray(pc.filter(col.array._pa_array, mask)),
                                         index=index, name=c, copy=False)
                else:
                    parts[c] = pd.Series(col.to_numpy()[keep], index=index, name=c)
                if not (c.startswith("_") or c in slim or c in PII_COLUMNS):
                    del b.df[c]
                    for t in b.tables:
                        if c in t.df.columns:
                            t.df = t.df.drop(columns=c)
            self.df = pd.DataFrame(parts) if parts else b.df.loc[keep]
            b.slim(slim)
        self.file = b.file[keep]     # Categoricals: rows are taken without one Python string per row
        self.sheet = b.sheet[keep]
        self.n = int(keep.sum())
        self._pos = np.flatnonzero(keep)
        self.numeric = {c: a[keep] for c, a in b.numeric.items()}

    def col(self, name: str) -> pd.Series:
        return self.df[name] if name in self.df.columns else pd.Series("", index=self.df.index, dtype="str")
