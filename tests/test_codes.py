"""Code lists, yes/no per column, desil/percentile and Indonesian dates."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kemiskinan import codes


def test_yes_no_is_per_column():
    s = pd.Series(["1", "2", "3", "4", "", " 1 ", "1.0"])
    gas, bad, pair = codes.decode_yes_no(s, "ada_tabung_gas")       # 1/2 column
    assert pair == (1, 2)
    assert gas.tolist() == [True, False, pd.NA, pd.NA, pd.NA, True, True]
    assert bad.tolist() == [False, False, True, True, False, False, False]
    tv, bad, pair = codes.decode_yes_no(s, "ada_tv")                 # 3/4 column
    assert pair == (3, 4)
    assert tv.tolist() == [pd.NA, pd.NA, True, False, pd.NA, pd.NA, pd.NA]


def test_yes_no_observed_other_layout():
    tv, bad, pair = codes.decode_yes_no(pd.Series(["1", "2", "1"]), "ada_tv")
    assert pair == (1, 2) and tv.tolist() == [True, False, True] and not bad.any()


def test_every_blok_v_column_has_a_pair():
    assert codes.YES_NO["ada_lemari_es"] == (3, 4) and codes.YES_NO["sta_kks"] == (1, 2)
    assert codes.YES_NO["sta_kip"] == (3, 4) and codes.YES_NO["rumah_lain"] == (3, 4)


def test_codes_outside_list_are_blanked():
    v, bad = codes.decode_codes(pd.Series(["2", "11", "x", "", "10"]), "lantai")
    assert v.tolist() == [2, pd.NA, pd.NA, pd.NA, 10]
    assert bad.tolist() == [False, True, True, False, False]


def test_desil_and_percentile():
    d = codes.desil_from(pd.Series(["1", "", "", "", "4", "7", "2"]),
                         pd.Series(["", "10", "11", "41", "", "", "35"]))
    assert d["desil"].tolist() == [1, 1, 2, pd.NA, 4, pd.NA, 2]
    assert d["kelompok_desil"].astype(str).tolist() == ["1", "1", "2", "4+", "4", "non-desil", "2"]
    assert d["status_tidak_valid"].tolist() == [False] * 5 + [True, False]
    assert d["desil_percentile_beda"].tolist() == [False] * 6 + [True]


@pytest.mark.parametrize("text, expected", [
    ("15/01/2018", dt.date(2018, 1, 15)),
    ("15-01-2018", dt.date(2018, 1, 15)),
    ("15.01.18", dt.date(2018, 1, 15)),
    ("2018-01-15", dt.date(2018, 1, 15)),
    ("2018-01-15 00:00:00", dt.date(2018, 1, 15)),
    ("15 Januari 2018", dt.date(2018, 1, 15)),
    ("15 januari 2018", dt.date(2018, 1, 15)),
    ("15-Jan-2018", dt.date(2018, 1, 15)),
    ("12 Agustus 1980", dt.date(1980, 8, 12)),
    ("12 Agt 1980", dt.date(1980, 8, 12)),
    ("1 Mei 2018", dt.date(2018, 5, 1)),
    ("3 Des 2017", dt.date(2017, 12, 3)),
    ("3 Okt 2017", dt.date(2017, 10, 3)),
    ("3 Nopember 2017", dt.date(2017, 11, 3)),
    ("43115", dt.date(2018, 1, 15)),          # Excel serial
    ("43115.0", dt.date(2018, 1, 15)),
    ("29/02/2016", dt.date(2016, 2, 29)),
    ("29/02/2017", None),
    ("15/13/2018", None),                    # month 13
    ("00/01/2018", None),                    # day 00
    ("15 Smarch 2018", None),
    ("", None),
])
def test_dates(text, expected):
    assert codes.parse_date(text) == expected


def test_parse_dates_vectorised():
    v, bad = codes.parse_dates(pd.Series(["15/01/2018", "x", "", "15 Januari 2018"]))
    assert v.dt.date.tolist()[0] == dt.date(2018, 1, 15)
    assert pd.isna(v.iloc[1]) and pd.isna(v.iloc[2])
    assert bad.tolist() == [False, True, False, False]


def test_status_kartu():
    v, bad = codes.status_kartu(pd.Series(["TERSALUR", "Belum  Tersalur", "dikembalikan", "HILANG", ""]))
    assert v.astype(str).tolist()[:3] == ["tersalur", "belum_tersalur", "dikembalikan"]
    assert bad.tolist() == [False, False, False, True, False]
