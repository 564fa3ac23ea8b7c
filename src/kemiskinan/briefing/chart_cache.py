"""The chart cache: a chart's HTML snippet (`figures.to_html`), reused when the same chart was drawn before.

A chart is a pure function of its inputs and of the drawing code, so its HTML can be reused: by every
briefing of a build that shows the same chart (the BPS series is identical in all 19), and by the next
build for every chart whose slice did not change. Content-addressed, so it is never stale: the key is
the sha256 of the function, every argument (tables as CSV text plus dtypes, files by content) and the
source of the modules that draw (`_DRAWING_MODULES`) + the matplotlib, numpy and pandas versions.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kemiskinan import config
from kemiskinan.atomic import atomic_write
from kemiskinan.briefing.figures import to_html

# The modules whose source decides what a chart looks like: a change to any of them is a new key.
_DRAWING_MODULES = ("briefing/charts.py", "briefing/figures.py", "briefing/_mplfast.py", "briefing/chart_cache.py",
                    "briefing/maps.py", "briefing/fmt.py", "i18n.py")   # relative to src/kemiskinan/
CACHE_ENV = "KEMISKINAN_CHART_CACHE"  # a folder, or 0/off/false/no to switch the cache off
CACHE_MAX_FILES = 2000                # above this, the least recently used half is removed
_CACHE_FORMAT = b"chart-html-2"       # bump when the cached snippet's shape changes


class _Uncacheable(TypeError):
    """An argument whose content cannot be fingerprinted (a callable, an unknown object)."""


def cache_dir() -> Path | None:
    """The chart cache folder (`$KEMISKINAN_CHART_CACHE`, else data/processed/_cache/grafik), or None when off."""
    v = os.environ.get(CACHE_ENV, "").strip()
    if v.lower() in {"0", "off", "false", "no"}:
        return None
    if v:
        return Path(v)
    return config.PROCESSED_DIR / "_cache" / "grafik"


@lru_cache(maxsize=1)
def _code_version() -> bytes:
    h = hashlib.sha256(_CACHE_FORMAT)
    package = Path(__file__).resolve().parent.parent
    for name in _DRAWING_MODULES:   # a module missing here is a bug of this list: let it fail
        h.update(name.encode() + b"\0" + (package / name).read_bytes())
    h.update(matplotlib.__version__.encode() + b"\0" + np.__version__.encode() + b"\0" + pd.__version__.encode())
    return h.digest()


def _feed(h, obj: Any) -> None:
    """Feed a canonical, type-tagged serialisation of `obj` into hash `h` (order kept: a dict's order
    can change a chart, e.g. which series is drawn first)."""
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, (np.generic,)):
        h.update(f"np.{type(obj).__name__}:{obj.item()!r};".encode())
    elif isinstance(obj, pd.DataFrame):
        h.update(b"DF:" + repr([(str(c), str(t)) for c, t in obj.dtypes.items()]).encode())
        h.update(obj.to_csv(lineterminator="\n").encode() + b";")
    elif isinstance(obj, pd.Series):
        h.update(f"S:{obj.name!r}:{obj.dtype}:{obj.index.dtype}:".encode())
        h.update(obj.to_csv(lineterminator="\n").encode() + b";")
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            _feed(h, obj.tolist())
        else:
            h.update(f"A:{obj.dtype}:{obj.shape}:".encode() + obj.tobytes() + b";")
    elif isinstance(obj, Mapping):
        h.update(b"{")
        for k, v in obj.items():
            _feed(h, k)
            _feed(h, v)
        h.update(b"}")
    elif isinstance(obj, (list, tuple)):
        h.update(b"[" if isinstance(obj, list) else b"(")
        for v in obj:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(obj, (set, frozenset)):
        _feed(h, sorted(obj, key=repr))
    elif isinstance(obj, os.PathLike):
        p = Path(obj)
        if not p.is_file():
            raise _Uncacheable(f"bukan berkas: {p}")
        h.update(b"F:" + hashlib.sha256(p.read_bytes()).digest())
    elif isinstance(obj, (_dt.date, _dt.datetime, pd.Timestamp)):
        h.update(f"D:{obj.isoformat()};".encode())
    elif obj is pd.NA or obj is pd.NaT:
        h.update(f"NA:{obj!r};".encode())
    else:
        raise _Uncacheable(type(obj).__name__)


def cache_key(fn: Callable, *args, **kwargs) -> str | None:
    """sha256 of the chart function, its arguments and the drawing code; None if an argument is uncacheable."""
    h = hashlib.sha256(_code_version())
    h.update(f"{fn.__module__}.{fn.__qualname__}".encode())
    try:
        _feed(h, list(args))
        _feed(h, dict(sorted(kwargs.items())))
    except _Uncacheable:
        return None
    return h.hexdigest()


def _cache_read(path: Path) -> str | None:
    try:
        html = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not (html.startswith('<figure class="chart">') and html.endswith("</figure>")):
        return None  # not ours or damaged: draw again (and overwrite)
    try:
        os.utime(path)  # mark as recently used for pruning
    except OSError:
        pass
    return html


def _cache_write(folder: Path, path: Path, html: str) -> None:
    """temp file + os.replace: two kernels writing the same chart at once both succeed, a reader never
    sees half a file. A cache that cannot be written is not an error (the chart is already drawn)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, html)
        _cache_prune(folder)
    except OSError:
        pass


def _cache_prune(folder: Path) -> None:
    entries = []
    with os.scandir(folder) as it:
        for e in it:
            if e.name.endswith(".html"):
                entries.append(e)
    if len(entries) <= CACHE_MAX_FILES:
        return
    def mtime(e):
        try:
            return e.stat().st_mtime
        except OSError:
            return 0.0
    for e in sorted(entries, key=mtime)[: len(entries) - CACHE_MAX_FILES // 2]:
        try:
            os.unlink(e.path)
        except OSError:
            pass


def cached_html(fn: Callable[..., Figure], *args, **kwargs) -> str:
    """`to_html(fn(*args, **kwargs))`, reused from the chart cache when the same chart was drawn before."""
    folder = cache_dir()
    key = cache_key(fn, *args, **kwargs) if folder is not None else None
    path = folder / f"{key}.html" if key else None
    if path is not None:
        html = _cache_read(path)
        if html is not None:
            return html
    html = to_html(fn(*args, **kwargs))
    if path is not None:
        _cache_write(folder, path, html)
    return html
