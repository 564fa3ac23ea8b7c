"""Kelurahan maps: the tile fallback (the product default) and a choropleth from a real GeoJSON."""
from __future__ import annotations

from matplotlib.patches import PathPatch, Rectangle

from kemiskinan.briefing import figures

from kemiskinan.briefing import maps

from kemiskinan.domain import wilayah
from kemiskinan.config import PROJ_ROOT

GEOJSON = PROJ_ROOT / "tests" / "fixtures" / "geo" / "bontang_kelurahan.geojson"
CODES = [w.kode for w in wilayah.kelurahan()]


def _values():
    vals = {c: 0.05 + i * 0.01 for i, c in enumerate(CODES)}
    vals["64.74.02.1004"] = None  # one kelurahan without data
    return vals


def test_tile_map_has_all_15_kelurahan():
    assert set(maps.TILES) == set(CODES) and len(set(maps.TILES.values())) == 15
    fig = maps.kelurahan_map(_values(), highlight="64.74.01.1003", period="PBDT 2015", source="PBDT 2015",
                             unit="% penduduk")
    ax = fig.axes[0]
    tiles = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(tiles) == 15
    texts = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    for w in wilayah.kelurahan():
        assert w.nama.split()[0] in texts
    for k in wilayah.kecamatan():
        assert k.nama.split()[1] in texts  # kecamatan captions
    assert "5,0 %" in texts and "–" in texts  # formatted values; missing shown as a dash
    assert [p for p in tiles if p.get_linewidth() > 2]  # the highlighted kelurahan
    assert figures.to_png(fig)[:4] == b"\x89PNG"


def test_tile_map_kecamatan_tiles_are_contiguous():
    for k in wilayah.kecamatan():
        cells = {maps.TILES[w.kode] for w in wilayah.kelurahan(k.kode)}
        start = next(iter(cells))
        seen, todo = {start}, [start]
        while todo:
            c, r = todo.pop()
            for n in ((c + 1, r), (c - 1, r), (c, r + 1), (c, r - 1)):
                if n in cells and n not in seen:
                    seen.add(n)
                    todo.append(n)
        assert seen == cells, k.nama


def test_choropleth_from_the_geojson_fixture_has_15_patches():
    # tests/fixtures/geo: the real kelurahan boundaries (MIT, see its README); the product falls back to
    # the tile map when params name no GeoJSON
    fig = maps.kelurahan_map(_values(), GEOJSON, highlight="64.74.01.1003", period="PBDT 2015", source="PBDT 2015")
    ax = fig.axes[0]
    patches = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(patches) == 15
    assert {p.get_label() for p in patches} == set(CODES)
    hl = [p for p in patches if p.get_label() == "64.74.01.1003"][0]
    assert hl.get_linewidth() > 1.5
    # Lok Tuan's label must sit inside its polygon even though the source's label point does not
    import json

    feat = next(f for f in json.loads(GEOJSON.read_text())["features"] if f["properties"]["code"] == "64.74.01.1003")
    x, y = maps._label_point(feat["geometry"])
    assert maps._rings_path(feat["geometry"]).contains_point((x, y))
    assert figures.to_png(fig)[:4] == b"\x89PNG"


def test_classify_equal_intervals_and_missing():
    breaks, classes = maps.classify({"a": 0.0, "b": 0.5, "c": 1.0, "d": None})
    assert breaks[0] == 0.0 and breaks[-1] == 1.0
    assert classes["a"] == 0 and classes["c"] == 4 and classes["d"] is None


def test_map_finding_names_lowest_highest_and_the_highlighted_kelurahan():
    vals = {"64.74.01.1003": 0.5, "64.74.01.1004": 0.9, "64.74.02.1001": 0.7}  # Lok Tuan, Guntung, Tanjung Laut
    low_high = "Lok Tuan memiliki cakupan KKS terendah (50,0 %), Guntung tertinggi (90,0 %)"

    def found(**kw):
        return maps.kelurahan_map(vals, label="cakupan KKS", **kw).kemiskinan["temuan"].replace("\u00a0", " ")

    assert found(highlight="64.74.02.1001") == low_high + "; Tanjung Laut: 70,0 %, peringkat 2 terendah dari 3."
    assert found(highlight="64.74.01.1003") == low_high + "."  # the highlighted one is already named
    assert found(highlight="64.74.01") == low_high + "; Bontang Utara: 50,0 %–90,0 %."
    assert found(highlight=None) == low_high + "."
    assert maps.kelurahan_map({"64.74.01.1003": 0.5}).kemiskinan["temuan"] == ""  # one value: nothing to compare
