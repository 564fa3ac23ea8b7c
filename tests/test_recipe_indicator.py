"""docs/architecture.md, "How to add an indicator", followed end to end on a throw-away table `rata_art`
(persons per ruta by wilayah): its function, its registry entry, its catalog line, its schema and its
metadata are added at the documented extension points (monkeypatched here instead of edited in the files);
then the real `compute_all` computes it from the micro clean tables, `io.write_all` writes it after holding
it to its schema, and the generated docs/indicators.md text describes it. Leaving out a step fails loudly."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from kemiskinan import catalog
from kemiskinan.errors import CheckError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators import _meta, io, schemas, tables
from kemiskinan.indicators.params import Params
from kemiskinan.indicators.prepare import Prepared
from kemiskinan.indicators.schemas import TEXT, Schema
from kemiskinan.indicators.tables import Table
from test_indicators import BU, KOTA, LT, micro_clean

NAME = "rata_art"


# step 1: the function (reads only clean columns already in prepare.CLEAN_COLUMNS: rumah_tangga.jumlah_art)
def rata_art(d: Prepared, p: Params) -> pd.DataFrame:
    u = d.ruta[["kode_kelurahan"]].assign(n_rumah_tangga=1,
                                          jiwa=B.num(d.ruta["jumlah_art"]).fillna(0).astype("int64"))
    t = B.sum_by_wilayah(u, ["n_rumah_tangga", "jiwa"], levels=B.LEVELS_NO_RT)
    t["rata_rata_art"] = B.ratio(t["jiwa"], t["n_rumah_tangga"])
    t["nama"] = B.names_for(t["kode_wilayah"])
    t["ditekan"] = False
    return B.sort_table(t[["kode_wilayah", "tingkat", "nama", "n_rumah_tangga", "jiwa", "rata_rata_art", "ditekan"]],
                        [])


# step 2: its registry entry (check on true numbers, suppression for publishing)
ENTRY = Table(NAME, lambda d, p, done: rata_art(d, p),
              lambda df, done, p: B.check_hierarchy(df, ["n_rumah_tangga", "jiwa"], (), NAME),
              lambda df, k: B.suppress(df, ["n_rumah_tangga", "jiwa"], k, applies=df["tingkat"] == "kelurahan",
                                       derived_cols=["rata_rata_art"]))
# step 4: its schema
SCHEMA = Schema({"kode_wilayah": TEXT, "tingkat": TEXT, "nama": TEXT, "n_rumah_tangga": "Int64", "jiwa": "Int64",
                 "rata_rata_art": "Float64", "ditekan": "bool"}, {"tingkat": B.LEVELS_NO_RT})
# step 5: its metadata
META = {"id": "rata_rata_art", "tabel": NAME, "kolom": "rata_rata_art", "judul": "Rata-rata anggota rumah tangga",
        "title_en": "Average household size", "satuan": "jiwa", "penyebut": "rumah tangga BDT",
        "rumus": "jiwa / n_rumah_tangga", "definisi": "Jumlah anggota rumah tangga dibagi jumlah rumah tangga.",
        "catatan": ["Indikator percobaan untuk resep."], "sumber": "BDT 2015"}


@pytest.fixture
def meta_with_entry(tmp_path, monkeypatch):
    data = yaml.safe_load(_meta.META_FILE.read_text(encoding="utf-8"))
    data["indikator"].append(META)
    path = tmp_path / "indicators_meta.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(_meta, "META_FILE", path)
    _meta._load.cache_clear()
    yield
    _meta._load.cache_clear()     # the real file again for every later test


@pytest.fixture
def recipe(monkeypatch, meta_with_entry):
    monkeypatch.setattr(tables, "REGISTRY", (*tables.REGISTRY, ENTRY))                                   # step 2
    monkeypatch.setattr(catalog, "DATASETS", (*catalog.DATASETS, catalog._ind(NAME, "indicators", "uji")))  # step 3
    monkeypatch.setitem(schemas.SCHEMAS, NAME, SCHEMA)                                                  # step 4


def test_the_recipe_end_to_end(recipe, tmp_path):
    t = tables.compute_all(micro_clean(), {})
    assert list(t) == [*io.INDICATOR_TABLES, NAME]               # published in catalog order
    got = t[NAME].set_index("kode_wilayah")
    ruta = micro_clean()["rumah_tangga"]                          # the expected values, straight from the clean table
    assert got.loc[KOTA, "rata_rata_art"] == pytest.approx(ruta["jumlah_art"].sum() / len(ruta))
    bu = ruta[ruta["kode_kecamatan"] == BU]
    assert (got.loc[BU, "n_rumah_tangga"], got.loc[BU, "jiwa"]) == (len(bu), bu["jumlah_art"].sum()) == (3, 6)
    # Lok Tuan has 3 ruta: under the threshold of 5, so its kelurahan row is suppressed by the entry's rule
    assert pd.isna(got.loc[LT, "n_rumah_tangga"]) and pd.isna(got.loc[LT, "rata_rata_art"]) and got.loc[LT, "ditekan"]
    assert set(got["tingkat"]) == set(B.LEVELS_NO_RT)

    out = tmp_path / "indikator"
    io.write_all(t, out)                                          # held to its schema, then written
    back = io.load_all(out)
    pd.testing.assert_frame_equal(back[NAME], t[NAME])

    docs = _meta.render_indicator_docs()                          # step 5: docs/indicators.md as generated
    assert f"## Table `{NAME}`" in docs and "### rata_rata_art" in docs and "Average household size" in docs


def test_a_table_missing_from_the_catalog_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "REGISTRY", (*tables.REGISTRY, ENTRY))
    with pytest.raises(RuntimeError, match=NAME):
        tables.compute_all(micro_clean(), {})


def test_a_table_without_its_schema_is_not_written(recipe, monkeypatch, tmp_path):
    monkeypatch.delitem(schemas.SCHEMAS, NAME)
    t = tables.compute_all(micro_clean(), {})
    with pytest.raises(CheckError, match=f"^{NAME}: tidak ada skema"):
        io.write_all(t, tmp_path / "indikator")
    assert not (tmp_path / "indikator").exists()


def test_a_table_off_its_schema_is_not_written(recipe, monkeypatch, tmp_path):
    monkeypatch.setitem(schemas.SCHEMAS, NAME, Schema({**SCHEMA.columns, "jiwa": "int64"}, SCHEMA.values))
    t = tables.compute_all(micro_clean(), {})
    with pytest.raises(CheckError, match=f"^{NAME}: kolom.*'jiwa'"):
        io.write_all(t, tmp_path / "indikator")
