"""The briefing's chart kinds: each takes an indicator table (or a view of one) and returns a finished
`matplotlib.figure.Figure` in the house style.

A chart function draws, labels and states its main finding (`finish(finding=…)`, the alt text and the
caption under the chart); everything it shows comes from its arguments. To change a chart, change its
function here (docs/architecture.md, "How to change a chart"). The house style (palette, sizes, title
and source lines, export) is in `figures`; the speed-ups on matplotlib's private APIs in `_mplfast`;
the cache of drawn charts in `chart_cache`. Numbers on axes and labels go through
`kemiskinan.briefing.fmt` (Indonesian separators).
"""
from __future__ import annotations

import textwrap
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kemiskinan.briefing import _mplfast, fmt
from kemiskinan.briefing.figures import (DESIL_COLOURS, DESIL_ORDER, GREY, HASIL_COLOURS, INK, KOTA_COLOUR, LIGHT_GREY,
                                         MUTED, OKABE_ITO, PRIORITAS_COLOURS, WILAYAH_COLOUR, legend_above, styled,
                                         figure, finish)
from kemiskinan.i18n import STRINGS, desil_label, program_name, t



# --- axis helpers ---------------------------------------------------------------------------------

def count_axis(axis, lang: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.angka(v, lang)))
    axis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))


def percent_axis(axis, lang: str, desimal: int = 0, rasio: bool = True) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.persen(v, lang, desimal=desimal, rasio=rasio)))


def _no_data(ax, lang: str) -> None:
    ax.text(0.5, 0.5, t("tidak_ada_data", lang), ha="center", va="center", transform=ax.transAxes, color=MUTED)
    ax.set_xticks([])
    ax.set_yticks([])


def _norm_desil(v) -> str:
    s = str(v).strip().lower()
    return {"non_desil": "non-desil", "nondesil": "non-desil", "non-bdt": "tidak_di_bdt",
            "non_bdt": "tidak_di_bdt", "luar_bdt": "tidak_di_bdt"}.get(s, s)


def _desil_sort_key(v: str) -> int:
    return DESIL_ORDER.index(v) if v in DESIL_ORDER else len(DESIL_ORDER)


# --- charts -----------------------------------------------------------------------------------------

def _stacked(frame: pd.DataFrame, cols) -> tuple[list, list, np.ndarray]:
    """Stacked horizontal bars, column by column: each segment's start and length (a missing value is 0),
    and each bar's total length."""
    left = np.zeros(len(frame))
    starts, lengths = [], []
    for c in cols:
        vals = frame[c].fillna(0).to_numpy(dtype=float)
        starts.append(left.copy())
        lengths.append(vals)
        left += vals
    return starts, lengths, left


@styled
def desil_bars(sebaran: pd.DataFrame, names: Mapping[str, str], lang: str = "id", *, satuan: str = "keluarga",
               tingkat_label: str = "", period: str = "", source: str = "", title: str | None = None,
               highlight: str | None = None, desil: Sequence[str] = ("1", "2", "3", "4")) -> Figure:
    """Stacked horizontal bars: per wilayah (rows of `sebaran`, contracts §3), the count in each desil.

    Suppressed cells add nothing to the stack; the total of a bar with one is labelled "–*"-marked.
    Bars are sorted by total (largest on top) so the reader sees where the poor are first.
    """
    df = sebaran[sebaran["satuan"] == satuan].copy() if "satuan" in sebaran else sebaran.copy()
    df["kelompok_desil"] = df["kelompok_desil"].map(_norm_desil)
    df = df[df["kelompok_desil"].isin(desil)]
    kind = "barh_s" if df["kode_wilayah"].nunique() <= 6 else "barh"
    fig, ax = figure(kind)
    title = title or t("grafik_desil", lang, tingkat=tingkat_label)
    unit = t(f"satuan_{satuan}", lang) if f"satuan_{satuan}" in STRINGS else satuan
    if df.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    ditekan = df["ditekan"].fillna(False).astype(bool) if "ditekan" in df else pd.Series(False, index=df.index)
    df["nilai"] = pd.to_numeric(df["jumlah"], errors="coerce").where(~ditekan)
    wide = df.pivot_table(index="kode_wilayah", columns="kelompok_desil", values="nilai", aggfunc="sum",
                          min_count=1).reindex(columns=list(desil))
    any_sup = df.assign(s=ditekan).groupby("kode_wilayah")["s"].any().reindex(wide.index, fill_value=False)
    total = wide.sum(axis=1, min_count=1)
    order = total.fillna(-1).sort_values(kind="mergesort").index  # ascending → largest drawn on top
    wide, total, any_sup = wide.loc[order], total.loc[order], any_sup.loc[order]
    y = np.arange(len(wide))
    starts, lengths, left = _stacked(wide, desil)
    handles = _mplfast.bars(ax, y, lengths, start=starts, color=[DESIL_COLOURS.get(d, GREY) for d in desil], thickness=0.68,
                    edgecolor="white", linewidth=0.5, layers=True)
    labels = [names.get(k, k) for k in wide.index]
    ax.set_yticks(y, labels)
    for tick, k in zip(ax.get_yticklabels(), wide.index):
        if highlight and (k == highlight or k.startswith(highlight + ".")):
            tick.set_fontweight("bold")
            tick.set_color(INK)
    xmax = float(np.nanmax(left)) if len(left) else 1.0
    for yi, tot, sup in zip(y, total, any_sup):
        txt = fmt.angka(tot, lang) if not fmt.is_na(tot) else fmt.kosong(lang)
        if sup:
            txt += fmt.SUPPRESSED_MARK
        ax.text((0 if fmt.is_na(tot) else tot) + xmax * 0.01, yi, txt, va="center", fontsize=8.5, color=INK)
    ax.set_xlim(0, max(xmax * 1.15, 1))
    count_axis(ax.xaxis, lang)
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)  # zero-length ticks: not drawn at all (same look)
    legend_above(ax, handles, [desil_label(d, lang) for d in desil], ncols=len(desil))
    return finish(fig, ax, title, unit, period, source, lang, finding=_finding_desil(total, names, unit, lang))


def _finding_desil(total: pd.Series, names: Mapping[str, str], unit: str, lang: str) -> str | None:
    tot = total.dropna()
    if tot.empty:
        return None
    hi, lo = tot[::-1].idxmax(), tot.idxmin()  # the bar drawn on top, the one at the bottom
    sisa = (t("temuan_desil_sisa", lang, nama=names.get(lo, lo), n=fmt.angka(tot[lo], lang))
            if len(tot) > 1 and tot[lo] < tot[hi] else "")
    return t("temuan_desil", lang, nama=names.get(hi, hi), satuan=unit, n=fmt.angka(tot[hi], lang), sisa=sisa)


@styled
def coverage_bars(cakupan_wilayah: pd.DataFrame, cakupan_kota: pd.DataFrame | None, nama: str, lang: str = "id", *,
                  period: str = "", source: str = "", title: str | None = None) -> Figure:
    """Coverage (`cakupan`, 0–1) per programme: this wilayah next to the city (grey)."""
    fig, ax = figure("barh_s")
    title = title or t("grafik_cakupan", lang, nama=nama)
    unit = t("satuan_persen_keluarga", lang)
    w = cakupan_wilayah.drop_duplicates("program").set_index("program")
    if w.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    progs = list(w.sort_values("cakupan", ascending=True, kind="mergesort").index)
    y = np.arange(len(progs))
    with_city = cakupan_kota is not None and not cakupan_kota.empty
    h = 0.38 if with_city else 0.6
    vals = w.loc[progs, "cakupan"].astype(float).to_numpy()
    series = [(y + (h / 2 if with_city else 0), vals, WILAYAH_COLOUR)]
    for yi, v in zip(y, vals):
        ax.text(v + 0.01, yi + (h / 2 if with_city else 0), fmt.persen(v, lang), va="center", fontsize=8.5)
    if with_city:
        k = cakupan_kota.drop_duplicates("program").set_index("program").reindex(progs)
        kv = k["cakupan"].astype(float).to_numpy()
        series.append((y - h / 2, np.nan_to_num(kv), KOTA_COLOUR))
        for yi, v in zip(y, kv):
            ax.text((0 if np.isnan(v) else v) + 0.01, yi - h / 2, fmt.persen(v, lang), va="center", fontsize=8.5,
                    color=MUTED)
    handles = _mplfast.bars(ax, [p for p, _, _ in series], [v for _, v, _ in series], thickness=h,
                    color=[c for _, _, c in series], layers=True)
    ax.set_yticks(y, [program_name(p) for p in progs])
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(ax.xaxis, lang)
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)
    if with_city:
        legend_above(ax, handles, [nama, "Kota Bontang"], ncols=2)
    finding = None
    if np.isfinite(vals).any():
        i_max, i_min = int(np.nanargmax(vals)), int(np.nanargmin(vals))
        kota = ""
        if with_city and not np.isnan(kv[i_min]):
            kota = t("temuan_cakupan_kota", lang, prog_min=program_name(progs[i_min]), v=fmt.persen(kv[i_min], lang))
        finding = t("temuan_cakupan", lang, nama=nama, prog=program_name(progs[i_max]), v=fmt.persen(vals[i_max], lang),
                    prog_min=program_name(progs[i_min]), v_min=fmt.persen(vals[i_min], lang), kota=kota)
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@styled
def leakage_bars(kebocoran: pd.DataFrame, lang: str = "id", *, period: str = "", source: str = "",
                 title: str | None = None) -> Figure:
    """Who receives each programme: 100 % stacked bars of recipients by `kelompok_desil` (leakage)."""
    fig, ax = figure("barh_s")
    title = title or t("grafik_kebocoran", lang)
    unit = t("satuan_persen_penerima", lang)
    df = kebocoran.copy()
    if df.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    df["kelompok_desil"] = df["kelompok_desil"].map(_norm_desil)
    wide = df.pivot_table(index="program", columns="kelompok_desil", values="n_penerima", aggfunc="sum").fillna(0)
    cols = sorted(wide.columns, key=_desil_sort_key)
    share = wide[cols].div(wide[cols].sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    progs = list(share.index)[::-1]
    y = np.arange(len(progs))
    left = np.zeros(len(progs))
    starts, lengths = [], []
    for c in cols:
        vals = share.loc[progs, c].to_numpy(dtype=float)
        starts.append(left.copy())
        lengths.append(vals)
        for yi, l, v in zip(y, left, vals):
            if v >= 0.09:
                dark = c in {"1", "4", "tidak_di_bdt"}
                ax.text(l + v / 2, yi, fmt.persen(v, lang, desimal=0), ha="center", va="center", fontsize=8,
                        color="white" if dark else INK)
        left += vals
    handles = _mplfast.bars(ax, y, lengths, start=starts, thickness=0.62, color=[DESIL_COLOURS.get(c, GREY) for c in cols],
                    edgecolor="white", linewidth=0.5, layers=True)
    ax.set_yticks(y, [program_name(p) for p in progs])
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(ax.xaxis, lang)
    ax.tick_params(axis="y", length=0, left=False)
    legend_above(ax, handles, [desil_label(c, lang) for c in cols], ncols=min(len(cols), 4))
    outside = share[[c for c in cols if c not in {"1", "2", "3", "4"}]].sum(axis=1)
    finding = None
    if len(outside) and outside.max() > 0:
        worst = outside.sort_values(ascending=False, kind="mergesort").index[0]
        finding = t("temuan_kebocoran", lang, prog=program_name(worst), v=fmt.persen(outside[worst], lang))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


def parse_kombinasi(k) -> tuple[str, ...]:
    """Programme names in a `kombinasi` value: "KKS+PKH", "KKS|PKH", "kks, pkh" → their parts; none → ().

    Case is kept ("KIS/PBI" is a display name in the real tables); "tidak_ada" and the like mean none.
    """
    if fmt.is_na(k):
        return ()
    s = str(k).strip()
    if s.lower() in {"", "-", "tidak_ada", "tanpa_program", "tanpa program", "none", "tidak ada"}:
        return ()
    for sep in ("|", ",", "&", ";", " dan ", " + "):
        s = s.replace(sep, "+")
    return tuple(p.strip() for p in s.split("+") if p.strip())


@styled
def overlap_chart(tumpang_tindih: pd.DataFrame, lang: str = "id", *, top: int = 8, period: str = "",
                  source: str = "", title: str | None = None) -> Figure:
    """UpSet-style chart: bars = households per programme combination, dots below = which programmes."""
    fig, (ax, axm) = figure("upset", 2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    title = title or t("grafik_tumpang_tindih", lang)
    unit = t("satuan_rumah_tangga", lang)
    df = tumpang_tindih.copy()
    if df.empty:
        _no_data(ax, lang)
        axm.set_axis_off()
        return finish(fig, ax, title, unit, period, source, lang)
    # Group on a plain string key with float counts: tuple keys over Arrow-backed integers fail in pandas 3.
    df["_k"] = df["kombinasi"].map(lambda k: "+".join(parse_kombinasi(k)))
    df["n_rumah_tangga"] = pd.to_numeric(df["n_rumah_tangga"], errors="coerce").astype(float)
    df = df.groupby("_k", sort=False)["n_rumah_tangga"].sum(min_count=1).reset_index()
    df["_p"] = df["_k"].map(lambda k: tuple(p for p in k.split("+") if p))
    df = df[df["n_rumah_tangga"].fillna(0) > 0]
    df = df.sort_values(["n_rumah_tangga", "_k"], ascending=[False, True], kind="mergesort").head(top)
    progs = sorted({p for combo in df["_p"] for p in combo},
                   key=lambda p: (_program_rank(p), p.lower()))
    x = np.arange(len(df))
    colours = [GREY if not combo else WILAYAH_COLOUR for combo in df["_p"]]
    _mplfast.bars(ax, x, df["n_rumah_tangga"].to_numpy(dtype=float), color=colours, thickness=0.62, horizontal=False)
    vmax = float(df["n_rumah_tangga"].max() or 1)
    for xi, v in zip(x, df["n_rumah_tangga"]):
        ax.text(xi, v + vmax * 0.02, fmt.angka(v, lang), ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, vmax * 1.18)
    count_axis(ax.yaxis, lang)
    ax.yaxis.grid(True)
    ax.tick_params(axis="x", length=0, bottom=False)
    rows = progs + ["__none__"] if any(not c for c in df["_p"]) else progs
    # One scatter per dot colour and one LineCollection for the links (not one artist per row and per
    # column): the same marks in the same order within each column, at a fraction of the cost.
    axm.scatter(np.tile(x, len(rows)), np.repeat(np.arange(len(rows)), len(x)), s=28, color=LIGHT_GREY, zorder=1)
    dots_x, dots_y, links = [], [], []
    for xi, combo in zip(x, df["_p"]):
        idx = [rows.index(p) for p in combo] if combo else [rows.index("__none__")]
        dots_x += [xi] * len(idx)
        dots_y += idx
        if len(idx) > 1:
            links.append([(xi, min(idx)), (xi, max(idx))])
    if dots_x:
        axm.scatter(dots_x, dots_y, s=34, color=INK, zorder=2)
    if links:
        axm.add_collection(LineCollection(links, colors=INK, linewidths=1.5, capstyle="projecting", zorder=2))
    axm.set_yticks(range(len(rows)), [program_name(p) if p != "__none__" else t("tanpa_program", lang) for p in rows])
    axm.set_ylim(len(rows) - 0.5, -0.5)
    axm.set_xticks([])
    for s in ("left", "bottom"):
        axm.spines[s].set_visible(False)
    axm.tick_params(axis="y", length=0, left=False)
    finding = None
    if len(df):
        first = df.iloc[0]
        combo = " + ".join(program_name(p) for p in first["_p"]) or t("tanpa_program", lang)
        none = df.loc[[not c for c in df["_p"]], "n_rumah_tangga"]
        tanpa = (t("temuan_tanpa_program", lang, n=fmt.angka(none.iloc[0], lang))
                 if len(none) and first["_p"] else "")
        finding = t("temuan_tumpang_tindih", lang, kombinasi=combo, n=fmt.angka(first["n_rumah_tangga"], lang), tanpa=tanpa)
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


PROGRAM_ORDER = ("kks", "pkh", "kis", "kip", "raskin", "rastra", "bpnt", "kur")


def _program_rank(p: str) -> int:
    """Fixed programme order (KKS, PKH, KIS/PBI, KIP, Rastra/BPNT) whatever the spelling."""
    key = p.lower().split("/")[0]
    return PROGRAM_ORDER.index(key) if key in PROGRAM_ORDER else 99


@styled
def deprivation_bars(profil: pd.DataFrame, labels: Mapping[str, str], lang: str = "id", *, top: int = 10,
                     period: str = "", source: str = "", title: str | None = None) -> Figure:
    """Share of households with each deprivation (docs/domain.md §4.4): desil 1–2 next to desil 3–4.

    Sorted by the D1–D2 share; suppressed cells get no bar and a "–*" label, never a zero-length bar.
    """
    fig, ax = figure("barh")
    title = title or t("grafik_profil", lang)
    unit = t("satuan_persen_rt", lang)
    df = profil[profil["kelompok"].isin(["D1-D2", "D3-D4"])].copy()
    if df.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    sup = df["ditekan"].fillna(False).astype(bool) if "ditekan" in df else pd.Series(False, index=df.index)
    df["v"] = pd.to_numeric(df["persen"], errors="coerce").where(~sup)
    df["s"] = sup
    v = df.pivot_table(index="indikator", columns="kelompok", values="v", aggfunc="first", dropna=False)
    s = df.pivot_table(index="indikator", columns="kelompok", values="s", aggfunc="any").fillna(False)
    v = v.reindex(columns=["D1-D2", "D3-D4"])
    s = s.reindex(index=v.index, columns=["D1-D2", "D3-D4"]).fillna(False)
    order = v["D1-D2"].fillna(-1).sort_values(ascending=False, kind="mergesort").index[:top][::-1]
    y = np.arange(len(order))
    h = 0.38
    series, labs = [], []
    for off, col, colour, lab in ((h / 2, "D1-D2", DESIL_COLOURS["1"], t("d1_d2", lang)),
                                   (-h / 2, "D3-D4", DESIL_COLOURS["4"], t("d3_d4", lang))):
        vals = v.loc[order, col].to_numpy(dtype=float)
        series.append((y + off, np.nan_to_num(vals), colour))
        labs.append(lab)
        for yi, val, sp in zip(y, vals, s.loc[order, col]):
            txt = fmt.persen(val, lang, desimal=0, ditekan=bool(sp))
            ax.text((0 if np.isnan(val) else val) + 0.01, yi + off, txt, va="center", fontsize=8, color=MUTED)
    handles = _mplfast.bars(ax, [p for p, _, _ in series], [v for _, v, _ in series], thickness=h,
                    color=[c for _, _, c in series], layers=True)
    ax.set_yticks(y, [textwrap.fill(labels.get(i, i), 26) for i in order], fontsize=8.5)
    ax.set_xlim(0, min(1.0, float(np.nanmax(v.to_numpy(dtype=float))) * 1.2 + 0.05) if v.notna().any().any() else 1)
    percent_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)
    legend_above(ax, handles, labs, ncols=2)
    finding = None
    if len(order) and not fmt.is_na(v.loc[order[-1], "D1-D2"]):
        top_i = order[-1]  # the bar drawn on top: the highest desil 1–2 share
        finding = t("temuan_profil", lang, label=labels.get(top_i, top_i), v=fmt.persen(v.loc[top_i, "D1-D2"], lang),
                    v2=fmt.persen(v.loc[top_i, "D3-D4"], lang, ditekan=bool(s.loc[top_i, "D3-D4"])))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@styled
def bps_line(series: Mapping[str, pd.Series], lang: str = "id", *, period: str = "", source: str = "",
             title: str | None = None, main: str | None = None) -> Figure:
    """P0 (percent, already ×100) over the years, one line per series: {"Kota Bontang": Series(tahun→p0)}.

    The first series (or `main`) is drawn strong with value labels; comparison series are dashed.
    """
    fig, ax = figure("line")
    title = title or t("grafik_bps", lang)
    unit = t("satuan_persen_penduduk", lang)
    if not series:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    main = main or next(iter(series))
    styles = [(OKABE_ITO["orange"], "--", "s"), (GREY, ":", "^"), (OKABE_ITO["purple"], "-.", "D")]
    years: set[int] = set()
    vmax = 0.0
    i = 0
    for name, s in series.items():
        s = pd.to_numeric(s, errors="coerce").dropna().sort_index()
        if s.empty:
            continue
        years |= set(int(y) for y in s.index)
        vmax = max(vmax, float(s.max()))
        if name == main:
            ax.plot(s.index, s.values, color=WILAYAH_COLOUR, linewidth=2.4, marker="o", label=name, zorder=3)
            for xv, yv in zip(s.index, s.values):
                ax.annotate(fmt.persen(yv, lang, desimal=2, rasio=False), (xv, yv), textcoords="offset points",
                            xytext=(0, 7), ha="center", fontsize=8, color=WILAYAH_COLOUR)
        else:
            c, ls, m = styles[i % len(styles)]
            i += 1
            ax.plot(s.index, s.values, color=c, linestyle=ls, linewidth=1.8, marker=m, markersize=4, label=name)
            last_x, last_y = s.index[-1], s.values[-1]
            ax.annotate(fmt.persen(last_y, lang, desimal=2, rasio=False), (last_x, last_y),
                        textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8, color=c)
    if years:
        ys = sorted(years)
        ax.set_xticks(ys, [str(y) for y in ys])
        ax.set_xlim(ys[0] - 0.4, ys[-1] + 0.4)
    ax.set_ylim(0, vmax * 1.25 if vmax else 1)
    percent_axis(ax.yaxis, lang, desimal=0, rasio=False)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.yaxis.grid(True)
    legend_above(ax)
    finding = None
    m = pd.to_numeric(series.get(main, pd.Series(dtype=float)), errors="coerce").dropna().sort_index()
    if len(m) >= 2:
        arah = "turun" if m.iloc[-1] < m.iloc[0] else "naik" if m.iloc[-1] > m.iloc[0] else "tetap"
        finding = t("temuan_bps", lang, nama=main, arah=t(arah, lang), v0=fmt.persen(m.iloc[0], lang, desimal=2, rasio=False),
                    t0=int(m.index[0]), v1=fmt.persen(m.iloc[-1], lang, desimal=2, rasio=False), t1=int(m.index[-1]))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@styled
def mpm_progress(mpm: pd.DataFrame, names: Mapping[str, str], lang: str = "id", *, period: str = "",
                 source: str = "", title: str | None = None, highlight: str | None = None) -> Figure:
    """Per kelurahan: MPM registrations stacked by verification result (hasil 1–5) and not yet verified.

    A kelurahan that has not reported gets the words "belum melapor" instead of a bar, so an empty
    return is never mistaken for "no poor households registered".
    """
    cols = ["hasil_1", "hasil_2", "hasil_3", "hasil_4", "hasil_5", "belum_diverifikasi"]
    df = mpm.copy().reset_index(drop=True)
    kind = "barh_s" if len(df) <= 6 else "barh"
    fig, ax = figure(kind)
    title = title or t("mpm_progres_judul", lang)
    unit = t("satuan_rumah_tangga", lang)
    if df.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    for c in cols + ["pendaftar"]:
        df[c] = pd.to_numeric(df.get(c), errors="coerce")
    df["_tot"] = df[cols].sum(axis=1, min_count=1)
    df = df.sort_values(["_tot", "kode_wilayah"], ascending=[True, False], kind="mergesort").reset_index(drop=True)
    y = np.arange(len(df))
    starts, lengths, left = _stacked(df, cols)
    handles = _mplfast.bars(ax, y, lengths, start=starts, thickness=0.66, color=[HASIL_COLOURS[c] for c in cols],
                    edgecolor="white", linewidth=0.4, layers=True)
    xmax = float(left.max()) if left.max() > 0 else 1.0
    melapor = df["melapor"] if "melapor" in df else pd.Series(True, index=df.index)
    for yi, tot, m in zip(y, df["_tot"], melapor):
        if m is False or (not fmt.is_na(m) and not bool(m)):
            ax.text(xmax * 0.01, yi, t("belum_melapor", lang), va="center", fontsize=8, color=OKABE_ITO["vermillion"],
                    style="italic")
        else:
            ax.text((0 if fmt.is_na(tot) else tot) + xmax * 0.01, yi, fmt.angka(tot, lang), va="center", fontsize=8)
    ax.set_yticks(y, [names.get(k, k) for k in df["kode_wilayah"]])
    if highlight:
        for tick, k in zip(ax.get_yticklabels(), df["kode_wilayah"]):
            if k == highlight:
                tick.set_fontweight("bold")
    ax.set_xlim(0, xmax * 1.18)
    count_axis(ax.xaxis, lang)
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)
    legend_above(ax, handles, [t(c, lang) for c in cols], ncols=3)
    finding = None
    reg = df["pendaftar"].where(df["pendaftar"].notna(), df["_tot"])
    if reg.notna().any():
        top_i = reg.sort_values(ascending=False, kind="mergesort").index[0]
        belum = sum(1 for m in melapor if m is False or (not fmt.is_na(m) and not bool(m)))
        k = df.loc[top_i, "kode_wilayah"]
        finding = t("temuan_mpm_progres", lang, nama=names.get(k, k), n=fmt.angka(reg[top_i], lang), belum=fmt.angka(belum, lang))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@styled
def mpm_funnel(row: Mapping, lang: str = "id", *, period: str = "", source: str = "",
               title: str | None = None) -> Figure:
    """One wilayah's MPM funnel: registered → already in BDT / new → verified → fully verified."""
    fig, ax = figure("barh_s")
    title = title or t("mpm_funnel_judul", lang)
    unit = t("satuan_rumah_tangga", lang)

    def num(k):
        v = row.get(k)
        return None if fmt.is_na(v) else float(v)

    hasil = [num(f"hasil_{i}") for i in range(1, 6)]
    verified = sum(h for h in hasil if h is not None) if any(h is not None for h in hasil) else None
    steps = [(t("pendaftar", lang), num("pendaftar")), (t("terdaftar_bdt", lang), num("terdaftar_bdt")),
             (t("baru", lang), num("baru")), (t("diverifikasi", lang), verified), (t("hasil_1", lang), num("hasil_1"))]
    steps = steps[::-1]
    y = np.arange(len(steps))
    vals = np.array([s[1] if s[1] is not None else 0 for s in steps], dtype=float)
    colours = [OKABE_ITO["green"], WILAYAH_COLOUR, OKABE_ITO["sky"], OKABE_ITO["sky"], GREY]
    _mplfast.bars(ax, y, vals, color=colours, thickness=0.62)
    vmax = float(vals.max()) if vals.max() > 0 else 1.0
    for yi, (_, v) in zip(y, steps):
        ax.text((v or 0) + vmax * 0.01, yi, fmt.angka(v, lang), va="center", fontsize=8.5)
    ax.set_yticks(y, [s[0] for s in steps])
    ax.set_xlim(0, vmax * 1.15)
    count_axis(ax.xaxis, lang)
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)
    finding = None
    if num("pendaftar") is not None:
        finding = t("temuan_mpm_funnel", lang, diverifikasi=fmt.angka(verified, lang), pendaftar=fmt.angka(num("pendaftar"), lang),
                    lengkap=fmt.angka(num("hasil_1"), lang))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@styled
def tren_chart(tren: pd.DataFrame, nama: str, lang: str = "id", *, period: str = "", source: str = "",
               title: str | None = None) -> Figure:
    """Keluarga miskin (bars, top panel) and KKS coverage (line, bottom panel) per period, for one wilayah:
    the rows of `tren` (docs/contracts.md §3) with `periode`, `keluarga_miskin`, `cakupan_kks`, oldest first.

    Two panels sharing the periods, not one chart with two y axes: a second axis lets the reader compare
    heights that mean nothing against each other."""
    fig, (ax, axc) = figure("tren", 2, 1, sharex=True)
    title = title or t("grafik_tren", lang)
    unit = t("satuan_tren", lang)
    d = tren.assign(periode=tren["periode"].astype(str)).drop_duplicates("periode", keep="last") \
        .sort_values("periode", kind="mergesort")
    if d.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    x = np.arange(len(d))
    n = pd.to_numeric(d["keluarga_miskin"], errors="coerce").astype(float).to_numpy()
    c = pd.to_numeric(d["cakupan_kks"], errors="coerce").astype(float).to_numpy()
    last = len(d) - 1
    colours = [WILAYAH_COLOUR if i == last else OKABE_ITO["sky"] for i in x]
    _mplfast.bars(ax, x, np.nan_to_num(n), color=colours, thickness=0.6, horizontal=False)
    nmax = float(np.nanmax(n)) if np.isfinite(n).any() and np.nanmax(n) > 0 else 1.0
    for xi, v in zip(x, n):
        ax.text(xi, (0 if np.isnan(v) else v) + nmax * 0.03, fmt.angka(None if np.isnan(v) else v, lang),
                ha="center", va="bottom", fontsize=8.5)
    ax.set_ylim(0, nmax * 1.3)
    count_axis(ax.yaxis, lang)
    ax.yaxis.grid(True)
    ax.set_ylabel(t("satuan_keluarga", lang))
    ok = np.isfinite(c)
    axc.plot(x[ok], c[ok], color=OKABE_ITO["orange"], linewidth=2.2, marker="o", zorder=3)
    for xi, v in zip(x[ok], c[ok]):
        axc.annotate(fmt.persen(v, lang), (xi, v), textcoords="offset points", xytext=(0, 6), ha="center",
                     fontsize=8, color=INK)
    axc.set_ylim(0, 1.15)
    percent_axis(axc.yaxis, lang)
    axc.yaxis.set_major_locator(MaxNLocator(nbins=3))
    axc.yaxis.grid(True)
    axc.set_ylabel(t("kartu_cakupan_kks", lang))
    axc.set_xticks(x, list(d["periode"]))
    axc.set_xlim(-0.6, last + 0.6)
    finding = None
    if last >= 1 and not np.isnan(n[0]) and not np.isnan(n[last]):
        arah = "turun" if n[last] < n[0] else "naik" if n[last] > n[0] else "tetap"
        finding = t("temuan_tren" if arah != "tetap" else "temuan_tren_tetap", lang, nama=nama, arah=t(arah, lang),
                    a=fmt.angka(n[0], lang),
                    p0=d["periode"].iloc[0], b=fmt.angka(n[last], lang), p1=d["periode"].iloc[last],
                    x=fmt.persen(None if np.isnan(c[0]) else c[0], lang),
                    y=fmt.persen(None if np.isnan(c[last]) else c[last], lang))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@styled
def quadrant_scatter(prioritas: pd.DataFrame, lang: str = "id", *, highlight: Iterable[str] | str | None = None,
                     period: str = "", source: str = "", title: str | None = None) -> Figure:
    """Kelurahan on % desil 1–2 (x) × KKS coverage (y), city reference lines, coloured by priority 1–4.

    Priority 1 (bottom right: many very poor, low coverage) is the quadrant the eye should go to.
    """
    fig, ax = figure("scatter")
    title = title or t("grafik_kuadran", lang)
    unit = f"x: {t('persen_d1_d2', lang)} · y: {t('cakupan_kks', lang)}"
    df = prioritas.copy()
    if df.empty:
        _no_data(ax, lang)
        return finish(fig, ax, title, unit, period, source, lang)
    hl = {highlight} if isinstance(highlight, str) else set(highlight or ())
    x = pd.to_numeric(df["x_persen_d1_d2"], errors="coerce").to_numpy(dtype=float)
    yv = pd.to_numeric(df["y_cakupan_kks"], errors="coerce").to_numpy(dtype=float)
    xk = float(pd.to_numeric(df["x_kota"], errors="coerce").dropna().iloc[0])
    yk = float(pd.to_numeric(df["y_kota"], errors="coerce").dropna().iloc[0])
    pad_x = (np.nanmax(x) - np.nanmin(x)) * 0.12 + 0.01
    pad_y = (np.nanmax(yv) - np.nanmin(yv)) * 0.12 + 0.01
    x0, x1 = min(np.nanmin(x), xk) - pad_x, max(np.nanmax(x), xk) + pad_x * 1.6
    y0, y1 = min(np.nanmin(yv), yk) - pad_y, max(np.nanmax(yv), yk) + pad_y
    ax.axvline(xk, color=GREY, linewidth=1, linestyle="--", zorder=1)
    ax.axhline(yk, color=GREY, linewidth=1, linestyle="--", zorder=1)
    ax.text(xk, y1, f" {t('rata_kota', lang)}", fontsize=8, color=MUTED, va="top", ha="left")
    # Quadrant captions: 1 = bottom right by definition (worse on both); the other three are labelled
    # by the table's own priority numbers, found from a point in each quadrant, so we never contradict it.
    quad_name = {}
    for _, r in df.iterrows():
        qx = r["x_persen_d1_d2"] > xk
        qy = r["y_cakupan_kks"] >= yk
        if not fmt.is_na(r.get("prioritas")):
            quad_name[(qx, qy)] = int(r["prioritas"])
    corners = {(True, False): (x1, y0, "right", "bottom"), (True, True): (x1, y1, "right", "top"),
               (False, False): (x0, y0, "left", "bottom"), (False, True): (x0, y1, "left", "top")}
    for key, (cx, cy, ha, va) in corners.items():
        if key in quad_name:
            n = quad_name[key]
            ax.text(cx, cy, t("prioritas_n", lang, n=n), ha=ha, va=va, fontsize=8, fontweight="bold",
                    color=PRIORITAS_COLOURS.get(n, MUTED), alpha=0.9)
    colours = [PRIORITAS_COLOURS.get(int(p), GREY) if not fmt.is_na(p) else GREY for p in df["prioritas"]]
    sizes = [80 if k in hl else 38 for k in df["kode_wilayah"]]
    edges = [INK if k in hl else "white" for k in df["kode_wilayah"]]
    ax.scatter(x, yv, s=sizes, c=colours, edgecolors=edges, linewidths=1.2, zorder=3)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    percent_axis(ax.xaxis, lang)
    percent_axis(ax.yaxis, lang)
    ax.set_xlabel(t("persen_d1_d2", lang))
    ax.set_ylabel(t("cakupan_kks", lang))
    p1 = df[pd.to_numeric(df["prioritas"], errors="coerce") == 1]
    p1 = p1.assign(_x=pd.to_numeric(p1["x_persen_d1_d2"], errors="coerce")).sort_values("_x", ascending=False, kind="mergesort")
    finding = (t("temuan_kuadran", lang, n=fmt.angka(len(p1), lang), daftar=", ".join(str(n) for n in p1["nama"]))
               if len(p1) else t("temuan_kuadran_nol", lang))
    finish(fig, ax, title, unit, period, source, lang, finding=finding)
    _mplfast.place_labels(fig, ax, x, yv, [str(n) for n in df["nama"]], [k in hl for k in df["kode_wilayah"]],
                          ink=INK, leader=GREY)
    return fig
