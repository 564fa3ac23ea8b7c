"""The later synthetic rounds (kemiskinan.synthetic.rounds): DTKS 2019-05 and DTSEN 2025-06.

The truths are checked against an independent reading of the generated files (plain pandas and dict loops,
as an analyst would count: Bontang rows only, desil 1–4, KKS TERSALUR matched by No. KK then by NIK,
families matched across rounds by No. KK), never against the generator's own arrays. Headers are the
contract's, typed here by hand.
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan import cli, config
from kemiskinan.clean import step as clean
from kemiskinan.domain import wilayah
from kemiskinan.synthetic import layout, rounds_files, sample
from kemiskinan.synthetic import rounds as sample_rounds, rounds_truth
from kemiskinan.synthetic.layout import ALUR_COLUMNS
from kemiskinan.synthetic.rounds_truth import alur
from kemiskinan.synthetic.truth import ground_truth

R2, R3 = "2019-05", "2025-06"
DTKS_ART = ("ID DTKS|ID ART DTKS|PROVINSI|KABUPATEN/KOTA|KECAMATAN|DESA/KELUARAHAN|ALAMAT|RT|RW|NOKK|NIK|NAMA|"
            "TANGGAL LAHIR|TEMPAT LAHIR|JENIS KELAMIN|PEKERJAAN|NAMA IBU KANDUNG|HUB KRT|NUK|HUB KELUARGA|"
            "KETERANGAN PADAN|BANSOS BPNT|BANSOS PKH|PBI JKN")
HOUSING = ("STA_BANGUNAN|STA_LAHAN|LUAS_LANTAI|LANTAI|DINDING|KONDISI_DINDING|ATAP|KONDISI_ATAP|JUMLAH_KAMAR|"
           "SUMBER_AIRMINUM|CARA_PEROLEH_AIRMINUM|SUMBER_PENERANGAN|DAYA|BB_MASAK|FASBAB|KLOSET|BUANG_TINJA|"
           "ADA_TABUNG_GAS|ADA_LEMARI_ES|ADA_AC|ADA_PEMANAS|ADA_TELEPON|ADA_TV|ADA_EMAS|ADA_LAPTOP|ADA_SEPEDA|"
           "ADA_MOTOR|ADA_MOBIL|ADA_PERAHU|ADA_MOTOR_TEMPEL|ADA_PERAHU_MOTOR|ADA_KAPAL|ASET_TAK_BERGERAK|RUMAH_LAIN|"
           "JUMLAH_SAPI|JUMLAH_KAMBING")
DTKS_RUTA = ("ID DTKS|PROVINSI|KABUPATEN/KOTA|KECAMATAN|DESA/KELUARAHAN|ALAMAT|RT|RW|JUMLAH ART|JUMLAH KELUARGA|"
             "DESIL|PERSENTIL|" + HOUSING + "|ADA_KKS|ADA_PKH|ADA_BPNT|ADA_PBI|ADA_KIP")
DTSEN_KELUARGA = ("kode_provinsi|provinsi|kode_kabupaten_kota|kabupaten_kota|kode_kecamatan|kecamatan|"
                  "kode_kelurahan_desa|kelurahan_desa|alamat|rt|rw|nomor_kartu_keluarga|jumlah_anggota_keluarga|"
                  "nama_kepala_keluarga|desil_nasional|desil_provinsi|desil_kabupaten_kota|" + HOUSING.lower()
                  + "|ada_kks|ada_pkh|ada_bpnt|ada_pbi|ada_kip")
DTSEN_ANGGOTA = ("nomor_induk_kependudukan|nomor_kartu_keluarga|nama|tempat_lahir|tanggal_lahir|jenis_kelamin|"
                 "status_hubungan_keluarga|status_kawin|partisipasi_sekolah|ijazah_tertinggi|status_pekerjaan")
F2 = {"art": "SINTETIS_DTKS_ART_6474_2019.txt", "ruta": "SINTETIS_DTKS_RUTA_6474_2019.txt",
      "kks": "SINTETIS_KKS_Distribusi_2019.xlsx", "pend": "SINTETIS_Penduduk_Kelurahan_2019.csv"}
F3 = {"kel": "SINTETIS_DTSEN_KELUARGA_6474_2025.txt", "ang": "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt",
      "kks": "SINTETIS_KKS_Distribusi_2025.xlsx", "pend": "SINTETIS_Penduduk_Kelurahan_2024.csv"}


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    base = tmp_path_factory.mktemp("rounds")
    sample.generate(base / "sample")
    sample_rounds.generate(R2, base / "sample_2019")
    sample_rounds.generate(R3, base / "sample_2025")
    return base


# ---- independent reading ----------------------------------------------------------------------------

def _pipe(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="|", dtype=str, keep_default_na=False, encoding="utf-8")


def _id16(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(int(v)) if isinstance(v, (int, float)) else str(v)
    s = s.replace("\u200b", "").replace("\u00a0", "").strip()
    return s if re.fullmatch(r"\d{16}", s) else None


def _kks_tersalur(path: Path) -> list[tuple[str | None, str | None]]:
    kks = pd.read_excel(path, sheet_name="DAFTAR KKS", header=2, dtype=object, engine="calamine")
    kks = kks[kks["Status Kartu"].astype(str).str.strip().str.upper() == "TERSALUR"]
    return [(_id16(k), _id16(n)) for k, n in zip(kks["No. KK"], kks["NIK Pengurus"])]


def _holders(cards, by_kk: dict, by_nik: dict) -> set:
    return {by_kk[k] if k in by_kk else by_nik[n] for k, n in cards if k in by_kk or n in by_nik}


def _families_r1(raw: Path) -> list[tuple]:
    ruta = pd.read_csv(raw / layout.FILE_RUTA, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    ruta = ruta.drop_duplicates().assign(IDBDT=lambda d: d.IDBDT.str.strip())
    known = set(wilayah.table().kode_bps)
    ruta = ruta[(ruta.KDPROP == "64") & (ruta.KDKAB == "74") & ("6474" + ruta.KDKEC + ruta.KDDESA).isin(known)]
    desil = pd.to_numeric(ruta.status_kesejahteraan, errors="coerce")
    pct = pd.to_numeric(ruta.percentile, errors="coerce")
    target = desil.between(1, 4) | (desil.isna() & (pct <= 40))
    info = {i: (wilayah.from_bps("6474" + kc + kd).kode, t)
            for i, kc, kd, t in zip(ruta.IDBDT, ruta.KDKEC, ruta.KDDESA, target)}
    art = pd.read_csv(raw / layout.FILE_ART, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    art = art.drop_duplicates().assign(IDBDT=lambda d: d.IDBDT.str.strip())
    kk = {}
    for i, nuk, k in zip(art.IDBDT, art.NUK, art.NoKK):
        if i in info:
            kk.setdefault((i, nuk), _id16(k))
    return [(k, *info[i]) for (i, _), k in kk.items()]


def _read_r2(raw: Path):
    ruta, art = _pipe(raw / F2["ruta"]), _pipe(raw / F2["art"])
    ruta = ruta[ruta["KABUPATEN/KOTA"] == "KOTA BONTANG"]
    info = {i: (wilayah.by_name(n).kode, d in {"1", "2", "3", "4"}) for i, n, d in
            zip(ruta["ID DTKS"], ruta["DESA/KELUARAHAN"], ruta["DESIL"])}
    art = art[art["ID DTKS"].isin(info)]
    fam_kk, by_nik = {}, {}
    for i, nuk, k, nik in zip(art["ID DTKS"], art["NUK"], art["NOKK"], art["NIK"]):
        fam_kk.setdefault((i, nuk), k or None)
        by_nik[nik] = (i, nuk)
    fams = {f: (k, *info[f[0]]) for f, k in fam_kk.items()}
    return fams, by_nik, art


def _read_r3(raw: Path):
    kel, ang = _pipe(raw / F3["kel"]), _pipe(raw / F3["ang"])
    kel = kel[(kel.kode_kabupaten_kota == "6474") & (kel.nomor_kartu_keluarga != "")]   # no key: no family
    code = lambda c: f"{c[:2]}.{c[2:4]}.{c[4:6]}.{c[6:]}"   # noqa: E731
    fams = {k: (k, code(c), d in {"1", "2", "3", "4"}) for k, c, d in
            zip(kel.nomor_kartu_keluarga, kel.kode_kelurahan_desa, kel.desil_nasional)}
    ang = ang[ang.nomor_kartu_keluarga.isin(fams)]
    return fams, dict(zip(ang.nomor_induk_kependudukan, ang.nomor_kartu_keluarga)), ang, kel


def _headline(fams: dict, holders: set) -> pd.DataFrame:
    rows = defaultdict(Counter)
    for f, (_, kode, target) in fams.items():
        for w in ("64.74", kode[:8], kode):
            rows[w]["keluarga"] += 1
            rows[w]["keluarga_miskin"] += target
            rows[w]["keluarga_kks"] += target and f in holders
    return pd.DataFrame(rows).T.fillna(0).astype(int)


def _flows(prev: list[tuple], cur: list[tuple]) -> dict[str, Counter]:
    """banding_alur by hand: (kk, kode, target) per family; a No. KK missing or repeated has no match."""
    def index(fams):
        n = Counter(k for k, _, _ in fams if k)
        return {k: (w, t) for k, w, t in fams if k and n[k] == 1}
    ip, ic = index(prev), index(cur)
    out: dict[str, Counter] = defaultdict(Counter)
    for level in (lambda c: "64.74", lambda c: c[:8], lambda c: c):
        for fams, own, other, names in (
                (prev, ip, ic, ("n_sebelumnya", "tanpa_kunci_sebelumnya", "tetap", "pindah_keluar",
                                "keluar_dari_target", "keluar_dari_data")),
                (cur, ic, ip, ("n_sekarang", "tanpa_kunci", None, "pindah_masuk", "masuk_dari_data", "masuk_baru"))):
            for k, kode, t in fams:
                if not t:
                    continue
                w = level(kode)
                out[w][names[0]] += 1
                if k not in own:
                    out[w][names[1]] += 1
                elif k not in other:
                    out[w][names[5]] += 1
                elif not other[k][1]:
                    out[w][names[4]] += 1
                elif level(other[k][0]) == w:
                    out[w]["tetap"] += names[2] is not None
                else:
                    out[w][names[3]] += 1
    return out


# ---- layout -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("folder, name, header", [
    ("sample_2019", F2["art"], DTKS_ART), ("sample_2019", F2["ruta"], DTKS_RUTA),
    ("sample_2025", F3["kel"], DTSEN_KELUARGA), ("sample_2025", F3["ang"], DTSEN_ANGGOTA)])
def test_headers_and_format_are_the_contracts(rounds, folder, name, header):
    raw = (rounds / folder / name).read_bytes()
    text = raw.decode("utf-8")                                         # UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in text.replace("\r\n", "")    # CRLF only
    assert lines[0] == "|".join(f'"{c}"' for c in header.split("|"))
    width = len(header.split("|"))
    for line in lines[1:200] + lines[-200:-1]:
        cells = line.split("|")
        assert len(cells) == width and all(c.startswith('"') and c.endswith('"') for c in cells), line[:80]


def test_round_folders_hold_files_profile_manifest_and_gitignore(rounds):
    for folder, names, profile in (("sample_2019", F2, "dtks_siksng"), ("sample_2025", F3, "dtsen")):
        d = rounds / folder
        assert {p.name for p in d.iterdir()} == set(names.values()) | {"README.md", "sumber.yml", "manifest.json",
                                                                         ".gitignore"}
        assert all(n.startswith("SINTETIS_") for n in names.values())
        assert "versi: 1" in (d / "sumber.yml").read_text() and f"pakai: [{profile}]" in (d / "sumber.yml").read_text()
        assert (d / ".gitignore").read_text() == (config.SAMPLE_RAW_DIR / ".gitignore").read_text()
        readme = (d / "README.md").read_text(encoding="utf-8")
        assert "SINTETIS" in readme and "tetap" in readme and "keluar_dari_target" in readme
    pend = pd.read_csv(rounds / "sample_2025" / F3["pend"], sep="\t")
    assert list(pend.columns) == layout.PENDUDUK_COLUMNS and pend["Jumlah Penduduk"].sum() == 191_811
    assert pd.read_csv(rounds / "sample_2019" / F2["pend"], sep="\t")["Jumlah Penduduk"].sum() == 177_722
    kks = pd.read_excel(rounds / "sample_2019" / F2["kks"], sheet_name="DAFTAR KKS", header=2, engine="calamine")
    assert list(kks.columns) == layout.KKS_COLUMNS


def test_same_seed_same_bytes_other_seed_other_bytes(rounds, tmp_path):
    sample_rounds.generate(R3, tmp_path / "again")
    sample_rounds.generate(R3, tmp_path / "other", seed=7)
    for name in list(F3.values()) + ["README.md", "manifest.json"]:
        assert (tmp_path / "again" / name).read_bytes() == (rounds / "sample_2025" / name).read_bytes(), name
    assert (tmp_path / "other" / F3["kel"]).read_bytes() != (rounds / "sample_2025" / F3["kel"]).read_bytes()


# ---- truths against the files -------------------------------------------------------------------------

def _truth_rows(periode: str, table: str) -> pd.DataFrame:
    return rounds_truth.round_truth(periode)[table].set_index("kode_wilayah")


def test_round2_headline_equals_an_independent_count_of_its_files(rounds):
    fams, by_nik, _ = _read_r2(rounds / "sample_2019")
    by_kk = {k: f for f, (k, _, _) in fams.items() if k}
    got = _headline(fams, _holders(_kks_tersalur(rounds / "sample_2019" / F2["kks"]), by_kk, by_nik))
    want = _truth_rows(R2, "ringkasan")[["keluarga", "keluarga_miskin", "keluarga_kks"]]
    pd.testing.assert_frame_equal(got.loc[want.index, want.columns], want, check_names=False)
    assert want.loc["64.74", "keluarga_kks"] / want.loc["64.74", "keluarga_miskin"] > 4429 / 5527   # coverage rose
    r1 = ground_truth().set_index("kode_kelurahan")
    cov1 = r1.keluarga_kks / r1.keluarga_miskin
    w = want[want.index.str.len() == 13]
    fell = (w.keluarga_kks / w.keluarga_miskin) < cov1[w.index]
    assert 1 <= fell.sum() <= 2                               # … but not everywhere


def test_round3_headline_equals_an_independent_count_of_its_files(rounds):
    fams, by_nik, _, _ = _read_r3(rounds / "sample_2025")
    holders = _holders(_kks_tersalur(rounds / "sample_2025" / F3["kks"]), {k: k for k in fams}, by_nik)
    got = _headline(fams, holders)
    want = _truth_rows(R3, "ringkasan")[["keluarga", "keluarga_miskin", "keluarga_kks"]]
    pd.testing.assert_frame_equal(got.loc[want.index, want.columns], want, check_names=False)


def test_flows_equal_a_hand_matching_of_the_files_by_no_kk(rounds):
    r1 = _families_r1(rounds / "sample")
    r2 = list(_read_r2(rounds / "sample_2019")[0].values())
    r3 = list(_read_r3(rounds / "sample_2025")[0].values())
    for periode, prev, cur in ((R2, r1, r2), (R3, r2, r3)):
        want = _truth_rows(periode, "alur")
        got = pd.DataFrame(_flows(prev, cur)).T.reindex(want.index).fillna(0).astype(int)
        cols = ALUR_COLUMNS[5:]
        pd.testing.assert_frame_equal(got.reindex(columns=cols, fill_value=0), want[cols], check_names=False)
        # every kind of flow happens somewhere (otherwise the comparison would test nothing)
        kel = want[want.tingkat == "kelurahan"]
        for c in ("tetap", "pindah_masuk", "pindah_keluar", "masuk_dari_data", "masuk_baru", "keluar_dari_target",
                  "keluar_dari_data"):
            assert kel[c].sum() > 0, (periode, c)
    assert _truth_rows(R2, "alur").loc["64.74", "tanpa_kunci"] == 3          # the planted NOKK-less families
    assert _truth_rows(R3, "alur").loc["64.74", "tanpa_kunci_sebelumnya"] == 3


def test_flow_identities_hold_at_every_level():
    for periode, prev in ((R2, "2018-05"), (R3, R2)):
        a = rounds_truth.round_truth(periode)["alur"]
        assert list(a.columns) == ("kode_wilayah tingkat nama periode periode_sebelumnya n_sebelumnya n_sekarang tetap "
                                   "pindah_masuk pindah_keluar masuk_dari_data masuk_baru keluar_dari_target "
                                   "keluar_dari_data tanpa_kunci_sebelumnya tanpa_kunci").split()
        assert (a.periode == periode).all() and (a.periode_sebelumnya == prev).all()
        assert (a.n_sebelumnya == a.tetap + a.pindah_keluar + a.keluar_dari_target + a.keluar_dari_data
                + a.tanpa_kunci_sebelumnya).all()
        assert (a.n_sekarang == a.tetap + a.pindah_masuk + a.masuk_dari_data + a.masuk_baru + a.tanpa_kunci).all()
        kota = a[a.tingkat == "kota"].iloc[0]
        assert kota.pindah_masuk == kota.pindah_keluar == 0
        kel = a[a.tingkat == "kelurahan"]
        assert len(kel) == 15 and kel.pindah_masuk.sum() == kel.pindah_keluar.sum() > 0
        before = rounds_truth.round_truth(prev)["ringkasan"].set_index("kode_wilayah").keluarga_miskin
        assert (a.set_index("kode_wilayah").n_sebelumnya == before.reindex(a.kode_wilayah)).all()
    assert rounds_truth.round_truth("2018-05")["ringkasan"].iloc[0].keluarga_miskin == 5527     # contracts §1.7


def test_truth_matching_rule_on_hand_made_families():
    """The truth's matching rule, on six families written by hand (Lok Tuan 64.74.01.1003, Guntung
    64.74.03.1001): A stays; B moves Lok Tuan → Guntung; C leaves the target; D's No. KK is held by two
    families now (so D then and both now are unmatched, not "left the data"); a new family has no No. KK."""
    lt, gt = "64.74.01.1003", "64.74.03.1001"
    prev = pd.DataFrame({"hh": range(4), "kode": [lt, lt, lt, lt], "kk": pd.array(["A", "B", "C", "D"], dtype="string"),
                         "target": [True, True, True, True]})
    cur = pd.DataFrame({"hh": range(6), "kode": [lt, gt, lt, lt, gt, gt],
                        "kk": pd.array(["A", "B", "C", "D", "D", None], dtype="string"),
                        "target": [True, True, False, True, True, True]})
    a = alur(prev, cur, "2019-05", "2018-05").set_index("kode_wilayah")
    cols = ["n_sebelumnya", "n_sekarang", "tetap", "pindah_masuk", "pindah_keluar", "keluar_dari_target",
            "keluar_dari_data", "masuk_dari_data", "masuk_baru", "tanpa_kunci_sebelumnya", "tanpa_kunci"]
    # counted by hand from the rows above
    assert a.loc[lt, cols].tolist() == [4, 2, 1, 0, 1, 1, 0, 0, 0, 1, 1]
    assert a.loc[gt, cols].tolist() == [0, 3, 0, 1, 0, 0, 0, 0, 0, 0, 2]
    assert a.loc["64.74", cols].tolist() == [4, 5, 2, 0, 0, 1, 0, 0, 0, 1, 3]


# ---- continuity, deciles, children --------------------------------------------------------------------

def test_most_households_and_families_carry_over_by_id_and_no_kk(rounds):
    ruta1 = pd.read_csv(rounds / "sample" / layout.FILE_RUTA, sep=";", encoding="cp1252", dtype=str)
    ids1 = set(ruta1.IDBDT.str.strip())
    kk1 = {k for k, _, _ in _families_r1(rounds / "sample")}
    fams2, _, art2 = _read_r2(rounds / "sample_2019")
    ids2 = set(art2["ID DTKS"])
    kk2 = {k for k, _, _ in fams2.values() if k}
    assert 0.85 < len(ids2 & ids1) / len(ids2) < 0.97          # carried, and some new
    assert 0.85 < len(kk2 & kk1) / len(kk2) < 0.97
    assert all(len(i) == 15 for i in ids2) and (art2["ID ART DTKS"].str[:15] == art2["ID DTKS"]).all()
    kk3 = set(_read_r3(rounds / "sample_2025")[0])
    assert 0.80 < len(kk3 & kk2) / len(kk3) < 0.97
    # a household with two keluarga in 2019 is two DTSEN families in 2025, each with its own No. KK
    two = art2.groupby("ID DTKS").NOKK.nunique()
    pairs = art2[art2["ID DTKS"].isin(two[two == 2].index)].NOKK.unique()
    assert len(pairs) > 100 and len(set(pairs) & kk3) / len(pairs) > 0.8


def test_dtsen_deciles_are_one_to_ten_and_the_three_schemes_differ(rounds):
    kel = _read_r3(rounds / "sample_2025")[3]
    for c in ("desil_nasional", "desil_provinsi", "desil_kabupaten_kota"):
        assert set(kel[c]) <= {""} | {str(i) for i in range(1, 11)}
    nat = pd.to_numeric(kel.desil_nasional, errors="coerce")
    assert nat.min() == 1 and nat.max() == 10 and (nat > 4).sum() > (nat <= 4).sum() / 2 and nat.isna().any()
    assert (kel.desil_nasional != kel.desil_provinsi).any() and (kel.desil_nasional != kel.desil_kabupaten_kota).any()


def test_children_born_2019_to_2025_are_present_with_two_digit_nik_years(rounds):
    _, _, ang, _ = _read_r3(rounds / "sample_2025")
    born = pd.to_datetime(ang.tanggal_lahir)
    young = ang[born >= "2019-01-01"]
    assert len(young) == _truth_rows(R3, "ringkasan").loc["64.74", "anak_lahir_setelah_2018"] > 500
    assert born.max() <= pd.Timestamp("2025-06-30")
    yy = young.nomor_induk_kependudukan.str[10:12].astype(int)
    assert (yy <= 25).all() and (yy == pd.to_datetime(young.tanggal_lahir).dt.year % 100).all()


# ---- CLI -----------------------------------------------------------------------------------------------

def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kemiskinan", "sample-data", *args], capture_output=True,
                          text=True, cwd=config.PROJ_ROOT)


def test_unknown_round_or_shape_exits_2_from_the_command_line():
    r = _cli("--round", "2019-05", "--shape", "dtsen")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "tidak dikenal" in r.stderr and "--round 2019-05 --shape dtks" in r.stderr


@pytest.mark.parametrize("args", [("--shape", "siks"), ("--round", "2020-01"), ("--round", "2018-05", "--shape", "dtks")])
def test_unknown_round_or_shape_is_a_clear_message_and_exit_2(args, capsys):
    assert cli.main(["sample-data", *args]) == 2
    err = capsys.readouterr().err
    assert "tidak dikenal" in err and "--round 2025-06 --shape dtsen" in err


def test_params_dispatch_writes_the_round_of_its_raw_folder(rounds, tmp_path, capsys):
    def run(raw):
        p = tmp_path / f"{Path(raw).name}.yml"
        p.write_text(f'periode: "x"\nraw: {raw}\n', encoding="utf-8")
        code = cli.main(["sample-data", "--if-absent", "--params", str(p)])
        return code, capsys.readouterr().out
    real = tmp_path / "2019-05"
    code, out = run(real)
    assert code == 0 and not real.exists() and "bukan data contoh" in out
    r2 = tmp_path / "sample_2019"
    code, out = run(r2)
    assert code == 0 and "periode 2019-05 ditulis" in out
    assert (r2 / F2["art"]).read_bytes() == (rounds / "sample_2019" / F2["art"]).read_bytes()
    assert not (r2 / F3["kel"]).exists()
    stamp = (r2 / F2["art"]).stat().st_mtime_ns
    code, out = run(r2)
    assert code == 0 and "sudah ada" in out and (r2 / F2["art"]).stat().st_mtime_ns == stamp
    for name in ("sample", "sample_2025"):                  # already generated: recognised, not rewritten
        shutil.copytree(rounds / name, tmp_path / name)
        code, out = run(tmp_path / name)
        assert code == 0 and "sudah ada" in out, out
    assert "(seed 2018)" in out
    assert cli.main(["sample-data", "--params", str(tmp_path / "missing.yml")]) == 2


def test_a_failure_leaves_no_partial_round(tmp_path, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("simulated failure")
    monkeypatch.setattr(rounds_files, "write_kks", boom)
    with pytest.raises(RuntimeError):
        sample_rounds.generate(R2, tmp_path / "sample_2019")
    assert not (tmp_path / "sample_2019").exists()
    assert [p.name for p in tmp_path.iterdir()] == []          # no temporary folder left behind


def test_cleaning_each_round_gives_its_truths(rounds, tmp_path):
    """Step 01 on the generated rounds: the clean keluarga table's headline per kelurahan and the flows matched
    by its `no_kk` equal the generator's truths (round 1's side: the population its own cleaning keeps)."""
    fams = {}
    for periode, folder in (("2018-05", "sample"), (R2, "sample_2019"), (R3, "sample_2025")):
        clean.clean(rounds / folder, tmp_path / periode, periode=periode, verbose=False)
        kel = pd.read_parquet(tmp_path / periode / "keluarga.parquet")
        target = kel.desil.between(1, 4).fillna(False).astype(bool)
        kks = kel.kks.fillna(False).astype(bool)
        fams[periode] = [(None if pd.isna(k) else k, w, t) for k, w, t in zip(kel.no_kk, kel.kode_kelurahan, target)]
        want = _truth_rows(periode, "ringkasan")
        want = want[want.tingkat == "kelurahan"]
        got = pd.DataFrame({"keluarga": kel.groupby("kode_kelurahan").size(),
                            "keluarga_miskin": target.groupby(kel.kode_kelurahan).sum(),
                            "keluarga_kks": (target & kks).groupby(kel.kode_kelurahan).sum()})
        pd.testing.assert_frame_equal(got.reindex(want.index).astype("int64"),
                                      want[["keluarga", "keluarga_miskin", "keluarga_kks"]], check_names=False)
    for periode, prev in ((R2, "2018-05"), (R3, R2)):
        want = _truth_rows(periode, "alur")
        cols = ALUR_COLUMNS[5:]
        got = pd.DataFrame(_flows(fams[prev], fams[periode])).T.reindex(want.index).fillna(0).astype(int)
        pd.testing.assert_frame_equal(got.reindex(columns=cols, fill_value=0), want[cols], check_names=False)
