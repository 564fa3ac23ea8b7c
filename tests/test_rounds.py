"""Two rounds built one after the other (issue 20): the new round compares with the old one, never rebuilds or
writes into it; the periods index lists both; changing the old round's tables re-runs the new round's
comparison and the briefings that show it; a plain rebuild stays a no-op (docs/architecture.md,
"Incremental builds: the rule")."""
from __future__ import annotations

import os

import pandas as pd
from projcopy import build, run_json

KOTA, LOK_TUAN = "64.74", "64.74.01.1003"
SEL = ["--wilayah", KOTA, LOK_TUAN, "--formats", "html"]
P2019 = ["--params", "params/sample_2019_sama.yml"]   # the same raw folder, periode 2019-05


def snapshot(*folders) -> dict:
    """Every file under the folders: (inode, size, mtime in ns) — a rewrite or a rename changes it."""
    out = {}
    for folder in folders:
        for dirpath, _, files in os.walk(folder):
            for f in files:
                st = os.stat(os.path.join(dirpath, f))
                out[os.path.join(dirpath, f)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def statuses(root, periode):
    return {o["wilayah"]: o["status"] for o in run_json(root, periode)["outputs"]}


def test_second_round_compares_and_leaves_the_first_alone(built_copy):
    root = built_copy  # round 2018-05's steps 01/02 done by the shared build; 2019-05 runs all of its own
    base = (root / "params/sample.yml").read_text()
    assert 'periode: "2018-05"' in base and "target_desil: [1, 2, 3, 4]" in base
    (root / "params/sample_2019_sama.yml").write_text(base.replace('periode: "2018-05"', 'periode: "2019-05"'))

    r = build(root, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    assert run_json(root)["periode_sebelumnya"] is None
    old = snapshot(root / "data/processed/2018-05", root / "reports/2018-05")
    first = pd.read_parquet(root / "data/processed/2018-05/indikator/banding_alur.parquet")
    assert len(first) == 0 and "tetap" in first.columns          # no predecessor: columns, no rows

    r = build(root, *P2019, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    rj = run_json(root, "2019-05")
    assert rj["periode_sebelumnya"] == "2018-05"
    assert "data/processed/2018-05/keluarga.parquet" in rj["input_sha256"]
    assert not any("data/raw" in k and "2018-05" in k for k in rj["input_sha256"])
    assert snapshot(root / "data/processed/2018-05", root / "reports/2018-05") == old   # not rebuilt, not written

    ind = root / "data/processed/2019-05/indikator"
    for name in ("banding_ringkasan", "banding_alur", "banding_prioritas", "tren"):
        assert (ind / f"{name}.parquet").is_file(), name
    al = pd.read_parquet(ind / "banding_alur.parquet").set_index("kode_wilayah")
    kel = pd.read_parquet(root / "data/processed/2018-05/keluarga.parquet", columns=["desil"])
    n_target = int(kel["desil"].isin([1, 2, 3, 4]).sum())
    # the same raw files: every target family stays where it was
    assert len(al) == 19
    assert (al["tetap"] == al["n_sebelumnya"]).all() and (al["n_sekarang"] == al["n_sebelumnya"]).all()
    assert int(al.loc[KOTA, "tetap"]) == n_target
    others = ["pindah_masuk", "pindah_keluar", "masuk_dari_data", "masuk_baru", "keluar_dari_target",
              "keluar_dari_data", "tanpa_kunci_sebelumnya", "tanpa_kunci"]
    assert (al[others] == 0).all().all()
    tren = pd.read_parquet(ind / "tren.parquet")
    assert sorted(set(tren["periode"])) == ["2018-05", "2019-05"]

    index = (root / "reports/index.html").read_text()
    assert index.index("Periode 2019-05") < index.index("Periode 2018-05")      # newest first
    assert 'href="2019-05/index.html"' in index and 'href="2018-05/index.html"' in index

    # a plain rebuild of the new round is a no-op, and it still rewrites the periods index
    (root / "reports/index.html").unlink()
    r = build(root, *P2019, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    assert run_json(root, "2019-05")["dimulai"] == {"kernel": 0, "chromium": 0}
    assert set(statuses(root, "2019-05").values()) == {"dilewati"}
    assert (root / "reports/index.html").is_file()

    # the old round's tables change: its step 02 re-runs with another target group
    (root / "params/sample.yml").write_text(base.replace("target_desil: [1, 2, 3, 4]", "target_desil: [1, 2, 3]"))
    r = build(root, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    assert run_json(root)["langkah"]["02 hitung indikator"] == "dijalankan"

    # → the new round's comparison re-runs (step 01 does not) and the briefings showing it are rebuilt
    r = build(root, *P2019, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    rj = run_json(root, "2019-05")
    assert rj["langkah"]["01 bersihkan data"] == "dilewati"
    assert rj["langkah"]["02 hitung indikator"] == "dijalankan"
    assert statuses(root, "2019-05") == {KOTA: "dibuat", LOK_TUAN: "dibuat"}
    al = pd.read_parquet(ind / "banding_alur.parquet").set_index("kode_wilayah")
    n_d4 = int((kel["desil"] == 4).sum())
    # desil-4 families were outside 2018-05's target (D1-D3) and are inside 2019-05's (D1-D4)
    assert int(al.loc[KOTA, "n_sebelumnya"]) == n_target - n_d4
    assert int(al.loc[KOTA, "masuk_dari_data"]) == n_d4
    br = pd.read_parquet(ind / "banding_ringkasan.parquet").set_index("kode_wilayah")
    assert (br.loc[KOTA, "target_sebelumnya"], br.loc[KOTA, "target"]) == ("D1-D3", "D1-D4")

    r = build(root, *P2019, *SEL)
    assert r.returncode == 0
    assert run_json(root, "2019-05")["dimulai"] == {"kernel": 0, "chromium": 0}

    # asking for a predecessor that is not built is a parameter error, before anything runs
    (root / "params/sample_2019_sama.yml").write_text(
        base.replace('periode: "2018-05"', 'periode: "2019-05"').replace('periode_sebelumnya: ""', 'periode_sebelumnya: "2017-05"'))
    r = build(root, *P2019, *SEL)
    assert r.returncode == 2
    assert "periode_sebelumnya 2017-05 belum dibangun" in r.stderr
