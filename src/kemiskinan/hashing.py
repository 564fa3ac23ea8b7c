"""Content hashes that decide what a build may skip (see docs/architecture.md, "Incremental builds").

Every step's key is the sha256 of everything that made its output: inputs, parameters, the code that ran,
the notebook, and the lock. Only these cheap functions run on a no-op build.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from functools import lru_cache
from pathlib import Path

from kemiskinan.config import LOCK_FILE, NOTEBOOKS_DIR, PROJ_ROOT

PACKAGE_DIR = Path(__file__).resolve().parent


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while b := f.read(chunk):
            h.update(b)
    return h.hexdigest()


def files_stamp(paths) -> tuple:
    """(path, inode, size, mtime in ns) of each existing file: changes whenever a file is rewritten or
    replaced by rename (our writers always do one of the two). A per-process cache keyed on it re-reads
    when the data change and never serves tables of an older build; missing files simply drop out."""
    out = []
    for p in paths:
        try:
            st = Path(p).stat()
        except OSError:
            continue
        out.append((str(p), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(out)


def json_sha256(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def tree_sha256(files: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(str(f.relative_to(root)).encode() + b"\0")
        h.update(file_sha256(f).encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_sha256() -> str:
    """The package's source, templates and metadata: any change to what computes or renders."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p.suffix in {".py", ".j2", ".json", ".yml", ".yaml", ".css", ".html"}]
    return tree_sha256(files, PACKAGE_DIR)


def notebook_sha256(name: str) -> str:
    """Hash of a notebook's cells only, so opening it in JupyterLab (metadata churn) is not a change."""
    nb = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))
    cells = [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
              sorted(c.get("metadata", {}).get("tags", []))) for c in nb["cells"]]
    return json_sha256(cells)


@lru_cache(maxsize=1)
def lock_sha256() -> str:
    return file_sha256(LOCK_FILE)


def reference_hashes() -> dict[str, str]:
    ref = PROJ_ROOT / "data" / "reference"
    return {p.name: file_sha256(p) for p in sorted(ref.glob("*.csv"))}


def git_info() -> dict:
    def run(*args):
        try:
            return subprocess.run(["git", *args], cwd=PROJ_ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    sha = run("rev-parse", "HEAD")
    dirty = bool(run("status", "--porcelain", "--untracked-files=no"))
    return {"git_sha": sha or "tidak-diketahui", "git_dirty": dirty}
