"""Province scale (bench/README.md, "province scale"): clean + indicators for the 10 kab/kota of Kalimantan
Timur on a small generated sample. Each kab/kota's indicators must come from exactly its own rows."""
from __future__ import annotations

import importlib.util
import sys

import pandas as pd
import pytest

from kemiskinan import config
from kemiskinan.clean.step import clean
from kemiskinan.indicators import compute_all, compute_by_kabkota
from kemiskinan.synthetic.sample import generate
from kemiskinan.domain.wilayah import Wilayah


def _bench_clean():
    spec = importlib.util.spec_from_file_location("bench_clean", config.PROJ_ROOT / "bench" / "clean.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_clean", mod)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    d = tmp_path_factory.mktemp("kaltim")
    generate(d / "raw", seed=7, households=1500, kabkota="kaltim")
    ref = _bench_clean().kaltim_wilayah()
    ref_csv = d / "wilayah.csv"
    ref.to_csv(ref_csv, index=False)
    r = clean(d / "raw", d / "out", verbose=False, check_provenance=False, wilayah=str(ref_csv))
    return r.tables, ref


def _old_subset(tables: dict, kode: str) -> dict:
    """The per-kab/kota rows as the first version selected them, one boolean mask per table (reference)."""
    ruta = tables["rumah_tangga"]
    in_kota = (ruta["kode_kelurahan"].astype("str").str.slice(0, 5) == kode).to_numpy()
    ids = ruta.loc[in_kota, "idbdt"]

    def by_kel(df):
        return df[(df["kode_kelurahan"].astype("str").str.slice(0, 5) == kode).fillna(False).to_numpy(bool)]

    kks = tables["kks"]
    return {"rumah_tangga": ruta[in_kota], "anggota": tables["anggota"][tables["anggota"]["idbdt"].isin(ids).to_numpy(dtype=bool)],
            "keluarga": by_kel(tables["keluarga"]),
            "kks": kks[(kks["idbdt"].isin(ids) | (kks["idbdt"].isna()
                        & (kks["kode_kelurahan"].astype("str").str.slice(0, 5) == kode))).fillna(False).to_numpy(bool)],
            "mpm": by_kel(tables["mpm"]), "mpm_laporan": by_kel(tables["mpm_laporan"]),
            "penduduk": by_kel(tables["penduduk"])}


def test_every_kabkota_gets_indicators_from_exactly_its_own_rows(province):
    tables, ref = province
    out = compute_by_kabkota(tables, {}, ref)
    kotas = ref.loc[ref["tingkat"] == "kota", "kode_kemendagri"].tolist()
    assert list(out) == kotas and len(kotas) == 10   # in reference order, although computed largest first
    import multiprocessing
    assert not multiprocessing.active_children()      # the worker pool was shut down and waited for
    # nothing lost, nothing counted twice: the kota rows add up to the whole clean household table
    total = sum(int(t["ringkasan"].loc[t["ringkasan"]["tingkat"] == "kota", "rumah_tangga_bdt"].sum())
                for t in out.values())
    assert total == len(tables["rumah_tangga"])
    # each kab/kota equals compute_all on the rows the reference masks select (two kab/kota: time)
    ws = [Wilayah(r.kode_kemendagri, r.kode_bps, r.nama, r.tingkat, r.induk, ())
          for r in ref.fillna("").astype(str).itertuples(index=False)]
    for kode in ("64.74", kotas[0]):
        own = tuple(w for w in ws if w.kode == kode or w.kode.startswith(kode + "."))
        expected = compute_all(_old_subset(tables, kode), {}, wilayah=own)
        for name, df in expected.items():
            pd.testing.assert_frame_equal(out[kode][name], df, check_exact=True, obj=f"{kode} {name}")


def test_a_failing_check_in_one_kabkota_reaches_the_caller_with_its_rows(province):
    """The kab/kota run two at a time in worker processes: a CheckError of one of them must come back to
    the caller as the same error (with its evidence), not as a hang or a bare worker failure."""
    from kemiskinan.errors import CheckError

    tables, ref = province
    broken = dict(tables)
    kel = tables["keluarga"]
    dup = kel[kel["kode_kelurahan"].astype(str).str.startswith("64.02.")].head(1)   # Kutai Barat
    assert len(dup) == 1
    broken["keluarga"] = pd.concat([kel, dup], ignore_index=True)
    with pytest.raises(CheckError, match=r"keluarga: kunci \['idbdt', 'nuk'\] tidak unik") as err:
        compute_by_kabkota(broken, {}, ref)
    # the evidence: the duplicated key, twice
    assert str(err.value).count(str(dup["idbdt"].iloc[0])) == 2
