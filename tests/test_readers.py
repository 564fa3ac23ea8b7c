"""Readers: encodings, delimiters, header detection and aliases, Excel cells, and broken files."""
from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from kemiskinan.errors import InputError
from kemiskinan.ingest.readers import normalise_header, read_table

HEADER = ["IDBDT", "IDARTBDT", "Nama", "NIK", "NoKK", "TglLahir", "KETERANGAN"]
ROWS = [["647402000100001", "64740200010000101", "SITI Ä", "6474014708800001", "6474010101150001", "07/08/1980",
         "DATA SINTETIS - BUKAN DATA ASLI"],
        ["647402000100001", "64740200010000102", "JOSÉ", "0012345678901234", "", "1 Mei 2010",
         "DATA SINTETIS - BUKAN DATA ASLI"]]


def _csv(path, delim, encoding, header=HEADER, rows=ROWS, pre=(), newline="\n"):
    lines = [*pre, delim.join(header), *(delim.join(r) for r in rows)]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


@pytest.mark.parametrize("delim", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_csv_variants(tmp_path, delim, encoding):
    p = _csv(tmp_path / "art.csv", delim, encoding, newline="\r\n" if delim == ";" else "\n")
    (t,) = read_table(p)
    assert t.delimiter == delim
    assert list(t.df.columns[:6]) == ["idbdt", "idartbdt", "nama", "nik", "no_kk", "tgllahir"]
    assert t.df["nama"].tolist() == ["SITI Ä", "JOSÉ"]
    assert t.df["nik"].tolist() == ["6474014708800001", "0012345678901234"]   # leading zeros kept: text
    assert t.df["_baris"].tolist() == [2, 3]
    assert t.marker


def test_header_not_on_first_line_and_aliases(tmp_path):
    header = ["ID BDT", "ID ART BDT", "Nama", "No. NIK", "NOMOR KK", "Tgl Lahir", "Ket"]
    p = _csv(tmp_path / "x.csv", ";", "utf-8", header=header, pre=["DAFTAR ANGGOTA", "Kota Bontang;;"])
    (t,) = read_table(p)
    assert t.header_row == 3
    assert list(t.df.columns[:6]) == ["idbdt", "idartbdt", "nama", "nik", "no_kk", "tgllahir"]
    assert t.df["_baris"].tolist() == [4, 5]


@pytest.mark.parametrize("raw, canon", [("NIK", "nik"), ("nik", "nik"), ("No. NIK", "nik"), (" No.\u00a0KK ", "no_kk"),
                                        ("NoKK", "no_kk"), ("ID DTKS", "idbdt"), ("Nama_SLS", "nama_sls"),
                                        ("JnsKel", "jnskel"), ("Status Kartu", "status_kartu")])
def test_header_normalisation(raw, canon):
    assert normalise_header(raw) == canon


def test_blank_lines_keep_true_row_numbers(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(",".join(HEADER) + "\n" + ",".join(ROWS[0]) + "\n\n" + ",".join(ROWS[1]) + "\n", encoding="utf-8")
    (t,) = read_table(p)
    assert t.df["_baris"].tolist() == [2, 4]


def test_nbsp_and_zero_width_removed(tmp_path):
    rows = [[c.replace("6474014708800001", "\u00a06474014708800001\u200b") for c in ROWS[0]], ROWS[1]]
    (t,) = read_table(_csv(tmp_path / "x.csv", ",", "utf-8", rows=rows))
    assert t.df["nik"].iloc[0].strip() == "6474014708800001"


def test_duplicate_headers(tmp_path):
    p = _csv(tmp_path / "dup.csv", ",", "utf-8", header=["IDBDT", "IDARTBDT", "NIK", "No. NIK", "Nama", "NoKK", "x"])
    with pytest.raises(InputError, match="kolom ganda") as e:
        read_table(p)
    assert e.value.file == "dup.csv" and e.value.column == "No. NIK"


def test_wrong_delimiter_in_rows(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_text(";".join(HEADER) + "\n" + ";".join(ROWS[0]) + "\n" + ",".join(ROWS[1]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="jumlah kolom") as e:
        read_table(p)
    assert e.value.row == 3 and e.value.file == "mixed.csv"


def test_unknown_delimiter_has_no_header(tmp_path):
    p = _csv(tmp_path / "colon.csv", ":", "utf-8")
    with pytest.raises(InputError, match="header tidak ditemukan"):
        read_table(p)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="kosong"):
        read_table(p)


def test_header_only(tmp_path):
    (t,) = read_table(_csv(tmp_path / "h.csv", ",", "utf-8", rows=[]))
    assert t.rows == 0 and "nik" in t.df.columns


def test_binary_garbage(tmp_path):
    p = tmp_path / "garbage.csv"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="biner"):
        read_table(p)
    x = tmp_path / "garbage.xlsx"
    x.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="bukan workbook"):
        read_table(x)


def _workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DAFTAR KKS"
    ws.append(["DAFTAR DISTRIBUSI KKS 2017"])
    ws.append(["Kota Bontang"])
    ws.append(["No", "NIK Pengurus", "Nama Pengurus", "No. KK", "Kecamatan", "Kelurahan", "Status Kartu",
               "Tanggal Distribusi"])
    ws.append([1, 6474014708800001, "SITI", "6.47401E+15", "Bontang Utara", "LOKTUAN", "TERSALUR",
               dt.datetime(2017, 3, 1)])
    ws.append([None] * 8)
    ws.append([2, "6474010708800001", "ALI", 6474010101150001, "Bontang Utara", "Guntung", "BELUM TERSALUR", 42795])
    k = wb.create_sheet("KETERANGAN")
    k.append(["DATA SINTETIS - BUKAN DATA ASLI"])
    wb.create_sheet("Kosong")
    wb.save(path)
    return path


def test_xlsx_title_rows_numbers_and_notes(tmp_path):
    (t,) = read_table(_workbook(tmp_path / "kks.xlsx"))
    assert t.sheet == "DAFTAR KKS" and t.header_row == 3 and t.marker
    assert t.df["_baris"].tolist() == [4, 6]           # the empty row 5 is not a record
    assert t.empty_rows == 1
    assert t.df["nik_pengurus"].tolist() == ["6474014708800001", "6474010708800001"]
    assert t.numeric["nik_pengurus"].tolist() == [True, False]
    assert t.df["no_kk"].tolist() == ["6.47401E+15", "6474010101150001"]
    assert t.df["tanggal_distribusi"].tolist() == ["2017-03-01", "42795"]


def test_truncated_xlsx(tmp_path):
    good = _workbook(tmp_path / "good.xlsx").read_bytes()
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match="rusak|terpotong") as e:
        read_table(p)
    assert e.value.file == "truncated.xlsx"


def test_xlsx_missing_part(tmp_path):
    good = _workbook(tmp_path / "good.xlsx")
    p = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(p, "w") as zout:
        for item in zin.infolist():
            if "sheet1" not in item.filename:
                zout.writestr(item, zin.read(item.filename))
    with pytest.raises(InputError):
        read_table(p)


def test_xlsx_duplicate_headers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lok Tuan"
    ws.append(["No", "NIK", "nik", "No KK", "IDBDT", "Hasil Verifikasi"])
    ws.append([1, "6474014708800001", "x", "", "", 1])
    p = tmp_path / "mpm.xlsx"
    wb.save(p)
    with pytest.raises(InputError, match="kolom ganda") as e:
        read_table(p)
    assert e.value.sheet == "Lok Tuan" and e.value.row == 1


def test_unsupported_and_missing(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="tidak didukung"):
        read_table(p)
    with pytest.raises(InputError, match="tidak ada"):
        read_table(tmp_path / "nothing.csv")
