"""The two test tiers, decided from fixtures rather than by hand.

`make test-fast` runs `pytest -m "not slow"`: unit and in-process integration tests only. A test that asks
(directly, or through another fixture) for one of the fixtures below runs a notebook build, a real Chromium,
a JupyterLab server or works on a whole synthetic sample, so `mark_tiers` gives it `slow` and the marker of
what it starts. The tier then follows the fixture: a new test that reads `built` cannot land in the fast
tier by forgetting a marker. A name that other modules use for a light fixture is qualified by the file
that defines the heavy one (`test_x.py::name`).
"""
from __future__ import annotations

import pytest

# fixture → the marker of what it starts (each also gets `slow`)
SLOW_FIXTURES: dict[str, str] = {
    "built": "build",            # the shared build of all 19 briefings in the project itself
    "project_copy": "build",     # a throw-away project tree that the test builds, edits or kills builds in
    "browser": "browser",        # one headless Chromium (playwright)
    "pdf_printer": "browser",    # the PDF printer's own Chromium
    "lab": "lab",                # a JupyterLab server on loopback
    # the generator's full sample (tens of thousands of rows), generated, cleaned or run through the CLI
    "sample_raw": "sample",                         # the bundled sample, written by `sample-data` when absent
    "test_sample.py::default_run": "sample",
    "test_sample_rounds.py::rounds": "sample",      # the full sample and its two later rounds
    "test_province.py::province": "sample",         # a seven-kabkota province, generated and cleaned
    "test_hostile_inputs.py::project": "sample",    # every case is a `kemiskinan clean` child process
}
MARKERS = {
    "slow": "runs a notebook build, a real browser or a JupyterLab server (still part of make test)",
    "build": "runs `kemiskinan build` (papermill kernels; Chromium when PDFs are asked for)",
    "browser": "starts a headless Chromium",
    "lab": "starts a JupyterLab server",
    "sample": "generates or cleans a whole synthetic sample, or runs the CLI on one in a child process",
}


def _keys(item):
    """Each fixture the item uses, by name and as `<defining file>::name`."""
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        yield name
        for fd in (info.name2fixturedefs.get(name, ()) if info else ()):
            yield f"{fd.baseid.rsplit('/', 1)[-1]}::{name}"


def mark_tiers(items) -> None:
    for item in items:
        kinds = {SLOW_FIXTURES[k] for k in _keys(item) if k in SLOW_FIXTURES}
        for kind in sorted(kinds):
            item.add_marker(getattr(pytest.mark, kind))
        if kinds:
            item.add_marker(pytest.mark.slow)
