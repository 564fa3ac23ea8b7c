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
import os
import shutil
import sys
import threading
import time
import traceback
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kemiskinan import __version__, config, hashing
from kemiskinan import i18n
from kemiskinan.briefing.data import slice_hashes
from kemiskinan.build import params as params_mod
from kemiskinan.build.keys import NB_BRIEFING, NB_CLEAN, NB_INDICATORS, StepKeys
from kemiskinan.build.kernels import KernelPool, NotebookExecutor, StepFailed, decline_rfc3987_syntax
from kemiskinan.build.records import log, now, read_json, write_json_atomic
from kemiskinan.build.workers import PdfWorker, warm_xlsx_worker
from kemiskinan.domain import wilayah as wil
from kemiskinan.errors import InputError, ParameterError
from kemiskinan.publish import pii, render
from kemiskinan.publish.index import index_entries, slug, write_periods_index
from kemiskinan.publish.xlsx import indicator_workbook


def kota_headline(ringkasan) -> dict | None:
    """The kota row's keluarga miskin and KKS coverage, as numbers and as Indonesian text (`fmt`), for
    run.json: the periods index (`write_periods_index`) is then made from run.json files alone."""
    # imported here, not at the top: babel's locale data is not needed by the no-op build
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


@dataclass
class BriefingResult:
    kode: str
    nama: str
    status: str                     # "dibuat" | "dilewati" | "gagal"
    outputs: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    parts: dict = field(default_factory=dict)


class Builder(StepKeys):
    """One build of one period and language: steps 01 and 02 once, then every selected briefing."""

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
        self.pool: KernelPool | None = None
        self.pdf: PdfWorker | None = None
        self._xlsx = None
        self._xlsx_lock = threading.Lock()
        # Set when the build is interrupted (Ctrl-C): no kernel is replaced, nothing more is promoted, and
        # the briefings not yet started are dropped, so the build stops now instead of finishing them.
        self._stopping = threading.Event()
        self.nb = NotebookExecutor(self.staging, self.failed_dir, cell_timeout=cell_timeout,
                                   notebook_timeout=notebook_timeout, stopping=self._stopping)
        self.git = hashing.git_info()
        self.prev: str | None = None            # the period step 02 compares with (resolved in run())
        self._prev_hashes: dict[str, str] | None = None
        self.kota: dict | None = None           # the kota's headline numbers, from step 02's stamp (run.json)

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
        m = read_json(self.processed / "meta.json")
        v = (m or {}).get("vintage") or {}
        return {"sintetis": bool(m.get("sintetis")) if m else True,
                **({"data_bdt": str(v.get("bdt") or ""), "data_mpm": "mpm" in v} if v else {})}

    def _synthetic(self) -> bool:
        return self._from_clean_meta()["sintetis"]

    def step(self, name: str, key: dict, stamp: Path, outputs_ok, run) -> bool:
        """Run `run()` unless the stamp at `stamp` records the same key and the outputs exist."""
        t = time.perf_counter()
        key_hash = hashing.json_sha256(key)
        old = read_json(stamp)
        if not self.force and old and old.get("key") == key_hash and outputs_ok():
            self.steps[name] = "dilewati"
            log(f"• {name}: tidak berubah, dilewati")
        else:
            log(f"• {name}: dijalankan …")
            extra = run() or {}
            write_json_atomic(stamp, {"key": key_hash, "run_id": self.run_id, "waktu": now(), **extra})
            self.steps[name] = "dijalankan"
        self.timings[name] = round(time.perf_counter() - t, 3)
        return self.steps[name] == "dijalankan"

    def _run_city_notebook(self, nb_name: str) -> None:
        """Execute step 01 or 02 in a warm kernel and keep the executed notebook under reports/."""
        k = self.pool.acquire()
        try:
            nb = self.nb.execute(k, nb_name, self.bp.for_notebook(nb_name), "kota", self.meta())
        finally:
            self.pool.release(k)
        self.nb.write_notebook(nb, self.out_root / "notebooks" / nb_name)

    def run_clean(self, inputs: dict) -> None:
        def run():
            self._run_city_notebook(NB_CLEAN)
            return {"outputs": self._processed_hashes()}

        self.step("01 bersihkan data", self.clean_key(inputs), self.processed / ".stamp.json",
                  lambda: (self.processed / "meta.json").exists(), run)

    def run_indicators(self) -> dict[str, str]:
        stamp = self.indikator_dir / ".stamp.json"

        def run():
            self._run_city_notebook(NB_INDICATORS)
            # imported here, not at the top: the indicator package is not needed by the no-op build
            from kemiskinan.indicators.io import load_all

            tables = load_all(self.indikator_dir)
            return {"slices": slice_hashes(tables, [w.kode for w in wil.briefing_wilayah()]),
                    "kota": kota_headline(tables["ringkasan"])}

        self.step("02 hitung indikator", self.indicators_key(read_json(self.processed / ".stamp.json")), stamp,
                  lambda: any(self.indikator_dir.glob("*.parquet")), run)
        st = read_json(stamp) or {}
        self.kota = st.get("kota")
        return st.get("slices", {})

    def build_briefing(self, w: wil.Wilayah, key: str, pii_terms, on_kernel=None) -> BriefingResult:
        """One briefing: execute in a warm kernel, render, print, check, promote. `on_kernel()` is called
        once the briefing has its kernel (the progress bar names it from then on)."""
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
            nb = self.nb.execute(k, NB_BRIEFING, params, w.kode, meta)
        finally:
            self.pool.release(k)
        lap("eksekusi")
        self.nb.write_notebook(nb, stage["ipynb"])
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
            pii.check_files(shared, pii_terms)  # raises PiiLeak naming file and place; nothing is promoted
        lap("pii")
        if self._stopping.is_set():
            raise StepFailed(f"{w.kode} ({w.nama}): build dihentikan sebelum briefing ini dipasang")
        for name, p in paths.items():  # promote: each rename is atomic, the stamp is written last
            p.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage[name], p)
        write_json_atomic(self.out_root / ".stamps" / f"{w.kode}.json",
                           {"key": key, "run_id": self.run_id, "waktu": now(),
                            "outputs": {n: str(p.relative_to(self.reports_root)) for n, p in paths.items()},
                            "sha256": {n: hashing.file_sha256(p) for n, p in paths.items()}})
        r = BriefingResult(w.kode, w.nama, "dibuat", self._rel(paths), round(time.perf_counter() - t, 3))
        r.parts = parts
        return r

    def _rel(self, paths: dict[str, Path]) -> dict[str, str]:
        return {n: str(p.relative_to(self.reports_root)) for n, p in paths.items()}

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
                self.kota = (read_json(self.indikator_dir / ".stamp.json") or {}).get("kota")
                results = [BriefingResult(w.kode, w.nama, "dilewati", self._rel(self.briefing_paths(w)))
                           for w in targets]
                log(f"• Semua {len(targets)} briefing sudah mutakhir — tidak ada yang perlu dibangun.")
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
            log(f"✗ GAGAL: {self.reports_root / 'index.html'}: {type(e).__name__}: {e}")
        failed = [r for r in results if r.status == "gagal"] + self.failures
        made = sum(r.status == "dibuat" for r in results)
        log(f"Selesai dalam {self.timings['total']:.1f} dtk: {made} dibuat, "
             f"{sum(r.status == 'dilewati' for r in results)} dilewati, {len(failed)} gagal → "
             f"{self.out_root.relative_to(config.PROJ_ROOT) if self.out_root.is_relative_to(config.PROJ_ROOT) else self.out_root}")
        return 1 if failed else 0

    def _run_pipeline(self, inputs: dict, targets) -> list[BriefingResult]:
        log(f"• Pembanding: periode {self.prev}" if self.prev else "• Pembanding: tidak ada (tanpa periode sebelumnya)")
        self.pool = KernelPool(self.jobs)
        self.pool.start()  # kernels boot and import while papermill is imported here
        # Step 01 keeps one core busy; the PDF browser and the workbook process start beside it now, so the
        # first briefings do not wait for them.
        if "pdf" in self.formats:
            self.pdf = PdfWorker(warm=True)
        if "analis" in self.formats:
            self._xlsx_pool().submit(warm_xlsx_worker)
        _ = self.nb.pm
        self.staging.mkdir(parents=True, exist_ok=True)
        try:
            self.run_clean(inputs)
            slices = self.run_indicators()
        except StepFailed as e:
            self.failures.append(str(e))
            log(f"✗ GAGAL: {e}")
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
                log(f"✗ GAGAL: index.html: {type(e).__name__}: {e}")
        return results

    def _pii_terms(self):
        return pii.load_terms(self.processed)

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
                # spawn, not fork: this process already runs threads (kernels' channels, the PDF thread).
                self._xlsx = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            return self._xlsx

    def _write_index(self, results: list[BriefingResult]) -> None:
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
            pii.check_files([staged], terms)
        os.replace(staged, self.out_root / "index.html")
        write_json_atomic(self.out_root / ".stamps" / "index.json",
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
            "run_id": self.run_id, "waktu_selesai": now(), "versi": __version__, **self.git,
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
        write_json_atomic(self.out_root / "run.json", run_json)


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
    decline_rfc3987_syntax()  # before anything imports nbformat
    try:
        bp = params_mod.load(a.params, overrides={"lang": a.lang, "formats": a.formats, "wilayah": a.wilayah})
        b = Builder(bp, jobs=a.jobs, force=a.force, cell_timeout=a.cell_timeout,
                    notebook_timeout=a.notebook_timeout, progress=not a.no_progress)
        return b.run()
    except (ParameterError, InputError) as e:
        log(f"Error: {e}")
        return 2

