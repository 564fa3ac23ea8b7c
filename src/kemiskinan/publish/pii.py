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
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan.errors import InputError

TERMS_FILE = "pii_istilah.parquet"
MAX_NGRAM = 10
DIGIT_PATTERNS = [
    ("angka 15+ digit (NIK/No KK/IDBDT?)", re.compile(r"(?<![\d.,])\d{15,}(?![\d])")),
    ("NIK/No KK dengan titik ribuan", re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3}){4,5}(?![\d.]*\d)")),
    ("NIK/No KK dalam kelompok 4 digit", re.compile(r"(?<!\d)\d{4}(?:[ -]\d{4}){3}(?!\d)")),
]
_WORD = re.compile(r"[0-9a-z]+")


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


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u200b", "")
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(t.lower()))


# ------------------------------------------------------------------------------------------- terms
def _unique_text(values) -> "pa.Array":
    """Distinct non-null values as a pyarrow string array (each value through `str`, like the loop did)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if isinstance(values, pd.Series):
        s = values.dropna()
        s = s if s.dtype == "str" else s.map(str)
        arr = pa.array(s.astype("str"), from_pandas=True, type=pa.large_string())
    else:
        arr = pa.array([v if isinstance(v, str) else str(v) for v in values], type=pa.large_string())
    return pc.unique(arr.drop_null())


def _normalise_many(arr) -> "pa.Array":
    """`normalise` of every value of a string array. ASCII values (nearly all) are done in C: NFKC/NFKD and
    accent stripping do nothing to ASCII, so lower-casing and keeping [0-9a-z] runs is the whole job; other
    values go through `normalise` itself, so the result is the same for every input."""
    import pyarrow as pa
    import pyarrow.compute as pc
    ascii_ = pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
    low = pc.ascii_lower(arr)
    words = pc.replace_substring_regex(low, "[^0-9a-z]+", " ")
    out = pc.utf8_trim(words, " ")
    if not ascii_.all():
        idx = np.flatnonzero(~ascii_)
        slow = [normalise(v) for v in arr.take(pa.array(idx)).to_pylist()]
        out = out.to_numpy(zero_copy_only=False).astype(object)
        out[idx] = slow
        out = pa.array(out, type=pa.large_string())
    return out


def build_terms(names, addresses, ids, stopwords: set[str] = frozenset()) -> pd.DataFrame:
    """The terms table from raw strings; written next to the clean tables (never shared).

    Names and addresses: `normalise`d; empty terms, stopwords and one-word terms shorter than 6 characters
    are dropped; terms longer than MAX_NGRAM words are cut to their first MAX_NGRAM words. IDs: the digits
    of the value, kept when there are at least 8. Vectorised over the distinct values (pyarrow).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    parts = []
    stop = pa.array(sorted(stopwords), type=pa.large_string())
    for kind, values in (("nama", names), ("alamat", addresses)):
        n = _normalise_many(_unique_text(values))
        keep = pc.and_(pc.not_equal(n, ""), pc.invert(pc.is_in(n, value_set=stop)))
        n = n.filter(keep)
        nwords = pc.add(pc.count_substring(n, " "), 1).to_numpy(zero_copy_only=False)
        long_ = (nwords > 1) | (pc.utf8_length(n).to_numpy(zero_copy_only=False) >= 6)
        n = n.filter(pa.array(long_))
        if (nwords[long_] > MAX_NGRAM).any():
            sp = pc.split_pattern(n, " ", max_splits=MAX_NGRAM)     # the rest lands in one last piece
            n = pc.binary_join(pc.list_slice(sp, 0, MAX_NGRAM), pa.scalar(" ", pa.large_string()))
        parts.append(pd.DataFrame({"istilah": pd.array(n.to_numpy(zero_copy_only=False), dtype="str"),
                                   "jenis": kind}))
    u = _unique_text(ids)
    ascii_ = pc.string_is_ascii(u).to_numpy(zero_copy_only=False)
    d = pc.replace_substring_regex(u, "[^0-9]+", "").to_numpy(zero_copy_only=False).astype(object)
    if not ascii_.all():   # `\D` of Python's re keeps non-ASCII digits too: same answer through re
        for i in np.flatnonzero(~ascii_):
            d[i] = re.sub(r"\D", "", u[int(i)].as_py())
    d = pd.Series(d, dtype="str")
    parts.append(pd.DataFrame({"istilah": d[d.str.len() >= 8].to_numpy(), "jenis": "idbdt"}))
    out = pd.concat(parts, ignore_index=True).astype({"istilah": "str", "jenis": "str"})
    return out.drop_duplicates().sort_values(["jenis", "istilah"], ignore_index=True)


def default_stopwords() -> set[str]:
    """Place names and the briefing's own vocabulary: a person may share them, the text surely does."""
    from kemiskinan.domain import wilayah as wil

    words: set[str] = set()
    for w in wil.all_wilayah():
        for n in (w.nama, *w.varian):
            words.add(normalise(n))
    try:
        from kemiskinan.briefing import i18n

        for text in i18n.all_strings():
            for part in re.split(r"[.;:,()—-]", text):
                if part.strip():
                    words.add(normalise(part))
    except (ImportError, AttributeError):
        pass
    return words


def write_terms(raw_frames: dict[str, pd.DataFrame], out_dir: Path) -> Path:
    """Collect names, addresses and IDs from raw frames (any column whose name says so) and save them."""
    names, addresses, ids = [], [], []
    for df in raw_frames.values():
        for col in df.columns:
            c = re.sub(r"[^a-z]", "", str(col).lower())
            if c.startswith("nama") and c not in {"namasls"} or c in {"namagadisibukandung", "namakrt", "namapengurus"}:
                dest = names
            elif c.startswith("alamat"):
                dest = addresses
            elif c in {"idbdt", "idartbdt", "iddtks", "idartdtks"}:
                dest = ids
            else:
                continue
            v = df[col].dropna()
            v = (v if v.dtype == "str" else v.map(str)).astype("str")
            dest.append(v[v.str.strip() != ""])
    join = lambda parts: pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")  # noqa: E731
    terms = build_terms(join(names), join(addresses), join(ids), default_stopwords())
    out = Path(out_dir) / TERMS_FILE
    tmp = out.with_name(f".{out.name}.tmp")
    terms.to_parquet(tmp, index=False)
    tmp.replace(out)
    return out


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
    """Page texts from poppler's `pdftotext` (C, ~0.05 s for a 10-page briefing, against ~1 s for
    pypdf's pure-Python content-stream parser); None when poppler is not installed or fails, so the
    caller falls back to pypdf. Pages are separated by form feeds; the last one ends with one."""
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
    from kemiskinan import config

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
