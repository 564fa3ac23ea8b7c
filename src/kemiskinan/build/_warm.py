"""Imported once when a build's kernel starts (IPKernelApp.exec_lines), while step 01 still runs.

It pays the heavy imports ahead of time so the first briefing in each kernel is as fast as the rest, and
records matplotlib's settings so the reset between briefings can restore them (no style leaks).
"""
import importlib

import matplotlib
import matplotlib.pyplot  # noqa: F401  (selects the inline backend, as in a fresh kernel)

for _m in ("pandas", "numpy", "pyarrow.parquet", "kemiskinan.indicators", "kemiskinan.briefing.sections",
           "kemiskinan.briefing.charts", "kemiskinan.briefing.maps", "kemiskinan.briefing.fmt", "kemiskinan.briefing.data",
           "kemiskinan.clean.step"):
    importlib.import_module(_m)

matplotlib._kemiskinan_rc0 = matplotlib.rcParams.copy()

# Everything imported so far lives as long as the kernel. Without this, every full (generation 2)
# collection walks all those module objects again, several times per build. Frozen objects are skipped by the collector; objects created later (each briefing's
# tables, figures, caches) are collected as usual.
import gc  # noqa: E402

gc.collect()
gc.freeze()
