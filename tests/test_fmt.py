"""Indonesian number/date formatting: the separators a Lurah expects, and no silent zeros."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kemiskinan.briefing import fmt


def test_angka_id_and_en():
    assert fmt.angka(5527) == "5.527"
    assert fmt.angka(5527, "en") == "5,527"
    assert fmt.angka(1234567.891, desimal=1) == "1.234.567,9"
    assert fmt.angka(0) == "0"  # a real zero stays a zero
    assert fmt.angka(12, tanda=True) == "+12" and fmt.angka(-3, tanda=True) == "-3"
    assert fmt.angka(np.int64(4429)) == "4.429"


def test_persen_one_decimal_space_before_percent():
    assert fmt.persen(0.8013) == "80,1 %"
    assert fmt.persen(0.8013, "en") == "80.1 %"
    assert fmt.persen(5.06, desimal=2, rasio=False) == "5,06 %"
    assert fmt.persen(1) == "100,0 %"


def test_rupiah_compact_and_plain():
    assert fmt.rupiah(1.2e9) == "Rp\u00a01,2 miliar"
    assert fmt.rupiah(110_000) == "Rp\u00a0110.000"
    assert fmt.rupiah(1.2e9, "en") == "Rp\u00a01.2 billion"
    assert fmt.rupiah(270_600_000) == "Rp\u00a0270,6 juta"
    assert fmt.rupiah(3.5e12) == "Rp\u00a03,5 triliun"


def test_tanggal():
    assert fmt.tanggal(dt.date(2018, 5, 31)) == "31 Mei 2018"
    assert fmt.tanggal(dt.date(2018, 5, 31), "en") == "31 May 2018"
    assert fmt.tanggal(pd.Timestamp("2018-01-15 10:00")) == "15 Januari 2018"
    assert fmt.tanggal("2018-08-17") == "17 Agustus 2018"
    assert fmt.tanggal(dt.date(2018, 5, 31), bentuk="bulan") == "Mei 2018"


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, pd.NA, pd.NaT, np.float64("nan")])
def test_missing_is_dash_never_zero(missing):
    for lang in ("id", "en"):
        assert fmt.angka(missing, lang) == fmt.NA
        assert fmt.persen(missing, lang) == fmt.NA
        assert fmt.rupiah(missing, lang) == fmt.NA
    assert fmt.tanggal(missing) == fmt.NA


def test_suppressed_has_marker_and_footnote():
    assert fmt.angka(None, ditekan=True) == "–*"
    assert fmt.angka(7, ditekan=True) == "–*"  # a suppressed cell never leaks its value
    assert fmt.persen(np.nan, ditekan=True) == "–*"
    assert "ditekan" in fmt.catatan_ditekan("id") and "suppressed" in fmt.catatan_ditekan("en")
    assert "kurang dari 5" in fmt.catatan_ditekan("id", ambang=5)


def test_unknown_language_rejected():
    with pytest.raises(ValueError):
        fmt.angka(1, "fr")


def test_i18n_complete_and_strict():
    from kemiskinan import i18n

    for key, entry in i18n.STRINGS.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(v.strip() for v in entry.values()), key
    assert i18n.t("banner_sintetis") == "DATA SINTETIS — bukan data asli; angka hanya untuk uji coba sistem"
    assert i18n.t("bagian_cakupan") == "Cakupan program dan ketepatan sasaran"
    assert i18n.t("untuk_lurah", "en", nama="Lok Tuan") == "for the Head of Kelurahan Lok Tuan"
    with pytest.raises(KeyError):
        i18n.t("tidak_ada_kunci_ini")
