"""The comparison with the previous period (kemiskinan.indicators.banding, issue 20): families matched by
No. KK across two hand-written rounds, every flow counted by hand from the rows below; the previous-period
rule; each round's own target definition; the trend chained over three periods; no predecessor."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from kemiskinan.errors import CheckError, ParameterError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators import banding, io
from kemiskinan.domain.periode import previous_period

KOTA, BU, BS, BB = "64.74", "64.74.01", "64.74.02", "64.74.03"
LT, GU, TL, KANAAN = "64.74.01.1003", "64.74.01.1004", "64.74.02.1001", "64.74.03.1003"   # Lok Tuan, Guntung (both in BU), Tanjung Laut (BS)

# No. KK (synthetic 16-digit strings)
A, Bk, C, D, E, F, G, H, I, J, K = (f"64740000000000{n:02d}" for n in range(1, 12))

# previous round (2018-05, target D1-D4 of 4): (no_kk, kelurahan, desil)
PREV = [
    (A, LT, 2),      # P1  target → now A, LT, 1: tetap at LT
    (Bk, LT, 3),     # P2  target → now Guntung: moved inside Bontang Utara
    (C, GU, 1),      # P3  target → now Tanjung Laut: moved to another kecamatan
    (D, LT, None),   # P4  not target (non-desil) → now target: masuk_dari_data
    (F, GU, 2),      # P6  target → now not target: keluar_dari_target
    (G, TL, 4),      # P7  target → gone: keluar_dari_data
    (None, LT, 1),   # P8  target, no No. KK: tanpa_kunci_sebelumnya
    (H, LT, 2),      # P10 target, No. KK held by two keluarga in this round: tanpa_kunci_sebelumnya
    (H, LT, None),   # P11 not target, same No. KK
    (I, GU, 3),      # PI  target, its No. KK held twice in the new round: tanpa_kunci_sebelumnya
    (J, BB + ".1001", None),  # not target either time
    (K, TL, 4),      # PK  target → target at TL: tetap
]
# this round (2019-05, target D1-D4)
NOW = [
    (A, LT, 1),
    (Bk, GU, 4),
    (C, TL, 2),
    (D, LT, 3),
    (E, TL, 4),      # new No. KK, target: masuk_baru
    (F, GU, None),
    ("", TL, 1),     # target, empty No. KK: tanpa_kunci
    (H, LT, 2),      # target, its No. KK was held twice before: tanpa_kunci
    (I, GU, 3),      # target, held twice now: tanpa_kunci
    (I, TL, None),   # not target
    (J, BB + ".1001", None),
    (K, TL, 4),
]

FLOW_COLS = ["n_sebelumnya", "n_sekarang", "tetap", "pindah_masuk", "pindah_keluar", "masuk_dari_data",
             "masuk_baru", "keluar_dari_target", "keluar_dari_data", "tanpa_kunci_sebelumnya", "tanpa_kunci"]
# expected, counted by hand from the rows above (columns in FLOW_COLS order)
EXPECTED = {
    LT: (4, 3, 1, 0, 1, 1, 0, 0, 0, 2, 1),
    GU: (3, 2, 0, 1, 1, 0, 0, 1, 0, 1, 1),
    TL: (2, 4, 1, 1, 0, 0, 1, 0, 1, 0, 1),
    BU: (7, 5, 2, 0, 1, 1, 0, 1, 0, 3, 2),   # B's move inside Bontang Utara is tetap at kecamatan level
    BS: (2, 4, 1, 1, 0, 0, 1, 0, 1, 0, 1),
    BB: (0,) * 11,
    KOTA: (9, 9, 4, 0, 0, 1, 1, 1, 1, 3, 3),  # every move is inside the city
}


def keluarga(rows) -> pd.DataFrame:
    kel = pd.Series([r[1] for r in rows], dtype="string")
    return pd.DataFrame({
        "no_kk": pd.Series([r[0] for r in rows], dtype="string"),
        "kode_kelurahan": kel,
        "desil": pd.array([r[2] for r in rows], dtype="Int8"),
        "kelompok_desil": pd.Series([str(r[2]) if r[2] is not None else "4+" for r in rows], dtype="string"),
    })


def ringkasan(target: str, miskin: dict[str, int], kks: dict[str, int]) -> pd.DataFrame:
    u = B.wilayah_universe()
    m = u["kode_wilayah"].map(miskin).fillna(0).astype("Int64")
    k = u["kode_wilayah"].map(kks).fillna(0).astype("Int64")
    return u.assign(target=target, keluarga_miskin=m, keluarga_kks=k, keluarga_tanpa_kks=m - k,
                    cakupan_kks=B.ratio(k, m), rumah_tangga_bdt=m, mpm_pendaftar=pd.array([pd.NA] * len(u), "Int64"))


def prioritas(pr: dict[str, int | None]) -> pd.DataFrame:
    u = B.wilayah_universe(["kelurahan"])
    p = pd.array([pr.get(c, 4) for c in u["kode_wilayah"]], dtype="Int8")
    return u.assign(prioritas=p, kuadran=pd.Series(p).map(lambda v: f"prioritas_{v}").astype("string"))


def miskin_of(col: int) -> dict[str, int]:
    return {k: v[col] for k, v in EXPECTED.items()}


def write_round(root, periode, kel_rows, tables, meta=None):
    d = root / periode
    (d / "indikator").mkdir(parents=True)
    keluarga(kel_rows).to_parquet(d / "keluarga.parquet", index=False)
    (d / "meta.json").write_text(json.dumps(meta or {"skema_desil": 4}))
    # `ringkasan` and `prioritas` are stand-ins with only the columns the comparison reads, so they are
    # written as files, not through io.write_all (which holds every table to its full schema)
    for name, df in tables.items():
        df.to_parquet(d / "indikator" / f"{name}.parquet", index=False)
    return d


@pytest.fixture
def rounds(tmp_path):
    """Round 2018-05 written as step 02 would (its own tren only); 2019-05's tables in memory."""
    prev_tables = {"ringkasan": ringkasan("D1-D4", miskin_of(0), {KOTA: 6, BU: 5, BS: 1, LT: 3, GU: 2, TL: 1}),
                   "prioritas": prioritas({LT: 1, GU: 2, TL: 3, KANAAN: 2})}
    prev_tables.update(banding.compute(keluarga(PREV), prev_tables, "2018-05", None, target_desil=[1, 2, 3, 4]))
    prev_dir = write_round(tmp_path, "2018-05", PREV, prev_tables)
    now_tables = {"ringkasan": ringkasan("D1-D4", miskin_of(1), {KOTA: 8, BU: 4, BS: 4, LT: 3, GU: 1, TL: 4}),
                  "prioritas": prioritas({LT: 1, GU: 3, TL: 3, KANAAN: None})}
    return tmp_path, prev_dir, now_tables


def test_every_flow_counted_by_hand(rounds):
    _, prev_dir, now = rounds
    out = banding.compute(keluarga(NOW), now, "2019-05", prev_dir, target_desil=[1, 2, 3, 4])
    al = out["banding_alur"].set_index("kode_wilayah")
    assert len(al) == 19 and set(al["periode"]) == {"2019-05"} and set(al["periode_sebelumnya"]) == {"2018-05"}
    for kode, want in EXPECTED.items():
        assert tuple(int(x) for x in al.loc[kode, FLOW_COLS]) == want, kode
    others = [k for k in al.index if k not in EXPECTED]
    assert (al.loc[others, FLOW_COLS] == 0).all().all()


def test_headline_then_and_now(rounds):
    _, prev_dir, now = rounds
    br = banding.compute(keluarga(NOW), now, "2019-05", prev_dir, target_desil=[1, 2, 3, 4])["banding_ringkasan"]
    k = br.set_index("kode_wilayah").loc[KOTA]
    assert (k.keluarga_miskin_sebelumnya, k.keluarga_miskin) == (9, 9)
    assert (k.keluarga_kks_sebelumnya, k.keluarga_kks) == (6, 8)
    assert (k.keluarga_tanpa_kks_sebelumnya, k.keluarga_tanpa_kks) == (3, 1)
    assert k.cakupan_kks_sebelumnya == pytest.approx(6 / 9) and k.cakupan_kks == pytest.approx(8 / 9)
    assert (k.target_sebelumnya, k.target, k.skema_desil_sebelumnya, k.skema_desil) == ("D1-D4", "D1-D4", 4, 4)
    assert len(br) == 19 and list(br.columns) == list(banding.SCHEMA["banding_ringkasan"])


def test_priority_quadrant_changes(rounds):
    _, prev_dir, now = rounds
    bp = banding.compute(keluarga(NOW), now, "2019-05", prev_dir, target_desil=[1, 2, 3, 4])["banding_prioritas"]
    bp = bp.set_index("kode_wilayah")
    assert len(bp) == 15
    assert bp.loc[GU, "berubah"] is True or bool(bp.loc[GU, "berubah"]) is True
    assert (int(bp.loc[GU, "prioritas_sebelumnya"]), int(bp.loc[GU, "prioritas"])) == (2, 3)
    assert not bp.loc[LT, "berubah"] and not bp.loc[TL, "berubah"]
    assert pd.isna(bp.loc[KANAAN, "berubah"])   # quadrant unknown now (e.g. no KKS list): not "unchanged"
    assert int(bp["berubah"].fillna(False).sum()) == 1


def test_target_definition_of_each_round(tmp_path):
    """The previous round used desil 1–2 (read from its ringkasan.target); this round 1–4 of ten deciles."""
    prev_t = {"ringkasan": ringkasan("D1-D2", {KOTA: 5, BU: 5, LT: 3, GU: 2}, {}), "prioritas": prioritas({})}
    prev_t.update(banding.compute(keluarga(PREV), prev_t, "2018-05", None, target_desil=[1, 2]))
    prev_dir = write_round(tmp_path, "2018-05", PREV, prev_t, meta={})        # no skema_desil: read as 4
    now_t = {"ringkasan": ringkasan("D1-D4", miskin_of(1), {}), "prioritas": prioritas({})}
    out = banding.compute(keluarga(NOW), now_t, "2025-06", prev_dir, target_desil=[1, 2, 3, 4], skema_desil=10)
    k = out["banding_alur"].set_index("kode_wilayah").loc[KOTA]
    # then: A, C (tetap), F (keluar_dari_target), P8 and P10 (tanpa kunci); B, I, G, K were desil 3–4: not target
    # now: A, C tetap; B, D, K masuk_dari_data; E masuk_baru; "", H, I tanpa kunci
    assert tuple(int(x) for x in k[FLOW_COLS]) == (5, 9, 2, 0, 0, 3, 1, 1, 0, 2, 3)
    r = out["banding_ringkasan"].set_index("kode_wilayah").loc[KOTA]
    assert (r.target_sebelumnya, r.target, r.skema_desil_sebelumnya, r.skema_desil) == ("D1-D2", "D1-D4", 4, 10)


def test_target_label_parsing():
    assert banding.target_definition("D1-D4") == [1, 2, 3, 4]
    assert banding.target_definition("D1") == [1]
    assert banding.target_definition("D1+D3") == [1, 3]
    assert banding.target_definition("D1-D2+D9-D10") == [1, 2, 9, 10]
    with pytest.raises(CheckError, match="tidak terbaca"):
        banding.target_definition("desil 1-4")


def test_no_predecessor_zero_rows_with_columns(rounds):
    _, _, now = rounds
    out = banding.compute(keluarga(NOW), now, "2019-05", None, target_desil=[1, 2, 3, 4])
    assert set(out) == set(banding.TABLES) == set(io.BANDING_TABLES)
    for name in ("banding_ringkasan", "banding_alur", "banding_prioritas"):
        assert len(out[name]) == 0
        assert [(c, str(t)) for c, t in out[name].dtypes.items()] == \
            [(c, str(pd.Series([], dtype=t).dtype)) for c, t in banding.SCHEMA[name].items()]
    assert len(out["tren"]) == 19 and set(out["tren"]["periode"]) == {"2019-05"}


def test_trend_chains_over_three_periods(rounds):
    root, prev_dir, now = rounds
    b = banding.compute(keluarga(NOW), now, "2019-05", prev_dir, target_desil=[1, 2, 3, 4])
    write_round(root, "2019-05", NOW, {**now, **b})
    third = {"ringkasan": ringkasan("D1-D4", {KOTA: 2, BS: 2, TL: 2}, {KOTA: 2, BS: 2, TL: 2}), "prioritas": prioritas({})}
    c = banding.compute(keluarga([(K, TL, 4), (E, TL, 1)]), third, "2025-06", root / "2019-05",
                        target_desil=[1, 2, 3, 4])
    tren = c["tren"]
    assert len(tren) == 3 * 19
    kota = tren[tren["kode_wilayah"] == KOTA].set_index("periode")
    assert list(kota.index) == ["2018-05", "2019-05", "2025-06"]
    assert kota["keluarga_miskin"].tolist() == [9, 9, 2]
    assert kota["keluarga_kks"].tolist() == [6, 8, 2]
    # and the third round's own flows against 2019-05: K and E stay at TL; A, B, C, D and H (H held once in
    # 2019-05) left the data; the empty No. KK and I (held twice in 2019-05) cannot be matched
    k = c["banding_alur"].set_index("kode_wilayah").loc[KOTA]
    assert (int(k.n_sebelumnya), int(k.n_sekarang), int(k.tetap), int(k.keluar_dari_data),
            int(k.tanpa_kunci_sebelumnya)) == (9, 2, 2, 5, 2)


def test_check_banding_names_the_rows(rounds):
    _, prev_dir, now = rounds
    out = banding.compute(keluarga(NOW), now, "2019-05", prev_dir, target_desil=[1, 2, 3, 4])
    bad = dict(out)
    al = out["banding_alur"].copy()
    al.loc[al["kode_wilayah"] == LT, "tetap"] += 1
    bad["banding_alur"] = al
    with pytest.raises(CheckError, match="n_sebelumnya ≠") as e:
        banding.check_banding(bad)
    assert "Lok Tuan" in str(e.value)


def test_flows_must_agree_with_ringkasan(rounds):
    """A ringkasan counted with another target than the flows is refused, not published side by side."""
    _, prev_dir, now = rounds
    with pytest.raises(CheckError, match="n_sekarang ≠ keluarga_miskin"):
        banding.compute(keluarga(NOW), now, "2019-05", prev_dir, target_desil=[1, 2])


def test_schema_checked_before_writing(rounds, tmp_path):
    _, _, now = rounds
    out = banding.compute(keluarga(NOW), now, "2019-05", None, target_desil=[1, 2, 3, 4])
    out["tren"] = out["tren"].astype({"keluarga_miskin": "float64"})
    with pytest.raises(CheckError, match="tren: kolom/tipe"):
        io.write_all(out, tmp_path / "out" / "indikator")
    assert not (tmp_path / "out" / "indikator").exists()


# ----------------------------------------------------------------------------------------------------
# previous_period
# ----------------------------------------------------------------------------------------------------
@pytest.fixture
def processed(tmp_path):
    def built(name):
        (tmp_path / name / "indikator").mkdir(parents=True)
        (tmp_path / name / "keluarga.parquet").write_bytes(b"x")
        (tmp_path / name / "indikator" / "ringkasan.parquet").write_bytes(b"x")

    built("2018-05")
    built("2019-05")
    built("2017-13")                      # not a period name: ignored
    (tmp_path / "2020-01").mkdir()        # step 01 only: not built
    (tmp_path / "2020-01" / "keluarga.parquet").write_bytes(b"x")
    return tmp_path


def test_previous_period_automatic(processed):
    assert previous_period("2025-06", "", processed) == "2019-05"
    assert previous_period("2019-05", "", processed) == "2018-05"
    assert previous_period("2019-05", None, processed) == "2018-05"
    assert previous_period("2018-05", "", processed) is None
    assert previous_period("2018-05", "", processed / "nothing-here") is None


def test_previous_period_none_and_explicit(processed):
    assert previous_period("2025-06", "-", processed) is None
    assert previous_period("2025-06", "2018-05", processed) == "2018-05"


def test_previous_period_refused(processed):
    with pytest.raises(ParameterError, match="2020-01 belum dibangun.*2018-05, 2019-05"):
        previous_period("2025-06", "2020-01", processed)
    with pytest.raises(ParameterError, match="tidak lebih awal"):
        previous_period("2019-05", "2019-05", processed)
    with pytest.raises(ParameterError, match="tidak lebih awal"):
        previous_period("2018-05", "2019-05", processed)
    with pytest.raises(ParameterError, match="YYYY-MM"):
        previous_period("2025-06", "../2018-05", processed)


# ----------------------------------------------------------------------------------------------------
# the build: step 02's key and the periods index
# ----------------------------------------------------------------------------------------------------
def test_step_02_key_holds_the_predecessor_and_its_files(tmp_path, monkeypatch):
    from kemiskinan import config, hashing
    from kemiskinan.build import params
    from kemiskinan.build.runner import Builder

    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path)
    old = tmp_path / "2018-05"
    (old / "indikator").mkdir(parents=True)
    for f in ("keluarga.parquet", "meta.json", "indikator/ringkasan.parquet", "indikator/prioritas.parquet"):
        (old / f).write_bytes(b"isi " + f.encode())
    (old / "anggota.parquet").write_bytes(b"not read by the comparison")
    b = Builder(params.load("params/sample.yml", overrides={"periode": "2019-05"}), jobs=1, force=False,
                cell_timeout=60, notebook_timeout=60, progress=False)
    stamp = {"outputs": {"a.parquet": "0"}}

    def key(prev):
        b.prev, b._prev_hashes = prev, None
        return hashing.json_sha256(b.indicators_key(stamp)), hashing.json_sha256(b.clean_key({"a.csv": "0"}))

    assert b.previous() == "2018-05"
    with_prev, clean = key("2018-05")
    assert set(b.previous_hashes()) == {str(old / f) for f in ("keluarga.parquet", "meta.json",
                                                                 "indikator/ringkasan.parquet",
                                                                 "indikator/prioritas.parquet")}
    assert key(None)[0] != with_prev
    (old / "anggota.parquet").write_bytes(b"changed")            # not an input of the comparison
    assert key("2018-05") == (with_prev, clean)
    (old / "indikator" / "ringkasan.parquet").write_bytes(b"changed")
    changed, clean2 = key("2018-05")
    assert changed != with_prev and clean2 == clean             # step 02 re-runs, step 01 does not


def test_periods_index_newest_first(tmp_path):
    from kemiskinan.publish.index import periods_built, write_periods_index

    def run(periode, lang="", teks=None):
        d = tmp_path / periode / lang
        d.mkdir(parents=True, exist_ok=True)
        (d / "run.json").write_text(json.dumps({"sintetis": True, "periode_sebelumnya": None,
                                                "kota": {"target": "D1-D4", "teks": teks} if teks else None}))
        (d / "index.html").write_text("<html></html>")

    run("2018-05", teks={"keluarga_miskin": "5.527", "cakupan_kks": "80,1 %"})
    run("2019-05", teks={"keluarga_miskin": "5.210", "cakupan_kks": "86,4 %"})
    run("2019-05", "en", teks={"keluarga_miskin": "5,210", "cakupan_kks": "86.4%"})
    run("2025-06", "en")                        # built only in English, no headline recorded
    (tmp_path / "_failed" / "2018-05").mkdir(parents=True)
    (tmp_path / "2020-01").mkdir()              # no run.json: not built
    got = periods_built(tmp_path)
    assert [p["periode"] for p in got] == ["2025-06", "2019-05", "2018-05"]
    assert (got[0]["index"], got[0]["en"]) == (None, "2025-06/en/index.html")
    assert (got[1]["index"], got[1]["en"]) == ("2019-05/index.html", "2019-05/en/index.html")
    html = write_periods_index(tmp_path).read_text()
    assert html.index("Periode 2025-06") < html.index("Periode 2019-05") < html.index("Periode 2018-05")
    assert "<strong>86,4 %</strong>" in html and "5.210" in html and "80,1 %" in html
    assert 'href="2018-05/index.html"' in html and 'href="2025-06/en/index.html"' in html
    assert "2020-01" not in html and "_failed" not in html
