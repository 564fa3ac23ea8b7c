"""PII guard: nothing that identifies a person may leave in a shared briefing (UU 24/2013 Pasal 79, 95A).

It checks every file meant to be shared (the Walikota's HTML and PDF, the index) and fails, naming the file
and the place, when it finds:
- a 16-digit NIK/No KK-like number, written plainly, with Indonesian thousands dots (`6.474.015.…`) or in
  groups of four (`6474 0155 0785 0001`), or any digit run of 15+ digits (no figure in a briefing is that
  long: the largest, a yearly cost in rupiah, has 13 digits);
- an IDBDT/IDARTBDT from the inputs;
- a person's name or an address string from the inputs (matched as whole words, case-insensitive).

Matching names: the document text is cut into word n-grams and each is looked up in a set of normalised
terms, so the cost is linear in the document and does not grow with the number of names. One-word names
shorter than 6 letters and terms that are also place names or briefing words are not used, since they
would match ordinary text (a person named "Guntung" would match the kelurahan).

The leaked value itself is never printed: messages show it masked.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from kemiskinan import config
# The term list is made by step 01 (clean.pii_terms); the guard reads it with the same normalisation.
from kemiskinan.clean.pii_terms import MAX_NGRAM, TERMS_FILE, normalise
from kemiskinan.errors import InputError

DIGIT_PATTERNS = [
    ("angka 15+ digit (NIK/No KK/IDBDT?)", re.compile(r"(?<![\d.,])\d{15,}(?![\d])")),
    ("NIK/No KK dengan titik ribuan", re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3}){4,5}(?![\d.]*\d)")),
    ("NIK/No KK dalam kelompok 4 digit", re.compile(r"(?<!\d)\d{4}(?:[ -]\d{4}){3}(?!\d)")),
]


class PiiLeak(InputError):
    """A shared file contains identifying data; the message names file and place."""


@dataclass
class Finding:
    file: Path
    place: str
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.kind} ({self.masked})"


def mask(value: str) -> str:
    v = str(value)
    if v.isdigit() or re.fullmatch(r"[\d .-]+", v):
        d = re.sub(r"\D", "", v)
        return d[:4] + "*" * max(len(d) - 6, 2) + d[-2:]
    return v[:1] + "***"


# ------------------------------------------------------------------------------------------- terms
@dataclass
class Terms:
    phrases: dict[str, str]      # normalised phrase → kind
    ids: set[str]
    max_words: int


def load_terms(processed_dir: Path) -> Terms | None:
    p = Path(processed_dir) / TERMS_FILE
    if not p.exists():
        return None
    df = pd.read_parquet(p)
    is_id = (df["jenis"] == "idbdt").to_numpy(dtype=bool)
    phrases = dict(zip(df["istilah"].to_numpy(dtype=object)[~is_id], df["jenis"].to_numpy(dtype=object)[~is_id]))
    ids = set(df["istilah"].to_numpy(dtype=object)[is_id])
    max_words = max((len(k.split()) for k in phrases), default=1)
    return Terms(phrases, ids, min(max_words, MAX_NGRAM))


# ---------------------------------------------------------------------------------------- scanning
class _HtmlText(HTMLParser):
    """Visible text plus attribute values (alt, title, …); data: URIs (embedded images) are skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style",):
            self._skip += 1
        for _, v in attrs:
            if v and not v.startswith("data:"):
                self.chunks.append((self.getpos()[0], v))

    def handle_endtag(self, tag):
        if tag in ("style",) and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append((self.getpos()[0], data))


def html_chunks(path: Path) -> list[tuple[str, str]]:
    p = _HtmlText()
    p.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    return [(f"baris {line}", text) for line, text in p.chunks]


PDFTOTEXT = "pdftotext"


def _pdftotext_pages(path: Path) -> list[str] | None:
    """Page texts from poppler's `pdftotext` (C, much quicker than pypdf's pure-Python content-stream
    parser); None when poppler is not installed or fails, so the caller falls back to pypdf. Pages are separated by form feeds; the last one ends with one."""
    import shutil
    import subprocess

    exe = shutil.which(PDFTOTEXT)
    if exe is None:
        return None
    try:
        r = subprocess.run([exe, "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    pages = r.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def pdf_chunks(path: Path) -> list[tuple[str, str]]:
    """("halaman N", text of page N) for every page: poppler's pdftotext when present, else pypdf."""
    pages = _pdftotext_pages(Path(path))
    if pages is None:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    return [(f"halaman {i}", text) for i, text in enumerate(pages, start=1)]


def scan_text(text: str, place: str, file: Path, terms: Terms | None) -> list[Finding]:
    found = []
    for kind, rx in DIGIT_PATTERNS:
        for m in rx.finditer(text):
            found.append(Finding(file, place, kind, mask(m.group())))
    if terms is None:
        return found
    for run in re.findall(r"\d{8,}", text):
        if run in terms.ids:
            found.append(Finding(file, place, "IDBDT dari data masukan", mask(run)))
    words = normalise(text).split()
    for i in range(len(words)):
        for n in range(1, terms.max_words + 1):
            if i + n > len(words):
                break
            phrase = " ".join(words[i:i + n])
            kind = terms.phrases.get(phrase)
            if kind:
                found.append(Finding(file, place, f"{kind} dari data masukan", mask(phrase)))
    return found


def scan_file(path: Path, terms: Terms | None) -> list[Finding]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        chunks = html_chunks(path)
    elif suffix == ".pdf":
        chunks = pdf_chunks(path)
    else:
        chunks = [("isi", path.read_text(encoding="utf-8", errors="replace"))]
    out: list[Finding] = []
    for place, text in chunks:
        out += scan_text(text, place, path, terms)
    return out


def check_files(paths, terms: Terms | None) -> None:
    """Raise PiiLeak naming every file and place with identifying data; silent when clean."""
    findings = [f for p in paths for f in scan_file(Path(p), terms)]
    if findings:
        shown = "\n  ".join(str(f) for f in findings[:20])
        more = f"\n  … dan {len(findings) - 20} temuan lain" if len(findings) > 20 else ""
        raise PiiLeak(f"data pribadi ditemukan di keluaran yang akan dibagikan; keluaran tidak dipasang:\n  "
                      f"{shown}{more}", file=findings[0].file)


def shared_files(periode_dir: Path) -> list[Path]:
    """What is meant to be shared: the Walikota's HTML/PDF and the index (not analis/, not notebooks/)."""
    d = Path(periode_dir)
    files = [p for p in d.iterdir() if p.is_file() and p.suffix.lower() in (".html", ".pdf")]
    en = d / "en"
    if en.is_dir():
        files += [p for p in en.iterdir() if p.is_file() and p.suffix.lower() in (".html", ".pdf")]
    return sorted(files)


def main_pii_check(argv: list[str] | None = None) -> int:

    ap = argparse.ArgumentParser(prog="python -m kemiskinan pii-check",
                                 description="Periksa keluaran yang dibagikan dari data pribadi.")
    ap.add_argument("periode", help="periode, mis. 2018-05 (memeriksa reports/<periode>/)")
    a = ap.parse_args(argv)
    terms = load_terms(config.processed_dir(a.periode))
    files = shared_files(config.reports_dir(a.periode))
    try:
        check_files(files, terms)
    except PiiLeak as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    print(f"{len(files)} file diperiksa: tidak ada data pribadi.")
    return 0
