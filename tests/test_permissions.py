"""Shareable as written: a real build creates every file and folder with the usual permissions under the
user's umask (0644/0755 under 022, 0640/0750 under 027) — atomic writes included, which used mkstemp/mkdtemp
(0600/0700) and left every briefing readable by its owner only."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from projcopy import env_for

LOK_TUAN = "64.74.01.1003"


def _modes(top):
    """(relative path, 'd'/'f', permission bits) of `top` itself and everything under it."""
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        out.append((os.path.relpath(dirpath, top), "d", stat.S_IMODE(os.stat(dirpath).st_mode)))
        for f in filenames:
            p = os.path.join(dirpath, f)
            out.append((os.path.relpath(p, top), "f", stat.S_IMODE(os.lstat(p).st_mode)))
    return out


@pytest.mark.parametrize("umask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)],
                         ids=["umask022", "umask027"])
def test_a_real_build_writes_files_and_folders_under_the_umask(project_copy, umask, file_mode, dir_mode):
    root = project_copy  # nothing built: steps 01/02 must write data/processed under the umask too
    r = subprocess.run([sys.executable, "-m", "kemiskinan", "build", "--params", "params/sample.yml", "--no-progress",
                        "--wilayah", LOK_TUAN, "--formats", "html,pdf,analis"],
                       cwd=root, env=env_for(root), capture_output=True, text=True, timeout=600, umask=umask)
    assert r.returncode == 0, r.stderr[-3000:]
    reports = root / "reports" / "2018-05"
    processed = root / "data" / "processed" / "2018-05"
    # every kind of published output is there: briefing HTML + PDF, index, run.json, analysts' HTML + XLSX,
    # executed notebooks; and the processed tables with the indicator folder
    for rel in ("kelurahan_lok_tuan.html", "kelurahan_lok_tuan.pdf", "index.html", "run.json",
                "analis/kelurahan_lok_tuan.html", "analis/kelurahan_lok_tuan.xlsx",
                "notebooks/03_briefing__kelurahan_lok_tuan.ipynb", "notebooks/01_bersihkan_data.ipynb"):
        assert (reports / rel).is_file(), rel
    assert (processed / "indikator").is_dir() and list(processed.glob("*.parquet"))
    wrong = [(p, kind, oct(mode)) for top in (reports, processed) for p, kind, mode in _modes(top)
             if mode != (dir_mode if kind == "d" else file_mode)]
    assert not wrong, f"umask {umask:03o}: expected {file_mode:o}/{dir_mode:o}, got {wrong[:20]}"
