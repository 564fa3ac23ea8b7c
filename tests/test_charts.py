"""House-style charts: fixed size and DPI, title/unit/period/source on every chart, reproducible PNGs."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan import charts

sys.path.insert(0, str(Path(__file__).parent))
from test_briefing_sections import fake_tables  # noqa: E402


@pytest.fixture(scope="module")
def tables():
    return fake_tables()


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


def _all_charts(tables):
    s, c, m = tables["sebaran"], tables["cakupan"], tables["mpm"]
    names = {k: n for k, n in zip(tables["ringkasan"]["kode_wilayah"], tables["ringkasan"]["nama"])}
    kota, lt = "64.74", "64.74.01.1003"
    bps = tables["bps_makro"]
    return {
        "desil": charts.desil_bars(s[s.tingkat == "kelurahan"], names, tingkat_label="kelurahan", period="PBDT 2015",
                                   source="PBDT 2015", highlight=lt),
        "cakupan": charts.coverage_bars(c[c.kode_wilayah == lt], c[c.kode_wilayah == kota], "Lok Tuan",
                                        period="KKS 2017", source="KKS"),
        "bocor": charts.leakage_bars(tables["kebocoran"].query("kode_wilayah == @kota"), period="KKS 2017", source="KKS"),
        "overlap": charts.overlap_chart(tables["tumpang_tindih"].query("kode_wilayah == @kota"), period="PBDT 2015",
                                        source="PBDT"),
        "profil": charts.deprivation_bars(tables["profil"].query("kode_wilayah == @lt"), {}, period="PBDT 2015", source="PBDT"),
        "bps": charts.bps_line({"Kota Bontang": bps[bps.kode_wilayah == "64.74"].set_index("tahun")["p0"],
                                "Kalimantan Timur": bps[bps.kode_wilayah == "64"].set_index("tahun")["p0"]},
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
        assert tuple(fig.get_size_inches()) == charts.SIZES[meta["kind"]], name
        assert fig.dpi == charts.DPI
        png = charts.to_png(fig)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        w, h = charts.SIZES[meta["kind"]]
        # width and height in pixels are fixed by kind × DPI (no tight bbox cropping)
        assert int.from_bytes(png[16:20], "big") == round(w * charts.DPI)
        assert int.from_bytes(png[20:24], "big") == round(h * charts.DPI)


def test_png_is_byte_reproducible(tables):
    s = tables["sebaran"]
    names = dict(zip(tables["ringkasan"]["kode_wilayah"], tables["ringkasan"]["nama"]))

    def build():
        return charts.to_png(charts.desil_bars(s[s.tingkat == "kelurahan"], names, period="PBDT 2015", source="PBDT"))

    a, b = build(), build()
    assert a == b
    assert b"Software" not in a[:2000] and b"Creation" not in a[:2000]


def test_indonesian_separators_on_axes_and_labels(figs):
    txt = _texts(figs["desil"])
    assert "802" in txt and "Lok Tuan" in txt
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


def test_to_html_embeds_base64_with_alt(figs):
    html = charts.to_html(figs["bps"])
    assert html.startswith('<figure class="chart"><img src="data:image/png;base64,')
    assert 'alt="Persentase penduduk miskin (P0)' in html and 'width="461"' in html


def test_kombinasi_parsing():
    assert charts.parse_kombinasi("kks+pkh") == ("kks", "pkh")
    assert charts.parse_kombinasi("KKS|PKH") == ("KKS", "PKH")
    assert charts.parse_kombinasi("KIS/PBI+Rastra/BPNT") == ("KIS/PBI", "Rastra/BPNT")
    assert charts.parse_kombinasi("") == () and charts.parse_kombinasi("tidak_ada") == ()
    assert charts.parse_kombinasi(None) == ()
