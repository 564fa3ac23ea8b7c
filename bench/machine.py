"""A fixed CPU workload timed before each benchmark run, so runs from different hours can be compared.

This VM's speed drifts by up to ~1.6× within a day (bench/README.md, province round 5: the same code and
data took 53 s at 06:15 and 84 s at about 06:50 UTC). A benchmark's seconds mean little without the
machine's speed at the time; `speed_probe()` is that speed: the median of 5 timings (after one untimed
warm-up) of the same single-core work — numpy sort, pandas string hashing, a pure-Python loop, what the
cleaner, the indicators and the kernels spend their time on. Lower is faster; compare a run's seconds with
its probe, not with another hour's seconds alone.
"""
from __future__ import annotations

import statistics
import time


def speed_probe(repeat: int = 5) -> float:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(2018)
    floats = rng.random(1_000_000)
    text = pd.Series(rng.integers(10**15, 10**16, 300_000).astype(str), dtype="str")
    times = []
    for i in range(repeat + 1):   # the first round warms caches and is not counted
        t = time.perf_counter()
        np.sort(floats)
        pd.factorize(text)
        total = 0
        for i in range(1_000_000):
            total += i & 7
        if i:
            times.append(time.perf_counter() - t)
    return round(statistics.median(times), 3)


if __name__ == "__main__":
    print(f"speed probe: {speed_probe():.3f} s (lower is faster)")
