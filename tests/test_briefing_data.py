"""briefing_data: the build's slice digests equal the direct route, and the per-process caches of the
indicator tables and the quality appendix never serve stale or shared state."""
from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from kemiskinan.briefing import data as bd
from kemiskinan.clean import quality
from kemiskinan.domain import wilayah as wil
from kemiskinan.indicators import load_all, write_all

PERIODE = "2018-05"
KODES = [w.kode for w in wil.briefing_wilayah()]


def _direct(tables):
    return {k: bd.slice_sha256(bd.slice_tables(tables, k)) for k in KODES}


def test_slice_hashes_equal_hashing_each_slice(indicator_tables):
    assert bd.slice_hashes(indicator_tables, KODES) == _direct(indicator_tables)


def test_slice_hashes_see_a_change_in_one_kelurahan_only_where_it_is_shown(indicator_tables):
    t = {k: v.copy() for k, v in indicator_tables.items()}
    before = bd.slice_hashes(t, KODES)
    kel = wil.kelurahan()[0]
    mpm = t["mpm"]
    row = mpm.index[mpm["kode_wilayah"].astype(str) == kel.kode][0]
    col = next(c for c in mpm.columns if pd.api.types.is_integer_dtype(mpm[c]) and c != "kode_wilayah")
    mpm.loc[row, col] = (0 if pd.isna(mpm.loc[row, col]) else mpm.loc[row, col]) + 1
    after = bd.slice_hashes(t, KODES)
    assert after == _direct(t)
    changed = {k for k in KODES if before[k] != after[k]}
    assert changed == {kel.kode, kel.induk, wil.KOTA_CODE}


def test_slice_hashes_take_the_direct_route_when_emptying_would_change_a_dtype(indicator_tables):
    t = {k: v.copy() for k, v in indicator_tables.items()}
    ring = t["ringkasan"]
    ring["mpm_teks"] = ring["nama"].astype(object)   # object column: takes NA, dtype kept → fast route
    assert bd.slice_hashes(t, KODES) == _direct(t)
    ring["mpm_pendaftar"] = ring["mpm_pendaftar"].fillna(0).astype("float64")  # pandas refuses NA for a
    assert bd.slice_hashes(t, KODES) == _direct(t)                              # whole float64 column
    # int64 cannot hold NA: emptying the ancestors' rows turns the slice's column into float64
    ring["mpm_bulat"] = range(len(ring))
    sliced = bd.slice_tables(t, wil.kelurahan()[0].kode)["ringkasan"]
    assert sliced["mpm_bulat"].dtype == "float64"
    assert bd.slice_hashes(t, KODES) == _direct(t)


def test_tables_are_read_once_and_again_when_step_02_replaces_them(tmp_path, indicator_tables):
    folder = tmp_path / "indikator"
    write_all(indicator_tables, folder)
    first = bd.load_for_briefing(folder, KODES[0])
    cached = bd._tables_once(folder)
    assert bd._tables_once(folder) is cached          # same files: not read again
    # a briefing editing its slice cannot change what the next one reads
    first["ringkasan"].loc[:, "nama"] = "DIUBAH"
    first["bps_makro"].iloc[:, 0] = None
    again = bd.load_for_briefing(folder, KODES[0])
    assert not (again["ringkasan"]["nama"] == "DIUBAH").any()
    pd.testing.assert_frame_equal(again["bps_makro"], indicator_tables["bps_makro"])
    # step 02 writes a new folder and renames it into place: re-read
    changed = {k: v.copy() for k, v in indicator_tables.items()}
    changed["ringkasan"]["nama"] = "BARU"
    write_all(changed, folder)
    assert (bd.load_for_briefing(folder, KODES[0])["ringkasan"]["nama"] == "BARU").all()


def test_quality_appendix_rendered_once_per_state_of_its_inputs(tmp_path, built):
    from kemiskinan import config

    src = config.processed_dir(PERIODE)
    d = tmp_path / "proc"
    d.mkdir()
    for n in ("temuan.parquet", "rekonsiliasi.parquet", "meta.json"):
        shutil.copy2(src / n, d / n)
    calls = []
    real = quality._fragment

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    quality._fragment = counting
    try:
        one = quality.quality_fragment(d)
        assert quality.quality_fragment(d) == one and len(calls) == 1
        rek = pd.read_parquet(d / "rekonsiliasi.parquet")
        rek.loc[0, "file"] = "FILE_BARU.csv"
        tmp = d / ".rek.tmp"
        rek.to_parquet(tmp, index=False)
        os.replace(tmp, d / "rekonsiliasi.parquet")   # as the cleaner writes: a new file by rename
        two = quality.quality_fragment(d)
        assert len(calls) == 2 and "FILE_BARU.csv" in two and two != one
        assert quality.quality_fragment(d) == two and len(calls) == 2
        # each of the other inputs is part of the key too
        tem = pd.read_parquet(d / "temuan.parquet")
        tem.head(1).to_parquet(d / ".tem.tmp", index=False)
        os.replace(d / ".tem.tmp", d / "temuan.parquet")
        quality.quality_fragment(d)
        assert len(calls) == 3
        meta = (d / "meta.json").read_text(encoding="utf-8")
        (d / ".meta.tmp").write_text(meta.replace("{", '{"catatan": "x", ', 1), encoding="utf-8")
        os.replace(d / ".meta.tmp", d / "meta.json")
        quality.quality_fragment(d)
        assert len(calls) == 4
        (d / "sebelumnya").mkdir()
        for n in ("temuan.parquet", "rekonsiliasi.parquet", "meta.json"):
            shutil.copy2(src / n, d / "sebelumnya" / n)
        with_prev = quality.quality_fragment(d)
        assert len(calls) == 5 and with_prev != two
    finally:
        quality._fragment = real


@pytest.mark.parametrize("table", ["ringkasan", "profil"])
def test_slices_from_the_cache_equal_reading_the_files(indicator_tables, table):
    from kemiskinan import config

    folder = config.processed_dir(PERIODE) / "indikator"
    for k in (KODES[0], KODES[-1]):
        pd.testing.assert_frame_equal(bd.load_for_briefing(folder, k)[table],
                                      bd.slice_tables(load_all(folder), k)[table])


def test_every_slice_carries_each_kelurahans_ringkasan_row_for_the_map_but_not_its_mpm_columns(indicator_tables):
    """Page 1's map shows every kelurahan's KKS coverage: a kelurahan's coverage is in every slice (so a
    change to it rebuilds every briefing), its MPM columns only in its own, its kecamatan's and the kota's."""
    kel = wil.kelurahan()[0]
    for kode in KODES:
        ring = bd.slice_tables(indicator_tables, kode)["ringkasan"]
        assert {w.kode for w in wil.kelurahan()} <= set(ring["kode_wilayah"].astype(str)), kode
        codes = ring["kode_wilayah"].astype(str)
        outside = ring[(codes != kode) & ~codes.str.startswith(kode + ".")]  # not W nor below it
        assert ring["cakupan_kks"].notna().all(), kode
        assert not outside.filter(like="mpm_").notna().any().any(), kode  # MPM columns: W's own subtree only
    t = {k: v.copy() for k, v in indicator_tables.items()}
    before = bd.slice_hashes(t, KODES)
    ring = t["ringkasan"]
    row = ring.index[ring["kode_wilayah"].astype(str) == kel.kode][0]
    ring.loc[row, "cakupan_kks"] = ring.loc[row, "cakupan_kks"] * 0.9
    after = bd.slice_hashes(t, KODES)
    assert after == _direct(t) and all(before[k] != after[k] for k in KODES)
    t2 = {k: v.copy() for k, v in indicator_tables.items()}
    ring2 = t2["ringkasan"]
    ring2.loc[row, "mpm_pendaftar"] = ring2.loc[row, "mpm_pendaftar"] + 1
    after2 = bd.slice_hashes(t2, KODES)
    assert after2 == _direct(t2)
    assert {k for k in KODES if before[k] != after2[k]} == {kel.kode, kel.induk, wil.KOTA_CODE}
