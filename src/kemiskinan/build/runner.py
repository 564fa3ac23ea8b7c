"""`python -m kemiskinan build`: every briefing from raw files, incrementally, in parallel, safely.

Steps (docs/architecture.md has the diagram):
  01 clean      notebooks/01_bersihkan_data.ipynb   raw files        → data/processed/<periode>/
  02 indicators notebooks/02_hitung_indikator.ipynb clean tables     → data/processed/<periode>/indikator/
  03 briefing   notebooks/03_briefing.ipynb × wilayah indicator slice → reports/<periode>/…

Why it is fast: start-up is paid once, not per document. Each of `--jobs` workers owns one Jupyter kernel
that is started while step 01 runs, warmed with the heavy imports, and reused for every briefing it
executes; a reset cell (`%reset -f`, figures closed, matplotlib defaults restored) runs first in every
notebook so one briefing cannot see the previous one's variables. One Chromium prints every PDF, in its
own thread, while the kernels execute the next briefings. papermill is imported once.

Why it is safe: every step is keyed by the hash of what made it (inputs, parameters, code, notebook,
lock); an unchanged step is skipped. Outputs are written to a staging folder and renamed into place only
when the briefing is complete and passed the PII guard, so a failed or killed build never replaces the
last good briefing. A failed notebook is kept under reports/_failed/ and named in the message; the other
briefings still finish; the exit code is non-zero when anything failed.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import sys
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kemiskinan import __version__, config, hashing

from kemiskinan.briefing import i18n
from kemiskinan.atomic import atomic_write
from kemiskinan.build import params as params_mod
from kemiskinan.domain import periode as periode_mod
from kemiskinan.domain import wilayah as wil
from kemiskinan.errors import InputError, ParameterError

NB_CLEAN, NB_INDICATORS, NB_BRIEFING = params_mod.NOTEBOOKS
RAW_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".xlsm"}

RESET_SOURCE = """\
# Reset between briefings in a reused kernel: no variable, output or figure survives from the last one.
# (Deleting the names directly costs ~10 ms; %reset -f runs a full gc and costs ~0.2-0.7 s per briefing.)
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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _write_json_atomic(path: Path, obj) -> None:
    atomic_write(path, json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def slug(w: wil.Wilayah) -> str:
    """File name stem of a wilayah's briefing: `kota_bontang`, `kecamatan_bontang_utara`, `kelurahan_lok_tuan`."""
    import re
    import unicodedata

    # Only [a-z0-9_]: a name from a hand-edited reference table (with `/`, `..` or markup) must never
    # become a path component.
    base = unicodedata.normalize("NFKD", w.nama.lower().replace("kota ", "", 1))
    base = re.sub(r"[^a-z0-9]+", "_", base.encode("ascii", "ignore").decode()).strip("_") or "wilayah"
    return f"{w.tingkat}_{base}"


def index_entries(indikator_dir: Path, files: dict[str, dict]) -> list[dict]:
    """The cards of a period index (`render.write_index`): one per wilayah code in `files`
    ({kode: {"html": name, "pdf": name}}), with its KKS coverage and poor families from `ringkasan`.
    The build's index and the share bundles' indexes (kemiskinan.publish.share) are made from it."""
    from kemiskinan.indicators import load_all

    ring = load_all(indikator_dir)["ringkasan"].set_index("kode_wilayah")
    entries = []
    for w in wil.briefing_wilayah():
        if w.kode not in files:
            continue
        row = ring.loc[w.kode] if w.kode in ring.index else None
        entries.append({"kode": w.kode, "nama": w.nama, "tingkat": w.tingkat, "induk": w.induk,
                        "cakupan_kks": None if row is None else row.get("cakupan_kks"),
                        "keluarga_miskin": None if row is None else row.get("keluarga_miskin"),
                        "html": files[w.kode].get("html"), "pdf": files[w.kode].get("pdf")})
    return entries


def kota_headline(ringkasan) -> dict | None:
    """The kota row's keluarga miskin and KKS coverage, as numbers and as Indonesian text (`fmt`), for
    run.json: the periods index (`write_periods_index`) is then made from run.json files alone."""
    from kemiskinan.briefing import fmt

    r = ringkasan[ringkasan["tingkat"].astype(str) == "kota"]
    if not len(r):
        return None
    r = r.iloc[0]

    def num(v, kind):
        return None if fmt.is_na(v) else kind(v)

    out = {"target": num(r.get("target"), str), "keluarga_miskin": num(r.get("keluarga_miskin"), int),
           "keluarga_kks": num(r.get("keluarga_kks"), int), "cakupan_kks": num(r.get("cakupan_kks"), float)}
    out["teks"] = {"keluarga_miskin": fmt.angka(out["keluarga_miskin"]), "cakupan_kks": fmt.persen(out["cakupan_kks"])}
    return out


def periods_built(reports_root: Path) -> list[dict]:
    """Every period with a build record (`reports/<p>/run.json`, or only `reports/<p>/en/run.json`),
    newest first: {periode, index (relative link), en (link or None), sintetis, kota, waktu}."""
    out = []
    root = Path(reports_root)
    if not root.is_dir():
        return out
    for d in sorted((p for p in root.iterdir() if p.is_dir() and periode_mod.PERIODE_RE.match(p.name)),
                    key=lambda p: p.name, reverse=True):
        rid, ren = _read_json(d / "run.json"), _read_json(d / "en" / "run.json")
        if rid is None and ren is None:
            continue
        rec = rid or ren
        out.append({"periode": d.name,
                    "index": f"{d.name}/index.html" if rid is not None and (d / "index.html").is_file() else None,
                    "en": f"{d.name}/en/index.html" if ren is not None and (d / "en" / "index.html").is_file() else None,
                    "sintetis": bool(rec.get("sintetis")), "kota": rec.get("kota") or (ren or {}).get("kota"),
                    "periode_sebelumnya": rec.get("periode_sebelumnya"), "waktu": rec.get("waktu_selesai")})
    return out


def write_periods_index(reports_root: Path) -> Path:
    """`reports/index.html`: every period built, newest first, with the kota's KKS coverage and keluarga
    miskin and a link to the period's own index. Made from the run.json files only (no pandas), atomically."""
    from kemiskinan.publish import render

    return render.write_periods_index(reports_root, periods_built(reports_root))


class StepFailed(Exception):
    def __init__(self, message: str, partial: Path | None = None):
        super().__init__(message)
        self.partial = partial


# --------------------------------------------------------------------------------------------- papermill
ENGINE = "kemiskinan"


def _decline_rfc3987_syntax() -> None:
    """jsonschema imports `rfc3987_syntax` (installed with jupyterlab, via jupyter-events) only to check
    the "iri" string formats, and that import builds a lark grammar: 1.2–1.6 s of CPU before nbformat is
    usable (measured in bench/). The notebook schema nbformat validates against has no iri format,
    so the build process declines the optional import (jsonschema skips it on ImportError); nothing the
    build validates changes. Other processes (JupyterLab, the kernels) are untouched."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # a None entry makes `import` raise ImportError


def _register_engine() -> None:
    """papermill's nbclient engine, except that the executed notebook is not written before and after
    every cell: those per-cell writes serialised the whole notebook with its embedded charts ~26 times per
    briefing (6–7 s of the build process's CPU for 19 briefings). What is still written, once:
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


def _warm_xlsx_worker() -> None:
    """Run first in the workbook process: its imports are paid while step 01 runs."""
    import openpyxl  # noqa: F401

    import kemiskinan.briefing.data  # noqa: F401
    import kemiskinan.publish.xlsx  # noqa: F401
    import kemiskinan.indicators  # noqa: F401


# ----------------------------------------------------------------------------------------------- kernels
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

        import tempfile

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
                _log(f"Peringatan: kernel {k.name} gagal dipanaskan: {e}")
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


# ------------------------------------------------------------------------------------------------ PDFs
class PdfWorker:
    """One Chromium for the whole build, driven from one thread (playwright's sync API is per-thread)."""

    def __init__(self, warm: bool = False):
        self.jobs: queue.Queue = queue.Queue()
        self.warm = warm
        self.thread = threading.Thread(target=self._run, daemon=True, name="pdf")
        self.error: BaseException | None = None
        self.printer = None  # the thread's PdfPrinter; its `launches` go into run.json
        self.thread.start()

    def _run(self):
        from kemiskinan.publish.render import PdfPrinter

        printer = self.printer = PdfPrinter()  # launches Chromium on its first print, or now if warm
        if self.warm:  # now: while step 01 runs on one core, not when the first briefing needs it
            try:
                printer.start()
            except BaseException:  # retried, and reported to the briefing, when the first PDF is asked for
                pass
        try:
            while True:
                job = self.jobs.get()
                if job is None:
                    break
                html, pdf, footer, info, fut = job
                try:
                    printer.print(html, pdf, footer, info)
                    fut.set_result(pdf)
                except BaseException as e:  # report to the waiting briefing, keep serving the others
                    fut.set_exception(e)
        finally:
            printer.close()

    def submit(self, html: Path, pdf: Path, footer: dict, info: dict | None = None) -> Future:
        fut: Future = Future()
        self.jobs.put((html, pdf, footer, info, fut))
        return fut

    def close(self, drop_pending: bool = False):
        """Stop after the jobs already queued — or, with `drop_pending` (an interrupted build), without them."""
        if drop_pending:
            while True:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    job[-1].cancel()
        self.jobs.put(None)
        self.thread.join(timeout=120)


# --------------------------------------------------------------------------------------------- builder
@dataclass
class BriefingResult:
    kode: str
    nama: str
    status: str                     # "dibuat" | "dilewati" | "gagal"
    outputs: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    parts: dict = field(default_factory=dict)


class Builder:
    def __init__(self, bp: params_mod.BuildParams, *, jobs: int, force: bool, cell_timeout: float,
                 notebook_timeout: float, progress: bool = True):
        self.bp = bp
        self.jobs = max(1, jobs)
        self.force = force
        self.cell_timeout = cell_timeout
        self.notebook_timeout = notebook_timeout
        self.progress = progress
        self.periode = bp.periode
        self.lang = bp.lang
        self.formats = bp.values["formats"]
        self.raw_dir = config.raw_dir(bp.values["raw"])
        self.processed = config.processed_dir(self.periode)
        self.indikator_dir = self.processed / "indikator"
        self.reports_root = config.REPORTS_DIR
        self.out_root = config.reports_dir(self.periode) / ("" if self.lang == "id" else self.lang)
        self.failed_dir = config.REPORTS_DIR / "_failed" / self.periode
        self.run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"
        self.staging = self.out_root / ".staging" / self.run_id
        self.timings: dict[str, float] = {}
        self.steps: dict[str, str] = {}
        self.failures: list[str] = []
        self._pm = None
        self._nb_cache: dict[str, object] = {}
        self.pool: KernelPool | None = None
        self.pdf: PdfWorker | None = None
        self._xlsx = None
        self._xlsx_lock = threading.Lock()
        # Set when the build is interrupted (Ctrl-C): no kernel is replaced, nothing more is promoted, and
        # the briefings not yet started are dropped, so the build stops now instead of finishing them.
        self._stopping = threading.Event()
        self.git = hashing.git_info()
        self.prev: str | None = None            # the period step 02 compares with (resolved in run())
        self._prev_hashes: dict[str, str] | None = None
        self.kota: dict | None = None           # the kota's headline numbers, from step 02's stamp (run.json)

    # ---------------------------------------------------------------- inputs and keys
    def raw_files(self) -> list[Path]:
        if not self.raw_dir.is_dir():
            raise InputError("folder data mentah tidak ditemukan", file=self.raw_dir,
                             hint="untuk data contoh jalankan `python -m kemiskinan sample-data`")
        files = sorted(p for p in self.raw_dir.iterdir() if p.is_file() and p.suffix.lower() in RAW_SUFFIXES)
        if not files:
            raise InputError("folder data mentah tidak berisi file CSV/XLSX/XLS", file=self.raw_dir)
        return files

    def profile_files(self) -> list[Path]:
        """The source profiles the reading may use: the raw folder's sumber.yml and every reusable profile in
        profiles/ (all of them rather than only those sumber.yml names: no YAML parsing on the no-op path).
        An edited profile changes how the raw files are read, so it is an input like them."""
        own = [self.raw_dir / "sumber.yml"] if (self.raw_dir / "sumber.yml").is_file() else []
        shared = config.PROJ_ROOT / "profiles"
        return own + (sorted(q for q in shared.glob("*.y*ml") if q.is_file()) if shared.is_dir() else [])

    def input_hashes(self) -> dict[str, str]:
        return {str(p.relative_to(config.PROJ_ROOT) if p.is_relative_to(config.PROJ_ROOT) else p):
                hashing.file_sha256(p) for p in self.raw_files() + self.profile_files()}

    def previous(self) -> str | None:
        """The period this one is compared with: notebook 02's `periode_sebelumnya`, resolved by the same
        function the notebook calls (ParameterError when the period asked for is not built or not earlier)."""
        return periode_mod.previous_period(self.periode, self.bp.values.get("periode_sebelumnya", ""),
                                           config.PROCESSED_DIR)

    def previous_hashes(self) -> dict[str, str]:
        """sha256 of the previous period's files the comparison reads (`periode.PREVIOUS_FILES`), by path
        relative to the project: inputs of step 02, so changing the old round's tables re-runs this round's
        comparison (and, through the slices, the briefings that show it). Read only, never written."""
        if self._prev_hashes is None:
            files = periode_mod.previous_files(config.processed_dir(self.prev)) if self.prev else []
            self._prev_hashes = {self._relpath(p): hashing.file_sha256(p) for p in files}
        return self._prev_hashes

    @staticmethod
    def _relpath(p: Path) -> str:
        return str(p.relative_to(config.PROJ_ROOT) if p.is_relative_to(config.PROJ_ROOT) else p)

    def common_key(self) -> dict:
        return {"code": hashing.code_sha256(), "lock": hashing.lock_sha256(),
                "reference": hashing.reference_hashes()}

    # ---------------------------------------------------------------- execution
    @property
    def pm(self):
        if self._pm is None:
            _decline_rfc3987_syntax()
            import papermill

            _register_engine()
            self._pm = papermill
        return self._pm

    def _notebook(self, name: str):
        import nbformat

        if name not in self._nb_cache:
            self._nb_cache[name] = nbformat.read(config.NOTEBOOKS_DIR / name, as_version=4)
        return self._nb_cache[name]

    def execute(self, k: WarmKernel, nb_name: str, parameters: dict, label: str, meta: dict):
        """Run one notebook in a warm kernel; returns the executed NotebookNode (reset cell removed)."""
        import copy

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

    def _write_notebook(self, nb, dest: Path) -> None:
        from nbformat.v4 import nbjson

        # nbformat's writer, minus its schema validation (which only logs): papermill validated this
        # notebook when it wrote it moments ago; the reset cell removed since does not change its validity
        atomic_write(dest, nbjson.writes(nb) + "\n")   # + the newline nbformat.write adds

    def meta(self, kode: str | None = None) -> dict:
        w = wil.get(kode) if kode else None
        return {"periode": self.periode, "run_id": self.run_id, "git_sha": self.git["git_sha"],
                "versi": __version__, "lang": self.lang,
                "wilayah": kode or "", "nama_wilayah": (w.nama if w else ""),
                # the HTML <title> and so the PDF's /Title, in the briefing's language
                "judul": f"{i18n.t('judul_dokumen', self.lang)} — {w.nama}" if w else "",
                "tingkat": (w.tingkat if w else ""), **self._from_clean_meta()}

    def _from_clean_meta(self) -> dict:
        """From the clean meta.json (read once): `sintetis` (True when absent) and the round's data for the
        PDF's /Subject (`vintage`: `DTKS 2019-05`, or PBDT 2015 + MPM)."""
        m = _read_json(self.processed / "meta.json")
        v = (m or {}).get("vintage") or {}
        return {"sintetis": bool(m.get("sintetis")) if m else True,
                **({"data_bdt": str(v.get("bdt") or ""), "data_mpm": "mpm" in v} if v else {})}

    def _synthetic(self) -> bool:
        return self._from_clean_meta()["sintetis"]

    # ---------------------------------------------------------------- the steps
    def step(self, name: str, key: dict, stamp: Path, outputs_ok, run) -> bool:
        """Run `run()` unless the stamp at `stamp` records the same key and the outputs exist."""
        t = time.perf_counter()
        key_hash = hashing.json_sha256(key)
        old = _read_json(stamp)
        if not self.force and old and old.get("key") == key_hash and outputs_ok():
            self.steps[name] = "dilewati"
            _log(f"• {name}: tidak berubah, dilewati")
        else:
            _log(f"• {name}: dijalankan …")
            extra = run() or {}
            _write_json_atomic(stamp, {"key": key_hash, "run_id": self.run_id, "waktu": _now(), **extra})
            self.steps[name] = "dijalankan"
        self.timings[name] = round(time.perf_counter() - t, 3)
        return self.steps[name] == "dijalankan"

    def clean_key(self, inputs: dict) -> dict:
        return {"step": NB_CLEAN, "inputs": inputs, "params": self.bp.for_notebook(NB_CLEAN),
                "nb": hashing.notebook_sha256(NB_CLEAN), **self.common_key()}

    def indicators_key(self, clean_stamp: dict | None) -> dict:
        # Keyed on what step 01 wrote, so a re-run of 01 that changed nothing lets 02 be skipped.
        # The previous period (issue 20): its resolved name and the sha256 of what the comparison reads.
        return {"step": NB_INDICATORS, "clean": (clean_stamp or {}).get("outputs"),
                "params": self.bp.for_notebook(NB_INDICATORS), "nb": hashing.notebook_sha256(NB_INDICATORS),
                "sebelumnya": {"periode": self.prev, "files": self.previous_hashes()}, **self.common_key()}

    def _run_city_notebook(self, nb_name: str) -> None:
        """Execute step 01 or 02 in a warm kernel and keep the executed notebook under reports/."""
        k = self.pool.acquire()
        try:
            nb = self.execute(k, nb_name, self.bp.for_notebook(nb_name), "kota", self.meta())
        finally:
            self.pool.release(k)
        self._write_notebook(nb, self.out_root / "notebooks" / nb_name)

    def run_clean(self, inputs: dict) -> None:
        def run():
            self._run_city_notebook(NB_CLEAN)
            return {"outputs": self._processed_hashes()}

        self.step("01 bersihkan data", self.clean_key(inputs), self.processed / ".stamp.json",
                  lambda: (self.processed / "meta.json").exists(), run)

    def _processed_hashes(self) -> dict:
        return {p.name: hashing.file_sha256(p) for p in sorted(self.processed.glob("*.parquet"))}

    def run_indicators(self) -> dict[str, str]:
        stamp = self.indikator_dir / ".stamp.json"

        def run():
            self._run_city_notebook(NB_INDICATORS)
            from kemiskinan.briefing.data import slice_hashes
            from kemiskinan.indicators import load_all

            tables = load_all(self.indikator_dir)
            return {"slices": slice_hashes(tables, [w.kode for w in wil.briefing_wilayah()]),
                    "kota": kota_headline(tables["ringkasan"])}

        self.step("02 hitung indikator", self.indicators_key(_read_json(self.processed / ".stamp.json")), stamp,
                  lambda: any(self.indikator_dir.glob("*.parquet")), run)
        st = _read_json(stamp) or {}
        self.kota = st.get("kota")
        return st.get("slices", {})

    def briefing_paths(self, w: wil.Wilayah) -> dict[str, Path]:
        s = slug(w)
        paths = {}
        if "html" in self.formats:
            paths["html"] = self.out_root / f"{s}.html"
        if "analis" in self.formats:
            paths["html_analis"] = self.out_root / "analis" / f"{s}.html"
            paths["xlsx"] = self.out_root / "analis" / f"{s}.xlsx"
        if "pdf" in self.formats:
            paths["pdf"] = self.out_root / f"{s}.pdf"
        paths["ipynb"] = self.out_root / "notebooks" / f"03_briefing__{s}.ipynb"
        return paths

    def briefing_key(self, w: wil.Wilayah, slices: dict) -> str:
        geo = self.bp.values.get("geojson") or ""
        geo_hash = hashing.file_sha256(Path(geo)) if geo and Path(geo).is_file() else geo
        return hashing.json_sha256({
            "step": NB_BRIEFING, "slice": slices.get(w.kode), "wilayah": w.kode,
            "params": self.bp.for_notebook(NB_BRIEFING), "geojson": geo_hash, "formats": self.formats,
            "instansi": self.bp.values["instansi"],  # the PDFs' /Author
            "synthetic": self._synthetic(), "nb": hashing.notebook_sha256(NB_BRIEFING), **self.common_key()})

    def build_briefing(self, w: wil.Wilayah, key: str, pii_terms, on_kernel=None) -> BriefingResult:
        """One briefing: execute in a warm kernel, render, print, check, promote. `on_kernel()` is called
        once the briefing has its kernel (the progress bar names it from then on)."""
        from kemiskinan.publish import render

        t = time.perf_counter()
        paths = self.briefing_paths(w)
        stage = {name: self.staging / p.relative_to(self.out_root) for name, p in paths.items()}
        for p in stage.values():
            p.parent.mkdir(parents=True, exist_ok=True)
        params = self.bp.for_notebook(NB_BRIEFING, wilayah=w.kode, run_id=self.run_id,
                                      git_sha=self.git["git_sha"])
        meta = self.meta(w.kode)
        parts: dict[str, float] = {}

        def lap(name: str, t0=[t]) -> None:  # the per-stage times recorded in run.json
            now = time.perf_counter()
            parts[name] = round(now - t0[0], 3)
            t0[0] = now

        k = self.pool.acquire()
        lap("tunggu_kernel")
        if on_kernel is not None:
            on_kernel()
        try:
            nb = self.execute(k, NB_BRIEFING, params, w.kode, meta)
        finally:
            self.pool.release(k)
        lap("eksekusi")
        self._write_notebook(nb, stage["ipynb"])
        pdf_future = None
        if "html" in stage or "pdf" in stage:
            html_target = stage.get("html") or (self.staging / "_pdf" / f"{slug(w)}.html")
            html_target.parent.mkdir(parents=True, exist_ok=True)
            render.notebook_to_html(nb, html_target, audience="walikota")
            if "pdf" in stage:
                footer = render.footer_from_metadata(meta)
                info = render.pdf_info(meta, self.bp.values["instansi"])
                pdf_future = self.pdf.submit(html_target, stage["pdf"], footer, info)
        lap("html")
        xlsx_future = None
        if "html_analis" in stage:
            render.notebook_to_html(nb, stage["html_analis"], audience="analis")
            from kemiskinan.publish.xlsx import indicator_workbook

            # openpyxl is pure Python: in this process it would hold the GIL that drives the kernels.
            xlsx_future = self._xlsx_pool().submit(indicator_workbook, self.indikator_dir, w.kode,
                                                   stage["xlsx"], self.lang)
        lap("analis")
        if pdf_future is not None:
            pdf_future.result(timeout=self.notebook_timeout)
        lap("tunggu_pdf")
        if xlsx_future is not None:
            xlsx_future.result(timeout=self.notebook_timeout)
        lap("tunggu_xlsx")
        shared = [stage[n] for n in ("html", "pdf") if n in stage]
        if pii_terms is not None:
            from kemiskinan.publish.pii import check_files

            check_files(shared, pii_terms)  # raises PiiLeak naming file and place; nothing is promoted
        lap("pii")
        if self._stopping.is_set():
            raise StepFailed(f"{w.kode} ({w.nama}): build dihentikan sebelum briefing ini dipasang")
        for name, p in paths.items():  # promote: each rename is atomic, the stamp is written last
            p.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage[name], p)
        _write_json_atomic(self.out_root / ".stamps" / f"{w.kode}.json",
                           {"key": key, "run_id": self.run_id, "waktu": _now(),
                            "outputs": {n: str(p.relative_to(self.reports_root)) for n, p in paths.items()},
                            "sha256": {n: hashing.file_sha256(p) for n, p in paths.items()}})
        r = BriefingResult(w.kode, w.nama, "dibuat", self._rel(paths), round(time.perf_counter() - t, 3))
        r.parts = parts
        return r

    def _rel(self, paths: dict[str, Path]) -> dict[str, str]:
        return {n: str(p.relative_to(self.reports_root)) for n, p in paths.items()}

    # ---------------------------------------------------------------- orchestration
    def selected(self) -> list[wil.Wilayah]:
        sel = self.bp.values.get("wilayah", "semua")
        everything = wil.briefing_wilayah()
        if sel in (None, "semua", "all", []):
            return everything
        if isinstance(sel, str):
            sel = [s for s in sel.replace(",", " ").split() if s]
        valid = {w.kode: w for w in everything}
        unknown = [s for s in sel if str(s) not in valid]
        if unknown:
            raise ParameterError(f"kode wilayah tidak dikenal: {', '.join(map(str, unknown))}\n  Kode yang sah: "
                                 + ", ".join(f"{w.kode} ({w.nama})" for w in everything))
        return [valid[str(s)] for s in sel]

    def run(self) -> int:
        t0 = time.perf_counter()
        targets = self.selected()
        self.prev = self.previous()
        inputs = self.input_hashes()
        self.out_root.mkdir(parents=True, exist_ok=True)
        try:
            if self._everything_fresh(inputs, targets):
                self.steps = {"01 bersihkan data": "dilewati", "02 hitung indikator": "dilewati"}
                self.kota = (_read_json(self.indikator_dir / ".stamp.json") or {}).get("kota")
                results = [BriefingResult(w.kode, w.nama, "dilewati", self._rel(self.briefing_paths(w)))
                           for w in targets]
                _log(f"• Semua {len(targets)} briefing sudah mutakhir — tidak ada yang perlu dibangun.")
            else:
                results = self._run_pipeline(inputs, targets)
        except BaseException:
            self._stopping.set()
            raise
        finally:
            self._cleanup()
        self.timings["total"] = round(time.perf_counter() - t0, 3)
        self._write_run_json(inputs, results)
        try:  # every period built, newest first: after this period's run.json, which it reads
            write_periods_index(self.reports_root)
        except Exception as e:
            self.failures.append(f"index.html periode: {type(e).__name__}: {e}")
            _log(f"✗ GAGAL: {self.reports_root / 'index.html'}: {type(e).__name__}: {e}")
        failed = [r for r in results if r.status == "gagal"] + self.failures
        made = sum(r.status == "dibuat" for r in results)
        _log(f"Selesai dalam {self.timings['total']:.1f} dtk: {made} dibuat, "
             f"{sum(r.status == 'dilewati' for r in results)} dilewati, {len(failed)} gagal → "
             f"{self.out_root.relative_to(config.PROJ_ROOT) if self.out_root.is_relative_to(config.PROJ_ROOT) else self.out_root}")
        return 1 if failed else 0

    def _briefing_fresh(self, w: wil.Wilayah, key: str) -> bool:
        """Up to date = same key, and every output still byte-identical to what the PII guard passed.

        Hashing the outputs (≈ 20 ms for all 19) is what lets a no-op build honour "the guard runs at the end
        of every build": a shared file edited or replaced by hand no longer matches and is rebuilt + checked.
        """
        if self.force:
            return False
        st = _read_json(self.out_root / ".stamps" / f"{w.kode}.json")
        if not st or st.get("key") != key:
            return False
        recorded = st.get("sha256", {})
        for name, p in self.briefing_paths(w).items():
            if not p.exists() or recorded.get(name) != hashing.file_sha256(p):
                return False
        return True

    def _index_fresh(self) -> bool:
        st = _read_json(self.out_root / ".stamps" / "index.json")
        p = self.out_root / "index.html"
        return bool(st) and p.exists() and st.get("sha256") == hashing.file_sha256(p)

    def _everything_fresh(self, inputs: dict, targets) -> bool:
        """The no-op fast path: decided from stamps and hashes only (no pandas, no papermill, no kernel)."""
        if self.force:
            return False
        clean = _read_json(self.processed / ".stamp.json")
        ind = _read_json(self.indikator_dir / ".stamp.json")
        if not clean or not ind:
            return False
        if (clean.get("key") != hashing.json_sha256(self.clean_key(inputs))
                or ind.get("key") != hashing.json_sha256(self.indicators_key(clean))):
            return False
        slices = ind.get("slices", {})
        if not all(self._briefing_fresh(w, self.briefing_key(w, slices)) for w in targets):
            return False
        return self._index_fresh()

    def _run_pipeline(self, inputs: dict, targets) -> list[BriefingResult]:
        _log(f"• Pembanding: periode {self.prev}" if self.prev else "• Pembanding: tidak ada (tanpa periode sebelumnya)")
        self.pool = KernelPool(self.jobs)
        self.pool.start()  # kernels boot and import while papermill is imported here
        # Step 01 keeps one core busy; the PDF browser and the workbook process start beside it now, so the
        # first briefings do not wait for them.
        if "pdf" in self.formats:
            self.pdf = PdfWorker(warm=True)
        if "analis" in self.formats:
            self._xlsx_pool().submit(_warm_xlsx_worker)
        _ = self.pm
        self.staging.mkdir(parents=True, exist_ok=True)
        try:
            self.run_clean(inputs)
            slices = self.run_indicators()
        except StepFailed as e:
            self.failures.append(str(e))
            _log(f"✗ GAGAL: {e}")
            return [BriefingResult(w.kode, w.nama, "gagal", error="langkah sebelumnya gagal") for w in targets]

        todo, results = [], []
        for w in targets:
            key = self.briefing_key(w, slices)
            if self._briefing_fresh(w, key):
                results.append(BriefingResult(w.kode, w.nama, "dilewati", self._rel(self.briefing_paths(w))))
            else:
                todo.append((w, key))
        t = time.perf_counter()
        if todo:
            results += self._run_briefings(todo)
        self.timings["03 briefing"] = round(time.perf_counter() - t, 3)
        self.steps["03 briefing"] = f"{len(todo)} dijalankan, {len(targets) - len(todo)} dilewati"
        order = {w.kode: i for i, w in enumerate(targets)}
        results.sort(key=lambda r: order[r.kode])
        if any(r.status == "dibuat" for r in results) or not self._index_fresh():
            try:
                self._write_index(results)
            except Exception as e:  # the briefings are fine; say what broke and fail the build
                self.failures.append(f"index.html: {type(e).__name__}: {e}")
                _log(f"✗ GAGAL: index.html: {type(e).__name__}: {e}")
        return results

    def _pii_terms(self):
        try:
            from kemiskinan.publish.pii import load_terms
        except ImportError:
            return None
        return load_terms(self.processed)

    def _run_briefings(self, todo) -> list[BriefingResult]:
        from tqdm import tqdm

        if "pdf" in self.formats and self.pdf is None:
            self.pdf = PdfWorker()
        terms = self._pii_terms()
        results: list[BriefingResult] = []
        bar = tqdm(total=len(todo), desc="Briefing", unit="dok", disable=not self.progress,
                   file=sys.stderr, dynamic_ncols=True)
        running: dict[str, str] = {}  # kode → nama of the briefings that have a kernel, in the order they got it
        lock = threading.Lock()

        def show(kode: str, nama: str | None) -> None:
            with lock:
                if nama is None:
                    running.pop(kode, None)
                else:
                    running[kode] = nama
                bar.set_postfix_str(", ".join(running.values()), refresh=True)

        def one(item):
            w, key = item
            try:
                return self.build_briefing(w, key, terms, on_kernel=lambda: show(w.kode, w.nama))
            except StepFailed as e:
                return BriefingResult(w.kode, w.nama, "gagal", error=str(e))
            except Exception as e:  # a render/PII failure of one briefing must not stop the others
                detail = "".join(traceback.format_exception_only(type(e), e)).strip()
                return BriefingResult(w.kode, w.nama, "gagal", error=f"{w.kode} ({w.nama}): {detail}")
            finally:
                show(w.kode, None)

        # Twice as many threads as kernels: a thread that has handed its kernel back waits for its PDF,
        # workbook and PII scan while another thread's notebook already runs in that kernel. The bar counts
        # briefings as they finish (the caller puts the results back in wilayah order).
        ex = ThreadPoolExecutor(2 * self.jobs, thread_name_prefix="briefing")
        try:
            for fut in as_completed([ex.submit(one, item) for item in todo]):
                r = fut.result()
                results.append(r)
                bar.update(1)
                if r.status == "gagal":
                    bar.write(f"✗ GAGAL: {r.error}", file=sys.stderr)
        except BaseException:
            # Ctrl-C: leaving a `with` block would wait for every queued briefing to run first
            self._stopping.set()
            ex.shutdown(wait=False, cancel_futures=True)
            bar.close()  # the interrupt message then starts on its own line
            raise
        ex.shutdown(wait=True)
        bar.close()
        return results

    def _xlsx_pool(self):
        with self._xlsx_lock:
            if self._xlsx is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: this process already runs threads (kernels' channels, the PDF thread).
                self._xlsx = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            return self._xlsx

    def _write_index(self, results: list[BriefingResult]) -> None:
        from kemiskinan.publish import render

        files = {}
        for w in wil.briefing_wilayah():
            p = self.briefing_paths(w)
            if p.get("html", p.get("pdf", Path("-"))).exists():
                files[w.kode] = {n: p[n].name if n in p else None for n in ("html", "pdf")}
        entries = index_entries(self.indikator_dir, files)
        # Written in the staging folder, checked by the PII guard, then renamed into place.
        self.staging.mkdir(parents=True, exist_ok=True)
        staged = render.write_index(self.staging, entries, lang=self.lang, periode=self.periode,
                                    sintetis=self._synthetic(), run_id=self.run_id)
        terms = self._pii_terms()
        if terms is not None:
            from kemiskinan.publish.pii import check_files

            check_files([staged], terms)
        os.replace(staged, self.out_root / "index.html")
        _write_json_atomic(self.out_root / ".stamps" / "index.json",
                           {"run_id": self.run_id, "sha256": hashing.file_sha256(self.out_root / "index.html")})

    def _cleanup(self) -> None:
        if self.pdf is not None:
            self.pdf.close(drop_pending=self._stopping.is_set())
        if self._xlsx is not None:
            self._xlsx.shutdown(wait=True, cancel_futures=True)
        if self.pool is not None:
            self.pool.shutdown()
        shutil.rmtree(self.out_root / ".staging", ignore_errors=True)

    def _write_run_json(self, inputs: dict, results: list[BriefingResult]) -> None:
        run_json = {
            "run_id": self.run_id, "waktu_selesai": _now(), "versi": __version__, **self.git,
            "parameter": {"file": str(self.bp.source), "nilai": self.bp.values},
            # raw files and profiles (step 01) and the previous period's files the comparison read (step 02)
            "input_sha256": {**inputs, **self.previous_hashes()}, "referensi_sha256": hashing.reference_hashes(),
            "periode": self.periode, "periode_sebelumnya": self.prev, "lang": self.lang,
            # the kota's headline numbers (step 02), so the periods index needs no pandas
            "kota": self.kota,
            "lock_sha256": hashing.lock_sha256(), "kode_sha256": hashing.code_sha256(),
            "langkah": self.steps, "waktu_detik": self.timings, "jobs": self.jobs,
            # start-up paid per build, not per document: kernel processes and Chromium browsers started
            "dimulai": {"kernel": sum(k.starts for k in self.pool.kernels) if self.pool is not None else 0,
                        "chromium": self.pdf.printer.launches if self.pdf is not None and self.pdf.printer else 0},
            "sintetis": self._synthetic(),
            "outputs": [{"wilayah": r.kode, "nama": r.nama, "status": r.status,
                         "html": r.outputs.get("html"), "pdf": r.outputs.get("pdf"),
                         "html_analis": r.outputs.get("html_analis"), "xlsx": r.outputs.get("xlsx"),
                         "detik": r.seconds, "rincian_detik": r.parts,
                         **({"galat": r.error} if r.error else {})} for r in results],
            "gagal": self.failures + [r.error for r in results if r.status == "gagal"],
        }
        _write_json_atomic(self.out_root / "run.json", run_json)


def main_build(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kemiskinan build",
                                 description="Bangun semua briefing (HTML dan PDF) dari data mentah.")
    ap.add_argument("--params", default="params/sample.yml", help="file YAML di params/ (bawaan: %(default)s)")
    ap.add_argument("--wilayah", nargs="+", metavar="KODE", help="hanya wilayah ini (kode Kemendagri)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="briefing paralel (bawaan: jumlah inti)")
    ap.add_argument("--formats", help="html,pdf,analis (bawaan: dari file parameter)")
    ap.add_argument("--lang", choices=params_mod.LANGS, help="bahasa briefing (id atau en)")
    ap.add_argument("--force", action="store_true", help="bangun ulang semua, abaikan cache")
    ap.add_argument("--cell-timeout", type=float, default=300, help="batas waktu per sel, detik")
    ap.add_argument("--notebook-timeout", type=float, default=900, help="batas waktu per notebook, detik")
    ap.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")
    a = ap.parse_args(argv)
    _decline_rfc3987_syntax()  # before anything imports nbformat
    try:
        bp = params_mod.load(a.params, overrides={"lang": a.lang, "formats": a.formats, "wilayah": a.wilayah})
        b = Builder(bp, jobs=a.jobs, force=a.force, cell_timeout=a.cell_timeout,
                    notebook_timeout=a.notebook_timeout, progress=not a.no_progress)
        return b.run()
    except (ParameterError, InputError) as e:
        _log(f"Error: {e}")
        return 2
