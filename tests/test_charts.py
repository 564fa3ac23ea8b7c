"""House-style charts: fixed size and DPI, title/unit/period/source on every chart, reproducible SVG/PNG,
margins that keep every label on the image, and the content-addressed chart cache."""
from __future__ import annotations

import base64
from html import escape

import pandas as pd
import pytest

from kemiskinan.briefing import _mplfast, chart_cache, charts, figures
from tabel_kecil import GUNTUNG, KOTA, LOK_TUAN, SATIMPO, indicator_tables


@pytest.fixture(scope="module")
def tables():
    return indicator_tables()


@pytest.fixture(scope="module")
def figs(tables):
    return _all_charts(tables)


def _texts(fig) -> str:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()]
    return "\n".join(out)


def _p0(bps: pd.DataFrame, wilayah: str) -> pd.Series:
    """One wilayah's P0 by year from `bps_makro` (the reference CSV's layout), as the makro section draws it."""
    return bps[bps["wilayah"] == wilayah].set_index("tahun")["p0_persen"].dropna().astype(float)


def _all_charts(tables):
    """Every chart kind, fed the rows the briefing sections feed it (the target group D1-D4, one wilayah)."""
    s, m = tables["sebaran"], tables["mpm"]
    c = tables["cakupan"][tables["cakupan"]["target"] == "D1-D4"]
    tt = tables["tumpang_tindih"]
    names = {k: n for k, n in zip(tables["ringkasan"]["kode_wilayah"], tables["ringkasan"]["nama"])}
    kota, lt = KOTA, LOK_TUAN
    bps = tables["bps_makro"]
    prof = tables["profil"]
    return {
        "desil": charts.desil_bars(s[s.kode_wilayah.isin([LOK_TUAN, GUNTUNG, SATIMPO])], names,
                                   tingkat_label="kelurahan", period="PBDT 2015", source="PBDT 2015", highlight=lt),
        "cakupan": charts.coverage_bars(c[c.kode_wilayah == lt], c[c.kode_wilayah == kota], "Lok Tuan",
                                        period="KKS 2017", source="KKS"),
        "bocor": charts.leakage_bars(tables["kebocoran"].query("kode_wilayah == @kota"), period="KKS 2017", source="KKS"),
        "overlap": charts.overlap_chart(tt[(tt.kode_wilayah == kota) & (tt.kelompok == "D1-D4")], period="PBDT 2015",
                                        source="PBDT"),
        "profil": charts.deprivation_bars(prof[(prof.kode_wilayah == lt) & (prof.satuan == "rumah_tangga")], {},
                                          period="PBDT 2015", source="PBDT"),
        "bps": charts.bps_line({"Kota Bontang": _p0(bps, "Kota Bontang"), "Kalimantan Timur": _p0(bps, "Kalimantan Timur")},
                               period="2015–2018", source="BPS"),
        "mpm": charts.mpm_progress(m[m.tingkat == "kelurahan"], names, period="MPM 2018", source="MPM"),
        "funnel": charts.mpm_funnel(m[m.kode_wilayah == lt].iloc[0].to_dict(), period="MPM 2018", source="MPM"),
        "kuadran": charts.quadrant_scatter(tables["prioritas"], highlight=[lt], period="PBDT 2015", source="PBDT"),
    }


def test_every_chart_has_title_unit_period_source_and_fixed_size(figs):
    for name, fig in figs.items():
        meta = fig.kemiskinan
        assert meta["title"] and meta["unit"] and meta["period"] and meta["source"], name
        txt = _texts(fig)
        assert meta["title"].split()[0] in txt and "Sumber:" in txt and meta["period"] in txt, name
        assert tuple(fig.get_size_inches()) == figures.SIZES[meta["kind"]], name
        assert fig.dpi == figures.DPI
        png = figures.to_png(fig)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        w, h = figures.SIZES[meta["kind"]]
        # width and height in pixels are fixed by kind × DPI (no tight bbox cropping)
        assert int.from_bytes(png[16:20], "big") == round(w * figures.DPI)
        assert int.from_bytes(png[20:24], "big") == round(h * figures.DPI)
        svg = figures.to_svg(fig).decode("utf-8")
        assert f'width="{w * 72:g}pt" height="{h * 72:g}pt"' in svg, name  # fixed physical size, no cropping
        assert "<text" in svg and escape(meta["title"].split()[0]) in svg, name  # text stays text (selectable)
        assert "font-family: 'DejaVu Sans'," in svg and "sans-serif" in svg  # never a serif fallback


def test_labels_stay_on_the_image_and_clear_of_title_and_source(figs):
    """What constrained layout used to guarantee, now from `_fixed_layout`: tick labels, axis labels and
    value labels inside the figure, the axes below the title block and above the source line."""
    for name, fig in figs.items():
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        W, H = fig.bbox.width, fig.bbox.height
        title, source = fig.texts[0].get_window_extent(r), fig.texts[-1].get_window_extent(r)
        header_bottom = min(t.get_window_extent(r).y0 for t in fig.texts[:-1])
        for leg in fig.legends:
            header_bottom = min(header_bottom, leg.get_window_extent(r).y0)
        for ax in fig.axes:
            parts = [ax.get_window_extent(r)] + [a.get_tightbbox(r) for a in (ax.xaxis, ax.yaxis) if ax.axison]
            parts += [t.get_window_extent(r) for t in ax.texts if t.get_text()]
            if ax.get_legend():
                parts.append(ax.get_legend().get_window_extent(r))
            parts = [b for b in parts if b is not None and b.width > 0]
            x0, x1 = min(b.x0 for b in parts), max(b.x1 for b in parts)
            y0, y1 = min(b.y0 for b in parts), max(b.y1 for b in parts)
            assert x0 >= -1 and x1 <= W + 1, (name, x0, x1, W)
            assert y1 <= header_bottom + 1 and y1 < title.y0, (name, y1, header_bottom)
            assert y0 >= source.y1 - 1, (name, y0, source.y1)


def test_svg_is_byte_reproducible_and_follows_the_data(tables):
    s = tables["sebaran"]
    names = dict(zip(tables["ringkasan"]["kode_wilayah"], tables["ringkasan"]["nama"]))

    def build(df):
        return figures.to_svg(charts.desil_bars(df, names, period="PBDT 2015", source="PBDT"))

    kel = s[s.tingkat == "kelurahan"]
    a, b = build(kel), build(kel)
    assert a == b and a.startswith(b"<?xml")
    assert b"<dc:date>" not in a  # no timestamp
    other = kel.assign(jumlah=pd.to_numeric(kel["jumlah"], errors="coerce") + 1)
    assert build(other) != a  # equal bytes because equal data, not because the output is constant
    html = figures.to_html(charts.desil_bars(kel, names, period="PBDT 2015", source="PBDT"))
    assert base64.b64decode(html.split("base64,", 1)[1].split('"', 1)[0]) == a


def test_png_is_byte_reproducible(tables):
    s = tables["sebaran"]
    names = dict(zip(tables["ringkasan"]["kode_wilayah"], tables["ringkasan"]["nama"]))

    def build():
        return figures.to_png(charts.desil_bars(s[s.tingkat == "kelurahan"], names, period="PBDT 2015", source="PBDT"))

    a, b = build(), build()
    assert a == b
    assert b"Software" not in a[:2000] and b"Creation" not in a[:2000]


def test_indonesian_separators_on_axes_and_labels(figs):
    txt = _texts(figs["desil"])
    assert "7" in txt.splitlines() and "Lok Tuan" in txt  # Lok Tuan's bar: 7 keluarga in desil 1–4
    names = {"a": "A"}
    big = pd.DataFrame({"kode_wilayah": ["a"] * 4, "tingkat": "kelurahan", "kelompok_desil": ["1", "2", "3", "4"],
                        "satuan": "keluarga", "jumlah": [1000, 1200, 1300, 2027], "ditekan": False})
    fig = charts.desil_bars(big, names, period="p", source="s")
    fig.canvas.draw()
    txt = _texts(fig)
    assert "5.527" in txt and "5,527" not in txt
    assert any("." in t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text())  # e.g. "2.000"
    en = charts.desil_bars(big, names, "en", period="p", source="s")
    assert "5,527" in _texts(en) and "Source:" in _texts(en)


def test_suppressed_segment_is_marked_not_zero():
    df = pd.DataFrame({"kode_wilayah": ["a"] * 4, "tingkat": "kelurahan", "kelompok_desil": ["1", "2", "3", "4"],
                       "satuan": "keluarga", "jumlah": [None, 20, 30, 40], "ditekan": [True, False, False, False]})
    txt = _texts(charts.desil_bars(df, {"a": "A"}, period="p", source="s"))
    assert "90*" in txt
    prof = pd.DataFrame({"kode_wilayah": "x", "tingkat": "kelurahan", "indikator": ["a", "a"], "kelompok": ["D1-D2", "D3-D4"],
                         "n": [10, 10], "n_kondisi": [None, 3], "persen": [None, 0.3], "ditekan": [True, False]})
    assert "–*" in _texts(charts.deprivation_bars(prof, {"a": "A"}, period="p", source="s"))


def test_palette_is_okabe_ito():
    assert charts.OKABE_ITO["blue"] == "#0072B2" and charts.OKABE_ITO["vermillion"] == "#D55E00"
    assert set(charts.DESIL_COLOURS[d] for d in "1234") <= set(charts.OKABE_ITO.values())


def test_to_html_embeds_base64_svg_with_alt(figs):
    html = figures.to_html(figs["bps"])
    assert html.startswith('<figure class="chart"><img src="data:image/svg+xml;base64,')
    assert 'width="461"' in html
    # the alt text is the chart's main finding, and the same sentence is printed under the chart
    finding = "P0 Kota Bontang turun dari 5,06 % (2015) menjadi 4,67 % (2018)."
    assert f'alt="{finding}"' in html.replace("\u00a0", " ")
    assert f'<figcaption class="temuan">{finding}</figcaption>' in html.replace("\u00a0", " ")
    svg = base64.b64decode(html.split("base64,", 1)[1].split('"', 1)[0]).decode("utf-8")
    assert "<script" not in svg and "Persentase penduduk miskin" in svg


def test_every_chart_states_its_main_finding_from_the_data(figs):
    """The sentences below are counted by hand from the households of tests/tabel_kecil.py."""
    found = {k: f.kemiskinan["temuan"].replace("\u00a0", " ") for k, f in figs.items()}
    assert all(found.values()), found
    # keluarga in desil 1–4: Lok Tuan L1–L7 (7), Guntung G1 G2 G3 (3), Satimpo S1 S2 (2)
    assert found["desil"] == "Lok Tuan memiliki keluarga desil 1–4 terbanyak (7), Satimpo paling sedikit (2)."
    # Lok Tuan's 7 target units: KIS/PBI L1 L2 L3 L5 L7 = 5/7, KKS 3/7, Rastra/BPNT L1 L2 = 2/7, PKH L1 = 1/7,
    # KIP none; the city has no KIP either
    assert found["cakupan"] == ("Cakupan Lok Tuan tertinggi pada KIS/PBI (71,4 %) dan terendah pada KIP (0,0 %); "
                                "kota untuk KIP: 0,0 %.")
    # the city's 12 desil 1–4 households: KKS + KIS/PBI L3 L5 G1 S1 S2 (5), none L4 L6 G3 (3)
    assert found["overlap"] == ("Kombinasi terbanyak: KKS + KIS/PBI (5 rumah tangga); 3 rumah tangga tanpa program.")
    # Lok Tuan desil 1–2 (L1 L2 L3 L4 L7): all five on a bamboo floor; desil 3–4: L5 bamboo, L6 ceramic
    assert found["profil"] == "Kondisi paling sering di desil 1–2: lantai_tidak_permanen (100,0 %; desil 3–4: 50,0 %)."
    # from data/reference/bps_kemiskinan.csv: Kota Bontang 2015 5.06, 2018 4.67
    assert found["bps"] == "P0 Kota Bontang turun dari 5,06 % (2015) menjadi 4,67 % (2018)."
    # registrations: Lok Tuan 4, Guntung 2; the 13 other kelurahan have no MPM return
    assert found["mpm"] == "Pendaftar MPM terbanyak di Lok Tuan (4); 13 kelurahan belum melapor."
    # Lok Tuan: results 1, 1, 2 and one not yet visited
    assert found["funnel"] == "3 dari 4 pendaftar MPM sudah diverifikasi (2 selesai diverivali)."
    # the city's KKS holders: 7 in desil 1–4, L8 (4+) and one card not found in the BDT → 2 of 9 outside;
    # KIS/PBI: L8 of 9; the other programmes have no recipient outside desil 1–4
    assert found["bocor"] == "Porsi penerima di luar desil 1–4 paling besar pada KKS (22,2 % penerima)."


def test_finding_is_the_alt_text_and_the_caption_of_every_chart(figs):
    for name, fig in figs.items():
        html = figures.to_html(fig)
        finding = escape(fig.kemiskinan["temuan"], quote=True)
        assert f'alt="{finding}"' in html, name
        assert f'<figcaption class="temuan">{escape(fig.kemiskinan["temuan"])}</figcaption>' in html, name


# --- the chart cache -------------------------------------------------------------------------------

@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "grafik"
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(d))
    return d


def _counting(fn):
    calls = []

    def wrapped(*a, **kw):
        calls.append(1)
        return fn(*a, **kw)
    wrapped.__module__, wrapped.__qualname__ = fn.__module__, fn.__qualname__
    return wrapped, calls


def test_cache_reuses_a_chart_drawn_with_the_same_inputs(tables, cache):
    series = {"Kota Bontang": _p0(tables["bps_makro"], "Kota Bontang")}
    fn, calls = _counting(charts.bps_line)
    a = chart_cache.cached_html(fn, series, "id", period="2015–2018", source="BPS")
    b = chart_cache.cached_html(fn, {k: v.copy() for k, v in series.items()}, "id", period="2015–2018", source="BPS")
    assert a == b and len(calls) == 1 and len(list(cache.glob("*.html"))) == 1
    assert a == figures.to_html(charts.bps_line(series, "id", period="2015–2018", source="BPS"))  # same as uncached
    # any difference in the data, the arguments or their order draws again
    chart_cache.cached_html(fn, {"Kota Bontang": series["Kota Bontang"] + 0.01}, "id", period="2015–2018", source="BPS")
    chart_cache.cached_html(fn, series, "en", period="2015–2018", source="BPS")
    chart_cache.cached_html(fn, series, "id", period="2015–2017", source="BPS")
    assert len(calls) == 4 and len(list(cache.glob("*.html"))) == 4
    two = {"Kota Bontang": series["Kota Bontang"], "Kalimantan Timur": series["Kota Bontang"] * 2}
    assert chart_cache.cache_key(fn, two) != chart_cache.cache_key(fn, dict(reversed(list(two.items()))))
    df = tables["sebaran"]
    assert chart_cache.cache_key(fn, df) != chart_cache.cache_key(fn, df.astype({"ditekan": "object"}))  # dtype counts


def test_cache_key_covers_file_content_and_code(tmp_path, monkeypatch):
    f = tmp_path / "peta.geojson"
    f.write_text('{"features": []}')
    k1 = chart_cache.cache_key(charts.bps_line, f)
    f.write_text('{"features": [], "x": 1}')
    assert chart_cache.cache_key(charts.bps_line, f) != k1  # a file is fingerprinted by content, not by name
    assert chart_cache.cache_key(charts.bps_line, lambda v: v) is None  # uncacheable: drawn every time
    k2 = chart_cache.cache_key(charts.bps_line, 1)
    chart_cache._code_version.cache_clear()
    monkeypatch.setattr(chart_cache, "_CACHE_FORMAT", b"other")
    try:
        assert chart_cache.cache_key(charts.bps_line, 1) != k2  # new drawing code → new keys
    finally:
        monkeypatch.undo()
        chart_cache._code_version.cache_clear()


def test_cache_off_damaged_and_concurrent(tables, cache, monkeypatch):
    import concurrent.futures as cf

    s = tables["sebaran"]
    kel = s[s.tingkat == "kelurahan"]
    names = dict(zip(tables["ringkasan"]["kode_wilayah"], tables["ringkasan"]["nama"]))
    args = (charts.desil_bars, kel, names)
    first = chart_cache.cached_html(*args, period="p", source="s")
    key = chart_cache.cache_key(*args, period="p", source="s")
    path = cache / f"{key}.html"

    def race(i):  # writers (two kernels) and readers on one key: temp file + os.replace, never half a file
        for _ in range(20):
            chart_cache._cache_write(cache, path, first)
            got = chart_cache._cache_read(path)
            assert got is None or got == first
        return True
    with cf.ThreadPoolExecutor(4) as ex:
        assert all(ex.map(race, range(4)))
    out = [first]
    assert [p.name for p in cache.iterdir()] == [f"{key}.html"]  # no temp files left behind
    entry = next(cache.glob("*.html"))
    entry.write_text('<figure class="chart"><img src="')  # damaged: ignored and rewritten
    assert chart_cache.cached_html(*args, period="p", source="s") == out[0] and entry.read_text() == out[0]
    monkeypatch.setenv(chart_cache.CACHE_ENV, "off")
    assert chart_cache.cache_dir() is None
    fn, calls = _counting(charts.desil_bars)
    chart_cache.cached_html(fn, kel, names, period="p", source="s")
    chart_cache.cached_html(fn, kel, names, period="p", source="s")
    assert len(calls) == 2


def test_cache_is_pruned(cache, monkeypatch):
    monkeypatch.setattr(chart_cache, "CACHE_MAX_FILES", 4)
    for i in range(6):
        chart_cache.cached_html(charts.mpm_funnel, {"pendaftar": i + 1}, period="p", source="s")
    assert 2 <= len(list(cache.glob("*.html"))) <= 4


def test_kombinasi_parsing():
    assert charts.parse_kombinasi("kks+pkh") == ("kks", "pkh")
    assert charts.parse_kombinasi("KKS|PKH") == ("KKS", "PKH")
    assert charts.parse_kombinasi("KIS/PBI+Rastra/BPNT") == ("KIS/PBI", "Rastra/BPNT")
    assert charts.parse_kombinasi("") == () and charts.parse_kombinasi("tidak_ada") == ()
    assert charts.parse_kombinasi(None) == ()


# --- drawing cost: the shortcuts must not change what is drawn -------------------------------------

def test_svg_equals_matplotlibs_own_svg_writer(figs):
    """`to_svg` lends the canvas a caching SVG writer and skips placing empty axis labels: the bytes
    must be those matplotlib's own writer gives."""
    import io

    for name, fig in figs.items():
        ours = figures.to_svg(fig)
        with figures.style():
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        plain = buf.getvalue().replace(b"font-family: 'DejaVu Sans'",
                                       b"font-family: " + figures.SVG_FONT_STACK.encode())
        assert ours == plain, name


def test_every_text_of_every_chart_is_in_the_house_font(figs):
    """Each chart kind runs under the house rcParams (`figures.styled`): a text made outside them (a chart
    function that lost its decorator) would carry matplotlib's default font list into the SVG."""
    for name, fig in figs.items():
        svg = figures.to_svg(fig)
        svg = svg.decode() if isinstance(svg, bytes) else svg
        assert "Computer Modern Sans Serif" not in svg, name
        assert figures.SVG_FONT_STACK in svg, name


def test_process_wide_caches_do_not_change_the_chart(tables):
    """Text metrics, font heights and label boxes are cached across charts: a chart drawn with cold
    caches and one drawn with warm caches are the same bytes."""
    def draw():
        return figures.to_svg(charts.quadrant_scatter(tables["prioritas"], highlight=[LOK_TUAN],
                                                     period="p", source="s"))
    for cache in (_mplfast._text_metrics, _mplfast._font_heights, _mplfast._label_boxes):
        cache.clear()
    cold = draw()
    assert _mplfast._text_metrics and _mplfast._font_heights and _mplfast._label_boxes
    assert draw() == cold


def test_bars_draw_what_barh_draws():
    """`_bars` (one PolyCollection) against one `barh`/`bar` call per series: same pixels, same limits,
    same legend, including a NaN bar (left to matplotlib) and a colour list that bar() would cycle."""
    import numpy as np

    y = np.arange(4)
    series = [(np.array([3.0, 1.0, 0.0, 2.0]), "#D55E00"), (np.array([1.0, 2.0, 2.5, 0.5]), "#0072B2")]

    def draw(ours: bool):
        fig, (ax, ax2) = figures.figure("upset", 2, 1)
        left = np.zeros(len(y))
        starts, lengths, handles = [], [], []
        for vals, colour in series:
            if ours:
                starts.append(left.copy())
                lengths.append(vals)
            else:
                handles.append(ax.barh(y, vals, left=left.copy(), height=0.6, color=colour, edgecolor="white",
                                       linewidth=0.5))
            left += vals
        if ours:
            handles = _mplfast.bars(ax, y, lengths, start=starts, thickness=0.6, color=[c for _, c in series],
                                   edgecolor="white", linewidth=0.5, layers=True)
            _mplfast.bars(ax2, y, [1.0, np.nan, 2.0, 3.0], color=["#009E73", "#CC79A7"], thickness=0.5,
                         horizontal=False)
        else:
            ax2.bar(y, [1.0, np.nan, 2.0, 3.0], color=["#009E73", "#CC79A7"], width=0.5)
        figures.legend_above(ax, handles, ["a", "b"], ncols=2)
        figures.finish(fig, ax, "Judul", "unit", "periode", "sumber")
        return fig

    a, b = draw(False), draw(True)
    for ax_a, ax_b in zip(a.axes, b.axes):
        assert ax_a.get_xlim() == ax_b.get_xlim() and ax_a.get_ylim() == ax_b.get_ylim()
    assert figures.to_png(a) == figures.to_png(b)


def test_figures_are_independent_copies_of_a_blank():
    import io
    import pickle

    import matplotlib
    from matplotlib.transforms import TransformNode

    f1, a1 = figures.figure("bar")
    f2, a2 = figures.figure("bar")
    assert f1 is not f2 and a1 is not a2 and a2.figure is f2 and f2.axes == [a2]
    a1.set_xlim(0, 7)
    a1.text(0, 0, "x")
    assert a2.get_xlim() == (0.0, 1.0) and not a2.texts
    assert isinstance(f2.canvas, _mplfast._Canvas)
    with matplotlib.rc_context({"axes.linewidth": 3.0}):  # not a house-style key: the blank is remade
        _, a3 = figures.figure("bar")
    assert a3.spines["left"].get_linewidth() == 3.0
    assert figures.figure("bar")[1].spines["left"].get_linewidth() == matplotlib.rcParams["axes.linewidth"]
    # A copy files its transforms' parents under the ids they had in the blank; those objects are
    # kept alive with it, so no new transform can take one of those ids and unhook a copy's parent.
    tpl = _mplfast._FIGURE_TEMPLATE[f2]
    pinned = {id(p) for p in tpl.pinned}
    u = pickle.Unpickler(io.BytesIO(tpl.blob))
    u.load()
    filed = [k for o in u.memo.copy().values() if isinstance(o, TransformNode) for k in o._parents]
    assert filed and all(k in pinned for k in filed)
