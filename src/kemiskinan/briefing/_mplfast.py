"""Speed-ups on matplotlib's private APIs for the briefing charts: the same bytes (or the same picture) for less CPU.

Drawing is most of a build's CPU, so these answer matplotlib's own questions from process-wide caches
and build figures from copies, keeping every value matplotlib would compute:
- `rc_applier`: apply the house rcParams without copying all of them.
- `_CachedText` renderers and `_Canvas`/`print_svg`: text sizes and font heights measured once per process.
- `figure_from_blank`/`learn_ticks`: a figure is a copy of a pickled blank with its ticks already made.
- `bars`: a bar chart's bars as one PolyCollection instead of one Rectangle patch per bar.
- `place_labels`: greedy non-overlapping point labels, with label boxes remembered across charts.
- `empty_axis_labels_fixed`: skip placing empty axis labels in the final draw.
Nothing here knows the house style: sizes, DPI, rcParams and colours are passed in (`figures`).
"""
from __future__ import annotations

import codecs
import copy
import io
import pickle
import weakref
from contextlib import contextmanager
from typing import Any, Callable, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle
from matplotlib.transforms import TransformNode

from kemiskinan.briefing import fmt


def rc_applier(values: Mapping[str, Any]) -> Callable[[], Any]:
    """A context manager factory applying `values` (rcParams) like `matplotlib.rc_context(values)`, cheaper:
    `rc_context` copies and restores all ~300 rcParams, several times per chart; the chart code changes
    none, so only the keys of `values` are saved and restored, and nothing at all is done when they are
    already in force (a nested call)."""
    validated: list | None = None  # `values` as validated rcParams values, (key, value) pairs

    @contextmanager
    def apply():
        nonlocal validated
        rc = matplotlib.rcParams
        if validated is None:
            validated = [(k, rc.validate[k](v)) for k, v in values.items()]
        get = dict.__getitem__
        saved = {k: get(rc, k) for k, _ in validated}
        if all(saved[k] == v for k, v in validated):
            yield
            return
        try:
            dict.update(rc, validated)  # validated already, as rc_context's own restore does
            yield
        finally:
            dict.update(rc, saved)
    return apply


# --- text measurement, shared by every chart of the process ---------------------------------------
# Text layout is a large part of a chart's cost and matplotlib caches it per renderer, i.e. per figure and
# per save, so the same tick label, kelurahan name or "Sumber: …" line was shaped again by FreeType
# in every chart, twice (measured at 150 dpi for `_fixed_layout`, then at 72 dpi for the SVG). The
# renderers below answer the same questions from process-wide caches: the values are those matplotlib
# computes (same calls, same arithmetic), so the images are unchanged. Keys hold everything the answer
# depends on: the text, the font properties, the DPI and the rcParams FreeType reads.
_METRICS_MAX = 50_000
_text_metrics: dict = {}
_font_heights: dict = {}
_label_boxes: dict = {}  # `place_labels`


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


def print_svg(canvas, filename, *, bbox_inches_restore=None, metadata=None, **_kwargs):
    """`FigureCanvasSVG.print_svg` with the caching SVG renderer (the same bytes). `to_svg` lends it to
    the figure's canvas for one `savefig`; any other SVG save goes through matplotlib's own."""
    fig = canvas.figure
    with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
        if not cbook.file_requires_unicode(fh):
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


def figure_from_blank(kind: str, figsize: tuple[float, float], dpi: float, nrows: int, ncols: int,
                      subplot_kw: dict, house_rc: Callable[[], Any]) -> tuple[Figure, Any]:
    """A new figure and its axes, copied from the pickled blank of (kind, grid), made under `house_rc`.

    The blank is remade when any rcParam differs from the values it was built under."""
    with house_rc():
        key = _template_key(kind, nrows, ncols, subplot_kw)
        tpl = _TEMPLATES.get(key) if key is not None else None
        if tpl is None or not dict.__eq__(matplotlib.rcParams, tpl.rc):
            tpl = _Template(kind, nrows, ncols, subplot_kw, tpl.ticks if tpl is not None else None,
                            figsize=figsize, dpi=dpi)
            if key is not None:
                _TEMPLATES[key] = tpl
        fig, axes = pickle.loads(tpl.blob)
        _Canvas(fig)  # a real canvas: `finish` measures text, and no pyplot/global backend is involved
        _FIGURE_TEMPLATE[fig] = tpl  # keeps the blank alive as long as its copy (see _Template)
    return fig, axes


# A new figure is a copy of a blank one made once per (kind, grid) and kept pickled: unpickling is much
# cheaper than building the Axes (spines, axis, title texts) or making the ticks, so
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

    def __init__(self, kind: str, nrows: int, ncols: int, subplot_kw: dict, ticks: tuple | None = None, *,
                 figsize: tuple[float, float], dpi: float):
        self.args = kind, nrows, ncols, copy.deepcopy(subplot_kw)
        self.figsize, self.dpi = figsize, dpi
        fig = Figure(figsize=figsize, dpi=dpi, layout=None)
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


def learn_ticks(fig: Figure, house_rc: Callable[[], Any]) -> None:
    """Remake `fig`'s blank (under `house_rc`) with more ticks when `fig` needed more than the blank holds."""
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
        with house_rc():
            _TEMPLATES[key] = _Template(*tpl.args, ticks=want, figsize=tpl.figsize, dpi=tpl.dpi)


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


@contextmanager
def empty_axis_labels_fixed(fig: Figure):
    """While drawing, skip placing empty axis labels: an empty label draws nothing, but matplotlib
    measures every tick label and the spine again to place it. (Its position does count
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


def bars(ax, pos, length, *, start=0.0, thickness: float = 0.8, color, edgecolor=None, linewidth=None,
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


def place_labels(fig: Figure, ax, x, y, labels: Sequence[str], bold: Sequence[bool], *, ink: str, leader: str) -> None:
    """Put each point's name at the first of 8 positions around it that overlaps no other name, point
    or the axes edge (greedy, deterministic); leftovers get a thin leader line from further out.

    The layout is final before this runs (`finish` placed the axes; a constrained layout is run once
    and frozen), so the measured positions stay true when saving.
    """
    # One story over 80 lines: the candidates, the fallback and the box cache share the same state.
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
           _font_key(FontProperties())) if affine is not None else None
    arrowprops = {"arrowstyle": "-", "color": leader, "linewidth": 0.6}

    def padded(b):
        return (b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1)

    order = sorted(range(len(labels)), key=lambda i: (not bold[i], -y[i], x[i]))
    for i in order:
        if fmt.is_na(x[i]) or fmt.is_na(y[i]):
            continue
        kw = dict(fontsize=8.5 if bold[i] else 8, fontweight="bold" if bold[i] else "normal", color=ink)
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
