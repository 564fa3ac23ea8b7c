"""Which kelurahan is a row in: by code (BPS or Kemendagri), by name (exact, known variants, then fuzzy),
and what to do when the two disagree — against Kota Bontang or another `Reference` set for one run.
Also the RT (rukun tetangga) number read from an SLS name."""
from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from kemiskinan.clean.batch import Batch, Findings
from kemiskinan.clean.keys import _row_codes, _text_codes
from kemiskinan.clean.rules import FUZZY_MARGIN, FUZZY_THRESHOLD
from kemiskinan.domain import codes
from kemiskinan.domain import wilayah as wil
from kemiskinan.domain.codes import TRIM_CHARS


class Reference:
    """A wilayah reference other than Kota Bontang (e.g. all of Kalimantan Timur), for `clean(wilayah=)`.

    Same columns as data/reference/wilayah_bontang.csv (kode_kemendagri, kode_bps, nama, tingkat, induk,
    varian_nama); tingkat `kota` rows are the kab/kota (BPS 4 digits `PPKK`, Kemendagri `PP.KK`). Names are
    looked up within the row's kab/kota when it is known (the same kelurahan name can exist in two
    kab/kota) and only when they are unambiguous; codes are BPS (`KDKEC` 3 + `KDDESA` 3 digits) or
    Kemendagri (2 + 4), as for Bontang.
    """

    def __init__(self, table: pd.DataFrame):
        t = table.fillna("").astype(str)
        self.items = [wil.Wilayah(r.kode_kemendagri, r.kode_bps, r.nama, r.tingkat, r.induk,
                                  tuple(v.strip() for v in str(r.varian_nama).split("|") if v.strip()))
                      for r in t.itertuples(index=False)]
        self.by_kode = {w.kode: w for w in self.items}
        self.by_bps = {w.kode_bps: w for w in self.items if w.kode_bps}
        self.kab_bps = {w.kode_bps for w in self.items if w.tingkat == "kota"}
        self.provs = {int(c[:2]) for c in self.kab_bps}
        self.names: dict[tuple[str, str, str], set[str]] = {}
        for w in self.items:
            if w.tingkat not in ("kelurahan", "kecamatan"):
                continue
            kab = w.kode[:5]
            for n in (w.nama, *w.varian):
                for scope in (kab, ""):
                    self.names.setdefault((w.tingkat, scope, wil.normalise_name(n)), set()).add(w.kode)
        self.fuzzy: dict[str, list[tuple[str, str]]] = {}
        for (tingkat, scope, norm), kodes in self.names.items():
            if tingkat == "kelurahan":
                for k in kodes:
                    self.fuzzy.setdefault(scope, []).append((norm, k))

    def kelurahan(self) -> list:
        return [w for w in self.items if w.tingkat == "kelurahan"]

    def kab_scope(self, prov: str, kab: str) -> tuple[str | None, bool]:
        """(Kemendagri kab/kota code or None, outside the reference)."""
        p, k = _int_or_none(prov), _int_or_none(kab)
        if not prov and not kab:
            return None, False
        if (prov and p not in self.provs) or (kab and k is None):
            return None, True
        if not kab:
            return None, False
        if k >= 100:
            code = str(k)
        elif p is not None:
            code = f"{p:02d}{k:02d}"
        else:   # KDPROP empty: the kab/kota code alone, when only one province in the reference has it
            cands = [c for c in self.kab_bps if c[2:] == f"{k:02d}"]
            code = cands[0] if len(cands) == 1 else None
        if code is None or code not in self.kab_bps:
            return None, True
        return self.by_bps[code].kode, False

    def by_name(self, name: str, tingkat: str, scope: str | None) -> str | None:
        kodes = self.names.get((tingkat, scope or "", wil.normalise_name(str(name))))
        return next(iter(kodes)) if kodes and len(kodes) == 1 else None

    def resolve_name(self, name: object, scope: str | None) -> tuple[str | None, str]:
        if name is None or not str(name).strip():
            return None, "kosong"
        k = self.by_name(str(name), "kelurahan", scope)
        if k is not None:
            return k, "persis"
        if self.names.get(("kelurahan", scope or "", wil.normalise_name(str(name)))):
            return None, "tidak_dikenal"     # the name exists more than once here: ambiguous, never a guess
        norm = wil.normalise_name(str(name))
        if not norm:
            return None, "tidak_dikenal"
        best: dict[str, float] = {}
        for cand, kode in self.fuzzy.get(scope or "", []):
            sc = fuzz.ratio(norm, cand)
            if sc > best.get(kode, -1):
                best[kode] = sc
        if not best:
            return None, "tidak_dikenal"
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        top_kode, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= FUZZY_THRESHOLD and top - second >= FUZZY_MARGIN:
            return top_kode, "mirip"
        return None, "tidak_dikenal"

    def code(self, kdkec: str, kddesa: str, kode_wilayah: str, scope: str | None) -> tuple[str | None, bool]:
        kw = str(kode_wilayah or "").strip()
        if kw:
            digits = "".join(ch for ch in kw if ch.isdigit())
            if len(digits) == 10 and digits[:4] in self.kab_bps:
                w = self.by_kode.get(f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}") or self.by_bps.get(digits)
                return (w.kode if w is not None and w.tingkat == "kelurahan" else None), True
            return None, True
        k, d = _int_or_none(kdkec), _int_or_none(kddesa)
        if k is None and d is None:
            return None, False
        if k is None or d is None or scope is None:
            return None, True
        kab_bps = self.by_kode[scope].kode_bps
        w = self.by_bps.get(f"{kab_bps}{k:03d}{d:03d}") if d < 1000 else self.by_kode.get(f"{scope}.{k:02d}.{d}")
        return (w.kode if w is not None and w.tingkat == "kelurahan" else None), True


#: The reference `clean` resolves against during one run: None = Kota Bontang (kemiskinan.domain.wilayah);
#: set and reset by `clean(wilayah=)` (a ContextVar, as the indicators' `_base._REF`: a run in another
#: thread or context never sees it).
_REF: ContextVar[Reference | None] = ContextVar("kemiskinan_clean_wilayah", default=None)


def reference() -> Reference | None:
    """The wilayah reference of the current run (None: Kota Bontang)."""
    return _REF.get()


def kelurahan_codes() -> list[str]:
    """Kemendagri codes of every kelurahan of the current run's reference (Kota Bontang by default)."""
    ref = _REF.get()
    return [w.kode for w in (wil.kelurahan() if ref is None else ref.kelurahan())]


@lru_cache(maxsize=1)
def _fuzzy_choices() -> dict[str, tuple[str, str]]:
    ch = {}
    for w in wil.kelurahan():
        for n in (w.nama, *w.varian):
            ch[wil.normalise_name(n)] = (w.kode, w.nama)
    return ch


def resolve_kelurahan_name(name: object) -> tuple[str | None, str, float]:
    """Kelurahan name → (Kemendagri code or None, how: 'persis'|'mirip'|'kosong'|'tidak_dikenal', score).

    Exact through the canonical name and known variants (`wilayah.by_name`), then rapidfuzz `fuzz.ratio`
    on normalised names: accepted when ≥ FUZZY_THRESHOLD and ≥ FUZZY_MARGIN above any other kelurahan.
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
        return None, "kosong", 0.0
    w = wil.by_name(str(name), "kelurahan")
    if w is not None:
        return w.kode, "persis", 100.0
    norm = wil.normalise_name(str(name))
    if not norm:
        return None, "tidak_dikenal", 0.0
    best: dict[str, float] = {}
    for cand, (kode, _) in _fuzzy_choices().items():
        sc = fuzz.ratio(norm, cand)
        if sc > best.get(kode, -1):
            best[kode] = sc
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    top_kode, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if top >= FUZZY_THRESHOLD and top - second >= FUZZY_MARGIN:
        return top_kode, "mirip", float(top)
    return None, "tidak_dikenal", float(top)


def _int_or_none(v: str) -> int | None:
    v = str(v).strip(TRIM_CHARS).strip()
    if v.endswith(".0"):
        v = v[:-2]
    return int(v) if v.isdigit() else None


def _code_kelurahan(kdkec: str, kddesa: str, kode_wilayah: str = "") -> tuple[str | None, bool]:
    """(Kemendagri kelurahan code or None, a code was given). BPS 010/020/030 + 001…; Kemendagri 01 + 1001."""
    kw = str(kode_wilayah or "").strip()
    if kw:
        digits = "".join(ch for ch in kw if ch.isdigit())
        if len(digits) == 10 and digits.startswith("6474"):
            kode = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
            try:
                if wil.get(kode).tingkat == "kelurahan":
                    return kode, True
            except KeyError:
                pass
            try:
                w = wil.from_bps(digits)
                if w.tingkat == "kelurahan":
                    return w.kode, True
            except KeyError:
                pass
            return None, True
        return None, True
    k, d = _int_or_none(kdkec), _int_or_none(kddesa)
    if k is None and d is None:
        return None, False
    if k is None or d is None:
        return None, True
    try:
        if k in (10, 20, 30) and d < 1000:
            w = wil.from_bps(f"6474{k:03d}{d:03d}")
        elif k in (1, 2, 3) and d >= 1000:
            w = wil.get(f"64.74.{k:02d}.{d}")
        else:
            return None, True
    except KeyError:
        return None, True
    return (w.kode if w.tingkat == "kelurahan" else None), True


def _resolve_wilayah(b: Batch, F: Findings, name_col: str, kec_name_col: str | None = None,
                     code_cols: tuple[str, str] | None = None, kode_wilayah_col: str | None = None,
                     prov_cols: tuple[str, str] | None = None, fixed_name: pd.Series | None = None,
                     rows: np.ndarray | None = None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Resolve each row's kelurahan over unique combinations. Returns (kode, outside, unresolved)."""
    rows = b.kept() if rows is None else rows
    ref = _REF.get()
    parts = {}
    if prov_cols:
        parts["prov"], parts["kab"] = codes.text(b.col(prov_cols[0])).fillna(""), codes.text(b.col(prov_cols[1])).fillna("")
    if code_cols:
        parts["kec"], parts["desa"] = codes.text(b.col(code_cols[0])).fillna(""), codes.text(b.col(code_cols[1])).fillna("")
    if kode_wilayah_col:
        parts["kw"] = codes.text(b.col(kode_wilayah_col)).fillna("")
    parts["nama"] = (fixed_name if fixed_name is not None else codes.text(b.col(name_col))).fillna("")
    if kec_name_col:
        parts["nmkec"] = codes.text(b.col(kec_name_col)).fillna("")
    key_df = pd.DataFrame(parts)
    codes_arr, first = _row_codes([key_df[c] for c in key_df.columns])
    uniq = list(key_df.iloc[first].itertuples(index=False, name=None))
    n_u = len(uniq)
    kode_u = np.full(n_u, None, dtype=object)
    outside_u = np.zeros(n_u, dtype=bool)
    flags_u: dict[str, np.ndarray] = {r: np.zeros(n_u, dtype=bool) for r in
                                      ("WILAYAH_FUZZY", "WILAYAH_KODE_NAMA_BEDA", "WILAYAH_KODE_TIDAK_DIKENAL",
                                       "WILAYAH_KEC_BEDA", "_NAMA_DIPAKAI")}
    # the code as written, for the quality report's counts per (code, name) pair (codes are not personal)
    code_text_u = ["" for _ in range(n_u)]
    names = list(key_df.columns)
    for i, tup in enumerate(uniq):
        r = dict(zip(names, tup))
        code_text_u[i] = r.get("kw") or (f"{r.get('kec', '')}.{r.get('desa', '')}" if "kec" in r else "")
        if ref is not None:
            _resolve_one_ref(ref, r, i, bool(prov_cols), bool(code_cols or kode_wilayah_col), kec_name_col,
                             kode_u, outside_u, flags_u)
            continue
        if prov_cols:
            p, k = _int_or_none(r["prov"]), _int_or_none(r["kab"])
            if (r["prov"] and p != 64) or (r["kab"] and k not in (74, 6474)):
                outside_u[i] = True
                continue
        code, code_given = (None, False)
        if code_cols or kode_wilayah_col:
            code, code_given = _code_kelurahan(r.get("kec", ""), r.get("desa", ""), r.get("kw", ""))
        by_name, how, _ = resolve_kelurahan_name(r["nama"])
        _settle_kode(i, code, code_given, by_name, how, kode_u, flags_u, parent=lambda k: wil.get(k).induk)
        if kode_u[i] and kec_name_col and r.get("nmkec"):
            wk = wil.by_name(r["nmkec"], "kecamatan")
            if wk is not None and wk.kode != wil.get(kode_u[i]).induk:
                flags_u["WILAYAH_KEC_BEDA"][i] = True
    kode = pd.Series(kode_u[codes_arr], index=b.df.index, dtype="str")
    outside = outside_u[codes_arr]
    unresolved = kode.isna().to_numpy() & ~outside
    for rid, fu in flags_u.items():
        if rid.startswith("_") or not fu.any():
            continue
        m = rows & fu[codes_arr]
        col = name_col if rid in ("WILAYAH_FUZZY", "WILAYAH_KODE_NAMA_BEDA") else \
            (kec_name_col if rid == "WILAYAH_KEC_BEDA" else (code_cols[1] if code_cols else kode_wilayah_col))
        nilai = parts["nama"] if rid != "WILAYAH_KEC_BEDA" else parts.get("nmkec")
        pesan = None
        if rid == "WILAYAH_KODE_NAMA_BEDA":
            # value = "code as written | name as written" (neither is personal): the quality report counts
            # the pairs; the message says which of the two decided the row
            ct = np.array(code_text_u, dtype=object)[codes_arr]
            nilai = pd.Series(ct + " | " + parts["nama"].to_numpy(dtype=object), index=b.df.index, dtype="str")
            won = flags_u["_NAMA_DIPAKAI"][codes_arr]
            pesan = np.where(won, PESAN_KODE_NAMA["nama"], PESAN_KODE_NAMA["kode"]).astype(object)
        F.add(b, m, rid, col, nilai, pesan=pesan)
    return kode, outside, unresolved


#: WILAYAH_KODE_NAMA_BEDA: the message of a row whose name, or whose code, decided its kelurahan.
PESAN_KODE_NAMA = {
    "nama": "kode wilayah dan nama kelurahan tidak sepakat; nama dipakai (cocok persis dengan satu kelurahan di "
            "kecamatan kode itu; kode desa BPS lewat tabel padanan yang belum diverifikasi)",
    "kode": "kode wilayah dan nama kelurahan tidak sepakat; kode dipakai (nama tidak cocok persis dengan satu "
            "kelurahan di kecamatan kode itu)",
}


def _settle_kode(i: int, code, code_given: bool, by_name, how: str, kode_u, flags_u, parent=None) -> None:
    """Key `i`'s kelurahan from its code and its name, by one rule for Bontang and for a `Reference`.

    A known code and a name that agree: that kelurahan. When they disagree (WILAYAH_KODE_NAMA_BEDA, flagged
    either way), the name wins where it matches exactly (after normalisation, not fuzzily) one kelurahan of
    the code's own kecamatan — the BPS desa codes come through a crosswalk that is not verified
    (data/reference: keyakinan P), the kecamatan part is; otherwise the code is kept. No known code: the
    name decides (a fuzzy match is flagged, and so is a code that was given but is not known).
    `parent(kode)`: the kecamatan of a kelurahan code."""
    if code:
        kode_u[i] = code
        if by_name and by_name != code:
            flags_u["WILAYAH_KODE_NAMA_BEDA"][i] = True
            if how == "persis" and parent is not None and parent(by_name) == parent(code):
                kode_u[i] = by_name
                flags_u["_NAMA_DIPAKAI"][i] = True
    elif by_name:
        kode_u[i] = by_name
        if how == "mirip":
            flags_u["WILAYAH_FUZZY"][i] = True
        if code_given:
            flags_u["WILAYAH_KODE_TIDAK_DIKENAL"][i] = True


def _resolve_one_ref(ref: Reference, r: dict, i: int, has_prov: bool, has_code: bool, kec_name_col,
                     kode_u, outside_u, flags_u) -> None:
    """`_resolve_wilayah` for one distinct key against a `Reference` (same rules, names scoped by kab/kota)."""
    scope = None
    if has_prov:
        scope, outside = ref.kab_scope(r["prov"], r["kab"])
        if outside:
            outside_u[i] = True
            return
    code, code_given = (None, False)
    if has_code:
        code, code_given = ref.code(r.get("kec", ""), r.get("desa", ""), r.get("kw", ""), scope)
    by_name, how = ref.resolve_name(r["nama"], scope)
    _settle_kode(i, code, code_given, by_name, how, kode_u, flags_u, parent=lambda k: ref.by_kode[k].induk)
    if kode_u[i] and kec_name_col and r.get("nmkec"):
        wk = ref.by_name(r["nmkec"], "kecamatan", scope or kode_u[i][:5])
        if wk is not None and wk != ref.by_kode[kode_u[i]].induk:
            flags_u["WILAYAH_KEC_BEDA"][i] = True


def _rt_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`RT 001`, `RT.12`, `12`, `RT 012/RW 03` → '001', '012'."""
    t = codes.text(s)
    # on the distinct values only: a file has a few hundred spellings of RT numbers, not a million
    pos, uniques = _text_codes(t)
    num = pd.Series(uniques).str.extract(r"(?i)^\s*(?:RT)?\s*[.:\-]?\s*0*(\d{1,3})\b", expand=False)
    out = pd.Series(num.str.zfill(3).array.take(pos, allow_fill=True), index=t.index)
    return out, t.notna() & out.isna()
