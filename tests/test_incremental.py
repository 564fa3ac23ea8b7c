"""Incremental builds: an unchanged step is skipped; a corrected MPM sheet from one kelurahan rebuilds only
that kelurahan, its kecamatan and the kota (docs/architecture.md, "Incremental builds").

Each test works in its own project copy that starts where the shared build left steps 01/02 (`built_copy`);
the tests that need those steps to run make them run (a changed input, parameter, lock or `--force`)."""
from __future__ import annotations

from projcopy import add_cell, build, run_json

KOTA, BU, LOK_TUAN, GUNTUNG, TANJUNG_LAUT = "64.74", "64.74.01", "64.74.01.1003", "64.74.01.1004", "64.74.02.1001"
SEL = ["--wilayah", KOTA, BU, LOK_TUAN, GUNTUNG, TANJUNG_LAUT, "--formats", "html"]


def statuses(root):
    return {o["wilayah"]: o["status"] for o in run_json(root)["outputs"]}


def test_one_kelurahan_change_rebuilds_only_what_depends_on_it(built_copy):
    import openpyxl

    root = built_copy
    r = build(root, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    assert set(statuses(root).values()) == {"dibuat"}

    r = build(root, *SEL)
    assert r.returncode == 0
    assert set(statuses(root).values()) == {"dilewati"}
    assert run_json(root)["dimulai"] == {"kernel": 0, "chromium": 0}   # counted, not timed

    # Lok Tuan sends a corrected MPM sheet: one pending registration now has a verification result.
    wb_path = root / "data/raw/sample/SINTETIS_MPM_2018.xlsx"
    wb = openpyxl.load_workbook(wb_path)
    sheet = next(ws for ws in wb.worksheets if ws.title.replace(" ", "").lower() == "loktuan")
    header = [c.value for c in sheet[1]]
    col = header.index("Hasil Verifikasi") + 1
    filled = False
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, col).value in (None, ""):
            sheet.cell(row, col).value = 1
            filled = True
            break
    if not filled:  # every row verified already: change one outcome instead
        sheet.cell(2, col).value = 2 if sheet.cell(2, col).value != 2 else 1
    wb.save(wb_path)

    r = build(root, *SEL)
    assert r.returncode == 0, r.stderr[-3000:]
    st = statuses(root)
    assert st[LOK_TUAN] == st[BU] == st[KOTA] == "dibuat"
    assert st[GUNTUNG] == st[TANJUNG_LAUT] == "dilewati"
    steps = run_json(root)["langkah"]
    assert steps["01 bersihkan data"] == "dijalankan" and steps["02 hitung indikator"] == "dijalankan"


def test_changed_parameter_rebuilds_and_force_rebuilds_all(built_copy):
    root = built_copy
    args = ["--wilayah", LOK_TUAN, "--formats", "html"]
    assert build(root, *args).returncode == 0
    assert build(root, *args, "--force").returncode == 0
    assert statuses(root)[LOK_TUAN] == "dibuat"
    assert run_json(root)["langkah"]["01 bersihkan data"] == "dijalankan"
    p = root / "params/sample.yml"
    p.write_text(p.read_text().replace("ambang_sel_kecil: 5", "ambang_sel_kecil: 10"))
    assert build(root, *args).returncode == 0
    steps = run_json(root)["langkah"]
    assert steps["01 bersihkan data"] == "dilewati" and steps["02 hitung indikator"] == "dijalankan"


def test_a_shared_file_edited_by_hand_is_rebuilt_and_checked_again(built_copy):
    root = built_copy
    args = ["--wilayah", LOK_TUAN, GUNTUNG, "--formats", "html"]
    assert build(root, *args).returncode == 0
    p = root / "reports/2018-05/kelurahan_lok_tuan.html"
    good = p.read_bytes()
    p.write_bytes(good.replace(b"</body>", b"<p>NIK 6474015507850001</p></body>"))
    r = build(root, *args)
    assert r.returncode == 0, r.stderr[-3000:]
    st = statuses(root)
    assert st[LOK_TUAN] == "dibuat" and st[GUNTUNG] == "dilewati"
    assert b"6474015507850001" not in p.read_bytes()


def test_a_changed_lock_or_notebook_rebuilds_what_it_made(built_copy):
    root = built_copy
    args = ["--wilayah", LOK_TUAN, "--formats", "html"]
    assert build(root, *args).returncode == 0
    lock = root / "requirements.lock"
    lock.write_text(lock.read_text() + "# a pinned version changed\n")
    r = build(root, *args)
    assert r.returncode == 0, r.stderr[-3000:]
    steps = run_json(root)["langkah"]
    assert steps["01 bersihkan data"] == steps["02 hitung indikator"] == "dijalankan"
    assert statuses(root)[LOK_TUAN] == "dibuat"
    add_cell(root, "jumlah_tambahan = 1")  # the briefing notebook changed: only the briefings depend on it
    r = build(root, *args)
    assert r.returncode == 0, r.stderr[-3000:]
    steps = run_json(root)["langkah"]
    assert steps["01 bersihkan data"] == steps["02 hitung indikator"] == "dilewati"
    assert statuses(root)[LOK_TUAN] == "dibuat"


def test_the_code_and_the_lock_are_in_every_steps_key(monkeypatch):
    # a change to the package's source (or the lock) makes every step's key differ, so all of it is rebuilt
    from kemiskinan import hashing
    from kemiskinan.build import params
    from kemiskinan.domain import wilayah as wil
    from kemiskinan.build.runner import Builder

    b = Builder(params.load("params/sample.yml"), jobs=1, force=False, cell_timeout=60, notebook_timeout=60,
                progress=False)
    w = wil.get(LOK_TUAN)

    def keys():
        return (hashing.json_sha256(b.clean_key({"a.csv": "0"})),
                hashing.json_sha256(b.indicators_key({"outputs": {"a.parquet": "0"}})), b.briefing_key(w, {}))

    before = keys()
    monkeypatch.setattr(hashing, "code_sha256", lambda: "kode lain")
    after_code = keys()
    monkeypatch.setattr(hashing, "lock_sha256", lambda: "lock lain")
    after_lock = keys()
    for a, b_, c in zip(before, after_code, after_lock):
        assert a != b_ != c


def test_an_edited_source_profile_reruns_the_cleaning(built_copy):
    # sumber.yml and profiles/*.yml change how the raw files are read, so they are inputs of step 01 like
    # the files themselves (an edited profile once left the build "up to date" with stale tables).
    root = built_copy
    args = ["--wilayah", LOK_TUAN, "--formats", "html"]
    assert build(root, *args).returncode == 0
    sumber = root / "data/raw/sample/sumber.yml"
    sumber.write_text('versi: 1\nfile:\n  - pola: "SINTETIS_KKS_*"\n    jenis: kks\n', encoding="utf-8")
    r = build(root, *args)
    assert r.returncode == 0, r.stderr[-3000:]
    rj = run_json(root)
    assert rj["langkah"]["01 bersihkan data"] == "dijalankan"
    assert "data/raw/sample/sumber.yml" in rj["input_sha256"]
    assert build(root, *args).returncode == 0
    assert run_json(root)["langkah"]["01 bersihkan data"] == "dilewati"
    # a reusable profile in profiles/ is an input too
    (root / "profiles").mkdir(exist_ok=True)
    (root / "profiles/kks_kantor.yml").write_text('file:\n  - pola: "SINTETIS_KKS_*"\n    jenis: kks\n',
                                                   encoding="utf-8")
    sumber.write_text("versi: 1\npakai: [kks_kantor]\n", encoding="utf-8")
    assert build(root, *args).returncode == 0
    assert run_json(root)["langkah"]["01 bersihkan data"] == "dijalankan"
    (root / "profiles/kks_kantor.yml").write_text('file:\n  - pola: "SINTETIS_KKS_*.xlsx"\n    jenis: kks\n',
                                                   encoding="utf-8")
    assert build(root, *args).returncode == 0
    assert run_json(root)["langkah"]["01 bersihkan data"] == "dijalankan"
