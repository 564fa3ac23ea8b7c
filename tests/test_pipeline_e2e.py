"""End to end on the bundled sample: real papermill, real nbconvert, real Chromium PDFs."""
from __future__ import annotations

import json
import re

from pypdf import PdfReader

from kemiskinan import config

from kemiskinan.briefing import fmt
from kemiskinan.domain import wilayah as wil
from kemiskinan.publish.index import slug

CITY = "64.74"


def _text(html: str) -> str:
    """Visible text of an HTML file, whitespace collapsed (NBSP as space)."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&nbsp;", " ").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def test_all_19_briefings_index_and_run_json_exist(built, run_json):
    for w in wil.briefing_wilayah():
        for ext in ("html", "pdf"):
            p = built / f"{slug(w)}.{ext}"
            assert p.exists() and p.stat().st_size > 10_000, p
    assert (built / "index.html").exists()
    outs = run_json["outputs"]
    assert len(outs) == 19 and {o["wilayah"] for o in outs} == {w.kode for w in wil.briefing_wilayah()}
    for o in outs:
        assert (config.REPORTS_DIR / o["html"]).exists() and (config.REPORTS_DIR / o["pdf"]).exists()
        # params/sample.yml asks for the analysts' files too (format `analis`)
        assert (config.REPORTS_DIR / o["html_analis"]).exists() and (config.REPORTS_DIR / o["xlsx"]).exists()
    assert len(run_json["git_sha"]) >= 7
    assert run_json["parameter"]["nilai"]["periode"] == "2018-05"
    assert run_json["lock_sha256"] and len(run_json["input_sha256"]) >= 5
    assert all(len(h) == 64 for h in run_json["input_sha256"].values())
    assert "total" in run_json["waktu_detik"]


def test_city_headline_numbers_come_from_the_indicators(built, indicator_tables):
    ring = indicator_tables["ringkasan"].set_index("kode_wilayah").loc[CITY]
    # The calibrated sample: 5,527 poor families, 4,429 with KKS.
    assert int(ring["keluarga_miskin"]) == 5527 and int(ring["keluarga_kks"]) == 4429
    assert int(ring["keluarga_tanpa_kks"]) == 1098
    text = _text((built / "kota_bontang.html").read_text())
    for expected in (fmt.angka(ring["keluarga_miskin"]), fmt.angka(ring["keluarga_kks"]),
                     fmt.persen(ring["cakupan_kks"]).replace("\u00a0", " "), fmt.angka(ring["keluarga_tanpa_kks"])):
        assert expected in text, expected
    assert "5.527" in text and "4.429" in text and "80,1 %" in text and "1.098" in text
    assert "SINTETIS" in text.upper()
    assert "2015" in text  # the data vintage (PBDT 2015)


def test_city_html_has_no_code_prompts_or_parameters(built):
    for w in wil.briefing_wilayah():
        html = (built / f"{slug(w)}.html").read_text()
        for forbidden in ("jp-InputArea", "jp-InputPrompt", "In&nbsp;[", "In [", "ambang_sel_kecil",
                          "injected-parameters", "import kemiskinan", "cdnjs.cloudflare", "require.js"):
            assert forbidden not in html, (w.kode, forbidden)
        assert re.search(r'<img[^>]+src="(?!data:)', html) is None, "every image must be embedded"


def test_city_pdf_is_a4_with_headline_numbers_and_page_numbers(built):
    reader = PdfReader(str(built / "kota_bontang.pdf"))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 3 and abs(float(box.height) - 842) < 3
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text()).replace("\u00a0", " ")
    for expected in ("5.527", "4.429", "80,1 %", "1.098"):
        assert expected in first, expected
    assert "SINTETIS" in first.upper()
    assert "Halaman 1" in first
    allt = " ".join(p.extract_text() for p in reader.pages)
    assert "import " not in allt and "def " not in allt


def test_kelurahan_briefing_shows_its_own_numbers(built, indicator_tables):
    ring = indicator_tables["ringkasan"].set_index("kode_wilayah")
    kode = "64.74.01.1003"  # Lok Tuan
    own = ring.loc[kode]
    assert int(own["keluarga_miskin"]) != int(ring.loc[CITY, "keluarga_miskin"])
    text = _text((built / "kelurahan_lok_tuan.html").read_text())
    assert "Lok Tuan" in text
    own_n, city_n = fmt.angka(own["keluarga_miskin"]), fmt.angka(ring.loc[CITY, "keluarga_miskin"])
    assert own_n in text
    # Its own number is the headline: it comes before the city's comparison figure.
    assert text.index(own_n) < text.index(city_n) if city_n in text else True
    pdf = " ".join(p.extract_text() for p in PdfReader(str(built / "kelurahan_lok_tuan.pdf")).pages[:1])
    assert own_n in pdf and "Lok Tuan" in pdf


def test_index_links_every_briefing(built):
    html = (built / "index.html").read_text()
    for w in wil.briefing_wilayah():
        assert f'href="{slug(w)}.html"' in html and f'href="{slug(w)}.pdf"' in html, w.kode


def test_noop_rebuild_skips_everything(built):
    from conftest import run_cli

    r = run_cli("build", "--params", "params/sample.yml", "--no-progress")
    assert r.returncode == 0, r.stderr
    run = json.loads((built / "run.json").read_text())
    assert all(o["status"] == "dilewati" for o in run["outputs"])
    # nothing to do costs no start-up: no kernel, no browser (counted, not timed: bench/ times it)
    assert run["dimulai"] == {"kernel": 0, "chromium": 0}


def test_english_render_of_the_same_briefing(sample_raw, built):
    from conftest import run_cli

    # HTML and PDF are under test here; the analysts' files are the same code as in Indonesian
    r = run_cli("build", "--params", "params/sample.yml", "--lang", "en", "--wilayah", CITY, "--formats", "html,pdf",
                "--no-progress")
    assert r.returncode == 0, r.stderr[-3000:]
    en = built / "en" / "kota_bontang.html"
    html = en.read_text()
    assert '<html lang="en"' in html
    text = _text(html)
    assert "5,527" in text and "4,429" in text and "80.1 %" in text and "1,098" in text
    assert "SYNTHETIC" in text.upper() and "Executive summary" in text
    reader = PdfReader(str(built / "en" / "kota_bontang.pdf"))
    first = reader.pages[0].extract_text()
    assert "Page 1" in first and "5,527" in first
    # the document title (HTML <title>, and so the PDF's /Title) is in English too
    assert "<title>Poverty Briefing — Kota Bontang (2018-05)</title>" in html
    assert reader.metadata.title == "Poverty Briefing — Kota Bontang (2018-05)"


def test_map_renders_from_the_geojson_fixture_and_from_the_tile_fallback(built_copy):
    import base64
    import hashlib

    import yaml

    from projcopy import build

    geo = config.PROJ_ROOT / "tests" / "fixtures" / "geo" / "bontang_kelurahan.geojson"
    root = built_copy  # steps 01/02 done: the map is drawn by the briefing alone

    def map_images():
        nb = json.loads((root / "reports/2018-05/notebooks/03_briefing__kota_bontang.ipynb").read_text())
        cell = next(c for c in nb["cells"] if "section_sebaran" in "".join(c["source"]))
        html = "".join(o["data"]["text/html"] if isinstance(o["data"]["text/html"], str)
                       else "".join(o["data"]["text/html"]) for o in cell["outputs"] if "data" in o)
        imgs = re.findall(r'src="data:image/[^;]+;base64,([^"]+)"', html)
        return {hashlib.sha256(base64.b64decode(i)).hexdigest() for i in imgs}

    assert build(root, "--wilayah", CITY, "--formats", "html").returncode == 0
    assert not (root / "reports/2018-05/analis/kota_bontang.xlsx").exists()  # format `analis` not asked for
    assert not (root / "reports/2018-05/analis/kota_bontang.html").exists()
    tiles = map_images()
    p = root / "params/sample.yml"
    values = yaml.safe_load(p.read_text())
    values["geojson"] = str(geo)
    p.write_text(yaml.safe_dump(values, allow_unicode=True))
    r = build(root, "--wilayah", CITY, "--formats", "html")
    assert r.returncode == 0, r.stderr[-3000:]
    choropleth = map_images()
    assert len(tiles) >= 2 and len(choropleth) >= 2
    assert tiles != choropleth  # the map image changed; the other charts of the section did not
    assert len(tiles & choropleth) >= 1
