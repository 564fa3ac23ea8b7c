"""The house style for every briefing chart, and the charts themselves.

Design rules, and why:
- Okabe–Ito colours: readable by the ~8 % of men with a colour-vision deficiency.
- Fixed size per chart kind and fixed DPI; SVG (and PNG) without timestamps, with a fixed hash salt:
  the same data give byte-identical images, so a rebuilt briefing can be diffed and a test can pin one.
- Briefings embed SVG with real text (`svg.fonttype: none`): vector, so crisp on a phone and in the
  PDF, ~4× cheaper to write than rasterising + quantising + encoding a PNG, and Chromium prints it
  ~2× faster than re-compressing PNGs into the PDF (which is also ~3× smaller).
- Fixed margins measured once (`_fixed_layout`), not constrained layout: constrained layout measured
  every artist twice per draw and was a third of a chart's cost.
- Drawing is most of a build's CPU, so a chart costs less than half of what plain matplotlib would,
  with the same bytes or the same picture: text sizes and font heights are measured once per process
  (`_Canvas`, `_print_svg`), a figure is a copy of a pickled blank with its ticks made (`_Template`),
  bars are one PolyCollection (`_bars`) and repeated marks one collection, label positions are
  remembered (`_place_labels`), and the house rcParams are applied without copying all of them.
- 4.8 in wide at 10 pt: on a 390 px phone the image shrinks to ~0.8 of its size, and 10 pt (labels
  never under 8 pt) is the smallest that stays legible there; 6.3 in would put tick labels near 7 px.
- Every chart carries title, unit, period and source (`finish`), because charts get screenshotted and
  forwarded on WhatsApp without the text around them.
- Figures are `matplotlib.figure.Figure` objects, never pyplot: the notebook's inline backend does not
  auto-display them a second time, and no global pyplot state leaks between wilayah.
- Numbers on axes and labels go through `kemiskinan.briefing.fmt` (Indonesian separators).
"""
from __future__ import annotations

import base64
import copy
import datetime as _dt
import functools
import hashlib
import io
import os
import pickle
import textwrap
import weakref
from contextlib import contextmanager
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import TransformNode

from kemiskinan.briefing import fmt
from kemiskinan.atomic import atomic_write
from kemiskinan.briefing.i18n import STRINGS, desil_label, program_name, t

# --- palette (Okabe & Ito 2008) ----------------------------------------------------------------------
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
GREY = "#8C8C8C"
LIGHT_GREY = "#D9D9D9"
INK = "#222222"
MUTED = "#555555"

# Poorest = warmest; 4+ / non-desil in greys so they read as "outside the target".
DESIL_ORDER = ["1", "2", "3", "4", "4+", "non-desil", "tidak_di_bdt"]
DESIL_COLOURS = {
    "1": OKABE_ITO["vermillion"], "2": OKABE_ITO["orange"], "3": OKABE_ITO["sky"], "4": OKABE_ITO["blue"],
    "4+": GREY, "non-desil": LIGHT_GREY, "tidak_di_bdt": OKABE_ITO["purple"],
}
PRIORITAS_COLOURS = {1: OKABE_ITO["vermillion"], 2: OKABE_ITO["orange"], 3: OKABE_ITO["sky"], 4: OKABE_ITO["green"]}
HASIL_COLOURS = {
    "hasil_1": OKABE_ITO["green"], "hasil_2": OKABE_ITO["vermillion"], "hasil_3": OKABE_ITO["orange"],
    "hasil_4": OKABE_ITO["purple"], "hasil_5": OKABE_ITO["yellow"], "belum_diverifikasi": LIGHT_GREY,
}
WILAYAH_COLOUR = OKABE_ITO["blue"]
KOTA_COLOUR = GREY

DPI = 150
WIDTH_IN = 4.8
# Fixed sizes (inches) per kind: a chart's size depends on its kind only, never on the data.
SIZES = {
    "bar": (WIDTH_IN, 3.0),
    "barh_s": (WIDTH_IN, 2.6),    # up to ~6 bars (kecamatan, programmes)
    "barh": (WIDTH_IN, 4.6),      # up to ~16 bars (kelurahan, indicators)
    "line": (WIDTH_IN, 3.0),
    "scatter": (WIDTH_IN, 4.4),
    "upset": (WIDTH_IN, 3.8),
    "map": (WIDTH_IN, 6.0),
    "tren": (WIDTH_IN, 3.4),      # two panels over the same periods
}
_TITLE_PT, _SUB_PT, _SOURCE_PT = 11.5, 8.5, 7.5
_PAD_IN = 0.07

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 9.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "axes.edgecolor": "#666666",
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "#E6E6E6",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO.values())[1:]),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
    # Deterministic SVG (ids are hashes of this salt and the content) with text kept as text.
    "svg.hashsalt": "kemiskinan",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
}


@contextmanager
def style():
    """The house rcParams, applied while a chart is built and while it is saved."""
    with matplotlib.rc_context(STYLE):
        yield


_STYLE_RC: list | None = None  # STYLE as validated rcParams values, (key, value) pairs


@contextmanager
def _house_rc():
    """`style()` for this module's own functions, cheaper: `rc_context` copies and restores all ~300
    rcParams (0.5 ms, several times per chart); the chart code changes none, so only the STYLE keys are
    saved and restored, and nothing at all is done when they are already in force (a nested call)."""
    global _STYLE_RC
    rc = matplotlib.rcParams
    if _STYLE_RC is None:
        _STYLE_RC = [(k, rc.validate[k](v)) for k, v in STYLE.items()]
    get = dict.__getitem__
    saved = {k: get(rc, k) for k, _ in _STYLE_RC}
    if all(saved[k] == v for k, v in _STYLE_RC):
        yield
        return
    try:
        dict.update(rc, _STYLE_RC)  # validated already, as rc_context's own restore does
        yield
    finally:
        dict.update(rc, saved)


def _styled(fn):
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        with _house_rc():
            return fn(*a, **kw)
    return wrapper


# --- text measurement, shared by every chart of the process ---------------------------------------
# Text layout is a third of a chart's cost and matplotlib caches it per renderer, i.e. per figure and
# per save, so the same tick label, kelurahan name or "Sumber: …" line was shaped again by FreeType
# in every chart, twice (measured at 150 dpi for `_fixed_layout`, then at 72 dpi for the SVG). The
# renderers below answer the same questions from process-wide caches: the values are those matplotlib
# computes (same calls, same arithmetic), so the images are unchanged. Keys hold everything the answer
# depends on: the text, the font properties, the DPI and the rcParams FreeType reads.
_METRICS_MAX = 50_000
_text_metrics: dict = {}
_font_heights: dict = {}
_label_boxes: dict = {}  # `_place_labels`


_GENERIC_RC = {"serif": "font.serif", "sans-serif": "font.sans-serif", "sans serif": "font.sans-serif",
               "sans": "font.sans-serif", "cursive": "font.cursive", "fantasy": "font.fantasy",
               "monospace": "font.monospace"}


def _font_key(prop) -> tuple:
    """What FontProperties hashes and compares (by name), plus the rcParams a generic family resolves by."""
    key = tuple(sorted(prop.__dict__.items()))
    generic = [_GENERIC_RC[f.lower()] for f in prop.get_family() if f.lower() in _GENERIC_RC]
    if generic:
        key += tuple(tuple(matplotlib.rcParams[k]) for k in generic)
    return key


def _rc_key() -> tuple:
    rc = matplotlib.rcParams
    return rc["text.hinting"], rc["text.kerning_factor"], rc["font.enable_last_resort"]


def _remember(cache: dict, key, value):
    if len(cache) >= _METRICS_MAX:
        cache.clear()
    cache[key] = value
    return value


def _font_height_metrics(prop, dpi) -> tuple:
    """(ascent, descent, line gap) in pixels: what `Text._get_layout` reads from the font's OS/2 or hhea
    table, with the same arithmetic, cached (it re-read the tables for every text on every layout)."""
    key = (_font_key(prop), dpi, _rc_key())
    got = _font_heights.get(key)
    if got is not None:
        return got
    font = get_font(fontManager._find_fonts_by_props(prop))
    out = (None, None, None)
    for table_name, linegap_key, ascent_key, descent_key in (
            ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"), ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * dpi / 72
        out = (table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale)
        break
    return _remember(_font_heights, key, out)


class _CachedText:
    """Mixin for a renderer: text sizes and font heights from the process-wide caches. A subclass says
    what the answer depends on (`_metrics_key`) and at which DPI font heights are taken (`_height_dpi`)."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = self._metrics_key(s, prop)
        got = _text_metrics.get(key)
        return got if got is not None else _remember(
            _text_metrics, key, super().get_text_width_height_descent(s, prop, ismath))

    def _get_font_height_metrics(self, prop):
        return _font_height_metrics(prop, self._height_dpi())


class _MeasuringRendererAgg(_CachedText, RendererAgg):
    def _metrics_key(self, s, prop) -> tuple:
        return "agg", s, _font_key(prop), self.dpi, _rc_key()

    def _height_dpi(self):
        return self.dpi


class _CachingRendererSVG(_CachedText, RendererSVG):
    def _metrics_key(self, s, prop) -> tuple:
        # TextToPath measures at a fixed 100 pt / 72 dpi and scales: no DPI or hinting in the key.
        return ("svg", s, _font_key(prop), matplotlib.rcParams["text.kerning_factor"],
                matplotlib.rcParams["font.enable_last_resort"])

    def _height_dpi(self):
        return 72  # `print_svg` lays the figure out at 72 dpi


class _Canvas(FigureCanvasAgg):
    """The Agg canvas of a house figure (it measures for `finish`, and draws for `to_png`), whose
    renderer shares the process-wide text caches."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _MeasuringRendererAgg(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def _print_svg(canvas, filename, *, bbox_inches_restore=None, metadata=None, **_kwargs):
    """`FigureCanvasSVG.print_svg` with the caching SVG renderer (the same bytes). `to_svg` lends it to
    the figure's canvas for one `savefig`; any other SVG save goes through matplotlib's own."""
    from matplotlib import cbook

    fig = canvas.figure
    with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
        if not cbook.file_requires_unicode(fh):
            import codecs

            fh = codecs.getwriter("utf-8")(fh)
        dpi = fig.dpi
        fig.dpi = 72
        width, height = fig.get_size_inches()
        w, h = width * 72, height * 72
        renderer = MixedModeRenderer(fig, width, height, dpi,
                                     _CachingRendererSVG(w, h, fh, image_dpi=dpi, metadata=metadata),
                                     bbox_inches_restore=bbox_inches_restore)
        fig.draw(renderer)
        renderer.finalize()


def figure(kind: str = "bar", nrows: int = 1, ncols: int = 1, **subplot_kw) -> tuple[Figure, object]:
    """A new house-style figure of a fixed size for `kind` (see SIZES) and its axes.

    `finish` places the axes once, inside the band left by the title block at the top and the source
    line at the bottom, with margins measured from the tick labels, axis labels and texts
    (`_fixed_layout`); nothing is re-laid-out at draw time.
    """
    if kind not in SIZES:
        raise ValueError(f"jenis grafik tidak dikenal: {kind!r}; pilih dari {sorted(SIZES)}")
    with _house_rc():
        key = _template_key(kind, nrows, ncols, subplot_kw)
        tpl = _TEMPLATES.get(key) if key is not None else None
        if tpl is None or not dict.__eq__(matplotlib.rcParams, tpl.rc):
            tpl = _Template(kind, nrows, ncols, subplot_kw, tpl.ticks if tpl is not None else None)
            if key is not None:
                _TEMPLATES[key] = tpl
        fig, axes = pickle.loads(tpl.blob)
        _Canvas(fig)  # a real canvas: `finish` measures text, and no pyplot/global backend is involved
        _FIGURE_TEMPLATE[fig] = tpl  # keeps the blank alive as long as its copy (see _Template)
    fig.kemiskinan = {"kind": kind}  # what to_html needs later (alt text, size)
    return fig, axes


# A new figure is a copy of a blank one made once per (kind, grid) and kept pickled: unpickling is ~5×
# cheaper than building the Axes (spines, axis, title texts) and ~4× cheaper than making the ticks, so
# the blank also holds as many major ticks per axis as charts of its kind have used (`_learn_ticks`;
# ticks beyond those a chart's locator asks for are never drawn or measured). Each chart still gets
# its own objects, never shared with another chart. The blank is remade when any rcParam differs from
# the values it was built under (the house STYLE is in force on both occasions).
_MAX_TEMPLATE_TICKS = 24


class _Template:
    """A pickled blank figure, and the objects that must outlive every copy of it.

    An unpickled transform keeps its parents (the transforms to invalidate when it changes, e.g. the
    tick-label offsets when the DPI goes from 150 to 72 for the SVG) under the ids the parents had in
    the pickled figure, while new parents are filed under their own id. Were a pickled parent freed,
    a new transform could get its address and overwrite the copy's entry: the copy's tick labels would
    then keep a 150-dpi offset in the SVG. So every parent that was pickled is kept alive here, and a
    copy keeps its `_Template` alive (`_FIGURE_TEMPLATE`): a filed id can never be reused meanwhile.
    """

    def __init__(self, kind: str, nrows: int, ncols: int, subplot_kw: dict, ticks: tuple | None = None):
        self.args = kind, nrows, ncols, copy.deepcopy(subplot_kw)
        fig = Figure(figsize=SIZES[kind], dpi=DPI, layout=None)
        axes = fig.subplots(nrows, ncols, **subplot_kw)
        for ax, (nx, ny) in zip(fig.axes, ticks or ()):
            ax.xaxis.get_major_ticks(nx)
            ax.yaxis.get_major_ticks(ny)
        self.ticks = _tick_counts(fig)
        self.rc = dict.copy(matplotlib.rcParams)
        pinned: list = [fig, axes]

        class Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, TransformNode):
                    pinned.extend(p for p in (r() for r in obj._parents.values()) if p is not None)
                return None  # pickled as usual

        buf = io.BytesIO()
        Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump((fig, axes))
        self.blob = buf.getvalue()
        self.pinned = pinned


def _tick_counts(fig: Figure) -> tuple:
    return tuple((len(ax.xaxis.majorTicks), len(ax.yaxis.majorTicks)) for ax in fig.axes)


def _learn_ticks(fig: Figure) -> None:
    """Remake `fig`'s blank with more ticks when `fig` needed more than the blank holds."""
    tpl = _FIGURE_TEMPLATE.get(fig)
    key = _template_key(*tpl.args) if tpl is not None else None
    if key is None or _TEMPLATES.get(key) is not tpl:
        return  # not from a blank, or its blank has been remade already
    used = _tick_counts(fig)
    if len(used) != len(tpl.ticks):
        return
    want = tuple((min(max(a, c), _MAX_TEMPLATE_TICKS), min(max(b, d), _MAX_TEMPLATE_TICKS))
                 for (a, b), (c, d) in zip(used, tpl.ticks))
    if want != tpl.ticks:
        with _house_rc():
            _TEMPLATES[key] = _Template(*tpl.args, ticks=want)


_TEMPLATES: dict[tuple, _Template] = {}
_FIGURE_TEMPLATE: "weakref.WeakKeyDictionary[Figure, _Template]" = weakref.WeakKeyDictionary()


def _template_key(kind: str, nrows: int, ncols: int, subplot_kw: dict) -> tuple | None:
    def plain(v) -> bool:
        if v is None or isinstance(v, (bool, int, float, str)):
            return True
        if isinstance(v, (list, tuple)):
            return all(plain(x) for x in v)
        if isinstance(v, dict):
            return all(isinstance(k, str) and plain(x) for k, x in v.items())
        return False
    if not (isinstance(nrows, int) and isinstance(ncols, int) and plain(subplot_kw)):
        return None  # e.g. a projection object: built fresh every time
    return kind, nrows, ncols, repr(sorted(subplot_kw.items()))


def _wrap(text: str, width_in: float, pt: float) -> list[str]:
    # DejaVu Sans averages ~0.55 em per character; wrap conservatively so nothing runs off the image.
    chars = max(20, int(width_in * 72 / (pt * 0.56)))
    return textwrap.wrap(text, chars) or [""]


_LAYOUT_PAD_IN = 0.04


def _overhang(ax, renderer) -> tuple[float, float, float, float]:
    """How far (px: left, right, bottom, top) the axis decorations, legend and texts of `ax` reach
    outside its box: what constrained layout measured, but only the artists that can stick out."""
    box = ax.get_window_extent(renderer)
    boxes = []
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_visible() and ax.axison:
            bb = axis.get_tightbbox(renderer)
            if bb is not None and bb.width and bb.height:
                boxes.append(bb)
    leg = ax.get_legend()
    if leg is not None and leg.get_visible() and leg.get_in_layout():
        boxes.append(leg.get_window_extent(renderer))
    for t in ax.texts:
        if t.get_visible() and t.get_in_layout() and t.get_text() and not t.get_clip_on():
            boxes.append(t.get_window_extent(renderer))
    if not boxes:
        return 0.0, 0.0, 0.0, 0.0
    x0 = min(b.x0 for b in boxes)
    x1 = max(b.x1 for b in boxes)
    y0 = min(b.y0 for b in boxes)
    y1 = max(b.y1 for b in boxes)
    return max(0.0, box.x0 - x0), max(0.0, x1 - box.x1), max(0.0, box.y0 - y0), max(0.0, y1 - box.y1)


def _fixed_layout(fig: Figure, top_in: float, bottom_in: float) -> None:
    """Place the axes (one column of 1–n rows) once, between the title band (`top_in`) and the source
    band (`bottom_in`), leaving exactly the room their tick labels, axis labels, legend and value labels
    need. One measuring pass: the labels' sizes do not depend on where the axes sit."""
    w, h = fig.get_size_inches()
    dpi = fig.dpi
    pad = _LAYOUT_PAD_IN
    axes = [a for a in fig.axes if a.get_visible()]
    if not axes:
        return
    left, right = pad / w, 1 - pad / w
    bottom, top = (bottom_in + pad) / h, 1 - (top_in + pad) / h
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top, hspace=0.0, wspace=0.0)
    renderer = fig.canvas.get_renderer()
    rows = sorted(axes, key=lambda a: -a.get_position().y0)  # top to bottom
    hang = []
    for ax in rows:
        ax.apply_aspect()
        hang.append(_overhang(ax, renderer))
    L = max(o[0] for o in hang) / dpi + pad
    R = max(o[1] for o in hang) / dpi + pad
    B = hang[-1][2] / dpi + pad
    T = hang[0][3] / dpi + pad
    gaps = [(hang[i][2] + hang[i + 1][3]) / dpi + 2 * pad for i in range(len(hang) - 1)]
    n = len(rows)
    avail = (top - bottom) * h - B - T
    space = max(gaps, default=0.0)
    axes_h = (avail - space * (n - 1)) / n if n else avail
    fig.subplots_adjust(left=left + L / w, right=right - R / w, bottom=bottom + B / h, top=top - T / h,
                        hspace=(space / axes_h) if n > 1 and axes_h > 0 else 0.0)


def finish(fig: Figure, ax, title: str, unit: str, period: str, source: str, lang: str = "id",
           note: str | None = None, finding: str | None = None) -> Figure:
    """Stamp the title, "unit · period" subtitle and "Sumber: …" line on `fig`; returns `fig`.

    `finding` is the chart's main finding, one sentence computed from the data it draws: `to_html` makes
    it the image's alt text and prints it under the chart, so a reader who cannot see the image (screen
    reader, image blocked, greyscale print) still gets what the chart says.
    `ax` is accepted so callers can hand over the main axes (kept for symmetry and future use).
    """
    w, h = fig.get_size_inches()
    title_lines = _wrap(title, w - 2 * _PAD_IN, _TITLE_PT)
    sub = " · ".join(p for p in (unit, period) if p)
    src = f"{t('sumber', lang)}: {source}" + (f" · {note}" if note else "")
    src_lines = _wrap(src, w - 2 * _PAD_IN, _SOURCE_PT)
    line = 1.25 / 72  # inches per pt of line height
    y = h - _PAD_IN
    fig.text(_PAD_IN / w, y / h, "\n".join(title_lines), ha="left", va="top", fontsize=_TITLE_PT,
             fontweight="bold", color=INK, linespacing=1.1)
    y -= len(title_lines) * _TITLE_PT * line * 1.1
    if sub:
        fig.text(_PAD_IN / w, y / h, sub, ha="left", va="top", fontsize=_SUB_PT, color=MUTED)
        y -= _SUB_PT * line
    meta = getattr(fig, "kemiskinan", {})
    if meta.get("legend"):
        handles, labels, ncols = meta.pop("legend")
        leg = fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(_PAD_IN / w, (y - 0.04) / h),
                         ncols=ncols, borderaxespad=0.0, borderpad=0.0, handlelength=1.2, columnspacing=1.0,
                         fontsize=8.5, frameon=False)
        leg.set_in_layout(False)  # placed by hand here; the layout only sees the rect below
        y -= leg.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi + 0.06
    top_in = h - y + 0.08
    bottom_in = len(src_lines) * _SOURCE_PT * line + _PAD_IN + 0.04
    fig.text(_PAD_IN / w, _PAD_IN / h, "\n".join(src_lines), ha="left", va="bottom", fontsize=_SOURCE_PT,
             color=MUTED, linespacing=1.1)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):  # a figure made elsewhere with constrained layout
        engine.set(rect=(0.0, bottom_in / h, 1.0, 1.0 - (top_in + bottom_in) / h))
    else:
        _fixed_layout(fig, top_in, bottom_in)
    _learn_ticks(fig)
    meta.update(title=title, unit=unit, period=period, source=source, temuan=finding or "")
    fig.kemiskinan = meta
    return fig


PNG_COLOURS = 96


def to_png(fig: Figure) -> bytes:
    """PNG bytes at the fixed DPI, palette-quantised, without Software/date metadata: equal data → equal bytes.

    For analysts who want a raster file (briefings embed `to_svg`). Flat-colour charts survive 96-colour
    median-cut quantisation unchanged to the eye while the file shrinks ~3×.
    """
    from PIL import Image

    with _house_rc():
        if not hasattr(fig.canvas, "buffer_rgba"):
            _Canvas(fig)
        fig.set_dpi(DPI)
        fig.canvas.draw()
        w, h = fig.canvas.get_width_height(physical=True)
        rgb = Image.frombuffer("RGBA", (w, h), bytes(fig.canvas.buffer_rgba())).convert("RGB")
    img = rgb.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(DPI, DPI), optimize=False)
    return buf.getvalue()


# Text stays text in the SVG; a reader without DejaVu Sans (most phones) gets the closest metric
# match (Verdana shares Bitstream Vera's metrics), then any sans-serif — never the browser's serif default.
SVG_FONT_STACK = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, 'Noto Sans', Roboto, Arial, sans-serif"


def to_svg(fig: Figure) -> bytes:
    """SVG bytes of the fixed-size figure, text as text, no date, fixed ids: equal data → equal bytes."""
    with _house_rc():
        if not hasattr(fig.canvas, "buffer_rgba"):
            _Canvas(fig)
        fig.set_dpi(DPI)
        buf = io.BytesIO()
        canvas = fig.canvas
        canvas.print_svg = functools.partial(_print_svg, canvas)
        try:
            with _empty_axis_labels_fixed(fig):
                fig.savefig(buf, format="svg", metadata={"Date": None})
        finally:
            del canvas.print_svg
    return buf.getvalue().replace(b"font-family: 'DejaVu Sans'", b"font-family: " + SVG_FONT_STACK.encode())


@contextmanager
def _empty_axis_labels_fixed(fig: Figure):
    """While drawing, skip placing empty axis labels: an empty label draws nothing, but matplotlib
    measures every tick label and the spine again to place it (~5 % of a save). (Its position does count
    when `_fixed_layout` measures, as a zero-size box, so this is only done for the final draw.)"""
    fixed = [axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             if getattr(axis, "_autolabelpos", False) is True and axis.label.get_text() == ""]
    for axis in fixed:
        axis._autolabelpos = False
    try:
        yield
    finally:
        for axis in fixed:
            axis._autolabelpos = True


def to_html(fig: Figure, alt: str | None = None, caption: str | None = None) -> str:
    """An inline `<figure>` with the chart as a base64 SVG data URI (self-contained HTML, no files beside
    it; an <img>, not inline <svg>, so the chart's ids and styles can never clash with the page's).

    The chart's main finding (`finish(finding=…)`) is both the alt text and the visible caption; a chart
    without one (no data) falls back to "title — unit — period" as alt text and no caption.
    The `width` attribute is the physical size at 96 CSS px per inch, so desktop and print show the
    chart at its designed size while the stylesheet's `max-width:100%` shrinks it on a phone.
    """
    meta = getattr(fig, "kemiskinan", {})
    finding = meta.get("temuan") or ""
    alt = alt or finding or " — ".join(p for p in (meta.get("title"), meta.get("unit"), meta.get("period")) if p) or "grafik"
    caption = caption if caption is not None else finding
    w, h = fig.get_size_inches()
    data = base64.b64encode(to_svg(fig)).decode("ascii")
    cap = f'<figcaption class="temuan">{escape(caption)}</figcaption>' if caption else ""
    return (f'<figure class="chart"><img src="data:image/svg+xml;base64,{data}" width="{round(w * 96)}" '
            f'height="{round(h * 96)}" alt="{escape(alt, quote=True)}">{cap}</figure>')


# --- chart cache ---------------------------------------------------------------------------------
# A chart is a pure function of its inputs and of this code, so its HTML can be reused: by every
# briefing of a build that shows the same chart (the BPS series is identical in all 19), and by the
# next build for every chart whose slice did not change. Content-addressed, so it is never stale:
# the key is the sha256 of the function, every argument (tables as CSV text plus dtypes, files by
# content) and the source of the modules that draw (charts, maps, fmt, i18n) + matplotlib's version.

CACHE_ENV = "KEMISKINAN_CHART_CACHE"  # a folder, or 0/off/false/no to switch the cache off
CACHE_MAX_FILES = 2000                # above this, the least recently used half is removed
_CACHE_FORMAT = b"chart-html-2"       # bump when the cached snippet's shape changes


class _Uncacheable(TypeError):
    """An argument whose content cannot be fingerprinted (a callable, an unknown object)."""


def cache_dir() -> Path | None:
    """The chart cache folder (`$KEMISKINAN_CHART_CACHE`, else data/processed/_cache/grafik), or None when off."""
    v = os.environ.get(CACHE_ENV, "").strip()
    if v.lower() in {"0", "off", "false", "no"}:
        return None
    if v:
        return Path(v)
    from kemiskinan import config

    return config.PROCESSED_DIR / "_cache" / "grafik"


@lru_cache(maxsize=1)
def _code_version() -> bytes:
    h = hashlib.sha256(_CACHE_FORMAT)
    here = Path(__file__).resolve().parent
    for name in ("charts.py", "maps.py", "fmt.py", "i18n.py"):
        p = here / name
        h.update(name.encode() + b"\0" + (p.read_bytes() if p.exists() else b""))
    h.update(matplotlib.__version__.encode() + b"\0" + np.__version__.encode() + b"\0" + pd.__version__.encode())
    return h.digest()


def _feed(h, obj: Any) -> None:
    """Feed a canonical, type-tagged serialisation of `obj` into hash `h` (order kept: a dict's order
    can change a chart, e.g. which series is drawn first)."""
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, (np.generic,)):
        h.update(f"np.{type(obj).__name__}:{obj.item()!r};".encode())
    elif isinstance(obj, pd.DataFrame):
        h.update(b"DF:" + repr([(str(c), str(t)) for c, t in obj.dtypes.items()]).encode())
        h.update(obj.to_csv(lineterminator="\n").encode() + b";")
    elif isinstance(obj, pd.Series):
        h.update(f"S:{obj.name!r}:{obj.dtype}:{obj.index.dtype}:".encode())
        h.update(obj.to_csv(lineterminator="\n").encode() + b";")
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            _feed(h, obj.tolist())
        else:
            h.update(f"A:{obj.dtype}:{obj.shape}:".encode() + obj.tobytes() + b";")
    elif isinstance(obj, Mapping):
        h.update(b"{")
        for k, v in obj.items():
            _feed(h, k)
            _feed(h, v)
        h.update(b"}")
    elif isinstance(obj, (list, tuple)):
        h.update(b"[" if isinstance(obj, list) else b"(")
        for v in obj:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(obj, (set, frozenset)):
        _feed(h, sorted(obj, key=repr))
    elif isinstance(obj, os.PathLike):
        p = Path(obj)
        if not p.is_file():
            raise _Uncacheable(f"bukan berkas: {p}")
        h.update(b"F:" + hashlib.sha256(p.read_bytes()).digest())
    elif isinstance(obj, (_dt.date, _dt.datetime, pd.Timestamp)):
        h.update(f"D:{obj.isoformat()};".encode())
    elif obj is pd.NA or obj is pd.NaT:
        h.update(f"NA:{obj!r};".encode())
    else:
        raise _Uncacheable(type(obj).__name__)


def cache_key(fn: Callable, *args, **kwargs) -> str | None:
    """sha256 of the chart function, its arguments and the drawing code; None if an argument is uncacheable."""
    h = hashlib.sha256(_code_version())
    h.update(f"{fn.__module__}.{fn.__qualname__}".encode())
    try:
        _feed(h, list(args))
        _feed(h, dict(sorted(kwargs.items())))
    except _Uncacheable:
        return None
    return h.hexdigest()


def _cache_read(path: Path) -> str | None:
    try:
        html = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not (html.startswith('<figure class="chart">') and html.endswith("</figure>")):
        return None  # not ours or damaged: draw again (and overwrite)
    try:
        os.utime(path)  # mark as recently used for pruning
    except OSError:
        pass
    return html


def _cache_write(folder: Path, path: Path, html: str) -> None:
    """temp file + os.replace: two kernels writing the same chart at once both succeed, a reader never
    sees half a file. A cache that cannot be written is not an error (the chart is already drawn)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, html)
        _cache_prune(folder)
    except OSError:
        pass


def _cache_prune(folder: Path) -> None:
    entries = []
    with os.scandir(folder) as it:
        for e in it:
            if e.name.endswith(".html"):
                entries.append(e)
    if len(entries) <= CACHE_MAX_FILES:
        return
    def mtime(e):
        try:
            return e.stat().st_mtime
        except OSError:
            return 0.0
    for e in sorted(entries, key=mtime)[: len(entries) - CACHE_MAX_FILES // 2]:
        try:
            os.unlink(e.path)
        except OSError:
            pass


def cached_html(fn: Callable[..., Figure], *args, **kwargs) -> str:
    """`to_html(fn(*args, **kwargs))`, reused from the chart cache when the same chart was drawn before."""
    folder = cache_dir()
    key = cache_key(fn, *args, **kwargs) if folder is not None else None
    path = folder / f"{key}.html" if key else None
    if path is not None:
        html = _cache_read(path)
        if html is not None:
            return html
    html = to_html(fn(*args, **kwargs))
    if path is not None:
        _cache_write(folder, path, html)
    return html


# --- axis helpers ---------------------------------------------------------------------------------

def count_axis(axis, lang: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.angka(v, lang)))
    axis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))


def percent_axis(axis, lang: str, desimal: int = 0, rasio: bool = True) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.persen(v, lang, desimal=desimal, rasio=rasio)))


def _bars(ax, pos, length, *, start=0.0, thickness: float = 0.8, color, edgecolor=None, linewidth=None,
          horizontal: bool = True, layers: bool = False):
    """`ax.barh(pos, length, height=thickness, left=start, color=color, …)` (or `ax.bar` when not
    `horizontal`), drawn as one PolyCollection instead of one Rectangle patch per bar: the same corners,
    colours, outline, drawing order and data limits, for a fraction of the cost to build and to draw.

    With `layers`, `pos`/`length`/`start` are (series × bars) and `color` has one colour per series:
    what one bar() call per series draws (stacked or side by side), in one collection. Returns a legend
    handle per series (one when not `layers`) with the bars' looks: what a legend entry for a
    BarContainer copies from its first bar.
    """
    pos, length, start = (np.asarray(v, dtype=float) for v in (pos, length, start))
    faces = matplotlib.colors.to_rgba_array(color)
    if layers and not len(faces):
        return []  # no series: as no bar() call at all
    per_series = faces if layers else faces[:1]
    if not layers:
        pos, length, start = (v[np.newaxis] for v in (np.atleast_1d(pos), length, start))
    pos, length, start = np.broadcast_arrays(pos, length, start)
    shape = pos.shape
    handles = [Rectangle((0, 0), 1, 1, facecolor=f, edgecolor=edgecolor, linewidth=linewidth) for f in per_series]
    out = handles if layers else handles[0]
    if not (np.isfinite(pos).all() and np.isfinite(length).all() and np.isfinite(start).all()):
        # NaN bars: leave their (non-)drawing to matplotlib, exactly as before
        for i in range(shape[0]):
            kw = dict(color=faces[i] if layers else color, edgecolor=edgecolor, linewidth=linewidth)
            if horizontal:
                ax.barh(pos[i], length[i], height=thickness, left=start[i], **kw)
            else:
                ax.bar(pos[i], length[i], width=thickness, bottom=start[i], **kw)
        return out
    n = shape[1]
    pos, length, start = pos.ravel(), length.ravel(), start.ravel()  # series after series
    lo = pos - thickness / 2                     # as bar(align="center")
    a0, a1 = start, start + length                # as Rectangle: x0 + width
    b0, b1 = lo, lo + thickness
    if horizontal:
        corners = [(a0, b0), (a1, b0), (a1, b1), (a0, b1)]
    else:
        corners = [(b0, a0), (b1, a0), (b1, a1), (b0, a1)]
    verts = np.stack([np.column_stack(c) for c in corners], axis=1)  # (bars, 4 corners, xy)
    if layers:
        faces = np.repeat(faces, n, axis=0)
    elif len(faces) not in (1, len(pos)):
        faces = np.resize(faces, (len(pos), 4))   # bar() cycles the colours
    if len(pos):
        coll = PolyCollection(verts, closed=True, facecolors=faces,
                              edgecolors="none" if edgecolor is None else edgecolor,
                              linewidths=linewidth, joinstyle="miter", capstyle="butt")  # a Rectangle's defaults
        # Bars stick the value axis to their base, so autoscaling never pads below zero.
        (coll.sticky_edges.x if horizontal else coll.sticky_edges.y).extend(start.tolist())
        ax.add_collection(coll, autolim=True)
    if hasattr(ax, "_request_autoscale_view"):
        ax._request_autoscale_view()  # as bar() does (add_collection only does so from matplotlib 3.11)
    else:
        ax.autoscale_view()
    return out


def _legend_above(ax, handles=None, labels=None, ncols: int | None = None) -> None:
    """Ask `finish` for a legend row under the subtitle, spanning the figure width (not the axes), so
    long y labels that narrow the axes never push legend entries off the image."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    meta = getattr(ax.figure, "kemiskinan", {})
    meta["legend"] = (list(handles), list(labels), ncols or min(len(handles), 4))
    ax.figure.kemiskinan = meta


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

@_styled
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
    left = np.zeros(len(wide))
    starts, lengths = [], []
    for d in desil:
        vals = wide[d].fillna(0).to_numpy(dtype=float)
        starts.append(left.copy())
        lengths.append(vals)
        left += vals
    handles = _bars(ax, y, lengths, start=starts, color=[DESIL_COLOURS.get(d, GREY) for d in desil], thickness=0.68,
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
    _legend_above(ax, handles, [desil_label(d, lang) for d in desil], ncols=len(desil))
    return finish(fig, ax, title, unit, period, source, lang, finding=_finding_desil(total, names, unit, lang))


def _finding_desil(total: pd.Series, names: Mapping[str, str], unit: str, lang: str) -> str | None:
    tot = total.dropna()
    if tot.empty:
        return None
    hi, lo = tot[::-1].idxmax(), tot.idxmin()  # the bar drawn on top, the one at the bottom
    sisa = (t("temuan_desil_sisa", lang, nama=names.get(lo, lo), n=fmt.angka(tot[lo], lang))
            if len(tot) > 1 and tot[lo] < tot[hi] else "")
    return t("temuan_desil", lang, nama=names.get(hi, hi), satuan=unit, n=fmt.angka(tot[hi], lang), sisa=sisa)


@_styled
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
    handles = _bars(ax, [p for p, _, _ in series], [v for _, v, _ in series], thickness=h,
                    color=[c for _, _, c in series], layers=True)
    ax.set_yticks(y, [program_name(p) for p in progs])
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(ax.xaxis, lang)
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)
    if with_city:
        _legend_above(ax, handles, [nama, "Kota Bontang"], ncols=2)
    finding = None
    if np.isfinite(vals).any():
        i_max, i_min = int(np.nanargmax(vals)), int(np.nanargmin(vals))
        kota = ""
        if with_city and not np.isnan(kv[i_min]):
            kota = t("temuan_cakupan_kota", lang, prog_min=program_name(progs[i_min]), v=fmt.persen(kv[i_min], lang))
        finding = t("temuan_cakupan", lang, nama=nama, prog=program_name(progs[i_max]), v=fmt.persen(vals[i_max], lang),
                    prog_min=program_name(progs[i_min]), v_min=fmt.persen(vals[i_min], lang), kota=kota)
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@_styled
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
    handles = _bars(ax, y, lengths, start=starts, thickness=0.62, color=[DESIL_COLOURS.get(c, GREY) for c in cols],
                    edgecolor="white", linewidth=0.5, layers=True)
    ax.set_yticks(y, [program_name(p) for p in progs])
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    percent_axis(ax.xaxis, lang)
    ax.tick_params(axis="y", length=0, left=False)
    _legend_above(ax, handles, [desil_label(c, lang) for c in cols], ncols=min(len(cols), 4))
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


@_styled
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
    _bars(ax, x, df["n_rumah_tangga"].to_numpy(dtype=float), color=colours, thickness=0.62, horizontal=False)
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


@_styled
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
    handles = _bars(ax, [p for p, _, _ in series], [v for _, v, _ in series], thickness=h,
                    color=[c for _, _, c in series], layers=True)
    ax.set_yticks(y, [textwrap.fill(labels.get(i, i), 26) for i in order], fontsize=8.5)
    ax.set_xlim(0, min(1.0, float(np.nanmax(v.to_numpy(dtype=float))) * 1.2 + 0.05) if v.notna().any().any() else 1)
    percent_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0, left=False)
    _legend_above(ax, handles, labs, ncols=2)
    finding = None
    if len(order) and not fmt.is_na(v.loc[order[-1], "D1-D2"]):
        top_i = order[-1]  # the bar drawn on top: the highest desil 1–2 share
        finding = t("temuan_profil", lang, label=labels.get(top_i, top_i), v=fmt.persen(v.loc[top_i, "D1-D2"], lang),
                    v2=fmt.persen(v.loc[top_i, "D3-D4"], lang, ditekan=bool(s.loc[top_i, "D3-D4"])))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@_styled
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
    _legend_above(ax)
    finding = None
    m = pd.to_numeric(series.get(main, pd.Series(dtype=float)), errors="coerce").dropna().sort_index()
    if len(m) >= 2:
        arah = "turun" if m.iloc[-1] < m.iloc[0] else "naik" if m.iloc[-1] > m.iloc[0] else "tetap"
        finding = t("temuan_bps", lang, nama=main, arah=t(arah, lang), v0=fmt.persen(m.iloc[0], lang, desimal=2, rasio=False),
                    t0=int(m.index[0]), v1=fmt.persen(m.iloc[-1], lang, desimal=2, rasio=False), t1=int(m.index[-1]))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@_styled
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
    left = np.zeros(len(df))
    starts, lengths = [], []
    for c in cols:
        vals = df[c].fillna(0).to_numpy(dtype=float)
        starts.append(left.copy())
        lengths.append(vals)
        left += vals
    handles = _bars(ax, y, lengths, start=starts, thickness=0.66, color=[HASIL_COLOURS[c] for c in cols],
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
    _legend_above(ax, handles, [t(c, lang) for c in cols], ncols=3)
    finding = None
    reg = df["pendaftar"].where(df["pendaftar"].notna(), df["_tot"])
    if reg.notna().any():
        top_i = reg.sort_values(ascending=False, kind="mergesort").index[0]
        belum = sum(1 for m in melapor if m is False or (not fmt.is_na(m) and not bool(m)))
        k = df.loc[top_i, "kode_wilayah"]
        finding = t("temuan_mpm_progres", lang, nama=names.get(k, k), n=fmt.angka(reg[top_i], lang), belum=fmt.angka(belum, lang))
    return finish(fig, ax, title, unit, period, source, lang, finding=finding)


@_styled
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
    _bars(ax, y, vals, color=colours, thickness=0.62)
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


@_styled
def tren_chart(tren: pd.DataFrame, nama: str, lang: str = "id", *, period: str = "", source: str = "",
               title: str | None = None) -> Figure:
    """Keluarga miskin (bars, top panel) and KKS coverage (line, bottom panel) per period, for one wilayah:
    the rows of `tren` (contracts, issue 20) with `periode`, `keluarga_miskin`, `cakupan_kks`, oldest first.

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
    _bars(ax, x, np.nan_to_num(n), color=colours, thickness=0.6, horizontal=False)
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


@_styled
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
    _place_labels(fig, ax, x, yv, [str(n) for n in df["nama"]], [k in hl for k in df["kode_wilayah"]])
    return fig


def _place_labels(fig: Figure, ax, x, y, labels: Sequence[str], bold: Sequence[bool]) -> None:
    """Put each point's name at the first of 8 positions around it that overlaps no other name, point
    or the axes edge (greedy, deterministic); leftovers get a thin leader line from further out.

    The layout is final before this runs (`finish` placed the axes; a constrained layout is run once
    and frozen), so the measured positions stay true when saving.
    """
    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.canvas.draw()
        fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    to_disp = ax.transData.transform
    pts = to_disp(np.column_stack([x, y]))
    r = 5.0  # marker radius in px at DPI 150, roughly
    taken = [(px - r, py - r, px + r, py + r) for px, py in pts]
    frame = ax.get_window_extent(renderer)
    cands = [(7, 0, "left", "center"), (-7, 0, "right", "center"), (0, 8, "center", "bottom"),
             (0, -8, "center", "top"), (6, 6, "left", "bottom"), (-6, 6, "right", "bottom"),
             (6, -6, "left", "top"), (-6, -6, "right", "top")]

    def overlaps(b):
        return any(not (b[2] < o[0] or b[0] > o[2] or b[3] < o[1] or b[1] > o[3]) for o in taken)

    # A label's box is a function of its text and font, its point, the candidate offset/alignment, the
    # data→pixel transform and the DPI; the charts of one build repeat most of them (the same kelurahan
    # on the same axes, only the highlight changes), so boxes are remembered process-wide and an
    # annotation is only made to measure a box not seen before, or to be the label.
    affine = ax.transData.get_affine().get_matrix() if ax.transData.is_affine else None
    rc = matplotlib.rcParams
    ctx = (affine.tobytes(), fig.dpi, _rc_key(), repr(rc["font.family"]), rc["text.usetex"], rc["text.parse_math"],
           _font_key(matplotlib.font_manager.FontProperties())) if affine is not None else None
    arrowprops = {"arrowstyle": "-", "color": GREY, "linewidth": 0.6}

    def padded(b):
        return (b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1)

    order = sorted(range(len(labels)), key=lambda i: (not bold[i], -y[i], x[i]))
    for i in order:
        if fmt.is_na(x[i]) or fmt.is_na(y[i]):
            continue
        kw = dict(fontsize=8.5 if bold[i] else 8, fontweight="bold" if bold[i] else "normal", color=INK)
        # matplotlib gives an annotation whose point is off the axes the unit box (it is not drawn)
        on_axes = ax.contains_point(ax.transData.transform((x[i], y[i])))
        probe = None  # an unclipped annotation moved from candidate to candidate to measure them

        def box(dx, dy, ha, va, arrow=False):
            nonlocal probe
            if not on_axes:
                return 0.0, 0.0, 1.0, 1.0
            key = (labels[i], kw["fontsize"], kw["fontweight"], float(x[i]), float(y[i]), dx, dy, ha, va, arrow,
                   ctx) if ctx is not None else None
            got = _label_boxes.get(key) if key is not None else None
            if got is None:
                if arrow:
                    ann = ax.annotate(labels[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points", ha=ha,
                                      va=va, arrowprops=arrowprops, annotation_clip=False, **kw)
                else:
                    if probe is None:
                        probe = ax.annotate(labels[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
                                            ha=ha, va=va, annotation_clip=False, **kw)
                    probe.xyann = (dx, dy)
                    probe.set_horizontalalignment(ha)
                    probe.set_verticalalignment(va)
                    ann = probe
                bb = ann.get_window_extent(renderer)
                got = (bb.x0, bb.y0, bb.x1, bb.y1)
                if arrow:
                    ann.remove()
                if key is not None:
                    _remember(_label_boxes, key, got)
            return got

        placed = None
        for dx, dy, ha, va in cands:
            bb = box(dx, dy, ha, va)
            inside = bb[0] >= frame.x0 and bb[2] <= frame.x1 and bb[1] >= frame.y0 and bb[3] <= frame.y1
            if inside and not overlaps(padded(bb)):
                taken.append(padded(bb))
                placed = dict(xytext=(dx, dy), ha=ha, va=va)
                break
        if placed is None:
            # Further out, with a leader line, on the side with more room. The text's own box is checked
            # first: if it overlaps, so does text + line, and the costly leader line is never measured.
            dx = 26 if pts[i][0] < (frame.x0 + frame.x1) / 2 else -26
            ha = "left" if dx > 0 else "right"
            for dy in (14, -14, 24, -24, 34, -34):
                if dy != -34 and overlaps(padded(box(dx, dy, ha, "center"))):
                    continue
                bb = padded(box(dx, dy, ha, "center", arrow=True))
                if not overlaps(bb) or dy == -34:
                    taken.append(bb)
                    placed = dict(xytext=(dx, dy), ha=ha, va="center", arrowprops=arrowprops)
                    break
        if probe is not None:
            probe.remove()
        ax.annotate(labels[i], (x[i], y[i]), textcoords="offset points", **placed, **kw)
