"""Briefing sections (docs/domain.md §6) as HTML: the views of one wilayah (`views`) and its charts in,
escaped HTML out.

Each section has two functions: `<bagian>_html(view, …, grafik…)` renders a view and charts already
drawn (what notebook 03 calls, step by step), and `section_<bagian>(tables, kode, lang, …)` does the
three steps in one call (view, charts through the chart cache, render) for previews and tests. Both
return an `Html` object: a `str` that Jupyter displays as HTML.

Rules kept here, and why:
- Jinja2 with autoescape: kelurahan/RT names come from data files and must never inject markup.
- Numbers only through `kemiskinan.briefing.fmt`; a suppressed or missing value shows "–*"/"–", never 0.
- Tables have at most 6 columns: the briefing is read on a 390 px phone and printed on A4 (wide tables
  get clipped in every PDF route).
- Aggregates only (docs/domain.md §7): nothing here reads a person-level table.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd
from markupsafe import Markup

from kemiskinan.briefing import chart_cache, charts, fmt, labels, maps, views
from kemiskinan.briefing.blocks import Html, empty as _empty, markup as _markup, render as _render, \
    section as _section, table_html, template as _template

from kemiskinan.i18n import desil_label, program_name, t
from kemiskinan.briefing.rekomendasi import recommendation_items, top_actions
from kemiskinan.briefing.views import KOTA, num, row, tingkat
from kemiskinan.domain import wilayah
from kemiskinan.indicators import meta as indicator_meta



def _chart(fn, *args, **kwargs) -> Markup:
    """A chart's `<figure>`: `fn(*args, **kwargs)` drawn, or reused from the chart cache."""
    return Markup(chart_cache.cached_html(fn, *args, **kwargs))


def _for_label(kode: str, nama: str, lang: str) -> str:
    tk = tingkat(kode)
    if tk == "kota":
        return t("untuk_walikota", lang)
    return t("untuk_camat" if tk == "kecamatan" else "untuk_lurah", lang, nama=nama)


# ----------------------------------------------------------------------------------------------------
# banner and page 1
# ----------------------------------------------------------------------------------------------------

# ----------------------------------------------------------------------------------------------------
# banner and headline
# ----------------------------------------------------------------------------------------------------
_BANNER = """
{% if sintetis %}<div class="banner-sintetis" role="alert">{{ banner }}</div>
{% endif %}
<header class="kepala">
<p class="jenis">{{ judul }}</p>
<h1>{{ nama }}</h1>
<p class="untuk">{{ untuk }}{% if periode %} · {{ periode_label }} {{ periode }}{% endif %}</p>
<p class="rahasia">{{ rahasia }}</p>
</header>
"""


def banner(meta: Mapping[str, Any]) -> Html:
    """Title block of a briefing plus, for synthetic data, the red "DATA SINTETIS" banner.

    `meta` is the notebook's `kemiskinan` metadata: wilayah, nama_wilayah, periode, lang, sintetis, ….
    """
    lang = meta.get("lang", "id")
    kode = str(meta.get("wilayah", KOTA))
    nama = meta.get("nama_wilayah") or wilayah.names().get(kode, kode)
    return _render(_BANNER, sintetis=bool(meta.get("sintetis")), banner=t("banner_sintetis", lang),
                   judul=t("judul_dokumen", lang), nama=nama, untuk=_for_label(kode, nama, lang),
                   periode=meta.get("periode") or "", periode_label=t("periode", lang),
                   rahasia=t("rahasia_agregat", lang))


_BRIEF = """
<section class="bagian ringkasan-halaman" id="ringkasan">
<h2>{{ title }}</h2>
{% if cards %}<div class="kartu-grid kartu-empat">
{% for c in cards %}<div class="kartu{% if c.aksen %} aksen{% endif %}">
<div class="nilai">{{ c.nilai }}</div>
<div class="label">{{ c.label }}</div>
{% if c.banding %}<div class="banding">{{ c.banding }}</div>{% endif %}
</div>
{% endfor %}</div>
<p class="sumber-kartu">{{ sumber }}</p>
{% if sejak %}<p class="sejak">{{ sejak }}</p>{% endif %}
{% else %}{{ kosong }}{% endif %}
{% if catatan %}<p class="catatan">{{ catatan }}</p>{% endif %}
<div class="ringkasan-isi">
{% if peta %}<div class="ringkasan-peta">{{ peta }}</div>{% endif %}
<div class="ringkasan-aksi">
<h3>{{ h_aksi }}</h3>
{% if aksi %}<ol class="aksi">
{% for a in aksi %}<li><span class="opd">{{ a.opd }}</span> <strong>{{ a.aksi }}</strong>
<span class="fakta"><span class="di">{{ a.kelurahan }}</span> · <span class="jumlah">{{ a.jumlah }} {{ a.satuan_label }}</span> · <span class="biaya">{{ a.biaya }}</span></span></li>
{% endfor %}</ol>
{% else %}<p class="catatan">{{ rek_kosong }}</p>{% endif %}
<p class="mpm-status">{{ mpm }}</p>
</div>
</div>
</section>
"""


def headline_html(v: views.View, kode: str, lang: str = "id", *, meta: Mapping | None = None,
                  peta: str | None = None, aksi: Sequence[Mapping[str, str]] = (), mpm: str = "",
                  sejak: str = "") -> Html:
    """Page 1 from `views.headline`: the four headline numbers with their source line, the map `peta`,
    the top actions `aksi` (`top_actions`), the MPM sentence `mpm` (`mpm_status`) and the "Sejak …"
    line `sejak` (`since_line`). A kecamatan/kelurahan briefing shows the city's number under its own."""
    r, rk = v.wilayah, v.kota
    is_kota = kode == KOTA
    sasaran = labels.sasaran(v.target_desil, lang)

    def card(label, key, form, aksen=False):
        banding = None if is_kota or not rk else t("kartu_kota", lang, nilai=form(rk.get(key)))
        return {"nilai": form(r.get(key)), "label": label, "banding": banding, "aksen": aksen}

    cards = [
        card(t("kartu_keluarga_miskin_sasaran", lang, desil=sasaran) if sasaran else t("kartu_keluarga_miskin", lang),
             "keluarga_miskin", lambda x: fmt.angka(x, lang)),
        card(t("kartu_keluarga_kks", lang), "keluarga_kks", lambda x: fmt.angka(x, lang)),
        card(t("kartu_cakupan_kks", lang), "cakupan_kks", lambda x: fmt.persen(x, lang), aksen=True),
        card(t("kartu_tanpa_kks", lang), "keluarga_tanpa_kks", lambda x: fmt.angka(x, lang), aksen=True),
    ] if r else []
    sumber = t("sumber_kartu", lang, bdt=labels.card_source(meta, "bdt", lang), kks=labels.card_source(meta, "kks", lang))
    aksi = [{**a, "biaya": a.get("biaya") or t("biaya_tidak_dihitung", lang),
             "satuan_label": t("satuan_" + a.get("satuan", "keluarga"), lang)} for a in aksi]
    return _render(_BRIEF, title=t("bagian_ringkasan", lang), cards=cards, sumber=sumber, kosong=_empty(lang),
                   peta=_markup(peta), h_aksi=t("aksi_utama", lang), aksi=aksi, rek_kosong=t("rek_kosong", lang),
                   mpm=mpm, catatan=labels.absent_note(meta, "kks", lang), sejak=sejak)


def headline(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", meta: Mapping | None = None,
             geojson: Path | str | dict | None = None) -> Html:
    """Page 1, the whole brief: the four headline numbers (keluarga miskin, with KKS, coverage, without
    KKS) with their source line, the map of KKS coverage by kelurahan with this wilayah highlighted, the
    top three actions (`top_actions`: where, how many families, yearly cost) and one sentence on the MPM
    update; when a previous period was built, one line "Sejak <periode>: …" under the cards (`since_line`).
    Laid out to fit one A4 page and the first screen and a half of a 390 px phone."""
    return headline_html(views.headline(tables, kode), kode, lang, meta=meta,
                         peta=coverage_map(tables, kode, lang, geojson=geojson, meta=meta),
                         aksi=top_actions(tables, kode, lang), mpm=mpm_status(tables, kode, lang, meta=meta),
                         sejak=since_line(tables, kode, lang))


def coverage_map(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                 geojson: Path | str | dict | None = None, meta: Mapping | None = None) -> Markup | None:
    """Page 1's map: KKS coverage of every kelurahan (the `ringkasan` rows every slice carries), this
    wilayah highlighted; None when fewer than two kelurahan have a value (one value is not a map)."""
    v = views.headline(tables, kode)
    values = v.cakupan_kelurahan
    if values is None or sum(x is not None for x in values.values()) < 2:
        return None
    geo = Path(geojson) if isinstance(geojson, str) else geojson  # a file is fingerprinted by content
    sasaran = labels.sasaran(v.target_desil, lang)
    return _chart(maps.kelurahan_map, values, geo, highlight=kode if kode != KOTA else None,
                  title=t("peta_cakupan_judul", lang), lang=lang,
                  unit=(t("satuan_persen_keluarga_miskin_sasaran", lang, desil=sasaran) if sasaran
                        else t("satuan_persen_keluarga_miskin", lang)),
                  period=f"{labels.vintage(meta, 'bdt', lang)}; {labels.vintage(meta, 'kks', lang)}",
                  source=labels.sumber(meta, "kks", lang), names=views.names(tables), label=t("label_cakupan_kks", lang))


def mpm_status(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", meta: Mapping | None = None) -> str:
    """One sentence on the MPM update: who has reported, how many registrations are verified, the deadline
    (or that no MPM records were supplied for this period)."""
    if labels.absent(meta, "mpm"):
        return labels.absent_note(meta, "mpm", lang)
    v = views.mpm_status(tables, kode)
    r = v.mpm
    batas = labels.batas(v.batas_lapor, lang)
    if not r:
        return t("mpm_status_kosong", lang)
    names = views.names(tables)
    counts = dict(pendaftar=fmt.angka(r.get("pendaftar"), lang), diverifikasi=fmt.angka(v.diverifikasi, lang),
                  belum=fmt.angka(r.get("belum_diverifikasi"), lang), batas=batas)
    if tingkat(kode) == "kelurahan":
        nama = names.get(kode, kode)
        if not views.is_true(r.get("melapor")):
            return t("mpm_status_kel_belum", lang, nama=nama, batas=batas)
        return t("mpm_status_kel", lang, nama=nama, tanggal=fmt.tanggal(r.get("tanggal_terakhir"), lang), **counts)
    silent = [names.get(c, c) for c in v.belum_melapor]
    belum = t("mpm_status_belum_lapor", lang, daftar=", ".join(silent)) if silent else ""
    return t("mpm_status", lang, melapor=fmt.angka(v.kelurahan_melapor, lang), total=fmt.angka(v.kelurahan_jumlah, lang),
             daftar_belum=belum, **counts)


# ----------------------------------------------------------------------------------------------------
# annex sections
# ----------------------------------------------------------------------------------------------------

def makro_html(v: views.View, kode: str, lang: str = "id", *, grafik: str | None = None) -> Html:
    """Kemiskinan makro (BPS) from `views.makro`: the P0 chart `grafik`, the P0/P1/P2/GK table of Kota
    Bontang and the trend sentences."""
    title = t("bagian_makro", lang)
    if v.bps.empty:
        return _section("makro", title, [], [_empty(lang)])
    rows = []
    for y, rr in v.bontang.iterrows():
        rows.append([str(y), fmt.persen(rr.get("p0"), lang, desimal=2, rasio=False), fmt.desimal(rr.get("p1"), lang),
                     fmt.desimal(rr.get("p2"), lang), fmt.angka(rr.get("gk"), lang), fmt.angka(rr.get("penduduk_miskin"), lang)])
    tab = table_html([t("tahun", lang), t("p0", lang), t("p1", lang), t("p2", lang), t("gk", lang),
                      t("penduduk_miskin", lang)], rows, caption="Kota Bontang",
                     note=f"{t('gk_catatan', lang)} {t('sumber', lang)}: {t('sumber_bps', lang)}. "
                          f"{fmt.NA} = {t('tidak_ada_data', lang)}.")
    paras = []
    if kode != KOTA:
        paras.append(t("catatan_bps_kota", lang))
    a = v.arah_p0
    if a is not None:
        vk = fmt.persen(a["vk"], lang, desimal=2, rasio=False) if a["vk"] is not None else fmt.NA
        paras.append(t("catatan_p0_arah", lang, arah=t(a["arah"], lang), v0=fmt.persen(a["v0"], lang, desimal=2, rasio=False),
                       t0=a["t0"], v1=fmt.persen(a["v1"], lang, desimal=2, rasio=False), t1=a["t1"], vk=vk, tk=a["tk"]))
    for y0, y1 in v.p1p2_naik:
        paras.append(t("catatan_p1p2_naik", lang, t0=y0, t1=y1))
    return _section("makro", title, paras, [_markup(grafik), tab])


def section_makro(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id",
                  years: tuple[int, int] = (2015, 2018)) -> Html:
    """Kemiskinan makro (BPS): P0 line Bontang vs Kaltim (vs nasional), P0/P1/P2/GK table, trend notes."""
    v = views.makro(tables, years)
    grafik = (chart_cache.cached_html(charts.bps_line, v.seri, lang, period=v.periode, source=t("sumber_bps", lang), main="Kota Bontang")
              if not v.bps.empty else None)
    return makro_html(v, kode, lang, grafik=grafik)


def _cell(v, s, lang) -> str:
    return fmt.angka(v, lang, ditekan=bool(s) if not fmt.is_na(s) else False)


def _sum_cell(vals: Sequence, sups: Sequence, lang: str) -> str:
    """A total over desil cells: the visible sum, marked when any part was suppressed (a floor, not exact)."""
    nums = [x for x in vals if not fmt.is_na(x)]
    if not nums:
        return fmt.kosong(lang, any(bool(x) for x in sups))
    out = fmt.angka(sum(nums), lang)
    return out + (fmt.SUPPRESSED_MARK if any(bool(x) for x in sups) else "")


def _sebaran_sendiri(v: views.View, nama: str, lang: str) -> tuple[Markup | None, bool]:
    """The wilayah's own desil table (three units side by side), and whether a cell is suppressed."""
    units, desil, any_sup, rows = list(v.sendiri), views.DESIL, False, []
    for d in desil:
        line = [desil_label(d, lang)]
        for u in units:
            pv, ps = v.sendiri[u]
            vv = pv.iloc[0].get(d) if not pv.empty and d in pv.columns else None
            ss = bool(ps.iloc[0].get(d, False)) if not ps.empty and d in ps.columns else False
            any_sup |= ss
            line.append(_cell(vv, ss, lang))
        rows.append(line)
    tot = [t("jumlah", lang) + " 1–4"]
    for u in units:
        pv, ps = v.sendiri[u]
        if "1-4" in pv.columns:  # the table's own total, suppressed by the indicator rules
            tot.append(_cell(pv.iloc[0].get("1-4"), bool(ps.iloc[0].get("1-4", False)), lang))
        else:
            tot.append(_sum_cell([pv.iloc[0].get(d) if d in pv.columns else None for d in desil],
                                 [ps.iloc[0].get(d, False) if d in ps.columns else False for d in desil], lang))
    rows.append(tot)
    return table_html([t("kelompok_desil", lang)] + [t(f"satuan_{u}", lang).capitalize() for u in units],
                      rows, caption=t("sebaran_diri", lang, nama=nama), strong=[len(rows) - 1]), any_sup


def _sebaran_anak(v: views.View, names: Mapping[str, str], kode: str, satuan: str, lang: str) -> tuple[Markup | None, bool]:
    """Sub-areas × desil (kota → kecamatan, kecamatan → kelurahan, kelurahan → RT), and whether a cell is suppressed."""
    pv, ps = v.anak
    if pv.empty:
        return None, False
    desil, any_sup = views.DESIL, False
    tot_v = pv["1-4"] if "1-4" in pv.columns else None
    tot_s = ps["1-4"].reindex(pv.index).fillna(False) if "1-4" in ps.columns else None
    pv = pv.reindex(columns=desil)
    ps = ps.reindex(index=pv.index, columns=desil).fillna(False)
    rows = []
    for c in v.anak_urut:
        label = names.get(c) or views.rt_label(c, kode)
        cells = [_cell(pv.loc[c, d], ps.loc[c, d], lang) for d in desil]
        any_sup |= bool(ps.loc[c].any())
        total = (_cell(tot_v.loc[c], bool(tot_s.loc[c]), lang) if tot_v is not None
                 else _sum_cell(list(pv.loc[c]), list(ps.loc[c]), lang))
        rows.append([label] + cells + [total])
    sub_label = t(v.anak_tingkat, lang)
    cap = t("sebaran_anak", lang, tingkat=sub_label if v.anak_tingkat == "rt" else sub_label.lower()) + \
        f" ({t(f'satuan_{satuan}', lang)})"
    return table_html([sub_label] + [f"D{d}" for d in desil] + [t("jumlah", lang)], rows, caption=cap), any_sup


def sebaran_html(v: views.View, kode: str, lang: str = "id", *, names: Mapping[str, str], meta: Mapping | None = None,
                 satuan: str = "keluarga", grafik_desil: str | None = None, peta: str | None = None) -> Html:
    """Sebaran Data Terpadu from `views.sebaran`: the wilayah's desil counts (ruta, keluarga, jiwa), the
    same by sub-area, the stacked desil chart `grafik_desil` and the map `peta` of the share of population
    in the BDT."""
    nama = names.get(kode, kode)
    own, sup_own = _sebaran_sendiri(v, nama, lang) if v.ada_sendiri else (None, False)
    sub, sup_sub = _sebaran_anak(v, names, kode, satuan, lang)
    blocks = [b for b in (own, sub, _markup(grafik_desil), _markup(peta)) if b]
    if sup_own or sup_sub:
        blocks.append(Markup('<p class="catatan">{}</p>').format(fmt.catatan_ditekan(lang)))
    paras = []
    r = v.ringkasan
    if r:
        paras.append(t("sebaran_kalimat", lang, nama=nama, rt=fmt.angka(r.get("rumah_tangga_desil_1_4"), lang),
                       jiwa=fmt.angka(r.get("jiwa_desil_1_4"), lang), persen=fmt.persen(r.get("persen_penduduk_bdt"), lang),
                       bdt=labels.vintage(meta, "bdt", lang)))
    paras.append(labels.absent_note(meta, "penduduk", lang))
    return _section("sebaran", t("bagian_sebaran", lang), paras, blocks or [_empty(lang)])


def section_sebaran(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                    geojson: Path | str | dict | None = None, satuan: str = "keluarga", max_rt: int = 15,
                    meta: Mapping | None = None) -> Html:
    """Sebaran Data Terpadu: desil counts for the wilayah (ruta, keluarga, jiwa), the same by sub-area,
    stacked desil bars, and a kelurahan map of the share of population in the BDT."""
    v = views.sebaran(tables, kode, satuan=satuan, max_rt=max_rt)
    names = views.names(tables)
    period, src = labels.vintage(meta, "bdt", lang), labels.sumber(meta, "bdt", lang)
    grafik = None
    if not v.grafik.empty and v.grafik["kode_wilayah"].nunique() > 1:
        grafik = chart_cache.cached_html(charts.desil_bars, v.grafik, v.grafik_nama, lang, satuan=satuan,
                             tingkat_label=t(v.grafik_tingkat, lang) if v.grafik_tingkat == "rt" else t("kelurahan", lang).lower(),
                             period=period, source=src, highlight=v.grafik_sorot)
    peta = None
    if v.persen_penduduk_bdt is not None and not labels.absent(meta, "penduduk"):
        geo = Path(geojson) if isinstance(geojson, str) else geojson  # a file is fingerprinted by content
        peta = chart_cache.cached_html(maps.kelurahan_map, v.persen_penduduk_bdt, geo, highlight=kode if kode != KOTA else None,
                           lang=lang, unit=t("satuan_persen_penduduk", lang), period=period,
                           source=f"{src}; {labels.sumber(meta, 'penduduk', lang)}", names=names)
    return sebaran_html(v, kode, lang, names=names, meta=meta, satuan=satuan, grafik_desil=grafik, peta=peta)


def indikator_label(key: str, lang: str = "id") -> str:
    """Display name of a profil indicator from `kemiskinan.indicators.meta` (indicators_meta.yml, the one
    source of titles); an id it does not know is an error (a KeyError naming the known ids)."""
    return str(indicator_meta(key, lang)["judul"])


def profil_labels(v: views.View, lang: str = "id") -> dict[str, str]:
    """Indicator code → display name for the indicators of `views.profil` (the chart's labels)."""
    return {k: indikator_label(k, lang) for k in v.profil["indikator"].astype(str).unique()}


def profil_html(v: views.View, lang: str = "id", *, grafik: str | None = None) -> Html:
    """Profil rumah tangga miskin from `views.profil`: the chart `grafik` (desil 1–2 vs 3–4) and a
    4-column table; person-level indicators (satuan jiwa) are labelled as such in the table."""
    title = t("bagian_profil", lang)
    if v.profil.empty:
        return _section("profil", title, [], [_empty(lang)])
    labs = profil_labels(v, lang)
    prof = v.profil
    if "satuan" in prof:
        for k in prof.loc[prof["satuan"].astype(str) == "jiwa", "indikator"].astype(str).unique():
            labs[k] = f"{labs[k]} ({t('satuan_jiwa', lang)})"
    groups = ["D1-D2", "D3-D4", "semua"]
    p, s = v.persen, v.ditekan
    rows = [[labs.get(i, i)] + [fmt.persen(p.loc[i, g], lang, ditekan=bool(s.loc[i, g])) for g in groups] for i in p.index]
    any_sup = bool(s.to_numpy().any())
    tab = table_html([t("indikator", lang), t("d1_d2", lang), t("d3_d4", lang), t("semua", lang)], rows,
                     note=fmt.catatan_ditekan(lang) if any_sup else None)
    paras = []
    if len(v.selisih):
        daftar = "; ".join(f"{labs.get(i, i)} ({fmt.persen(p.loc[i, 'D1-D2'], lang)} vs {fmt.persen(p.loc[i, 'D3-D4'], lang)})"
                           for i in v.selisih.index[:3])
        paras.append(t("profil_kalimat", lang, daftar=daftar))
    return _section("profil", title, paras, [_markup(grafik), tab])


def section_profil(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *, top: int = 10,
                   meta: Mapping | None = None) -> Html:
    """Profil rumah tangga miskin: deprivation shares desil 1–2 vs 3–4 (chart) and a 4-column table."""
    v = views.profil(tables, kode)
    grafik = None
    if not v.profil.empty:
        # The chart is in % of households; person-level indicators (satuan jiwa) stay in the table, labelled.
        grafik = chart_cache.cached_html(charts.deprivation_bars, v.grafik, profil_labels(v, lang), lang, top=top,
                             period=labels.vintage(meta, "bdt", lang), source=labels.sumber(meta, "bdt", lang))
    return profil_html(v, lang, grafik=grafik)


def cakupan_html(v: views.View, kode: str, lang: str = "id", *, names: Mapping[str, str], meta: Mapping | None = None,
                 grafik_cakupan: str | None = None, grafik_kebocoran: str | None = None,
                 grafik_tumpang_tindih: str | None = None) -> Html:
    """Cakupan program dan ketepatan sasaran from `views.cakupan`: the per-programme table (target,
    coverage, exclusion, inclusion, city coverage), the coverage chart, the KKS sentence, the leakage and
    overlap charts, and the households without any programme by kelurahan."""
    nama = names.get(kode, kode)
    blocks: list[Markup] = []
    paras: list[str] = []
    w = v.program
    if not w.empty:
        rows = []
        for _, rr in w.iterrows():
            sat = str(rr.get("satuan", "") or "")
            unit = f" ({t('singkat_' + sat, lang)})" if sat in ("keluarga", "rumah_tangga") else ""
            rows.append([program_name(rr["program"]) + unit, fmt.angka(rr.get("n_target"), lang), fmt.persen(rr.get("cakupan"), lang),
                         fmt.angka(rr.get("n_tidak_menerima"), lang), fmt.persen(rr.get("inclusion_error"), lang),
                         fmt.persen(rr["cakupan_kota"], lang)])
        heads = [t("program", lang), t("target", lang), t("cakupan", lang), t("tidak_menerima", lang),
                 t("inclusion_error", lang), t("kota", lang)]
        if kode == KOTA:
            heads, rows = heads[:5], [r_[:5] for r_ in rows]
        units_note = (t("catatan_satuan_program", lang, kks=labels.vintage(meta, "kks", lang), bdt=labels.vintage(meta, "bdt", lang)) + " "
                      if "satuan" in w and w["satuan"].nunique() > 1 else "")
        blocks.append(table_html(heads, rows, note=units_note + t("def_cakupan", lang)))
        blocks.append(_markup(grafik_cakupan))
        kks = w[w["program"].astype(str).str.lower() == "kks"]
        if labels.absent(meta, "kks"):
            paras.append(labels.absent_note(meta, "kks", lang))
        elif not kks.empty:
            kr = kks.iloc[0]
            kc = kr["cakupan_kota"] if v.ada_kota else kr.get("cakupan")
            paras.append(t("cakupan_kalimat_kota" if kode == KOTA else "cakupan_kalimat", lang, nama=nama, cak=fmt.persen(kr.get("cakupan"), lang),
                           n=fmt.angka(kr.get("n_target_menerima"), lang), target=fmt.angka(kr.get("n_target"), lang),
                           cak_kota=fmt.persen(kc, lang)))
    blocks += [_markup(grafik_kebocoran), _markup(grafik_tumpang_tindih)]
    if len(v.tanpa_program):
        rows = [[names.get(c, c), fmt.angka(n, lang)] for c, n in v.tanpa_program.items()]
        blocks.append(table_html([t("kelurahan", lang), t("jumlah_rt_tanpa_program", lang)], rows))
    blocks = [b for b in blocks if b]
    return _section("cakupan", t("bagian_cakupan", lang), paras, blocks or [_empty(lang)])


def section_cakupan(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                    meta: Mapping | None = None) -> Html:
    """Cakupan program dan ketepatan sasaran: per-programme table (target, coverage, exclusion, inclusion,
    city coverage), coverage bars vs city, recipients by desil (leakage), programme overlap, and the
    target households without any programme by kelurahan."""
    v = views.cakupan(tables, kode)
    names = views.names(tables)
    period = f"{labels.vintage(meta, 'bdt', lang)}; {labels.vintage(meta, 'kks', lang)}"
    src = labels.sumber(meta, "kks", lang)
    return cakupan_html(
        v, kode, lang, names=names, meta=meta,
        grafik_cakupan=chart_cache.cached_html(charts.coverage_bars, v.program, None if kode == KOTA else v.program_kota,
                                   names.get(kode, kode), lang, period=period, source=src) if not v.program.empty else None,
        grafik_kebocoran=chart_cache.cached_html(charts.leakage_bars, v.kebocoran, lang, period=period, source=src)
        if not v.kebocoran.empty else None,
        grafik_tumpang_tindih=chart_cache.cached_html(charts.overlap_chart, v.tumpang_tindih, lang, period=labels.vintage(meta, "bdt", lang),
                                          source=labels.sumber(meta, "bdt", lang)) if not v.tumpang_tindih.empty else None)


def prioritas_html(v: views.View, kode: str, lang: str = "id", *, names: Mapping[str, str], meta: Mapping | None = None,
                   grafik: str | None = None) -> Html:
    """Prioritas wilayah from `views.prioritas`: the quadrant chart `grafik` and the ranked table; without
    the KKS list or the population the quadrant is not computed, and the section says which is missing."""
    title = t("bagian_prioritas", lang)
    if v.semua.empty:
        return _section("prioritas", title, [], [_empty(lang)])
    missing = [t(f"apa_{k}", lang) for k in ("kks", "penduduk") if labels.absent(meta, k)]
    if missing:   # the quadrant needs both axes: say what is missing instead of an empty chart
        apa = f" {t('apa_dan', lang)} ".join(missing)
        return _section("prioritas", title, [t("prioritas_tidak_dihitung", lang, apa=apa)])
    mine = v.peringkat
    rows = [[fmt.angka(rk, lang), names.get(str(rr["kode_wilayah"]), rr.get("nama")), fmt.persen(rr["x_persen_d1_d2"], lang),
             fmt.persen(rr["y_cakupan_kks"], lang), fmt.angka(rr["prioritas"], lang)]
            for rk, (_, rr) in zip(mine["_r"], mine.iterrows())]
    strong = [i for i, (_, rr) in enumerate(mine.iterrows()) if str(rr["kode_wilayah"]) == kode]
    tab = table_html([t("peringkat", lang), t("kelurahan", lang), t("persen_d1_d2", lang), t("cakupan_kks", lang),
                      t("prioritas", lang)], rows, numeric=[True, False, True, True, True], strong=strong)
    paras = [t("prioritas_kalimat", lang)]
    me = v.sendiri
    if me and not fmt.is_na(me.get("prioritas")):
        paras.append(t("prioritas_posisi", lang, nama=names.get(kode, kode), n=int(me["prioritas"])))
    return _section("prioritas", title, paras, [_markup(grafik), tab])


def section_prioritas(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                      meta: Mapping | None = None) -> Html:
    """Prioritas wilayah: the quadrant chart of all kelurahan (scope highlighted) and the ranked table."""
    v = views.prioritas(tables, kode)
    grafik = None
    if not v.semua.empty and not labels.absent(meta, "kks") and not labels.absent(meta, "penduduk"):
        grafik = chart_cache.cached_html(charts.quadrant_scatter, v.semua, lang, highlight=v.sorot,
                             period=f"{labels.vintage(meta, 'bdt', lang)}; {labels.vintage(meta, 'kks', lang)}",
                             source=f"{labels.sumber(meta, 'bdt', lang)}; {labels.sumber(meta, 'kks', lang)}")
    return prioritas_html(v, kode, lang, names=views.names(tables), meta=meta, grafik=grafik)


def _mpm_kelurahan_rows(v: views.View, names: Mapping[str, str], lang: str) -> list[list[str]]:
    rows = []
    for c in v.scope:
        rr = row(v.kelurahan, c)
        if not rr:
            continue
        if views.is_true(rr.get("melapor")):
            rows.append([names.get(c, c), fmt.angka(rr.get("pendaftar"), lang), fmt.angka(rr.get("baru"), lang),
                         fmt.angka(views.verified(rr), lang), fmt.angka(rr.get("belum_diverifikasi"), lang), t("ya", lang)])
        else:  # no return yet: unknown, not zero
            rows.append([names.get(c, c)] + [fmt.NA] * 4 + [t("belum_melapor", lang)])
    return rows


def mpm_html(v: views.View, kode: str, lang: str = "id", *, names: Mapping[str, str], meta: Mapping | None = None,
             grafik: str | None = None) -> Html:
    """Pemutakhiran data (MPM) from `views.mpm`: the chart `grafik` (progress by kelurahan, or the funnel
    of one kelurahan), the record types or the per-kelurahan table, who has not reported, the deadline."""
    title = t("bagian_mpm", lang)
    r = v.mpm
    if not v.ada and labels.absent(meta, "mpm"):
        return _section("mpm", title, [labels.absent_note(meta, "mpm", lang)])
    if not v.ada:
        return _section("mpm", title, [], [_empty(lang)])
    blocks: list[Markup] = []
    if tingkat(kode) == "kelurahan":
        if r:
            blocks.append(_markup(grafik))
            rows = [[t(f"hasil_{i}", lang), fmt.angka(r.get(f"hasil_{i}"), lang)] for i in range(1, 6)]
            rows += [[t("belum_diverifikasi", lang), fmt.angka(r.get("belum_diverifikasi"), lang)],
                     [t("art_meninggal", lang), fmt.angka(r.get("art_meninggal"), lang)],
                     [t("art_pindah", lang), fmt.angka(r.get("art_pindah"), lang)],
                     [t("art_baru", lang), fmt.angka(r.get("art_baru"), lang)],
                     [t("perubahan_bersih", lang), fmt.angka(r.get("perubahan_bersih"), lang, tanda=True)],
                     [t("tanggal_terakhir", lang), fmt.tanggal(r.get("tanggal_terakhir"), lang)]]
            blocks.append(table_html([t("indikator", lang), t("jumlah", lang)], rows))
    elif not v.kelurahan.empty:
        blocks.append(_markup(grafik))
        blocks.append(table_html([t("kelurahan", lang), t("pendaftar", lang), t("baru", lang), t("diverifikasi", lang),
                                  t("belum", lang), t("melapor", lang)], _mpm_kelurahan_rows(v, names, lang),
                                 numeric=[False, True, True, True, True, False]))
    paras = []
    if r:
        paras.append(t("mpm_kalimat", lang, pendaftar=fmt.angka(r.get("pendaftar"), lang), diverifikasi=fmt.angka(v.diverifikasi, lang),
                       belum=fmt.angka(r.get("belum_diverifikasi"), lang), melapor=fmt.angka(v.kelurahan_melapor, lang),
                       total=fmt.angka(v.kelurahan_jumlah, lang)))
    paras.append(t("mpm_tenggat", lang, batas=labels.batas(v.batas_lapor, lang)))
    return _section("mpm", title, paras, [b for b in blocks if b] or [_empty(lang)])


def section_mpm(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                meta: Mapping | None = None) -> Html:
    """Pemutakhiran data (MPM): progress by kelurahan (or the funnel for one kelurahan), record types,
    who has not reported, and the May 2018 deadline."""
    v = views.mpm(tables, kode)
    names = views.names(tables)
    period, src = labels.vintage(meta, "mpm", lang), t("sumber_mpm", lang)
    grafik = None
    if v.ada and tingkat(kode) == "kelurahan" and v.mpm:
        grafik = chart_cache.cached_html(charts.mpm_funnel, v.mpm, lang, period=period, source=src)
    elif v.ada and tingkat(kode) != "kelurahan" and not v.kelurahan.empty:
        grafik = chart_cache.cached_html(charts.mpm_progress, v.kelurahan, names, lang, period=period, source=src)
    return mpm_html(v, kode, lang, names=names, meta=meta, grafik=grafik)


# ----------------------------------------------------------------------------------------------------
# what changed since the previous period (tables `banding_*` and `tren`)
# ----------------------------------------------------------------------------------------------------

def since_line(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id") -> str:
    """Page 1's one line "Sejak <periode>: keluarga miskin A → B (±Δ), cakupan KKS x % → y % (±z poin);
    n keluarga keluar dari sasaran, m masuk." — "" when there is no previous period to compare with."""
    return since_text(views.banding(tables, kode), lang)


def since_text(v: views.View, lang: str = "id") -> str:
    """`since_line` from `views.banding`."""
    r = v.ringkasan
    if not r or fmt.is_na(r.get("periode_sebelumnya")):
        return ""
    a, b = num(r.get("keluarga_miskin_sebelumnya")), num(r.get("keluarga_miskin"))
    f = v.alur or views.flows({})
    return t("banding_sejak", lang, periode=str(r["periode_sebelumnya"]), a=fmt.angka(a, lang),
             b=fmt.angka(b, lang), d=fmt.selisih(None if a is None or b is None else b - a, lang),
             x=fmt.persen(r.get("cakupan_kks_sebelumnya"), lang), y=fmt.persen(r.get("cakupan_kks"), lang),
             z=fmt.selisih_poin(r.get("cakupan_kks_sebelumnya"), r.get("cakupan_kks"), lang),
             keluar=fmt.angka(f["keluar"], lang), masuk=fmt.angka(f["masuk"], lang))


def _banding_angka(r: Mapping[str, Any], nama: str, p0: str, p1: str, lang: str) -> Markup:
    """The four headline numbers, then → now, with the change."""
    rows = []
    for label, key, pct in (("kartu_keluarga_miskin", "keluarga_miskin", False), ("kartu_keluarga_kks", "keluarga_kks", False),
                            ("kartu_cakupan_kks", "cakupan_kks", True), ("kartu_tanpa_kks", "keluarga_tanpa_kks", False)):
        a, b = r.get(f"{key}_sebelumnya"), r.get(key)
        if pct:
            cells = [fmt.persen(a, lang), fmt.persen(b, lang)]
            change = fmt.selisih_poin(a, b, lang)
            change = change if change == fmt.NA else f"{change} {t('satuan_poin', lang)}"
        else:
            cells = [fmt.angka(a, lang), fmt.angka(b, lang)]
            change = fmt.selisih(None if num(a) is None or num(b) is None else num(b) - num(a), lang)
        rows.append([t(label, lang)] + cells + [change])
    return table_html([t("indikator", lang), p0, p1, t("perubahan", lang)], rows,
                      caption=t("banding_angka_utama", lang, nama=nama, p0=p0, p1=p1))


def _banding_alur(v: views.View, kode: str, names: Mapping[str, str], p0: str, p1: str, lang: str) -> list[Markup]:
    """The flows: this wilayah's in sentences, then (kota, kecamatan) one row per kelurahan and the total."""
    f = v.alur
    if not f:
        return []
    nama = names.get(kode, kode)
    moves = tingkat(kode) != "kota"  # at the kota a move between kelurahan is neither out nor in
    out = [_para(t("banding_keluar_kalimat", lang, n0=fmt.angka(f["n_sebelumnya"], lang), nama=nama, p0=p0, p1=p1,
                   tetap=fmt.angka(f["tetap"], lang), keluar=fmt.angka(f["keluar"], lang),
                   keluar_target=fmt.angka(f["keluar_dari_target"], lang),
                   keluar_data=fmt.angka(f["keluar_dari_data"], lang),
                   pindah=t("banding_pindah_keluar", lang, n=fmt.angka(f["pindah_keluar"], lang), nama=nama) if moves else "")),
           _para(t("banding_masuk_kalimat", lang, n1=fmt.angka(f["n_sekarang"], lang), p1=p1,
                   masuk=fmt.angka(f["masuk"], lang), masuk_data=fmt.angka(f["masuk_dari_data"], lang),
                   masuk_baru=fmt.angka(f["masuk_baru"], lang),
                   pindah=t("banding_pindah_masuk", lang, n=fmt.angka(f["pindah_masuk"], lang), nama=nama) if moves else ""))]
    a, b = f["tanpa_kunci_sebelumnya"], f["tanpa_kunci"]
    unmatched = (t("banding_semua_terpadankan", lang) if a == 0 and b == 0 else
                 t("banding_tanpa_kunci", lang, a=fmt.angka(a, lang), b=fmt.angka(b, lang), p0=p0, p1=p1))
    cols = ("n_sebelumnya", "tetap", "keluar", "masuk", "n_sekarang")
    kel_rows = [[names.get(c, c)] + [fmt.angka(kf[k], lang) for k in cols] for c, kf in v.alur_kelurahan.items()]
    if kel_rows:
        kel_rows.append([t("jumlah", lang) + " " + nama] + [fmt.angka(f[k], lang) for k in cols])
        out.append(table_html([t("kelurahan", lang), p0, t("kolom_tetap", lang), t("kolom_keluar", lang),
                               t("kolom_masuk", lang), p1], kel_rows, caption=t("banding_alur_judul", lang),
                              note=t("banding_alur_catatan", lang, nama=nama), strong=[len(kel_rows) - 1]))
    out.append(_para(unmatched))
    return out


def _banding_prioritas(v: views.View, kode: str, names: Mapping[str, str], p0: str, p1: str, lang: str) -> list[Markup]:
    """The kelurahan whose priority quadrant changed."""
    pri = v.prioritas
    if pri.empty:
        return []
    if tingkat(kode) == "kelurahan":
        me = pri.iloc[0]
        if not fmt.is_na(me.get("prioritas")) or not fmt.is_na(me.get("prioritas_sebelumnya")):
            return [_para(t("banding_prioritas_kel", lang, nama=names.get(kode, kode),
                            a=fmt.angka(me.get("prioritas_sebelumnya"), lang), b=fmt.angka(me.get("prioritas"), lang),
                            p0=p0, p1=p1))]
        return []
    known = pri[pri["berubah"].notna()] if "berubah" in pri else pri.iloc[0:0]
    changed = known[known["berubah"].map(views.is_true)]
    if known.empty:
        return []  # no quadrant in either round (no KKS list or no population): nothing to say changed
    if changed.empty:
        return [_para(t("banding_prioritas_tetap", lang))]
    daftar = ", ".join(t("banding_prioritas_item", lang, nama=names.get(str(c), str(c)), a=fmt.angka(a, lang), b=fmt.angka(b, lang))
                       for c, a, b in zip(changed["kode_wilayah"].astype(str), changed["prioritas_sebelumnya"],
                                          changed["prioritas"]))
    return [_para(t("banding_prioritas_berubah", lang, daftar=daftar))]


def _banding_target(r: Mapping[str, Any], p0: str, p1: str, lang: str) -> str | None:
    """A sentence when the two periods define the target differently: the label (D1-D4, D1-D2 …) or the
    desil scheme it is read on (4 or 10: "desil 1–4 of 4" and "of 10" share a label, not the families)."""
    t0, t1 = r.get("target_sebelumnya"), r.get("target")
    s0, s1 = num(r.get("skema_desil_sebelumnya")), num(r.get("skema_desil"))
    if fmt.is_na(t0) or fmt.is_na(t1):
        return None
    if str(t0) == str(t1) and not (s0 is not None and s1 is not None and s0 != s1):
        return None

    def label(tg, sk):
        return t("banding_target_label", lang, target=str(tg), skema=fmt.angka(sk, lang)) if sk is not None else str(tg)
    return t("banding_target_beda", lang, t0=label(t0, s0), t1=label(t1, s1), p0=p0, p1=p1)


def _para(text: str) -> Markup:
    return Markup("<p>{}</p>").format(text)


def banding_html(v: views.View, kode: str, lang: str = "id", *, names: Mapping[str, str],
                 grafik_tren: str | None = None) -> Html:
    """Perubahan sejak <periode sebelumnya> from `views.banding`: the four headline numbers then → now
    with the change; the target families that stayed, left and entered (per kelurahan for a kota or
    kecamatan, in sentences for a kelurahan), the unmatched counted and explained; the kelurahan whose
    priority quadrant changed; a sentence when the two periods define the target group differently; and
    the trend chart `grafik_tren`. Without a previous period: one sentence, no table."""
    r = v.ringkasan
    if not r or fmt.is_na(r.get("periode_sebelumnya")):
        return _section("banding", t("bagian_banding_umum", lang), [t("banding_tanpa_pendahulu", lang)])
    p0, p1 = str(r["periode_sebelumnya"]), str(r.get("periode") or "")
    blocks = [_banding_angka(r, names.get(kode, kode), p0, p1, lang), *_banding_alur(v, kode, names, p0, p1, lang),
              *_banding_prioritas(v, kode, names, p0, p1, lang)]
    paras = [p for p in [_banding_target(r, p0, p1, lang)] if p]  # only what changes how everything below reads
    return _section("banding", t("bagian_banding", lang, periode=p0), paras, [*blocks, _markup(grafik_tren)])


def section_banding(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                    meta: Mapping | None = None) -> Html:
    """Perubahan sejak <periode sebelumnya> (`banding_html`); the trend chart once `tren` holds three or
    more periods for this wilayah."""
    v = views.banding(tables, kode)
    names = views.names(tables)
    tren = v.tren
    grafik = None
    if v.ringkasan and not fmt.is_na(v.ringkasan.get("periode_sebelumnya")) \
            and "periode" in tren and tren["periode"].astype(str).nunique() >= 3:
        grafik = chart_cache.cached_html(charts.tren_chart, tren[["periode", "keluarga_miskin", "cakupan_kks"]].reset_index(drop=True),
                             names.get(kode, kode), lang,
                             period=f"{tren['periode'].astype(str).iloc[0]} – {tren['periode'].astype(str).iloc[-1]}",
                             source=t("sumber_tren", lang))
    return banding_html(v, kode, lang, names=names, grafik_tren=grafik)


# ----------------------------------------------------------------------------------------------------
# recommendations and methodology
# ----------------------------------------------------------------------------------------------------

# ----------------------------------------------------------------------------------------------------
# recommendations and methodology
# ----------------------------------------------------------------------------------------------------
_RECS = """
{% if recs %}<ol class="rekomendasi">
{% for r in recs %}<li><span class="opd">{{ r.opd }}</span> {{ r.teks }}</li>
{% endfor %}</ol>
{% else %}<p class="catatan">{{ kosong }}</p>{% endif %}
"""


def recommendations_html(recs: Sequence[Mapping[str, str]], lang: str = "id") -> Html:
    """Rekomendasi from `recommendation_items`, each tagged with the responsible OPD."""
    body = Markup(_template(_RECS).render(recs=recs, kosong=t("rek_kosong", lang)))
    return _section("rekomendasi", t("bagian_rekomendasi", lang), [], [body])


def recommendations(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id") -> Html:
    """Rekomendasi: follow-ups generated from the numbers (which kelurahan, which programme, how many
    families, the yearly cost from `biaya`), each tagged with the responsible OPD."""
    return recommendations_html(recommendation_items(tables, kode, lang), lang)


_METHOD = """
<section class="bagian metodologi" id="metodologi">
<h2>{{ title }}</h2>
{% if sintetis %}<div class="banner-sintetis">{{ banner }}</div>{% endif %}
<h3>{{ h_def }}</h3>
<ul>{% for d in definisi %}<li>{{ d }}</li>{% endfor %}</ul>
<h3>{{ h_sumber }}</h3>
<ul>{% for k, v in sumber %}<li><strong>{{ k }}</strong>: {{ v }}</li>{% endfor %}</ul>
{% if files %}<div class="tabel-wrap"><table class="tabel kecil"><caption>{{ h_files }}</caption>
<tbody>{% for n, h in files %}<tr><th scope="row" class="berkas">{{ n }}</th><td class="kode">{{ h }}</td></tr>{% endfor %}</tbody></table></div>{% endif %}
<h3>{{ h_rahasia }}</h3>
<p>{{ rahasia }}</p>
<h3>{{ h_proses }}</h3>
<dl class="proses">{% for k, v in proses %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
</section>
"""


def methodology(meta: Mapping[str, Any] | None, run_info: Mapping[str, Any] | None, lang: str = "id") -> Html:
    """Catatan metodologi: definitions and units, sources and vintages (from the clean meta.json),
    input-file fingerprints, the confidentiality statement, run id / git SHA / version, synthetic notice."""
    meta = meta or {}
    run = run_info or {}
    definisi = [t(k, lang, bdt=labels.vintage(meta, "bdt", lang)) if k == "def_desil" else t(k, lang)
                for k in ("def_rt", "def_keluarga", "def_jiwa", "def_desil", "def_kks", "def_cakupan",
                          "def_prioritas", "def_bps")]
    vintage = meta.get("vintage") or {}
    sumber = [(str(k), str(v)) for k, v in vintage.items()] or [
        ("BDT", t("sumber_bdt", lang)), ("KKS", t("sumber_kks", lang)), ("MPM", t("sumber_mpm", lang)),
        ("BPS", t("sumber_bps", lang)), (t("penduduk", lang), t("sumber_penduduk", lang))]
    files = [(str(n), str(h)[:12]) for n, h in sorted((meta.get("files") or {}).items())]
    dibuat = run.get("dibuat")
    if isinstance(dibuat, (_dt.date, _dt.datetime)):
        dibuat = fmt.tanggal(dibuat, lang)
    proses = [(t("run_id", lang), run.get("run_id")), (t("git_sha", lang), run.get("git_sha")),
              (t("versi", lang), run.get("versi")), (t("periode", lang), run.get("periode")), (t("dibuat", lang), dibuat)]
    proses = [(k, str(v)) for k, v in proses if v not in (None, "")]
    sintetis = bool(meta.get("sintetis", run.get("sintetis", False)))
    return _render(_METHOD, title=t("bagian_metodologi", lang), sintetis=sintetis, banner=t("banner_sintetis", lang),
                   h_def=t("met_definisi", lang), definisi=definisi, h_sumber=t("met_sumber", lang), sumber=sumber,
                   files=files, h_files=t("berkas_masukan", lang), h_rahasia=t("met_kerahasiaan", lang),
                   rahasia=t("kerahasiaan_teks", lang), h_proses=t("met_proses", lang), proses=proses)


def all_sections(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *, meta: Mapping | None = None,
                 run_info: Mapping | None = None, geojson: Path | str | dict | None = None) -> list[Html]:
    """Every section in the notebook's order (a convenience for previews and tests; the notebook calls them
    one by one): page 1 (banner and brief), then the annex in the order a reader asks "why?" — all the
    follow-ups, what changed since the previous period (page 1's "Sejak …" line, in detail), the coverage
    behind them, why these kelurahan, who the poor are and what they lack, how
    fresh the data are (MPM), the BPS context, and how it was made."""
    banner_meta = {"wilayah": kode, "nama_wilayah": views.names(tables).get(kode, kode), "lang": lang,
                   "sintetis": bool((meta or {}).get("sintetis")), "periode": (run_info or {}).get("periode", "")}
    return [banner(banner_meta), headline(tables, kode, lang, meta=meta, geojson=geojson),
            recommendations(tables, kode, lang), section_banding(tables, kode, lang, meta=meta),
            section_cakupan(tables, kode, lang, meta=meta),
            section_prioritas(tables, kode, lang, meta=meta), section_sebaran(tables, kode, lang, geojson=geojson, meta=meta),
            section_profil(tables, kode, lang, meta=meta), section_mpm(tables, kode, lang, meta=meta),
            section_makro(tables, kode, lang), methodology(meta, run_info, lang)]
