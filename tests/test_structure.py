"""The package's shape (issue 18, CONTRIBUTING.md): one subpackage per step, imports one way along the
pipeline, no import cycles, no module over 800 lines, no function over 80 lines without a comment saying
it is one story, no function-level import of the package's own modules without a comment saying why."""
import ast
from pathlib import Path

from kemiskinan import config

PKG = config.PROJ_ROOT / "src" / "kemiskinan"
STEPS = ["domain", "ingest", "clean", "indicators", "briefing", "publish", "build"]   # pipeline order


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


MODS = _modules()
TREES = {m: ast.parse(p.read_text(encoding="utf-8")) for m, p in MODS.items()}


def _targets(node) -> list[str]:
    """Own modules an import statement loads (`from pkg import sub` counts as the submodule)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in MODS]
    if isinstance(node, ast.ImportFrom) and node.module:
        subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODS]
        rest = len(subs) < len(node.names) and node.module in MODS
        return subs + ([node.module] if rest else [])
    return []


def _top_level_graph() -> dict[str, set[str]]:
    return {m: {t for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) for t in _targets(n)}
            for m, tree in TREES.items()}


def _step(m: str) -> str | None:
    parts = m.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STEPS + ["synthetic"] else None


def test_no_module_over_800_lines():
    big = {m: n for m, p in MODS.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800}
    assert not big, big


def test_long_functions_say_they_are_one_story():
    bad = []
    for m, tree in TREES.items():
        lines = MODS[m].read_text(encoding="utf-8").splitlines()
        for f in ast.walk(tree):
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.end_lineno - f.lineno + 1 > 80:
                body = "\n".join(lines[f.lineno - 1:f.end_lineno]).lower()
                if "one story" not in body:
                    bad.append(f"{m}.{f.name} ({f.end_lineno - f.lineno + 1} lines)")
    assert not bad, bad


def test_no_import_cycles():
    graph, seen, stack, cycles = _top_level_graph(), set(), [], []

    def visit(m):
        if m in stack:
            cycles.append(stack[stack.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        stack.append(m)
        for t in sorted(graph[m]):
            visit(t)
        stack.pop()

    for m in sorted(graph):
        visit(m)
    assert not cycles, cycles


def test_imports_go_one_way_along_the_pipeline():
    bad = []
    for m, tree in TREES.items():
        for node in ast.walk(tree):          # function-level imports included
            for t in _targets(node):
                a, b = _step(m), _step(t)
                if a in STEPS and b == "synthetic" or (a in STEPS and b in STEPS and STEPS.index(b) > STEPS.index(a)):
                    bad.append(f"{m} → {t}")
    assert not bad, bad


def test_function_level_own_imports_say_why():
    """Allowed only for a measured start-up cost, with a comment in the lines just above (or the
    function's docstring saying the imports are the point, as in a warm-up worker)."""
    bad = []
    for m, tree in TREES.items():
        lines = MODS[m].read_text(encoding="utf-8").splitlines()
        for f in ast.walk(tree):
            if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            doc = (ast.get_docstring(f) or "").lower()
            for node in ast.walk(f):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and _targets(node):
                    above = " ".join(lines[max(f.lineno, node.lineno - 4):node.lineno - 1]).lower()   # inside f
                    if "#" not in above and "import" not in doc:
                        bad.append(f"{m}:{node.lineno}")
    assert not bad, bad


def test_every_subpackage_says_what_comes_in_and_goes_out():
    for step in STEPS + ["synthetic"]:
        doc = ast.get_docstring(TREES[f"kemiskinan.{step}"]) or ""
        assert len(doc.split()) >= 15, step
