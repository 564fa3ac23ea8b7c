"""Any container (issue 17 item 7) and invisible characters inside IDs (item 8): Excel's "Unicode Text"
(UTF-16 with BOM, tab), `|`-delimited SIKS-NG style exports, members in a workbook sheet of any name,
several sheets and several files per kind — reconciliation balanced per file and sheet."""
from __future__ import annotations

import numpy as np
import openpyxl
import pytest

from kemiskinan.clean import step as C
from kemiskinan.ingest.readers import read_table
from test_clean import ART_COLS, RT_COLS, base_data, write_raw

ROWS = [["647402000100001", "64740200010000101", "SITI Ä", "6474014708800001"],
        ["647402000100001", "64740200010000102", "JOSÉ", "6474010101150001"]]
HEADER = ["IDBDT", "IDARTBDT", "Nama", "NIK"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_unicode_text_utf16_with_bom_is_read(tmp_path, codec):
    """What Excel's "Save as Unicode Text" writes: UTF-16 with BOM, tab-delimited, CRLF."""
    text = "\r\n".join("\t".join(r) for r in [HEADER, *ROWS]) + "\r\n"
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    p = tmp_path / "art.txt"
    p.write_bytes(bom + text.encode(codec))
    (t,) = read_table(p)
    assert t.encoding == "utf-16" and t.delimiter == "\t"
    assert list(t.df.columns[:4]) == ["idbdt", "idartbdt", "nama", "nik"]
    assert t.df["nama"].tolist() == ["SITI Ä", "JOSÉ"]
    assert t.df["_baris"].tolist() == [2, 3]


def test_truncated_utf16_is_a_clear_error(tmp_path):
    from kemiskinan.errors import InputError
    p = tmp_path / "art.txt"
    p.write_bytes(b"\xff\xfe" + "IDBDT\tNIK\r\n1\t2".encode("utf-16-le")[:-1])   # odd byte count
    with pytest.raises(InputError, match="UTF-16") as e:
        read_table(p)
    assert e.value.file == "art.txt"


def test_pipe_delimited_quoted_export(tmp_path):
    """SIKS-NG style: `|`-delimited, every field quoted."""
    p = tmp_path / "dtks.csv"
    lines = ['"ID DTKS"|"NIK"|"NAMA"|"NOKK"|"DESA/KELURAHAN"',
             '"647402000100001"|"6474014708800001"|"SITI"|"6474010101150001"|"LOK TUAN"']
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (t,) = read_table(p)
    assert t.delimiter == "|"
    assert t.df[["idbdt", "nik", "no_kk", "kelurahan"]].iloc[0].tolist() == \
        ["647402000100001", "6474014708800001", "6474010101150001", "LOK TUAN"]


def test_invisible_characters_in_ids_are_recorded_not_silently_removed(tmp_path):
    rows = [["\u200b647402000100001", "64740200010000101", "SITI\u00a0AMINAH", "6474014708800001"],
            ["647402000100001", "64740200010000102", "JOSÉ", "6474\u00a001010115\ufeff0001"]]
    p = tmp_path / "art.csv"
    p.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    (t,) = read_table(p)
    assert t.df["idbdt"].tolist() == ["647402000100001"] * 2
    assert t.df["nik"].tolist() == ["6474014708800001", "6474010101150001"]
    assert t.df["nama"].tolist() == ["SITI AMINAH", "JOSÉ"]           # not an ID: NBSP → space, no record
    assert {c: m.tolist() for c, m in t.invisible.items()} == {"idbdt": [True, False], "nik": [False, True]}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ART"
    for r in [HEADER, *rows]:
        ws.append(r)
    wb.save(tmp_path / "art.xlsx")
    (x,) = read_table(tmp_path / "art.xlsx")
    assert x.df["nik"].tolist() == t.df["nik"].tolist() and x.df["nama"].tolist() == t.df["nama"].tolist()
    assert {c: m.tolist() for c, m in x.invisible.items()} == {"idbdt": [True, False], "nik": [False, True]}


def _members_workbook(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(ART_COLS)
        for r in rows:
            ws.append(r)
    wb.create_sheet("KETERANGAN").append(["DATA SINTETIS - BUKAN DATA ASLI"])
    wb.save(path)


def _rek(res) -> dict:
    return {(r.file, r.sheet): (r.dibaca, r.disimpan, r.ditolak, r.digabung)
            for r in res.rekonsiliasi.itertuples() if r.jenis in ("ruta", "art")}


def test_members_in_one_sheet_named_art_balance(tmp_path):
    """The bug of issue 17: kept members were counted under sheet "" while the workbook's sheet is `ART`."""
    d = base_data()
    raw = write_raw(d, tmp_path / "raw")
    (raw / "SINTETIS_BDT2015_ART_6474.csv").unlink()
    _members_workbook(raw / "anggota.xlsx", {"ART": d["art"]})
    res = C.clean(raw, tmp_path / "out", verbose=False, check_provenance=False)
    # 12 member rows (tests/test_clean.py base_data): 9 kept, 2 rejected, 1 exact duplicate
    assert _rek(res)[("anggota.xlsx", "ART")] == (12, 9, 2, 1)
    assert res.rekonsiliasi["seimbang"].all()


def test_several_sheets_and_several_files_per_kind_balance(tmp_path):
    d = base_data()
    raw = write_raw(d, tmp_path / "raw")
    (raw / "SINTETIS_BDT2015_ART_6474.csv").unlink()
    (raw / "SINTETIS_BDT2015_RT_6474.csv").unlink()
    # members: one workbook, two sheets (one per kecamatan, say) — rows 0–5 and 6–11 of base_data
    _members_workbook(raw / "ART_per_kecamatan.xlsx", {"Utara": d["art"][:6], "Selatan dan Barat": d["art"][6:]})
    # households: two CSV files (`;` cp1252 and `|` UTF-8)
    (raw / "RT_a.csv").write_bytes("\r\n".join(";".join(r) for r in [RT_COLS, *d["rt"][:3]]).encode("cp1252"))
    (raw / "RT_b.csv").write_text("\n".join("|".join(r) for r in [RT_COLS, *d["rt"][3:]]) + "\n", encoding="utf-8")
    res = C.clean(raw, tmp_path / "out", verbose=False, check_provenance=False)
    rek = _rek(res)
    # RT_a: households 1–3, all kept. RT_b: households 4–6 kept, 2 rejected (outside Bontang, unknown
    # kelurahan), 1 exact duplicate of household 1 (in RT_a) merged.
    assert rek[("RT_a.csv", "")] == (3, 3, 0, 0)
    assert rek[("RT_b.csv", "")] == (6, 3, 2, 1)
    # Utara: the 6 members of households 1–3, kept. Selatan dan Barat: 3 members of households 4–6 kept,
    # the member of the rejected household and the member of an unknown household rejected, 1 duplicate.
    assert rek[("ART_per_kecamatan.xlsx", "Utara")] == (6, 6, 0, 0)
    assert rek[("ART_per_kecamatan.xlsx", "Selatan dan Barat")] == (6, 3, 2, 1)
    assert res.rekonsiliasi["seimbang"].all()
    assert len(res.tables["anggota"]) == 9 and len(res.tables["rumah_tangga"]) == 6
    # EKO's NIK (base_data) carries an NBSP and a zero-width space: removed, and flagged on its row
    t = res.temuan
    inv = t[t["aturan"] == "ID_KARAKTER_TAK_TERLIHAT"]
    assert inv[["file", "sheet", "baris", "kolom"]].astype(str).values.tolist() == \
        [["ART_per_kecamatan.xlsx", "Selatan dan Barat", "2", "nik"]]
    assert inv["nilai_tersamar"].iloc[0] != "6474020505650006" and inv["tindakan"].iloc[0] == "tandai"
    assert "6474020505650006" in set(res.tables["anggota"]["nik"].dropna())


# every kind from a workbook of two sheets, or from a TSV: each sheet balances, and the sheets add up to
# what the one-file layout of tests/test_clean.py gives (rt 9 = 6 kept + 2 rejected + 1 merged, art 12 =
# 9 + 2 + 1, kks 6 = 4 + 1 + 1, penduduk 2 = 2 + 0 + 0)
TOTALS = {"rt": (9, 6, 2, 1), "art": (12, 9, 2, 1), "kks": (6, 4, 1, 1), "penduduk": (2, 2, 0, 0)}
FILES = {"rt": ("SINTETIS_BDT2015_RT_6474.csv", RT_COLS), "art": ("SINTETIS_BDT2015_ART_6474.csv", ART_COLS),
         "penduduk": ("SINTETIS_Penduduk_Kelurahan_2017.csv", ["Kode Wilayah", "Kecamatan", "Kelurahan",
                      "Jumlah Penduduk", "Jumlah Rumah Tangga", "Jumlah KK", "Tahun", "Sumber", "KETERANGAN"])}
KKS_HEADER = ["No", "NIK Pengurus", "Nama Pengurus", "No. KK", "Alamat", "Kecamatan", "Kelurahan", "Status Kartu",
              "Tanggal Distribusi"]


@pytest.mark.parametrize("kind", ["rt", "art", "kks", "penduduk"])
@pytest.mark.parametrize("container", ["xlsx_2_sheets", "tsv"])
def test_every_kind_from_any_container_balances_per_file_and_sheet(tmp_path, kind, container):
    d = base_data()
    raw = write_raw(d, tmp_path / "raw")
    rows = {"rt": d["rt"], "art": d["art"], "kks": d["kks"], "penduduk": d["pen"]}[kind]
    if kind == "kks":
        (raw / "SINTETIS_KKS_Distribusi_2017.xlsx").unlink()
        header = KKS_HEADER
    else:
        name, header = FILES[kind]
        (raw / name).unlink()
    if container == "tsv":
        text = "\n".join("\t".join(str(c) for c in r) for r in [header, *rows]) + "\n"
        (raw / f"{kind}_lain.tsv").write_text(text, encoding="utf-8")
    else:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        half = (len(rows) + 1) // 2
        for sheet, part in (("Bagian Satu", rows[:half]), ("Bagian 2", rows[half:])):
            ws = wb.create_sheet(sheet)
            ws.append(header)
            for r in part:
                ws.append(r)
        wb.save(raw / f"{kind}_lain.xlsx")
    res = C.clean(raw, tmp_path / "out", verbose=False, check_provenance=False)
    rek = res.rekonsiliasi
    assert rek["seimbang"].all()
    mine = rek[rek["file"].str.startswith(f"{kind}_lain")]
    assert len(mine) == (2 if container == "xlsx_2_sheets" else 1)
    if container == "xlsx_2_sheets":
        assert sorted(mine["sheet"]) == ["Bagian 2", "Bagian Satu"]
    assert tuple(int(mine[c].sum()) for c in ("dibaca", "disimpan", "ditolak", "digabung")) == TOTALS[kind]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_invisible_characters_found_on_the_right_rows(tmp_path, seed, monkeypatch):
    """Only the rows whose lines hold an invisible character are cleaned (found from byte offsets and line
    numbers): the result must be what cleaning every cell gives, with blank lines, CRLF, lines of nothing
    but invisible characters, and fully empty records around."""
    import random

    rng = random.Random(seed)
    inv = ["\u200b", "\u00a0", "\ufeff", "\u200d", "\u2060"]

    def dirty(v: str) -> str:
        if rng.random() < 0.15:
            i = rng.randrange(len(v) + 1)
            v = v[:i] + rng.choice(inv) + v[i:]
        return v

    lines, expect, inv_rows, dirty_rows = ["IDBDT;NIK;Nama;Alamat"], [], {"idbdt": [], "nik": []}, []
    line_no = 1
    for k in range(300):
        r = rng.random()
        line_no += 1
        if r < 0.05:
            lines.append("")                                   # blank line
            continue
        if r < 0.08:
            lines.append(rng.choice(inv) + " " + rng.choice(inv))   # nothing but invisible characters
            continue
        cells = [f"6474020001{k:05d}", f"64740147088{k:05d}", f"NAMA {k}", f"JL MAWAR {k}"]
        raw = [dirty(c) for c in cells]
        lines.append(";".join(raw) + ("\r" if rng.random() < 0.3 else ""))
        clean_cells = [c.replace("\u00a0", "") if j < 2 else c.replace("\u00a0", " ") for j, c in enumerate(raw)]
        clean_cells = ["".join(ch for ch in c if ch not in "\u200b\u200d\u2060\ufeff") for c in clean_cells]
        expect.append(clean_cells + [line_no])
        dirty_rows.append(any(x != c for x, c in zip(raw, cells)))
        for j, col in enumerate(("idbdt", "nik")):
            inv_rows[col].append(raw[j] != cells[j])
    p = tmp_path / "acak.csv"
    p.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    from kemiskinan.ingest import readers
    seen = []
    real = readers._clean_columns
    monkeypatch.setattr(readers, "_clean_columns", lambda table, inv, rows=None: seen.append(rows) or real(table, inv, rows))
    (t,) = read_table(p)
    # the short way was taken, on exactly the rows that hold an invisible character (the lines of nothing
    # but invisible characters were emptied first and are no rows)
    (rows,) = seen
    assert rows is not None and rows.tolist() == [i for i, d in enumerate(dirty_rows) if d]
    got = t.df[["idbdt", "nik", "nama", "_baris"]].values.tolist()
    assert got == [[a, b, c, n] for a, b, c, _, n in expect]
    assert t.df["alamat"].tolist() == [e[3] for e in expect]
    for col in ("idbdt", "nik"):
        assert t.invisible.get(col, np.zeros(t.rows, bool)).tolist() == inv_rows[col], col
