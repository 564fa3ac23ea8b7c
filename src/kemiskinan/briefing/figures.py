"""The house style and frame every briefing chart shares: palette, fixed sizes, rcParams; `figure` to
start a chart, `finish` to stamp its title, subtitle and source line and fix its margins; `to_svg`,
`to_png` and `to_html` to export it.

Design rules, and why:
- Okabe–Ito colours: readable by the ~8 % of men with a colour-vision deficiency.
- Fixed size per chart kind and fixed DPI; SVG (and PNG) without timestamps, with a fixed hash salt:
  the same data give byte-identical images, so a rebuilt briefing can be diffed and a test can pin one.
- Briefings embed SVG with real text (`svg.fonttype: none`): vector, so crisp on a phone and in the
  PDF, cheaper to write than a quantised PNG, and cheaper for Chromium to print.
- Fixed margins measured once (`_fixed_layout`), not constrained layout, which measures every artist
  twice per draw.
- 4.8 in wide at 10 pt: on a 390 px phone the image shrinks to ~0.8 of its size, and 10 pt (labels
  never under 8 pt) is the smallest that stays legible there; 6.3 in would put tick labels near 7 px.
- Every chart carries title, unit, period and source (`finish`), because charts get screenshotted and
  forwarded on WhatsApp without the text around them.
- Figures are `matplotlib.figure.Figure` objects, never pyplot: the notebook's inline backend does not
  auto-display them a second time, and no global pyplot state leaks between wilayah.
The speed-ups on matplotlib's private APIs this relies on are in `_mplfast`.
"""
from __future__ import annotations

import base64
import functools
import io
import textwrap
from contextlib import contextmanager
from html import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

from kemiskinan.briefing import _mplfast
from kemiskinan.i18n import t

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

# The house rcParams for this package's own functions: `style()`'s values, applied cheaply (`_mplfast`).
_house_rc = _mplfast.rc_applier(STYLE)


def styled(fn):
    """Run `fn` (a chart function) under the house rcParams."""
    @functools.wraps(fn)
    def wrapper(*a, **kw):
        with _house_rc():
            return fn(*a, **kw)
    return wrapper


def figure(kind: str = "bar", nrows: int = 1, ncols: int = 1, **subplot_kw) -> tuple[Figure, object]:
    """A new house-style figure of a fixed size for `kind` (see SIZES) and its axes.

    `finish` places the axes once, inside the band left by the title block at the top and the source
    line at the bottom, with margins measured from the tick labels, axis labels and texts
    (`_fixed_layout`); nothing is re-laid-out at draw time.
    """
    if kind not in SIZES:
        raise ValueError(f"jenis grafik tidak dikenal: {kind!r}; pilih dari {sorted(SIZES)}")
    fig, axes = _mplfast.figure_from_blank(kind, SIZES[kind], DPI, nrows, ncols, subplot_kw, _house_rc)
    fig.kemiskinan = {"kind": kind}  # what to_html needs later (alt text, size)
    return fig, axes


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
    for text in ax.texts:   # not `t`: that name is the i18n lookup in this module
        if text.get_visible() and text.get_in_layout() and text.get_text() and not text.get_clip_on():
            boxes.append(text.get_window_extent(renderer))
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
    _mplfast.learn_ticks(fig, _house_rc)
    meta.update(title=title, unit=unit, period=period, source=source, temuan=finding or "")
    fig.kemiskinan = meta
    return fig


PNG_COLOURS = 96


def to_png(fig: Figure) -> bytes:
    """PNG bytes at the fixed DPI, palette-quantised, without Software/date metadata: equal data → equal bytes.

    For analysts who want a raster file (briefings embed `to_svg`). Flat-colour charts survive 96-colour
    median-cut quantisation unchanged to the eye while the file shrinks several times.
    """
    with _house_rc():
        if not hasattr(fig.canvas, "buffer_rgba"):
            _mplfast._Canvas(fig)
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
            _mplfast._Canvas(fig)
        fig.set_dpi(DPI)
        buf = io.BytesIO()
        canvas = fig.canvas
        canvas.print_svg = functools.partial(_mplfast.print_svg, canvas)
        try:
            with _mplfast.empty_axis_labels_fixed(fig):
                fig.savefig(buf, format="svg", metadata={"Date": None})
        finally:
            del canvas.print_svg
    return buf.getvalue().replace(b"font-family: 'DejaVu Sans'", b"font-family: " + SVG_FONT_STACK.encode())


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


def legend_above(ax, handles=None, labels=None, ncols: int | None = None) -> None:
    """Ask `finish` for a legend row under the subtitle, spanning the figure width (not the axes), so
    long y labels that narrow the axes never push legend entries off the image."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    meta = getattr(ax.figure, "kemiskinan", {})
    meta["legend"] = (list(handles), list(labels), ncols or min(len(handles), 4))
    ax.figure.kemiskinan = meta
