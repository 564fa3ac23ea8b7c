"""Bench-only shim for the `cold_charts_once` scenario of bench/build.py — never used by a real build.

Put on PYTHONPATH, Python imports it at start-up in the build process and in every kernel. It wraps
`kemiskinan.briefing.chart_cache.cached_html` so that each chart kind (drawing function) is drawn once per process and
its first picture is reused for every later chart of that kind. The briefings come out wrong on purpose
(every kelurahan shows the first one's charts); what the scenario measures is how long a cold build takes
when drawing charts costs (almost) nothing: the lower bound for any cheaper chart engine. Everything
else — steps 01 and 02, papermill, nbconvert, Chromium and the PII check — does its real work, and the
HTML still holds one SVG per chart, so Chromium prints as many.
"""
import importlib.abc
import sys


def _patch(charts) -> None:
    original = charts.cached_html
    drawn: dict = {}

    def cached_html(fn, *args, **kwargs):
        if fn.__qualname__ not in drawn:
            drawn[fn.__qualname__] = original(fn, *args, **kwargs)
        return drawn[fn.__qualname__]

    charts.cached_html = cached_html


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself; lets the real finder load kemiskinan.briefing.chart_cache, then patches it."""

    def find_spec(self, name, path=None, target=None):
        if name != "kemiskinan.briefing.chart_cache":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


sys.meta_path.insert(0, _AfterImport())
