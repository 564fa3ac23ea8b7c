"""Two at a time, in order: the one way this project spreads independent pieces of work over the machine's
two cores (input files in the cleaner, kab/kota in the province indicators).

Results come in the order of the inputs, as a plain loop would give them, and so do errors: the first
failing item (in input order) raises when its turn comes, and the items not yet started are dropped at
once — as they are when the caller stops consuming early or is interrupted (Ctrl-C).
"""
from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor


def _executor(processes: bool, name: str) -> Executor:
    # Forked processes only on Linux: macOS lists fork, but its system libraries are not fork-safe.
    if processes and sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    return ThreadPoolExecutor(2, thread_name_prefix=name)


def two_at_a_time(fn: Callable, items: Iterable, *, processes: bool = False,
                  name: str = "kemiskinan") -> Iterator:
    """Yield `fn(x)` for each of `items`, in order, computing two at a time.

    Threads by default: for work that spends its time in arrow/numpy kernels that release the GIL.
    `processes=True`: two forked worker processes, for pandas-heavy work that holds the GIL; they inherit
    this process's memory copy-on-write (so `fn` may read large module-level data without it being
    pickled), and a worker that dies raises BrokenProcessPool instead of hanging. Where fork is not
    available, threads. `fn` and the items must be picklable with processes (a module-level function).
    """
    items = list(items)
    if len(items) < 2:
        for x in items:
            yield fn(x)
        return
    ex = _executor(processes, name)
    futures = [ex.submit(fn, x) for x in items]
    try:
        for f in futures:
            yield f.result()
    except BaseException:  # GeneratorExit (the caller stopped early), a failure, or Ctrl-C
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
