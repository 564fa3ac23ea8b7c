"""Household members (anggota): IDs and membership of a kept household, NIK / No. KK checks, birth date and
age, decoded codes → the `anggota` table."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings, _decode_columns, _flag_decoded, _kept, _SubBatch
from kemiskinan.clean.ids import _dedupe, _flag_mixed_lengths, _household_prefix, _id16, _ids
from kemiskinan.clean.keluarga import _OneKeluarga
from kemiskinan.clean.keys import _lengths, _positions, _starts_with
from kemiskinan.clean.rules import PESAN_KELUARGA, RULES
from kemiskinan.domain import codes
from kemiskinan.domain import nik as nikmod

ART_CODE_COLS = ["hub_krt", "hubkel", "sta_kawin", "ada_akta_nikah", "ada_dikk", "ada_kartu_identitas",
                 "sta_hamil", "jenis_cacat", "penyakit_kronis", "partisipasi_sekolah", "pendidikan_tertinggi",
                 "kelas_tertinggi", "ijazah_tertinggi", "sta_bekerja", "lapangan_usaha", "status_pekerjaan"]
ART_INT_COLS = {"umur": "Int16", "jumlah_jamkerja": "Int16"}


def umur_pada(lahir: pd.Series, acuan: pd.Timestamp) -> pd.Series:
    """Full years between each birth date and `acuan` (Int16); NA where the date is missing or after it."""
    t = pd.to_datetime(lahir)
    had_birthday = (t.dt.month < acuan.month) | ((t.dt.month == acuan.month) & (t.dt.day <= acuan.day))
    years = (acuan.year - t.dt.year - (~had_birthday.fillna(True)).astype(int)).astype("Int64")
    return years.where(t.notna() & (t <= acuan)).astype("Int16")


def _member_keys(b: Batch, F: Findings, ruta: pd.DataFrame, ruta_batch: Batch, kel_unit: bool
                 ) -> tuple[pd.Series, pd.Series]:
    """(IDARTBDT, IDBDT) of every row: checked, the IDBDT derived from the IDARTBDT where it is missing, and
    the rows of no kept household rejected."""
    idart, valid_art, rule_art = _ids(b, "idartbdt")
    idbdt, valid_bdt, rule_bdt = _ids(b, "idbdt")
    F.reject(b, ~valid_art, "IDARTBDT_TIDAK_VALID", "no_kk" if kel_unit else "idartbdt",
             b.col("no_kk" if kel_unit else "idartbdt"), "id",
             pesan=PESAN_KELUARGA["IDARTBDT_TIDAK_VALID"] if kel_unit else None)
    # every household IDBDT of the file (kept or rejected): a member's IDBDT is derived from, and its
    # membership decided against, these
    rb_ids, _, _ = _ids(ruta_batch, "idbdt")
    derive = b.kept() & ~valid_bdt
    if derive.any():
        # the household whose IDBDT starts the IDARTBDT; else the IDARTBDT without its 2-digit member
        # number (the layout of every known export), which membership below then accepts or rejects
        src = idart[derive]
        got = _household_prefix(src, rb_ids.dropna())
        got = got.fillna(src.str.slice(0, -2).where(pd.Series(_lengths(src) > 2, index=src.index)))
        idbdt = idbdt.copy()
        idbdt[derive] = got.to_numpy()
        found = np.zeros(b.n, dtype=bool)
        found[np.flatnonzero(derive)[got.notna().to_numpy()]] = True
        F.add(b, found, "IDBDT_DARI_IDARTBDT", "idbdt", b.col("idbdt"), "id")
        derive = found
    F.add(b, b.kept() & pd.notna(rule_art), rule_art, "idartbdt", b.col("idartbdt"), "id")
    F.add(b, b.kept() & ~derive & pd.notna(rule_bdt), rule_bdt, "idbdt", b.col("idbdt"), "id")
    _flag_mixed_lengths(b, F, idart, b.kept(), "idartbdt", "IDARTBDT")
    _flag_mixed_lengths(b, F, idbdt, b.kept() & ~derive & idbdt.notna().to_numpy(dtype=bool), "idbdt", "IDBDT")
    _membership(b, F, idbdt, ruta, ruta_batch, rb_ids, kel_unit)
    return idart, idbdt


def _membership(b: Batch, F: Findings, idbdt: pd.Series, ruta: pd.DataFrame, ruta_batch: Batch, rb_ids: pd.Series,
                kel_unit: bool) -> None:
    """Reject the members of a rejected household (with its reason) and those of no household."""
    in_ruta = codes.isin_text(idbdt, ruta["idbdt"])
    rejected_hh = pd.Series(ruta_batch.reason, index=rb_ids.index)[ruta_batch.state == 1]
    rejected_hh.index = rb_ids[ruta_batch.state == 1].to_numpy()
    rejected_hh = rejected_hh[~rejected_hh.index.isna()]
    rejected_hh = rejected_hh[~rejected_hh.index.duplicated()]
    outside = np.flatnonzero(~in_ruta)           # only these can belong to a rejected household
    why = idbdt.iloc[outside].map(rejected_hh)
    in_rejected = np.zeros(b.n, dtype=bool)
    in_rejected[outside] = why.notna().to_numpy()
    if in_rejected.any():
        msg = np.full(b.n, None, dtype=object)
        msg[outside] = (RULES["ART_RUTA_DITOLAK"].pesan + " (alasan: " + why.fillna("") + ")").to_numpy(dtype=object)
        F.reject(b, in_rejected, "ART_RUTA_DITOLAK", "idbdt", idbdt, "id", pesan=msg)
    F.reject(b, ~in_ruta, "ART_TANPA_RUTA", "no_kk" if kel_unit else "idbdt", idbdt, "id",
             pesan=PESAN_KELUARGA["ART_TANPA_RUTA"] if kel_unit else None)


def _nik_kk_columns(sub: _SubBatch, F: Findings, d: pd.DataFrame, out: pd.DataFrame, rows: np.ndarray,
                    tgl: pd.Series, ref_year: int) -> None:
    """`nik`, `nik_status` and `no_kk` of the kept members into `out`, their findings logged."""
    nk = _id16(sub, "nik", "nik", F, rows, sex=d.get("jnskel"), birth=tgl, reference_year=ref_year) \
        if "nik" in d else None
    if nk is not None:
        out["nik"] = nk["nik"].astype("str")
        out["nik_status"] = nk["status"].array
    else:
        out["nik"] = pd.Series(pd.NA, index=d.index, dtype="str")
        out["nik_status"] = pd.Categorical(["kosong"] * len(d), categories=nikmod.STATUSES)
    if "no_kk" in d:
        kk = _id16(sub, "no_kk", "kk", F, rows)
        out["no_kk"] = kk["no_kk"].astype("str")
    else:
        out["no_kk"] = pd.Series(pd.NA, index=d.index, dtype="str")


def clean_art(b: Batch, F: Findings, ruta: pd.DataFrame, ruta_batch: Batch, *, acuan: "pd.Timestamp | None" = None,
              satuan: str = "rumah_tangga") -> pd.DataFrame:
    """Members. `acuan`: the round's reference date (`clean(periode=)`) — the century of a NIK's and a
    2-digit-year birth date, and `umur` (full years at that date) where the file has no age column; None:
    century by 2018 and no derived age. `satuan`: the round's unit (only the wording of two rejections
    differs under `keluarga`)."""
    ref_year = acuan.year if acuan is not None else nikmod.REFERENCE_YEAR
    idart, idbdt = _member_keys(b, F, ruta, ruta_batch, satuan == "keluarga")
    _dedupe(b, F, idart.rename("idartbdt"))
    keep = b.kept()
    sub = _SubBatch(b, keep, slim=set())   # the kept rows live on in `d`: the full raw copy is freed
    d = sub.df
    rows = np.ones(len(d), dtype=bool)
    out = pd.DataFrame({"idartbdt": idart[keep].astype("str"), "idbdt": idbdt[keep].astype("str")}, index=d.index)
    del idart, idbdt    # full-length copies no later step reads (memory)
    pref = ~_starts_with(out["idartbdt"], out["idbdt"])
    F.add(sub, pref, "IDARTBDT_BEDA_IDBDT", "idartbdt", d["idartbdt"], "id")
    nuk, nuk_bad = codes.parse_int(d.get("nuk", pd.Series("", index=d.index, dtype="str")), "Int64")
    out_range = ~nuk.between(1, 99).fillna(False)
    nuk_bad = (nuk_bad | out_range).fillna(True)
    nuk = nuk.mask(out_range)
    F.add(sub, nuk_bad.to_numpy(dtype=bool), "NUK_KOSONG", "nuk", d.get("nuk"))
    out["nuk"] = nuk.astype("Int8")
    for c, v in _decode_columns(sub, F, d, rows, codes.decode_codes, "KODE_TIDAK_VALID",
                                {c: (c,) for c in ("hub_krt", "hubkel")}).items():
        out[c] = v
    jk_raw = codes.text(d.get("jnskel", pd.Series("", index=d.index, dtype="str")))
    jk = pd.Series(nikmod._sex_column(jk_raw.fillna("")), index=d.index)
    F.add(sub, (jk_raw.notna() & jk.isna()).to_numpy(dtype=bool), "JK_TIDAK_VALID", "jnskel", jk_raw)
    out["jenis_kelamin"] = pd.Categorical(jk, categories=["L", "P"])
    if "tgllahir" in d:
        tgl, tgl_bad = codes.parse_dates(d["tgllahir"], reference_year=ref_year)
        _flag_decoded(sub, F, "tgllahir", tgl_bad, "TANGGAL_TIDAK_VALID", rows)
    else:
        tgl = pd.Series(pd.NaT, index=d.index, dtype="datetime64[s]")
    out["tanggal_lahir"] = tgl
    if acuan is not None and "tgllahir" in d:
        # a birth after the round's reference date: a wrong `periode` or a typo; said, never silent
        _flag_decoded(sub, F, "tgllahir", tgl > acuan, "TANGGAL_LAHIR_SETELAH_ACUAN", rows)
    for c, v in _decode_columns(sub, F, d, rows, codes.parse_int, "ANGKA_TIDAK_VALID",
                                {c: (dt,) for c, dt in ART_INT_COLS.items()}).items():
        out[c] = v
    if "umur" not in out and acuan is not None:
        # DTKS/DTSEN exports carry no age: full years at the round's reference date (NA without a birth
        # date, or with one after the reference date)
        out["umur"] = umur_pada(tgl, acuan)
    # Memory: at 4 M members the kept raw text is the largest thing held. The code columns are decoded
    # before the NIK/KK checks (their columns still land after them in `out`), and every raw column is
    # dropped from `d` once decoded, so those checks run without ~30 raw columns beside them (the PII
    # term list reads the batch's own columns, not `d`).
    decoded = _decode_columns(sub, F, d, rows, codes.decode_codes, "KODE_TIDAK_VALID",
                              {c: (c,) for c in ART_CODE_COLS if c not in ("hub_krt", "hubkel")})
    for c in list(d.columns):
        if c not in ("nik", "no_kk", "jnskel", "_baris"):   # what the rest of this function reads from `d`
            del d[c]
    _nik_kk_columns(sub, F, d, out, rows, tgl, ref_year)
    for c, v in decoded.items():
        out[c] = v
    del decoded
    # one NIK in one family only (docs/domain.md §3.4 d)
    b.nik_keluarga = _OneKeluarga(out["nik"], out["idbdt"], out["nuk"])   # clean_kks matches on it too
    F.add(sub, b.nik_keluarga.many(), "NIK_GANDA_KELUARGA", "nik", out["nik"], "id")
    # each kept member's kelurahan is its household's (ruta["idbdt"] is unique); NA for the other rows
    pos = np.full(b.n, -1, dtype=np.int64)
    pos[keep] = _positions(out["idbdt"], pd.Index(ruta["idbdt"]))
    b.kel = pd.Series(ruta["kode_kelurahan"].array.take(pos, allow_fill=True), index=b.df.index)
    out["sumber_file"] = _kept(b.file, keep)
    out["baris_sumber"] = d["_baris"].astype("int64")
    return out.reset_index(drop=True)
