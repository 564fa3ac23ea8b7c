"""The KKS card list: its own checks (`prepare_kks`), each row matched to a keluarga (IDBDT, No. KK, NIK) and
each keluarga's best card status (`clean_kks`) → the `kks` table and `keluarga.kks_status`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings, _kept
from kemiskinan.clean.ids import _dedupe, _id16, _ids
from kemiskinan.clean.keluarga import _OneKeluarga
from kemiskinan.clean.keys import _positions, _take, _text_codes
from kemiskinan.clean.wilayah_match import _resolve_wilayah
from kemiskinan.domain import codes
from kemiskinan.domain import nik as nikmod
from kemiskinan.errors import ReconciliationError
from kemiskinan.ingest import profiles

STATUS_RANK = {"tersalur": 3, "belum_tersalur": 2, "dikembalikan": 1}


def prepare_kks(b: Batch, F: Findings, reference_year: int = nikmod.REFERENCE_YEAR) -> dict:
    """The part of the KKS list's cleaning that needs only the list itself (duplicates, wilayah, No. KK
    and NIK checks, card status, dates) — `_clean` runs it beside the member stage, on the other core."""
    # exact duplicates first (they would otherwise look like a family with two KKS rows)
    _dedupe(b, F, None)
    rows_all = b.kept()
    kode, _, unresolved = _resolve_wilayah(b, F, "kelurahan", "kecamatan", rows=rows_all)
    kk = _id16(b, "no_kk", "kk", F, rows_all) if b.has("no_kk") else None
    nk = _id16(b, "nik_pengurus", "nik", F, rows_all, reference_year=reference_year) if b.has("nik_pengurus") else None
    no_kk = kk["no_kk"] if kk is not None else pd.Series(pd.NA, index=b.df.index, dtype="str")
    nik_p = nk["nik"] if nk is not None else pd.Series(pd.NA, index=b.df.index, dtype="str")
    status, st_bad = profiles.decode_status(b.col("status_kartu"))   # words mapped by the source profile
    F.add(b, rows_all & st_bad.to_numpy(dtype=bool), "KKS_STATUS_TIDAK_VALID", "status_kartu", b.col("status_kartu"))
    tgl, tgl_bad = codes.parse_dates(b.col("tanggal_distribusi"), reference_year=reference_year)
    F.add(b, rows_all & tgl_bad.to_numpy(dtype=bool), "TANGGAL_TIDAK_VALID", "tanggal_distribusi",
          b.col("tanggal_distribusi"))
    idbdt = None
    if b.has("idbdt"):   # a KKS list that carries the household's IDBDT: matched on it first (clean_kks)
        idbdt, valid, rule = _ids(b, "idbdt")
        F.add(b, rows_all & pd.notna(rule), rule, "idbdt", b.col("idbdt"), "id")
        given = codes.text(b.col("idbdt")).notna().to_numpy(dtype=bool)
        F.add(b, rows_all & given & ~valid, "KKS_IDBDT_TIDAK_DIKENAL", "idbdt", b.col("idbdt"), "id")
    return {"kode": kode, "unresolved": unresolved, "no_kk": no_kk, "nik_p": nik_p, "status": status, "tgl": tgl,
            "idbdt": idbdt}


#: How a KKS row found its keluarga (kks.cocok_lewat).
COCOK_LEWAT = ["no_kk", "nik", "tidak_ditemukan", "idbdt"]   # (new value last: existing codes unchanged)


def _match_idbdt(b: Batch, F: Findings, idk: pd.Series, kel: pd.DataFrame, kc: np.ndarray, kv: pd.Index,
                 idb: pd.Series, nuk: pd.Series, lewat: np.ndarray) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """IDBDT first (a KKS list that carries it): a row whose IDBDT is a household with one keluarga is that
    keluarga (`idbdt`), whatever its No. KK / NIK say (KKS_IDBDT_BEDA when they point to another household).
    A household with several keluarga: the No. KK / NIK match is kept when it lies in that household, else
    the keluarga is not guessed (KKS_IDBDT_BANYAK_KELUARGA). An IDBDT that is no kept household:
    KKS_IDBDT_TIDAK_DIKENAL, and No. KK / NIK decide. `kc`, `kv`: `_text_codes(kel["idbdt"])`."""
    n_kel = np.bincount(kc[kc >= 0], minlength=len(kv))           # keluarga per household
    first = np.full(len(kv), -1, dtype=np.int64)
    first[kc[::-1]] = np.arange(len(kc))[::-1]                     # a household's first keluarga row
    pos = _positions(idk, kv)
    given = idk.notna().to_numpy(dtype=bool)
    known = pos >= 0
    F.add(b, b.kept() & given & ~known, "KKS_IDBDT_TIDAK_DIKENAL", "idbdt", b.col("idbdt"), "id")
    cnt = np.where(known, n_kel[np.maximum(pos, 0)], 0)
    single = known & (cnt == 1)
    other_hh = idb.notna().to_numpy(dtype=bool) & (idb.fillna("").to_numpy(dtype=object) != idk.fillna("").to_numpy(dtype=object))
    F.add(b, b.kept() & single & other_hh, "KKS_IDBDT_BEDA", "idbdt", b.col("idbdt"), "id")
    F.add(b, b.kept() & known & (cnt > 1) & (other_hh | idb.isna().to_numpy(dtype=bool)),
          "KKS_IDBDT_BANYAK_KELUARGA", "idbdt", b.col("idbdt"), "id")
    row = first[np.maximum(pos, 0)]
    sm = pd.Series(single, index=idb.index)
    idb = idb.where(~sm, pd.Series(kel["idbdt"].array.take(np.where(single, row, -1), allow_fill=True), index=idb.index))
    nuk = nuk.where(~sm, pd.Series(kel["nuk"].array.take(np.where(single, row, -1), allow_fill=True), index=nuk.index))
    lewat = np.where(single, "idbdt", lewat)
    return idb, nuk, lewat


def clean_kks(b: Batch, F: Findings, kel: pd.DataFrame, art: pd.DataFrame,
              prepared: dict | None = None, nik_keluarga: "_OneKeluarga | None" = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KKS list matched to the keluarga (by No. KK, else by the holder's NIK) and each keluarga's
    card status. `prepared`: the result of `prepare_kks(b, F)` when it already ran; `nik_keluarga`: the
    members' NIK → keluarga counts `clean_art` made from the same `art` rows."""
    p = prepared if prepared is not None else prepare_kks(b, F)
    kode, unresolved, no_kk, nik_p, status, tgl = (p[k] for k in ("kode", "unresolved", "no_kk", "nik_p",
                                                                 "status", "tgl"))
    # match: by No. KK (unique among keluarga), else by the holder's NIK among members (unique family)
    # (a keluarga row is one (IDBDT, NUK), so a No. KK "in one keluarga" is a No. KK on one keluarga row)
    kc, kv = _text_codes(kel["idbdt"])    # also the key of the status join at the end
    by_kk = _OneKeluarga(kel["no_kk"], kel["idbdt"], kel["nuk"], idbdt_codes=kc)
    kk_unique = by_kk.unique_frame()
    nik_unique = (nik_keluarga or _OneKeluarga(art["nik"], art["idbdt"], art["nuk"])).unique_frame()
    # (`Series.map` through a text index, done once per lookup table with arrow's index_in: same values)
    kk_pos = _positions(no_kk, kk_unique.index)
    idb = _take(kk_unique["idbdt"], kk_pos, no_kk.index)
    m_kk = idb.notna().to_numpy()
    nuk = _take(kk_unique["nuk"], kk_pos, no_kk.index)
    amb = no_kk.notna().to_numpy() & (by_kk.count_of(no_kk) > 1)
    F.add(b, amb & b.kept(), "KKS_KK_AMBIGU", "no_kk", b.col("no_kk"), "id")
    nik_pos = _positions(nik_p, nik_unique.index)
    nik_idb = _take(nik_unique["idbdt"], nik_pos, nik_p.index)
    m_nik = ~m_kk & nik_idb.notna().to_numpy()
    idb = idb.where(~pd.Series(m_nik, index=idb.index), nik_idb)
    nuk = nuk.where(~pd.Series(m_nik, index=nuk.index), _take(nik_unique["nuk"], nik_pos, nik_p.index))
    lewat = np.where(m_kk, "no_kk", np.where(m_nik, "nik", "tidak_ditemukan"))
    if p.get("idbdt") is not None:
        idb, nuk, lewat = _match_idbdt(b, F, p["idbdt"], kel, kc, kv, idb, nuk, lewat)
    matched = lewat != "tidak_ditemukan"
    F.reject(b, unresolved & ~matched, "KKS_TIDAK_DAPAT_DITEMPATKAN", "kelurahan", b.col("kelurahan"))
    F.add(b, b.kept() & unresolved & matched, "WILAYAH_TIDAK_DIKENAL_KKS", "kelurahan", b.col("kelurahan"))
    F.add(b, b.kept() & ~matched, "KKS_TIDAK_DITEMUKAN", "no_kk", b.col("no_kk"), "id")
    keep = b.kept()
    b.kel = kode
    out = pd.DataFrame({
        "no_kk": no_kk[keep].astype("str"), "nik_pengurus": nik_p[keep].astype("str"),
        "kode_kelurahan": kode[keep].astype("str"), "status_kartu": status[keep],
        "tanggal_distribusi": tgl[keep], "idbdt": idb[keep].astype("str"),
        "nuk": pd.array(nuk[keep], dtype="Int8"),
        "cocok_lewat": pd.Categorical(lewat[keep], categories=COCOK_LEWAT),
        "sumber_file": _kept(b.file, keep), "sumber_sheet": _kept(b.sheet, keep),
        "baris_sumber": b.df["_baris"].to_numpy()[keep].astype("int64"),
    })
    kel = _kks_status(b, F, out, kel, kc, kv)
    return out.reset_index(drop=True), kel


def _kks_status(b: Batch, F: Findings, out: pd.DataFrame, kel: pd.DataFrame, kc: np.ndarray, kv: pd.Index
               ) -> pd.DataFrame:
    """`kel` with each keluarga's best card status (`kks_status`, `kks`) from the matched rows of `out`;
    keluarga with several rows are flagged (KKS_KELUARGA_GANDA). `kc`, `kv`: `_text_codes(kel["idbdt"])`."""
    m = out.dropna(subset=["idbdt", "nuk"]).copy()
    m["_rank"] = m["status_kartu"].astype("str").map(STATUS_RANK).fillna(0)
    m["_pos"] = m.index.to_numpy()
    # the matched rows' keluarga as integer keys, like the keluarga's own below: IDBDT's position among the
    # keluarga's distinct IDBDT × 128 + NUK (1–99). An IDBDT no keluarga has (not expected: matches come from
    # the keluarga and members) gets its own position past the keluarga's, so it matches none of them.
    mpos = _positions(m["idbdt"], kv)
    unknown = mpos < 0
    if unknown.any():
        mpos[unknown] = len(kv) + _text_codes(m["idbdt"][unknown])[0]
    m_key = (mpos + 1) * 128 + m["nuk"].to_numpy(dtype=np.int64)
    multi = codes.repeated(m_key)
    if multi.any():
        mm = np.zeros(b.n, dtype=bool)
        mm[m["_pos"].to_numpy()[multi]] = True
        F.add(b, mm, "KKS_KELUARGA_GANDA", "no_kk", b.col("no_kk"), "id")
    # best row per keluarga: highest rank (one status per rank), then the first source row
    order = np.lexsort((m["baris_sumber"].to_numpy(), -m["_rank"].to_numpy(), m_key))
    ks = m_key[order]
    first = order[np.r_[True, ks[1:] != ks[:-1]]] if len(ks) else order
    keep_best = first[(m["_rank"].to_numpy()[first] > 0) & (mpos[first] < len(kv))]
    best, bpos = m.iloc[keep_best][["idbdt", "nuk", "status_kartu"]], mpos[keep_best]
    # each keluarga's best status: a left join on (IDBDT, NUK), done on the integer keys instead of a text
    # merge of 1 M rows
    kel_key = pd.Index((kc + 1) * 128 + kel["nuk"].fillna(0).to_numpy(dtype=np.int64))
    if not kel_key.is_unique:   # what merge(validate="one_to_one") guarded: one keluarga row per (IDBDT, NUK)
        raise ReconciliationError("tabel keluarga berisi (idbdt, nuk) ganda", file="keluarga")
    best_key = pd.Index((bpos + 1) * 128 + best["nuk"].to_numpy(dtype=np.int64))
    at = best_key.get_indexer(kel_key)
    st = pd.Series(best["status_kartu"].astype("str").array.take(at, allow_fill=True),
                   index=kel.index).fillna("tidak_ada")
    kel = kel.copy(deep=False)
    kel["kks_status"] = pd.Categorical(st, categories=codes.KKS_STATUSES)
    kel["kks"] = pd.array(st == "tersalur", dtype="boolean")
    return kel


def _empty_kks() -> tuple[pd.DataFrame, None]:
    return pd.DataFrame({
        "no_kk": pd.Series(dtype="str"), "nik_pengurus": pd.Series(dtype="str"), "kode_kelurahan": pd.Series(dtype="str"),
        "status_kartu": pd.Categorical([], categories=codes.KKS_STATUSES[:3]),
        "tanggal_distribusi": pd.Series(dtype="datetime64[s]"), "idbdt": pd.Series(dtype="str"),
        "nuk": pd.Series(dtype="Int8"), "cocok_lewat": pd.Categorical([], categories=COCOK_LEWAT),
        "sumber_file": pd.Categorical([]), "sumber_sheet": pd.Categorical([]), "baris_sumber": pd.Series(dtype="int64")}), None
