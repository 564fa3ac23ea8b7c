"""The PII term list (`pii_istilah.parquet`): names, addresses and IDs from the raw files, normalised, written
next to the clean tables (never shared). The publish step's guard (`kemiskinan.publish.pii`) reads it to check
that no shared file carries them; the list itself is made here, by step 01, from the rows it read.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kemiskinan import i18n
from kemiskinan.domain import wilayah as wil

TERMS_FILE = "pii_istilah.parquet"
MAX_NGRAM = 10
_WORD = re.compile(r"[0-9a-z]+")
#: Raw columns the PII term list is built from (the batches keep them when they drop other raw columns).
PII_COLUMNS = {"nama", "nama_krt", "namagadis_ibukandung", "nama_pengurus", "nama_kepala_rumah_tangga", "alamat",
               "idbdt", "idartbdt"}


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u200b", "")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(t.lower()))


def _unique_text(values) -> "pa.Array":
    """Distinct non-null values as a pyarrow string array (each value through `str`, like the loop did)."""
    if isinstance(values, pd.Series):
        s = values.dropna()
        s = s if s.dtype == "str" else s.map(str)
        arr = pa.array(s.astype("str"), from_pandas=True, type=pa.large_string())
    else:
        arr = pa.array([v if isinstance(v, str) else str(v) for v in values], type=pa.large_string())
    return pc.unique(arr.drop_null())


def _normalise_many(arr) -> "pa.Array":
    """`normalise` of every value of a string array. ASCII values (nearly all) are done in C: NFKC/NFKD and
    accent stripping do nothing to ASCII, so lower-casing and keeping [0-9a-z] runs is the whole job; other
    values go through `normalise` itself, so the result is the same for every input."""
    ascii_ = pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    low = pc.ascii_lower(arr)
    words = pc.replace_substring_regex(low, "[^0-9a-z]+", " ")
    out = pc.utf8_trim(words, " ")
    if not ascii_.all():
        idx = np.flatnonzero(~ascii_)
        slow = [normalise(v) for v in arr.take(pa.array(idx)).to_pylist()]
        out = out.to_numpy(zero_copy_only=False).astype(object)
        out[idx] = slow
        out = pa.array(out, type=pa.large_string())
    return out


def build_terms(names, addresses, ids, stopwords: set[str] = frozenset()) -> pd.DataFrame:
    """The terms table from raw strings; written next to the clean tables (never shared).

    Names and addresses: `normalise`d; empty terms, stopwords and one-word terms shorter than 6 characters
    are dropped; terms longer than MAX_NGRAM words are cut to their first MAX_NGRAM words. IDs: the digits
    of the value, kept when there are at least 8. Vectorised over the distinct values (pyarrow).
    """
    parts = []
    stop = pa.array(sorted(stopwords), type=pa.large_string())
    for kind, values in (("nama", names), ("alamat", addresses)):
        n = _normalise_many(_unique_text(values))
        keep = pc.and_(pc.not_equal(n, ""), pc.invert(pc.is_in(n, value_set=stop)))
        n = n.filter(keep)
        nwords = pc.add(pc.count_substring(n, " "), 1).to_numpy(zero_copy_only=False)
        long_ = (nwords > 1) | (pc.utf8_length(n).to_numpy(zero_copy_only=False) >= 6)
        n = n.filter(pa.array(long_))
        if (nwords[long_] > MAX_NGRAM).any():
            sp = pc.split_pattern(n, " ", max_splits=MAX_NGRAM)     # the rest lands in one last piece
            n = pc.binary_join(pc.list_slice(sp, 0, MAX_NGRAM), pa.scalar(" ", pa.large_string()))
        parts.append(pd.DataFrame({"istilah": pd.array(n.to_numpy(zero_copy_only=False), dtype="str"),
                                   "jenis": kind}))
    u = _unique_text(ids)
    ascii_ = pc.string_is_ascii(u).to_numpy(zero_copy_only=False)
    d = pc.replace_substring_regex(u, "[^0-9]+", "").to_numpy(zero_copy_only=False).astype(object)
    if not ascii_.all():   # `\D` of Python's re keeps non-ASCII digits too: same answer through re
        for i in np.flatnonzero(~ascii_):
            d[i] = re.sub(r"\D", "", u[int(i)].as_py())
    d = pd.Series(d, dtype="str")
    parts.append(pd.DataFrame({"istilah": d[d.str.len() >= 8].to_numpy(), "jenis": "idbdt"}))
    out = pd.concat(parts, ignore_index=True).astype({"istilah": "str", "jenis": "str"})
    return out.drop_duplicates().sort_values(["jenis", "istilah"], ignore_index=True)


def default_stopwords() -> set[str]:
    """Place names and the briefing's own vocabulary: a person may share them, the text surely does."""
    words: set[str] = set()
    for w in wil.all_wilayah():
        for n in (w.nama, *w.varian):
            words.add(normalise(n))
    for text in i18n.all_strings():
        for part in re.split(r"[.;:,()—-]", text):
            if part.strip():
                words.add(normalise(part))
    return words


def write_terms(raw_frames: dict[str, pd.DataFrame], out_dir: Path) -> Path:
    """Collect names, addresses and IDs from raw frames (any column whose name says so) and save them."""
    names, addresses, ids = [], [], []
    for df in raw_frames.values():
        for col in df.columns:
            c = re.sub(r"[^a-z]", "", str(col).lower())
            if c.startswith("nama") and c not in {"namasls"} or c in {"namagadisibukandung", "namakrt", "namapengurus"}:
                dest = names
            elif c.startswith("alamat"):
                dest = addresses
            elif c in {"idbdt", "idartbdt", "iddtks", "idartdtks"}:
                dest = ids
            else:
                continue
            v = df[col].dropna()
            v = (v if v.dtype == "str" else v.map(str)).astype("str")
            dest.append(v[v.str.strip() != ""])
    join = lambda parts: pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")  # noqa: E731
    terms = build_terms(join(names), join(addresses), join(ids), default_stopwords())
    out = Path(out_dir) / TERMS_FILE
    tmp = out.with_name(f".{out.name}.tmp")
    terms.to_parquet(tmp, index=False)
    tmp.replace(out)
    return out


def write_from_batches(batches: dict, out_dir: Path) -> Path:
    """The term list of a cleaning run, from the raw columns in `PII_COLUMNS` of the household, member, KKS
    and MPM batches (`{kind: Batch}`), into `out_dir`."""
    frames = {}
    for kind in ("ruta", "art", "kks", "mpm"):
        if kind in batches:
            b = batches[kind]
            cols = [c for c in b.df.columns if c in PII_COLUMNS]
            # unique values only: the guard needs the set of terms, not every row
            uniq = {c: b.df[c].unique() for c in cols}
            n = max((len(u) for u in uniq.values()), default=0)
            frames[kind] = pd.DataFrame({c: pd.Series(u, dtype="str").reindex(range(n)) for c, u in uniq.items()})
    return write_terms(frames, out_dir)
