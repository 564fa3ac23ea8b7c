"""kemiskinan.parallel.two_at_a_time: results and errors in input order, the rest dropped at the first
failure or when the caller stops, processes where fork is safe and threads elsewhere."""
from __future__ import annotations

import threading
import time

import pytest

from kemiskinan import parallel


def _inverse(x):
    return 1 // x


def _thread_name(_):
    return threading.current_thread().name.split("_")[0]


def _slow_or_fail(item):
    folder, i = item
    if i == 0:
        raise ValueError("item 0 gagal")
    (folder / f"{i}.ran").touch()
    time.sleep(1.0)
    return i


@pytest.mark.parametrize("processes", [False, True])
def test_results_and_errors_in_input_order(processes):
    assert list(parallel.two_at_a_time(abs, [-3, 2, -1, 5, -8], processes=processes)) == [3, 2, 1, 5, 8]
    assert list(parallel.two_at_a_time(abs, [-4], processes=processes)) == [4]
    with pytest.raises(ZeroDivisionError):   # a failure comes back as itself
        list(parallel.two_at_a_time(_inverse, [1, 0, 2], processes=processes))


@pytest.mark.parametrize("processes", [False, True])
def test_the_first_failure_ends_the_run_without_computing_the_rest(tmp_path, processes):
    """An error is reported at once and the items not yet started are dropped (with `map` and a waiting
    shutdown every queued item ran first — at 1 M households up to ~13 s of kab/kota)."""
    with pytest.raises(ValueError, match="item 0 gagal"):
        list(parallel.two_at_a_time(_slow_or_fail, [(tmp_path, i) for i in range(10)], processes=processes))
    time.sleep(1.5)  # let the ones already handed to a worker finish
    ran = len(list(tmp_path.glob("*.ran")))
    assert ran <= 4, f"{ran} of 9 remaining items ran after the failure"


def test_a_caller_that_stops_early_drops_the_rest(tmp_path):
    gen = parallel.two_at_a_time(_slow_or_fail, [(tmp_path, i) for i in range(1, 11)])
    assert next(gen) == 1
    gen.close()                       # what happens when read_inputs raises about the file just read
    time.sleep(1.5)
    assert len(list(tmp_path.glob("*.ran"))) <= 5


def test_threads_where_fork_is_unavailable(monkeypatch):
    import multiprocessing

    def no_processes(*a, **k):
        raise AssertionError("a process pool where fork is unavailable")

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_processes)
    assert list(parallel.two_at_a_time(_thread_name, [1, 2, 3], processes=True, name="indikator")) == ["indikator"] * 3
