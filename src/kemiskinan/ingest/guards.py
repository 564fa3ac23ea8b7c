"""Protective limits checked before an input file is parsed (`readers.read_table` calls `check_file` first).

Input files come from many hands (kelurahan staff, dinas exports, e-mail attachments). A damaged or
hostile file must end in a clear `InputError` naming the file (and sheet/row/column where known) within
bounded time and memory — never in a parser that allocates gigabytes, hangs, or aborts the process.

What the readers' own libraries do NOT protect against, and why each limit below exists:

* **XLSX zip bombs.** An XLSX is a zip archive; a 100 KB file can inflate to many GB of sheet XML. The
  central directory is read first (cheap: no decompression) — declared sizes, ratio, entry count and
  compression method are checked — and then every member is inflated *in a streaming pass with a hard
  byte cap* (declared sizes can lie: the real inflated size is what counts). Memory stays at ~1 MB.
* **Sparse far-away cells.** calamine (our XLSX/XLS reader) builds a *dense* grid from the first to the
  last used cell. One stray cell at `XFD1048576` makes it allocate rows × columns × 16 bytes
  (≈ 550 GB for a full sheet) and the Rust runtime aborts the whole process — no exception, no message.
  The streaming pass reads the largest row and column referenced in each sheet, so such a sheet is
  refused before calamine sees it.
* **Over-long cells and lines.** A single multi-megabyte "cell" is not data anyone typed; in a CSV it is
  usually a missing closing quote that swallowed the rest of the file.
* **Absurdly wide headers.** Header detection normalises every header cell of the first rows; 100 000
  columns make that (and the per-column DataFrame work after it) needlessly slow.

What is NOT here because the readers already handle it with an `InputError`: empty files, NUL bytes in a
CSV, truncated/non-zip workbooks, duplicate headers, missing headers, rows with the wrong field count.
Formula cells are never evaluated: calamine returns the cached value and CSV text stays text; any XLSX
we write escapes text starting with `=`, `+`, `-`, `@` (`kemiskinan.publish.xlsx.escape_formula`).

The limits are generous for real PBDT/DTKS/KKS/MPM files (a province-wide BDT member extract, the
largest input we know of, is ~1.5 million rows of ~300 bytes) and every message says which limit was hit,
so an analyst with a genuinely larger file knows what to split.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from kemiskinan.errors import InputError

# ------------------------------------------------------------------------------------------ limits
#: Largest input file read at all. The CSV reader holds the file in memory about three times (bytes,
#: decoded text, Arrow table), so 1 GiB bounds memory at a few GiB; the largest real extract is ~0.5 GB.
MAX_FILE_BYTES = 1 << 30

#: Total inflated size of all members of one XLSX. A workbook at Excel's maximum of 1,048,576 rows × ~40
#: columns is ~1.5 GB of sheet XML; real KKS/MPM workbooks are a few MB. calamine holds the sheet's cells
#: in memory, so this also bounds the reader's memory.
MAX_XLSX_UNCOMPRESSED = 1536 << 20

#: Highest inflated/compressed ratio of one zip member (checked for members above
#: `RATIO_CHECK_MIN_BYTES`). Sheet XML of real data compresses 5–30×; very repetitive sheets reach ~100×;
#: zip bombs are at 1,000× and more.
MAX_COMPRESSION_RATIO = 250
RATIO_CHECK_MIN_BYTES = 8 << 20

#: Most members in one XLSX. A workbook has ~10 fixed parts plus 1–3 per sheet; thousands of members are
#: not a spreadsheet (and each costs a central-directory entry to process).
MAX_ZIP_ENTRIES = 4096

#: Most columns a table may have. The widest real input (the PBDT household file) has ~65 columns; full
#: DTKS exports ~200. Applied to the widest line among a CSV's first lines and to every XLSX sheet's
#: highest used column (so a stray note far to the right is named, not silently read).
MAX_COLUMNS = 1000

#: Most cells in the grid calamine allocates for one sheet (first to last used row × column). 50 million
#: cells ≈ 1 GB in calamine plus the Python objects; Excel's full 1,048,576 × 40 sheet is 42 million.
MAX_SHEET_CELLS = 50_000_000

#: Longest text of one cell, in bytes of UTF-8/XML. Excel itself stops a cell at 32,767 characters (at
#: most 4 bytes each in UTF-8), so anything longer cannot have been typed or exported by Excel.
MAX_CELL_BYTES = 4 * 32_767 + 64

#: Longest line of a CSV, in bytes. A real line of the widest file is < 2 KB; a line over 256 KiB holds a
#: cell longer than Excel allows (see MAX_CELL_BYTES) or is binary junk. (It also keeps every line inside
#: the 256 KiB sample the CSV reader sniffs the header from.)
MAX_LINE_BYTES = 256 << 10

#: Lines of a CSV inspected for the column limit (header detection looks at the first 10 too).
CSV_HEAD_LINES = 11
CSV_DELIMITERS = (b";", b",", b"\t", b"|")

_CHUNK = 1 << 20
_HINT_SPLIT = "periksa isi file; bila datanya memang sebesar ini, pecah menjadi beberapa file"
_HINT_RESEND = "minta file dikirim ulang, atau buka dan simpan ulang di Excel"

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n >= 1 << 20 else f"{n / 1024:,.0f} KB"


def check_file(path: str | Path) -> None:
    """Raise `InputError` when `path` breaks one of the limits above; return quietly otherwise.

    Cheap for ordinary inputs: a stat for every file, one streaming inflate pass (no XML tree) for an
    XLSX, one pass of byte counting over a CSV.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return  # missing files are reported by the reader
    if size > MAX_FILE_BYTES:
        raise InputError(f"file terlalu besar ({_mb(size)}; batas {_mb(MAX_FILE_BYTES)})", file=path.name,
                         hint=_HINT_SPLIT)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES and size > 0:
        with open(path, "rb") as fh:
            if fh.read(2) != b"PK":
                return  # not a zip: the reader says "bukan workbook XLSX"
        check_xlsx(path)
    elif suffix in CSV_SUFFIXES and size > 0:
        check_csv(path)


# -------------------------------------------------------------------------------------------- CSV
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def utf16_to_utf8(data: bytes, file: str) -> bytes:
    """Excel's "Unicode Text" export (UTF-16 with a BOM, tab-delimited) as UTF-8 bytes without the BOM.

    Only a BOM makes a file UTF-16 here: without it UTF-16 cannot be told from binary junk (NUL bytes),
    which the reader refuses."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as e:
        raise InputError(f"file UTF-16 (\"Unicode Text\") rusak: byte ke-{e.start:,} tidak dapat dibaca "
                         "(file terpotong?)", file=file, hint=_HINT_RESEND) from None
    return text.lstrip("\ufeff").encode("utf-8")


def check_csv(path: Path) -> None:
    file = path.name
    data = path.read_bytes()
    if data[:2] in UTF16_BOMS:
        data = utf16_to_utf8(data, file)
    # column count: the widest of the first lines under any candidate delimiter
    head = data[: 4 * MAX_LINE_BYTES].split(b"\n", CSV_HEAD_LINES)[:CSV_HEAD_LINES]
    for i, line in enumerate(head):
        for d in CSV_DELIMITERS:
            n = line.count(d) + 1
            if n > MAX_COLUMNS:
                name = {b"\t": "tab"}.get(d, d.decode())
                raise InputError(f"baris berisi {n:,} kolom (pemisah '{name}'); batas {MAX_COLUMNS:,} kolom",
                                 file=file, row=i + 1, hint=_HINT_SPLIT)
    _check_mixed_encoding(data, file)
    # line length: positions of newlines, without decoding
    if len(data) > MAX_LINE_BYTES and not _short_lines(data):
        import numpy as np

        buf = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(buf == 10)
        bounds = np.concatenate(([-1], ends, [len(buf)]))
        lengths = np.diff(bounds) - 1
        j = int(np.argmax(lengths))
        if lengths[j] > MAX_LINE_BYTES:
            raise InputError(
                f"satu baris panjangnya {_mb(int(lengths[j]))} (batas {_mb(MAX_LINE_BYTES)}): sel raksasa, atau "
                "tanda kutip yang tidak ditutup sehingga sisa file terbaca sebagai satu sel",
                file=file, row=j + 1, hint="periksa tanda kutip (\") pada baris ini; " + _HINT_SPLIT)


def _short_lines(data: bytes) -> bool:
    """True when every line is certainly at most MAX_LINE_BYTES long: each aligned block of half that size
    holds a newline (memchr in C, a few hundred bytes per block), so no two consecutive newlines are more
    than MAX_LINE_BYTES apart. False = undecided; the caller measures every line."""
    step = MAX_LINE_BYTES // 2
    n = len(data)
    return all(data.find(b"\n", i, min(i + step, n)) >= 0 for i in range(0, n - step + 1, step)) \
        and data.rfind(b"\n", max(0, n - step)) >= 0 and data.find(b"\n", 0, step) >= 0


# A well-formed UTF-8 multi-byte character (2–4 bytes). In a cp1252 file such byte pairs spell things like
# "Ã©" — not something Indonesian names or addresses contain.
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _plausible(seq: bytes) -> bool:
    """A UTF-8 character real Indonesian exports contain: Latin-1 letters/NBSP, typographic punctuation,
    €, BOM or zero-width characters. (cp1252 text can form other valid pairs by accident, e.g. "É" + NBSP.)"""
    try:
        c = ord(seq.decode("utf-8"))
    except UnicodeDecodeError:  # shaped like UTF-8 but not UTF-8 (a surrogate, an overlong form): cp1252 text
        return False
    return 0xA0 <= c <= 0xFF or 0x2000 <= c <= 0x206F or c in (0x20AC, 0xFEFF)


def is_utf8(data) -> bool:
    """Whether `data` (bytes or a buffer) is valid UTF-8 — Arrow's validator, in C, without building a str.

    Same verdict as `bytes.decode("utf-8")` succeeding (strict: no overlongs, surrogates or code points
    above U+10FFFF); callers that need the error position still decode."""
    import numpy as np
    import pyarrow as pa

    buf = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, buf.size], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, buf).validate(full=True)
    except (pa.ArrowInvalid, pa.ArrowException):
        return False
    return True


_SCAN_CHUNK = 1 << 24


def _first_plausible_utf8(data: bytes) -> int | None:
    """Start of the first `_UTF8_MULTI` match for which `_plausible` holds — the same result as scanning
    `_UTF8_MULTI.finditer(data)` in order, but vectorised.

    A match starts at a byte >= 0xC2 and every later byte of it is a continuation byte (0x80–0xBF), so no
    match can contain another candidate start: each start byte is examined on its own, and the regex's
    alternation is decided by the lead byte. Only starts that are plausible go through `_plausible`
    (regex-shaped sequences that are not UTF-8 — surrogates, overlong forms — never are); the work is
    bounded by bytes, in 16 MB chunks."""
    import numpy as np

    n = len(data)
    for start in range(0, n, _SCAN_CHUNK):
        end = min(n, start + _SCAN_CHUNK)
        chunk = np.frombuffer(data, dtype=np.uint8, count=min(n, end + 3) - start, offset=start)
        lead = np.flatnonzero(chunk[: end - start] >= 0xC2)
        if not len(lead):
            continue
        last = len(chunk) - 1

        def at(k: int) -> np.ndarray:
            pos = lead + k
            return np.where(pos <= last, chunk[np.minimum(pos, last)], 0).astype(np.int32)

        b0, b1, b2 = at(0), at(1), at(2)
        c1, c2 = ((b1 >= 0x80) & (b1 <= 0xBF)), ((b2 >= 0x80) & (b2 <= 0xBF))
        m2 = (b0 <= 0xDF) & c1
        m3 = (b0 >= 0xE0) & (b0 <= 0xEF) & c1 & c2
        cp3 = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
        # 4-byte characters (U+10000 and up) are never plausible, so only 2- and 3-byte starts can hit
        hit = ((m2 & ((b0 == 0xC3) | ((b0 == 0xC2) & (b1 >= 0xA0))))
               | (m3 & (((cp3 >= 0x2000) & (cp3 <= 0x206F)) | (cp3 == 0x20AC) | (cp3 == 0xFEFF))))
        for j in np.flatnonzero(hit):
            p = start + int(lead[j])
            length = 2 if m2[j] else 3
            if _plausible(data[p:p + length]):
                return p
    return None


def _check_mixed_encoding(data: bytes, file: str) -> None:
    """A file that is not valid UTF-8 yet contains UTF-8 characters mixes two encodings (usually two
    exports pasted together). Reading it either way turns one half into mojibake ("BontÃ©" or "Bont�"),
    which then fails name matching row by row; one clear error is better."""
    if is_utf8(data):
        return
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError as e:
        bad = e.start
    start = _first_plausible_utf8(data)
    if start is None:
        return  # plain cp1252 / latin-1: the reader decodes it
    row_bad = data.count(b"\n", 0, bad) + 1
    row_utf8 = data.count(b"\n", 0, start) + 1
    raise InputError(
        f"encoding campuran: baris {row_utf8} berisi huruf UTF-8, baris {row_bad} berisi byte yang bukan UTF-8 "
        "(mis. cp1252/latin-1 dari Excel); file tampaknya gabungan dua ekspor", file=file, row=row_bad,
        hint="simpan ulang seluruh file dengan satu encoding (Excel: 'CSV UTF-8'), lalu kirim ulang")


# ------------------------------------------------------------------------------------------- XLSX
# In SpreadsheetML only <row> and <c> carry an `r` attribute: digits only = a row number, letters +
# digits = a cell reference. Matching the attribute (not the tag) also catches `<c s="1" r="XFD9">`.
_ROW_RE = re.compile(rb'\sr="(\d{1,9})"')
_CELL_RE = re.compile(rb'\sr="([A-Za-z]{1,4})(\d{1,9})"')
_WIDE_CELL_RE = re.compile(rb'\sr="([A-Za-z]{2,4})(\d{1,9})"')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """zip member path → sheet name, from workbook.xml and its relationships (best effort)."""
    try:
        wb = zf.read("xl/workbook.xml") if zf.getinfo("xl/workbook.xml").file_size < (8 << 20) else b""
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error, NotImplementedError):
        return {}
    targets = {}
    for m in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        i, t = re.search(rb'\bId="([^"]+)"', tag), re.search(rb'\bTarget="([^"]+)"', tag)
        if i and t:
            tgt = t.group(1).decode("utf-8", "replace").lstrip("/")
            targets[i.group(1)] = tgt if tgt.startswith("xl/") else "xl/" + tgt
    out = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", wb):
        tag = m.group(0)
        n, r = re.search(rb'\bname="([^"]*)"', tag), re.search(rb'\b\w+:id="([^"]+)"', tag)
        if n and r and r.group(1) in targets:
            import html

            out[targets[r.group(1)]] = html.unescape(n.group(1).decode("utf-8", "replace"))
    return out


def _data_offset(fh, info: zipfile.ZipInfo) -> int:
    fh.seek(info.header_offset)
    hdr = fh.read(30)
    if len(hdr) != 30 or hdr[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    n, m = struct.unpack("<HH", hdr[26:30])
    return info.header_offset + 30 + n + m


def check_xlsx(path: Path) -> None:
    file = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
        # truncated or damaged: calamine gives the same verdict with its own message
        raise InputError("workbook tidak bisa dibuka (arsip zip rusak atau terpotong)", file=file,
                         hint=_HINT_RESEND) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise InputError(f"workbook berisi {len(infos):,} bagian zip (batas {MAX_ZIP_ENTRIES:,}); "
                             "bukan workbook Excel biasa", file=file, hint=_HINT_RESEND)
        declared = sum(i.file_size for i in infos)
        if declared > MAX_XLSX_UNCOMPRESSED:
            raise InputError(f"isi workbook setelah diekstrak {_mb(declared)} (batas {_mb(MAX_XLSX_UNCOMPRESSED)}); "
                             "kemungkinan 'zip bomb' atau workbook rusak", file=file, hint=_HINT_SPLIT)
        sheets = _sheet_names(zf)
        for info in infos:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise InputError(f"bagian '{info.filename}' memakai kompresi zip yang tidak dipakai Excel "
                                 f"(metode {info.compress_type})", file=file, hint=_HINT_RESEND)
            if (info.file_size > RATIO_CHECK_MIN_BYTES
                    and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
                raise InputError(f"bagian '{info.filename}' mengembang {info.file_size / max(info.compress_size, 1):,.0f}× "
                                 f"(batas {MAX_COMPRESSION_RATIO}×): kemungkinan 'zip bomb'",
                                 file=file, sheet=sheets.get(info.filename), hint=_HINT_RESEND)
        # the streaming pass: real inflated sizes (declared sizes can lie), sheet extents, cell lengths
        total = 0
        with open(path, "rb") as fh:
            for info in infos:
                if info.is_dir():
                    continue
                try:
                    total = _scan_member(fh, info, total, file, sheets)
                except (zipfile.BadZipFile, zlib.error, struct.error, OSError) as e:
                    raise InputError(f"bagian '{info.filename}' tidak bisa diekstrak ({type(e).__name__}); "
                                     "workbook rusak atau terpotong", file=file,
                                     sheet=sheets.get(info.filename), hint=_HINT_RESEND) from None


class _XmlScan:
    """Checks on one workbook member's XML as it streams in, block by block: a cell longer than
    MAX_CELL_BYTES, a column past MAX_COLUMNS, a sheet spanning more than MAX_SHEET_CELLS."""

    def __init__(self, name: str, file: str, sheet: str | None, is_sheet: bool, scan_text: bool):
        self.name, self.file, self.sheet = name, file, sheet
        self.is_sheet, self.scan_text = is_sheet, scan_text
        self.carry = b""
        self.max_row = self.max_col = 0
        self.where = ""

    def __call__(self, block: bytes, final: bool = False) -> None:
        if not self.scan_text:
            return  # styles, media, …: only their inflated size matters
        buf = self.carry + block
        cut = len(buf) if final else buf.rfind(b"<")
        if cut < 0:
            cut = 0
        part, self.carry = buf[:cut], buf[cut:]
        if len(self.carry) > MAX_CELL_BYTES + 4096:
            _long_cell(part + self.carry[:64], self.file, self.sheet, self.where)
        if self.is_sheet:
            rows = _ROW_RE.findall(part)
            if rows:
                self.max_row = max(self.max_row, max(map(int, rows)))
            for letters, r in _WIDE_CELL_RE.findall(part):  # only 2+-letter columns (AA…): rare, cheap
                c = _col_number(letters)
                if c > MAX_COLUMNS:
                    col = letters.decode().upper()
                    raise InputError(f"sel terisi di kolom {col} (kolom ke-{c:,}); batas {MAX_COLUMNS:,} kolom",
                                     file=self.file, sheet=self.sheet, row=int(r), column=col,
                                     hint="hapus isi sel yang jauh di kanan, atau " + _HINT_SPLIT)
                self.max_col = max(self.max_col, c)
            width = max(self.max_col, 26)  # no 2-letter reference seen: at most column Z
            if self.max_row * width > MAX_SHEET_CELLS:
                raise InputError(f"sheet terbentang sampai baris {self.max_row:,} × kolom {_col_letters(width)} "
                                 f"(± {self.max_row * width:,} sel; batas {MAX_SHEET_CELLS:,}); "
                                 "ada sel terisi jauh di bawah tabel?", file=self.file, sheet=self.sheet, row=self.max_row,
                                 hint="hapus isi/format sel di luar tabel (Ctrl+End di Excel menunjukkan sel "
                                      "terakhir), simpan ulang")
            cells = _CELL_RE.findall(part[-4096:])
            if cells:
                self.where = (cells[-1][0] + cells[-1][1]).decode()
        if len(part) > MAX_CELL_BYTES:
            import numpy as np

            lt = np.flatnonzero(np.frombuffer(part, dtype=np.uint8) == 60)
            bounds = np.concatenate(([0], lt, [len(part)]))
            gaps = np.diff(bounds)
            j = int(np.argmax(gaps))
            if gaps[j] > MAX_CELL_BYTES:
                _long_cell(part[: int(bounds[j]) + 1], self.file, self.sheet, self.where)


def _scan_member(fh, info: zipfile.ZipInfo, total: int, file: str, sheets: dict[str, str]) -> int:
    name = info.filename
    sheet = sheets.get(name)
    is_sheet = sheet is not None or (name.startswith("xl/worksheets/") and name.endswith(".xml"))
    scan_text = is_sheet or name.endswith("sharedStrings.xml")
    fh.seek(_data_offset(fh, info))
    left = info.compress_size
    d = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    own = 0
    cap_member = max(info.file_size, 1) * 1 + (1 << 16)  # inflating past the declared size = a lie
    scan = _XmlScan(name, file, sheet, is_sheet, scan_text)

    def too_big():
        if total + own > MAX_XLSX_UNCOMPRESSED:
            raise InputError(f"isi workbook setelah diekstrak lebih dari {_mb(MAX_XLSX_UNCOMPRESSED)}; "
                             "kemungkinan 'zip bomb'", file=file, sheet=sheet, hint=_HINT_SPLIT)
        if own > cap_member:
            raise InputError(f"bagian '{name}' mengembang melebihi ukuran yang dicatat di arsip "
                             f"({_mb(info.file_size)}); kemungkinan 'zip bomb' atau file rusak",
                             file=file, sheet=sheet, hint=_HINT_RESEND)

    while left > 0:
        raw = fh.read(min(_CHUNK, left))
        if not raw:
            raise zipfile.BadZipFile("terpotong")
        left -= len(raw)
        if d is None:
            own += len(raw)
            too_big()
            scan(raw)
            continue
        while raw:
            out = d.decompress(raw, _CHUNK)
            own += len(out)
            too_big()
            scan(out)
            raw = d.unconsumed_tail
            if d.eof:
                break
        if d.eof:
            break
    if d is not None:
        rest = d.flush(_CHUNK)
        own += len(rest)
        too_big()
        scan(rest, final=True)
    else:
        scan(b"", final=True)
    return total + own


def _long_cell(before: bytes, file: str, sheet: str | None, where: str) -> None:
    cells = _CELL_RE.findall(before[-8192:])
    ref = (cells[-1][0] + cells[-1][1]).decode() if cells else where
    m = re.match(r"([A-Z]+)(\d+)", ref.upper()) if ref else None
    raise InputError(f"satu sel berisi teks lebih dari {MAX_CELL_BYTES:,} byte (Excel sendiri membatasi 32.767 "
                     "karakter per sel)", file=file, sheet=sheet,
                     row=int(m.group(2)) if m and sheet else None, column=m.group(1) if m and sheet else None,
                     hint="periksa sel tersebut; " + _HINT_SPLIT)
