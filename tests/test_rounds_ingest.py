"""Issue 20 item 2: the period is a parameter where it matters for reading a round.

* the round's reference date (`clean(periode=)`, the last day of the month) fixes the NIK century and every
  2-digit year, and gives `umur` where a member file has none;
* the desil scheme (1–4 or 1–10) is declared by the source profile (`skema_desil`), and step 02 checks
  `target_desil` against it;
* DTSEN's unit is the family (`satuan: keluarga`): its No. KK becomes the household and member keys.

The counts of the two hand-written extracts (tests/fixtures/foreign/dtks_2019_siksng, dtsen_2025) are in
tests/test_foreign_shapes.py; here are the details of the same rows and the unit tests. Every expected value
was written from the rows by hand.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kemiskinan.clean import step as C
from kemiskinan.clean import anggota
from kemiskinan.clean import load
from kemiskinan import config
from kemiskinan.domain import codes
from kemiskinan.domain import nik
from kemiskinan.ingest import periksa
from kemiskinan.ingest import profiles
from kemiskinan.errors import InputError, ParameterError
from kemiskinan.indicators import tables as T

FOREIGN = Path(__file__).resolve().parent / "fixtures" / "foreign"
DTKS, DTSEN = "dtks_2019_siksng", "dtsen_2025"


def _copy(shape: str, dest: Path) -> Path:
    raw = dest / shape
    shutil.copytree(FOREIGN / shape, raw)
    return raw


def _clean(tmp_path: Path, shape: str, periode: str | None, name: str = "out") -> C.CleanResult:
    raw = _copy(shape, tmp_path / name)
    return C.clean(raw, tmp_path / name / "processed", verbose=False, pii_terms=False, periode=periode)


@pytest.fixture(scope="module")
def dtsen(tmp_path_factory):
    return _clean(tmp_path_factory.mktemp("dtsen"), DTSEN, "2025-06")


@pytest.fixture(scope="module")
def dtks(tmp_path_factory):
    return _clean(tmp_path_factory.mktemp("dtks"), DTKS, "2019-05")


def _by_name(res: C.CleanResult) -> pd.DataFrame:
    """Members indexed by their source row (names are not in the clean tables, by design; the row numbers
    of the names quoted in the tests are those of the extract's file, header = row 1)."""
    return res.tables["anggota"].set_index("baris_sumber")


# ------------------------------------------------------------------------------------ reference date
@pytest.mark.parametrize("periode, expected", [
    ("2019-05", "2019-05-31"), ("2025-06", "2025-06-30"), ("2024-02", "2024-02-29"), ("2018-12", "2018-12-31")])
def test_reference_date_is_the_last_day_of_the_month(periode, expected):
    assert C.tanggal_acuan(periode) == pd.Timestamp(expected)


@pytest.mark.parametrize("bad", ["2019-13", "2019/05", "19-05", "", "Mei 2019", "2019-5"])
def test_a_periode_that_is_no_month_is_a_parameter_error(bad):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        C.tanggal_acuan(bad)


def test_umur_is_full_years_at_the_reference_date():
    lahir = pd.Series(pd.to_datetime(["1980-06-30", "1980-07-01", "2021-03-15", None, "2025-07-01", "2024-02-29"]))
    got = anggota.umur_pada(lahir, pd.Timestamp("2025-06-30")).tolist()
    # birthday on the reference date counts; one day later does not; no date → NA; born after → NA;
    # 29 February 2024 → 1 full year on 30 June 2025
    assert got == [45, 44, 4, pd.NA, pd.NA, 1]


def test_nik_century_follows_the_reference_year():
    """NIK 6474011503210003: born 15-03-(20)21. A 2025 round reads 2021; the 2018 constant read 1921."""
    assert nik.parse("6474011503210003", reference_year=C.tanggal_acuan("2025-06").year).birth_date \
        == dt.date(2021, 3, 15)
    assert nik.parse("6474011503210003", reference_year=C.tanggal_acuan("2018-05").year).birth_date \
        == dt.date(1921, 3, 15)
    assert nik.parse("6474011503210003").birth_date == dt.date(1921, 3, 15)     # default: as before (2018)
    # a 2-digit year in a date column: the same rule
    assert codes.parse_date("15.03.21", reference_year=2025) == dt.date(2021, 3, 15)
    assert codes.parse_date("15.03.21", reference_year=2018) == dt.date(1921, 3, 15)


def test_dtsen_members_get_umur_at_the_reference_date(dtsen):
    a = _by_name(dtsen)
    assert not (dtsen.temuan["aturan"].astype(str) == "TANGGAL_LAHIR_SETELAH_ACUAN").any()
    # DTSEN_ANGGOTA rows (header = row 1): 2 Hendra 1985-04-12, 3 Nurul 1988-08-10, 4 Rafa 2021-03-15,
    # 8 Darmo 1930-02-01 (NIK year 30 → 1930 in a 2025 round), 12 Yanti 1982-06-30 (birthday on the date)
    assert {r: int(a.loc[r, "umur"]) for r in (2, 3, 4, 8, 12)} == {2: 40, 3: 36, 4: 4, 8: 95, 12: 43}
    assert a["nik_status"].astype(str).eq("valid").all()          # every NIK of the kept rows reads
    meta = json.loads((dtsen.out_dir / "meta.json").read_text(encoding="utf-8"))
    assert (meta["tanggal_acuan"], meta["skema_desil"], meta["satuan"]) == ("2025-06-30", 10, "keluarga")


def test_same_dtsen_file_read_as_2018_gets_the_old_century(tmp_path):
    """The 2025 extract cleaned with periode 2018-05: the child born 2021 is read as not yet born (its NIK's
    year 21 is 1921 under the 2018 rule, its birth date lies after the reference date, so no umur), and
    every age is counted at 31 May 2018."""
    res = _clean(tmp_path, DTSEN, "2018-05")
    a = _by_name(res)
    assert pd.isna(a.loc[4, "umur"])                               # Rafa: 2021-03-15 is after 2018-05-31
    # … and said: a finding on Rafa's row and column, the date kept; no other row flagged
    late = res.temuan[res.temuan["aturan"].astype(str) == "TANGGAL_LAHIR_SETELAH_ACUAN"]
    assert late["baris"].astype(int).tolist() == [4] and set(late["kolom"].astype(str)) == {"tgllahir"}
    assert a.loc[4, "tanggal_lahir"] == pd.Timestamp("2021-03-15")
    assert {r: int(a.loc[r, "umur"]) for r in (2, 3, 8, 12)} == {2: 33, 3: 29, 8: 88, 12: 35}
    nik_rafa = "6474011503210003"
    assert nik.validate_series(pd.Series([nik_rafa]), reference_year=2018)["tanggal_lahir"].iloc[0] \
        == pd.Timestamp("1921-03-15")
    assert json.loads((res.out_dir / "meta.json").read_text(encoding="utf-8"))["tanggal_acuan"] == "2018-05-31"


def test_without_periode_nothing_changes(tmp_path):
    """No periode: century by 2018 and no derived age (the behaviour before rounds); tanggal_acuan null."""
    res = _clean(tmp_path, DTSEN, None)
    assert res.tables["anggota"]["umur"].isna().all()
    assert json.loads((res.out_dir / "meta.json").read_text(encoding="utf-8"))["tanggal_acuan"] is None


def test_cli_takes_periode(tmp_path):
    raw = _copy(DTSEN, tmp_path)
    out = tmp_path / "processed"
    assert C.main_clean(["--raw", str(raw), "--out", str(out), "--periode", "2025-06", "--no-pii-terms"]) == 0
    assert json.loads((out / "meta.json").read_text(encoding="utf-8"))["tanggal_acuan"] == "2025-06-30"
    assert C.main_clean(["--raw", str(raw), "--out", str(tmp_path / "x"), "--periode", "2025-13"]) == 2
    assert not (tmp_path / "x").exists()


# ------------------------------------------------------------------------------------ desil scheme
def test_desil_scheme_in_the_decoder():
    st = pd.Series(["11", "10", "5", "4", "", "0"])
    pc = pd.Series(["", "", "", "", "95", ""])
    ten = codes.desil_from(st, pc, skema=10)
    assert ten["desil"].tolist() == [pd.NA, 10, 5, 4, 10, pd.NA]        # percentile 95 → desil 10
    assert ten["kelompok_desil"].astype(str).tolist() == ["non-desil", "4+", "4+", "4", "4+", "non-desil"]
    assert ten["status_tidak_valid"].tolist() == [True, False, False, False, False, True]
    four = codes.desil_from(st, pc, skema=4)
    assert four["desil"].tolist() == [pd.NA, pd.NA, pd.NA, 4, pd.NA, pd.NA]
    assert four["kelompok_desil"].astype(str).tolist() == ["non-desil", "non-desil", "non-desil", "4", "4+",
                                                           "non-desil"]
    assert four["status_tidak_valid"].tolist() == [True, True, True, False, False, True]


def test_desil_above_four_kept_in_a_ten_scheme(dtsen):
    rt = dtsen.tables["rumah_tangga"].set_index("idbdt")
    # DTSEN_KELUARGA row 4 (desil_nasional 7; desil_provinsi 6 and desil_kabupaten_kota 8 are not used) and
    # row 5 (10): kept as desil, grouped 4+
    assert int(rt.loc["6474022007190003", "desil"]) == 7 and int(rt.loc["6474021212220004", "desil"]) == 10
    assert {str(rt.loc[k, "kelompok_desil"]) for k in ("6474022007190003", "6474021212220004")} == {"4+"}
    assert not (dtsen.temuan["aturan"].astype(str) == "DESIL_TIDAK_VALID").any()


def test_desil_11_in_a_ten_scheme_is_a_finding(tmp_path):
    raw = _copy(DTSEN, tmp_path)
    f = raw / "SINTETIS_DTSEN_KELUARGA_6474_2025.txt"
    text = f.read_text(encoding="utf-8")
    # row 5 (Agus): desil_nasional 10 → 11
    assert text.count('"Agus"|"10"|') == 1
    f.write_text(text.replace('"Agus"|"10"|', '"Agus"|"11"|'), encoding="utf-8")
    res = C.clean(raw, tmp_path / "out", verbose=False, pii_terms=False, check_provenance=False, periode="2025-06")
    bad = res.temuan[res.temuan["aturan"].astype(str) == "DESIL_TIDAK_VALID"]
    assert bad["baris"].tolist() == [5] and "bukan 1–10" in bad["pesan"].iloc[0]
    rt = res.tables["rumah_tangga"].set_index("idbdt")
    assert pd.isna(rt.loc["6474021212220004", "desil"])
    assert str(rt.loc["6474021212220004", "kelompok_desil"]) == "non-desil"


def test_dtks_desil_7_in_a_four_scheme_is_a_finding(dtks):
    bad = dtks.temuan[dtks.temuan["aturan"].astype(str) == "DESIL_TIDAK_VALID"]
    assert bad["baris"].tolist() == [7] and "bukan 1–4" in bad["pesan"].iloc[0]   # DTKS_RUTA row 7
    meta = json.loads((dtks.out_dir / "meta.json").read_text(encoding="utf-8"))
    assert (meta["tanggal_acuan"], meta["skema_desil"], meta["satuan"]) == ("2019-05-31", 4, "rumah_tangga")


@pytest.mark.parametrize("text, key, words", [
    ("versi: 1\nskema_desil: 7\n", "skema_desil", "harus 4 atau 10"),
    ("versi: 1\nskema_desil: '10'\n", "skema_desil", "harus 4 atau 10"),
    ("versi: 1\nskema_desil: true\n", "skema_desil", "harus 4 atau 10"),
    ("versi: 1\nsatuan: rumah\n", "satuan", "harus rumah_tangga atau keluarga"),
    ("versi: 1\nsatuan: [keluarga]\n", "satuan", "harus rumah_tangga atau keluarga"),
    ("versi: 1\nnama_data: ''\n", "nama_data", "harus teks pendek"),
    ("versi: 1\nnama_data: [DTKS]\n", "nama_data", "harus teks pendek"),
])
def test_bad_round_keys_name_the_file_and_key(tmp_path, text, key, words):
    raw = _copy(DTKS, tmp_path)
    (raw / "sumber.yml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        profiles.load(raw)
    assert e.value.file == "sumber.yml" and f"kunci `{key}`" in str(e.value) and words in str(e.value), str(e.value)
    out = tmp_path / "out"
    assert C.main_clean(["--raw", str(raw), "--out", str(out)]) == 2 and not out.exists()


def test_round_keys_that_contradict_a_used_profile_are_an_error(tmp_path):
    raw = _copy(DTSEN, tmp_path)
    (raw / "sumber.yml").write_text("versi: 1\nskema_desil: 4\npakai: [dtsen]\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        profiles.load(raw)
    assert e.value.file == "profiles/dtsen.yml" and "bertentangan" in str(e.value) and "sumber.yml" in str(e.value)


def test_round_keys_come_from_sumber_yml_or_the_profile(tmp_path):
    raw = _copy(DTSEN, tmp_path)
    p = profiles.load(raw)
    assert (p.skema_desil, p.satuan) == (10, "keluarga")
    assert (profiles.builtin().skema_desil, profiles.builtin().satuan) == (4, "rumah_tangga")


def test_target_desil_follows_the_scheme():
    assert T.parse_params({"target_desil": [1, 2, 3, 4, 5]}, skema_desil=10).target_label == "D1-D5"
    assert T.parse_params({"target_desil": [10]}, skema_desil=10).target_label == "D10"
    with pytest.raises(ParameterError, match="1–4") as e:
        T.parse_params({"target_desil": [1, 2, 3, 4, 5]}, skema_desil=4)
    assert "skema" in str(e.value)
    with pytest.raises(ParameterError, match="1–10"):
        T.parse_params({"target_desil": [0, 1]}, skema_desil=10)
    with pytest.raises(ParameterError, match="1–10"):
        T.parse_params({"target_desil": [1], "target_tambahan": [[11]]}, skema_desil=10)
    with pytest.raises(ParameterError):
        T.parse_params({"target_desil": []}, skema_desil=10)
    assert T.parse_params(None).skema_desil == 4                           # default: the 4-scheme


def test_step_02_reads_the_scheme_from_meta_json(dtsen, tmp_path):
    from kemiskinan import indicators
    assert T.skema_desil_of(dtsen.out_dir) == 10
    assert T.skema_desil_of(tmp_path) == 4                                  # no meta.json: rounds before issue 20
    tabel = indicators.compute_all(dtsen.out_dir, {"target_desil": [1, 2, 3, 4, 5, 6, 7]})
    kota = tabel["ringkasan"].set_index("kode_wilayah").loc["64.74"]
    # families with desil_nasional 1 (row 2), 3 (row 3), 7 (row 4) and 4 (row 7) — not 10 (row 5) nor empty
    assert str(kota["target"]) == "D1-D7" and int(kota["keluarga_miskin"]) == 4
    with pytest.raises(ParameterError, match="1–10"):
        indicators.compute_all(dtsen.out_dir, {"target_desil": [1, 11]})


# ------------------------------------------------------------------------------------ the family as unit
def test_dtsen_family_is_the_unit(dtsen):
    a = dtsen.tables["anggota"]
    fam = a[a["idbdt"].astype(str) == "6474011502200001"].sort_values("baris_sumber")
    # DTSEN_ANGGOTA rows 2–4 (Hendra, Nurul, Rafa) in file order: No. KK + 01, 02, 03
    assert fam["idartbdt"].astype(str).tolist() == ["647401150220000101", "647401150220000102",
                                                    "647401150220000103"]
    assert a["nuk"].astype(int).eq(1).all()
    assert a["hub_krt"].astype("Int64").tolist() == a["hubkel"].astype("Int64").tolist()
    assert fam["hub_krt"].astype(int).tolist() == [1, 2, 3]                 # Kepala Keluarga, Istri/Suami, Anak
    kel = dtsen.tables["keluarga"]
    assert (kel["idbdt"].astype(str) == kel["no_kk"].astype(str)).all() and kel["nuk"].astype(int).eq(1).all()
    assert kel.set_index("idbdt")["jumlah_art"].astype(int).to_dict() == {
        "6474010306210002": 2, "6474011111240006": 2, "6474011502200001": 3, "6474021212220004": 1,
        "6474022007190003": 2, "6474030101230005": 1}
    # the member whose No. KK no family row has (row 13, Tono): rejected with a reason saying so
    rej = dtsen.temuan[dtsen.temuan["tindakan"].astype(str) == "tolak"]
    assert rej["baris"].tolist() == [13] and rej["kolom"].astype(str).tolist() == ["no_kk"]
    assert rej["pesan"].iloc[0] == "No. KK anggota tidak ada di file keluarga"
    assert "6474019999990099" not in rej["nilai_tersamar"].iloc[0]          # masked, never the full No. KK


def test_dtsen_flags_and_region_codes(dtsen):
    rt = dtsen.tables["rumah_tangga"].set_index("idbdt")
    f1, f6 = rt.loc["6474011502200001"], rt.loc["6474011111240006"]
    # row 2: ada_kks 1, ada_pkh 1, ada_bpnt 1, ada_pbi 1, ada_kip 0
    assert [bool(f1[c]) for c in ("sta_kks", "sta_pkh", "sta_raskin", "sta_kis", "sta_kip")] == [True] * 4 + [False]
    # row 7: ada_kks `Y` (outside 1/0: blanked, flagged), ada_kip 1 → KIP (the PBDT pair 3/4 column)
    assert pd.isna(f6["sta_kks"]) and bool(f6["sta_kip"]) is True
    # Kemendagri 6474011003 → Lok Tuan of Bontang Utara (64.74.01); BPS 010 would have been Bontang Selatan
    assert (f1["kode_kelurahan"], f1["kode_kecamatan"]) == ("64.74.01.1003", "64.74.01")
    assert not dtsen.temuan["aturan"].astype(str).str.startswith("WILAYAH").any()


def test_dtks_words_and_ignored_person_columns(dtks):
    a = _by_name(dtks)
    # DTKS_ART rows 2–4: LAKI-LAKI, PEREMPUAN, LAKI-LAKI; HUB KRT words → 1, 2, 3
    assert a.loc[[2, 3, 4], "jenis_kelamin"].astype(str).tolist() == ["L", "P", "L"]
    assert a.loc[[2, 3, 4], "hub_krt"].astype(int).tolist() == [1, 2, 3]
    assert int(a.loc[4, "umur"]) == 9                          # RAHMAT 2010-01-05 at 2019-05-31 (TIDAK PADAN: kept)
    assert int(a.loc[8, "umur"]) == 31 and int(a.loc[9, "umur"]) == 28   # ANDI 1988-05-31, DEWI 1990-06-01
    for c in ("keterangan_padan", "bansos_bpnt", "bansos_pkh", "pbi_jkn", "pekerjaan"):
        assert c not in a.columns
    rt = dtks.tables["rumah_tangga"].set_index("idbdt")
    # DTKS_RUTA row 2: ADA_KKS YA, ADA_PKH YA, ADA_BPNT YA, ADA_PBI YA, ADA_KIP TIDAK
    assert [bool(rt.loc["647402000100001", c]) for c in ("sta_kks", "sta_pkh", "sta_raskin", "sta_kis", "sta_kip")] \
        == [True, True, True, True, False]
    assert pd.isna(rt.loc["647403000300005", "sta_kks"])          # row 6: `Y`


def test_the_unit_is_switched_by_the_profile_not_the_file_names(tmp_path):
    """The DTSEN files with the DTSEN profile's rules but without `satuan: keluarga`: the member file has no
    IDBDT, so it is refused naming the column — the unit never follows from file names."""
    raw = _copy(DTSEN, tmp_path)
    doc = yaml.safe_load((config.PROJ_ROOT / "profiles" / "dtsen.yml").read_text(encoding="utf-8"))
    del doc["satuan"]
    (raw / "sumber.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="kolom wajib tidak ada: idbdt") as e:
        load.read_inputs(raw)
    assert e.value.file == "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt"


def test_a_key_the_unit_derives_may_not_come_from_a_column_too(tmp_path):
    raw = _copy(DTSEN, tmp_path)
    doc = yaml.safe_load((config.PROJ_ROOT / "profiles" / "dtsen.yml").read_text(encoding="utf-8"))
    doc["file"][1]["kolom"]["nama"] = "idartbdt"
    (raw / "sumber.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="dibentuk dari No. KK") as e:
        load.read_inputs(raw)
    assert e.value.file == "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt" and e.value.column == "nama"


def test_periksa_knows_the_family_unit():
    lap = periksa.periksa(FOREIGN / DTSEN)
    assert lap.ok, lap.teks()
    assert "Putaran: desil 1–10; satuan keluarga (No. KK = ID rumah tangga dan anggota); data DTSEN — " \
        "profiles/dtsen.yml" in lap.teks()
    assert {t.file: t.jenis for t in lap.tabel} == {"SINTETIS_DTSEN_KELUARGA_6474_2025.txt": "ruta",
                                                    "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt": "art"}


# ------------------------------------------------------------------------------------ vintage labels
def test_vintage_names_the_round_not_pbdt_2015(dtks, dtsen):
    """meta.json `vintage` (the briefings' period labels): the profile's `nama_data` and the round; the
    extracts have no KKS list, MPM or population, so those carry no label."""
    assert dtks.meta["vintage"] == {"bdt": "DTKS 2019-05"}
    assert dtsen.meta["vintage"] == {"bdt": "DTSEN 2025-06"}


def test_vintage_of_a_dated_list_is_its_latest_year():
    dates = pd.Series(pd.to_datetime(["2018-11-02", "2019-03-15", None]))
    assert C._vintage_dated("distribusi KKS", dates, 2017, pd.Timestamp("2019-05-31")) == "distribusi KKS 2019"
    # a date after the reference date (a typing error) does not name the list's year
    late = pd.Series(pd.to_datetime(["2019-03-15", "2029-03-15"]))
    assert C._vintage_dated("distribusi KKS", late, 2017, pd.Timestamp("2019-05-31")) == "distribusi KKS 2019"
    none = pd.Series(pd.to_datetime([None, None]))
    assert C._vintage_dated("distribusi KKS", none, 2017, pd.Timestamp("2025-06-30")) == "distribusi KKS 2025"
    assert C._vintage_dated("distribusi KKS", none, 2017, None) == "distribusi KKS 2017"
    assert C._vintage_bdt(None, pd.Timestamp("2019-05-31")) == "PBDT 2015"
    assert C._vintage_bdt("DTKS", None) == "DTKS"


def test_family_or_member_without_a_no_kk_is_rejected_naming_the_no_kk(tmp_path):
    """Under `satuan: keluarga` the No. KK is the key: a family row without one (DTSEN_KELUARGA row 6, Lina)
    and a member without one (DTSEN_ANGGOTA row 6, Indah) are rejected with reasons that say so; Lina's own
    member row (10) then has no family (ART_TANPA_RUTA), as Tono's (13) has. Nothing is lost."""
    raw = _copy(DTSEN, tmp_path)
    fk = raw / "SINTETIS_DTSEN_KELUARGA_6474_2025.txt"
    text = fk.read_text(encoding="utf-8")
    assert text.count('"6474030101230005"') == 1
    fk.write_text(text.replace('"6474030101230005"', '""'), encoding="utf-8")
    fa = raw / "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt"
    text = fa.read_text(encoding="utf-8")
    assert text.count('"6474016911000005"|"6474010306210002"') == 1
    fa.write_text(text.replace('"6474016911000005"|"6474010306210002"', '"6474016911000005"|""'), encoding="utf-8")
    res = C.clean(raw, tmp_path / "out", verbose=False, pii_terms=False, check_provenance=False, periode="2025-06")
    rej = res.temuan[res.temuan["tindakan"].astype(str) == "tolak"].sort_values(["file", "baris"])
    got = list(zip(rej["file"].astype(str), rej["baris"].astype(int), rej["aturan"].astype(str),
                   rej["kolom"].astype(str)))
    assert got == [("SINTETIS_DTSEN_ANGGOTA_6474_2025.txt", 6, "IDARTBDT_TIDAK_VALID", "no_kk"),
                   ("SINTETIS_DTSEN_ANGGOTA_6474_2025.txt", 10, "ART_TANPA_RUTA", "no_kk"),
                   ("SINTETIS_DTSEN_ANGGOTA_6474_2025.txt", 13, "ART_TANPA_RUTA", "no_kk"),
                   ("SINTETIS_DTSEN_KELUARGA_6474_2025.txt", 6, "IDBDT_TIDAK_VALID", "no_kk")]
    pesan = dict(zip(rej["aturan"].astype(str), rej["pesan"].astype(str)))
    assert pesan["IDBDT_TIDAK_VALID"].startswith("No. KK keluarga kosong")
    assert pesan["IDARTBDT_TIDAK_VALID"].startswith("No. KK anggota kosong")
    rek = {r.file: (r.dibaca, r.disimpan, r.ditolak, r.digabung) for r in res.rekonsiliasi.itertuples()}
    assert rek == {"SINTETIS_DTSEN_KELUARGA_6474_2025.txt": (6, 5, 1, 0),
                   "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt": (12, 9, 3, 0)}
    kel = res.tables["keluarga"].set_index("idbdt")["jumlah_art"].astype(int)
    assert len(kel) == 5 and kel["6474010306210002"] == 1              # Wahyu's family: Indah is gone
