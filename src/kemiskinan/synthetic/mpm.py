"""Round 1's MPM 2018 workbook: the kelurahan's update registrations (households already in BDT and new
ones) with their verification outcome, one sheet per kelurahan; three kelurahan have not reported yet."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from kemiskinan.synthetic.arrays import pick
from kemiskinan.synthetic.city import (FIRST_F, FIRST_M, LAST, MPM_NOT_REPORTING, MPM_SHEET_NAME, STREETS,
                                       idbdt_base)
from kemiskinan.synthetic.layout import FILE_MPM, MPM_COLUMNS, MPM_MAX_ROWS
from kemiskinan.synthetic.plan import G_4PLUS
from kemiskinan.synthetic.simulate import Sim
from kemiskinan.synthetic.text import fmt_date, person_names
from kemiskinan.synthetic.writers import keterangan_sheet, xlsx_bytes


def write_mpm(rng, sim: Sim, calibrated: bool, out_dir: Path) -> tuple[int, dict, dict, dict]:
    """Write the workbook; return (rows, rows per kelurahan, counts for the truth, dirt counts)."""
    reg = sim.reg
    bontang = reg.index[(reg.kind == 0) & reg.kode.str.startswith("64.74.")].to_numpy()
    reporting = [j for j in bontang if reg.kode[j] not in MPM_NOT_REPORTING]
    df = _verification(rng, _registrations(rng, sim, calibrated, bontang, reporting))
    workbook, per_kel, date_styles = _workbook(reg, bontang, df)
    (out_dir / FILE_MPM).write_bytes(workbook)
    registered = df.idbdt.to_numpy() != ""
    hasil = df.hasil.to_numpy()
    info = {"pendaftar": len(df), "sudah_terdaftar": int(registered.sum()),
            "belum_terdaftar": int((~registered).sum()),
            "hasil": {str(k): int((hasil == k).sum()) for k in range(1, 6)},
            "belum_diverifikasi": int((hasil == 0).sum()),
            "art_meninggal": int(df.mati.sum()), "art_pindah": int(df.pindah.sum()), "art_baru": int(df.baru.sum())}
    dirt = {"sheet_nama_varian": len([j for j in bontang if reg.kode[j] in MPM_SHEET_NAME]),
            "sheet_tanpa_data (belum melapor)": len(bontang) - len(reporting),
            "tanggal_sel_excel": date_styles[0], "tanggal_dd/mm/yyyy": date_styles[1],
            "tanggal_teks_bulan_panjang": date_styles[2], "tanggal_dd-Mmm-yyyy": date_styles[3],
            "nik_sel_angka_excel": int(df.nik_num.sum())}
    return len(df), per_kel, info, dirt


def _registrations(rng, sim: Sim, calibrated: bool, bontang: np.ndarray, reporting: list) -> pd.DataFrame:
    """Who registered: 60 % households already in BDT (poorer ones likelier), 40 % new ones."""
    reg, hh, p, kf = sim.reg, sim.hh, sim.p, sim.kf
    n_bdt_hh = int(np.isin(sim.plan.hh_region, bontang).sum())
    total = 600 if calibrated else int(min(MPM_MAX_ROWS, max(20, round(600 * n_bdt_hh / 8700))))
    n_reg = int(round(total * 0.6))
    n_new = total - n_reg
    region = sim.plan.hh_region
    cand = np.isin(region, reporting) & (hh["kind"] == 0) & (hh["grp"] <= G_4PLUS)
    w = np.where(hh["grp"] <= 3, 3.0, 1.0) * cand
    # Weighted sampling without replacement via keys u^(1/w) (Generator.choice with p is slow for a million).
    key = np.where(w > 0, rng.random(len(w)) ** (1.0 / np.maximum(w, 1e-12)), -1.0)
    picked = np.sort(np.argpartition(-key, n_reg)[:n_reg])
    rw = np.array([(region == j).sum() for j in reporting], dtype=float)
    new_region = np.array(reporting)[pick(rng, np.zeros(n_new, np.int8), rw)]
    rows = []
    base = idbdt_base(reg)
    krt_names = person_names(p, hh["first_person"][picked]).to_pylist() if n_reg else []
    for k, h in enumerate(picked):
        fp = hh["first_person"][h]
        rows.append(dict(region=int(region[h]), nik=int(p["nik"][fp]), kk=int(kf["kk"][kf["hh"].searchsorted(h)]),
                         nama=krt_names[k], street=int(hh["street"][h]), no=int(hh["no_rumah"][h]),
                         rt=int(sim.plan.hh_rt[h]), idbdt=str(int(base[region[h]]) + int(sim.plan.hh_seq[h])),
                         art=int(hh["size"][h])))
    for k, j in enumerate(new_region):
        f = rng.random() < 0.2
        y, m, d = 1950 + int(rng.integers(0, 50)), 1 + int(rng.integers(0, 12)), 1 + int(rng.integers(0, 28))
        pre = int(reg.nik_prefix[j])
        rows.append(dict(region=int(j), nik=int(f"{pre}{d + 40 * f:02d}{m:02d}{y % 100:02d}{9001 + k % 998:04d}"),
                         kk=int(f"{pre}{1 + k % 28:02d}{1 + int(rng.integers(0, 12)):02d}17{9001 + k % 998:04d}"),
                         nama=(FIRST_F if f else FIRST_M)[int(rng.integers(0, 50))] + " "
                         + LAST[int(rng.integers(4, len(LAST)))],
                         street=int(rng.integers(0, len(STREETS))), no=int(rng.integers(1, 120)),
                         rt=int(rng.integers(1, int(reg.n_rt[j]) + 1)), idbdt="", art=int(rng.integers(1, 8))))
    return pd.DataFrame(rows)


def _verification(rng, df: pd.DataFrame) -> pd.DataFrame:
    """Registration and verification dates, outcome, members died/moved/new, and how each cell is typed."""
    n = len(df)
    df["tgl_daftar"] = np.datetime64("2018-01-02") + (rng.random(n) * 119).astype("timedelta64[D]")
    hasil = pick(rng, np.zeros(n, np.int8), [.58, .06, .05, .04, .05, .22], [1, 2, 3, 4, 5, 0])
    df["hasil"] = hasil
    df["tgl_verif"] = np.minimum(df.tgl_daftar.to_numpy() + (3 + rng.random(n) * 35).astype("timedelta64[D]"),
                                 np.datetime64("2018-05-31"))
    registered = df.idbdt.to_numpy() != ""
    ok = (hasil == 1) & registered
    mati = np.where(ok, np.minimum(rng.poisson(0.08, n), df.art.to_numpy() - 1), 0)
    pindah = np.where(ok, np.minimum(rng.poisson(0.12, n), df.art.to_numpy() - 1 - mati), 0)
    baru = np.where(ok, rng.poisson(0.25, n), 0)
    df["mati"], df["pindah"], df["baru"] = mati, pindah, baru
    df["art_now"] = np.where(ok, df.art - mati - pindah + baru, df.art)
    df["fmt1"] = pick(rng, np.zeros(n, np.int8), [.35, .35, .2, .1])
    df["fmt2"] = pick(rng, np.zeros(n, np.int8), [.35, .35, .2, .1])
    df["nik_num"] = rng.random(n) < 0.15
    df["_o"] = rng.random(n)
    df = df.sort_values(["region", "tgl_daftar", "_o"], kind="stable").reset_index(drop=True)
    return df


def _workbook(reg: pd.DataFrame, bontang: np.ndarray, df: pd.DataFrame) -> tuple[bytes, dict, dict]:
    """One sheet per Bontang kelurahan (some under a variant name) + KETERANGAN; also rows per kelurahan and
    how many registration dates were written in each style."""
    wb = Workbook(write_only=True)
    per_kel = {}
    date_styles = {0: 0, 1: 0, 2: 0, 3: 0}
    for j in bontang:
        kode = reg.kode[j]
        ws = wb.create_sheet(MPM_SHEET_NAME.get(kode, reg.nmkel[j]))
        ws.append(MPM_COLUMNS)
        sub = df[df.region == j]
        per_kel[kode] = len(sub)
        for i, r in enumerate(sub.itertuples(index=False), start=1):
            date_styles[int(r.fmt1)] += 1
            verified = r.hasil > 0
            ws.append([i, fmt_date(np.datetime64(r.tgl_daftar, "D"), int(r.fmt1)),
                       r.nik if r.nik_num else str(r.nik), str(r.kk), r.nama,
                       f"JL. {STREETS[r.street]} NO. {r.no}", f"{r.rt:03d}" if i % 4 else str(r.rt),
                       r.idbdt or None, "Sudah terdaftar" if r.idbdt else "Belum terdaftar",
                       int(r.hasil) if verified else None,
                       fmt_date(np.datetime64(r.tgl_verif, "D"), int(r.fmt2)) if verified else None,
                       int(r.art_now), int(r.mati) if verified else None, int(r.pindah) if verified else None,
                       int(r.baru) if verified else None])
    keterangan_sheet(wb, ["Rekap MPM 2018 per kelurahan (pendaftaran dan hasil verifikasi) - SINTETIS.",
                          "Hasil Verifikasi: 1 Selesai diverivali, 2 Rumah tangga tidak ditemukan, "
                          "3 Pindah/bangunan tidak ada, 4 Bagian dari rumah tangga lain, 5 Data ganda; "
                          "kosong = belum diverifikasi.",
                          "Sheet tanpa baris data = kelurahan belum melapor."])
    return xlsx_bytes(wb), per_kel, date_styles
