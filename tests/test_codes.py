"""Code lists, yes/no per column, desil/percentile and Indonesian dates."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kemiskinan.domain import codes


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
    """The status words now live in the built-in source profile (kemiskinan/ingest/profiles/bawaan.yml)."""
    from kemiskinan.ingest import profiles
    vocab = profiles.builtin().spec("x.csv").vocab["status_kartu"]
    mapped, _, _ = profiles.apply_vocab(pd.Series(["TERSALUR", "Belum  Tersalur", "dikembalikan", "HILANG", ""]),
                                        vocab)
    v, bad = profiles.decode_status(mapped)
    assert v.astype(str).tolist()[:3] == ["tersalur", "belum_tersalur", "dikembalikan"]
    assert bad.tolist() == [False, False, False, True, False]


# --- integer short-cuts for ID columns: each must agree with the text path it replaces -------------------
def _random_ids(rng, n, length, pool):
    """`n` IDs of `length` digits (leading zeros included) drawn from `pool` distinct values (the same
    pool for every call with the same `pool` and `length`, so two draws overlap)."""
    import numpy as np
    ids = np.random.default_rng(pool + length).integers(0, 10 ** length, pool, dtype=np.int64)
    return [str(v).zfill(length) for v in rng.choice(ids, n)]


@pytest.mark.parametrize("length", [1, 15, 16, 18])
def test_digit_ints_equal_text_iff_equal_int(length):
    import numpy as np
    rng = np.random.default_rng(length)
    a = _random_ids(rng, 3000, length, 500)
    b = _random_ids(rng, 800, length, 500)
    ia, ib = codes.digit_ints(pd.Series(a, dtype="str"), pd.Series(b, dtype="str"))
    assert ia.dtype == np.int64 and len(ia) == 3000 and len(ib) == 800
    for i in rng.integers(0, 800, 200):
        for j in rng.integers(0, 3000, 20):
            assert (ib[i] == ia[j]) == (b[i] == a[j])


@pytest.mark.parametrize("values", [
    ["012", "12"],                 # different lengths: "012" and "12" would be the same integer
    ["123", "12a"], ["123", " 12"], ["١٢٣", "123"],   # not ASCII digits (incl. Arabic-Indic)
    ["1234567890123456789"] * 2,  # 19 digits: past int64
    ["123", None], ["", ""],
])
def test_digit_ints_declines_what_is_not_one_length_ascii_digits(values):
    assert codes.digit_ints(pd.Series(values, dtype="str")) is None


def test_digit_ints_requires_one_length_across_columns():
    assert codes.digit_ints(pd.Series(["123"], dtype="str"), pd.Series(["0123"], dtype="str")) is None
    assert codes.digit_ints(pd.Series(["123"], dtype="str"), pd.Series([], dtype="str"))[0].tolist() == [123]
    assert codes.digit_ints(pd.Series(["1", "2"], dtype=object)) is None   # not arrow text: the caller's text path


def test_repeated_marks_every_occurrence_of_a_repeated_value():
    import numpy as np
    rng = np.random.default_rng(3)
    for n, pool in [(0, 1), (1, 1), (1000, 50), (1000, 10 ** 9)]:
        v = rng.integers(0, pool, n)
        expect = pd.Series(v).duplicated(keep=False).to_numpy() if n else np.zeros(0, dtype=bool)
        assert (codes.repeated(v) == expect).all()


@pytest.mark.parametrize("case", ["ids", "ids_with_na", "mixed_lengths", "text"])
def test_isin_text_matches_pandas_isin(case):
    import numpy as np
    rng = np.random.default_rng(7)
    a = _random_ids(rng, 5000, 15, 3000)
    b = _random_ids(rng, 2000, 15, 3000)
    if case == "ids_with_na":
        a[::7] = [None] * len(a[::7])
        b[5] = None          # NA in the values: NA rows match (as `Series.isin`)
    elif case == "mixed_lengths":
        b = [v[1:] for v in b[:1000]] + b[1000:]
    elif case == "text":
        a = [v + "x" if i % 3 else v for i, v in enumerate(a)]
    s, vals = pd.Series(a, dtype="str"), pd.Series(b, dtype="str")
    got = codes.isin_text(s, vals)
    assert (got == s.astype(object).isin(vals.astype(object)).to_numpy()).all()
    assert got.any() and not got.all()


@pytest.mark.parametrize("case", ["ids", "ids_with_na", "text", "object", "repeated_ref"])
def test_positions_is_the_map_indexer(case):
    import numpy as np
    rng = np.random.default_rng(5)
    ref = list(dict.fromkeys(_random_ids(rng, 3000, 15, 3000)))
    keys = _random_ids(rng, 5000, 15, 3000)
    if case == "ids_with_na":
        keys[::9] = [None] * len(keys[::9])
    elif case == "text":
        ref = [v + "x" for v in ref]
        keys = [v + "x" if i % 4 else v for i, v in enumerate(keys)]
    elif case == "repeated_ref":
        ref = ref + ref[:10]                    # the first occurrence counts (integer path declined)
    dtype = object if case == "object" else "str"
    k, r = pd.Series(keys, dtype=dtype), pd.Series(ref, dtype=dtype)
    first = {v: i for i, v in reversed(list(enumerate(ref)))}
    expect = np.array([first.get(v, -1) if v is not None else -1 for v in keys], dtype=np.int64)
    for ref_as in (r, pd.Index(r)):
        got = codes.positions(k, ref_as)
        assert got.dtype == np.int64 and (got == expect).all()
    assert (expect >= 0).any() and (expect < 0).any()


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int64"])
def test_schema_code_list_lookup_is_numpys_isin(dtype):
    import numpy as np
    from kemiskinan.clean import schemas
    info = np.iinfo(dtype)
    rng = np.random.default_rng(2)
    values = rng.integers(max(info.min, -300), min(info.max, 300) + 1, 5000).astype(dtype)
    for allowed in ([1, 2, 3, 4, 5], [0, 9, 10, 11, 12], [-1, 127, 128, 255, 256, -129], [7]):
        got = schemas._in_code_list(values, allowed)
        assert (got == np.isin(values.astype(np.int64), allowed)).all()
