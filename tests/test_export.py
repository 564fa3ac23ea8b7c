"""The analysts' XLSX: formula-looking text is escaped, numbers stay numbers, RT rows only where they belong."""
import pandas as pd
from python_calamine import CalamineWorkbook

from kemiskinan.publish import xlsx as export


def test_escape_formula_prefixes():
    for bad in ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert export.escape_formula(bad) == "'" + bad
    for fine in ("Lok Tuan", "80,1 %", "", "a=b"):
        assert export.escape_formula(fine) == fine
    assert export.escape_formula(-5) == -5 and export.escape_formula(3.5) == 3.5


def test_workbook_cells_are_escaped_and_numbers_stay_numbers(tmp_path, monkeypatch):
    tables = {"ringkasan": pd.DataFrame({"kode_wilayah": ["64.74", "64.74.01.1003"], "tingkat": ["kota", "kelurahan"],
                                         "nama": ["=HYPERLINK(\"http://x\")", "@Lok Tuan"],
                                         "keluarga_miskin": [5527, 980], "cakupan_kks": [0.8013, 0.76]}),
              "sebaran": pd.DataFrame({"kode_wilayah": ["64.74.01.1003.001", "64.74.02.1001.002", "64.74"],
                                       "tingkat": ["rt", "rt", "kota"], "jumlah": [7, 9, 100]})}
    import kemiskinan.indicators as ind

    monkeypatch.setattr(ind, "load_all", lambda _: tables)
    out = export.indicator_workbook(tmp_path, "64.74.01.1003", tmp_path / "x.xlsx")
    wb = CalamineWorkbook.from_path(str(out))
    ring = wb.get_sheet_by_name("ringkasan").to_python()
    assert ring[0][:3] == ["kode_wilayah", "tingkat", "nama"]
    names = {r[2] for r in ring[1:]}
    assert "'=HYPERLINK(\"http://x\")" in names and "'@Lok Tuan" in names
    assert isinstance(ring[1][3], float) and ring[1][3] == 5527
    seb = wb.get_sheet_by_name("sebaran").to_python()
    assert [r[0] for r in seb[1:]] == ["64.74.01.1003.001", "64.74"]  # only Lok Tuan's own RT rows
    out2 = export.indicator_workbook(tmp_path, "64.74", tmp_path / "kota.xlsx")
    seb2 = CalamineWorkbook.from_path(str(out2)).get_sheet_by_name("sebaran").to_python()
    assert [r[0] for r in seb2[1:]] == ["64.74"]  # no RT rows in the city's workbook


def test_missing_values_of_every_dtype_are_empty_cells(tmp_path, monkeypatch):
    """NaN, pd.NA, None and NaT all become empty cells (NaT used to be written as the text 'NaT')."""
    tables = {"mpm": pd.DataFrame({
        "kode_wilayah": ["64.74", "64.74.01.1003"],
        "tanggal": pd.to_datetime(["2018-05-31", None]),
        "n": pd.array([3, None], dtype="Int64"),
        "x": [0.5, float("nan")],
        "catatan": pd.array(["-1 keluarga", None], dtype="string"),
        "ok": [True, False]})}
    import kemiskinan.indicators as ind

    monkeypatch.setattr(ind, "load_all", lambda _: tables)
    out = export.indicator_workbook(tmp_path, "64.74", tmp_path / "x.xlsx")  # the city's: both rows
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("mpm").to_python()
    assert rows[1][2:] == [3.0, 0.5, "'-1 keluarga", True]
    assert str(rows[1][1]).startswith("2018-05-31")
    assert rows[2][1:5] == ["", "", "", ""]
