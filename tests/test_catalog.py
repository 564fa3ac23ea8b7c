"""The catalog names every dataset once, and every table it names has its schema where it says."""
import importlib

from kemiskinan import catalog
from kemiskinan.clean import step as clean_step
from kemiskinan.indicators import io, tables

import tabel_kecil


def test_every_catalog_table_has_its_schema():
    for d in catalog.DATASETS:
        if d.schema is None:
            continue
        module, name = d.schema.split(":")
        specs = importlib.import_module(f"kemiskinan.{module}")
        held = specs.SPECS if module == "clean.schemas" else specs.SCHEMAS
        assert name in held, f"{d.key}: no schema {d.schema}"
    # and nothing has a schema that the catalog does not name
    from kemiskinan.clean import schemas as cs
    from kemiskinan.indicators import schemas as ins
    assert set(cs.SPECS) == set(catalog.names("clean"))
    assert set(ins.SCHEMAS) == set(catalog.names("indicators")) | set(catalog.names("banding"))


def test_steps_write_what_the_catalog_names():
    assert tuple(clean_step.OUTPUT_TABLES) == catalog.names("clean")
    assert set(t.name for t in tables.REGISTRY) == set(catalog.names("indicators"))   # registry order = dependency order
    assert set(io.TABLES) == set(catalog.names("indicators")) | set(catalog.names("banding"))
    computed = tabel_kecil.indicator_tables()
    assert set(computed) == set(catalog.names("indicators"))


def test_paths_and_keys():
    assert catalog.path("mpm", "/p").as_posix() == "/p/mpm.parquet"
    assert catalog.path("indikator/mpm", "/p").as_posix() == "/p/indikator/mpm.parquet"
    assert len({d.key for d in catalog.DATASETS}) == len(catalog.DATASETS)
