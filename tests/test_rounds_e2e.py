"""Rounds over time (issue 20), end to end on the generator's three synthetic rounds: 2018-05 (PBDT 2015 + MPM,
the `built` fixture), then 2019-05 (DTKS as SIKS-NG exports it) and 2025-06 (DTSEN, desil 1–10), each written
by `sample-data --if-absent --params …` and built with `build --params params/sample_<year>.yml`, in the
project itself, as `make reports PARAMS=…` does.

Every comparison number is held against the generator's written truth (`rounds_truth.round_truth`, computed
from its own simulation of the families, never from pipeline output). The 2019-05 round is built in full (19
briefings, HTML and PDF: the issue's "done when"); the 2025-06 round for the kota and Satimpo, HTML only —
its steps 01/02 run in full either way, and the third period is what gives the trend chart."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from conftest import run_cli
from kemiskinan import config, indicators
from kemiskinan.briefing import sections as briefing
from kemiskinan.briefing import data as briefing_data
from kemiskinan.synthetic import rounds_truth
from kemiskinan.synthetic.state import ROUNDS as SYNTHETIC_ROUNDS

KOTA, SATIMPO = "64.74", "64.74.02.1004"
ROUNDS = {"2019-05": ("params/sample_2019.yml", []),
          "2025-06": ("params/sample_2025.yml", ["--wilayah", KOTA, SATIMPO, "--formats", "html"])}
FLOWS = ["n_sebelumnya", "n_sekarang", "tetap", "pindah_masuk", "pindah_keluar", "masuk_dari_data", "masuk_baru",
         "keluar_dari_target", "keluar_dari_data", "tanpa_kunci_sebelumnya", "tanpa_kunci"]
HEADLINE = ["keluarga_miskin", "keluarga_kks", "keluarga_tanpa_kks"]


def _text(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def _section(html: str, sid: str) -> str:
    start = html.index(f'id="{sid}"')
    end = html.find("<section", start)
    return html[start:end if end > 0 else None]


def _table_rows(html: str, caption: str) -> list[list[str]]:
    tab = next(t for t in re.findall(r"<table.*?</table>", html, flags=re.S) if caption in t)
    return [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", tab.split("<tbody>")[1], flags=re.S)]


@pytest.fixture(scope="module")
def rounds(built):
    """Round 2 and 3 built after round 1 (`built`), each compared with the latest earlier period built."""
    for periode, (params, extra) in ROUNDS.items():
        r = run_cli("sample-data", "--if-absent", "--params", params)
        assert r.returncode == 0, r.stderr
        r = run_cli("build", "--params", params, "--no-progress", *extra, timeout=1500)
        assert r.returncode == 0, f"{params}:\n{r.stderr[-5000:]}"
        assert "Traceback" not in r.stderr
    return {p: config.processed_dir(p) / "indikator" for p in ["2018-05", *ROUNDS]}


def _table(folder, name) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{name}.parquet").set_index("kode_wilayah")


@pytest.mark.parametrize("periode", list(ROUNDS))
def test_flows_equal_the_generators_truth(rounds, periode):
    got = _table(rounds[periode], "banding_alur")
    truth = rounds_truth.round_truth(periode)["alur"].set_index("kode_wilayah")
    assert set(got.index) == set(truth.index)
    assert (got["periode_sebelumnya"] == SYNTHETIC_ROUNDS[periode].previous).all()
    pd.testing.assert_frame_equal(got.loc[truth.index, FLOWS].astype("int64"), truth[FLOWS].astype("int64"),
                                  check_names=False, check_index_type=False)
    # the flows are not trivial: families left, entered, moved between kelurahan; some cannot be matched
    kota = truth.loc[KOTA]
    assert kota.keluar_dari_target > 0 and kota.keluar_dari_data > 0 and kota.masuk_baru > 0
    assert kota.masuk_dari_data > 0 and truth.pindah_masuk.sum() > 0
    assert kota.tanpa_kunci + kota.tanpa_kunci_sebelumnya > 0


@pytest.mark.parametrize("periode", list(ROUNDS))
def test_headline_then_and_now_equal_the_truths(rounds, periode):
    got = _table(rounds[periode], "banding_ringkasan")
    now = rounds_truth.round_truth(periode)["ringkasan"].set_index("kode_wilayah")
    prev = SYNTHETIC_ROUNDS[periode].previous
    then = rounds_truth.round_truth(prev)["ringkasan"].set_index("kode_wilayah")
    for col in HEADLINE:
        assert got.loc[now.index, col].astype("int64").tolist() == now[col].tolist(), col
        assert got.loc[then.index, f"{col}_sebelumnya"].astype("int64").tolist() == then[col].tolist(), col
    assert (got["periode_sebelumnya"] == prev).all()


def test_every_briefing_of_the_second_round_compares_with_2018(rounds):
    """The issue's "done when": 19 briefings, HTML and PDF, each with page 1's line and the section."""
    reports = config.reports_dir("2019-05")
    run = json.loads((reports / "run.json").read_text())
    assert run["periode_sebelumnya"] == "2018-05" and run["periode"] == "2019-05"
    assert len(run["outputs"]) == 19 and all(o["status"] in ("dibuat", "dilewati") for o in run["outputs"])
    pages = sorted(reports.glob("k*.html"))
    assert len(pages) == 19 and len(sorted(reports.glob("k*.pdf"))) == 19
    for page in pages:
        html = page.read_text()
        assert re.search(r'<p class="sejak">Sejak 2018-05: keluarga miskin [\d.]+ → [\d.]+', html), page.name
        assert "Perubahan sejak 2018-05" in _text(_section(html, "banding")), page.name

    # the kota: page 1's line and the section carry the comparison tables' numbers
    tables = briefing_data.load_for_briefing(config.processed_dir("2019-05"), KOTA)
    html = (reports / "kota_bontang.html").read_text()
    line = re.search(r'<p class="sejak">(.*?)</p>', html).group(1)
    assert line == briefing.since_line(tables, KOTA)
    assert line.startswith("Sejak 2018-05: keluarga miskin 5.527 → 5.139 (−388), cakupan KKS 80,1 % → 85,6 %")
    sec = _section(html, "banding")
    rows = _table_rows(sec, "Empat angka utama")
    assert rows[0][1:3] == ["5.527", "5.139"] and rows[2][1:3] == ["80,1 %", "85,6 %"]
    flows = {r[0]: r[1:] for r in _table_rows(sec, "tetap, keluar dan masuk")}
    assert flows["Jumlah Kota Bontang"][0] == "5.527" and flows["Jumlah Kota Bontang"][-1] == "5.139"
    assert "<img" not in sec                        # two periods: no trend chart yet


def test_the_new_rounds_sources_name_their_own_data(rounds):
    """A DTKS round's charts and cards cite DTKS 2019-05 and the KKS list of 2019, not PBDT 2015 / KKS 2017."""
    text = _text((config.reports_dir("2019-05") / "kota_bontang.html").read_text())
    assert "DTKS 2019-05" in text and "distribusi KKS 2019" in text
    assert "PBDT 2015 (TNP2K)" not in text and "KKS 2017" not in text
    first = _text((config.reports_dir("2018-05") / "kota_bontang.html").read_text())
    assert "PBDT 2015 (TNP2K)" in first and "Daftar distribusi KKS 2017, dipadankan dengan PBDT 2015" in first


def test_the_first_round_says_there_is_nothing_to_compare(rounds):
    html = (config.reports_dir("2018-05") / "kota_bontang.html").read_text()
    sec = _section(html, "banding")
    assert "Belum ada periode sebelumnya yang sudah dibangun" in _text(sec) and "<table" not in sec
    assert 'class="sejak"' not in html
    assert len(pd.read_parquet(rounds["2018-05"] / "banding_alur.parquet")) == 0


def test_three_periods_give_the_trend_and_the_periods_index(rounds):
    tren = pd.read_parquet(rounds["2025-06"] / "tren.parquet")
    kota = tren[tren.kode_wilayah == KOTA].sort_values("periode")
    assert kota.periode.tolist() == ["2018-05", "2019-05", "2025-06"]
    assert kota.keluarga_miskin.astype("int64").tolist() == [
        int(rounds_truth.round_truth(p)["ringkasan"].set_index("kode_wilayah").loc[KOTA, "keluarga_miskin"])
        for p in kota.periode]
    sec = _section((config.reports_dir("2025-06") / "kota_bontang.html").read_text(), "banding")
    assert "Perubahan sejak 2019-05" in _text(sec) and sec.count("<img") == 1
    cap = re.search(r'<figcaption class="temuan">(.*?)</figcaption>', sec).group(1)
    assert "2018-05" in cap and "2025-06" in cap, cap
    # the periods index: newest first, each with its coverage
    index = _text((config.REPORTS_DIR / "index.html").read_text())
    pos = [index.find(p) for p in ("2025-06", "2019-05", "2018-05")]
    assert -1 not in pos and pos == sorted(pos), index[:800]
    for cakupan in ("80,1 %", "85,6 %", "89,5 %"):
        assert cakupan in index, cakupan


def test_dtsen_round_reads_ten_deciles_and_the_target_follows_params(rounds):
    proc = config.processed_dir("2025-06")
    meta = json.loads((proc / "meta.json").read_text())
    assert meta["skema_desil"] == 10 and meta["tanggal_acuan"] == "2025-06-30"
    kel = pd.read_parquet(proc / "keluarga.parquet", columns=["desil", "kelompok_desil"])
    assert kel.desil.max() == 10 and set(kel.loc[kel.desil > 4, "kelompok_desil"].astype(str)) == {"4+"}
    truth = rounds_truth.round_truth("2025-06")["ringkasan"].set_index("kode_wilayah")
    ring = _table(rounds["2025-06"], "ringkasan")
    assert ring.loc[truth.index, "keluarga_miskin"].astype("int64").tolist() == truth.keluarga_miskin.tolist()
    # another target group on the same ten deciles, from params: desil 1–5
    params = {"target_desil": [1, 2, 3, 4, 5], "ambang_sel_kecil": 5, "manfaat": {}, "batas_lapor_mpm": "2018-05-31"}
    five = indicators.compute_all(proc, params)["ringkasan"].set_index("kode_wilayah")
    truth5 = rounds_truth.round_truth("2025-06", target_desil=(1, 2, 3, 4, 5))["ringkasan"].set_index("kode_wilayah")
    assert five.loc[truth5.index, "keluarga_miskin"].astype("int64").tolist() == truth5.keluarga_miskin.tolist()
    assert truth5.loc[KOTA, "keluarga_miskin"] > truth.loc[KOTA, "keluarga_miskin"]


def test_children_born_after_2018_read_with_the_rounds_date(rounds):
    """NIK century and age from the round's date: a child born in 2020 is 5, not 105 (nor born in 1920)."""
    art = pd.read_parquet(config.processed_dir("2025-06") / "anggota.parquet", columns=["tanggal_lahir", "umur"])
    born = pd.to_datetime(art.tanggal_lahir) >= "2019-01-01"
    truth = rounds_truth.round_truth("2025-06")["ringkasan"].set_index("kode_wilayah")
    assert int(born.sum()) == int(truth.loc[KOTA, "anak_lahir_setelah_2018"]) > 0
    assert art.loc[born, "umur"].between(0, 6).all()
