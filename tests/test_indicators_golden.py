"""Golden tables: the whole chain sample → clean → indicators, compared with tests/golden/*.csv.

Tolerances are explicit: counts (integer columns) must match exactly, shares and other floats within
an absolute 1e-9, text exactly. RT rows are not stored (thousands of rows that only repeat the
kelurahan logic); they are checked structurally instead. After an intended change, re-record with
    KEMISKINAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_indicators_golden.py
and review the CSV diff before committing.
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from kemiskinan import catalog
from kemiskinan.indicators import compute_all, schemas

GOLDEN = __import__("pathlib").Path(__file__).parent / "golden"
FLOAT_ABS = 1e-9
TABLES = list(catalog.names("indicators"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_tables(tmp_path_factory):
    try:
        from kemiskinan.clean.step import clean
        from kemiskinan.synthetic.sample import generate
    except ImportError as e:  # the only reason to skip: the other halves of the chain are not there
        pytest.skip(f"kemiskinan.synthetic.sample / kemiskinan.clean.step belum tersedia: {e}")
    base = tmp_path_factory.mktemp("chain")
    generate(base / "raw")   # seed 2018, the calibrated Bontang sample (contracts §1.7)
    clean(base / "raw", base / "processed", verbose=False, check_provenance=False)
    return compute_all(base / "processed", {})


def test_kks_calibration(sample_tables):
    """contracts §1.7: 5,527 keluarga in desil 1–4, 4,429 with KKS (80.1 %), 1,098 without."""
    r = sample_tables["ringkasan"].set_index("kode_wilayah").loc["64.74"]
    assert (r.keluarga_miskin, r.keluarga_kks, r.keluarga_tanpa_kks) == (5527, 4429, 1098)
    assert r.cakupan_kks == pytest.approx(4429 / 5527, abs=1e-12)
    assert round(100 * r.cakupan_kks, 1) == 80.1
    c = sample_tables["cakupan"]
    k = c[(c.kode_wilayah == "64.74") & (c.program == "KKS") & (c.target == "D1-D4")].iloc[0]
    assert (k.n_target, k.n_target_menerima, k.n_tidak_menerima) == (5527, 4429, 1098)
    b = sample_tables["biaya"]
    assert b[(b.kode_wilayah == "64.74") & (b.program == "KKS")].iloc[0].n_keluarga_dikecualikan == 1098


def test_sample_tables_pass_their_schemas(sample_tables):
    assert list(sample_tables) == TABLES
    schemas.check(sample_tables)


def test_sample_structure(sample_tables):
    t = sample_tables
    # the three largest kelurahan by keluarga miskin (docs/domain.md §5.5: Lok Tuan, then Berbas Tengah, Tanjung Laut)
    kel = t["ringkasan"][t["ringkasan"].tingkat == "kelurahan"].sort_values("keluarga_miskin", ascending=False)
    assert kel["nama"].iloc[0] == "Lok Tuan"
    # suppressed cells are missing, never 0; nothing above RT is suppressed except sensitive profil rows
    for name in ("sebaran", "cakupan", "profil"):
        df = t[name]
        assert df["ditekan"].any(), name
        assert not df.loc[(df.tingkat != "rt") & df.ditekan].drop(columns=[], errors="ignore").pipe(
            lambda d: d[~d.get("sensitif", pd.Series(False, index=d.index))]).shape[0], name
    s = t["sebaran"]
    assert s.loc[s.ditekan, "jumlah"].isna().all()
    # every RT row belongs to a known kelurahan and RT counts never exceed the kelurahan's
    rt = s[(s.tingkat == "rt") & s.jumlah.notna()].copy()
    rt["kel"] = rt.kode_wilayah.str.rpartition(".")[0]
    kel_tot = s[s.tingkat == "kelurahan"].set_index(["kode_wilayah", "satuan", "kelompok_desil"])["jumlah"]
    agg = rt.groupby(["kel", "satuan", "kelompok_desil"])["jumlah"].sum()
    agg.index = agg.index.set_names(["kode_wilayah", "satuan", "kelompok_desil"])
    assert (agg <= kel_tot.reindex(agg.index)).all()


def _golden_frame(name: str, df: pd.DataFrame) -> pd.DataFrame:
    if "tingkat" in df:
        df = df[df["tingkat"] != "rt"]
    return df.reset_index(drop=True)


def _compare(name: str, got: pd.DataFrame, want: pd.DataFrame) -> list[str]:
    errs = []
    if list(got.columns) != list(want.columns):
        return [f"{name}: columns {list(got.columns)} != golden {list(want.columns)}"]
    if len(got) != len(want):
        return [f"{name}: {len(got)} rows != golden {len(want)}"]
    for c in got.columns:
        g, w = got[c], want[c]
        if pd.api.types.is_bool_dtype(g.dtype):
            g = g.astype("string").str.lower()
            w = w.astype("string").str.lower()
        if pd.api.types.is_numeric_dtype(g.dtype) and not pd.api.types.is_bool_dtype(g.dtype):
            gn = pd.to_numeric(g, errors="coerce").astype("float64").to_numpy()
            wn = pd.to_numeric(w, errors="coerce").astype("float64").to_numpy()
            na = np.isnan(gn) != np.isnan(wn)
            integer = pd.api.types.is_integer_dtype(g.dtype)
            tol = 0.0 if integer else FLOAT_ABS
            diff = ~na & ~np.isnan(gn) & (np.abs(gn - wn) > tol)
            bad = na | diff
        else:
            gs = g.astype("string").fillna("<NA>").to_numpy()
            ws = w.astype("string").fillna("<NA>").to_numpy()
            if pd.api.types.is_datetime64_any_dtype(g.dtype):
                gs = pd.to_datetime(g).astype("string").fillna("<NA>").to_numpy()
                ws = pd.to_datetime(w, errors="coerce").astype("string").fillna("<NA>").to_numpy()
            bad = gs != ws
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            errs.append(f"{name}.{c}: {int(bad.sum())} cells differ, first row {i}: got {g.iloc[i]!r}, "
                        f"golden {w.iloc[i]!r} (key {got.iloc[i, :4].tolist()})")
    return errs


@pytest.mark.parametrize("name", TABLES)
def test_golden(sample_tables, name):
    got = _golden_frame(name, sample_tables[name])
    path = GOLDEN / f"indikator_{name}.csv"
    if os.environ.get("KEMISKINAN_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        got.to_csv(path, index=False, lineterminator="\n")
    assert path.exists(), f"{path} missing — record it with KEMISKINAN_UPDATE_GOLDEN=1 (see module docstring)"
    want = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    errs = _compare(name, got, want)
    assert not errs, "\n".join(errs[:20])
