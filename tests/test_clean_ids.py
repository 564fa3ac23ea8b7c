"""IDBDT / IDARTBDT are opaque keys (issue 17, item 1): any non-empty run of digits is valid, whatever its
length; consistency is checked instead (a member's IDARTBDT starts with its IDBDT, one length per file);
wilayah never comes from ID digits. Hand-written extracts in tests/fixtures/clean/ (not written by
`sample.py`); every expected count below is read off the rows of those files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan.clean import step as C
from kemiskinan.clean import ids
from kemiskinan.clean import keys

FIX = Path(__file__).parent / "fixtures" / "clean"


def _clean(name: str, tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(FIX / name, raw)           # the cleaner writes manifest.json into the raw folder
    return C.clean(raw, tmp_path / "out", verbose=False)


def _rek(res, file: str) -> tuple[int, int, int, int]:
    r = res.rekonsiliasi.set_index("file").loc[file]
    return int(r.dibaca), int(r.disimpan), int(r.ditolak), int(r.digabung)


def _count(res, rule: str, file: str | None = None) -> int:
    t = res.temuan
    m = t["aturan"].astype(str) == rule
    if file is not None:
        m &= t["file"].astype(str) == file
    return int(m.sum())


def test_twelve_digit_idbdt_and_fourteen_digit_idartbdt_clean(tmp_path):
    """id12: 6 households (2 with an empty / non-digit IDBDT), 7 members of 12-digit households with
    14-digit IDARTBDT: one without IDBDT (its IDARTBDT starts with household 3's), one whose IDARTBDT does
    not start with its IDBDT, one of a household not in the file."""
    res = _clean("id12", tmp_path)
    assert _rek(res, "BDT_RT.csv") == (6, 4, 2, 0)
    assert _rek(res, "BDT_ART.csv") == (7, 6, 1, 0)
    assert _count(res, "IDBDT_TIDAK_VALID") == 2
    assert _count(res, "ART_TANPA_RUTA") == 1
    assert _count(res, "IDBDT_DARI_IDARTBDT") == 1
    assert _count(res, "IDARTBDT_BEDA_IDBDT") == 1
    assert _count(res, "ID_PANJANG_CAMPUR") == 0
    assert not res.temuan["aturan"].astype(str).str.startswith(("NIK_", "KK_")).any()   # NIK/KK unaffected
    rt, art, kel = (res.tables[k] for k in ("rumah_tangga", "anggota", "keluarga"))
    assert rt["idbdt"].tolist() == ["100000000001", "100000000002", "100000000003", "100000000004"]
    assert rt["kode_kelurahan"].tolist() == ["64.74.01.1001", "64.74.01.1001", "64.74.02.1001", "64.74.03.1001"]
    assert art.set_index("idartbdt").loc["10000000000301", "idbdt"] == "100000000003"
    assert art["idartbdt"].str.len().unique().tolist() == [14]
    assert len(kel) == 4 and kel["idbdt"].tolist() == rt["idbdt"].tolist()
    assert art["nik_status"].astype(str).eq("valid").all()


def test_sixteen_digit_idbdt_never_gives_the_wilayah(tmp_path):
    """id16: 16-digit IDBDT (BPS desa code + serial) and 18-digit IDARTBDT. The first two households' IDBDT
    begin with 6474010005 (BPS: Tanjung Laut) but their columns say Bontang Kuala: the columns decide. The
    third IDBDT is written `….0` (Excel) and its members match it once the suffix is cut."""
    res = _clean("id16", tmp_path)
    assert _rek(res, "BDT_RT.csv") == (3, 3, 0, 0)
    assert _rek(res, "BDT_ART.csv") == (5, 5, 0, 0)
    assert _count(res, "ID_TRAILING_DOT0") == 1
    assert _count(res, "ID_PANJANG_CAMPUR") == 0 and _count(res, "IDARTBDT_BEDA_IDBDT") == 0
    rt, art, kel = (res.tables[k] for k in ("rumah_tangga", "anggota", "keluarga"))
    assert rt["kode_kelurahan"].tolist() == ["64.74.01.1001", "64.74.01.1001", "64.74.03.1001"]
    assert rt["idbdt"].tolist()[2] == "6474020001000003"
    assert art["idartbdt"].str.len().unique().tolist() == [18]
    assert len(kel) == 4                        # household 1 holds two keluarga (NUK 1 and 2)
    assert kel.groupby("idbdt").size().tolist() == [2, 1, 1]


def test_mixed_lengths_in_one_file_are_flagged_not_rejected(tmp_path):
    """id_campur: 4 households of 15 digits and one of 12 in one file; their members 17 and 14."""
    res = _clean("id_campur", tmp_path)
    assert _rek(res, "BDT_RT.csv") == (5, 5, 0, 0)
    assert _rek(res, "BDT_ART.csv") == (5, 5, 0, 0)
    t = res.temuan[res.temuan["aturan"].astype(str) == "ID_PANJANG_CAMPUR"]
    got = sorted(zip(t["file"].astype(str), t["baris"].tolist(), t["kolom"].astype(str)))
    assert got == [("BDT_ART.csv", 6, "idartbdt"), ("BDT_ART.csv", 6, "idbdt"), ("BDT_RT.csv", 6, "idbdt")]
    msg = dict(zip(zip(t["file"].astype(str), t["kolom"].astype(str)), t["pesan"]))
    assert "(15 digit: 4 baris, 12 digit: 1 baris); baris ini 12 digit" in msg[("BDT_RT.csv", "idbdt")]
    assert "(17 digit: 4 baris, 14 digit: 1 baris); baris ini 14 digit" in msg[("BDT_ART.csv", "idartbdt")]
    assert (t["tindakan"].astype(str) == "tandai").all()
    assert "1000********05" in set(t["nilai_tersamar"])      # masked, never the full ID
    assert len(res.tables["keluarga"]) == 5


def test_starts_with_and_household_prefix_helpers():
    longer = pd.Series(["12345601", "12345601", "99", None, "123456"], dtype="str")
    prefix = pd.Series(["123456", "1234567", "99", "1", "123456"], dtype="str")
    assert keys._starts_with(longer, prefix).tolist() == [True, False, False, False, False]
    hh = pd.Series(["100000000003", "6474010005000001", "12345"], dtype="str")
    art = pd.Series(["10000000000301", "647401000500000102", "55555501", "1234567"], dtype="str")
    got = ids._household_prefix(art, hh)
    assert got.tolist()[:2] == ["100000000003", "6474010005000001"]
    assert pd.isna(got.iloc[2]) and got.iloc[3] == "12345"


@pytest.mark.parametrize("values, expect", [
    (["100000000001", "100000000002"], True),
    (["647401000500000101", "647401000500000102"], True),       # 18 digits still fit int64
    (["100000000001", "647402000100001"], False),                # mixed lengths: the text path
])
def test_digit_ints_fast_path_only_for_one_length(values, expect):
    from kemiskinan.domain import codes
    got = codes.digit_ints(pd.Series(values, dtype="str"))
    assert (got is not None) == expect
    if expect:
        assert got[0].tolist() == [int(v) for v in values]
    # whichever path, positions agree with the text comparison
    ref = pd.Series(values[::-1], dtype="str")
    assert codes.positions(pd.Series(values, dtype="str"), ref).tolist() == [len(values) - 1 - i for i in range(len(values))]


@pytest.mark.parametrize("reference", [False, True])
def test_code_versus_name_the_name_wins_within_the_codes_kecamatan(tmp_path, reference):
    """kode_nama (issue 17, item 6): 7 households, BPS-coded. Rows 3, 5, 7 (file rows 3, 5, 7) name
    Guntung / GUNTUNG / Guntung — a kelurahan of the code's kecamatan (BPS 020 = Bontang Utara) — under
    the code of Bontang Kuala (020.001) or Bontang Baru (020.002): the name wins. Row 4 names Belimbing
    (Bontang Barat: another kecamatan) and row 6 `Guntng` (only a fuzzy match): the code wins. All five are
    flagged; rows 2 and 8 agree (`Tj. Laut` is a known variant). The same through a `Reference` table."""
    from kemiskinan.clean import quality
    from kemiskinan.domain import wilayah as wil
    raw = tmp_path / "raw"
    shutil.copytree(FIX / "kode_nama", raw)
    res = C.clean(raw, tmp_path / "out", verbose=False, wilayah=wil.WILAYAH_FILE if reference else None)
    rt = res.tables["rumah_tangga"]
    assert rt["kode_kelurahan"].tolist() == ["64.74.01.1001", "64.74.01.1004", "64.74.01.1001", "64.74.01.1004",
                                             "64.74.01.1001", "64.74.01.1004", "64.74.02.1001"]
    t = res.temuan[res.temuan["aturan"].astype(str) == "WILAYAH_KODE_NAMA_BEDA"]
    assert sorted(t["baris"].tolist()) == [3, 4, 5, 6, 7]
    by_row = dict(zip(t["baris"], t["pesan"]))
    assert [("; nama dipakai" in by_row[r]) for r in (3, 4, 5, 6, 7)] == [True, False, True, False, True]
    assert res.temuan["aturan"].astype(str).isin(["WILAYAH_FUZZY", "WILAYAH_KEC_BEDA"]).sum() == 0
    pairs = quality.kode_nama_pairs(res.temuan)
    got = sorted(map(tuple, pairs[["kode", "nama", "dipakai", "menurut", "n"]].itertuples(index=False)))
    assert got == sorted([("020.001", "Guntung", "Guntung", "nama", 1), ("020.001", "GUNTUNG", "Guntung", "nama", 1),
                          ("020.001", "Belimbing", "Bontang Kuala", "kode", 1),
                          ("020.002", "Guntung", "Guntung", "nama", 1),
                          ("020.001", "Guntng", "Bontang Kuala", "kode", 1)])
    html = quality.render_quality_report(tmp_path / "out")
    assert "Kode wilayah dan nama kelurahan yang tidak sepakat" in html and "<code>020.002</code>" in html


def test_kks_list_with_idbdt_matches_on_it_first(tmp_path):
    """kks_idbdt: households 1 and 3 hold one keluarga each, household 2 two. KKS rows (file rows 2–8):
    2 IDBDT of household 1 → idbdt; 3 IDBDT 1 but the No. KK of household 3 → idbdt, KKS_IDBDT_BEDA;
    4 IDBDT 2 + the No. KK of its 2nd keluarga → no_kk; 5 IDBDT 2 alone → keluarga not guessed
    (KKS_IDBDT_BANYAK_KELUARGA, not found); 6 an unknown IDBDT + No. KK of household 3 → no_kk
    (KKS_IDBDT_TIDAK_DIKENAL); 7 no IDBDT, NIK of household 3 → nik; 8 IDBDT `12345X` → not digits
    (KKS_IDBDT_TIDAK_DIKENAL), not found."""
    res = _clean("kks_idbdt", tmp_path)
    kks, kel = res.tables["kks"], res.tables["keluarga"]
    assert _rek(res, "KKS_Distribusi.csv") == (7, 7, 0, 0)
    assert kks["cocok_lewat"].astype(str).tolist() == ["idbdt", "idbdt", "no_kk", "tidak_ditemukan", "no_kk", "nik",
                                                       "tidak_ditemukan"]
    assert kks["idbdt"].tolist()[:3] == ["100000000001", "100000000001", "100000000002"]
    assert int(kks["nuk"].iloc[2]) == 2
    t = res.temuan
    rows = {r: sorted(t.loc[t["aturan"].astype(str) == r, "baris"].tolist())
            for r in ("KKS_IDBDT_BEDA", "KKS_IDBDT_BANYAK_KELUARGA", "KKS_IDBDT_TIDAK_DIKENAL", "KKS_TIDAK_DITEMUKAN",
                      "KKS_KELUARGA_GANDA")}
    assert rows == {"KKS_IDBDT_BEDA": [3], "KKS_IDBDT_BANYAK_KELUARGA": [5], "KKS_IDBDT_TIDAK_DIKENAL": [6, 8],
                    "KKS_TIDAK_DITEMUKAN": [5, 8], "KKS_KELUARGA_GANDA": [2, 3, 6, 7]}
    st = kel.set_index(["idbdt", "nuk"])["kks_status"].astype(str)
    assert st.to_dict() == {("100000000001", 1): "tersalur", ("100000000002", 1): "tidak_ada",
                            ("100000000002", 2): "tersalur", ("100000000003", 1): "tersalur"}


def test_the_kks_list_is_resolved_against_the_runs_reference(tmp_path):
    """`clean(wilayah=)` holds for every stage, also for the KKS list's own checks, which run in a second
    thread: with a reference that knows `Berantah` as a name of Guntung, the KKS row written there (rejected
    as KKS_TIDAK_DAPAT_DITEMPATKAN against Bontang's own reference) is placed, in Guntung."""
    from test_clean import base_data, write_raw

    from kemiskinan.domain import wilayah as wil
    ref = pd.read_csv(wil.WILAYAH_FILE, dtype=str, keep_default_na=False)
    guntung = ref["kode_kemendagri"] == "64.74.01.1004"
    ref.loc[guntung, "varian_nama"] = ref.loc[guntung, "varian_nama"] + "|Berantah"
    raw = write_raw(base_data(), tmp_path / "raw")
    plain = C.clean(raw, tmp_path / "a", verbose=False, check_provenance=False)
    res = C.clean(raw, tmp_path / "b", verbose=False, check_provenance=False, wilayah=ref)

    def unplaced(r):
        return (r.temuan["aturan"].astype(str) == "KKS_TIDAK_DAPAT_DITEMPATKAN").sum()

    def in_guntung(r):
        return (r.tables["kks"]["kode_kelurahan"] == "64.74.01.1004").sum()

    assert unplaced(plain) == 1 and unplaced(res) == 0
    assert len(res.tables["kks"]) == len(plain.tables["kks"]) + 1
    assert in_guntung(res) == in_guntung(plain) + 1
