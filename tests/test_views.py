"""briefing.views: the numbers each briefing section shows, on the golden indicator tables of the sample.

The expected values are read by hand from the indicator rows (tests/golden/indikator_*.csv, the same rows
as data/processed/2018-05/indikator/*.parquet of a sample build), not from the functions' own output.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan import config
from kemiskinan.briefing import data as briefing_data
from kemiskinan.briefing import sections, views

GOLDEN = Path(__file__).parent / "golden"
KOTA, UTARA, SELATAN, LOK_TUAN = "64.74", "64.74.01", "64.74.02", "64.74.01.1003"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {p.stem.removeprefix("indikator_"): pd.read_csv(p, dtype={"kode_wilayah": str})
            for p in sorted(GOLDEN.glob("indikator_*.csv"))}


@pytest.fixture(scope="module", autouse=True)
def _chart_cache(tmp_path_factory):
    """Charts go through the chart cache: keep it in a temp folder, not the project's data/."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KEMISKINAN_CHART_CACHE", str(tmp_path_factory.mktemp("grafik")))
        yield


def test_headline_numbers_of_the_kota_and_a_kelurahan(tables):
    v = views.headline(tables, LOK_TUAN)
    assert (v.wilayah["keluarga_miskin"], v.wilayah["keluarga_kks"], v.wilayah["keluarga_tanpa_kks"]) == (980, 747, 233)
    assert (v.kota["keluarga_miskin"], v.kota["keluarga_kks"], v.kota["keluarga_tanpa_kks"]) == (5527, 4429, 1098)
    assert v.kota["cakupan_kks"] == pytest.approx(4429 / 5527)
    assert len(v.cakupan_kelurahan) == 15 and v.cakupan_kelurahan[LOK_TUAN] == pytest.approx(747 / 980)
    assert v.target_desil == [1, 2, 3, 4]


def test_cakupan_takes_the_main_target_only(tables):
    v = views.cakupan(tables, KOTA)
    # the table also carries D1 and D1-D2 rows for every programme: only the five D1-D4 rows are shown
    assert list(v.program["program"]) == ["KKS", "PKH", "KIS/PBI", "KIP", "Rastra/BPNT"]
    assert set(v.program["target"]) == {"D1-D4"}
    kks = v.program.iloc[0]
    assert (kks["n_target"], kks["n_target_menerima"], kks["n_tidak_menerima"]) == (5527, 4429, 1098)
    assert kks["cakupan_kota"] == pytest.approx(4429 / 5527) and v.ada_kota
    kel = views.cakupan(tables, LOK_TUAN).program
    assert kel.iloc[0]["cakupan"] == pytest.approx(747 / 980)
    assert kel.iloc[0]["cakupan_kota"] == pytest.approx(4429 / 5527)   # the city's, next to the kelurahan's


def test_households_without_any_programme_by_kelurahan(tables):
    kota = views.cakupan(tables, KOTA).tanpa_program
    assert kota.sum() == 115 and len(kota) == 15
    assert list(kota.index[:3]) == ["64.74.01.1003", "64.74.02.1002", "64.74.01.1004"]   # 30, 22, 10
    utara = views.cakupan(tables, UTARA).tanpa_program
    assert utara.to_dict() == {"64.74.01.1003": 30, "64.74.01.1004": 10, "64.74.01.1001": 7, "64.74.01.1006": 6,
                               "64.74.01.1002": 3, "64.74.01.1005": 3}
    assert views.cakupan(tables, LOK_TUAN).tanpa_program.empty   # a kelurahan has no sub-areas to list


def test_prioritas_ranks_the_scope_by_the_city_wide_rank(tables):
    v = views.prioritas(tables, SELATAN)
    assert list(v.peringkat["nama"]) == ["Berbas Tengah", "Tanjung Laut", "Berbas Pantai", "Bontang Lestari",
                                         "Satimpo", "Tanjung Laut Indah"]
    assert list(v.peringkat["_r"]) == [2, 3, 4, 5, 8, 12]
    assert sorted(v.sorot) == [f"64.74.02.100{i}" for i in range(1, 7)]
    assert len(v.semua) == 15 and v.sendiri == {}
    kota = views.prioritas(tables, KOTA)
    assert kota.sorot == [] and list(kota.peringkat["nama"][:2]) == ["Lok Tuan", "Berbas Tengah"]
    assert views.prioritas(tables, LOK_TUAN).sendiri["prioritas"] == 1


def test_sebaran_counts_of_the_kota_and_its_kecamatan(tables):
    v = views.sebaran(tables, KOTA)
    values, suppressed = v.sendiri["keluarga"]
    assert [values.loc[KOTA, d] for d in ("1", "2", "3", "4", "1-4")] == [471, 1308, 1753, 1995, 5527]
    assert [v.sendiri["rumah_tangga"][0].loc[KOTA, d] for d in ("1", "2", "3", "4")] == [431, 1190, 1592, 1812]
    assert [v.sendiri["jiwa"][0].loc[KOTA, d] for d in ("1", "2", "3", "4")] == [1929, 5127, 6857, 7370]
    assert not suppressed.to_numpy().any()
    assert v.anak_tingkat == "kecamatan" and v.anak_urut == [UTARA, SELATAN, "64.74.03"]
    assert v.anak[0]["1-4"].sum() == 5527   # the three kecamatan add up to the city
    assert v.grafik["kode_wilayah"].nunique() == 15 and v.grafik_sorot is None
    assert v.persen_penduduk_bdt[LOK_TUAN] == pytest.approx(0.294271, abs=1e-6)
    assert views.sebaran(tables, LOK_TUAN).grafik_sorot == LOK_TUAN


def test_profil_orders_by_the_desil_1_2_share_and_finds_the_largest_gaps(tables):
    v = views.profil(tables, KOTA)
    assert list(v.persen.index[:2]) == ["dinding_tidak_layak", "lantai_tidak_permanen"]   # 84.5 %, 77.5 %
    assert v.persen.loc["dinding_tidak_layak", "D1-D2"] == pytest.approx(0.84454, abs=1e-5)
    # D1-D2 minus D3-D4: 47.2-24.1, 77.5-56.7, 55.8-38.7 percentage points
    assert list(v.selisih.index[:3]) == ["luas_lantai_per_kapita_kurang_8", "lantai_tidak_permanen", "listrik_450va"]
    assert set(v.grafik["satuan"]) == {"rumah_tangga"}   # person-level indicators stay out of the chart


def test_mpm_counts_and_who_has_not_reported(tables):
    v = views.mpm(tables, KOTA)
    assert v.diverifikasi == 345 + 36 + 32 + 19 + 33
    assert (v.kelurahan_melapor, v.kelurahan_jumlah) == (12, 15)
    assert pd.Timestamp(v.batas_lapor) == pd.Timestamp("2018-05-31")
    status = views.mpm_status(tables, KOTA)
    assert status.belum_melapor == ["64.74.01.1002", "64.74.02.1004", "64.74.03.1003"]   # Bontang Baru, Satimpo, Kanaan
    assert views.mpm(tables, LOK_TUAN).diverifikasi == 72 + 5 + 4 + 5 + 5


def test_makro_series_direction_and_p1_p2(tables):
    v = views.makro(tables)
    assert list(v.seri) == ["Kota Bontang", "Kalimantan Timur"]
    assert v.seri["Kota Bontang"].to_dict() == {2015: 5.06, 2016: 5.18, 2017: 5.16, 2018: 4.67}
    assert v.seri["Kalimantan Timur"].to_dict() == {2015: 6.23, 2016: 6.11}
    a = v.arah_p0
    assert (a["t0"], a["v0"], a["t1"], a["v1"], a["arah"], a["tk"], a["vk"]) == (2015, 5.06, 2018, 4.67, "turun", 2016, 6.11)
    assert v.p1p2_naik == [(2016, 2017)]   # P0 5.18 → 5.16 while P1 0.84 → 0.92 and P2 0.20 → 0.25
    assert views.makro(tables, years=(2017, 2018)).p1p2_naik == []


def test_flows_sum_out_and_in_and_stay_unknown_when_a_part_is():
    row = dict(n_sebelumnya=10, n_sekarang=9, tetap=6, pindah_keluar=1, keluar_dari_target=2, keluar_dari_data=1,
               pindah_masuk=0, masuk_dari_data=2, masuk_baru=1)
    f = views.flows(row)
    assert (f["keluar"], f["masuk"]) == (4, 3)
    assert views.flows({**row, "keluar_dari_data": None})["keluar"] is None
    assert views.banding({}, KOTA).ringkasan == {}   # no previous period: nothing to compare


def _notebook_outputs(tmp_path, monkeypatch, tables, kode, lang) -> list[str]:
    """Run notebook 03's code cells in-process on `tables` and return the HTML its cells display."""
    nb = json.loads((config.NOTEBOOKS_DIR / "03_briefing.ipynb").read_text(encoding="utf-8"))
    (tmp_path / "meta.json").write_text(json.dumps({"sintetis": True}), encoding="utf-8")
    monkeypatch.setattr(config, "processed_dir", lambda periode: tmp_path)
    monkeypatch.setattr(briefing_data, "load_for_briefing", lambda periode, k: briefing_data.slice_tables(tables, k))
    ns: dict = {}
    out: list[str] = []
    for cell in nb["cells"]:
        tags = cell["metadata"].get("tags", [])
        if cell["cell_type"] != "code" or "analis" in tags:
            continue
        source = "".join(cell["source"])
        if "parameters" in tags:
            source += f"\nwilayah = {kode!r}\nlang = {lang!r}\nrun_id = 'r1'\ngit_sha = 'abc'\n"
        body = compile_cell(source)
        exec(body[0], ns)
        if body[1] is not None:
            shown = eval(body[1], ns)
            if shown is not None:
                out.append(str(shown))
    return out


def compile_cell(source: str):
    """(statements, last expression or None): what IPython runs and what it displays."""
    import ast

    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    stmts = compile(tree, "<cell>", "exec")
    return stmts, (compile(ast.Expression(last.value), "<cell>", "eval") if last is not None else None)


@pytest.mark.parametrize("kode,lang", [(KOTA, "id"), (UTARA, "id"), (LOK_TUAN, "en")])
def test_the_notebook_assembles_what_all_sections_returns(tmp_path, monkeypatch, tables, kode, lang):
    """Notebook 03 shows each step (view, charts, render); `sections.section_*` do them in one call:
    both must give the same briefing."""
    got = _notebook_outputs(tmp_path, monkeypatch, tables, kode, lang)
    sliced = briefing_data.slice_tables(tables, kode)
    nama = {KOTA: "Kota Bontang", UTARA: "Bontang Utara", LOK_TUAN: "Lok Tuan"}[kode]
    info = {"periode": "2018-05", "wilayah": kode, "nama_wilayah": nama, "lang": lang, "sintetis": True,
            "run_id": "r1", "git_sha": "abc"}
    want = [str(s) for s in sections.all_sections(sliced, kode, lang, meta={"sintetis": True}, run_info=info)]
    assert len(got) == len(want) == 11
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"bagian {i} berbeda"
