"""Briefing sections render from small fake indicator tables shaped as contracts §3.

The fake tables are built here (the real indicators are written concurrently by another engineer;
we coordinate only through contracts §3), and reused by test_render.py.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kemiskinan.briefing import sections as briefing

from kemiskinan.domain import wilayah
from kemiskinan.briefing.fmt import NA, SUPPRESSED_MARK

KOTA = "64.74"
LOK_TUAN = "64.74.01.1003"
BONTANG_UTARA = "64.74.01"
SATIMPO = "64.74.02.1004"

# Keluarga miskin per kelurahan: sums to the calibration 5 527 (contracts §1.7); Lok Tuan largest,
# then Berbas Tengah and Tanjung Laut (docs/domain.md §5.5).
MISKIN = {
    "64.74.01.1001": 312, "64.74.01.1002": 298, "64.74.01.1003": 802, "64.74.01.1004": 356, "64.74.01.1005": 241,
    "64.74.01.1006": 270, "64.74.02.1001": 598, "64.74.02.1002": 655, "64.74.02.1003": 301, "64.74.02.1004": 188,
    "64.74.02.1005": 420, "64.74.02.1006": 365, "64.74.03.1001": 260, "64.74.03.1002": 242, "64.74.03.1003": 219,
}
TANPA = {
    "64.74.01.1001": 52, "64.74.01.1002": 41, "64.74.01.1003": 205, "64.74.01.1004": 66, "64.74.01.1005": 38,
    "64.74.01.1006": 44, "64.74.02.1001": 131, "64.74.02.1002": 150, "64.74.02.1003": 47, "64.74.02.1004": 40,
    "64.74.02.1005": 95, "64.74.02.1006": 60, "64.74.03.1001": 49, "64.74.03.1002": 41, "64.74.03.1003": 39,
}
assert sum(MISKIN.values()) == 5527 and sum(TANPA.values()) == 1098


def _scopes():
    """(code, tingkat, [kelurahan codes it sums]) for the kota, kecamatan and kelurahan."""
    out = [(KOTA, "kota", list(MISKIN))]
    out += [(k.kode, "kecamatan", [w.kode for w in wilayah.kelurahan(k.kode)]) for k in wilayah.kecamatan()]
    out += [(c, "kelurahan", [c]) for c in MISKIN]
    return out


def fake_tables(evil_name: str | None = None) -> dict[str, pd.DataFrame]:
    """Indicator tables in the contracts §3 shape with the calibration numbers at kota level."""
    rng = np.random.default_rng(7)
    names = wilayah.names()
    if evil_name:
        names = {**names, SATIMPO: evil_name}
    ring, seb, cak, keb, tt, prof, mpm, biaya = [], [], [], [], [], [], [], []
    share = {c: rng.uniform(0.3, 0.5) for c in MISKIN}  # share of desil 1–2 among the poor
    for code, tk, kels in _scopes():
        m = sum(MISKIN[c] for c in kels)
        no = sum(TANPA[c] for c in kels)
        ring.append(dict(kode_wilayah=code, tingkat=tk, nama=names[code], keluarga_miskin=m, keluarga_kks=m - no,
                         keluarga_tanpa_kks=no, cakupan_kks=(m - no) / m, rumah_tangga_bdt=round(m * 1.9),
                         jiwa_bdt=round(m * 6.1), rumah_tangga_desil_1_4=round(m * 0.88), jiwa_desil_1_4=round(m * 3.6),
                         persen_penduduk_bdt=0.08 + 0.2 * (m / 802 if tk == "kelurahan" else 0.5),
                         mpm_pendaftar=sum(30 + MISKIN[c] // 10 for c in kels),
                         mpm_melapor=(sum(c != SATIMPO for c in kels) if tk != "kelurahan" else code != SATIMPO)))
        for satuan, factor in (("rumah_tangga", 0.88), ("keluarga", 1.0), ("jiwa", 3.6)):
            parts = [0.18, 0.27, 0.30, 0.25]
            for d, p in zip(["1", "2", "3", "4"], parts):
                n = round(m * factor * p)
                supp = code == SATIMPO and d == "1" and satuan == "keluarga"
                seb.append(dict(kode_wilayah=code, tingkat=tk, kelompok_desil=d, satuan=satuan,
                                jumlah=np.nan if supp else n, ditekan=supp))
        for prog, tgt, cov in (("kks", m, (m - no) / m), ("pkh", round(m * 0.25), 0.62), ("kis", m, 0.71)):
            nt = round(tgt * cov)
            cak.append(dict(kode_wilayah=code, tingkat=tk, program=prog, satuan="keluarga", target="desil_1_4",
                            n_target=tgt, n_penerima=nt + 40, n_target_menerima=nt, cakupan=cov,
                            n_tidak_menerima=tgt - nt, exclusion_error=1 - cov, n_penerima_luar_target=40,
                            inclusion_error=40 / (nt + 40), n_penerima_tidak_di_bdt=12 if prog == "kks" else 0,
                            targeting_differential=0.3))
            for d, p in zip(["1", "2", "3", "4", "4+", "non-desil"], [0.3, 0.28, 0.2, 0.12, 0.07, 0.03]):
                keb.append(dict(kode_wilayah=code, tingkat=tk, program=prog, kelompok_desil=d,
                                n_penerima=round((nt + 40) * p), persen=p))
        for combo, f in (("kks+kis", 0.35), ("kks", 0.2), ("kks+pkh+kis", 0.15), ("kis", 0.08), ("", 0.1),
                         ("kks+pkh", 0.07), ("pkh", 0.05)):
            tt.append(dict(kode_wilayah=code, tingkat=tk, kombinasi=combo, jumlah_program=len([p for p in combo.split("+") if p]),
                           n_rumah_tangga=round(m * 0.88 * f)))
        for ind, base in (("lantai_tidak_permanen", 0.3), ("dinding_tidak_permanen", 0.45), ("air_tidak_layak", 0.2),
                          ("tanpa_jamban_sendiri", 0.15), ("krt_perempuan", 0.22), ("ada_disabilitas", 0.05),
                          ("indikator_baru_x", 0.1)):
            for grp, mult in (("D1-D2", 1.4), ("D3-D4", 0.8), ("semua", 1.0)):
                supp = tk == "kelurahan" and ind == "ada_disabilitas" and grp == "D1-D2"
                n = round(m * 0.88 * (0.45 if grp == "D1-D2" else 0.55 if grp == "D3-D4" else 1))
                prof.append(dict(kode_wilayah=code, tingkat=tk, indikator=ind, kelompok=grp, n=n,
                                 n_kondisi=np.nan if supp else round(n * base * mult),
                                 persen=np.nan if supp else base * mult, ditekan=supp))
        reg = sum(30 + MISKIN[c] // 10 for c in kels)
        silent = tk == "kelurahan" and code == SATIMPO
        h = [0, 0, 0, 0, 0] if silent else [round(reg * 0.5), round(reg * 0.06), round(reg * 0.05), round(reg * 0.03), round(reg * 0.02)]
        mpm.append(dict(kode_wilayah=code, tingkat=tk, pendaftar=0 if silent else reg, terdaftar_bdt=round(reg * 0.7),
                        baru=round(reg * 0.3), hasil_1=h[0], hasil_2=h[1], hasil_3=h[2], hasil_4=h[3], hasil_5=h[4],
                        belum_diverifikasi=0 if silent else reg - sum(h), art_meninggal=round(reg * 0.04),
                        art_pindah=round(reg * 0.03), art_baru=round(reg * 0.06), rt_2015=round(m * 0.88),
                        rt_2018=round(m * 0.88) + 5, perubahan_bersih=5, melapor=not silent,
                        tanggal_terakhir=pd.NaT if silent else pd.Timestamp("2018-05-14")))
        biaya.append(dict(kode_wilayah=code, tingkat=tk, program="pkh", n_keluarga_dikecualikan=round(m * 0.25 * 0.38),
                          manfaat_per_bulan=158_333, biaya_per_tahun=round(m * 0.25 * 0.38) * 1_900_000,
                          keluarga_per_miliar=526))
        biaya.append(dict(kode_wilayah=code, tingkat=tk, program="bpnt", n_keluarga_dikecualikan=no,
                          manfaat_per_bulan=110_000, biaya_per_tahun=no * 110_000 * 12, keluarga_per_miliar=757))
    kel = [r for r in ring if r["tingkat"] == "kelurahan"]
    d12 = {r["kode_wilayah"]: share[r["kode_wilayah"]] for r in kel}
    xk, yk = float(np.mean(list(d12.values()))), 4429 / 5527
    pri = []
    for r in kel:
        x, y = d12[r["kode_wilayah"]], r["cakupan_kks"]
        p = 1 if (x > xk and y < yk) else 2 if (x > xk) else 3 if (y < yk) else 4
        pri.append(dict(kode_wilayah=r["kode_wilayah"], nama=r["nama"], x_persen_d1_d2=x, y_cakupan_kks=y,
                        x_kota=xk, y_kota=yk, prioritas=p))
    # RT-level sebaran for Lok Tuan (with one suppressed cell)
    for i in range(1, 8):
        for d in ["1", "2", "3", "4"]:
            supp = i == 7 and d == "1"
            seb.append(dict(kode_wilayah=f"{LOK_TUAN}.{i:03d}", tingkat="rt", kelompok_desil=d, satuan="keluarga",
                            jumlah=np.nan if supp else 5 + i * 3 + int(d), ditekan=supp))
    bps = pd.DataFrame({
        "tahun": [2015, 2016, 2017, 2018] * 2,
        "kode_wilayah": ["64.74"] * 4 + ["64"] * 4,
        "nama_wilayah": ["Kota Bontang"] * 4 + ["Kalimantan Timur"] * 4,
        "p0": [5.06, 5.18, 5.16, 4.67, 6.23, 6.11, 6.08, 6.03],
        "p1": [np.nan, 0.84, 0.92, np.nan] + [np.nan] * 4,
        "p2": [np.nan, 0.20, 0.25, np.nan] + [np.nan] * 4,
        "gk": [np.nan, 513205, 542985, 549985] + [np.nan] * 4,
        "penduduk_miskin": [np.nan, 8781, 8747, np.nan] + [np.nan] * 4,
    })
    return {"ringkasan": pd.DataFrame(ring), "sebaran": pd.DataFrame(seb), "cakupan": pd.DataFrame(cak),
            "kebocoran": pd.DataFrame(keb), "tumpang_tindih": pd.DataFrame(tt), "profil": pd.DataFrame(prof),
            "mpm": pd.DataFrame(mpm), "prioritas": pd.DataFrame(pri), "biaya": pd.DataFrame(biaya), "bps_makro": bps}


@pytest.fixture(scope="module", autouse=True)
def _chart_cache(tmp_path_factory):
    """Sections draw through the chart cache: keep it in a temp folder, not the project's data/."""
    from kemiskinan.briefing import charts

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(charts.CACHE_ENV, str(tmp_path_factory.mktemp("grafik")))
        yield


@pytest.fixture(scope="module")
def tables():
    return fake_tables()


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


def test_headline_kota_shows_calibration_numbers(tables):
    h = briefing.headline(tables, KOTA, "id")
    txt = _text(h)
    for s in ("5.527", "4.429", "80,1 %", "1.098", "Keluarga miskin", "PBDT 2015", "Ringkasan eksekutif"):
        assert s in txt, s
    assert h.count('class="kartu') >= 4 and h.count('class="kartu') <= 6 + 1
    assert "Kota:" not in txt  # the city is not compared with itself


def test_headline_kelurahan_compares_with_city(tables):
    txt = _text(briefing.headline(tables, LOK_TUAN, "id"))
    assert "802" in txt and "Kota: 5.527" in txt and "Kota: 80,1 %" in txt


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
            assert len(re.findall(r"<th", head.group(1))) <= briefing.MAX_COLUMNS
    assert '<td class="num">' in html
    with pytest.raises(ValueError):
        briefing.table_html(list("abcdefg"), [])


def test_kelurahan_name_is_escaped():
    evil = '<script>alert("x")</script>'
    tabs = fake_tables(evil_name=evil)
    html = "".join([briefing.headline(tabs, KOTA, "id"), briefing.section_sebaran(tabs, "64.74.02", "id"),
                    briefing.section_mpm(tabs, "64.74.02", "id"), briefing.recommendations(tabs, KOTA, "id"),
                    briefing.banner({"wilayah": SATIMPO, "nama_wilayah": evil, "sintetis": True})])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_suppressed_shown_as_dash_not_zero(tables, rendered):
    html = briefing.section_sebaran(tables, SATIMPO, "id")
    txt = _text(html)
    assert NA + SUPPRESSED_MARK in txt and "ditekan" in txt
    # Desil 1 of Satimpo (keluarga) is suppressed: its row must not print 0 in the keluarga column
    row = re.search(r"<tr><th scope=\"row\">Desil 1</th>(.*?)</tr>", html, flags=re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert NA + SUPPRESSED_MARK in cells and "0" not in cells
    lt = rendered[(LOK_TUAN, "id")]
    prof = _text(_section_of(lt, "profil"))
    assert NA + SUPPRESSED_MARK in prof
    rt = _text(_section_of(lt, "sebaran"))
    assert "RT 007" in rt and NA + SUPPRESSED_MARK in rt


def test_english_strings(rendered):
    txt = _text(rendered[(LOK_TUAN, "en")])
    for s in ("Executive summary", "Programme coverage and targeting", "Recommendations", "SYNTHETIC DATA",
              "Poor families (deciles 1–4)", "City: 5,527", "City: 80.1 %"):
        assert s in txt, s
    assert "Ringkasan eksekutif" not in txt


def test_recommendations_are_generated_from_numbers(tables):
    recs = briefing.recommendation_items(tables, KOTA, "id")
    text = " ".join(r["teks"] for r in recs)
    assert "1.098 keluarga miskin" in text and "Lok Tuan (205)" in text
    assert "Rp" in text and ("miliar" in text or "juta" in text)  # yearly cost from `biaya`
    assert "Satimpo" in text  # the kelurahan that has not reported MPM
    assert {r["opd"] for r in recs} >= {"Dinsos-PM", "Kelurahan"}
    kel = briefing.recommendation_items(tables, LOK_TUAN, "id")
    assert any("205 keluarga miskin di Lok Tuan" in r["teks"] for r in kel)


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
    from kemiskinan.briefing import charts

    monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path / "grafik"))
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
