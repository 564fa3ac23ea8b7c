"""Notebook execution for the build: warm Jupyter kernels (`WarmKernel`, `KernelPool`), papermill with an
engine that writes the executed notebook once (`register_engine`), and `NotebookExecutor`, which runs one
notebook in a warm kernel with a reset cell first, a timeout, and the partial notebook kept on failure."""
from __future__ import annotations

import copy
import json
import queue
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from kemiskinan import config
from kemiskinan.atomic import atomic_write
from kemiskinan.build.records import log

RESET_SOURCE = """\
# Reset between briefings in a reused kernel: no variable, output or figure survives from the last one.
# (The names are deleted directly: %reset -f would run a full garbage collection every time.)
_ip, _k = get_ipython(), None
for _k in [k for k in list(_ip.user_ns) if k not in _ip.user_ns_hidden and k not in ("_ip", "_k")]:
    del _ip.user_ns[_k]
_ip.user_ns.update({"_": "", "__": "", "___": ""})
_ip.user_ns.get("Out", {}).clear()
_ip.history_manager.output_hist.clear()
_ip.execution_count = 1  # the executed notebook then reads as if from a fresh kernel
import matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all")
_mpl.rcParams.update(getattr(_mpl, "_kemiskinan_rc0", {}))
del _ip, _k, _mpl, _plt
"""


class StepFailed(Exception):
    def __init__(self, message: str, partial: Path | None = None):
        super().__init__(message)
        self.partial = partial


ENGINE = "kemiskinan"


def decline_rfc3987_syntax() -> None:
    """jsonschema imports `rfc3987_syntax` (installed with jupyterlab, via jupyter-events) only to check
    the "iri" string formats, and that import builds a lark grammar before nbformat is usable (bench/ has
    the cost). The notebook schema nbformat validates against has no iri format,
    so the build process declines the optional import (jsonschema skips it on ImportError); nothing the
    build validates changes. Other processes (JupyterLab, the kernels) are untouched."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # a None entry makes `import` raise ImportError


def register_engine() -> None:
    """papermill's nbclient engine, except that the executed notebook is not written before and after
    every cell: those per-cell writes would serialise the whole notebook with its embedded charts once per
    cell. What is still written, once:
    - execution ended normally (also after a failing cell, which nbclient records and stops at):
      papermill's own final write (with its error markers when a cell failed) — so the engine's save
      would only write the same notebook a second time;
    - the engine raised (dead kernel, timeout kill, interrupt): papermill writes nothing after that, so the
      engine saves the partial notebook here, in its `finally`.
    The partial notebook kept under reports/_failed/ is the one written in either case."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class FinalSaveManager(NotebookExecutionManager):
        raised = False

        def save(self, **kwargs):
            if self.end_time is not None and self.raised:  # notebook_complete's save, after a raise
                super().save(**kwargs)

    class FinalSaveEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):
            nb_man = FinalSaveManager(nb, output_path=output_path, progress_bar=progress_bar,
                                      log_output=log_output, autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            except BaseException:
                nb_man.raised = True
                raise
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, FinalSaveEngine)


class WarmKernel:
    """One Jupyter kernel of the project's kernelspec, kept alive across notebooks.

    It must be an AsyncKernelManager: nbclient drives its client from an event loop, and the blocking
    client a plain KernelManager hands out would block that loop while waiting for output — so a hung
    cell would never reach its timeout.
    """

    def __init__(self, name: str):
        self.name = name
        self.km = None
        self.ipc_dir = ""
        self.starts = 0  # kernel processes started (1 per build unless one had to be replaced); run.json

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # IPC sockets in a private temp folder, not TCP on loopback: no port races between parallel
        # kernels, and no "running over TCP without encryption" warning on every start.
        self.ipc_dir = tempfile.mkdtemp(prefix="kemiskinan-ipc-")
        self.km = AsyncKernelManager(kernel_name=config.KERNEL_NAME, transport="ipc",
                                     ip=str(Path(self.ipc_dir) / "kernel"))
        # The kernel's working directory is the project root, whatever the caller's cwd; it imports the
        # heavy modules while it boots (kemiskinan/build/_warm.py), in parallel with whatever else runs.
        run_sync(self.km.start_kernel)(cwd=str(config.PROJ_ROOT),
                                       extra_arguments=["--IPKernelApp.exec_lines=import kemiskinan.build._warm",
                                                        # no history database: nothing to share between
                                                        # briefings, and no sqlite writes per cell
                                                        "--HistoryManager.enabled=False"])
        self.starts += 1

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def kill(self) -> None:
        from jupyter_core.utils import run_sync

        km, ipc_dir = self.km, self.ipc_dir  # this kernel's, even if a restart replaces them meanwhile
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # already dead: nothing to clean up
                pass
            shutil.rmtree(ipc_dir, ignore_errors=True)

    def restart_fresh(self) -> None:
        self.kill()
        self.start()


class KernelPool:
    def __init__(self, size: int):
        self.kernels = [WarmKernel(f"kernel-{i}") for i in range(size)]
        self.free: queue.Queue[WarmKernel] = queue.Queue()
        self._started: list[threading.Thread] = []

    def start(self) -> None:
        """Start every kernel in the background; each becomes free once started."""
        def boot(k: WarmKernel):
            try:
                k.start()
            except Exception as e:  # a kernel that cannot start is reported when a job needs it
                log(f"Peringatan: kernel {k.name} gagal dipanaskan: {e}")
            self.free.put(k)

        for k in self.kernels:
            t = threading.Thread(target=boot, args=(k,), daemon=True)
            t.start()
            self._started.append(t)

    def acquire(self) -> WarmKernel:
        return self.free.get()

    def release(self, k: WarmKernel) -> None:
        self.free.put(k)

    def shutdown(self) -> None:
        for t in self._started:
            t.join(timeout=60)
        for k in self.kernels:
            k.kill()



class NotebookExecutor:
    """Runs notebooks in warm kernels for one build: staging and failure folders, timeouts, and the build's
    stop event (set on Ctrl-C: nothing more is started or replaced)."""

    def __init__(self, staging: Path, failed_dir: Path, *, cell_timeout: float, notebook_timeout: float,
                 stopping: threading.Event):
        self.staging = staging
        self.failed_dir = failed_dir
        self.cell_timeout = cell_timeout
        self.notebook_timeout = notebook_timeout
        self._stopping = stopping
        self._pm = None
        self._nb_cache: dict[str, object] = {}

    @property
    def pm(self):
        if self._pm is None:
            decline_rfc3987_syntax()
            import papermill

            register_engine()
            self._pm = papermill
        return self._pm

    def _notebook(self, name: str):
        import nbformat

        if name not in self._nb_cache:
            self._nb_cache[name] = nbformat.read(config.NOTEBOOKS_DIR / name, as_version=4)
        return self._nb_cache[name]

    def execute(self, k: WarmKernel, nb_name: str, parameters: dict, label: str, meta: dict):
        """Run one notebook in a warm kernel; returns the executed NotebookNode (reset cell removed)."""
        import nbformat

        nb = copy.deepcopy(self._notebook(nb_name))
        reset = nbformat.v4.new_code_cell(RESET_SOURCE)
        reset.metadata["tags"] = ["reset", "hide"]
        nb.cells.insert(0, reset)
        nb.metadata["kemiskinan"] = meta
        nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python (kemiskinan)",
                                     "language": "python"}
        partial = self.staging / "_eksekusi" / f"{Path(nb_name).stem}__{label}.ipynb"
        partial.parent.mkdir(parents=True, exist_ok=True)
        if self._stopping.is_set():  # interrupted while this job waited for its kernel
            raise StepFailed(f"notebook {nb_name}, {label}: build dihentikan")
        if not k.alive():
            k.restart_fresh()
        timed_out = threading.Event()

        def on_timeout():
            timed_out.set()
            k.kill()  # nbclient then raises DeadKernelError in the executing thread

        timer = threading.Timer(self.notebook_timeout, on_timeout)
        timer.start()
        try:
            out = self.pm.execute_notebook(nb, str(partial), parameters=parameters, km=k.km, engine_name=ENGINE,
                                           kernel_name=config.KERNEL_NAME, progress_bar=False,
                                           execution_timeout=self.cell_timeout, log_output=False,
                                           cwd=str(config.PROJ_ROOT))
        except BaseException as e:
            timer.cancel()
            timer.join()  # a timeout kill still running must finish before the kernel is replaced
            if isinstance(e, KeyboardInterrupt) or self._stopping.is_set():
                raise  # the build is stopping: no failure report, no replacement kernel
            kept = self._keep_failed(partial, nb_name, label)
            where = self._failed_cell(e, kept)
            if timed_out.is_set():
                reason = f"melewati batas waktu notebook {self.notebook_timeout:g} detik (kernel dihentikan)"
            else:
                reason = self._error_text(e)
            # Whatever failed, the kernel is in an unknown state (a timed-out cell may still be running and
            # would block the next briefing's reset): replace it before it serves another notebook.
            if not self._stopping.is_set():
                try:
                    k.restart_fresh()
                except Exception:
                    pass
            raise StepFailed(f"notebook {nb_name}, {label}, {where}: {reason}\n"
                             f"  Notebook sebagian disimpan di {kept}", kept) from None
        timer.cancel()
        out.cells = [c for c in out.cells if "reset" not in c.metadata.get("tags", [])]
        return out

    @staticmethod
    def _error_text(e: BaseException) -> str:
        name = type(e).__name__
        if name == "PapermillExecutionError":
            return f"{e.ename}: {e.evalue}"
        if name == "CellTimeoutError":
            return "sel melewati batas waktu per sel"
        if name == "DeadKernelError":
            return "kernel mati (kehabisan memori atau dihentikan)"
        return f"{name}: {e}"

    @staticmethod
    def _failed_cell(e: BaseException, kept: Path | None) -> str:
        """`sel N «first line»`: N counts the executed notebook's cells (the reset cell is 0), without
        the red banner cells papermill adds after an error; the cell's first line says which one it is in
        the notebook the analyst edits, whose own numbering differs (no reset or injected-parameter cell)."""
        idx = getattr(e, "cell_index", None)
        cells: list = []
        if kept and kept.exists():
            try:
                cells = [c for c in json.loads(kept.read_text(encoding="utf-8"))["cells"]
                         if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
            except (OSError, ValueError, KeyError):  # unreadable: the cell stays unknown
                pass
        if idx is None and cells:
            pm = [c.get("metadata", {}).get("papermill", {}) for c in cells]
            idx = next((i for i, m in enumerate(pm) if m.get("status") == "running" or m.get("exception")), None)
            if idx is None:
                # A dead kernel or a timeout is no CellExecutionError: papermill marks the cell "completed"
                # in its `finally` all the same. It is the last cell that started; the rest never did.
                started = [i for i, m in enumerate(pm) if m.get("start_time")]
                idx = started[-1] if started else None
        if idx is None:
            return "sel tidak diketahui"
        if idx < len(cells):
            src = cells[idx].get("source", "")
            first = next((ln.strip() for ln in ("".join(src) if isinstance(src, list) else src).splitlines()
                          if ln.strip()), "")
            if first:
                return f'sel {idx} «{first[:60]}{"…" if len(first) > 60 else ""}»'
        return f"sel {idx}"

    def _keep_failed(self, partial: Path, nb_name: str, label: str) -> Path | None:
        if not partial.exists():
            return None
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        dest = self.failed_dir / f"{Path(nb_name).stem}__{label}.ipynb"
        shutil.copyfile(partial, dest)
        return dest

    def write_notebook(self, nb, dest: Path) -> None:
        from nbformat.v4 import nbjson

        # nbformat's writer, minus its schema validation (which only logs): papermill validated this
        # notebook when it wrote it moments ago; the reset cell removed since does not change its validity
        atomic_write(dest, nbjson.writes(nb) + "\n")   # + the newline nbformat.write adds
