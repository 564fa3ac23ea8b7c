"""Hostile and broken inputs for every reader (docs/robustness.md lists each case and its outcome).

Every bad file must end in a clear `InputError` naming the file (and sheet/row/column where they apply) or
in a row-level finding — within bounded time and memory, never a traceback from `python -m kemiskinan
clean` (exit 2, message on stderr), and never touching the outputs of the previous good run.

Three layers:
* `read_table` in-process on hand-made files (fast, checks the message names the right place);
* the heavy ones (zip bombs, far-away cell, 100 000 columns, 1 MB cells) in a child process under an
  address-space limit, measuring peak RSS and wall time;
* the CLI on a copy of a small synthetic sample: exit code, stderr, and a hash of the previous good
  `data/processed/<periode>` and `reports/` before and after.
Plus hypothesis: random bytes and mutated real workbooks never raise anything but `InputError`.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kemiskinan import config

from kemiskinan.ingest import guards
from kemiskinan.errors import InputError
from kemiskinan.publish.xlsx import FORMULA_PREFIXES, escape_formula, escape_frame
from kemiskinan.ingest.readers import read_table

PERIODE = "2018-05"
FORMULA = "=cmd|' /C calc'!A0"
#: Bounds every hostile file must stay within (the reader of a good sample file needs ~120 MB, 0.5 s).
MAX_SECONDS = 10.0
MAX_RSS_MB = 600
#: Address-space limit of the child process: a guard that fails makes the child die, not the machine.
CHILD_AS_LIMIT = 3 << 30


# ------------------------------------------------------------------------------------------ builders
def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """Write a zip by hand: members are (name, raw deflate stream, crc32, DECLARED uncompressed size).

    zipfile cannot write a pre-compressed stream or a size that differs from the data; a zip bomb needs both.
    """
    with open(path, "wb") as f:
        central = []
        for name, comp, crc, usize in members:
            off, nb = f.tell(), name.encode()
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), usize, len(nb), 0))
            f.write(nb + comp)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp),
                                       usize, len(nb), 0, 0, 0, 0, 0, off) + nb)
        start = f.tell()
        for c in central:
            f.write(c)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), f.tell() - start, start, 0))
    return path


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


_CT = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
       b'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
       b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       b'<sheet name="DAFTAR KKS" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>NIK Pengurus</t>'
               b'</is></c><c r="B1" t="inlineStr"><is><t>No. KK</t></is></c><c r="C1" t="inlineStr"><is><t>'
               b'Status Kartu</t></is></c><c r="D1" t="inlineStr"><is><t>Kelurahan</t></is></c></row>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def _xlsx(path: Path, sheet_body: bytes, head: bytes = _SHEET_HEAD) -> Path:
    """A minimal valid one-sheet XLSX ('DAFTAR KKS') whose sheetData continues with `sheet_body`."""
    parts = [("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB),
             ("xl/_rels/workbook.xml.rels", _WB_RELS),
             ("xl/worksheets/sheet1.xml", head + sheet_body + _SHEET_TAIL)]
    return _raw_zip(path, [(n, *_deflate(d)) for n, d in parts])


def _bomb(path: Path, inflated: int, declared: int | None = None) -> Path:
    """An XLSX whose sheet XML inflates to `inflated` bytes from a few MB (declared size: honest or a lie).

    A deflate stream can be concatenated from identical pieces: after Z_FULL_FLUSH the compressor state is
    reset, so the same 1 MiB of rows compresses to the same ~1 KB every time.
    """
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
    chunk = row * ((1 << 20) // len(row))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(_SHEET_HEAD) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH) == piece
    n = max(1, (inflated - len(_SHEET_HEAD) - len(_SHEET_TAIL)) // len(chunk))
    tail = c.compress(_SHEET_TAIL) + c.flush()
    size = len(_SHEET_HEAD) + n * len(chunk) + len(_SHEET_TAIL)
    crc = zlib.crc32(_SHEET_HEAD)
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(_SHEET_TAIL, crc)
    parts = [(nm, *_deflate(d)) for nm, d in [("[Content_Types].xml", _CT), ("_rels/.rels", _RELS),
                                              ("xl/workbook.xml", _WB), ("xl/_rels/workbook.xml.rels", _WB_RELS)]]
    parts.append(("xl/worksheets/sheet1.xml", head + piece * n + tail, crc, declared if declared is not None else size))
    return _raw_zip(path, parts)


def _kks_rows(n: int = 3) -> bytes:
    out = b""
    for i in range(2, 2 + n):
        out += (f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>64740112345600{i:02d}</t></is></c>'
                f'<c r="B{i}" t="inlineStr"><is><t>64740112345611{i:02d}</t></is></c><c r="C{i}" t="inlineStr">'
                f'<is><t>TERSALUR</t></is></c><c r="D{i}" t="inlineStr"><is><t>Lok Tuan</t></is></c></row>').encode()
    return out


def _csv_rt(rows: list[str], sep: str = ";") -> bytes:
    head = sep.join(["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NMKEL", "Alamat", "status_kesejahteraan"])
    return ("\r\n".join([head, *rows]) + "\r\n").encode("utf-8")


def _rt_row(i: int, alamat: str = "JL. MAWAR", sep: str = ";") -> str:
    return sep.join([f"6474020005{i:05d}", "64", "74", "020", "005", "LOK TUAN", alamat, "1"])


def _expect_error(path: Path, *parts: str) -> InputError:
    t0 = time.perf_counter()
    with pytest.raises(InputError) as e:
        read_table(path)
    assert time.perf_counter() - t0 < MAX_SECONDS
    msg = str(e.value)
    assert e.value.file == path.name and path.name in msg, msg
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"
    assert "Traceback" not in msg
    return e.value


# ------------------------------------------------------------------------------ read_table, by hand
def test_random_bytes_csv(tmp_path):
    p = tmp_path / "acak.csv"
    p.write_bytes(random.Random(1).randbytes(8192) + b"\x00")
    _expect_error(p)


def test_random_bytes_xlsx_and_xls(tmp_path):
    for name in ("acak.xlsx", "acak.xls"):
        p = tmp_path / name
        p.write_bytes(random.Random(2).randbytes(8192))
        _expect_error(p)
    p = tmp_path / "pk_acak.xlsx"  # looks like a zip, is not one
    p.write_bytes(b"PK\x03\x04" + random.Random(3).randbytes(8192))
    _expect_error(p)


def test_truncated_xlsx(tmp_path):
    good = _xlsx(tmp_path / "utuh.xlsx", _kks_rows(50))
    assert read_table(good)[0].rows == 50
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 10):
        p = tmp_path / f"terpotong_{cut}.xlsx"
        p.write_bytes(data[:cut])
        _expect_error(p)


def test_zip_bomb_declared_size(tmp_path):
    """2 GiB of sheet XML in ~2 MB, sizes declared honestly: refused from the central directory alone."""
    p = _bomb(tmp_path / "bom.xlsx", 2 << 30)
    assert p.stat().st_size < 8 << 20
    e = _expect_error(p, "zip bomb")
    assert e.hint


def test_zip_bomb_ratio(tmp_path):
    """Under the total limit but inflating ~1000×: refused by the per-member compression ratio."""
    p = _bomb(tmp_path / "rasio.xlsx", 300 << 20)
    _expect_error(p, "zip bomb", "DAFTAR KKS")


def test_zip_bomb_lying_size(tmp_path):
    """Declared as 10 KB, really 2 GiB: caught by the streaming inflate after the declared size."""
    p = _bomb(tmp_path / "bohong.xlsx", 2 << 30, declared=10_000)
    _expect_error(p, "melebihi ukuran yang dicatat", "DAFTAR KKS")


def test_too_many_zip_entries(tmp_path):
    members = [(f"xl/media/x{i}.bin", *_deflate(b"x")) for i in range(guards.MAX_ZIP_ENTRIES + 1)]
    _expect_error(_raw_zip(tmp_path / "banyak.xlsx", members), "bagian zip")


def test_far_away_cell_xlsx(tmp_path):
    """One stray cell at XFD1048576 makes calamine allocate ~550 GB and abort the process (measured before
    guards.py existed: `memory allocation of 549755813888 bytes failed`, exit 134). Now a clear error."""
    p = _xlsx(tmp_path / "jauh.xlsx", _kks_rows(3) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    e = _expect_error(p, "sheet 'DAFTAR KKS'", "XFD")
    assert e.sheet == "DAFTAR KKS" and e.row == 1048576 and e.column == "XFD"
    # far down but narrow: the grid bound (rows × columns) applies
    p = _xlsx(tmp_path / "jauh_bawah.xlsx", _kks_rows(3) + b'<row r="1048576"><c r="AZ1048576"><v>1</v></c></row>')
    _expect_error(p, "sheet 'DAFTAR KKS'", "terbentang")
    # the `r` attribute need not come first
    p = _xlsx(tmp_path / "jauh_attr.xlsx", _kks_rows(3) + b'<row r="7"><c s="0" r="ZZZ7"><v>1</v></c></row>')
    _expect_error(p, "ZZZ")


def test_wide_xlsx_under_the_limit_is_read(tmp_path):
    cells = b"".join(f'<c r="{guards._col_letters(j)}2"><v>{j}</v></c>'.encode() for j in range(5, 900))
    p = _xlsx(tmp_path / "lebar.xlsx", _kks_rows(1).replace(b"</row>", b"") + cells + b"</row>")
    (t,) = read_table(p)  # cells under an empty header become unnamed columns `_kolom_N`
    assert t.df.shape == (1, 900) and "_kolom_899" in t.df.columns


def test_one_megabyte_cell_xlsx(tmp_path):
    big = b"A" * 1_000_000
    p = _xlsx(tmp_path / "sel_besar.xlsx",
              _kks_rows(2) + b'<row r="4"><c r="A4" t="inlineStr"><is><t>1</t></is></c><c r="B4" t="inlineStr"><is><t>'
              + big + b"</t></is></c></row>")
    e = _expect_error(p, "sheet 'DAFTAR KKS'", "32.767")
    assert (e.row, e.column) == (4, "B")


def test_one_megabyte_cell_csv(tmp_path):
    p = tmp_path / "sel_besar.csv"
    p.write_bytes(_csv_rt([_rt_row(1), _rt_row(2), _rt_row(3, "X" * 1_000_000), _rt_row(4)]))
    e = _expect_error(p, "baris 4")
    assert e.row == 4


def test_unclosed_quote_swallowing_the_file(tmp_path):
    rows = [_rt_row(i) for i in range(1, 30_000)]
    rows[5] = rows[5].replace("JL. MAWAR", '"JL. MAWAR')
    p = tmp_path / "kutip.csv"
    p.write_bytes(_csv_rt(rows))
    e = _expect_error(p)
    assert e.row is not None


def test_large_cell_under_the_limit_is_kept(tmp_path):
    """A 100 KB address is silly but harmless: read as text, within bounds."""
    p = tmp_path / "sel_sedang.csv"
    p.write_bytes(_csv_rt([_rt_row(1), _rt_row(2, "Y" * 100_000)]))
    (t,) = read_table(p)
    assert len(t.df.loc[1, "alamat"]) == 100_000


def test_hundred_thousand_columns_csv(tmp_path):
    p = tmp_path / "lebar.csv"
    p.write_bytes((";".join(["IDBDT", "NIK", "NMKEL"] + [f"k{i}" for i in range(100_000)]) + "\n1;2;3\n").encode())
    e = _expect_error(p, "100,003 kolom", "baris 1")  # counted before the line-length limit
    assert e.row == 1


def test_formula_cells_csv_stay_text(tmp_path):
    p = tmp_path / "rumus.csv"
    payloads = [FORMULA, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]
    p.write_bytes(_csv_rt([_rt_row(i, v) for i, v in enumerate(payloads, 1)]))
    (t,) = read_table(p)
    assert list(t.df["alamat"]) == payloads


def test_formula_cells_xlsx_never_evaluated(tmp_path):
    """A text cell '=cmd…' stays text; a real formula cell gives only the value Excel cached (none here)."""
    p = _xlsx(tmp_path / "rumus.xlsx", _kks_rows(1)
              + b'<row r="3"><c r="A3" t="inlineStr"><is><t>1</t></is></c><c r="B3" t="inlineStr"><is><t>2</t></is>'
              b'</c><c r="C3" t="inlineStr"><is><t>' + FORMULA.replace("'", "&apos;").encode() + b"</t></is></c>"
              b'<c r="D3"><f>cmd|\' /C calc\'!A0</f></c></row>')
    (t,) = read_table(p)
    assert t.df.loc[1, "status_kartu"] == FORMULA
    assert t.df.loc[1, "kelurahan"] == ""  # formula without cached value: empty, never computed


def test_nul_bytes_csv(tmp_path):
    p = tmp_path / "nul.csv"
    p.write_bytes(_csv_rt([_rt_row(1), _rt_row(2).replace("MAWAR", "MA\x00WAR")]))
    _expect_error(p, "biner")


def test_nul_bytes_late_in_csv_are_bounded(tmp_path):
    """A NUL after the first 64 KB is kept as a character in a text cell (no crash, nothing evaluated)."""
    rows = [_rt_row(i) for i in range(1, 2000)] + [_rt_row(3000, "MA\x00WAR")]
    p = tmp_path / "nul_akhir.csv"
    p.write_bytes(_csv_rt(rows))
    (t,) = read_table(p)
    assert "MA\x00WAR" in set(t.df["alamat"])


def test_mixed_encodings_csv(tmp_path):
    p = tmp_path / "campur.csv"
    p.write_bytes(_csv_rt([_rt_row(1, "JL. ANDRÉ"), _rt_row(2)])
                  + _rt_row(3, "JL. ANDRÉ").encode("cp1252") + b"\r\n")
    e = _expect_error(p, "encoding campuran", "baris 4")
    assert e.row == 4


def test_cp1252_with_nbsp_after_capital_is_not_mixed(tmp_path):
    """cp1252 'É' + NBSP is bytes C9 A0 — valid UTF-8 by accident; must still read as cp1252."""
    p = tmp_path / "cp1252.csv"
    p.write_bytes(_csv_rt([_rt_row(1, "ANDRÉ\u00a0SAID"), _rt_row(2, "JL. ÉMÉ")]).decode().encode("cp1252"))
    (t,) = read_table(p)
    assert t.encoding == "cp1252" and t.df.loc[0, "alamat"] == "ANDRÉ SAID"


def test_cp1252_bytes_shaped_like_a_utf8_surrogate_read_as_cp1252(tmp_path):
    """cp1252 'í' + two NBSP is bytes ED A0 A0: shaped like a 3-byte UTF-8 character but a surrogate, which
    is not UTF-8. Found by the random-text test below: it raised a bare UnicodeDecodeError."""
    p = tmp_path / "cp1252.csv"
    p.write_bytes(_csv_rt([_rt_row(1, "Jl. Mart\u00ed\u00a0\u00a0"), _rt_row(2)]).decode().encode("cp1252"))
    (t,) = read_table(p)
    assert t.encoding == "cp1252" and t.df.loc[0, "alamat"].startswith("Jl. Mart\u00ed")


def test_empty_files(tmp_path):
    for name, data in [("kosong.csv", b""), ("spasi.csv", b" \r\n\r\n"), ("kosong.xlsx", b""), ("bom.csv", b"\xef\xbb\xbf")]:
        p = tmp_path / name
        p.write_bytes(data)
        _expect_error(p, "kosong")


def test_header_only(tmp_path):
    p = tmp_path / "header.csv"
    p.write_bytes(_csv_rt([]))
    (t,) = read_table(p)
    assert t.rows == 0  # the cleaner decides (header-only BDT → InputError, see the CLI test)
    x = _xlsx(tmp_path / "header.xlsx", b"")
    (t,) = read_table(x)
    assert t.rows == 0


def test_duplicate_headers(tmp_path):
    p = tmp_path / "ganda.csv"
    p.write_bytes(b"IDBDT;NIK;No KK;NoKK;NMKEL\n1;2;3;4;5\n")
    e = _expect_error(p, "kolom ganda", "baris 1")
    assert e.column == "NoKK"
    x = _xlsx(tmp_path / "ganda.xlsx", _kks_rows(2),
              head=_SHEET_HEAD.replace(b"<t>Kelurahan</t>", b"<t>NIK Pengurus</t>"))
    e = _expect_error(x, "kolom ganda", "sheet 'DAFTAR KKS'")
    assert e.row == 1


def test_wrong_delimiter(tmp_path):
    p = tmp_path / "pemisah.csv"
    p.write_bytes(_csv_rt([_rt_row(i, sep=":") for i in range(1, 5)], sep=":"))
    _expect_error(p, "header tidak ditemukan")
    # header with ';' but rows with ',': each row is one field → the row is named
    q = tmp_path / "pemisah_campur.csv"
    q.write_bytes(_csv_rt([_rt_row(1), _rt_row(2, sep=",")]))
    e = _expect_error(q, "baris 3")
    assert e.row == 3


def test_wrong_field_count(tmp_path):
    p = tmp_path / "kolom.csv"
    p.write_bytes(_csv_rt([_rt_row(1), _rt_row(2) + ";extra", _rt_row(3)]))
    e = _expect_error(p, "jumlah kolom tidak cocok")
    assert e.row == 3


def test_unsupported_and_missing(tmp_path):
    p = tmp_path / "data.docx"
    p.write_bytes(b"PK")
    _expect_error(p, "tidak didukung")
    with pytest.raises(InputError, match="tidak ada"):
        read_table(tmp_path / "hilang.csv")


def test_file_size_limit(tmp_path, monkeypatch):
    p = tmp_path / "besar.csv"
    p.write_bytes(_csv_rt([_rt_row(i) for i in range(1, 100)]))
    monkeypatch.setattr(guards, "MAX_FILE_BYTES", 1000)
    _expect_error(p, "terlalu besar")


def test_guards_cheap_on_the_sample(sample_raw):
    """The guard pass costs a small fraction of reading (measured: ~50 ms for the 2.6 MB KKS sheet)."""
    for p in sorted(sample_raw.glob("SINTETIS_*")):
        if p.suffix in {".csv", ".xlsx"}:
            t0 = time.perf_counter()
            guards.check_file(p)
            assert time.perf_counter() - t0 < 1.0, p.name


# ------------------------------------------------------------------------- bounded memory (child)
_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from kemiskinan.errors import InputError
from kemiskinan.ingest.readers import read_table
t0 = time.perf_counter()
try:
    read_table(sys.argv[1]); out = "ok"; msg = ""
except InputError as e:
    out, msg = "InputError", str(e)
print(json.dumps({{"out": out, "msg": msg, "secs": time.perf_counter() - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _read_in_child(path: Path) -> dict:
    r = subprocess.run([sys.executable, "-c", _CHILD.format(limit=CHILD_AS_LIMIT), str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"child died (rc {r.returncode}):\n{r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", ["bomb_declared", "bomb_lying", "far_cell", "columns_100k", "cell_1mb_csv",
                                  "cell_1mb_xlsx"])
def test_bounded_time_and_memory(tmp_path, case):
    if case == "bomb_declared":
        p = _bomb(tmp_path / "bom.xlsx", 2 << 30)
    elif case == "bomb_lying":
        p = _bomb(tmp_path / "bohong.xlsx", 2 << 30, declared=10_000)
    elif case == "far_cell":
        p = _xlsx(tmp_path / "jauh.xlsx", _kks_rows(3) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    elif case == "columns_100k":
        p = tmp_path / "lebar.csv"
        p.write_bytes((";".join(["IDBDT", "NIK", "NMKEL"] + [f"k{i}" for i in range(100_000)]) + "\n").encode() * 3)
    elif case == "cell_1mb_csv":
        p = tmp_path / "sel.csv"
        p.write_bytes(_csv_rt([_rt_row(1, "X" * 1_000_000)]))
    else:
        p = _xlsx(tmp_path / "sel.xlsx", b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"A" * 1_000_000
                  + b"</t></is></c></row>")
    res = _read_in_child(p)
    assert res["out"] == "InputError", res
    assert p.name in res["msg"]
    assert res["secs"] < MAX_SECONDS, res
    assert res["rss_mb"] < MAX_RSS_MB, res


# ------------------------------------------------------------------------------------- hypothesis
_EXC_OK = (InputError,)


def _read_ok_or_input_error(p: Path) -> None:
    try:
        read_table(p)
    except _EXC_OK:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".xls"]))
def test_random_bytes_never_crash(tmp_path, data, suffix):
    p = tmp_path / f"acak{suffix}"
    p.write_bytes(data)
    _read_ok_or_input_error(p)


_KNOWN = ["IDBDT", "NIK", "No. KK", "NMKEL", "Status Kartu", "Kelurahan", "Nama", "IDARTBDT", "Alamat"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(_KNOWN + ["", "x", "NIK "]), min_size=1, max_size=8),
       rows=st.lists(st.lists(st.text(max_size=12), max_size=9), max_size=6),
       sep=st.sampled_from([";", ",", "\t", "|"]), enc=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_random_text_csv_never_crash(tmp_path, header, rows, sep, enc):
    text = "\n".join(sep.join(r) for r in [header, *rows])
    p = tmp_path / "teks.csv"
    p.write_bytes(text.encode(enc, errors="replace"))
    _read_ok_or_input_error(p)


@pytest.fixture(scope="module")
def real_xlsx(tmp_path_factory) -> bytes:
    d = tmp_path_factory.mktemp("xl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DAFTAR KKS"
    ws.append(["NIK Pengurus", "No. KK", "Status Kartu", "Kelurahan", "Tanggal Distribusi"])
    for i in range(40):
        ws.append([f"64740112345600{i:02d}", 6474011234561100 + i, "TERSALUR", "Lok Tuan", "15/01/2017"])
    wb.create_sheet("KETERANGAN").append(["DATA SINTETIS - BUKAN DATA ASLI"])
    wb.save(d / "x.xlsx")
    return (d / "x.xlsx").read_bytes()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8))
def test_mutated_xlsx_never_crash(tmp_path, real_xlsx, cut, flips):
    data = bytearray(real_xlsx[: max(4, int(len(real_xlsx) * cut))] if cut < 0.98 else real_xlsx)
    for pos, val in flips:
        data[int(pos * (len(data) - 1))] = val
    p = tmp_path / "mutasi.xlsx"
    p.write_bytes(bytes(data))
    _read_ok_or_input_error(p)


# ------------------------------------------------------------------------------ export escaping
def test_escape_formula():
    for pre in FORMULA_PREFIXES:
        assert escape_formula(pre + "cmd") == "'" + pre + "cmd"
    assert escape_formula("Lok Tuan") == "Lok Tuan"
    assert escape_formula(12) == 12 and escape_formula(None) is None and escape_formula(-1.5) == -1.5


def test_escape_frame_round_trip_is_text(tmp_path):
    df = pd.DataFrame({"nama": [FORMULA, "@SUM(A1)", "Lok Tuan", "-1+cmd"], "n": [1, -2, 3, 4],
                       FORMULA: ["a", "b", "c", "d"]})
    p = tmp_path / "x.xlsx"
    escape_frame(df).to_excel(p, index=False)
    ws = openpyxl.load_workbook(p).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + FORMULA in texts and "'@SUM(A1)" in texts and "Lok Tuan" in texts
    assert [ws.cell(r, 2).value for r in range(2, 6)] == [1, -2, 3, 4]  # numbers stay numbers


# ------------------------------------------------------------------------------------------- CLI
def _tree_hash(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _cli(root: Path, *args, timeout=120) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, KEMISKINAN_ROOT=str(root))
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "kemiskinan", *args], capture_output=True, text=True, cwd=root,
                       env=env, timeout=timeout)
    return r, time.perf_counter() - t0


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project copy with a small sample, a good clean output and a previous report to protect."""
    root = tmp_path_factory.mktemp("proyek")
    shutil.copytree(config.REFERENCE_DIR, root / "data" / "reference")
    r, _ = _cli(root, "sample-data", "--households", "150", "--out", str(root / "data" / "raw" / "sample"))
    assert r.returncode == 0, r.stderr
    r, _ = _cli(root, "clean", "--raw", "sample", "--out", f"data/processed/{PERIODE}", "--accept-changes")
    assert r.returncode == 0, r.stderr
    rep = root / "reports" / PERIODE / "analis"
    rep.mkdir(parents=True)
    (rep / "kualitas_data.html").write_text("<p>laporan baik sebelumnya</p>", encoding="utf-8")
    return root


def _kks_variant(src: Path, dst: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb["DAFTAR KKS"])
    wb.save(dst)
    return dst


def _case_files(case: str, raw: Path) -> tuple[str, bytes | None, str | None]:
    """(file name, content, sample file it replaces) for a CLI case."""
    kks = raw / "SINTETIS_KKS_Distribusi_2017.xlsx"
    rt = raw / "SINTETIS_BDT2015_RT_6474.csv"
    art = raw / "SINTETIS_BDT2015_ART_6474.csv"
    if case == "random_bytes":
        return "acak.csv", random.Random(5).randbytes(5000), None
    if case == "truncated_xlsx":
        return kks.name, kks.read_bytes()[: kks.stat().st_size // 2], kks.name
    if case == "zip_bomb":
        buf = _bomb(raw.parent / "bom.tmp", 2 << 30).read_bytes()
        return "KKS_bom.xlsx", buf, None
    if case == "far_cell":
        tmp = _kks_variant(kks, raw.parent / "jauh.tmp.xlsx", lambda ws: ws.cell(1048576, 16384, "catatan"))
        return kks.name, tmp.read_bytes(), kks.name
    if case == "cell_1mb":
        lines = rt.read_bytes().split(b"\r\n")
        lines[4] = lines[4].replace(b";", b";" + b"X" * 1_000_000 + b" ", 1)
        return rt.name, b"\r\n".join(lines), rt.name
    if case == "columns_100k":
        return "lebar.csv", (";".join(["IDBDT", "NIK", "NMKEL"] + [f"k{i}" for i in range(100_000)]) + "\n").encode(), None
    if case == "nul_bytes":
        return art.name, art.read_bytes().replace(b"\n", b"\x00\n", 3), art.name
    if case == "mixed_encoding":
        return art.name, art.read_bytes() + "6474,ANDRÉ,x\n".encode("cp1252"), art.name
    if case == "empty":
        return "kosong.csv", b"", None
    if case == "header_only":
        return rt.name, rt.read_bytes().split(b"\r\n")[0] + b"\r\n", rt.name
    if case == "duplicate_headers":
        lines = art.read_bytes().split(b"\n")
        lines[0] = lines[0].replace(b"NoKK", b"NIK", 1)
        return art.name, b"\n".join(lines), art.name
    if case == "wrong_delimiter":
        return art.name, art.read_bytes().replace(b",", b":"), art.name
    raise AssertionError(case)


CLI_ERRORS = {  # case → what stderr must name besides the file
    "random_bytes": [], "truncated_xlsx": [], "zip_bomb": ["zip bomb"],
    "far_cell": ["sheet 'DAFTAR KKS'", "baris 1048576", "kolom 'XFD'"], "cell_1mb": ["baris 5"],
    "columns_100k": ["baris 1"], "nul_bytes": ["biner"], "mixed_encoding": ["encoding campuran"],
    "empty": ["kosong"], "header_only": ["hanya header"], "duplicate_headers": ["kolom ganda", "baris 1"],
    "wrong_delimiter": ["header tidak ditemukan"],
}


@pytest.mark.parametrize("case", sorted(CLI_ERRORS))
def test_cli_refuses_cleanly_and_keeps_previous_outputs(project, tmp_path, case):
    raw = tmp_path / "mentah"
    shutil.copytree(project / "data" / "raw" / "sample", raw)
    name, content, replaces = _case_files(case, raw)
    if replaces:
        (raw / replaces).unlink()
    (raw / name).write_bytes(content)
    before = _tree_hash(project / "data" / "processed"), _tree_hash(project / "reports")
    r, secs = _cli(project, "clean", "--raw", str(raw), "--out", f"data/processed/{PERIODE}", "--accept-changes")
    assert r.returncode == 2, (r.returncode, r.stderr[-3000:])
    assert "Traceback" not in r.stderr and "Error:" in r.stderr
    assert name in r.stderr, r.stderr
    for part in CLI_ERRORS[case]:
        assert part in r.stderr, r.stderr
    assert secs < MAX_SECONDS + 5, secs  # + interpreter start-up and imports
    after = _tree_hash(project / "data" / "processed"), _tree_hash(project / "reports")
    assert after == before
    assert not [p for p in (project / "data" / "processed").iterdir() if p.name.startswith(".")]


def test_cli_formula_cells_stay_text(project, tmp_path):
    """Formula text in a CSV and in a workbook goes through cleaning as text (seen in the findings)."""
    raw = tmp_path / "mentah"
    shutil.copytree(project / "data" / "raw" / "sample", raw)
    kks = raw / "SINTETIS_KKS_Distribusi_2017.xlsx"

    def plant(ws):
        ws.cell(4, 8).value = FORMULA
        ws.cell(4, 8).data_type = "s"  # a text cell that looks like a formula
        ws.cell(5, 8).value = "=1+1"   # a real formula (no cached value: openpyxl does not compute)

    _kks_variant(kks, kks, plant)
    out = tmp_path / "keluar"
    r, _ = _cli(project, "clean", "--raw", str(raw), "--out", str(out), "--accept-changes")
    assert r.returncode == 0, r.stderr[-3000:]
    tem = pd.read_parquet(out / "temuan.parquet")
    vals = set(tem.loc[tem["aturan"] == "KKS_STATUS_TIDAK_VALID", "nilai_tersamar"])
    assert FORMULA in vals
    assert "2" not in vals  # never evaluated
