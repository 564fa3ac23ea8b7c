"""Kelurahan maps: a choropleth from a user-supplied GeoJSON, or a schematic tile map without one.

The product ships no boundary file (no licensed, verified one exists for 2018), so the default is a
tile map: one equal square per kelurahan at a hand-placed grid position that keeps the real
neighbourhoods (Bontang Barat in the west, Lok Tuan/Guntung in the north, Bontang Lestari in the
south), with the kecamatan outlined. Equal tiles also stop small, dense kelurahan (Berbas Pantai)
from vanishing next to Bontang Lestari, which is what a choropleth of raw polygons does.

When an analyst supplies a GeoJSON (properties `code` = Kemendagri `64.74.01.1003`, `name`; WGS84
Polygon/MultiPolygon), the same values are drawn on the real polygons with plain matplotlib patches —
no geopandas, so no GDAL in the install.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from kemiskinan.briefing import figures, fmt
from kemiskinan.i18n import t
from kemiskinan.domain import wilayah

# (column, row) on a 4 × 5 grid, row 0 = north. Placed from the kelurahan centroids (west → east,
# north → south) and kept contiguous within each kecamatan so the outlines read as districts.
TILES: dict[str, tuple[int, int]] = {
    # Bontang Barat (west)
    "64.74.03.1001": (0, 1),  # Belimbing
    "64.74.03.1002": (0, 2),  # Gunung Telihan
    "64.74.03.1003": (0, 3),  # Kanaan
    # Bontang Utara (north)
    "64.74.01.1004": (2, 0),  # Guntung
    "64.74.01.1003": (1, 1),  # Lok Tuan
    "64.74.01.1002": (2, 1),  # Bontang Baru
    "64.74.01.1001": (3, 1),  # Bontang Kuala
    "64.74.01.1005": (1, 2),  # Gunung Elai
    "64.74.01.1006": (2, 2),  # Api-Api
    # Bontang Selatan (south)
    "64.74.02.1002": (1, 3),  # Berbas Tengah
    "64.74.02.1001": (2, 3),  # Tanjung Laut
    "64.74.02.1006": (3, 3),  # Tanjung Laut Indah
    "64.74.02.1004": (1, 4),  # Satimpo
    "64.74.02.1003": (2, 4),  # Berbas Pantai
    "64.74.02.1005": (3, 4),  # Bontang Lestari
}
# Kecamatan captions sit in empty grid cells next to their group.
KECAMATAN_LABELS: dict[str, tuple[float, float]] = {
    "64.74.03": (0.5, 0.62),   # above Belimbing
    "64.74.01": (3.5, 0.62),   # right of Guntung, above Bontang Kuala
    "64.74.02": (0.5, 4.5),    # left of Satimpo, below Kanaan
}
# ColorBrewer PuBu (5 classes): sequential, colour-blind safe, prints in greyscale in order.
RAMP = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]
NA_COLOUR = "#eeeeee"


def _formatter(value_format: str | Callable[[float], str], lang: str) -> Callable[[float], str]:
    if callable(value_format):
        return value_format
    if value_format == "persen":
        return lambda v: fmt.persen(v, lang)
    if value_format == "angka":
        return lambda v: fmt.angka(v, lang)
    raise ValueError(f"value_format tidak dikenal: {value_format!r}")


def classify(values: Mapping[str, float | None], k: int = 5) -> tuple[np.ndarray, dict[str, int | None]]:
    """Equal-interval class breaks over the non-missing values and each code's class (None if missing).

    Equal intervals, not quantiles: with 15 areas quantile classes make a 2-point spread look dramatic.
    """
    vals = np.array([float(v) for v in values.values() if not fmt.is_na(v)], dtype=float)
    if vals.size == 0:
        return np.array([0.0, 1.0]), {c: None for c in values}
    lo, hi = float(vals.min()), float(vals.max())
    if hi == lo:
        breaks = np.array([lo, hi])
    else:
        breaks = np.linspace(lo, hi, k + 1)
    classes: dict[str, int | None] = {}
    for c, v in values.items():
        if fmt.is_na(v):
            classes[c] = None
        elif len(breaks) == 2:
            classes[c] = len(RAMP) - 1
        else:
            classes[c] = int(min(np.searchsorted(breaks, float(v), side="right") - 1, k - 1))
    return breaks, classes


def _colour(cls: int | None, n_classes: int) -> str:
    if cls is None:
        return NA_COLOUR
    if n_classes <= 1:
        return RAMP[-1]
    return RAMP[round(cls * (len(RAMP) - 1) / max(n_classes - 1, 1))]


def _legend(ax, breaks: np.ndarray, classes: Mapping[str, int | None], fmt_value, lang: str) -> None:
    handles = []
    n = len(breaks) - 1
    if n <= 1:
        handles.append(Patch(facecolor=RAMP[-1], edgecolor="#777777", label=fmt_value(breaks[0])))
    else:
        for i in range(n):
            handles.append(Patch(facecolor=_colour(i, n), edgecolor="#777777", linewidth=0.5,
                                 label=f"{fmt_value(breaks[i])} – {fmt_value(breaks[i + 1])}"))
    if any(c is None for c in classes.values()):
        handles.append(Patch(facecolor=NA_COLOUR, edgecolor="#777777", hatch="///", linewidth=0.5,
                             label=t("tidak_ada_data", lang)))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=3, fontsize=8,
              handlelength=1.2, columnspacing=0.9, borderaxespad=0.2)


def _is_highlight(code: str, highlight: str | None) -> bool:
    return bool(highlight) and (code == highlight or code.startswith(highlight + ".")) and highlight != wilayah.KOTA_CODE


@figures.styled
def kelurahan_map(values: Mapping[str, float | None], geojson: Path | str | dict | None = None,
                  highlight: str | None = None, title: str | None = None, *, lang: str = "id", unit: str = "",
                  period: str = "", source: str = "", value_format: str | Callable[[float], str] = "persen",
                  names: Mapping[str, str] | None = None, label: str | None = None):
    """A map of one value per kelurahan (Kemendagri code → value; None/NaN = no data).

    `geojson` (path or parsed dict) → choropleth of the real polygons, else the schematic tile map.
    `highlight` = a kelurahan code (that one outlined) or a kecamatan code (its kelurahan outlined).
    `label` names the value in the map's main finding ("cakupan KKS"), the lowest and highest kelurahan
    and where the highlighted wilayah stands (`finding`).
    Returns a house-style matplotlib Figure.
    """
    fmt_value = _formatter(value_format, lang)
    all_names = dict(wilayah.names())
    all_names.update(names or {})
    title = title or t("peta_judul", lang)
    temuan = finding(values, highlight, label or t("label_persen_bdt", lang), fmt_value, all_names, lang)
    if geojson is not None:
        data = geojson if isinstance(geojson, dict) else json.loads(Path(geojson).read_text(encoding="utf-8"))
        return _choropleth(data, values, highlight, title, lang, unit, period, source, fmt_value, all_names, temuan)
    return _tiles(values, highlight, title, lang, unit, period, source, fmt_value, all_names, temuan)


def finding(values: Mapping[str, float | None], highlight: str | None, label: str, fmt_value, names: Mapping[str, str],
            lang: str = "id") -> str | None:
    """The map's main finding: the kelurahan with the lowest and the highest value, and where the
    highlighted kelurahan ranks (from the lowest) or what range the highlighted kecamatan spans."""
    vals = sorted(((float(v), c) for c, v in values.items() if not fmt.is_na(v)), key=lambda p: (p[0], p[1]))
    if len(vals) < 2:
        return None
    (v_min, c_min), (v_max, c_max) = vals[0], vals[-1]
    sorot = ""
    if highlight and highlight != wilayah.KOTA_CODE:
        mine = [(v, c) for v, c in vals if _is_highlight(c, highlight)]
        if highlight in (c_min, c_max):
            pass  # already named as the lowest or the highest
        elif highlight in values and len(mine) == 1:
            rank = next(i for i, (_, c) in enumerate(vals, 1) if c == highlight)
            sorot = t("temuan_peta_sorot", lang, nama=names.get(highlight, highlight), v=fmt_value(mine[0][0]),
                      r=rank, n=len(vals))
        elif mine:
            sorot = t("temuan_peta_sorot_kec", lang, nama=names.get(highlight, highlight), v_min=fmt_value(mine[0][0]),
                      v_max=fmt_value(mine[-1][0]))
    return t("temuan_peta", lang, label=label, min_nama=names.get(c_min, c_min), min_v=fmt_value(v_min),
             max_nama=names.get(c_max, c_max), max_v=fmt_value(v_max), sorot=sorot)


def _tiles(values, highlight, title, lang, unit, period, source, fmt_value, names, temuan=None):
    fig, ax = figures.figure("map")
    codes = list(TILES)
    vals = {c: values.get(c) for c in codes}
    breaks, classes = classify(vals)
    n = len(breaks) - 1
    inset = 0.05
    for code in codes:
        col, row = TILES[code]
        cls = classes[code]
        colour = _colour(cls, n)
        hl = _is_highlight(code, highlight)
        ax.add_patch(Rectangle((col + inset, -row - 1 + inset), 1 - 2 * inset, 1 - 2 * inset, facecolor=colour,
                               edgecolor=figures.INK if hl else "white", linewidth=2.2 if hl else 0.8,
                               hatch="///" if cls is None else None, zorder=2 if hl else 1))
        dark = cls is not None and _colour(cls, n) in RAMP[3:]
        ink = "white" if dark else figures.INK
        name = "\n".join(textwrap.wrap(str(names.get(code, code)), 10)[:3])
        ax.text(col + 0.5, -row - 0.36, name, ha="center", va="center", fontsize=8, color=ink,
                fontweight="bold" if hl else "normal", linespacing=1.0, zorder=3)
        v = vals[code]
        ax.text(col + 0.5, -row - 0.78, fmt_value(v) if not fmt.is_na(v) else fmt.NA, ha="center", va="center",
                fontsize=8.8, color=ink, fontweight="bold", zorder=3)
    # Kecamatan outlines: every cell edge whose neighbour belongs to another kecamatan (or to nothing).
    # One LineCollection, not a Line2D per edge: the same strokes, a fraction of the cost.
    kec_of = {TILES[c]: wilayah.get(c).induk for c in codes}
    segments = []
    for (col, row), kec in kec_of.items():
        for dc, dr, seg in ((0, -1, ((col, col + 1), (-row, -row))), (0, 1, ((col, col + 1), (-row - 1, -row - 1))),
                            (-1, 0, ((col, col), (-row, -row - 1))), (1, 0, ((col + 1, col + 1), (-row, -row - 1)))):
            if kec_of.get((col + dc, row + dr)) != kec:
                segments.append(list(zip(*seg)))
    ax.add_collection(LineCollection(segments, colors=figures.INK, linewidths=1.6, capstyle="projecting", zorder=4),
                      autolim=False)
    for kec, (x, y) in KECAMATAN_LABELS.items():
        ax.text(x, -y, "\n".join(textwrap.wrap(names.get(kec, kec), 8)), ha="center", va="center", fontsize=8,
                style="italic", fontweight="bold", color=figures.MUTED)
    ax.set_xlim(-0.05, 4.05)
    ax.set_ylim(-5.05, 0.05)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _legend(ax, breaks, classes, fmt_value, lang)
    note = t("peta_skematis", lang)
    return figures.finish(fig, ax, title, unit, period, source, lang, note=note, finding=temuan)


def _rings_path(geometry: dict) -> MplPath:
    """One compound Path for a Polygon/MultiPolygon (holes included: even-odd fill leaves them empty)."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    verts, codes = [], []
    for poly in polys:
        for ring in poly:
            ring = [tuple(p[:2]) for p in ring]
            if len(ring) < 3:
                continue
            verts.extend(ring + [ring[0]])
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY])
    return MplPath(np.asarray(verts, dtype=float), codes)


def _label_point(geometry: dict) -> tuple[float, float]:
    """A point inside the largest polygon: its centroid if inside, else the inside grid point nearest it.

    Needed because source label points can fall outside their polygon (Lok Tuan in the test file).
    """
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]

    def area_centroid(ring):
        a = np.asarray(ring, dtype=float)[:, :2]
        x, y = a[:, 0], a[:, 1]
        cross = x * np.roll(y, -1) - np.roll(x, -1) * y
        area = cross.sum() / 2
        if abs(area) < 1e-15:
            return 0.0, (float(x.mean()), float(y.mean()))
        cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
        cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
        return abs(area), (float(cx), float(cy))

    best = max(polys, key=lambda p: area_centroid(p[0])[0])
    _, (cx, cy) = area_centroid(best[0])
    path = MplPath(np.asarray(best[0], dtype=float)[:, :2])
    if path.contains_point((cx, cy)):
        return cx, cy
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    gx, gy = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    inside = pts[path.contains_points(pts)]
    if len(inside) == 0:
        return cx, cy
    d = (inside[:, 0] - cx) ** 2 + (inside[:, 1] - cy) ** 2
    p = inside[int(np.argmin(d))]
    return float(p[0]), float(p[1])


def _choropleth(data, values, highlight, title, lang, unit, period, source, fmt_value, names, temuan=None):
    fig, ax = figures.figure("map")
    feats = [f for f in data.get("features", []) if f.get("geometry")]
    codes = [str(f["properties"].get("code", "")) for f in feats]
    vals = {c: values.get(c) for c in codes}
    breaks, classes = classify(vals)
    n = len(breaks) - 1
    xs, ys = [], []
    labels = []
    for f, code in zip(feats, codes):
        path = _rings_path(f["geometry"])
        cls = classes.get(code)
        hl = _is_highlight(code, highlight)
        ax.add_patch(PathPatch(path, facecolor=_colour(cls, n), edgecolor=figures.INK if hl else "white",
                               linewidth=1.8 if hl else 0.6, hatch="///" if cls is None else None,
                               zorder=2 if hl else 1, label=code))
        ext = path.get_extents()
        xs += [ext.x0, ext.x1]
        ys += [ext.y0, ext.y1]
        labels.append((code, _label_point(f["geometry"]), ext, hl))
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_aspect("equal")  # at 0.1° N a degree of longitude ≈ a degree of latitude
    ax.set_axis_off()
    # Name only polygons big enough to hold a label (and the highlighted one): the dense centre of
    # Bontang would otherwise become an unreadable pile of overlapping names.
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    for code, (lx, ly), ext, hl in labels:
        if hl or max(ext.width, ext.height) > span * 0.2:
            name = names.get(code) or code
            ax.text(lx, ly, "\n".join(textwrap.wrap(str(name), 12)), ha="center", va="center", fontsize=6.8,
                    fontweight="bold" if hl else "normal", color=figures.INK, zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "linewidth": 0})
    _legend(ax, breaks, classes, fmt_value, lang)
    return figures.finish(fig, ax, title, unit, period, source, lang, finding=temuan)
