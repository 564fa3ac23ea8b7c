"""Identifiers: IDBDT/IDARTBDT (opaque digit keys), NIK and No. KK (16-digit codes), their Excel repairs and
findings, and duplicate rows (exact, or the same key with other content)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings, _in_pairs
from kemiskinan.clean.keys import _ascii_digits, _lengths, _norm_text, _text_codes
from kemiskinan.clean.rules import RULES
from kemiskinan.domain import codes
from kemiskinan.domain import nik as nikmod

def _ids(b: Batch, col: str) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(value or NA, valid mask, repair rule per row or None) for an opaque numeric ID (IDBDT, IDARTBDT).

    IDs are keys, not codes: any non-empty run of ASCII digits is valid, whatever its length (the public
    layouts differ: 15/17 digits in our sample, 16/18 = BPS desa code + serial in one dump, 12/14 in an
    office's extract). Excel's repairs stay: a trailing `.0` is cut, an Excel number ≥ 2^53 (digits lost)
    is not valid. Lengths are compared per file by `_flag_mixed_lengths`, never checked here."""
    raw = codes.text(b.col(col)).fillna("")
    valid = _ascii_digits(raw)
    rule = np.full(b.n, None, dtype=object)
    value = raw
    if not valid.all():
        dot0 = raw.str.fullmatch(r"[0-9]+[.,]0+").to_numpy(dtype=bool)
        if dot0.any():
            value = raw.where(~dot0, raw.str.replace(r"[.,]0+$", "", regex=True))
            valid |= dot0
            rule[dot0] = "ID_TRAILING_DOT0"
    num = b.numeric.get(col)
    if num is not None:
        big = num & valid & (pd.to_numeric(value, errors="coerce").fillna(0).to_numpy() >= 2**53)
        valid &= ~big
        rule[num & valid] = "ID_EXCEL_NUMBER"
    return value.where(pd.Series(valid, index=value.index)), valid, rule


def _flag_mixed_lengths(b, F: "Findings", value: pd.Series, rows: np.ndarray, col: str, label: str) -> None:
    """ID_PANJANG_CAMPUR: one length per file and sheet is expected. Among `rows` (valid IDs), the rows of
    each table (file × sheet) whose length differs from that table's most common length are flagged (a tie
    goes to the longer length); the message names every length with its count. Nothing is rejected."""
    n = _lengths(value)
    tables = b.df["_t"].to_numpy() if "_t" in b.df.columns else np.zeros(len(n), dtype=np.int32)
    flag = np.zeros(len(n), dtype=bool)
    msg = np.full(len(n), None, dtype=object)
    for ti in np.unique(tables[rows]):
        m = rows & (tables == ti)
        lens, counts = np.unique(n[m], return_counts=True)
        if len(lens) < 2:
            continue
        mode = lens[np.lexsort((lens, counts))[-1]]        # most rows; a tie: the longer length
        seen = ", ".join(f"{int(k)} digit: {int(c)} baris" for k, c in sorted(zip(lens, counts), key=lambda kc: (-kc[1], -kc[0])))
        odd = m & (n != mode)
        flag |= odd
        msg[odd] = [f"{RULES['ID_PANJANG_CAMPUR'].pesan.format(kolom=label)} ({seen}); baris ini {int(k)} digit"
                    for k in n[odd]]
    F.add(b, flag, "ID_PANJANG_CAMPUR", col, value, "id", pesan=msg)


def _id16(b: Batch, col: str, kind: str, F: Findings, rows: np.ndarray, sex=None, birth=None,
          reference_year: int = nikmod.REFERENCE_YEAR) -> pd.DataFrame:
    """Validate a NIK / No. KK column for `rows` (bool mask); log findings; return the result frame
    (the value column `nik` / `no_kk`, NA where not valid, and `status`), on `b`'s index.
    `reference_year`: the century of a NIK's 2-digit birth year (the round's reference date)."""
    s = b.col(col)
    if kind == "nik":
        res = nikmod._validate_arrays(s, sex=sex, birth=birth, reference_year=reference_year)
        out_col = "nik"
    else:
        res = nikmod._validate_kk_arrays(s)
        out_col = "no_kk"
    value, status = res[out_col], res["status"]
    num = b.numeric.get(col)
    pre = "NIK" if kind == "nik" else "KK"
    aturan = res["aturan"].copy()
    if num is not None:
        txt = codes.text(s).fillna("")
        big = num & (pd.to_numeric(txt, errors="coerce").fillna(0).to_numpy() >= 2**53)
        if big.any():
            value = value.mask(pd.Series(big, index=value.index))
            status = status.copy()
            status[big] = "rusak_excel"
            aturan[big] = f"{pre}_EXCEL_PRESISI"
        exact = num & ~big & np.asarray(status == "valid", dtype=bool)
        aturan[exact & pd.isna(aturan)] = "ID_EXCEL_NUMBER"
    has = rows & pd.notna(aturan)
    F.add(b, has, aturan, col, s, "id")
    if kind == "nik":
        for c in ("aturan_jk", "aturan_tgl"):
            a = res[c]
            F.add(b, rows & pd.notna(a), a, col, s, "id")
    return pd.DataFrame({out_col: value.array, "status": status}, index=s.index)


def _dedupe(b: Batch, F: Findings, key: pd.Series | None, ignore: tuple[str, ...] = ("no", "keterangan")) -> None:
    """Exact duplicates (after normalisation) → DUPLIKAT_PERSIS; same key, other content → DUPLIKAT_KUNCI.

    Deterministic: the first row by (file order, sheet order, source row) survives; each merge is logged with
    the surviving row number. Only rows still kept take part.
    """
    kept = b.kept()
    content_cols = [c for c in b.df.columns if not c.startswith("_") and c not in ignore]
    if key is not None:
        # candidates: kept rows whose key (not NA) is seen twice or more among the kept rows; `key_value`
        # identifies each candidate's key: the ID as an integer (digits of one length), else its text code
        with_key = np.flatnonzero(kept & key.notna().to_numpy())
        ints = codes.digit_ints(key.iloc[with_key])
        values = ints[0] if ints is not None else _text_codes(key)[0][with_key]
        cand = np.zeros(b.n, dtype=bool)
        cand[with_key[codes.repeated(values)]] = True
        key_value = np.zeros(b.n, dtype=np.int64)
        key_value[with_key] = values
    else:
        cand = kept.copy()
    if not cand.any():
        return
    sub_idx = np.flatnonzero(cand)
    sub = b.df.iloc[sub_idx]
    norm = pd.DataFrame(dict(zip(content_cols, _in_pairs(_norm_text, [(sub[c],) for c in content_cols]))),
                        index=sub.index)
    h = pd.util.hash_pandas_object(norm, index=False).to_numpy()
    first_pos = pd.Series(sub_idx).groupby(h).transform("first").to_numpy()
    exact = first_pos != sub_idx
    m = np.zeros(b.n, dtype=bool)
    m[sub_idx[exact]] = True
    ref = np.zeros(b.n, dtype=np.int64)
    ref[sub_idx] = b.df["_baris"].to_numpy()[first_pos]
    F.merge(b, m, "DUPLIKAT_PERSIS", ref)
    if key is not None:
        # same key, other content: every kept row after the first with its key merges into that first row
        # (only candidates can share a key: a key seen once among the kept rows stays alone)
        idx = np.flatnonzero(b.kept() & cand)
        kv = key_value[idx]
        order = np.argsort(kv, kind="stable")                 # stable: each key's rows stay in row order
        ks = kv[order]
        start = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, dtype=bool)
        if not start.all():
            first = idx[order[start]][np.cumsum(start) - 1]   # each row's first row with its key
            dup = np.zeros(b.n, dtype=bool)
            dup[idx[order[~start]]] = True
            ref = np.zeros(b.n, dtype=np.int64)
            ref[idx[order[~start]]] = b.df["_baris"].to_numpy()[first[~start]]
            F.merge(b, dup, "DUPLIKAT_KUNCI", ref, kolom=key.name)


def _household_prefix(idart: pd.Series, households: pd.Series) -> pd.Series:
    """For each IDARTBDT, the household IDBDT (of `households`) it starts with — tried at every household ID
    length the file has, and kept only where exactly one length gives a household (never a guess; NA
    otherwise). Domain layouts: IDARTBDT = IDBDT + 2 digits, at whatever length IDBDT has."""
    out = pd.Series(pd.NA, index=idart.index, dtype="str")
    hits = np.zeros(len(idart), dtype=np.int64)
    ln = _lengths(idart)
    for k in np.unique(_lengths(households)):
        if k <= 0:
            continue
        cand = idart.str.slice(0, int(k)).where(pd.Series(ln > k, index=idart.index))
        found = codes.isin_text(cand, households.drop_duplicates()) & cand.notna().to_numpy(dtype=bool)
        hits += found
        out = out.where(~pd.Series(found, index=idart.index), cand)
    return out.where(pd.Series(hits == 1, index=idart.index))
