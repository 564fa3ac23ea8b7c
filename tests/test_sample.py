"""Tests for round 1 of the synthetic sample generator (kemiskinan.synthetic.sample, contracts §1).

The calibration check below is deliberately independent of the generator's own bookkeeping: it reads the
raw files the way a careful analyst would (strip, de-duplicate, keep Bontang rows, derive desil, match
the KKS list by No. KK then by NIK) and counts keluarga.
"""
from __future__ import annotations

import hashlib
import math
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from kemiskinan import config
from kemiskinan.domain import wilayah
from kemiskinan.synthetic import layout, sample
from kemiskinan.synthetic.truth import ground_truth

MARK = layout.SYNTHETIC_MARK
DATA_FILES = [layout.FILE_RUTA, layout.FILE_ART, layout.FILE_KKS_XLSX, layout.FILE_MPM, layout.FILE_PENDUDUK]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "raw"
    summary = sample.generate(out)
    return out, summary


# ---- independent reading of the raw files ---------------------------------------------------------

def _clean(v) -> str:
    return str(v).replace("\u00a0", " ").replace("\u200b", "").strip()


def _id16(v) -> str | None:
    """A usable 16-digit ID from a cell: numeric cells are exact, `.0` is dropped, sci-notation is lost."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (int, float)):
        v = str(int(v))
    s = _clean(v).replace(" ", "")
    if s.endswith(".0"):
        s = s[:-2]
    return s if re.fullmatch(r"\d{16}", s) else None


def _target_keluarga(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    ruta = pd.read_csv(out / layout.FILE_RUTA, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    ruta = ruta.drop_duplicates()
    ruta["IDBDT"] = ruta["IDBDT"].map(_clean)
    known = set(wilayah.table().kode_bps)
    ruta = ruta[(ruta.KDPROP == "64") & (ruta.KDKAB == "74") & ("6474" + ruta.KDKEC + ruta.KDDESA).isin(known)]
    pct = pd.to_numeric(ruta.percentile, errors="coerce")
    desil = pd.to_numeric(ruta.status_kesejahteraan, errors="coerce")
    desil = desil.fillna(((pct - 1) // 10 + 1).where(pct <= 40))
    ruta = ruta.assign(desil=desil, kode=("6474" + ruta.KDKEC + ruta.KDDESA).map(lambda b: wilayah.from_bps(b).kode))
    art = pd.read_csv(out / layout.FILE_ART, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    art = art.drop_duplicates()
    art["IDBDT"] = art["IDBDT"].map(_clean)
    art = art.merge(ruta[["IDBDT", "desil", "kode"]], on="IDBDT", how="inner")
    art["nik16"] = art.NIK.map(_id16)
    art["kk16"] = art.NoKK.map(_id16)
    kel = art.groupby(["IDBDT", "NUK"], as_index=False).agg(desil=("desil", "first"), kode=("kode", "first"),
                                                           kk=("kk16", "first"))
    return kel, art


def _kks_holders(out: Path, art: pd.DataFrame) -> set[tuple[str, str]]:
    kks = pd.read_excel(out / layout.FILE_KKS_XLSX, sheet_name="DAFTAR KKS", header=2, dtype=object,
                        engine="calamine")
    kks = kks[kks["Status Kartu"].map(lambda s: _clean(s).upper()) == "TERSALUR"]
    by_kk = dict(zip(art.kk16, zip(art.IDBDT, art.NUK)))
    by_nik = {n: k for n, k in zip(art.nik16, zip(art.IDBDT, art.NUK)) if n}
    held = set()
    for nik, kk in zip(kks["NIK Pengurus"], kks["No. KK"]):
        key = by_kk.get(_id16(kk)) or by_nik.get(_id16(nik))
        if key:
            held.add(key)
    return held


# ---- calibration ------------------------------------------------------------------------------------

def test_calibration_from_raw_files(default_run):
    out, summary = default_run
    kel, art = _target_keluarga(out)
    target = kel[kel.desil.between(1, 4)]
    assert len(target) == 5527
    held = _kks_holders(out, art)
    keys = set(zip(target.IDBDT, target.NUK))
    assert len(keys & held) == 4429
    assert len(keys - held) == 1098
    assert len(held - keys) > 0, "inclusion error (KKS on 4+/non-desil keluarga) must exist"
    # Per kelurahan: equal to the published ground truth; Lok Tuan > Berbas Tengah > Tanjung Laut.
    per = target.groupby("kode").size()
    gt = ground_truth().set_index("kode_kelurahan")
    assert per.reindex(gt.index).tolist() == gt.keluarga_miskin.tolist()
    with_kks = pd.Series([k for k in zip(target.IDBDT, target.NUK) if k in held]).map(
        dict(zip(zip(target.IDBDT, target.NUK), target.kode))).value_counts()
    assert with_kks.reindex(gt.index).tolist() == gt.keluarga_kks.tolist()
    top = per.sort_values(ascending=False).index[:3].tolist()
    assert top == ["64.74.01.1003", "64.74.02.1002", "64.74.02.1001"]
    assert summary["ground_truth"]["keluarga_miskin"] == 5527
    assert summary["ground_truth"]["keluarga_kks"] == 4429
    # Non-target households exist in both extra groups: "4+" (percentile > 40) and non-desil (neither).
    ruta = pd.read_csv(out / layout.FILE_RUTA, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    pct = pd.to_numeric(ruta.percentile, errors="coerce")
    des = pd.to_numeric(ruta.status_kesejahteraan, errors="coerce")
    assert (pct > 40).sum() > 1000 and (pct.isna() & des.isna()).sum() > 100
    assert not ((pct > 40) & des.notna()).any()


def test_members_are_coherent(default_run):
    out, _ = default_run
    art = pd.read_csv(out / layout.FILE_ART, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    art = art.drop_duplicates()
    heads = art[art.Hub_KRT == "1"].groupby("IDBDT").size()
    assert (heads == 1).all()
    kepala = art[art.Hubkel == "1"].groupby(["IDBDT", "NUK"]).size()
    assert (kepala == 1).all()
    nik = art.NIK[art.NIK.str.fullmatch(r"\d{16}")]
    sub = art.loc[nik.index]
    day = nik.str[6:8].astype(int)
    ok_date = nik.str[8:10].astype(int).between(1, 12) & ((day % 40).between(1, 31))
    valid = sub[ok_date]
    # Sex from NIK (day + 40 for women) agrees with JnsKel, and DDMMYY with TglLahir.
    assert ((valid.NIK.str[6:8].astype(int) > 40) == (valid.JnsKel == "2")).all()
    dmy = valid.TglLahir.str.fullmatch(r"\d{2}/\d{2}/\d{4}")
    t = valid[dmy]
    assert ((t.NIK.str[6:8].astype(int) % 40) == t.TglLahir.str[0:2].astype(int)).all()
    assert (t.NIK.str[8:10] == t.TglLahir.str[3:5]).all()
    assert (t.NIK.str[10:12] == t.TglLahir.str[8:10]).all()
    assert nik.is_unique or nik.duplicated().sum() == 0
    share_bontang = nik.str[:4].eq("6474").mean()
    assert 0.93 < share_bontang < 0.99
    assert art.NIK.str.contains("E+15", regex=False).sum() > 0
    size = art.groupby("IDBDT").size()
    assert size.max() <= 9 and 3.5 < size.mean() < 4.6


# ---- file formats and synthetic marker -----------------------------------------------------------

def test_file_formats(default_run):
    out, summary = default_run
    raw = (out / layout.FILE_RUTA).read_bytes()
    text = raw.decode("cp1252")
    assert text.split("\r\n", 1)[0].startswith("IDBDT;KDPROP;KDKAB;KDKEC;KDDESA;")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    with pytest.raises(UnicodeDecodeError):   # not UTF-8: the cp1252 names (’, é) are single bytes
        raw.decode("utf-8")
    art = (out / layout.FILE_ART).read_bytes()
    assert art.startswith(b"\xef\xbb\xbfIDBDT,IDARTBDT,")
    pend = pd.read_csv(out / layout.FILE_PENDUDUK, sep="\t", dtype=str)
    assert len(pend) == 15 and pend["Jumlah Penduduk"].astype(int).sum() == 170_611
    xl = pd.ExcelFile(out / layout.FILE_MPM, engine="calamine")
    assert "KETERANGAN" in xl.sheet_names and len(xl.sheet_names) == 16
    empty = [s for s in xl.sheet_names if s != "KETERANGAN" and len(xl.parse(s)) == 0]
    assert len(empty) == 3
    for s in xl.sheet_names[:-1]:
        assert wilayah.by_name(s) is not None, s
    mpm = pd.concat([xl.parse(s, dtype=object) for s in xl.sheet_names[:-1]])
    assert len(mpm) == 600
    assert 0.5 < (mpm["Status Identifikasi"] == "Sudah terdaftar").mean() < 0.7
    assert set(pd.to_numeric(mpm["Hasil Verifikasi"], errors="coerce").dropna().astype(int)) == {1, 2, 3, 4, 5}
    kks = pd.ExcelFile(out / layout.FILE_KKS_XLSX, engine="calamine")
    assert kks.sheet_names == ["DAFTAR KKS", "KETERANGAN"]
    assert list(kks.parse("DAFTAR KKS", header=2).columns) == layout.KKS_COLUMNS


def test_synthetic_marker_everywhere(default_run):
    out, _ = default_run
    for name in DATA_FILES:
        assert name.startswith("SINTETIS_")
        if name.endswith(".csv"):
            enc = "cp1252" if name == layout.FILE_RUTA else "utf-8-sig"
            sep = {layout.FILE_RUTA: ";", layout.FILE_ART: ",", layout.FILE_PENDUDUK: "\t"}[name]
            df = pd.read_csv(out / name, sep=sep, encoding=enc, dtype=str, keep_default_na=False)
            assert df.columns[-1] == "KETERANGAN" and (df.KETERANGAN == MARK).all(), name
        else:
            ket = pd.read_excel(out / name, sheet_name="KETERANGAN", header=None, engine="calamine")
            assert ket.iloc[0, 0] == MARK, name
    assert MARK in (out / "README.md").read_text(encoding="utf-8")


def test_readme_documents_dirt(default_run):
    out, summary = default_run
    readme = (out / "README.md").read_text(encoding="utf-8")
    for f, kinds in summary["dirt"].items():
        assert f"`{f}`" in readme
        for k, v in kinds.items():
            assert f"| {k} | {v:,} |" in readme
    assert summary["dirt"][layout.FILE_RUTA]["baris_duplikat_persis"] > 0
    assert summary["dirt"][layout.FILE_ART]["anggota_tanpa_rumah_tangga (IDBDT yatim, ditolak)"] > 0


# ---- determinism ----------------------------------------------------------------------------------

def test_same_seed_is_byte_identical_and_other_seed_differs(default_run, tmp_path):
    out, summary = default_run
    again = sample.generate(tmp_path / "again")
    for name in DATA_FILES + ["README.md"]:
        assert _sha(out / name) == _sha(tmp_path / "again" / name), name
    assert again["sha256"] == summary["sha256"]
    other = sample.generate(tmp_path / "other", seed=7)
    for name in DATA_FILES[:4]:
        assert _sha(out / name) != _sha(tmp_path / "other" / name), name
    # Calibration does not depend on the seed.
    assert other["ground_truth"]["keluarga_miskin"] == 5527 and other["ground_truth"]["keluarga_kks"] == 4429


def test_committed_sample_readme_is_what_the_generator_writes(default_run):
    # The README beside the sample is committed (the data files are not); a generator change that alters
    # the documented counts must come with the regenerated README (git's copy, not the working tree's,
    # which `make` overwrites whenever it writes the sample).
    r = subprocess.run(["git", "show", "HEAD:data/raw/sample/README.md"], cwd=config.PROJ_ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("not a git checkout")
    out, _ = default_run
    assert r.stdout == (out / "README.md").read_text(encoding="utf-8")


# ---- scale mode and CLI ---------------------------------------------------------------------------

def test_small_scale_run_is_proportional(tmp_path):
    s = sample.generate(tmp_path / "n2000", households=2000, seed=3)
    gt = s["ground_truth"]
    assert gt["rumah_tangga_bdt"] == 2000
    assert 0.5 < gt["rumah_tangga_desil_1_4"] / 2000 < 0.7
    assert 0.75 < gt["keluarga_kks"] / gt["keluarga_miskin"] < 0.88
    assert 3.5 < gt["jiwa_bdt"] / 2000 < 4.6
    assert 0.05 < gt["keluarga_bdt"] / 2000 - 1 < 0.15       # ~1 household in 10 has 2 keluarga
    ruta = pd.read_csv(tmp_path / "n2000" / layout.FILE_RUTA, sep=";", encoding="cp1252", dtype=str)
    assert len(ruta) == s["files"][layout.FILE_RUTA]


def test_kaltim_small(tmp_path):
    s = sample.generate(tmp_path / "kaltim", households=3000, kabkota="kaltim")
    kab = {r["kab_kota"][:4] for r in s["ground_truth"]["per_kelurahan"] if r["rumah_tangga_bdt"] > 0}
    assert {"6401", "6472", "6474"} <= kab
    ruta = pd.read_csv(tmp_path / "kaltim" / layout.FILE_RUTA, sep=";", encoding="cp1252", dtype=str)
    assert ruta.KDKAB.nunique() >= 10


def test_cli_if_absent(tmp_path, capsys):
    out = tmp_path / "cli"
    assert sample.main_sample_data(["--out", str(out), "--households", "300", "--seed", "5"]) == 0
    stamp = (out / layout.FILE_RUTA).stat().st_mtime_ns
    assert sample.main_sample_data(["--out", str(out), "--households", "300", "--seed", "5", "--if-absent"]) == 0
    assert (out / layout.FILE_RUTA).stat().st_mtime_ns == stamp
    assert "sudah ada" in capsys.readouterr().out
    assert not sample.is_present(out, 6, 300, "bontang")


def test_failure_leaves_no_partial_files(tmp_path, monkeypatch):
    out = tmp_path / "atomic"

    def boom(*a, **k):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(sample, "write_mpm", boom)
    with pytest.raises(RuntimeError):
        sample.generate(out, households=200)
    assert not out.exists() or not any(out.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".atomic.tmp")]
