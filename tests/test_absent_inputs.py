"""Only the household and member files are required (issue 17, item 2): without a KKS list, an MPM
workbook or a population file the WHOLE build runs (notebooks 01–03, HTML and PDF), meta.json records
what was supplied, the indicators that need the absent input are NA / empty (never 0), and the briefings
say in words what was not supplied. Each case builds a copy of the project (tests/projcopy.py) whose raw
folder lacks that one file."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from kemiskinan.domain import wilayah as wil
from kemiskinan.publish.index import slug
from kemiskinan.i18n import t
from projcopy import build

KOTA, KEC, KEL = "64.74", "64.74.01", "64.74.01.1003"
ARGS = ["--wilayah", KOTA, KEC, KEL, "--formats", "html,pdf"]


def _text(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(params=["kks", "mpm", "penduduk"])
def built_without(request, project_copy):
    """(absent input, project root) after a build whose raw folder lacks that input's file."""
    pattern = {"kks": "SINTETIS_KKS_*", "mpm": "SINTETIS_MPM_*", "penduduk": "SINTETIS_Penduduk_*"}[request.param]
    root = project_copy
    gone = list((root / "data" / "raw" / "sample").glob(pattern))
    assert len(gone) == 1
    gone[0].unlink()
    r = build(root, *ARGS)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "Traceback" not in r.stderr
    return request.param, root


def test_build_without_an_optional_input(built_without):
    absent, root = built_without
    proc = root / "data" / "processed" / "2018-05"
    meta = json.loads((proc / "meta.json").read_text())
    assert meta["masukan"] == {"rumah_tangga": True, "anggota": True, "kks": absent != "kks",
                               "mpm": absent != "mpm", "penduduk": absent != "penduduk"}
    ind = {p.stem: pd.read_parquet(p) for p in (proc / "indikator").glob("*.parquet")}
    ring = ind["ringkasan"].set_index("kode_wilayah")
    reports = root / "reports" / "2018-05"
    pages = {k: _text((reports / f"{slug(wil.get(k))}.html").read_text()) for k in (KOTA, KEC, KEL)}
    for k in (KOTA, KEC, KEL):
        assert (reports / f"{slug(wil.get(k))}.pdf").stat().st_size > 10_000
    # the BDT numbers do not depend on the optional inputs
    assert int(ring.loc[KOTA, "keluarga_miskin"]) == 5527
    note = t(f"masukan_{absent}_tidak_ada", "id")
    assert (meta["keluarga_desil_1_4_kks"] is None) == (absent == "kks")
    assert ("kks" in meta["vintage"]) == (absent != "kks") and ("mpm" in meta["vintage"]) == (absent != "mpm")
    if absent == "kks":
        assert ring[["keluarga_kks", "cakupan_kks", "keluarga_tanpa_kks"]].isna().all().all()
        kks = ind["cakupan"][ind["cakupan"]["program"] == "KKS"]
        assert kks["cakupan"].isna().all() and kks["n_target_menerima"].isna().all()
        assert (kks["n_target"] > 0).any()                       # the target itself is known
        assert ind["tumpang_tindih"].empty and not (ind["kebocoran"]["program"] == "KKS").any()
        assert ind["prioritas"]["prioritas"].isna().all()
        # notebook 01, as the analyst reads it: the holders are unknown, not 0
        nb01 = (reports / "notebooks" / "01_bersihkan_data.ipynb").read_text()
        assert "daftar KKS tidak diberikan" in nb01
        for k in (KOTA, KEC, KEL):
            assert note in pages[k], k
            # no coverage that pretends to be data ("0,0 %" on its own: "10,0 %" is another kelurahan's share)
            assert not re.search(r"(?<![\d,.])0,0 %", pages[k]), k
        assert t("prioritas_tidak_dihitung", "id", apa=t("apa_kks", "id")) in pages[KOTA]
    elif absent == "mpm":
        assert ind["mpm"].empty and ring["mpm_pendaftar"].isna().all()
        assert pd.read_parquet(proc / "mpm_laporan.parquet").empty
        for k in (KOTA, KEC, KEL):
            assert note in pages[k], k
            assert t("belum_melapor", "id") not in pages[k]       # nobody is said not to have reported
    else:
        assert ring["persen_penduduk_bdt"].isna().all() and ring["penduduk"].isna().all()
        assert ind["prioritas"]["prioritas"].isna().all()
        for k in (KOTA, KEC, KEL):
            assert note in pages[k], k
        assert t("prioritas_tidak_dihitung", "id", apa=t("apa_penduduk", "id")) in pages[KOTA]
    for other in {"kks", "mpm", "penduduk"} - {absent}:
        assert t(f"masukan_{other}_tidak_ada", "id") not in pages[KOTA]
