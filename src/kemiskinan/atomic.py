"""Atomic writes with the usual permissions: the one writer of every published and processed file.

Readers never see half a file or half a folder: everything is written under a temporary name next to its
destination and renamed into place (`os.replace`, atomic on one filesystem).

Permissions: `tempfile.mkstemp`/`mkdtemp` create 0600/0700 on purpose (private temp files), and a rename
keeps that mode, so every briefing written that way was readable by its owner only and gave "permission
denied" to everyone else once copied to a shared drive or a web server. Here the temporary file is created
with mode 0o666 (a folder 0o777) and `O_EXCL`, and the kernel applies the user's umask exactly as for any
file they create: 0644/0755 under umask 022, 0640/0750 under 027. Nothing reads or changes the umask
(`os.umask` can only be read by setting it, which races with other threads creating files).
"""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Callable, Union

Data = Union[bytes, str, Callable[[Path], object]]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _temp_name(parent: Path, prefix: str, suffix: str = "") -> Path:
    return parent / f"{prefix}{secrets.token_hex(6)}{suffix}"


def temp_file(path: str | os.PathLike) -> tuple[int, Path]:
    """An open, new, empty file beside `path` (same folder, so the final rename is atomic): (fd, its path).
    Mode 0o666 less the umask, like any file the user creates."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        tmp = _temp_name(path.parent, f".{path.name}.", ".tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"tidak dapat membuat file sementara di {path.parent}")


def temp_dir(parent: str | os.PathLike, prefix: str) -> Path:
    """A new, empty folder in `parent` (for a folder that replaces another by rename): mode 0o777 less the
    umask, like any folder the user creates (`mkdtemp` would make it 0700)."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        tmp = _temp_name(parent, prefix)
        try:
            os.mkdir(tmp, 0o777)
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"tidak dapat membuat folder sementara di {parent}")


def atomic_write(path: str | os.PathLike, data: Data) -> Path:
    """Write `data` to `path` atomically: bytes, text (UTF-8), or a function that writes the file whose
    path it is given (openpyxl's `Workbook.save`, a zip writer). The temporary file is removed on any
    failure, so the old `path` (if any) stays as it was."""
    path = Path(path)
    fd, tmp = temp_file(path)
    try:
        if callable(data):
            os.close(fd)
            fd = -1
            data(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_folder(out_dir: str | os.PathLike, write: Callable[[Path], object], *,
                 before_swap: Callable[[Path, Path], object] | None = None) -> Path:
    """Replace the folder `out_dir` as one piece: `write(tmp)` fills a new sibling folder, which then takes
    `out_dir`'s place by rename. `before_swap(tmp, out_dir)` runs just before, while the old folder is still
    there (to carry something over). On any failure the new folder is removed and the old one stays (or is
    put back), so a reader never sees half old and half new files."""
    out_dir = Path(out_dir)
    tmp = temp_dir(out_dir.parent, prefix=f".{out_dir.name}.baru-")   # umask's mode, not mkdtemp's 0700
    old = None
    try:
        write(tmp)
        if out_dir.exists():
            if before_swap is not None:
                before_swap(tmp, out_dir)
            old = out_dir.with_name(f".{out_dir.name}.lama-{os.getpid()}")
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not out_dir.exists():
            os.replace(old, out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out_dir
