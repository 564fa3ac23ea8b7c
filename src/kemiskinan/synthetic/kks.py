"""Round 1's KKS 2017 distribution list: one row per card, matched to BDT keluarga by No. KK or the pengurus'
NIK, plus cards of families not in BDT; written as a workbook (or `;` CSV at scale). The later rounds write
their year's list through the same row builder and workbook."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

from kemiskinan.synthetic.arrays import as_str, cumcount, join, mask_of, sample_idx, take_str, with_mask, ymd
from kemiskinan.synthetic.city import FIRST_F, FIRST_M, NAME_VARIANTS, STREETS, kec_name
from kemiskinan.synthetic.dirt import Dirt, scaled
from kemiskinan.synthetic.layout import (FILE_KKS_CSV, FILE_KKS_XLSX, KKS_COLUMNS, KKS_XLSX_MAX_ROWS, STATUS_KARTU,
                                         SYNTHETIC_MARK)
from kemiskinan.synthetic.simulate import Sim
from kemiskinan.synthetic.text import dmy, excel_sci, fmt_date, person_names
from kemiskinan.synthetic.writers import keterangan_sheet, with_duplicates, write_csv_chunks, xlsx_bytes


def kks_rows(rng, sim: Sim, calibrated: bool, dirt: Dirt) -> pd.DataFrame:
    """One row per keluarga with a card record, plus cards that match no BDT keluarga, in list order, with
    the forms each cell will be written in (the dirt); its counts go to dirt.counts[FILE_KKS_XLSX]."""
    kf, p, hh, reg = sim.kf, sim.p, sim.hh, sim.reg
    fams = np.flatnonzero(kf["status"] > 0)
    n_nobdt = scaled(120, calibrated, len(fams), per=5000, minimum=2)
    peng = kf["pengurus"][fams]
    hh_of = kf["hh"][fams]
    region = sim.plan.hh_region[hh_of]
    nb_region, nb_nik, nb_kk, nb_names = _cards_not_in_bdt(rng, reg, n_nobdt)
    names = person_names(p, peng).to_pylist() + nb_names
    df = pd.DataFrame({
        "fam": np.concatenate([fams, np.full(n_nobdt, -1)]),
        "region": np.concatenate([region, nb_region]),
        "nik": np.concatenate([p["nik"][peng], nb_nik]),
        "kk": np.concatenate([kf["kk"][fams], nb_kk]),
        "nama": names,
        "status": np.concatenate([kf["status"][fams], np.ones(n_nobdt, np.int8)]),
        "street": np.concatenate([hh["street"][hh_of], (rng.random(n_nobdt) * len(STREETS)).astype(np.int64)]),
        "no_rumah": np.concatenate([hh["no_rumah"][hh_of], 1 + (rng.random(n_nobdt) * 120).astype(np.int64)]),
        "rt": np.concatenate([sim.plan.hh_rt[hh_of], 1 + (rng.random(n_nobdt) * 30).astype(np.int64)]),
    })
    df["kode"] = reg.kode.to_numpy()[df.region]
    # List order: by kecamatan, kelurahan, then the order the cards were entered (random).
    df["_o"] = rng.random(len(df))
    df = df.sort_values(["kode", "_o"], kind="stable").reset_index(drop=True)
    n = len(df)
    d0 = np.datetime64("2017-03-01")
    df["tanggal"] = np.where(df.status == 2, np.datetime64("NaT"), d0 + (rng.random(n) * 270).astype("timedelta64[D]"))
    df, counts = _dirty_forms(rng, df, calibrated, n_nobdt)
    dirt.counts[FILE_KKS_XLSX] = counts
    return df


def _cards_not_in_bdt(rng, reg: pd.DataFrame, n_nobdt: int):
    """Cards of families not in BDT: fresh identities (serials 9001+ never occur in the BDT files)."""
    real = reg.index[reg.kind == 0].to_numpy()
    nb_region = rng.choice(real, size=n_nobdt, p=reg.loc[real, "weight"].to_numpy() / reg.loc[real, "weight"].sum())
    nb_prefix = reg.nik_prefix.to_numpy()[nb_region]
    nb_birth = np.datetime64("1950-01-01") + (rng.random(n_nobdt) * 18000).astype("timedelta64[D]")
    nb_y, nb_m, nb_d = ymd(nb_birth)
    nb_female = rng.random(n_nobdt) < 0.8
    nb_base = nb_prefix * 1_000_000 + (nb_d + 40 * nb_female) * 10_000 + nb_m * 100 + nb_y % 100
    nb_nik = nb_base * 10_000 + 9001 + cumcount(nb_base)
    # No. KK issued in 2016 with serial 9001+: BDT keluarga have serials 5001-8999, so never equal.
    nb_kk_base = (nb_prefix * 1_000_000 + (1 + (rng.random(n_nobdt) * 28).astype(np.int64)) * 10_000
                  + 100 * (1 + (rng.random(n_nobdt) * 12).astype(np.int64)) + 16)
    nb_kk = nb_kk_base * 10_000 + 9001 + cumcount(nb_kk_base)
    fn = np.where(nb_female, (rng.random(n_nobdt) * len(FIRST_F)).astype(np.int64),
                  (rng.random(n_nobdt) * len(FIRST_M)).astype(np.int64))
    nb_names = [(FIRST_F if f else FIRST_M)[i] for f, i in zip(nb_female, fn)]
    return nb_region, nb_nik, nb_kk, nb_names


def _dirty_forms(rng, df: pd.DataFrame, calibrated: bool, n_nobdt: int) -> tuple[pd.DataFrame, dict]:
    """Damaged IDs never both on one row, and never on a row whose other ID is also unusable; spelling,
    case, NBSP and space dirt on the kelurahan and the name; exact duplicates right after their row."""
    n = len(df)
    tersalur_bdt = (df.status == 1).to_numpy() & (df.fam >= 0).to_numpy()
    used = np.zeros(n, bool)
    kk_sci = sample_idx(rng, tersalur_bdt, scaled(70, calibrated, n, per=5000))
    used[kk_sci] = True
    nik_sci = sample_idx(rng, tersalur_bdt, scaled(60, calibrated, n, per=5000), used)
    used[nik_sci] = True
    nik_zwsp = sample_idx(rng, np.ones(n, bool), scaled(10, calibrated, n, per=5000), used)
    nik_num = rng.random(n) < 0.22
    kk_num = rng.random(n) < 0.22
    nik_num[nik_sci] = False
    nik_num[nik_zwsp] = False
    kk_num[kk_sci] = False
    df["nik_form"] = np.where(nik_num, "num", "text")
    df.loc[nik_sci, "nik_form"] = "sci"
    df.loc[nik_zwsp, "nik_form"] = "zwsp"
    df["kk_form"] = np.where(kk_num, "num", "text")
    df.loc[kk_sci, "kk_form"] = "sci"
    has_var = df.kode.isin(list(NAME_VARIANTS)).to_numpy()
    kel_var = sample_idx(rng, has_var, scaled(260, calibrated, n, per=5000))
    kel_upper = sample_idx(rng, np.ones(n, bool), scaled(900, calibrated, n, per=5000), mask_of(n, kel_var))
    kel_nbsp = sample_idx(rng, np.ones(n, bool), scaled(15, calibrated, n, per=5000))
    nama_spasi = sample_idx(rng, np.ones(n, bool), scaled(90, calibrated, n, per=5000))
    df["kel_style"] = "canon"
    df.loc[kel_upper, "kel_style"] = "upper"
    df.loc[kel_var, "kel_style"] = "varian"
    df["kel_nbsp"] = mask_of(n, kel_nbsp)
    df["nama_spasi"] = mask_of(n, nama_spasi)
    dup = sample_idx(rng, tersalur_bdt, scaled(15, calibrated, n, per=5000, minimum=2))
    df["No"] = np.arange(1, n + 1)
    df = df.iloc[with_duplicates(n, dup)].reset_index(drop=True)
    counts = {
        "baris_duplikat_persis": len(dup), "kartu_tidak_ada_di_bdt": int(n_nobdt),
        "no_kk_rusak_excel_sci (NIK pengurus tetap valid)": len(kk_sci),
        "nik_rusak_excel_sci (No. KK tetap valid)": len(nik_sci), "nik_dengan_zwsp": len(nik_zwsp),
        "nik_sel_angka_excel": int(nik_num.sum()), "no_kk_sel_angka_excel": int(kk_num.sum()),
        "kelurahan_varian_ejaan": len(kel_var), "kelurahan_huruf_besar": len(kel_upper),
        "kelurahan_nbsp": len(kel_nbsp), "nama_spasi_berlebih": len(nama_spasi),
    }
    return df, counts


def kks_cells(reg: pd.DataFrame, df: pd.DataFrame) -> list[list]:
    """The list's rows as workbook cells: numbers where an ID was typed as a number, dates as Excel dates."""
    kec_of = {r.kode: kec_name(r) for r in reg.itertuples() if r.kind == 0}
    kel_name = dict(zip(reg.kode, reg.nmkel))
    out = []
    for r in df.itertuples(index=False):
        nik = str(r.nik)
        if r.nik_form == "num":
            nik = int(r.nik)
        elif r.nik_form == "sci":
            nik = f"{nik[0]}.{nik[1:6]}E+15"
        elif r.nik_form == "zwsp":
            nik = nik + "\u200b"
        kk = str(r.kk)
        if r.kk_form == "num":
            kk = int(r.kk)
        elif r.kk_form == "sci":
            kk = f"{kk[0]}.{kk[1:6]}E+15"
        kel = kel_name[r.kode]
        if r.kel_style == "upper":
            kel = kel.upper()
        elif r.kel_style == "varian":
            kel = NAME_VARIANTS[r.kode][r.No % 2]
        if r.kel_nbsp:
            kel = kel + "\u00a0"
        nama = r.nama.title() + ("  " if r.nama_spasi else "")
        tgl = None if pd.isna(r.tanggal) else fmt_date(np.datetime64(r.tanggal, "D"), 0 if r.No % 5 else 1)
        out.append([int(r.No), nik, nama, kk, f"JL. {STREETS[r.street]} NO. {r.no_rumah} RT {r.rt:03d}",
                    kec_of[r.kode], kel, STATUS_KARTU[r.status], tgl])
    return out


def write_kks(path_dir: Path, sim: Sim, df: pd.DataFrame, seed: int) -> str:
    """The 2017 list as a workbook, or as `;` CSV above KKS_XLSX_MAX_ROWS rows; returns the file's name."""
    if len(df) > KKS_XLSX_MAX_ROWS:
        table = _csv_table(sim.reg, df)
        write_csv_chunks(path_dir / FILE_KKS_CSV, lambda a, b: table.slice(a, b - a), len(df),
                         delimiter=";", eol="\r\n", bom=True)
        return FILE_KKS_CSV
    (path_dir / FILE_KKS_XLSX).write_bytes(kks_workbook(sim.reg, df, 2017, "kemiskinan.synthetic.sample", seed))
    return FILE_KKS_XLSX


def kks_workbook(reg: pd.DataFrame, df: pd.DataFrame, year: int, module: str, seed: int) -> bytes:
    """The KKS distribution list of `year` in the 2017 layout: title rows, header on row 3, KETERANGAN sheet."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DAFTAR KKS")
    ws.append([f"DAFTAR DISTRIBUSI KARTU KELUARGA SEJAHTERA (KKS) TAHUN {year} - KOTA BONTANG"])
    ws.append([f"{SYNTHETIC_MARK} (contoh buatan {module}, seed {seed})"])
    ws.append(KKS_COLUMNS)
    for row in kks_cells(reg, df):
        ws.append(row)
    keterangan_sheet(wb, ["Daftar distribusi KKS ini dibuat oleh generator sintetis proyek kemiskinan.",
                          "Tidak berisi data pribadi nyata. Semua NIK, No. KK, nama dan alamat adalah rekaan."])
    return xlsx_bytes(wb)


def _csv_table(reg: pd.DataFrame, df: pd.DataFrame) -> pa.Table:
    """At scale: `;` CSV, UTF-8 with BOM, CRLF, header on line 1. A CSV has no numeric cells, so the
    "Excel number" forms become plain text; the damaged `6.47402E+15` forms are kept."""
    kel = df.kode.map(dict(zip(reg.kode, reg.nmkel)))
    kel = kel.where(df.kel_style != "upper", kel.str.upper())
    var = df.kel_style == "varian"
    kel[var] = [NAME_VARIANTS[k][no % 2] for k, no in zip(df.kode[var], df.No[var])]
    kel = kel.where(~df.kel_nbsp, kel + "\u00a0")
    nik = with_mask(as_str(df.nik.to_numpy()), np.flatnonzero((df.nik_form == "sci").to_numpy()), excel_sci)
    nik = with_mask(nik, np.flatnonzero((df.nik_form == "zwsp").to_numpy()), lambda x: join(x, "\u200b"))
    kk = with_mask(as_str(df.kk.to_numpy()), np.flatnonzero((df.kk_form == "sci").to_numpy()), excel_sci)
    nama = pc.utf8_title(pa.array(df.nama, pa.string()))
    nama = with_mask(nama, np.flatnonzero(df.nama_spasi.to_numpy()), lambda x: join(x, "  "))
    tg = df.tanggal.to_numpy().astype("datetime64[D]")
    tg_ok = ~np.isnat(tg)
    tanggal = dmy(*ymd(np.where(tg_ok, tg, np.datetime64("2017-01-01"))))
    tanggal = pc.if_else(pa.array(tg_ok), tanggal, pa.scalar(None, pa.string()))
    return pa.table({
        "No": pa.array(df.No.to_numpy()), "NIK Pengurus": nik, "Nama Pengurus": nama, "No. KK": kk,
        "Alamat": join("JL. ", take_str(STREETS, df.street.to_numpy()), " NO. ", as_str(df.no_rumah.to_numpy()),
                       " RT ", pc.utf8_lpad(as_str(df.rt.to_numpy()), width=3, padding="0")),
        "Kecamatan": pa.array(df.kode.map({r.kode: kec_name(r) for r in reg.itertuples()})),
        "Kelurahan": pa.array(kel, pa.string()),
        "Status Kartu": take_str(STATUS_KARTU, df.status.to_numpy()),
        "Tanggal Distribusi": tanggal,
        "KETERANGAN": pa.array([SYNTHETIC_MARK] * len(df)),
    })
