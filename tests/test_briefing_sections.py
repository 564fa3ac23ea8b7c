"""Briefing sections render from the indicator tables step 02 computes of the small clean data set in
tests/tabel_kecil.py (its docstring lists every household); the expected numbers are counted from there.
"""
from __future__ import annotations

import re

import pytest

from kemiskinan.briefing import blocks, chart_cache, charts, rekomendasi
from kemiskinan.briefing import sections as briefing
from kemiskinan.briefing.fmt import NA, SUPPRESSED_MARK
from kemiskinan.errors import CheckError
from kemiskinan.indicators.profil import PROFIL_ORDER
from tabel_kecil import BONTANG_SELATAN, BONTANG_UTARA, KOTA, LOK_TUAN, SATIMPO, indicator_tables


@pytest.fixture(scope="module", autouse=True)
def _chart_cache(tmp_path_factory):
    """Sections draw through the chart cache: keep it in a temp folder, not the project's data/."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(chart_cache.CACHE_ENV, str(tmp_path_factory.mktemp("grafik")))
        yield


@pytest.fixture(scope="module")
def tables():
    return indicator_tables()


@pytest.fixture(scope="module")
def rendered(tables):
    """Every section for the three levels (and English for a kelurahan), rendered once for all tests."""
    out = {}
    for kode, lang in ((KOTA, "id"), (BONTANG_UTARA, "id"), (LOK_TUAN, "id"), (LOK_TUAN, "en")):
        out[(kode, lang)] = "".join(briefing.all_sections(tables, kode, lang, meta={"sintetis": True},
                                                          run_info={"run_id": "r1"}))
    return out


def _text(html: str) -> str:
    """Visible text: tags and base64 images removed, whitespace collapsed."""
    html = re.sub(r'src="data:[^"]+"', "", html)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def _section_of(html: str, sid: str) -> str:
    """The HTML of section `sid`, up to the next section."""
    start = html.index(f'id="{sid}"')
    end = html.find("<section", start)
    return html[start:end if end > 0 else len(html)]


def _cards(html: str) -> list[str]:
    return [_text(v).strip() for v in re.findall(r'<div class="nilai">(.*?)</div>', html, flags=re.S)]


def test_headline_kota_shows_its_numbers(tables):
    # keluarga in desil 1–4: Lok Tuan L1 L2 L3 L4 L5 L6 L7 (7), Guntung G1 G2 G3 (3), Satimpo S1 S2 (2) = 12;
    # holding KKS: L1 L3 L5, G1 G2, S1 S2 = 7 → 7/12 = 58,3 %; without: 12 − 7 = 5
    h = briefing.headline(tables, KOTA, "id")
    assert _cards(h) == ["12", "7", "58,3 %", "5"]
    txt = _text(h)
    for s in ("Keluarga miskin", "PBDT 2015", "Ringkasan eksekutif"):
        assert s in txt, s
    assert h.count('class="kartu') >= 4 and h.count('class="kartu') <= 6 + 1
    assert "Kota:" not in txt  # the city is not compared with itself


def test_headline_kelurahan_compares_with_city(tables):
    # Lok Tuan: 7 keluarga in desil 1–4, 3 with KKS (L1 L3 L5) → 42,9 %, 4 without
    h = briefing.headline(tables, LOK_TUAN, "id")
    assert _cards(h) == ["7", "3", "42,9 %", "4"]
    txt = _text(h)
    assert "Kota: 12" in txt and "Kota: 58,3 %" in txt and "Kota: 5" in txt


def test_every_section_renders_for_each_level(rendered):
    for kode in (KOTA, BONTANG_UTARA, LOK_TUAN):
        html = rendered[(kode, "id")]
        for title in ("Ringkasan eksekutif", "Kemiskinan makro (BPS)", "Sebaran Data Terpadu", "Profil rumah tangga miskin",
                      "Cakupan program dan ketepatan sasaran", "Prioritas wilayah", "Pemutakhiran data (MPM)",
                      "Rekomendasi", "Catatan metodologi"):
            assert title in html, (kode, title)
        assert "DATA SINTETIS — bukan data asli; angka hanya untuk uji coba sistem" in html
        assert "tidak ada data" not in _text(html).lower().replace("– = tidak ada data", ""), kode


def test_tables_are_narrow_and_numbers_right_aligned(rendered):
    html = rendered[(BONTANG_UTARA, "id")]
    for tab in re.findall(r"<table.*?</table>", html, flags=re.S):
        head = re.search(r"<tr>(.*?)</tr>", tab, flags=re.S)
        if head:
            assert len(re.findall(r"<th", head.group(1))) <= blocks.MAX_COLUMNS
    assert '<td class="num">' in html
    with pytest.raises(ValueError):
        blocks.table_html(list("abcdefg"), [])


def test_kelurahan_name_is_escaped():
    """Satimpo renamed in the wilayah reference the indicators are computed with: the name arrives in the
    tables' `nama` columns as a name from the data files would, and every section that names it escapes it."""
    evil = '<script>alert("x")</script>'
    tabs = indicator_tables({SATIMPO: evil})
    assert (tabs["ringkasan"].set_index("kode_wilayah").loc[SATIMPO, "nama"]) == evil
    parts = {"headline": briefing.headline(tabs, KOTA, "id"),            # MPM line: Satimpo has not reported
             "sebaran": briefing.section_sebaran(tabs, BONTANG_SELATAN, "id"),  # its kelurahan table
             "mpm": briefing.section_mpm(tabs, BONTANG_SELATAN, "id"),
             "rekomendasi": briefing.recommendations(tabs, KOTA, "id"),
             "banner": briefing.banner({"wilayah": SATIMPO, "nama_wilayah": evil, "sintetis": True})}
    for name, html in parts.items():
        assert "<script>" not in html, name
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, name


def test_suppressed_shown_as_dash_not_zero(tables, rendered):
    html = briefing.section_sebaran(tables, SATIMPO, "id")
    txt = _text(html)
    assert NA + SUPPRESSED_MARK in txt and "ditekan" in txt
    # Satimpo RT 001 (keluarga): desil 1 = S1, desil 2 = S2, one each — below ambang_sel_kecil 3, hidden;
    # desil 3 and 4 are a true 0 and stay 0; the total hides too (it would give the hidden cells back)
    row = re.search(r"<tr><th scope=\"row\">RT 001</th>(.*?)</tr>", html, flags=re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells == [NA + SUPPRESSED_MARK, NA + SUPPRESSED_MARK, "0", "0", NA + SUPPRESSED_MARK]
    # the kelurahan's own numbers are not suppressed: desil 1 and 2 one keluarga each, 1 + 1 = 2 in total
    own = re.search(r"<tr><th scope=\"row\">Desil 1</th>(.*?)</tr>", html, flags=re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", own)[1] == "1"
    lt = rendered[(LOK_TUAN, "id")]
    prof = _text(_section_of(lt, "profil"))  # disabilitas, desil 1–2: L1 alone (sensitive: hidden at every level)
    assert NA + SUPPRESSED_MARK in prof
    rt = _text(_section_of(lt, "sebaran"))   # RT 001: desil 1 L1 L2, desil 2 L3 L4 — 2 each, hidden
    assert "RT 001" in rt and NA + SUPPRESSED_MARK in rt


def test_english_strings(rendered):
    txt = _text(rendered[(LOK_TUAN, "en")])
    for s in ("Executive summary", "Programme coverage and targeting", "Recommendations", "SYNTHETIC DATA",
              "Poor families (deciles 1–4)", "City: 12", "City: 58.3 %", "42.9 %"):
        assert s in txt, s
    assert "Ringkasan eksekutif" not in txt


def test_recommendations_are_generated_from_numbers(tables):
    recs = rekomendasi.recommendation_items(tables, KOTA, "id")
    text = " ".join(r["teks"] for r in recs)
    # without KKS: Lok Tuan L2 L4 L6 L7 (4), Guntung G3 (1), Satimpo none
    assert "5 keluarga miskin di Kota Bontang" in text and "terbanyak di Lok Tuan (4), Guntung (1)" in text
    # yearly cost from `biaya`: 5 keluarga × Rp 110.000 × 12 = Rp 6.600.000; Rastra/BPNT (same benefit)
    # misses 12 − 2 (L1 L2) = 10 keluarga × 110.000 × 12 = Rp 13.200.000
    assert "Rp\u00a06,6 juta per tahun" in text and "Rp\u00a013,2 juta per tahun" in text
    assert "Satimpo" in text  # the kelurahan that has not reported MPM
    assert {r["opd"] for r in recs} >= {"Dinsos-PM", "Kelurahan"}
    kel = rekomendasi.recommendation_items(tables, LOK_TUAN, "id")
    assert any("4 keluarga miskin di Lok Tuan" in r["teks"] for r in kel)


def test_recommendations_count_the_main_target_group_only(tables):
    """`tumpang_tindih` holds each household in up to three groups (semua, D1-D2, the target D1-D4) and
    `cakupan` three targets (D1-D4, D1, D1-D2): the briefing reads the target of `ringkasan` only."""
    recs = rekomendasi.recommendation_items(tables, KOTA, "id")
    # desil 1–4 households with no programme: L4, L6, G3 (in semua also S3, in D1-D2 only L4 and G3)
    assert [r["jumlah"] for r in recs if r["aksi"].startswith("Jangkau rumah tangga")] == ["3"]
    # recipients outside desil 1–4, target D1-D4: KKS L8 of the 8 holders in the BDT, KIS/PBI L8 of 9
    assert any(r["teks"] == "Periksa ulang penerima di luar desil 1–4: KKS 1 keluarga (12,5 % penerima); "
                            "KIS/PBI 1 rumah tangga (11,1 % penerima)." for r in recs)
    cak = _section_of(briefing.section_cakupan(tables, LOK_TUAN, "id"), "cakupan")
    # Lok Tuan, D1-D4: KKS 3 of 7 keluarga; the extra target D1 (L1 L2 L7: 3 keluarga, 1 with KKS) is not shown
    assert cak.count('<th scope="row">KKS (KK)</th>') == 1
    row = re.search(r'<th scope="row">KKS \(KK\)</th>(.*?)</tr>', cak, flags=re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[:2] == ["7", "42,9 %"]


def test_a_wilayah_without_target_is_an_error(tables):
    ring = tables["ringkasan"]
    no_target = {**tables, "ringkasan": ring.assign(target=ring["target"].where(ring["kode_wilayah"] != LOK_TUAN))}
    with pytest.raises(CheckError, match=LOK_TUAN):
        briefing.section_cakupan(no_target, LOK_TUAN, "id")
    assert "KKS" in briefing.section_cakupan(no_target, KOTA, "id")  # the others are read as before


def test_makro_notes_p1_p2_rise(rendered):
    txt = _text(rendered[(KOTA, "id")])
    assert "5,06 %" in txt and "542.985" in txt and "Dari 2016 ke 2017" in txt
    assert "hanya tersedia untuk tingkat kota" in _text(rendered[(LOK_TUAN, "id")])


def test_methodology_lists_run_and_files():
    html = briefing.methodology({"sintetis": True, "vintage": {"BDT": "PBDT 2015"},
                                 "files": {"SINTETIS_BDT2015_RT_6474.csv": "ab" * 32}},
                                {"run_id": "20180531-abc", "git_sha": "deadbee", "versi": "0.1.0"}, "id")
    txt = _text(html)
    for s in ("20180531-abc", "deadbee", "0.1.0", "PBDT 2015", "abababababab", "DATA SINTETIS", "UU 24/2013"):
        assert s in txt


def test_missing_tables_do_not_crash():
    empty: dict = {}
    for fn in (briefing.headline, briefing.section_makro, briefing.section_sebaran, briefing.section_profil,
               briefing.section_cakupan, briefing.section_prioritas, briefing.section_mpm, briefing.recommendations):
        out = fn(empty, KOTA, "id")
        assert "<section" in out


def test_charts_are_svg_and_the_bps_chart_is_drawn_once_for_all_briefings(tables, tmp_path, monkeypatch):
    monkeypatch.setenv(chart_cache.CACHE_ENV, str(tmp_path / "grafik"))
    calls = []
    real = charts.bps_line

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)
    monkeypatch.setattr(charts, "bps_line", counting)
    htmls = [briefing.section_makro(tables, k, "id") for k in (KOTA, BONTANG_UTARA, LOK_TUAN)]
    assert len(calls) == 1  # identical inputs in every briefing: drawn once, then reused
    imgs = [re.findall(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', h) for h in htmls]
    assert all(len(i) == 1 for i in imgs) and imgs[0] == imgs[1] == imgs[2]
    assert "data:image/png" not in "".join(htmls)


def test_indicator_names_are_those_of_real_indicators(tables):
    """Profil indicators are named from indicators_meta.yml by the ids step 02 writes: every id has a
    title in both languages, and an id no indicator has is an error, not a tidied key."""
    assert set(PROFIL_ORDER) == set(tables["profil"]["indikator"])
    for key in PROFIL_ORDER:
        assert briefing.indikator_label(key, "id") and briefing.indikator_label(key, "en")
    assert briefing.indikator_label("lantai_tidak_permanen", "en") == "Non-permanent floor"
    with pytest.raises(KeyError, match="indikator tidak dikenal"):
        briefing.indikator_label("lantai_buatan", "id")
