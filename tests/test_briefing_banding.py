"""The briefing's comparison with the previous period (issue 20): section `banding`, page 1's "Sejak …" line,
the trend chart, and the slice that decides which briefings a change in the comparison rebuilds.

Fast tests render tables made by the real `indicators.compute_all` and `indicators.banding.compute` from the
hand-written micro data set of `test_indicators.micro_clean` (two kelurahan, seven keluarga) and a second
round changed from it by hand (`round_2`). Expected numbers are counted by hand from those rows:

    No. KK    keluarga  2018-05               2019-05                              what it is
    …011      H1 n1     Lok Tuan, desil 1     Tanjung Laut, desil 1                moved (still target)
    …012      H1 n2     Lok Tuan, desil 1     Tanjung Laut, desil 1, KKS now       moved (still target)
    …021      H2        Lok Tuan, desil 2     Lok Tuan, above desil 4              left the target (still in data)
    …031      H3        Lok Tuan, 4+          Lok Tuan, desil 2                    entered from the data
    …041      H4        Tanjung Laut, desil 3 Tanjung Laut, desil 3                No. KK also held by H6 now: unmatched
    …051      H5        Tanjung Laut, desil 4 (…051 gone; H5 holds …777 now)       …051 left the data, …777 new
    …061/041  H6        Tanjung Laut, non-desil  Tanjung Laut, desil 1, No. KK …041  unmatched (shared No. KK)

So target families: 2018-05 Lok Tuan 3 (H1×2, H2), Tanjung Laut 2 (H4, H5) = 5; 2019-05 Lok Tuan 1 (H3),
Tanjung Laut 5 (H1×2, H4, H5, H6) = 6. With a KKS: 2018-05 H1 n1, H2, H5 = 3 of 5 (60,0 %); 2019-05 H1 n1,
H1 n2, H3, H5 = 4 of 6 (66,7 %).
Kota: tetap 2 (H1, moved inside the city), keluar 2 (H2 out of the target, …051 out of the data),
masuk 2 (H3 from the data, …777 new), unmatched 1 then (H4: its No. KK is held twice in 2019-05) and 2 now.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from kemiskinan.briefing import chart_cache, sections as briefing

from kemiskinan.briefing import data as briefing_data

from kemiskinan.clean import pii_terms
from kemiskinan.publish import pii

from kemiskinan.domain import wilayah
from kemiskinan.indicators import banding, compute_all
from test_indicators import LT, TL, micro_clean

KOTA = wilayah.KOTA_CODE
BS = wilayah.get(TL).induk      # Bontang Selatan
BU = wilayah.get(LT).induk      # Bontang Utara
KODES = [w.kode for w in wilayah.briefing_wilayah()]


@pytest.fixture(scope="module", autouse=True)
def _chart_cache(tmp_path_factory):
    """Sections draw through the chart cache: keep it in a temp folder, not the project's data/."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(chart_cache.CACHE_ENV, str(tmp_path_factory.mktemp("grafik")))
        yield


def _set(df: pd.DataFrame, mask, **values) -> None:
    for k, v in values.items():
        df.loc[mask, k] = v


def round_2() -> dict[str, pd.DataFrame]:
    """micro_clean changed by hand as in the module docstring."""
    c = micro_clean()
    rt, kel = c["rumah_tangga"], c["keluarga"]
    for df in (rt, kel):
        _set(df, df.idbdt == "H2", desil=pd.NA, kelompok_desil="4+")
        _set(df, df.idbdt == "H3", desil=2, kelompok_desil="2")
        _set(df, df.idbdt == "H6", desil=1, kelompok_desil="1")
        _set(df, df.idbdt == "H1", kode_kelurahan=TL, kode_kecamatan=BS)
    _set(rt, rt.idbdt == "H2", percentile=60)
    _set(rt, rt.idbdt == "H3", percentile=pd.NA)
    _set(kel, kel.idbdt == "H5", no_kk="6474777")
    _set(kel, kel.idbdt == "H6", no_kk="6474041")
    _set(kel, (kel.idbdt == "H1") & (kel.nuk == 2), kks=True, kks_status="tersalur")
    return c


def _previous(periode: str, clean: dict, tables: dict, comparison: dict) -> dict:
    """What `banding.read_previous` reads of a built period, from the same objects."""
    return {"periode": periode, "keluarga": clean["keluarga"][list(banding.KELUARGA_COLUMNS)], "meta": {},
            "ringkasan": tables["ringkasan"], "prioritas": tables["prioritas"], "tren": comparison["tren"]}


def _rounds(skema_desil: int = 4, target_2=(1, 2, 3, 4)):
    """(tables of 2018-05 with no predecessor, of 2019-05 against 2018-05, of 2020-05 against 2019-05)."""
    c1, c2 = micro_clean(), round_2()
    t1, t2 = compute_all(c1, {}), compute_all(c2, {"target_desil": list(target_2)})
    b1 = banding.compute(c1["keluarga"], t1, "2018-05", None, target_desil=[1, 2, 3, 4])
    b2 = banding.compute(c2["keluarga"], t2, "2019-05", None, target_desil=list(target_2), skema_desil=skema_desil,
                         previous=_previous("2018-05", c1, t1, b1))
    # a third round with the second round's families: the chain 2018-05 → 2019-05 → 2020-05
    b3 = banding.compute(c2["keluarga"], t2, "2020-05", None, target_desil=list(target_2), skema_desil=skema_desil,
                         previous=_previous("2019-05", c2, t2, b2))
    return {**t1, **b1}, {**t2, **b2}, {**t2, **b3}


@pytest.fixture(scope="module")
def rounds():
    return _rounds()


def _text(html: str) -> str:
    html = re.sub(r'src="data:[^"]+"', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _table_rows(html: str, caption: str) -> list[list[str]]:
    tab = next(t for t in re.findall(r"<table.*?</table>", html, flags=re.S) if caption in t)
    return [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", tab.split("<tbody>")[1], flags=re.S)]


def _render(tables, kode, lang="id"):
    sl = briefing_data.slice_tables(tables, kode)
    return briefing.section_banding(sl, kode, lang), briefing.headline(sl, kode, lang)


# ---------------------------------------------------------------------------------------------------------
# the fixture itself: the real comparison code counts what the docstring counts by hand
# ---------------------------------------------------------------------------------------------------------

def test_the_fixture_flows_are_the_hand_counted_ones(rounds):
    al = rounds[1]["banding_alur"].set_index("kode_wilayah")
    cols = ["n_sebelumnya", "n_sekarang", "tetap", "pindah_keluar", "pindah_masuk", "keluar_dari_target",
            "keluar_dari_data", "masuk_dari_data", "masuk_baru", "tanpa_kunci_sebelumnya", "tanpa_kunci"]
    want = {KOTA: [5, 6, 2, 0, 0, 1, 1, 1, 1, 1, 2],
            LT: [3, 1, 0, 2, 0, 1, 0, 1, 0, 0, 0],
            TL: [2, 5, 0, 0, 2, 0, 1, 0, 1, 1, 2]}
    for kode, row in want.items():
        assert [int(al.loc[kode, c]) for c in cols] == row, kode


# ---------------------------------------------------------------------------------------------------------
# the section
# ---------------------------------------------------------------------------------------------------------

def test_section_with_a_predecessor_shows_the_tables_numbers(rounds):
    html, _ = _render(rounds[1], KOTA)
    txt = _text(html)
    assert 'id="banding"' in html and "Perubahan sejak 2018-05" in txt
    # the four headline numbers then → now with the change, as in banding_ringkasan
    rows = _table_rows(html, "Empat angka utama")
    assert rows == [["Keluarga miskin (desil 1–4)", "5", "6", "+1"],
                    ["Keluarga pemegang KKS", "3", "4", "+1"],
                    ["Cakupan KKS", "60,0 %", "66,7 %", "+6,7 poin"],
                    ["Keluarga miskin tanpa KKS", "2", "2", "0"]]
    # the flows: one row per kelurahan, then the kota's own total (moves inside the city are not flows there)
    flows = {r[0]: r[1:] for r in _table_rows(html, "tetap, keluar dan masuk")}
    assert len(flows) == 16
    assert flows["Lok Tuan"] == ["3", "0", "3", "1", "1"]
    assert flows["Tanjung Laut"] == ["2", "0", "1", "3", "5"]
    assert flows["Jumlah Kota Bontang"] == ["5", "2", "2", "2", "6"]
    assert flows["Guntung"] == ["0"] * 5
    # the kota's flows in words, and the unmatched counted and explained
    assert ("Dari 5 keluarga miskin di Kota Bontang pada 2018-05, 2 masih dalam sasaran di sini pada 2019-05; "
            "2 keluar: 1 masih ada di data tetapi tidak lagi dalam sasaran, 1 tidak ada lagi di data.") in txt
    assert "Pada 2019-05 ada 6 keluarga miskin; 2 masuk: 1 sebelumnya ada di data tetapi di luar sasaran, 1 baru di data." in txt
    assert ("1 keluarga sasaran 2018-05 dan 2 keluarga sasaran 2019-05 tidak dapat dipadankan, karena No. KK-nya "
            "kosong atau dipakai oleh lebih dari satu keluarga") in txt
    # the kelurahan whose quadrant changed: the table's own answer
    pri = rounds[1]["banding_prioritas"]
    changed = pri[pri["berubah"].fillna(False).astype(bool)]
    assert list(changed["kode_wilayah"]) == [TL]
    assert (f"Kelurahan yang kuadran prioritasnya berubah: Tanjung Laut (prioritas "
            f"{int(changed.iloc[0]['prioritas_sebelumnya'])} → {int(changed.iloc[0]['prioritas'])}).") in txt
    assert "Definisi sasaran" not in txt  # same definition in both rounds


def test_a_kecamatan_lists_its_kelurahan_and_a_kelurahan_gets_sentences(rounds):
    html, _ = _render(rounds[1], BS)
    flows = {r[0]: r[1:] for r in _table_rows(html, "tetap, keluar dan masuk")}
    assert set(flows) == {w.nama for w in wilayah.kelurahan(BS)} | {"Jumlah Bontang Selatan"}
    assert flows["Jumlah Bontang Selatan"] == ["2", "0", "1", "3", "5"]
    html, _ = _render(rounds[1], LT)
    txt = _text(html)
    assert "tetap, keluar dan masuk" not in txt        # a kelurahan: its own numbers in sentences
    assert ("Dari 3 keluarga miskin di Lok Tuan pada 2018-05, 0 masih dalam sasaran di sini pada 2019-05; 3 keluar: "
            "1 masih ada di data tetapi tidak lagi dalam sasaran, 0 tidak ada lagi di data, 2 pindah ke kelurahan "
            "di luar Lok Tuan (masih dalam sasaran).") in txt
    assert "Pada 2019-05 ada 1 keluarga miskin; 1 masuk: 1 sebelumnya ada di data tetapi di luar sasaran, 0 baru di data, 0 pindah" in txt
    assert "semua keluarga sasaran kedua periode dapat dipadankan" in txt
    assert _table_rows(html, "Empat angka utama")[0] == ["Keluarga miskin (desil 1–4)", "3", "1", "−2"]


def test_without_a_predecessor_one_sentence_and_no_table(rounds):
    first = rounds[0]
    assert all(len(first[n]) == 0 for n in ("banding_ringkasan", "banding_alur", "banding_prioritas"))
    for kode in (KOTA, BS, LT):
        html, head = _render(first, kode)
        txt = _text(html)
        assert txt == ("Perubahan sejak periode sebelumnya Belum ada periode sebelumnya yang sudah dibangun, "
                       "jadi belum ada angka yang dapat dibandingkan."), txt
        assert "<table" not in html and "<img" not in html
        assert "Sejak" not in _text(head) and 'class="sejak"' not in head
    # and a briefing built before step 02 wrote comparison tables at all
    assert "Belum ada periode sebelumnya" in _text(briefing.section_banding({}, KOTA, "id"))


def test_differing_target_definitions_get_one_sentence():
    _, ten, _ = _rounds(skema_desil=10)
    txt = _text(_render(ten, KOTA)[0])
    assert txt.count("Definisi sasaran") == 1
    assert "Definisi sasaran kedua periode berbeda (D1-D4 dari 4 desil pada 2018-05, D1-D4 dari 10 desil pada 2019-05)" in txt
    _, narrow, _ = _rounds(target_2=(1, 2))
    txt = _text(_render(narrow, KOTA)[0])
    assert "Definisi sasaran kedua periode berbeda (D1-D4 dari 4 desil pada 2018-05, D1-D2 dari 4 desil pada 2019-05)" in txt


def test_the_trend_chart_only_once_three_periods_exist(rounds):
    _, two, three = rounds
    assert sorted(two["tren"].query("kode_wilayah == @KOTA")["periode"]) == ["2018-05", "2019-05"]
    html2, _ = _render(two, KOTA)
    assert "<img" not in html2
    html3, _ = _render(three, KOTA)
    assert html3.count("<img") == 1 and "data:image/svg+xml;base64," in html3
    cap = re.search(r'<figcaption class="temuan">(.*?)</figcaption>', html3).group(1)
    assert cap == ("Keluarga miskin di Kota Bontang naik dari 5 (2018-05) menjadi 6 (2020-05); "
                   "cakupan KKS dari 60,0 % menjadi 66,7 %.")
    assert f'alt="{cap}"' in html3
    # for a kelurahan too: its own trend (Lok Tuan 3 → 1 → 1)
    cap_lt = re.search(r'<figcaption class="temuan">(.*?)</figcaption>', _render(three, LT)[0]).group(1)
    assert cap_lt.startswith("Keluarga miskin di Lok Tuan turun dari 3 (2018-05) menjadi 1 (2020-05)")


def test_page_1_line_present_with_a_predecessor_absent_without(rounds):
    _, head = _render(rounds[1], KOTA)
    line = re.search(r'<p class="sejak">(.*?)</p>', head).group(1)
    assert line == ("Sejak 2018-05: keluarga miskin 5 → 6 (+1), cakupan KKS 60,0 % → 66,7 % (+6,7 poin); "
                    "2 keluarga keluar dari sasaran, 2 masuk.")
    # a kelurahan: families that moved away left its target group, those that moved in entered it
    _, head = _render(rounds[1], TL)
    assert ("Sejak 2018-05: keluarga miskin 2 → 5 (+3), cakupan KKS 50,0 % → 60,0 % (+10,0 poin); "
            "1 keluarga keluar dari sasaran, 3 masuk.") in _text(head)
    assert 'class="sejak"' not in _render(rounds[0], KOTA)[1]


def test_english(rounds):
    html, head = _render(rounds[2], KOTA, "en")
    txt, line = _text(html), _text(head)
    assert ("Since 2019-05: poor families 6 → 6 (0), KKS coverage 66.7 % → 66.7 % (0.0 points); "
            "0 families left the target group, 0 entered.") in line
    for s in ("Changes since 2019-05", "The four headline numbers of Kota Bontang", "Change", "Stayed", "Left",
              "Entered", "Poor families in Kota Bontang rose from 5 (2018-05) to 6 (2020-05)",
              "Kelurahan whose priority quadrant changed: none."):
        assert s in txt, s
    for word in ("Sejak", "keluarga miskin", "Perubahan", "Tetap", "dipadankan", "kuadran", "Belum ada"):
        assert word not in txt + line, word
    none = _text(briefing.section_banding(briefing_data.slice_tables(rounds[0], KOTA), KOTA, "en"))
    assert none == "Changes since the previous period No earlier period has been built yet, so there is nothing to compare."


def test_no_personal_data_in_the_section_or_page_1(rounds, tmp_path):
    """The project's PII guard over every level's section and page 1: the comparison counts families by
    their No. KK but never shows one. Every keluarga gets a 16-digit No. KK here, so a leak would show."""
    c1, c2 = micro_clean(), round_2()
    for c in (c1, c2):
        c["keluarga"]["no_kk"] = ["647401" + k.rjust(10, "0") for k in c["keluarga"]["no_kk"]]
    t1, t2 = compute_all(c1, {}), compute_all(c2, {})
    b1 = banding.compute(c1["keluarga"], t1, "2018-05", None, target_desil=[1, 2, 3, 4])
    b2 = banding.compute(c2["keluarga"], t2, "2019-05", None, target_desil=[1, 2, 3, 4],
                         previous=_previous("2018-05", c1, t1, b1))
    tables = {**t2, **b2}
    assert int(b2["banding_alur"].set_index("kode_wilayah").loc[KOTA, "tanpa_kunci"]) == 2
    ids = list(c1["keluarga"]["no_kk"]) + list(c2["keluarga"]["no_kk"]) + list(c2["rumah_tangga"]["idbdt"])
    terms_dir = tmp_path / "proc"
    terms_dir.mkdir()
    pii_terms.build_terms([], [], ids).to_parquet(terms_dir / pii.TERMS_FILE, index=False)
    terms = pii.load_terms(terms_dir)
    files = []
    for kode in KODES:
        for lang in ("id", "en"):
            html, head = _render(tables, kode, lang)
            f = tmp_path / f"{kode}_{lang}.html"
            f.write_text(f"<html><body>{head}{html}</body></html>", encoding="utf-8")
            files.append(f)
    pii.check_files(files, terms)
    # the guard is live with these terms: one No. KK in the text is caught
    leak = tmp_path / "bocor.html"
    leak.write_text(f"<p>{c2['keluarga']['no_kk'].iloc[0]}</p>", encoding="utf-8")
    with pytest.raises(pii.PiiLeak):
        pii.check_files([leak], terms)


# ---------------------------------------------------------------------------------------------------------
# the slice: which briefings a change in the comparison rebuilds
# ---------------------------------------------------------------------------------------------------------

def test_the_slice_holds_the_comparison_rows_each_briefing_shows(rounds):
    tables = rounds[2]
    kels = {w.kode for w in wilayah.kelurahan()}
    for kode in KODES:
        sl = briefing_data.slice_tables(tables, kode)
        inside = {k for k in kels if k == kode or k.startswith(kode + ".")}
        assert set(sl["banding_ringkasan"]["kode_wilayah"]) == {kode}
        assert set(sl["tren"]["kode_wilayah"]) == {kode} and len(sl["tren"]) == 3
        for name in ("banding_alur", "banding_prioritas"):
            want = inside | ({kode} if name == "banding_alur" else set())
            assert set(sl[name]["kode_wilayah"]) == want, (kode, name)
    assert briefing_data.slice_hashes(tables, KODES) == {k: briefing_data.slice_sha256(briefing_data.slice_tables(tables, k))
                                                         for k in KODES}


def _bump(tables, name, kode, col):
    t = {k: v.copy() for k, v in tables.items()}
    df = t[name]
    row = df.index[df["kode_wilayah"].astype(str) == kode][0]
    df.loc[row, col] = df.loc[row, col] + 1
    return t


@pytest.mark.parametrize("name, col, kode, shown_in", [
    ("tren", "keluarga_miskin", LT, {LT}),                                     # the trend: its own briefing
    ("tren", "keluarga_miskin", BU, {BU}),
    ("banding_ringkasan", "keluarga_miskin_sebelumnya", LT, {LT}),
    ("banding_alur", "keluar_dari_data", LT, {LT, BU, KOTA}),                  # a row of the flows table
    ("banding_alur", "keluar_dari_data", BU, {BU}),                            # not in the kota's table
    ("banding_prioritas", "prioritas_sebelumnya", TL, {TL, BS, KOTA}),
])
def test_a_change_in_the_comparison_rebuilds_exactly_the_briefings_that_show_it(rounds, name, col, kode, shown_in):
    tables = rounds[2]
    before = briefing_data.slice_hashes(tables, KODES)
    changed = _bump(tables, name, kode, col)
    after = briefing_data.slice_hashes(changed, KODES)
    assert after == {k: briefing_data.slice_sha256(briefing_data.slice_tables(changed, k)) for k in KODES}
    assert {k for k in KODES if before[k] != after[k]} == shown_in


def test_no_quadrant_sentence_when_neither_round_has_quadrants(rounds):
    """Without a KKS list or population a round has no quadrants: `berubah` is NA, which is not "tidak ada"."""
    t = {k: v.copy() for k, v in rounds[1].items()}
    t["banding_prioritas"]["berubah"] = pd.array([pd.NA] * len(t["banding_prioritas"]), dtype="boolean")
    txt = _text(_render(t, KOTA)[0])
    assert "kuadran prioritasnya berubah" not in txt
    assert "kuadran prioritasnya berubah: tidak ada" in _text(_render(rounds[2], KOTA)[0])


@pytest.mark.parametrize("target, words_id, words_en", [
    ((1, 2, 3, 4), "Keluarga miskin (desil 1–4)", "Poor families (deciles 1–4)"),
    ((1, 2), "Keluarga miskin (desil 1–2)", "Poor families (deciles 1–2)"),
    ((1, 3), "Keluarga miskin (desil 1, 3)", "Poor families (deciles 1, 3)"),
])
def test_page_1_card_names_the_target_group_of_params(target, words_id, words_en):
    """The card and the map's unit name the round's target group (params `target_desil`, written by step 02
    as `ringkasan.target`), not a fixed "desil 1–4"; the count under it is that group's."""
    tables = compute_all(round_2(), {"target_desil": list(target)})
    sl = briefing_data.slice_tables(tables, KOTA)
    for lang, words in (("id", words_id), ("en", words_en)):
        page = _text(str(briefing.headline(sl, KOTA, lang)))
        assert words in page, (lang, page[:300])
    if target != (1, 2, 3, 4):
        assert "desil 1–4" not in _text(str(briefing.headline(sl, KOTA, "id")))
    # round 2 by hand (module docstring): desil 1–2 holds H1 n1, H1 n2, H3, H6 = 4 families
    if target == (1, 2):
        assert tables["ringkasan"].set_index("kode_wilayah").loc[KOTA, "keluarga_miskin"] == 4
