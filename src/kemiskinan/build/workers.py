"""The build's helpers beside the kernels: one Chromium printing every PDF in its own thread (`PdfWorker`),
and the warm-up of the process that writes the analysts' workbooks (`warm_xlsx_worker`)."""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from pathlib import Path

from kemiskinan.publish.render import PdfPrinter


def warm_xlsx_worker() -> None:
    """Run first in the workbook process: its imports are paid while step 01 runs."""
    import openpyxl  # noqa: F401

    import kemiskinan.briefing.data  # noqa: F401
    import kemiskinan.publish.xlsx  # noqa: F401
    import kemiskinan.indicators  # noqa: F401


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

