"""Compare two built project folders: every clean and indicator table, every briefing's text.

    python scripts/compare_builds.py OLD_ROOT NEW_ROOT

Tables (data/processed/<periode>/*.parquet and indikator/*.parquet) must be equal in values, dtypes and
order (`pandas.testing.assert_frame_equal`, exact). Briefings (reports/<periode>/*.html) are compared by their
visible text after removing what names the build itself (git SHA, hashes, run times, dates of the run), and
the notebooks and Excel files by file list. Exit code 1 and one line per difference when anything differs.
Used to show that a refactoring changed no output (CHANGELOG, issue 18).
"""
from __future__ import annotations

import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

# The build footer, run.json and the PDF metadata name the commit, code/lock hashes and run times: they
# are meant to differ between two builds of the same data.
VOLATILE = [re.compile(p) for p in (
    r"\d{8}T\d{6}Z-\d+",                          # run id (time of the build + process id)
    r"\b[0-9a-f]{7,64}\b",                       # git SHA, sha256 prefixes
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?",  # timestamps
    r"\d+[.,]\d+ ?(dtk|detik|s)\b",              # durations
    r"dibangun \d{1,2} \w+ \d{4}",               # build date in words
)]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(path: Path) -> str:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    text = "\n".join(p.parts)
    for rx in VOLATILE:
        text = rx.sub("…", text)
    return text


def changed_lines(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Every changed line as (old, new); a line only in one side pairs with ''."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            old, new = a[i1:i2], b[j1:j2]
            n = max(len(old), len(new))
            out += list(zip(old + [""] * (n - len(old)), new + [""] * (n - len(new))))
    return out


def compare(old: Path, new: Path) -> list[str]:
    diffs: list[str] = []
    for sub in ("data/processed", "reports"):
        a = {p.relative_to(old / sub) for p in (old / sub).rglob("*") if p.is_file() and "_cache" not in p.parts}
        b = {p.relative_to(new / sub) for p in (new / sub).rglob("*") if p.is_file() and "_cache" not in p.parts}
        for rel in sorted(a ^ b):
            diffs.append(f"{sub}/{rel}: only in {'old' if rel in a else 'new'}")
        for rel in sorted(a & b):
            pa, pb = old / sub / rel, new / sub / rel
            if rel.suffix == ".parquet":
                try:
                    pd.testing.assert_frame_equal(pd.read_parquet(pa), pd.read_parquet(pb))
                except AssertionError as e:
                    diffs.append(f"{sub}/{rel}: {str(e).splitlines()[0]}")
            elif rel.suffix == ".html":
                ta, tb = visible_text(pa), visible_text(pb)
                if ta != tb:
                    pairs = changed_lines(ta.splitlines(), tb.splitlines())
                    shown = "; ".join(f"{x!r} → {y!r}" for x, y in pairs[:3])
                    diffs.append(f"{sub}/{rel}: {len(pairs)} text line(s) differ: {shown}")
    return diffs


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = Path(argv[0]), Path(argv[1])
    diffs = compare(old, new)
    n_tab = sum(1 for _ in (new / "data/processed").rglob("*.parquet"))
    n_html = sum(1 for _ in (new / "reports").rglob("*.html"))
    for d in diffs:
        print(d)
    print(f"{n_tab} tables and {n_html} HTML files compared: {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
