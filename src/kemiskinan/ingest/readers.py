"""Read what really arrives: CSV (`,` `;` tab `|`; UTF-8 with/without BOM, cp1252, latin-1, UTF-16 with BOM), XLSX
and XLS.

`read_table(path)` returns one `Table` per data sheet (one for a CSV). Every column is text (identifiers
are never turned into numbers), headers are normalised to canonical snake_case names through `ALIASES`,
and a `_baris` column holds the 1-based row number in the source (header row = its own number, so the
first data row under a header on line 1 is row 2 — what an analyst sees in Excel).

Rules, each with a clear `InputError` (file, sheet, row, column) when broken:

* the header is the row among the first `HEADER_SEARCH_ROWS` that matches most known column names
  (at least `MIN_HEADER_MATCHES`); none → "header tidak ditemukan";
* two columns that normalise to the same name → "kolom ganda";
* a CSV row with a different number of fields than the header → error naming the row;
* an unreadable workbook (truncated, not a workbook) or an empty file → error.

Repairs made while reading (all documented, none guessing): NBSP → space and zero-width characters /
stray BOMs removed everywhere — in ID columns (`ID_COLUMNS`) removed and the cells recorded in
`Table.invisible`, so the cleaner flags them (ID_KARAKTER_TAK_TERLIHAT); fully empty rows are not records
and are skipped (`Table.empty_rows`). Excel's "Unicode Text" (UTF-16 with BOM) is read as text.
Excel numeric cells are turned into exact text; which cells were numeric is kept in `Table.numeric`
so ID columns can be flagged (`ID_EXCEL_NUMBER`).
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kemiskinan.ingest import profiles as _profiles
from kemiskinan.errors import InputError
from kemiskinan.ingest.columns import CANONICAL
from kemiskinan.ingest.guards import UTF16_BOMS, check_file, is_utf8, utf16_to_utf8

HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 3
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
MARKER = "DATA SINTETIS"
#: Sheets that carry notes, not records.
NOTE_SHEETS = {"keterangan", "catatan", "readme", "petunjuk"}

#: Header aliases (normalised header → canonical name): the built-in source profile's `kolom`
#: (src/kemiskinan/ingest/profiles/bawaan.yml), where the variants seen in practice (§1.6) are listed.
ALIASES: dict[str, str] = _profiles._builtin_rule().kolom

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
#: Columns holding identifiers. Invisible characters inside them are removed *and* flagged
#: (`Table.invisible` → rule ID_KARAKTER_TAK_TERLIHAT): an ID that needed repair is worth a look.
ID_COLUMNS = ("idbdt", "idartbdt", "nik", "no_kk", "nik_pengurus", "no_kks")
_INVISIBLE_RE = "[\u00a0\u200b\u200c\u200d\u2060\ufeff]"
_ZERO_WIDTH_RE = "[\u200b\u200c\u200d\u2060\ufeff]"


@dataclass
class Table:
    """One block of records: a CSV file or one sheet of a workbook."""
    df: pd.DataFrame                      # text columns + `_baris` (int64, 1-based source row)
    file: str                             # file name (no directory)
    path: Path
    sheet: str | None = None
    header_row: int = 1                   # 1-based
    raw_columns: dict[str, str] = field(default_factory=dict)   # canonical → header as written
    numeric: dict[str, np.ndarray] = field(default_factory=dict)  # canonical → bool mask of numeric cells
    empty_rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    marker: bool = False                  # carries the synthetic-data marker
    invisible: dict[str, np.ndarray] = field(default_factory=dict)  # ID column → cells that held invisible chars
    kind: str | None = None               # the kind a source profile gives (`jenis:`), else None (detected)
    profile: str = "bawaan"               # the profile rule that applied (kemiskinan.ingest.profiles)
    outside: dict[str, np.ndarray] = field(default_factory=dict)   # column → values outside a closed vocabulary
    outside_rule: dict[str, str] = field(default_factory=dict)     # column → the finding rule for those
    values: dict[str, pd.DataFrame] = field(default_factory=dict)  # column → distinct raw values, counts, mapping

    @property
    def rows(self) -> int:
        return len(self.df)

    def where(self) -> dict:
        return {"file": self.file, "sheet": self.sheet}


def normalise_header(name: object, spec: "_profiles.Spec | None" = None) -> str:
    """`No. NIK ` → `no_nik`; `NoKK` → `nokk`; `Nama_SLS` → `nama_sls`; then through the aliases (`ALIASES`,
    or those of a profile's `spec`: its `kolom` over the built-in ones)."""
    s = _profiles.header_key(name)
    return (spec.aliases if spec is not None else ALIASES).get(s, s)


def _detect_header(rows: list[list[str]], spec=None) -> tuple[int, int]:
    """(index of the header row within `rows`, number of known names in it); a profile's `baris_header`
    fixes the row."""
    if spec is not None and spec.baris_header is not None:
        i = spec.baris_header - 1
        if i >= len(rows):
            return -1, 0
        return i, max(MIN_HEADER_MATCHES, len({normalise_header(c, spec) for c in rows[i] if str(c).strip()}))
    best, best_i = 0, -1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        n = len({normalise_header(c, spec) for c in row if str(c).strip()} & CANONICAL)
        if n > best:
            best, best_i = n, i
    return best_i, best


def _header_names(cells: list[object], file: str, sheet: str | None, row: int,
                  spec=None) -> tuple[list[str], dict[str, str]]:
    names, raw, seen = [], {}, {}
    for j, c in enumerate(cells):
        text = "" if c is None else str(c)
        n = normalise_header(text, spec)
        if not n:
            n = f"_kolom_{j + 1}"
        if n in seen:
            raise InputError(
                f"kolom ganda: '{seen[n]}' dan '{text.strip()}' sama-sama berarti '{n}'",
                file=file, sheet=sheet, row=row, column=text.strip(),
                hint="hapus atau ganti nama salah satu kolom")
        seen[n] = text.strip()
        names.append(n)
        raw[n] = text.strip()
    return names, raw


# ---------------------------------------------------------------------------------------------- CSV
def _decode_sample(data: bytes) -> tuple[str, str]:
    """(encoding, decoded sample). UTF-8 (BOM or not) first, then cp1252, then latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", data[3:].decode("utf-8", errors="replace")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start > len(data) - 4:  # a multibyte char cut by the sample boundary
            try:
                return "utf-8", data[: e.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
    try:
        return "cp1252", data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1", data.decode("latin-1")


_CLEAN_LEADS = (0xC2, 0xE2, 0xEF)   # first bytes of NBSP and of every `_ZERO_WIDTH` character in UTF-8


def _clean_bytes(data: bytes, valid_utf8: bool = False) -> bytes:
    """NBSP → space, zero-width characters and stray BOMs removed (UTF-8 bytes).

    `valid_utf8`: the caller knows `data` is valid UTF-8. Then the characters to replace are whole
    characters that cannot overlap or be formed by removing others, so one vectorised pass over the bytes
    that can start them gives the same result as the replacements one after another (which scan the whole
    buffer once per character, byte by byte)."""
    if valid_utf8 and len(data) > (1 << 16):
        return _clean_bytes_utf8(data)
    if b"\xc2\xa0" in data:
        data = data.replace(b"\xc2\xa0", b" ")
    for ch in _ZERO_WIDTH:
        b = ch.encode("utf-8")
        if b in data:
            data = data.replace(b, b"")
    return data


def _positions_where(buf: np.ndarray, test, chunk: int = 1 << 26) -> np.ndarray:
    """`np.flatnonzero(test(buf))` in 64 MB pieces (no boolean array the size of a whole file)."""
    parts = [np.flatnonzero(test(buf[i:i + chunk])) + i for i in range(0, len(buf), chunk)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)


def _clean_bytes_utf8(data: bytes) -> bytes:
    n = len(data)
    buf = np.frombuffer(data, dtype=np.uint8)
    lead = _positions_where(buf, lambda c: c >= 0xC2)
    lead = lead[np.isin(buf[lead], _CLEAN_LEADS)]
    if not len(lead):
        return data
    b1 = buf[np.minimum(lead + 1, n - 1)] * (lead + 1 < n)
    b2 = buf[np.minimum(lead + 2, n - 1)] * (lead + 2 < n)
    nbsp = (buf[lead] == 0xC2) & (b1 == 0xA0)
    code = (buf[lead].astype(np.int64) << 16) | (b1.astype(np.int64) << 8) | b2.astype(np.int64)
    zw_codes = [int.from_bytes(ch.encode("utf-8"), "big") for ch in _ZERO_WIDTH]
    zw = np.isin(code, zw_codes) & (lead + 2 < n)
    hit = nbsp | zw
    if not hit.any():
        return data
    pos, is_nbsp = lead[hit], nbsp[hit]
    pieces, prev = [], 0
    for p, sp in zip(pos.tolist(), is_nbsp.tolist()):
        pieces.append(data[prev:p])
        if sp:
            pieces.append(b" ")
            prev = p + 2
        else:
            prev = p + 3
    pieces.append(data[prev:])
    return b"".join(pieces)


def _sniff(sample_text: str, file: str, spec=None) -> tuple[str, int, list[str]]:
    """Delimiter, header line index, header cells — the delimiter whose header matches most names (with a
    profile's `baris_header`: the delimiter that splits that line into most fields)."""
    fixed = spec is not None and spec.baris_header is not None
    lines = sample_text.splitlines()[: max(HEADER_SEARCH_ROWS, spec.baris_header if fixed else 0) + 1]
    if not lines:
        raise InputError("file kosong (tidak ada baris sama sekali)", file=file)
    best = (0, None, -1, [])
    for delim in (";", ",", "\t", "|"):
        try:
            rows = list(csv.reader(lines, delimiter=delim))
        except csv.Error:
            continue
        i, n = _detect_header(rows, spec)
        if fixed and i >= 0:
            n = len(rows[i]) * 1000 + len({normalise_header(c, spec) for c in rows[i]} & CANONICAL)
        if n > best[0] and i >= 0 and len(rows[i]) > 1:
            best = (n, delim, i, rows[i])
    n, delim, i, header = best
    if fixed and delim is None:
        raise InputError(f"baris header {spec.baris_header} (dari profil {spec.source}) tidak ada atau hanya "
                         "satu kolom", file=file, row=spec.baris_header, hint="periksa `baris_header` di sumber.yml")
    if delim is None or n < MIN_HEADER_MATCHES:
        raise InputError(
            f"header tidak ditemukan di {HEADER_SEARCH_ROWS} baris pertama (pemisah kolom yang dicoba: ; , tab |)",
            file=file, hint="pastikan baris judul kolom ada (mis. IDBDT, NIK, …) dan pemisah kolom konsisten")
    return delim, i, header


def _utf8_bytes(data: bytes, file: str) -> tuple[bytes, str, str, bool, bool]:
    """A CSV file's bytes as UTF-8, cleaned: (data, encoding as read, decoded sample for sniffing, read as
    UTF-16, holds invisible characters — then `data` still has them, for `_clean_columns`)."""
    utf16 = data[:2] in UTF16_BOMS
    if utf16:   # Excel "Unicode Text": read as the UTF-8 it becomes
        data = utf16_to_utf8(data, file)
    if re.search(rb"[^ \t\r\n\x00\xef\xbb\xbf]", data) is None:   # = data.strip(those) is empty, no copy
        raise InputError("file kosong (0 baris data)", file=file)
    if b"\x00" in data[:65536]:
        raise InputError("file bukan teks CSV (berisi byte biner); mungkin rusak atau bukan CSV",
                         file=file, hint="ekspor ulang dari aplikasi sumber sebagai CSV atau XLSX")
    encoding, sample = _decode_sample(data[:262144])
    if encoding == "utf-8" and not is_utf8(data):   # validated in C, without decoding to a str
        encoding = "cp1252"
    if encoding == "utf-8-sig":
        data = data[3:]
    elif encoding in ("cp1252", "latin-1"):
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            encoding = "latin-1"
            data = data.decode("latin-1").encode("utf-8")
        sample = data[:262144].decode("utf-8", errors="ignore")
    # every path above leaves valid UTF-8 except a BOM file, which was not validated past its sample
    cleaned = _clean_bytes(data, valid_utf8=encoding != "utf-8-sig" or is_utf8(data))
    # A file with invisible characters is parsed as it is and cleaned column by column, so the ID cells
    # that held one are known (a silent repair of an ID hides a problem); lines of nothing but invisible
    # characters are emptied first (they were blank lines before the byte clean-up and stay so).
    invisible_in_file = cleaned is not data
    if invisible_in_file:
        del cleaned
        data = _empty_invisible_lines(data)
    else:
        data = cleaned
    sample = _clean_bytes(sample.encode("utf-8")).decode("utf-8", errors="ignore")
    return data, encoding, sample, utf16, invisible_in_file


def _nonempty_rows(df: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Rows with a non-blank cell: fully empty rows (blank lines, `;;;;`) are not records."""
    # (each column is only looked at for the rows still without a non-blank cell: nearly every record is
    # settled by its first column, so this costs one column instead of all of them)
    nonempty = np.zeros(len(df), dtype=bool)
    todo = np.arange(len(df))
    for c in names:
        if not len(todo):
            break
        col = df[c] if len(todo) == len(df) else df[c].iloc[todo]
        hit = (col.str.strip() != "").to_numpy(dtype=bool)
        nonempty[todo[hit]] = True
        todo = todo[~hit]
    return nonempty


def _read_csv(path: Path, profile=None) -> list[Table]:
    file = path.name
    spec = (profile or _profiles.builtin()).spec(file, None)
    data = path.read_bytes()
    data, encoding, sample, utf16, invisible_in_file = _utf8_bytes(data, file)
    delim, hidx, header = _sniff(sample, file, spec)
    names, raw = _header_names(header, file, None, hidx + 1, spec)
    # byte offset of the first data line (header may be preceded by title lines)
    pos = 0
    for _ in range(hidx + 1):
        nl = data.find(b"\n", pos)
        pos = len(data) if nl < 0 else nl + 1
    # the data lines as a zero-copy view (no second copy of a file that may be hundreds of MB)
    body = memoryview(data)[pos:]
    ncol = len(names)
    table: pa.Table
    if re.search(rb"[^ \t\r\n\x0b\x0c]", data[pos:pos + 65536]) is None and not data[pos:].strip():
        table = pa.table({n: pa.array([], pa.string()) for n in names})
        line_numbers = np.array([], dtype=np.int64)
    else:
        try:
            table = pacsv.read_csv(
                pa.BufferReader(body),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=False,
                                                 ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.large_string() for n in names}, strings_can_be_null=False,
                    quoted_strings_can_be_null=False, null_values=[]))
        except (pa.ArrowInvalid, pa.ArrowException) as e:
            msg = str(e)
            m = re.search(r"Expected (\d+) columns, got (\d+)", msg)
            row = _bad_row(bytes(body), delim, ncol)
            detail = (f"jumlah kolom tidak cocok dengan header (header {m[1]} kolom, baris ini {m[2]})"
                      if m else f"CSV tidak bisa dibaca: {msg.splitlines()[0][:200]}")
            raise InputError(detail, file=file, row=(row + hidx + 1) if row is not None else None,
                             hint="file terpotong, pemisah kolom salah, atau tanda kutip tidak ditutup?") from None
        line_numbers = _line_numbers(body, hidx + 2, table.num_rows)
    invisible: dict[str, np.ndarray] = {}
    if invisible_in_file:
        table = _clean_columns(table, invisible, _rows_with_invisible(body, hidx + 2, line_numbers))
    df = table.to_pandas()    # large_string columns: pandas' str dtype wraps them without a copy
    del table
    df = df.astype({c: "str" for c in df.columns})
    df["_baris"] = line_numbers
    nonempty = _nonempty_rows(df, names)
    empty = int((~nonempty).sum())
    if empty:
        df = df[nonempty].reset_index(drop=True)
        invisible = {c: m[nonempty] for c, m in invisible.items()}
    marker = _has_marker(df) or file.upper().startswith("SINTETIS_")
    t = Table(df, file, path, None, hidx + 1, raw, {}, empty, "utf-16" if utf16 else encoding, delim, marker,
              invisible=invisible)
    return [_apply_spec(t, spec)]


def _apply_spec(t: Table, spec) -> Table:
    """The profile's kind and value vocabularies (kemiskinan.ingest.profiles): each vocabulary column is mapped to
    canonical values once per distinct value; values outside a closed vocabulary stay as written and are
    recorded in `Table.outside` (the cleaner flags and blanks them)."""
    t.kind, t.profile = spec.jenis, spec.source
    for col, vocab in spec.vocab.items():
        if col not in t.df.columns:
            continue
        mapped, outside, report = _profiles.apply_vocab(t.df[col], vocab)
        t.df[col] = mapped
        t.values[col] = report
        if outside.any():
            t.outside[col] = outside
            t.outside_rule[col] = vocab.rule
    return t


def _invisible_offsets(buf: np.ndarray) -> np.ndarray:
    """Byte offsets of NBSP and of the `_ZERO_WIDTH` characters in UTF-8 bytes `buf` (numpy, no decoding)."""
    lead = _positions_where(buf, lambda c: (c == 0xC2) | (c == 0xE2) | (c == 0xEF))
    n = len(buf)
    if not len(lead):
        return lead
    b1 = buf[np.minimum(lead + 1, n - 1)]
    b2 = buf[np.minimum(lead + 2, n - 1)]
    code = (buf[lead].astype(np.int64) << 16) | (b1.astype(np.int64) << 8) | b2.astype(np.int64)
    zw = [int.from_bytes(ch.encode("utf-8"), "big") for ch in _ZERO_WIDTH]
    hit = ((buf[lead] == 0xC2) & (b1 == 0xA0) & (lead + 1 < n)) | (np.isin(code, zw) & (lead + 2 < n))
    return lead[hit]


def _empty_invisible_lines(data: bytes) -> bytes:
    """Lines holding nothing but invisible characters, spaces and tabs emptied: they were blank lines when
    the whole file was cleaned byte-wise, and stay blank lines (no record)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    offsets = _invisible_offsets(buf)
    if not len(offsets):
        return data
    newlines = _positions_where(buf, lambda c: c == 10)
    spans = []
    for k in np.unique(np.searchsorted(newlines, offsets, side="left")).tolist():
        start = int(newlines[k - 1]) + 1 if k > 0 else 0
        end = int(newlines[k]) if k < len(newlines) else len(data)
        line = data[start:end]
        body = line[:-1] if line.endswith(b"\r") else line
        if not body.decode("utf-8", errors="replace").strip(" \t\u00a0" + _ZERO_WIDTH):
            spans.append((start, start + len(body)))
    if not spans:
        return data
    pieces, prev = [], 0
    for a, b in spans:
        pieces.append(data[prev:a])
        prev = b
    pieces.append(data[prev:])
    return b"".join(pieces)


def _rows_with_invisible(body, first: int, line_numbers: np.ndarray) -> np.ndarray | None:
    """Positions of the rows whose line holds an invisible character (sorted), from the characters' byte
    offsets and the rows' source line numbers; None when a line cannot be tied to its row for certain."""
    buf = np.frombuffer(body, dtype=np.uint8)
    n = len(buf)
    offsets = _invisible_offsets(buf)
    if not len(offsets):
        return np.zeros(0, dtype=np.int64)
    newlines = _positions_where(buf, lambda c: c == 10)
    # the rows' line numbers are exact only when pyarrow's rows are the non-empty "\n" lines (see
    # `_line_numbers`); otherwise (e.g. bare CR line ends) every row is looked at
    ends = newlines if len(newlines) and newlines[-1] == n - 1 else np.append(newlines, n)
    starts = np.concatenate([[0], ends[:-1] + 1])
    lengths = ends - starts
    has_cr = (lengths > 0) & (buf[np.minimum(ends - 1, n - 1)] == 13)
    if int(((lengths - has_cr) > 0).sum()) != len(line_numbers):
        return None
    lines = np.unique(first + np.searchsorted(newlines, offsets, side="left"))
    rows = np.searchsorted(line_numbers, lines)
    if not (rows < len(line_numbers)).all() or not (line_numbers[rows] == lines).all():
        return None
    return rows.astype(np.int64)


def _clean_columns(table: pa.Table, invisible: dict[str, np.ndarray], rows: np.ndarray | None = None) -> pa.Table:
    """NBSP → space and zero-width characters / stray BOMs removed, column by column (arrow kernels); in ID
    columns every such character is removed and the cells that held one are recorded in `invisible`.

    `rows`: the only rows that can hold such characters (`_rows_with_invisible`); None = look at all."""
    import pyarrow.compute as pc
    n = table.num_rows
    sub = table if rows is None else table.take(pa.array(rows))
    for i, name in enumerate(table.column_names):
        col = sub.column(i)
        hit = pc.match_substring_regex(col, _INVISIBLE_RE)
        if not pc.any(hit).as_py():
            continue
        if name in ID_COLUMNS:
            new = pc.replace_substring_regex(col, _INVISIBLE_RE, "")
        else:
            new = pc.replace_substring_regex(pc.replace_substring(col, "\u00a0", " "), _ZERO_WIDTH_RE, "")
        hit_np = hit.to_numpy(zero_copy_only=False).astype(bool)
        if rows is None:
            mask, full = hit_np, new
        else:
            mask = np.zeros(n, dtype=bool)
            mask[rows[hit_np]] = True
            full = pc.replace_with_mask(table.column(i), pa.array(mask), pc.filter(new, hit).combine_chunks())
        if name in ID_COLUMNS:
            invisible[name] = mask
        table = table.set_column(i, name, full)
    return table


def _line_numbers(body, first: int, n: int) -> np.ndarray:
    """Source line numbers of the non-empty lines of `body` (bytes or a memoryview; pyarrow skips empty lines)."""
    # (no shortcut for files without blank lines: searching for "\n\n" scans byte by byte, slower than
    # this; without blank lines the result below is that same arange)
    buf = np.frombuffer(body, dtype=np.uint8)
    if not len(buf):
        return np.arange(first, first + n, dtype=np.int64)
    ends = _positions_where(buf, lambda c: c == 10)
    if len(ends) == 0 or ends[-1] != len(buf) - 1:
        ends = np.append(ends, len(buf))
    starts = np.concatenate([[0], ends[:-1] + 1])
    lengths = ends - starts
    has_cr = (lengths > 0) & (buf[np.minimum(ends - 1, len(buf) - 1)] == 13)
    nonempty = (lengths - has_cr) > 0
    lines = np.flatnonzero(nonempty) + first
    if len(lines) != n:  # quoted newlines or whitespace-only lines: fall back to positions
        return np.arange(first, first + n, dtype=np.int64)
    return lines.astype(np.int64)


def _bad_row(body: bytes, delim: str, ncol: int) -> int | None:
    """1-based line number (within `body`) of the first row whose field count differs from the header."""
    # Line by line, as pyarrow reads (newlines_in_values=False): an unclosed quote or a bare CR must not
    # make csv swallow the following lines or raise csv.Error (found by tests/test_hostile_inputs.py).
    for i, line in enumerate(re.split(r"\r\n|\r|\n", body.decode("utf-8", errors="replace")), 1):
        try:
            row = next(csv.reader([line], delimiter=delim), [])
        except csv.Error:
            return i
        if row and len(row) != ncol:
            return i
    return None


def _has_marker(df: pd.DataFrame) -> bool:
    if "keterangan" not in df.columns or df.empty:
        return False
    return bool(df["keterangan"].head(50).str.upper().str.contains(MARKER, regex=False).any())


# -------------------------------------------------------------------------------------------- Excel
def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer() and abs(v) < 2**53:
            return str(int(v))
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, _dt.datetime):
        return v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


def _sheet_table(path: Path, name: str, rows: list[list], spec, file_marker: bool) -> Table:
    """One data sheet's rows (as calamine gives them) → a Table: header found, empty rows dropped, cells as
    text (numeric cells remembered), invisible characters removed (and recorded in ID columns)."""
    file = path.name
    text_rows = [[_cell_text(c) for c in r] for r in rows[:max(HEADER_SEARCH_ROWS, spec.baris_header or 0)]]
    hidx, n = _detect_header(text_rows, spec)
    if hidx < 0 and spec.baris_header is not None:
        raise InputError(f"baris header {spec.baris_header} (dari profil {spec.source}) tidak ada di sheet",
                         file=file, sheet=name, row=spec.baris_header, hint="periksa `baris_header` di sumber.yml")
    if n < MIN_HEADER_MATCHES:
        raise InputError(f"header tidak ditemukan di {HEADER_SEARCH_ROWS} baris pertama sheet",
                         file=file, sheet=name,
                         hint="pastikan baris judul kolom ada (mis. NIK, No. KK, …)")
    names, raw = _header_names(rows[hidx], file, name, hidx + 1, spec)
    body = rows[hidx + 1:]
    ncol = len(names)
    cols: dict[str, list] = {}
    numeric: dict[str, list] = {}
    baris: list[int] = []
    keep_rows: list = []
    empty = 0
    for i, r in enumerate(body):
        if not any((c is not None and (not isinstance(c, str) or c.strip())) for c in r):
            empty += 1
            continue
        if len(r) > ncol and any(str(c).strip() for c in r[ncol:] if c is not None):
            raise InputError("sel berisi data di luar kolom header", file=file, sheet=name, row=hidx + 2 + i)
        baris.append(hidx + 2 + i)
        keep_rows.append(r if len(r) >= ncol else list(r) + [None] * (ncol - len(r)))
    # column by column: text columns (most) are taken as they are, others cell by cell
    columns = list(zip(*keep_rows)) if keep_rows else [()] * ncol
    for j, n in enumerate(names):
        col = columns[j]
        if all(type(c) is str for c in col):
            cols[n] = list(col)
            numeric[n] = []
        else:
            cols[n] = [_cell_text(c) for c in col]
            numeric[n] = [isinstance(c, (int, float)) and not isinstance(c, bool) for c in col]
    df = pd.DataFrame({n: pd.array(v, dtype="str") for n, v in cols.items()})
    invisible: dict[str, np.ndarray] = {}
    for n in names:
        s = df[n]
        joined = "\n".join(cols[n])   # one substring test per column instead of a regex per cell
        if any(ch in joined for ch in "\u00a0\u200b\u200c\u200d\u2060\ufeff"):
            if n in ID_COLUMNS:   # removed and flagged (ID_KARAKTER_TAK_TERLIHAT), not silently repaired
                invisible[n] = s.str.contains(_INVISIBLE_RE, regex=True).to_numpy(dtype=bool)
                df[n] = s.str.replace(_INVISIBLE_RE, "", regex=True)
            else:
                df[n] = s.str.replace("\u00a0", " ").str.replace(_ZERO_WIDTH_RE, "", regex=True)
    df["_baris"] = np.array(baris, dtype=np.int64)
    num = {n: np.array(v, dtype=bool) for n, v in numeric.items() if any(v)}
    t = Table(df, file, path, name, hidx + 1, raw, num, empty, None, None, file_marker, invisible=invisible)
    t.marker = t.marker or _has_marker(df)
    return t


def _read_excel(path: Path, profile=None) -> list[Table]:
    from python_calamine import CalamineWorkbook
    file = path.name
    if path.stat().st_size == 0:
        raise InputError("file kosong (0 byte)", file=file)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheet_names = list(wb.sheet_names)
    except Exception as e:  # calamine raises several error types for damaged files
        raise InputError(f"workbook tidak bisa dibuka ({type(e).__name__}): file rusak, terpotong, "
                         "atau bukan file Excel", file=file,
                         hint="minta file dikirim ulang, atau buka dan simpan ulang di Excel") from None
    out: list[Table] = []
    file_marker = file.upper().startswith("SINTETIS_")
    for name in sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:
            raise InputError(f"sheet tidak bisa dibaca ({type(e).__name__}); file rusak?",
                             file=file, sheet=name) from None
        if normalise_header(name) in NOTE_SHEETS:
            if any(MARKER in str(c).upper() for r in rows[:20] for c in r):
                file_marker = True
            continue
        if not any(str(c).strip() for r in rows for c in r if c is not None):
            continue  # an empty sheet carries no records
        spec = (profile or _profiles.builtin()).spec(file, name)
        t = _sheet_table(path, name, rows, spec, file_marker)
        out.append(_apply_spec(t, spec))
    for t in out:
        t.marker = t.marker or file_marker
    return out


def read_table(path: str | Path, profile: "_profiles.Profile | None" = None) -> list[Table]:
    """Read one input file into `Table`s (one per data sheet). Raises `InputError` when it cannot.

    `profile`: the source profile of the file's folder (`kemiskinan.ingest.profiles.load(raw_dir)`); default the
    built-in one."""
    path = Path(path)
    if not path.exists():
        raise InputError("file tidak ada", file=path.name)
    check_file(path)  # size, zip-bomb, sheet-extent and width limits before any parser runs (guards.py)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, profile)
    if suffix in EXCEL_SUFFIXES:
        head = path.read_bytes()[:8]
        if suffix != ".xls" and head[:2] != b"PK" and path.stat().st_size > 0:
            raise InputError("file bukan workbook XLSX (isi bukan arsip zip); rusak atau salah ekstensi",
                             file=path.name, hint="kirim ulang file aslinya")
        return _read_excel(path, profile)
    raise InputError(f"jenis file tidak didukung: '{suffix}' (yang dibaca: CSV, TXT, TSV, XLSX, XLS)", file=path.name)
