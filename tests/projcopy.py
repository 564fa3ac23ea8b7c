"""A throw-away copy of the project tree for tests that change notebooks, data or references, or kill
builds. KEMISKINAN_ROOT re-anchors every project path (kemiskinan.config) at the copy; the package code
itself stays the installed one."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from kemiskinan import config


def make_copy(dest: Path, sample_raw: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("notebooks", "params", "profiles"):  # profiles/*.yml are inputs of step 01 like the raw files
        shutil.copytree(config.PROJ_ROOT / name, dest / name)
    shutil.copytree(config.REFERENCE_DIR, dest / "data" / "reference")
    raw = dest / "data" / "raw" / "sample"
    raw.mkdir(parents=True)
    for f in sample_raw.iterdir():
        if f.is_file() and f.suffix.lower() in {".csv", ".xlsx", ".xls"}:
            shutil.copy2(f, raw / f.name)
    shutil.copy2(config.LOCK_FILE, dest / config.LOCK_FILE.name)
    return dest


def seed_processed(root: Path, processed: Path) -> None:
    """Copy a built period's data/processed/<periode> (stamps included) into the copy: its steps 01/02 keys
    depend only on files the copy holds identically, so the copy's next build skips them."""
    shutil.copytree(processed, root / "data" / "processed" / processed.name)


def env_for(root: Path) -> dict:
    e = dict(os.environ)
    e["KEMISKINAN_ROOT"] = str(root)
    return e


def build(root: Path, *args: str, timeout: float = 600, wait: bool = True):
    cmd = [sys.executable, "-m", "kemiskinan", "build", "--params", "params/sample.yml", "--no-progress", *args]
    if not wait:
        # Its own process group, with SIGINT at its default: a shell running this suite in the background
        # ignores SIGINT, and a test that interrupts the build must mean what Ctrl-C in a terminal means.
        return subprocess.Popen(cmd, cwd=root, env=env_for(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return subprocess.run(cmd, cwd=root, env=env_for(root), capture_output=True, text=True, timeout=timeout)


def add_cell(root: Path, source: str, position: int | None = None, nb: str = "03_briefing.ipynb") -> None:
    """Insert a code cell into the copy's notebook (after the parameters cell by default: position=None)."""
    p = root / "notebooks" / nb
    data = json.loads(p.read_text())
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}
    if position is None:
        position = next(i for i, c in enumerate(data["cells"])
                        if "parameters" in c.get("metadata", {}).get("tags", [])) + 1
    if position < 0:
        data["cells"].append(cell)
    else:
        data["cells"].insert(position, cell)
    p.write_text(json.dumps(data))


def run_json(root: Path, periode: str = "2018-05") -> dict:
    return json.loads((root / "reports" / periode / "run.json").read_text())
