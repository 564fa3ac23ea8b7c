"""The follow-ups a briefing recommends, generated from the indicator tables, most urgent first.

`recommendation_items(tables, kode, lang)` → [{"opd", "teks", "aksi", "kelurahan", "jumlah", "satuan",
"biaya"}]: `teks` is the full sentence of the Rekomendasi section; `aksi` (what), `kelurahan` (where),
`jumlah` (how many, in `satuan`) and `biaya` (yearly cost) are what page 1 shows for the first three
(`top_actions`). `sections.recommendations` renders the list.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from kemiskinan.briefing import fmt, labels, views
from kemiskinan.i18n import program_name, t
from kemiskinan.briefing.views import is_true, num, row, rows, tbl


class _Builder:
    """The list of follow-ups of one briefing and what every kind of follow-up needs to say where."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], kode: str, lang: str):
        self.tables, self.kode, self.lang = tables, kode, lang
        self.names = views.names(tables)
        self.nama = self.names.get(kode, kode)
        self.scope = views.kelurahan_in(kode)
        self.single = views.tingkat(kode) == "kelurahan"
        self.desil = labels.desil_words(views.target_desil(tables), lang, True)
        self.out: list[dict[str, str]] = []

    def top(self, pairs, n=3) -> str:
        return ", ".join(f"{self.names.get(c, c)} ({fmt.angka(v, self.lang)})" for c, v in pairs[:n])

    def where(self, pairs) -> str:
        return self.nama if self.single or not pairs else self.top(pairs)

    def rincian(self, pairs) -> str:
        return t("rek_rincian", self.lang, daftar=self.top(pairs)) if len(pairs) > 1 else ""

    def add(self, opd, teks, aksi="", kelurahan="", jumlah=None, satuan="keluarga", biaya="") -> None:
        self.out.append({"opd": opd, "teks": teks, "aksi": aksi, "kelurahan": kelurahan,
                         "jumlah": fmt.angka(jumlah, self.lang) if jumlah is not None else "", "satuan": satuan,
                         "biaya": biaya})


def _gap_by_kelurahan(tables, kode) -> list[tuple[str, float]]:
    """(kelurahan code, keluarga tanpa KKS) in scope, largest first; empty when scope is one kelurahan."""
    ring = rows(tbl(tables, "ringkasan"), views.kelurahan_in(kode))
    if ring.empty or "keluarga_tanpa_kks" not in ring:
        return []
    s = pd.to_numeric(ring["keluarga_tanpa_kks"], errors="coerce")
    return views.positive_pairs(ring["kode_wilayah"].astype(str), s)


def _costs(b: _Builder) -> None:
    """The KKS gap, where it is and what closing it costs; then the other programmes with a known cost."""
    tables, kode, lang = b.tables, b.kode, b.lang
    r = row(tbl(tables, "ringkasan"), kode)
    biaya = views.target_rows(tables, kode, rows(tbl(tables, "biaya"), kode))
    costed = pd.DataFrame()
    if not biaya.empty:
        bb = biaya.assign(_n=pd.to_numeric(biaya["n_keluarga_dikecualikan"], errors="coerce"),
                          _b=pd.to_numeric(biaya.get("biaya_per_tahun"), errors="coerce"))
        costed = bb[(bb["_n"] > 0) & bb["_b"].notna()]  # a programme without a known benefit has no cost to state
    is_kks = costed["program"].astype(str).str.lower() == "kks" if not costed.empty else pd.Series(dtype=bool)

    def cost_sentence(br) -> str:
        return t("rek_biaya", lang, n=fmt.angka(br["_n"], lang), program=program_name(br["program"]),
                 biaya=fmt.rupiah(br.get("biaya_per_tahun"), lang), manfaat=fmt.rupiah(br.get("manfaat_per_bulan"), lang))

    gap = num(r.get("keluarga_tanpa_kks"))
    if gap:
        pairs = _gap_by_kelurahan(tables, kode)
        teks = t("rek_kks", lang, n=fmt.angka(gap, lang), nama=b.nama, rincian=b.rincian(pairs))
        kks_cost = costed[is_kks] if not costed.empty else costed
        cost = ""
        if not kks_cost.empty:
            teks += " " + cost_sentence(kks_cost.iloc[0])
            cost = t("per_tahun", lang, biaya=fmt.rupiah(kks_cost.iloc[0]["_b"], lang))
        b.add(t("opd_dinsos", lang), teks, t("aksi_kks", lang), b.where(pairs), gap, biaya=cost)
    elif not costed.empty and is_kks.any():
        b.add(t("opd_dinsos", lang), cost_sentence(costed[is_kks].iloc[0]))
    others = costed[~is_kks] if not costed.empty else costed
    for _, br in ([] if others.empty else others.sort_values(["_n", "program"], ascending=[False, True], kind="mergesort").iterrows()):
        sub = views.target_rows(tables, kode, rows(tbl(tables, "biaya"), [c for c in b.scope if c != kode]))
        sub = sub[sub["program"].astype(str) == str(br["program"])] if not sub.empty else sub
        pairs = views.positive_pairs(sub.get("kode_wilayah", []), pd.to_numeric(
            sub.get("n_keluarga_dikecualikan", pd.Series(dtype=float)), errors="coerce"))
        b.add(t("opd_dinsos", lang), cost_sentence(br), t("aksi_program", lang, program=program_name(br["program"]), desil=b.desil),
              b.where(pairs), br["_n"], biaya=t("per_tahun", lang, biaya=fmt.rupiah(br["_b"], lang)))


def _no_programme(b: _Builder) -> None:
    """Households of the target group receiving nothing."""
    tt = views.target_rows(b.tables, b.kode, tbl(b.tables, "tumpang_tindih"), col="kelompok")
    if tt.empty or "jumlah_program" not in tt:
        return
    none = rows(tt, b.kode)
    none = none[pd.to_numeric(none["jumlah_program"], errors="coerce") == 0]
    n_none = pd.to_numeric(none["n_rumah_tangga"], errors="coerce").sum() if not none.empty else 0
    if n_none > 0:
        sub = rows(tt, b.scope) if not b.single else tt.iloc[0:0]
        sub = sub[pd.to_numeric(sub["jumlah_program"], errors="coerce") == 0] if not sub.empty else sub
        pairs = sorted(((str(c), float(v)) for c, v in sub.groupby(sub["kode_wilayah"].astype(str))["n_rumah_tangga"].sum().items()
                        if v > 0), key=lambda p: (-p[1], p[0])) if not sub.empty else []
        b.add(t("opd_dinsos", b.lang), t("rek_tanpa_program", b.lang, n=fmt.angka(n_none, b.lang), rincian=b.rincian(pairs), desil=b.desil),
              t("aksi_tanpa_program", b.lang, desil=b.desil), b.where(pairs), n_none, satuan="rumah_tangga")


def _priorities_and_targeting(b: _Builder) -> None:
    """Priority-1 kelurahan in scope; recipients outside the target; recipients not in the BDT."""
    lang = b.lang
    pri = rows(tbl(b.tables, "prioritas"), b.scope)
    if not pri.empty and not b.single:
        p1 = pri[pd.to_numeric(pri["prioritas"], errors="coerce") == 1]
        if not p1.empty:
            daftar = ", ".join(b.names.get(str(c), str(c)) for c in p1.sort_values("x_persen_d1_d2", ascending=False,
                                                                                    kind="mergesort")["kode_wilayah"])
            b.add(t("opd_bapelitbang", lang), t("rek_prioritas", lang, daftar=daftar), t("aksi_prioritas", lang), daftar)
    cak = views.target_rows(b.tables, b.kode, rows(tbl(b.tables, "cakupan"), b.kode))
    inc, nobdt = [], []
    for _, cr in cak.iterrows():
        n_out, n_nb = num(cr.get("n_penerima_luar_target")), num(cr.get("n_penerima_tidak_di_bdt"))
        if n_out and n_out > 0:
            sat = str(cr.get("satuan") or "keluarga")
            inc.append(t("rek_inklusi_item", lang, program=program_name(cr["program"]), n=fmt.angka(n_out, lang),
                         satuan=t(f"satuan_{sat}", lang) if sat in ("keluarga", "rumah_tangga", "jiwa") else sat,
                         persen=fmt.persen(cr.get("inclusion_error"), lang)))
        if n_nb and n_nb > 0:
            nobdt.append(f"{program_name(cr['program'])} {fmt.angka(n_nb, lang)}")
    if inc:
        b.add(t("opd_dinsos", lang), t("rek_inklusi", lang, daftar="; ".join(inc)))
    if nobdt:
        b.add(t("opd_disdukcapil", lang), t("rek_tidak_di_bdt", lang, daftar="; ".join(nobdt)))


def _mpm(b: _Builder) -> None:
    """MPM: who has not reported, what is not yet verified."""
    lang = b.lang
    mpm = tbl(b.tables, "mpm")
    kel = rows(mpm, b.scope)
    if not kel.empty and "melapor" in kel:
        silent = [str(c) for c, m in zip(kel["kode_wilayah"], kel["melapor"]) if not is_true(m)]
        if silent:
            daftar = ", ".join(b.names.get(c, c) for c in silent)
            batas = labels.batas(views.batas_lapor(b.tables, b.kode), lang)
            b.add(t("opd_kelurahan", lang), t("rek_mpm_lapor", lang, daftar=daftar, batas=batas),
                  t("aksi_mpm_lapor", lang), daftar)
    mr = row(mpm, b.kode)
    belum = num(mr.get("belum_diverifikasi")) if mr else None
    if belum and belum > 0:
        pairs = []
        if not b.single and not kel.empty:
            pairs = views.positive_pairs(kel["kode_wilayah"], pd.to_numeric(kel["belum_diverifikasi"], errors="coerce"))
        b.add(t("opd_kelurahan", lang), t("rek_mpm_verifikasi", lang, n=fmt.angka(belum, lang), rincian=b.rincian(pairs)),
              t("aksi_mpm_verifikasi", lang), b.where(pairs), belum, satuan="rumah_tangga")


def recommendation_items(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id") -> list[dict[str, str]]:
    """The generated follow-ups as data, most urgent first: [{"opd", "teks", "aksi", "kelurahan",
    "jumlah", "satuan", "biaya"}]. `kelurahan` is this kelurahan, or the kelurahan with the most
    families concerned; `biaya` is "" when the programme has no known benefit.

    Order: closing the KKS gap, then the other programmes with a known yearly cost (most families
    first), then households with no programme at all — the actions that have families and, where
    known, a cost — then priorities, targeting errors and the MPM follow-ups."""
    b = _Builder(tables, kode, lang)
    _costs(b)
    _no_programme(b)
    _priorities_and_targeting(b)
    _mpm(b)
    return b.out


def top_actions(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", n: int = 3) -> list[dict[str, str]]:
    """Page 1's actions: the first `n` recommendations that say what to do, where and for how many."""
    return [a for a in recommendation_items(tables, kode, lang) if a["aksi"] and a["jumlah"]][:n]
