"""The build under failure: a failing, hung or dying notebook ends only its own briefing, is named and kept
under reports/_failed/, never replaces the last good briefing, and makes the exit code non-zero; state
never leaks between briefings that share a warm kernel; a SIGKILLed build leaves the previous reports
intact and no kernels behind."""
from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from kemiskinan import config
from projcopy import add_cell, build, make_copy, run_json, seed_processed

LOK_TUAN, GUNTUNG, BONTANG_BARU = "64.74.01.1003", "64.74.01.1004", "64.74.01.1002"
THREE = ["--wilayah", LOK_TUAN, GUNTUNG, BONTANG_BARU, "--formats", "html"]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_copy(tmp_path_factory, sample_raw, built):
    """A project copy with one good build of three kelurahan (HTML only, to keep it quick), its steps 01/02
    taken from the shared build. A planted cell changes notebook 03 only, so the tests' builds re-run the
    three briefings and not steps 01/02 unless they ask for `--force`."""
    root = make_copy(tmp_path_factory.mktemp("proj"), sample_raw)
    seed_processed(root, config.processed_dir("2018-05"))
    r = build(root, *THREE)
    assert r.returncode == 0, r.stderr[-3000:]
    return root


def fresh_copy(tmp_path, good_copy) -> Path:
    import shutil

    root = tmp_path / "proj"
    shutil.copytree(good_copy, root, symlinks=True)
    return root


def outputs(root: Path) -> dict[str, str]:
    d = root / "reports" / "2018-05"
    return {str(p.relative_to(d)): sha(p) for p in sorted(d.rglob("*"))
            if p.is_file() and ".staging" not in p.parts and p.name != "run.json" and ".stamps" not in p.parts}


def assert_names_notebook_and_cell(stderr: str, root: Path, kode: str, planted: str) -> None:
    """The failure message names the notebook, the wilayah and the cell that was running: the planted one,
    numbered as in the partial notebook kept under reports/_failed/."""
    import json

    kept = root / "reports/_failed/2018-05" / f"03_briefing__{kode}.ipynb"
    cells = [c for c in json.loads(kept.read_text())["cells"]  # without papermill's red banner cells
             if "papermill-error-cell-tag" not in c["metadata"].get("tags", [])]
    idx = next(i for i, c in enumerate(cells) if planted in "".join(c["source"]))
    line = next(ln for ln in stderr.splitlines() if "GAGAL" in ln and kode in ln)
    assert "notebook 03_briefing.ipynb" in line and f'sel {idx} «if wilayah == ' in line, line


def test_failing_cell_is_named_kept_and_others_finish(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    before = sha(root / "reports/2018-05/kelurahan_lok_tuan.html")
    add_cell(root, f'if wilayah == "{LOK_TUAN}":\n    raise RuntimeError("uji kegagalan")', position=-1)
    r = build(root, *THREE)
    assert r.returncode == 1
    assert "03_briefing.ipynb" in r.stderr and LOK_TUAN in r.stderr and "uji kegagalan" in r.stderr
    assert "Traceback" not in r.stderr
    assert_names_notebook_and_cell(r.stderr, root, LOK_TUAN, "uji kegagalan")
    kept = root / "reports/_failed/2018-05" / f"03_briefing__{LOK_TUAN}.ipynb"
    assert kept.exists() and "uji kegagalan" in kept.read_text()
    # The last good briefing was not replaced; the other two were rebuilt.
    assert sha(root / "reports/2018-05/kelurahan_lok_tuan.html") == before
    status = {o["wilayah"]: o["status"] for o in run_json(root)["outputs"]}
    assert status == {LOK_TUAN: "gagal", GUNTUNG: "dibuat", BONTANG_BARU: "dibuat"}


def test_hung_cell_hits_the_cell_timeout(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    add_cell(root, f'if wilayah == "{GUNTUNG}":\n    import time\n    time.sleep(600)', position=-1)
    # No --force: steps 01/02 are unchanged and skipped, so the short timeout meets only the briefings (a
    # cleaning cell can take longer than 4 s on a loaded machine); the changed notebook rebuilds all three.
    r = build(root, *THREE, "--cell-timeout", "4")
    steps = run_json(root)["langkah"]
    assert steps["01 bersihkan data"] == steps["02 hitung indikator"] == "dilewati", steps
    assert r.returncode == 1
    assert GUNTUNG in r.stderr and "batas waktu per sel" in r.stderr
    assert_names_notebook_and_cell(r.stderr, root, GUNTUNG, "time.sleep(600)")
    status = {o["wilayah"]: o["status"] for o in run_json(root)["outputs"]}
    assert status[GUNTUNG] == "gagal" and status[LOK_TUAN] == status[BONTANG_BARU] == "dibuat"


def test_hung_notebook_hits_the_notebook_timeout_and_the_kernel_is_replaced(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    add_cell(root, f'if wilayah == "{LOK_TUAN}":\n    import time\n    time.sleep(600)', position=-1)
    r = build(root, *THREE, "--jobs", "1", "--notebook-timeout", "15")   # 01/02 skipped, as above
    assert r.returncode == 1
    assert LOK_TUAN in r.stderr and "batas waktu notebook" in r.stderr
    assert_names_notebook_and_cell(r.stderr, root, LOK_TUAN, "time.sleep(600)")
    # With one worker the next briefings ran in the replacement kernel.
    status = {o["wilayah"]: o["status"] for o in run_json(root)["outputs"]}
    assert status[LOK_TUAN] == "gagal" and status[GUNTUNG] == status[BONTANG_BARU] == "dibuat"
    assert (root / "reports/_failed/2018-05" / f"03_briefing__{LOK_TUAN}.ipynb").exists()


def test_dead_kernel_is_named_and_replaced(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    add_cell(root, f'if wilayah == "{LOK_TUAN}":\n    import os\n    os._exit(1)', position=-1)
    r = build(root, *THREE, "--jobs", "1")
    assert r.returncode == 1
    assert LOK_TUAN in r.stderr and "kernel mati" in r.stderr
    assert_names_notebook_and_cell(r.stderr, root, LOK_TUAN, "os._exit(1)")
    status = {o["wilayah"]: o["status"] for o in run_json(root)["outputs"]}
    assert status[LOK_TUAN] == "gagal" and status[GUNTUNG] == status[BONTANG_BARU] == "dibuat"
    assert run_json(root)["dimulai"]["kernel"] == 2  # the one job's kernel, and the one that replaced it
    # the engine raised, so papermill wrote nothing after it: the engine's own save kept the partial notebook
    kept = root / "reports/_failed/2018-05" / f"03_briefing__{LOK_TUAN}.ipynb"
    assert kept.exists() and "os._exit(1)" in kept.read_text()


def test_state_cannot_leak_between_briefings_in_one_kernel(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    # First cell after the parameters: nothing from an earlier briefing may be visible.
    add_cell(root, 'assert "PENANDA_BOCOR" not in globals() and "tabel" not in globals(), "state leaked"\n'
                   'import matplotlib, matplotlib.pyplot as plt\nassert not plt.get_fignums(), "figures leaked"\n'
                   'assert matplotlib.rcParams["axes.facecolor"] != "red", "style leaked"')
    add_cell(root, 'PENANDA_BOCOR = wilayah\nimport matplotlib\nmatplotlib.rcParams["axes.facecolor"] = "red"\n'
                   'plt.figure()', position=-1)
    # --force: steps 01 and 02 run first in the same kernel, so their state must not leak either
    r = build(root, *THREE, "--force", "--jobs", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    # And a briefing built after others in one kernel equals the same briefing built alone: without its
    # stamp it is rebuilt, and with steps 01/02 up to date it is the only notebook its kernel runs.
    after_others = (root / "reports/2018-05/notebooks" / "03_briefing__kelurahan_bontang_baru.ipynb").read_text()
    (root / "reports/2018-05/.stamps" / f"{BONTANG_BARU}.json").unlink()
    r = build(root, "--wilayah", BONTANG_BARU, "--formats", "html", "--jobs", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    alone = (root / "reports/2018-05/notebooks" / "03_briefing__kelurahan_bontang_baru.ipynb").read_text()

    def outputs_only(text):
        import json

        nb = json.loads(text)
        # The product's cells only: methodology shows the run id, and the planted cells are the probe.
        return [c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"
                and "methodology" not in "".join(c["source"]) and "PENANDA_BOCOR" not in "".join(c["source"])]

    assert outputs_only(after_others) == outputs_only(alone)


def test_start_up_is_paid_once_per_build_not_per_document(tmp_path, good_copy):
    import os

    root = fresh_copy(tmp_path, good_copy)
    r = build(root, "--wilayah", LOK_TUAN, GUNTUNG, BONTANG_BARU, "--formats", "html,pdf", "--force")
    assert r.returncode == 0, r.stderr[-3000:]
    rj = run_json(root)
    assert rj["jobs"] == (os.cpu_count() or 2)  # --jobs defaults to the number of cores
    assert [o["status"] for o in rj["outputs"]] == ["dibuat"] * 3
    # steps 01 and 02 and three briefings: one warm kernel per job, one Chromium for all three PDFs
    assert rj["dimulai"] == {"kernel": rj["jobs"], "chromium": 1}, rj["dimulai"]


def test_progress_bar_counts_finished_briefings_and_names_the_running_ones(tmp_path, good_copy):
    import re
    import subprocess
    import sys

    from projcopy import env_for

    root = fresh_copy(tmp_path, good_copy)
    add_cell(root, "pass", position=-1)  # a changed notebook: the three briefings are built again
    r = subprocess.run([sys.executable, "-m", "kemiskinan", "build", "--params", "params/sample.yml", *THREE],
                       cwd=root, env=env_for(root), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    frames = [f for f in re.split(r"[\r\n]+", r.stderr) if f.startswith("Briefing:")]
    done = [int(m.group(1)) for f in frames if (m := re.search(r"\b(\d)/3\b", f))]
    assert len(done) == len(frames) and done[0] == 0 and done[-1] == 3, frames
    assert done == sorted(done), f"done count went backwards: {done}"
    shown = " ".join(frames)
    for nama in ("Lok Tuan", "Guntung", "Bontang Baru"):  # each wilayah is named while it runs
        assert nama in shown, frames


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                kids.append(int(d.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _check_after_kill(root: Path, before: dict[str, str]) -> None:
    """Every file is either the previous one or one the killed build finished completely (its briefing
    stamp records that exact hash); nothing half-written lies outside the staging folder."""
    import json

    d = root / "reports" / "2018-05"
    stamped = set()
    for st in (d / ".stamps").glob("*.json"):
        data = json.loads(st.read_text())
        for rel in data.get("outputs", {}).values():
            stamped.add(rel.split("2018-05/", 1)[1] if "2018-05/" in rel else rel)
    for rel, h in outputs(root).items():
        p = d / rel
        assert not p.name.startswith(".") and not p.name.endswith(".tmp"), f"temporary file left: {rel}"
        if before.get(rel) == h:
            continue
        if rel in stamped:
            st_hashes = {k: v for f in (d / ".stamps").glob("*.json")
                         for k, v in json.loads(f.read_text()).get("sha256", {}).items()}
            assert h in st_hashes.values(), f"{rel} replaced by an unrecorded version"
        elif p.suffix == ".ipynb":
            json.loads(p.read_text())  # a complete notebook of a step that finished
        elif p.suffix == ".html":
            assert p.read_text().rstrip().endswith("</html>"), f"{rel} is half-written"
        else:
            raise AssertionError(f"{rel} changed by the killed build")


def _kernels_once_briefings_run(proc, staging: Path) -> list[int]:
    """The build's kernel pids, once both kernels run and a briefing is executing (its notebook is staged)."""
    deadline = time.monotonic() + 120
    kernels: list[int] = []
    while time.monotonic() < deadline:
        kernels = [k for k in _children(proc.pid) if "ipykernel" in Path(f"/proc/{k}/cmdline").read_text(errors="ignore")]
        if len(kernels) >= 2 and staging.exists() and any(staging.rglob("03_briefing__*.ipynb")):
            break
        time.sleep(0.2)
    assert kernels, "no kernel started"
    return kernels


def test_sigkill_mid_build_keeps_previous_reports_and_leaves_no_kernels(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    before = outputs(root)
    # Slow every briefing down so the kill surely lands mid-way.
    add_cell(root, "import time\ntime.sleep(3)", position=-1)
    proc = build(root, *THREE, "--jobs", "2", wait=False)
    staging = root / "reports/2018-05/.staging"
    kernels = _kernels_once_briefings_run(proc, staging)
    os.kill(proc.pid, signal.SIGKILL)
    for k in kernels:  # "SIGKILL to the runner and its kernels"
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)
    time.sleep(1)
    assert not [k for k in kernels if _alive(k)], "stray kernels remain"
    _check_after_kill(root, before)
    # The next build completes and clears the dead run's staging folder.
    r = build(root, *THREE)
    assert r.returncode == 0, r.stderr[-3000:]
    assert not staging.exists()


def test_sigkill_of_the_runner_alone_lets_kernels_exit_by_themselves(tmp_path, good_copy):
    root = fresh_copy(tmp_path, good_copy)
    add_cell(root, "import time\ntime.sleep(3)", position=-1)
    proc = build(root, *THREE, wait=False)
    deadline = time.monotonic() + 120
    kernels: list[int] = []
    while time.monotonic() < deadline and len(kernels) < 2:
        kernels = [k for k in _children(proc.pid) if "ipykernel" in Path(f"/proc/{k}/cmdline").read_text(errors="ignore")]
        time.sleep(0.2)
    time.sleep(2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20  # ipykernel polls its parent and shuts down when it is gone
    while time.monotonic() < deadline and any(_alive(k) for k in kernels):
        time.sleep(0.5)
    assert not [k for k in kernels if _alive(k)], "kernels outlived their killed runner"


@pytest.mark.parametrize("to", ["runner", "process_group"])
def test_ctrl_c_stops_the_build_now_keeps_previous_reports_and_leaves_no_kernels(tmp_path, good_copy, to):
    """Ctrl-C in a terminal sends SIGINT to the whole process group (`process_group`); `kill -INT` to the
    runner alone is the other case. Either way the build stops at once — it used to finish every queued
    briefing first —, says so, exits 130, promotes nothing half-made and leaves no kernel behind."""
    root = fresh_copy(tmp_path, good_copy)
    before = outputs(root)
    add_cell(root, "import time\ntime.sleep(8)", position=-1)  # finishing the rest would take ≥ 8 s more
    proc = build(root, *THREE, "--jobs", "2", wait=False)  # SIGINT at its default (projcopy)
    staging = root / "reports/2018-05/.staging"
    kernels = _kernels_once_briefings_run(proc, staging)
    if to == "runner":
        os.kill(proc.pid, signal.SIGINT)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    t = time.monotonic()
    _, err = proc.communicate(timeout=120)
    assert time.monotonic() - t < 6, f"the build went on for {time.monotonic() - t:.1f} s after Ctrl-C"
    assert proc.returncode == 130, err[-3000:]
    assert "Dihentikan oleh pengguna" in err and "Selesai" not in err and "Traceback" not in err, err[-3000:]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(k) for k in kernels):
        time.sleep(0.5)
    assert not [k for k in kernels if _alive(k)], "kernels outlived the interrupted build"
    _check_after_kill(root, before)
    r = build(root, *THREE)  # the next build completes and clears the interrupted run's staging folder
    assert r.returncode == 0, r.stderr[-3000:]
    assert not staging.exists()
