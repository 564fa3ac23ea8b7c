"""Families (keluarga = IDBDT × NUK) built from the kept members, and the count of keluarga each NIK or
No. KK appears in (`_OneKeluarga`: one NIK in one family only)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings, _SubBatch
from kemiskinan.clean.keys import _positions, _sorted_codes, _sorted_unique, _text_codes
from kemiskinan.errors import ReconciliationError

def build_keluarga(art: pd.DataFrame, ruta: pd.DataFrame, art_batch: Batch, F: Findings) -> pd.DataFrame:
    """One row per keluarga (IDBDT, NUK) of the kept members, in (IDBDT, NUK) order: its number of members,
    its No. KK (the one most of its members carry; a tie goes to the smallest — KELUARGA_KK_BEDA flags
    every member of a keluarga with more than one) and its household's wilayah and desil.

    Computed on integer codes (IDBDT and No. KK ranked in text order, × NUK) instead of grouping 4 M text
    rows: the same table `groupby`/`value_counts`/`merge` gave, in a fraction of the time."""
    nuk = art["nuk"].to_numpy(dtype=np.int64, na_value=0)
    rows = np.flatnonzero(art["nuk"].notna().to_numpy(dtype=bool))
    id_rank, idv = _sorted_codes(art["idbdt"])
    fam_of_row = np.full(len(art), -1, dtype=np.int64)
    fam_of_row[rows] = id_rank[rows] * 128 + nuk[rows]       # NUK is 1–99; sorts as (IDBDT, NUK)
    fam_keys = _sorted_unique(fam_of_row[rows])
    fam_index = np.searchsorted(fam_keys, fam_of_row[rows])     # 0..n_kel-1 per member row with a NUK
    kel = pd.DataFrame({
        "idbdt": pd.Series(idv.array.take(fam_keys // 128)),
        "nuk": pd.array(fam_keys % 128, dtype="Int8"),
    })
    jumlah = np.bincount(fam_index, minlength=len(kel))
    kk_rows = rows[art["no_kk"].notna().to_numpy(dtype=bool)[rows]]
    if len(kk_rows):
        kk_rank, kkv = _sorted_codes(art["no_kk"])
        nkk = len(kkv)
        fam_kk = np.searchsorted(fam_keys, fam_of_row[kk_rows])
        pair = np.sort(fam_kk * nkk + kk_rank[kk_rows])
        start = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        n = np.diff(np.r_[start, len(pair)])
        u = pair[start]
        u_fam, u_kk = u // nkk, u % nkk
        best = np.lexsort((u_kk, -n, u_fam))                        # per keluarga: most members, then smallest
        first = best[np.r_[True, u_fam[best][1:] != u_fam[best][:-1]]]
        pick = np.full(len(kel), -1, dtype=np.int64)
        pick[u_fam[first]] = u_kk[first]
        kel["no_kk"] = pd.Series(kkv.array.take(pick, allow_fill=True))
        nvar = np.bincount(u_fam, minlength=len(kel))
        if (nvar > 1).any():
            m = np.zeros(len(art), dtype=bool)
            m[rows] = nvar[fam_index] > 1
            sub = _SubBatch(art_batch, art_batch.kept())
            F.add(sub, m, "KELUARGA_KK_BEDA", "no_kk", art["no_kk"], "id")
    else:
        kel["no_kk"] = pd.Series(pd.NA, index=kel.index, dtype="str")
    # the household's wilayah and desil (ruta["idbdt"] is unique: one household row per keluarga)
    ruta_index = pd.Index(ruta["idbdt"])
    if not ruta_index.is_unique:
        raise ReconciliationError("tabel rumah_tangga: IDBDT tidak unik", file="rumah_tangga")
    pos = _positions(kel["idbdt"], ruta_index)
    for c in ("kode_kecamatan", "kode_kelurahan", "rt", "desil", "kelompok_desil"):
        kel[c] = pd.Series(ruta[c].array.take(pos, allow_fill=True))
    kel["jumlah_art"] = pd.array(jumlah, dtype="Int16")
    return kel[["idbdt", "nuk", "no_kk", "kode_kecamatan", "kode_kelurahan", "rt", "desil", "kelompok_desil",
                "jumlah_art"]]


class _OneKeluarga:
    """For each value of a key column (NIK, No. KK): how many distinct keluarga (IDBDT, NUK) it appears in,
    counted once on integer codes (dictionary codes × NUK) instead of `drop_duplicates` over 4 M text rows.

    `many()`: rows whose key sits in two or more keluarga (docs/domain.md §3.4 d: one NIK in one family only).
    `unique_frame()`: the keluarga of every key found in exactly one, indexed by the key — what
    `frame.drop_duplicates()` + `value_counts() == 1` + `set_index(key)` gave."""

    def __init__(self, key: pd.Series, idbdt: pd.Series, nuk: pd.Series, rows: np.ndarray | None = None,
                 idbdt_codes: np.ndarray | None = None):
        """`idbdt_codes`: `_text_codes(idbdt)[0]` when the caller has it already."""
        self.key, self.idbdt, self.nuk = key, idbdt, nuk
        self.codes, self.values = _text_codes(key)
        idc = _text_codes(idbdt)[0] if idbdt_codes is None else idbdt_codes
        fam = (idc + 1) * 128 + nuk.fillna(0).to_numpy(dtype=np.int64)   # NUK is 1–99 (schema)
        has = (self.codes >= 0) & nuk.notna().to_numpy(dtype=bool)
        if rows is not None:
            has &= rows
        self.rows = np.flatnonzero(has)
        width = int(fam.max(initial=0)) + 1
        pair = _sorted_unique(self.codes[self.rows] * width + fam[self.rows])
        self.count = np.bincount(pair // width, minlength=len(self.values))

    def many(self) -> np.ndarray:
        return (self.codes >= 0) & (self.count[np.maximum(self.codes, 0)] > 1) if len(self.count) \
            else np.zeros(len(self.codes), dtype=bool)

    def unique_frame(self) -> pd.DataFrame:
        kc = self.codes[self.rows]
        order = np.argsort(kc, kind="stable")
        ks = kc[order]
        start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]]) if len(ks) else np.zeros(0, dtype=np.intp)
        first = order[start]                       # each key's first row (stable sort: in row order)
        r = self.rows[first[self.count[ks[start]] == 1]]
        return pd.DataFrame({"idbdt": self.idbdt.array.take(r), "nuk": self.nuk.array.take(r)},
                            index=pd.Index(self.key.array.take(r), name=self.key.name))

    def count_of(self, s: pd.Series) -> np.ndarray:
        """Number of keluarga of each value of `s` (0 where unknown or NA)."""
        pos = _positions(s, self.values)
        return np.where(pos >= 0, self.count[np.maximum(pos, 0)] if len(self.count) else 0, 0)
