"""PII guard: a planted NIK, IDBDT, name or address in a shared HTML, PDF or index fails, naming the file
and place (the value masked); the real shared outputs pass."""
from __future__ import annotations

import pandas as pd
import pytest

from kemiskinan import config

from kemiskinan.clean import pii_terms
from kemiskinan.publish import pii

PERIODE = "2018-05"


@pytest.fixture(scope="module")
def terms():
    return pii.Terms(phrases={"siti aminah rahayu": "nama", "jl mulawarman gg mawar no 12": "alamat",
                              "suparmanto": "nama"},
                     ids={"647401000400017"}, max_words=6)


@pytest.mark.parametrize("text, kind", [
    ("NIK 6474015507850001 tercatat", "15+"),
    ("nomor 6.474.015.507.850.001", "titik"),
    ("KK 6474 0155 0785 0001", "kelompok 4"),
    ("rumah tangga 647401000400017", "15+"),
    ("kepala keluarga Siti  Aminah RAHAYU di sini", "nama"),
    ("alamat Jl. Mulawarman Gg. Mawar No. 12", "alamat"),
    ("bapak Suparmanto", "nama"),
])
def test_scan_text_finds_each_kind_and_masks_it(text, kind, terms, tmp_path):
    found = pii.scan_text(text, "baris 3", tmp_path / "x.html", terms)
    assert found, text
    msg = " ".join(str(f) for f in found)
    assert "baris 3" in msg
    for secret in ("6474015507850001", "647401000400017", "Aminah", "Mulawarman", "Suparmanto"):
        assert secret not in msg and secret.lower() not in msg


def test_ordinary_briefing_text_is_not_flagged(terms, tmp_path):
    text = ("Kota Bontang: 5.527 keluarga miskin, 4.429 pemegang KKS (80,1 %), 1.098 tanpa KKS; "
            "biaya Rp 1.458.720.000 per tahun; Rp 110.000 per bulan; 170.611 jiwa; run 20261127T201500Z-1234; "
            "Lok Tuan 64.74.01.1003; Berbas Tengah; Halaman 1 dari 9; 2015–2018")
    assert pii.scan_text(text, "x", tmp_path / "x.html", terms) == []


def _html(tmp_path, body):
    p = tmp_path / "briefing.html"
    p.write_text(f"<!doctype html><html><body><h1>Kota Bontang</h1>\n<p>5.527 keluarga</p>\n{body}</body></html>")
    return p


def test_planted_leak_in_html_names_file_and_line(tmp_path, terms):
    p = _html(tmp_path, '<table><tr><td>Siti Aminah Rahayu</td></tr></table>')
    with pytest.raises(pii.PiiLeak) as e:
        pii.check_files([p], terms)
    assert "briefing.html" in str(e.value) and "baris 3" in str(e.value) and "Aminah" not in str(e.value)


def test_planted_leak_in_an_attribute_is_found(tmp_path, terms):
    p = _html(tmp_path, '<img alt="KK 6474015507850001" src="data:image/png;base64,AAAA">')
    with pytest.raises(pii.PiiLeak):
        pii.check_files([p], terms)


def test_planted_leak_in_pdf_names_file_and_page(tmp_path, terms, pdf_printer):
    html = _html(tmp_path, '<div style="break-before: page">IDBDT 647401000400017</div>')
    pdf = tmp_path / "briefing.pdf"
    pdf_printer.print(html, pdf, {"nama_wilayah": "Kota Bontang", "periode": PERIODE, "lang": "id"})
    with pytest.raises(pii.PiiLeak) as e:
        pii.check_files([pdf], terms)
    assert "briefing.pdf" in str(e.value) and "halaman 2" in str(e.value)


def test_planted_leak_in_index_is_found_by_the_cli(tmp_path, terms, monkeypatch, capsys):
    periode_dir = tmp_path / "reports" / "9999-01"
    periode_dir.mkdir(parents=True)
    (periode_dir / "index.html").write_text("<html><body><a href='x.html'>Lok Tuan</a> 6474015507850001</body></html>")
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "reports")
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    assert pii.main_pii_check(["9999-01"]) == 1
    err = capsys.readouterr().err
    assert "index.html" in err and "6474015507850001" not in err


def test_terms_table_is_built_from_names_addresses_and_ids(tmp_path):
    frames = {"art": pd.DataFrame({"nama": ["Siti Aminah", "Ani", "Budi Santoso"],
                                   "idartbdt": ["64740100040001701", None, "64740100040001702"]}),
              "rt": pd.DataFrame({"alamat": ["Jl. Mulawarman No. 3"], "idbdt": ["647401000400017"]})}
    pii_terms.write_terms(frames, tmp_path)
    t = pii.load_terms(tmp_path)
    assert "siti aminah" in t.phrases and "budi santoso" in t.phrases
    assert "ani" not in t.phrases  # one short word would match ordinary text
    assert "jl mulawarman no 3" in t.phrases
    assert "647401000400017" in t.ids and "64740100040001701" in t.ids


def test_real_shared_outputs_pass_the_guard(built):
    terms = pii.load_terms(config.processed_dir(PERIODE))
    assert terms is not None and len(terms.phrases) > 1000 and len(terms.ids) > 1000
    files = pii.shared_files(built)
    assert len(files) >= 39  # 19 HTML + 19 PDF + index
    pii.check_files(files, terms)


def test_a_leaking_briefing_fails_the_build_and_is_not_installed(built_copy):
    from projcopy import add_cell, build, run_json

    root = built_copy
    args = ["--wilayah", "64.74.01.1004", "--formats", "html"]
    assert build(root, *args).returncode == 0
    before = (root / "reports/2018-05/kelurahan_guntung.html").read_bytes()
    # A careless analyst cell that prints one person's name into the briefing.
    add_cell(root, "import pandas as pd\nfrom IPython.display import HTML\n"
                   "_n = pd.read_csv(config.raw_dir('sample') / 'SINTETIS_BDT2015_ART_6474.csv', nrows=5, "
                   "dtype=str, encoding='utf-8-sig')['Nama'].iloc[0]\nHTML(f'<p>Contoh: {_n}</p>')", position=-1)
    r = build(root, *args)
    assert r.returncode == 1
    assert "kelurahan_guntung.html" in r.stderr and "nama dari data masukan" in r.stderr
    assert (root / "reports/2018-05/kelurahan_guntung.html").read_bytes() == before
    assert run_json(root)["outputs"][0]["status"] == "gagal"
