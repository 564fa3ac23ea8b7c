"""The tier hook (tests/tiers.py): a test that uses a build, browser or server fixture is slow without any
hand-written marker, so `make test-fast` (`-m "not slow"`) never starts one."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tiers

CONFTEST = '''
import pytest
import tiers

def pytest_configure(config):
    for name, doc in tiers.MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {doc}")

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    tiers.mark_tiers(items)

@pytest.fixture
def built():
    return "gebaut"

@pytest.fixture
def browser():
    return "chromium"

@pytest.fixture
def reads_the_build(built):
    return built
'''

SUITE = '''
def test_unit():
    assert True

def test_reads_built_unmarked(built):
    assert built

def test_reads_built_through_another_fixture(reads_the_build):
    assert reads_the_build

def test_opens_a_browser(browser, tmp_path):
    assert browser

import pytest

@pytest.fixture
def heavy():
    return "the whole sample"

def test_uses_the_heavy_fixture_of_this_file(heavy):
    assert heavy
'''

OTHER = '''
import pytest

@pytest.fixture
def heavy():
    return "a light fixture of the same name"

def test_uses_a_light_fixture_of_the_same_name(heavy):
    assert heavy
'''


@pytest.fixture
def tiny_suite(pytester, monkeypatch):
    pytester.syspathinsert(str(Path(tiers.__file__).parent))
    monkeypatch.setitem(tiers.SLOW_FIXTURES, "test_tiny.py::heavy", "sample")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_tiny=SUITE, test_other=OTHER)
    return pytester


def _selected(result) -> set[str]:
    return {ln.split("::")[1] for ln in result.outlines if "::" in ln}


def test_fast_tier_leaves_out_every_test_that_uses_a_slow_fixture(tiny_suite):
    fast = tiny_suite.runpytest("-m", "not slow", "--collect-only", "-q", "--strict-markers")
    assert _selected(fast) == {"test_unit", "test_uses_a_light_fixture_of_the_same_name"}, fast.outlines
    # and the marker of what it starts, for `-m "not browser"` and the like
    browser = tiny_suite.runpytest("-m", "browser", "--collect-only", "-q", "--strict-markers")
    assert _selected(browser) == {"test_opens_a_browser"}, browser.outlines


def _fixtures_defined_in_tests() -> set[str]:
    """Every fixture of tests/, as `name` and as `file::name`."""
    names = set()
    for path in Path(tiers.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list):
                names |= {node.name, f"{path.name}::{node.name}"}
    return names


def test_every_slow_fixture_is_defined_and_every_marker_registered(request):
    # a renamed fixture would silently leave the slow tier: each name must still be a fixture of tests/
    assert set(tiers.SLOW_FIXTURES) <= _fixtures_defined_in_tests()
    assert set(tiers.SLOW_FIXTURES.values()) | {"slow"} <= set(tiers.MARKERS)
    registered = {line.split(":")[0] for line in request.config.getini("markers")}
    assert set(tiers.MARKERS) <= registered


def test_no_test_in_this_run_uses_a_slow_fixture_without_the_slow_marker(request):
    """Over the session's own selection: in `make test-fast` that is every fast test."""
    for item in request.session.items:
        if set(getattr(item, "fixturenames", ())) & set(tiers.SLOW_FIXTURES):
            assert item.get_closest_marker("slow"), item.nodeid
