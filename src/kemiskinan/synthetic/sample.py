"""Deterministic synthetic sample census for Kota Bontang (docs/contracts.md §1).

Writes the five raw files an analyst at Bapelitbang/Dinsos Bontang would receive in 2018 — the PBDT 2015
household (rumah tangga) and member (ART) files, the 2017 KKS distribution list, the MPM 2018 workbook and
the kelurahan population denominators — plus a generated README.md that lists seed, counts and every kind
of dirt injected.

Design, and why:

* One vectorised simulation serves both modes. ``households=None`` builds a *plan* with exact per-kelurahan
  counts (contracts §1.7: 5,527 keluarga in desil 1–4, 4,429 holding KKS); ``households=N`` draws the same
  plan shape at random. Everything after the plan (members, housing, dirt, files) is the same code, so
  the scale test exercises what the calibrated sample exercises.
* No Python loop per household or per person: numpy for numbers, pyarrow.compute for strings, files
  written in chunks. The xlsx workbooks are the only row-by-row writers and they are capped in size.
* Dirt is only ever *repairable* (variants, case, spaces, NBSP/ZWSP, Excel numbers, ``.0``) on the rows
  that carry the calibration, or *extra* rows (exact duplicates, other kab/kota, unknown kelurahan,
  orphans). Damaging dirt (NIK as ``6.47402E+15``, invalid dates, empty NIK) only touches members that
  are neither a keluarga head nor a KKS pengurus, so no calibrated keluarga can be lost by it.
* Determinism: only ``numpy.random.default_rng(seed)``; xlsx files are re-zipped with fixed timestamps
  and fixed document properties, so the same seed gives byte-identical files.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kemiskinan import config

# --------------------------------------------------------------------------------------------------

from kemiskinan.domain import wilayah
# Constants
# --------------------------------------------------------------------------------------------------

SYNTHETIC_MARK = "DATA SINTETIS - BUKAN DATA ASLI"
GENERATOR_VERSION = 1

FILE_RT = "SINTETIS_BDT2015_RT_6474.csv"
FILE_ART = "SINTETIS_BDT2015_ART_6474.csv"
FILE_KKS_XLSX = "SINTETIS_KKS_Distribusi_2017.xlsx"
FILE_KKS_CSV = "SINTETIS_KKS_Distribusi_2017.csv"
FILE_MPM = "SINTETIS_MPM_2018.xlsx"
FILE_PENDUDUK = "SINTETIS_Penduduk_Kelurahan_2017.csv"
FILE_README = "README.md"
# openpyxl writes only ~2k rows/s, so big xlsx files would dominate the run time: above this the KKS list is
# written as `;` CSV (the brief allowed 200k; 20k keeps any size fast: openpyxl is the bottleneck).
KKS_XLSX_MAX_ROWS = 20_000
MPM_MAX_ROWS = 2_000            # the MPM workbook is capped for the same reason (600 rows when calibrated)

# Calibration (contracts §1.7). Target keluarga per kelurahan (sum 5,527): Lok Tuan largest, then Berbas
# Tengah, then Tanjung Laut (docs/domain.md §5.5). KKS coverage per kelurahan varies so the priority quadrant
# has something to show; the holders are then allocated to sum exactly 4,429.
CALIB_KELUARGA_MISKIN = 5527
CALIB_KELUARGA_KKS = 4429
_CALIB = {  # kode Kemendagri: (keluarga desil 1-4, KKS coverage weight, population 2017, number of RT)
    "64.74.01.1001": (330, 0.84, 11800, 33),   # Bontang Kuala
    "64.74.01.1002": (260, 0.82, 12600, 35),   # Bontang Baru
    "64.74.01.1003": (980, 0.76, 19900, 45),   # Lok Tuan
    "64.74.01.1004": (420, 0.79, 11500, 33),   # Guntung
    "64.74.01.1005": (300, 0.83, 12300, 34),   # Gunung Elai
    "64.74.01.1006": (280, 0.81, 10400, 30),   # Api-Api
    "64.74.02.1001": (560, 0.78, 13900, 38),   # Tanjung Laut
    "64.74.02.1002": (640, 0.77, 14300, 40),   # Berbas Tengah
    "64.74.02.1003": (380, 0.84, 8600, 26),    # Berbas Pantai
    "64.74.02.1004": (230, 0.86, 6900, 21),    # Satimpo
    "64.74.02.1005": (350, 0.74, 8900, 27),    # Bontang Lestari
    "64.74.02.1006": (300, 0.83, 11400, 32),   # Tanjung Laut Indah
    "64.74.03.1001": (200, 0.85, 12400, 36),   # Belimbing
    "64.74.03.1002": (170, 0.80, 10100, 30),   # Gunung Telihan
    "64.74.03.1003": (127, 0.88, 5611, 19),    # Kanaan
}
# Household share per kelurahan for `households=N`: flatter than the poverty split so that 1M households
# still fit the 5-digit IDBDT sequence (<= 99,999 per kelurahan); order Lok Tuan > Berbas Tengah > Tj Laut.
_SCALE_WEIGHT = {
    "64.74.01.1001": 0.062, "64.74.01.1002": 0.058, "64.74.01.1003": 0.093, "64.74.01.1004": 0.066,
    "64.74.01.1005": 0.060, "64.74.01.1006": 0.058, "64.74.02.1001": 0.077, "64.74.02.1002": 0.083,
    "64.74.02.1003": 0.064, "64.74.02.1004": 0.050, "64.74.02.1005": 0.062, "64.74.02.1006": 0.060,
    "64.74.03.1001": 0.060, "64.74.03.1002": 0.055, "64.74.03.1003": 0.040,
}
_COASTAL = {"64.74.01.1001", "64.74.01.1003", "64.74.01.1004", "64.74.02.1001", "64.74.02.1003",
            "64.74.02.1006"}  # stilt-house / fishing kelurahan: more perikanan tangkap, more perahu
_MPM_NOT_REPORTING = {"64.74.01.1002", "64.74.02.1004", "64.74.03.1003"}  # header-only sheets
# Spellings injected as dirt (docs/domain.md §5.2); all are resolvable through wilayah.by_name.
_NAME_VARIANTS = {
    "64.74.01.1003": ("Loktuan", "LOKTUAN"),
    "64.74.01.1006": ("Api-api", "Api-api"),
    "64.74.02.1002": ("Berebas Tengah", "BEREBAS TENGAH"),
    "64.74.02.1006": ("Tj. Laut Indah", "Tj. Laut Indah"),
    "64.74.03.1002": ("Telihan", "Telihan"),
}
_MPM_SHEET_NAME = {"64.74.01.1003": "LOKTUAN", "64.74.01.1006": "Api-api",
                   "64.74.02.1002": "Berebas Tengah", "64.74.02.1006": "Tj. Laut Indah"}

# Kalimantan Timur kab/kota (BPS codes) for kabkota="kaltim"; household shares are rough 2015 sizes.
_KALTIM = [("01", "PASER", 0.07), ("02", "KUTAI BARAT", 0.04), ("03", "KUTAI KARTANEGARA", 0.20),
           ("04", "KUTAI TIMUR", 0.09), ("05", "BERAU", 0.06), ("09", "PENAJAM PASER UTARA", 0.04),
           ("11", "MAHAKAM ULU", 0.01), ("71", "BALIKPAPAN", 0.18), ("72", "SAMARINDA", 0.24),
           ("74", "BONTANG", 0.07)]
_SYN_KEC_PER_KAB, _SYN_KEL_PER_KEC = 5, 6

# Groups: 0..3 = desil 1..4, 4 = "4+" (percentile > 40), 5 = non-desil (neither value).
G_4PLUS, G_NON = 4, 5
_TARGET_DESIL_P = [0.09, 0.24, 0.32, 0.35]           # Bontang is rich: few desil 1 (docs/domain.md §2.6)
_SCALE_GROUP_P = [0.055, 0.14, 0.19, 0.21, 0.35, 0.055]
_HOLD_P = [0.90, 0.85, 0.80, 0.76, 0.07, 0.03]          # KKS TERSALUR probability by group (scale mode)

ENUM_DATE = np.datetime64("2015-07-01")                 # PBDT 2015 enumeration (Jun-Jul 2015)
_EPOCH_XLSX_FIXED = (2018, 6, 1, 0, 0, 0)
_FIXED_PROPS_TIME = dt.datetime(2018, 6, 1, 0, 0, 0)

_BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]
_BULAN3 = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]

# Names: a mix common in Bontang (Bugis, Banjar, Javanese, Kutai). A few carry "’" or "é" on purpose:
# the household CSV is cp1252 and those characters must survive it (both exist in cp1252).
_FIRST_M = ["MUHAMMAD", "ANDI", "ABDUL", "RAHMAT", "HASANUDDIN", "SUPRIADI", "SYAMSUL", "IRWAN", "BUDI",
            "AGUS", "BAHARUDDIN", "JUMADI", "HERMAN", "ARIFIN", "MUSLIMIN", "RUSLAN", "SUDIRMAN", "SAPARUDDIN",
            "HAMZAH", "RIDWAN", "JUFRI", "ILHAM", "SAHRUL", "DARMAWAN", "FIRMAN", "HENDRA", "YUSUF", "MUHTAR",
            "SLAMET", "SUGIANTO", "WAHYU", "RUDI", "AMIRUDDIN", "SYAFI’I", "MA’RUF", "NU’MAN", "ANDRÉ",
            "FADLI", "RIZKY", "AKBAR", "ASRUL", "ARMAN", "BASO", "LA ODE", "KAHAR", "JAMALUDDIN", "MUKHLIS",
            "SAIFUL", "TAUFIK", "ZAINAL"]
_FIRST_F = ["SITI", "NUR", "HASNAWATI", "SRI", "RAHMAWATI", "HJ. SAMSIAH", "ASMAWATI", "KARTINI",
            "MARLINA", "NURHAYATI", "SUKMAWATI", "JUMRIAH", "HARIANI", "ERNAWATI", "FITRIANI", "MULIANA",
            "SUWARNI", "RATNA", "HASMAH", "NURLELA", "SAMSINAR", "ROSMINI", "DEWI", "YULIANI", "WAHYUNI",
            "SUMIATI", "HALIMAH", "MASITAH", "ANDI ST.", "NURJANNAH", "AISYAH", "FATIMAH", "JUM’AH", "DÉSY",
            "RISKA", "PUTRI", "INDAH", "ANISA", "SALMAH", "MURNI", "RUKIAH", "ST. AMINAH", "NORMA",
            "HERLINA", "SURIANI", "HADIJAH", "ROSDIANA", "MARDIANA", "NURMALA", "HASNIAR"]
_LAST = ["", "", "", "", "SAPUTRA", "RAHMAN", "HASAN", "SYAHRIR", "DAENG", "BAKRI", "LATIF", "MUIN",
         "AMIR", "SALEH", "HAMID", "NURDIN", "SAID", "ARSYAD", "KADIR", "MAKMUR", "ALI", "TAHIR", "YUNUS",
         "SURYANI", "LESTARI", "WATI", "NINGSIH", "WIJAYA", "SUSANTO", "PRATAMA", "HIDAYAT", "SETIAWAN",
         "BASRI", "JUMAIN", "IDRIS", "MANSYUR", "MUSTAFA", "RASYID", "HAMZAH", "ISMAIL"]
_STREETS = ["BRIGJEND KATAMSO", "AHMAD YANI", "MT HARYONO", "KS TUBUN", "CUT NYAK DIEN", "AWANG LONG",
            "PELABUHAN", "SULTAN HASANUDDIN", "IMAM BONJOL", "IR. JUANDA", "PATTIMURA", "BHAYANGKARA",
            "PUPUK RAYA", "ARIEF RAHMAN HAKIM", "USMAN HARUN", "GAJAH MADA", "DR. SUTOMO", "MULAWARMAN",
            "SELAMBAI", "KAPAL LAUT", "HASANUDDIN", "SUNAN GIRI", "PIERE TENDEAN", "DI PANJAITAN",
            "SETIA BUDI", "MERDEKA", "LOKTUAN RAYA", "KUTILANG", "CENDANA", "TELUK KADERE"]
_TMP_BONTANG = "BONTANG"
_TMP_OTHER = ["SAMARINDA", "BALIKPAPAN", "TENGGARONG", "SANGATTA", "MAKASSAR", "BONE", "WAJO", "SOPPENG",
              "PARE-PARE", "SINJAI", "PINRANG", "POLEWALI", "MAMUJU", "BANJARMASIN", "AMUNTAI", "SURABAYA",
              "MALANG", "JEMBER", "KEDIRI", "LAMONGAN", "BAU-BAU", "BUTON", "PALU", "KENDARI", "LOMBOK TIMUR"]
# NIK prefixes of migrants (valid Kemendagri codes of other provinces, docs/domain.md §2.8 item 2).
_MIGRANT_PREFIX = [737101, 731103, 731301, 737201, 357801, 350901, 352401, 730601, 740101, 530101,
                   630101, 720101, 520301]

# --------------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------------

def _bontang_regions() -> pd.DataFrame:
    kel = wilayah.kelurahan()
    rows = []
    for w in kel:
        kec = wilayah.get(w.induk)
        calib = _CALIB[w.kode]
        rows.append(dict(
            kdprop="64", kdkab="74", kdkec=w.kode_bps[4:7], kddesa=w.kode_bps[7:10],
            nmprop="KALIMANTAN TIMUR", nmkab="BONTANG", nmkec=kec.nama, nmkel=w.nama, kode=w.kode,
            nik_prefix=int("6474" + w.kode.split(".")[2]), kind=0, k_target=calib[0], kks_w=calib[1],
            penduduk=calib[2], n_rt=calib[3], coastal=w.kode in _COASTAL, seq_offset=0,
            weight=_SCALE_WEIGHT[w.kode], kab_label="6474 BONTANG"))
    return pd.DataFrame(rows)


def _special_regions(kabkota: str, bontang: pd.DataFrame) -> pd.DataFrame:
    """Pseudo-regions for the rows that cleaning must reject (kind 1 outside, 2 unknown kel, 3 orphans)."""
    lok = bontang.loc[bontang.kode == "64.74.01.1003"].iloc[0]
    if kabkota == "kaltim":   # outside the province when the whole province is in the file
        outside = dict(kdprop="63", kdkab="01", kdkec="010", kddesa="001", nmprop="KALIMANTAN SELATAN",
                       nmkab="TANAH LAUT", nmkec="PANYIPATAN", nmkel="BATAKAN", kode="63.01.01.1001",
                       nik_prefix=630101)
    else:                      # the neighbouring kabupaten (Kutai Timur) when only Bontang is expected
        outside = dict(kdprop="64", kdkab="04", kdkec="100", kddesa="001", nmprop="KALIMANTAN TIMUR",
                       nmkab="KUTAI TIMUR", nmkec="SANGATTA UTARA", nmkel="SINGA GEWEH", kode="64.04.10.1001",
                       nik_prefix=640810)
    unknown = dict(kdprop="64", kdkab="74", kdkec="020", kddesa="007", nmprop="KALIMANTAN TIMUR",
                   nmkab="BONTANG", nmkec="Bontang Utara", nmkel="Sidrap", kode="-", nik_prefix=647401)
    orphan = {c: lok[c] for c in ("kdprop", "kdkab", "kdkec", "kddesa", "nmprop", "nmkab", "nmkec",
                                  "nmkel", "kode", "nik_prefix")}
    common = dict(k_target=0, kks_w=0.0, penduduk=0, n_rt=20, coastal=False, weight=0.0, kab_label="-")
    rows = [dict(outside, kind=1, seq_offset=0, **common), dict(unknown, kind=2, seq_offset=0, **common),
            dict(orphan, kind=3, seq_offset=99000, **common)]
    return pd.DataFrame(rows)


def _kaltim_regions(bontang: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for kab, name, share in _KALTIM:
        if kab == "74":
            b = bontang.copy()
            b["weight"] = b["weight"] * share
            rows.extend(b.to_dict("records"))
            continue
        n = 0
        for k in range(1, _SYN_KEC_PER_KAB + 1):
            for d in range(1, _SYN_KEL_PER_KEC + 1):
                n += 1
                rows.append(dict(
                    kdprop="64", kdkab=kab, kdkec=f"{k:02d}0", kddesa=f"{d:03d}", nmprop="KALIMANTAN TIMUR",
                    nmkab=name, nmkec=f"Kecamatan Sintetis {k:02d}", nmkel=f"Kelurahan Sintetis {n:02d}",
                    kode=f"64.{kab}.{k:02d}.1{d:03d}", nik_prefix=int(f"64{kab}{k:02d}"), kind=0,
                    k_target=0, kks_w=0.0, penduduk=0, n_rt=30, coastal=False, seq_offset=0,
                    weight=share / (_SYN_KEC_PER_KAB * _SYN_KEL_PER_KEC), kab_label=f"64{kab} {name}"))
    return pd.DataFrame(rows)


def _regions(kabkota: str) -> pd.DataFrame:
    bontang = _bontang_regions()
    if kabkota == "bontang":
        base = bontang
    elif kabkota == "kaltim":
        base = _kaltim_regions(bontang)
    else:
        raise ValueError(f"kabkota harus 'bontang' atau 'kaltim', bukan {kabkota!r}")
    reg = pd.concat([base, _special_regions(kabkota, bontang)], ignore_index=True)
    reg["weight"] = reg["weight"] / reg["weight"].sum()
    return reg


# --------------------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------------------

def _pick(rng, group, probs, codes=None) -> np.ndarray:
    """Row i draws a category from probs[group[i]] — inverse CDF, one searchsorted for all groups.

    The per-group CDFs are laid end to end as g + cdf_g (non-decreasing), so `group + u` finds its
    category inside its own group's block without any loop over groups or rows.
    """
    probs = np.asarray(probs, dtype=float)
    n = len(group)
    if probs.ndim == 1:
        probs = probs[None, :]
    k = probs.shape[1]
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    u = rng.random(n)
    if len(probs) == 1:
        out = np.searchsorted(cum[0], u, side="right")
    else:
        g = np.asarray(group, dtype=np.int64)
        flat = (np.arange(len(probs))[:, None] + cum).ravel()
        out = np.searchsorted(flat, g + u, side="right") - g * k
    out = np.minimum(out, k - 1).astype(np.int16)
    return np.asarray(codes)[out] if codes is not None else out


def _yes(rng, group, p_by_group) -> np.ndarray:
    return rng.random(len(group)) < np.asarray(p_by_group)[group]


def _cumcount(key: np.ndarray) -> np.ndarray:
    """Rank of each element among equal keys, in original order (pandas cumcount without pandas)."""
    order = np.argsort(key, kind="stable")
    ks = key[order]
    start = np.ones(len(ks), dtype=bool)
    start[1:] = ks[1:] != ks[:-1]
    idx = np.arange(len(ks))
    first = np.maximum.accumulate(np.where(start, idx, 0))
    out = np.empty(len(ks), dtype=np.int64)
    out[order] = idx - first
    return out


def _largest_remainder(total: int, weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = total - base.sum()
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _starts(counts: np.ndarray) -> np.ndarray:
    s = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=s[1:])
    return s


def _s(values) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _take(strings, idx) -> pa.Array:
    return pa.array(strings, type=pa.string()).take(pa.array(idx))


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _nullable(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(values, mask=~valid)


def _sample_idx(rng, mask: np.ndarray, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    cand = np.flatnonzero(mask if exclude is None else (mask & ~exclude))
    n = min(n, len(cand))
    return np.sort(rng.choice(cand, size=n, replace=False)) if n else np.zeros(0, dtype=np.int64)


def _with_mask(arr: pa.Array, idx: np.ndarray, fn) -> pa.Array:
    """Replace arr[idx] by fn(arr[idx]) — the dirt helper: only the few chosen rows are recomputed."""
    if len(idx) == 0:
        return arr
    mask = np.zeros(len(arr), dtype=bool)
    mask[idx] = True
    return pc.replace_with_mask(arr, pa.array(mask), fn(arr.take(pa.array(idx))))


# --------------------------------------------------------------------------------------------------
# The plan: which household is where, in which desil group, with how many keluarga, who holds KKS
# --------------------------------------------------------------------------------------------------

@dataclass
class Plan:
    hh_region: np.ndarray
    hh_grp: np.ndarray
    hh_nkel: np.ndarray
    hh_rt: np.ndarray = None
    hh_seq: np.ndarray = None
    hh_nurt: np.ndarray = None
    kf_hh: np.ndarray = None
    kf_nuk: np.ndarray = None
    kf_status: np.ndarray = None    # 0 none, 1 TERSALUR, 2 BELUM TERSALUR, 3 DIKEMBALIKAN
    counts: dict = field(default_factory=dict)


def _special_counts(n_real: int, calibrated: bool) -> tuple[int, int, int]:
    if calibrated:
        return 12, 8, 3
    return max(3, round(n_real * 0.0015)), max(2, round(n_real * 0.001)), max(2, round(n_real * 0.0004))


def _calibrated_households(rng, reg: pd.DataFrame):
    """Exact per-kelurahan counts: target keluarga K_j split into 1- and 2-keluarga households."""
    region, grp, nkel = [], [], []
    for j, r in reg.loc[reg.kind == 0].iterrows():          # 15 kelurahan, not households
        k = int(r.k_target)
        n2 = int(round(k * 0.1 / 1.1))
        n1 = k - 2 * n2
        t = n1 + n2
        region += [j] * t
        nkel += [1] * n1 + [2] * n2
        grp += list(_pick(rng, np.zeros(t, np.int8), _TARGET_DESIL_P))
        e = int(round(t * 0.55))           # desil 4+ households
        nd = max(3, int(round(t * 0.07)))  # non-desil households
        region += [j] * (e + nd)
        grp += [G_4PLUS] * e + [G_NON] * nd
        nkel += list(np.where(rng.random(e + nd) < 0.09, 2, 1))
    return np.array(region), np.array(grp, dtype=np.int8), np.array(nkel, dtype=np.int8)


def _scale_households(rng, reg: pd.DataFrame, n: int):
    real = reg.index[reg.kind == 0].to_numpy()
    w = reg.loc[real, "weight"].to_numpy()
    region = np.repeat(real, rng.multinomial(n, w / w.sum()))
    grp = _pick(rng, np.zeros(n, np.int8), _SCALE_GROUP_P).astype(np.int8)
    nkel = np.where(rng.random(n) < 0.10, 2, 1).astype(np.int8)
    return region, grp, nkel


def _make_plan(rng, reg: pd.DataFrame, households: int | None) -> Plan:
    calibrated = households is None
    region, grp, nkel = (_calibrated_households(rng, reg) if calibrated
                         else _scale_households(rng, reg, households))
    n_out, n_unk, n_orph = _special_counts(len(region), calibrated)
    for kind, n in ((1, n_out), (2, n_unk), (3, n_orph)):
        j = int(reg.index[reg.kind == kind][0])
        region = np.concatenate([region, np.full(n, j)])
        grp = np.concatenate([grp, _pick(rng, np.zeros(n, np.int8), _SCALE_GROUP_P).astype(np.int8)])
        nkel = np.concatenate([nkel, np.ones(n, np.int8)])
    n = len(region)
    rt = (rng.random(n) * reg.n_rt.to_numpy()[region]).astype(np.int16) + 1
    # Enumeration order: by kelurahan, then RT, then a random order within the RT.
    order = np.lexsort((rng.random(n), rt, region))
    region, grp, nkel, rt = region[order].astype(np.int32), grp[order], nkel[order], rt[order]
    seq = _cumcount(region) + 1 + reg.seq_offset.to_numpy()[region]
    if (seq > 99999).any():
        worst = reg.loc[region[np.argmax(seq)], "nmkel"]
        raise ValueError(f"terlalu banyak rumah tangga untuk satu kelurahan ({worst}): nomor urut IDBDT "
                         f"hanya 5 digit (maks. 99.999). Kurangi --households atau pakai --kabkota kaltim.")
    nurt = _cumcount(region.astype(np.int64) * 1000 + rt) + 1
    kf_hh = np.repeat(np.arange(n), nkel)
    kf_nuk = (np.arange(len(kf_hh)) - np.repeat(_starts(nkel.astype(np.int64)), nkel) + 1).astype(np.int8)
    plan = Plan(region, grp, nkel, rt, seq, nurt, kf_hh, kf_nuk)
    plan.kf_status = _kks_status(rng, reg, plan, calibrated)
    return plan


def _kks_status(rng, reg: pd.DataFrame, plan: Plan, calibrated: bool) -> np.ndarray:
    kind = reg.kind.to_numpy()[plan.hh_region[plan.kf_hh]]
    grp = plan.hh_grp[plan.kf_hh]
    region = plan.hh_region[plan.kf_hh]
    valid = kind == 0
    target = valid & (grp <= 3)
    status = np.zeros(len(grp), dtype=np.int8)
    if calibrated:
        # Exactly H_j holders among the K_j target keluarga of kelurahan j; poorer desil are likelier
        # holders (weighted sampling without replacement: key = u^(1/w), keep the largest keys).
        real = reg.index[reg.kind == 0].to_numpy()
        k = reg.loc[real, "k_target"].to_numpy()
        h = np.zeros(len(reg), dtype=np.int64)
        h[real] = _largest_remainder(CALIB_KELUARGA_KKS, k * reg.loc[real, "kks_w"].to_numpy())
        w = np.array([1.5, 1.25, 1.0, 0.85, 1, 1])[grp]
        key = np.where(target, rng.random(len(grp)) ** (1.0 / w), -1.0)
        order = np.lexsort((-key, region))
        rank = np.empty(len(grp), dtype=np.int64)
        rank[order] = _cumcount(region[order])
        holder = target & (rank < h[region])
    else:
        holder = valid & (rng.random(len(grp)) < np.array(_HOLD_P)[grp])
    if calibrated:
        # Inclusion error: a few 4+/non-desil keluarga hold a card (kept probabilistic: not calibrated).
        holder |= valid & (grp > 3) & (rng.random(len(grp)) < np.array(_HOLD_P)[grp])
    status[holder] = 1
    u = rng.random(len(grp))
    not_holding_target = target & ~holder
    status[not_holding_target & (u < 0.12)] = 2
    status[not_holding_target & (u >= 0.12) & (u < 0.16)] = 3
    return status


# --------------------------------------------------------------------------------------------------
# Simulation of households and members (vectorised)
# --------------------------------------------------------------------------------------------------

_P_HHSIZE = np.array([[.05, .11, .16, .22, .20, .12, .08, .04, .02],     # D1
                      [.05, .12, .17, .22, .19, .12, .07, .04, .02],
                      [.06, .13, .18, .23, .18, .10, .07, .03, .02],
                      [.07, .14, .19, .23, .17, .10, .06, .03, .01],     # D4
                      [.09, .17, .21, .24, .15, .08, .04, .015, .005],   # 4+
                      [.12, .18, .20, .22, .14, .08, .04, .015, .005]])  # non-desil

_HOUSING = {  # per group rows D1, D2, D3, D4, 4+, non-desil; codes 1..k (docs/domain.md §2.3)
    "sta_bangunan": [[.62, .22, .12, .02, .02], [.64, .22, .11, .02, .01], [.66, .21, .10, .02, .01],
                     [.68, .20, .09, .02, .01], [.72, .18, .06, .03, .01], [.66, .20, .10, .03, .01]],
    "sta_lahan": [[.42, .25, .28, .05], [.48, .23, .25, .04], [.53, .22, .22, .03], [.58, .20, .19, .03],
                  [.70, .15, .12, .03], [.60, .18, .19, .03]],
    "lantai": [[0, .04, 0, .02, .10, .30, .02, .40, .10, .02], [0, .10, 0, .03, .12, .32, .01, .33, .07, .02],
               [0, .18, .01, .04, .14, .32, .01, .25, .04, .01], [.01, .26, .01, .05, .15, .30, 0, .19, .02, .01],
               [.02, .42, .02, .05, .14, .22, 0, .11, .01, .01], [.01, .28, .01, .05, .15, .28, 0, .19, .02, .01]],
    "dinding": [[.25, .02, .60, .05, .03, .03, .02], [.32, .02, .56, .04, .03, .02, .01],
                [.40, .02, .51, .03, .02, .01, .01], [.48, .02, .45, .02, .01, .01, .01],
                [.62, .01, .34, .01, .01, .005, .005], [.50, .02, .43, .02, .01, .01, .01]],
    "kondisi_dinding": [[.45, .55], [.55, .45], [.63, .37], [.70, .30], [.82, .18], [.70, .30]],
    "atap": [[.01, 0, .04, .01, .05, .78, .03, 0, .07, .01], [.01, 0, .06, .01, .06, .79, .02, 0, .04, .01],
             [.02, .01, .08, .01, .07, .78, .01, 0, .02, 0], [.03, .01, .09, .02, .07, .76, .01, 0, .01, 0],
             [.05, .02, .12, .02, .08, .69, .01, 0, .005, .005], [.03, .01, .09, .02, .07, .76, .01, 0, .01, 0]],
    "kondisi_atap": [[.50, .50], [.58, .42], [.66, .34], [.72, .28], [.84, .16], [.72, .28]],
    "jumlah_kamar": [[.35, .40, .18, .05, .02], [.28, .42, .21, .07, .02], [.22, .42, .25, .08, .03],
                     [.18, .40, .28, .10, .04], [.12, .35, .33, .14, .06], [.18, .40, .28, .10, .04]],
    "sumber_airminum": [[.03, .45, .22, .06, .06, .04, .05, .01, .01, .01, .05, .01],
                        [.04, .46, .24, .05, .06, .04, .04, .01, .01, .01, .03, .01],
                        [.05, .46, .26, .05, .05, .04, .03, 0, 0, .01, .03, .02],
                        [.06, .46, .27, .04, .05, .04, .03, 0, 0, .01, .02, .02],
                        [.10, .45, .30, .03, .05, .03, .02, 0, 0, 0, .02, 0],
                        [.06, .46, .27, .04, .05, .04, .03, 0, 0, .01, .02, .02]],
    "sumber_penerangan": [[.93, .05, .02], [.95, .04, .01], [.96, .03, .01], [.97, .025, .005],
                          [.99, .008, .002], [.97, .025, .005]],
    "daya": [[.62, .22, .03, .01, 0, .12], [.52, .30, .05, .01, 0, .12], [.44, .36, .08, .02, 0, .10],
             [.36, .42, .12, .02, 0, .08], [.20, .45, .22, .07, .02, .04], [.36, .42, .12, .02, 0, .08]],
    "bb_masak": [[.01, .01, .62, 0, .12, 0, .02, .20, .02], [.01, .01, .70, 0, .10, 0, .01, .15, .02],
                 [.01, .02, .76, 0, .08, 0, .01, .10, .02], [.02, .02, .80, 0, .06, 0, .01, .07, .02],
                 [.03, .08, .80, 0, .03, 0, 0, .03, .03], [.02, .03, .80, 0, .06, 0, .01, .06, .02]],
    "fasbab": [[.62, .20, .08, .10], [.68, .18, .07, .07], [.74, .15, .06, .05], [.78, .13, .05, .04],
               [.88, .08, .02, .02], [.78, .13, .05, .04]],
    "kloset": [[.75, .10, .10, .05], [.80, .08, .08, .04], [.84, .07, .06, .03], [.87, .06, .05, .02],
               [.93, .03, .03, .01], [.87, .06, .05, .02]],
    "buang_tinja": [[.45, .05, .15, .30, .03, .02], [.52, .05, .13, .26, .02, .02], [.58, .05, .12, .22, .02, .01],
                    [.64, .05, .10, .18, .02, .01], [.80, .04, .06, .08, .01, .01], [.64, .05, .10, .18, .02, .01]],
}
# Blok V assets: (column, yes code, P(yes) by group). Yes/no codes alternate 1/2 and 3/4 (docs/domain.md §2.4).
_ASSETS = [
    ("ada_tabung_gas", 1, [.03, .05, .08, .12, .25, .12]), ("ada_lemari_es", 3, [.30, .42, .52, .62, .80, .60]),
    ("ada_ac", 1, [.01, .02, .03, .05, .15, .05]), ("ada_pemanas", 3, [0, .005, .01, .01, .04, .01]),
    ("ada_telepon", 1, [.01, .01, .02, .03, .06, .03]), ("ada_tv", 3, [.78, .86, .90, .93, .96, .92]),
    ("ada_emas", 1, [.05, .08, .12, .16, .28, .15]), ("ada_laptop", 3, [.02, .04, .07, .10, .25, .10]),
    ("ada_sepeda", 1, [.12, .15, .17, .20, .25, .18]), ("ada_motor", 3, [.50, .62, .70, .78, .88, .75]),
    ("ada_mobil", 1, [0, .01, .02, .03, .10, .03]), ("ada_perahu", 3, [.07, .06, .05, .04, .03, .04]),
    ("ada_motor_tempel", 1, [.04, .04, .03, .03, .02, .03]), ("ada_perahu_motor", 3, [.08, .07, .06, .05, .04, .05]),
    ("ada_kapal", 1, [.005, .005, .005, .005, .01, .005]), ("aset_tak_bergerak", 1, [.10, .12, .15, .18, .25, .18]),
    ("rumah_lain", 3, [.02, .03, .04, .05, .08, .05]),
]
_PROGRAMS = [  # (column, yes code, P(yes) by group); sta_kks and sta_kip are derived separately
    ("sta_art_usaha", 1, [.25, .28, .30, .32, .35, .30]),
    ("sta_kks", 1, None), ("sta_kip", 3, None),
    ("sta_kis", 1, [.78, .70, .58, .45, .15, .20]), ("sta_bpjs_mandiri", 3, [.05, .08, .12, .16, .30, .20]),
    ("sta_jamsostek", 1, [.04, .06, .10, .14, .28, .15]), ("sta_asuransi", 3, [.005, .01, .01, .02, .05, .02]),
    ("sta_pkh", 1, [.42, .30, .15, .07, .01, .02]), ("sta_raskin", 3, [.88, .82, .72, .60, .15, .20]),
    ("sta_kur", 1, [.01, .01, .02, .02, .03, .02]),
]

RT_COLUMNS = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NMPROP", "NMKAB", "NMKEC", "NMKEL", "Alamat",
              "Nama_SLS", "Nomor_Urut_Rumah_Tangga", "Nama_KRT", "Jumlah_ART", "Jumlah_Keluarga",
              "sta_bangunan", "sta_lahan", "luas_lantai", "lantai", "dinding", "kondisi_dinding", "atap",
              "kondisi_atap", "jumlah_kamar", "sumber_airminum", "cara_peroleh_airminum", "sumber_penerangan",
              "daya", "bb_masak", "fasbab", "kloset", "buang_tinja", "ada_tabung_gas", "ada_lemari_es", "ada_ac",
              "ada_pemanas", "ada_telepon", "ada_tv", "ada_emas", "ada_laptop", "ada_sepeda", "ada_motor",
              "ada_mobil", "ada_perahu", "ada_motor_tempel", "ada_perahu_motor", "ada_kapal",
              "aset_tak_bergerak", "rumah_lain", "jumlah_sapi", "jumlah_kambing", "sta_art_usaha", "sta_kks",
              "sta_kip", "sta_kis", "sta_bpjs_mandiri", "sta_jamsostek", "sta_asuransi", "sta_pkh",
              "sta_raskin", "sta_kur", "status_kesejahteraan", "percentile", "KETERANGAN"]
ART_COLUMNS = ["IDBDT", "IDARTBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoPesertaPKH", "Nama", "JnsKel",
               "TmpLahir", "TglLahir", "NIK", "NoKK", "Hub_KRT", "NUK", "Hubkel", "Umur", "Sta_kawin",
               "Ada_akta_nikah", "Ada_diKK", "Ada_kartu_identitas", "Sta_hamil", "Jenis_cacat",
               "Penyakit_kronis", "Partisipasi_sekolah", "Pendidikan_tertinggi", "Kelas_tertinggi",
               "Ijazah_tertinggi", "Sta_Bekerja", "Jumlah_jamkerja", "Lapangan_usaha", "Status_pekerjaan",
               "namagadis_ibukandung", "KETERANGAN"]
KKS_COLUMNS = ["No", "NIK Pengurus", "Nama Pengurus", "No. KK", "Alamat", "Kecamatan", "Kelurahan",
               "Status Kartu", "Tanggal Distribusi"]
MPM_COLUMNS = ["No", "Tanggal Pendaftaran", "NIK", "No KK", "Nama Kepala Rumah Tangga", "Alamat", "RT", "IDBDT",
               "Status Identifikasi", "Hasil Verifikasi", "Tanggal Verifikasi", "Jumlah ART", "ART Meninggal",
               "ART Pindah", "ART Baru"]
PENDUDUK_COLUMNS = ["Kode Wilayah", "Kecamatan", "Kelurahan", "Jumlah Penduduk", "Jumlah Rumah Tangga",
                    "Jumlah KK", "Tahun", "Sumber", "KETERANGAN"]
_STATUS_KARTU = ["", "TERSALUR", "BELUM TERSALUR", "DIKEMBALIKAN"]


@dataclass
class Sim:
    """All simulated arrays (households hh_*, keluarga kf_*, persons p_*) plus region table."""
    reg: pd.DataFrame
    plan: Plan
    hh: dict
    kf: dict
    p: dict


def _simulate(rng, reg: pd.DataFrame, plan: Plan) -> Sim:
    H = len(plan.hh_region)
    grp = plan.hh_grp
    kind = reg.kind.to_numpy()[plan.hh_region]
    nkel = plan.hh_nkel.astype(np.int64)

    # --- household and keluarga sizes -------------------------------------------------------------
    size = (_pick(rng, grp, _P_HHSIZE) + 1).astype(np.int64)
    size = np.where(nkel == 2, np.maximum(size, 3), size)
    k2 = np.where(nkel == 2, 1 + (rng.random(H) * (size - 2)).astype(np.int64), 0)
    kf_hh, kf_nuk = plan.kf_hh, plan.kf_nuk
    F = len(kf_hh)
    kf_first = _starts(nkel)                         # index of NUK 1 of each household
    kf_size = np.where(kf_nuk == 1, size[kf_hh] - k2[kf_hh], k2[kf_hh])
    kf_grp = grp[kf_hh]

    # --- keluarga heads and spouses ---------------------------------------------------------------
    head_female = rng.random(F) < np.array([.19, .17, .15, .13, .10, .12])[kf_grp]
    has_spouse = (kf_size >= 2) & (rng.random(F) < np.where(head_female, 0.08, 0.88))
    head_age = np.clip(rng.normal(46, 13, F), 19, 88).astype(np.int64)
    # NUK 2 head: child / child-in-law / parent / other of the KRT, with an age that fits.
    krt_age = head_age[kf_first[kf_hh]]
    rel2 = _pick(rng, np.zeros(F, np.int8), [.60, .20, .10, .10], [3, 4, 6, 8]).astype(np.int8)
    gap = 20 + (rng.random(F) * 13).astype(np.int64)
    age2 = np.select([np.isin(rel2, (3, 4)), rel2 == 6], [krt_age - gap, np.minimum(krt_age + gap, 97)],
                     17 + (rng.random(F) * 43).astype(np.int64))
    too_young = np.isin(rel2, (3, 4)) & (age2 < 17)
    rel2 = np.where(too_young, 8, rel2)
    age2 = np.where(too_young, 17 + (rng.random(F) * 20).astype(np.int64), age2)
    is2 = kf_nuk == 2
    head_age = np.where(is2, age2, head_age)
    kf_rel_krt = np.where(is2, rel2, 1).astype(np.int8)
    spouse_age = np.where(head_female, head_age + (rng.random(F) * 7).astype(np.int64),
                          np.maximum(head_age - (rng.random(F) * 9).astype(np.int64), 16))
    mother_age = np.where(~head_female & has_spouse, spouse_age, head_age)

    # --- persons ------------------------------------------------------------------------------------
    p_kf = np.repeat(np.arange(F), kf_size)
    P = len(p_kf)
    pos = np.arange(P) - np.repeat(_starts(kf_size), kf_size)
    p_hh = kf_hh[p_kf]
    p_nuk = kf_nuk[p_kf]
    p_grp = grp[p_hh]
    hh_first_person = _starts(size)
    member_no = np.arange(P) - hh_first_person[p_hh] + 1
    other_role = np.where(p_nuk == 1,
                          _pick(rng, np.zeros(P, np.int8), [.82, .06, .05, .06, .01], [3, 5, 6, 8, 7]),
                          _pick(rng, np.zeros(P, np.int8), [.90, .03, .07], [3, 5, 8]))
    is_head = pos == 0
    is_spouse = (pos == 1) & has_spouse[p_kf]
    hubkel = np.where(is_head, 1, np.where(is_spouse, 2, other_role)).astype(np.int8)
    # Hub_KRT: NUK 1 relates to the KRT as to its own head; NUK 2 through its head's relation to the KRT.
    r2 = kf_rel_krt[p_kf]
    spouse_rel = np.select([r2 == 3, r2 == 4, r2 == 6], [4, 3, 6], 8)
    child_rel = np.where(np.isin(r2, (3, 4)), 5, 8)
    hub_krt = np.where(p_nuk == 1, hubkel,
                       np.select([is_head, is_spouse, hubkel == 3], [r2, spouse_rel, child_rel], 8)).astype(np.int8)

    u = rng.random(P)
    female = np.select([is_head, is_spouse, hubkel == 6], [head_female[p_kf], ~head_female[p_kf], u < 0.65],
                       u < 0.5)
    ref = mother_age[p_kf]
    max_child = np.clip(ref - 17, 0, 45)
    max_cucu = np.clip(ref - 36, 0, 18)
    v = rng.random(P)
    age = np.select(
        [is_head, is_spouse, hubkel == 3, hubkel == 5, hubkel == 6, hubkel == 7],
        [head_age[p_kf], spouse_age[p_kf], (v * (max_child + 1)).astype(np.int64),
         (v * (max_cucu + 1)).astype(np.int64), np.minimum(head_age[p_kf] + 18 + (v * 15).astype(np.int64), 98),
         16 + (v * 35).astype(np.int64)],
        3 + (v * 68).astype(np.int64))
    # Birth date from the age, then Umur recomputed from the date so the two always agree.
    days = np.round((age + rng.random(P)) * 365.2425).astype(np.int64)
    birth = ENUM_DATE - days.astype("timedelta64[D]")
    by = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    bm = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    bd = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    umur = 2015 - by - ((bm > 7) | ((bm == 7) & (bd > 1)))

    # --- NIK: prefix (Kemendagri kecamatan of first registration) + DDMMYY (+40 women) + serial ------
    region_prefix = reg.nik_prefix.to_numpy()[plan.hh_region][p_hh]
    is_bontang = region_prefix // 100 == 6474
    w = rng.random(P)
    other_kec = 647401 + ((region_prefix % 100 - 1 + 1 + (rng.random(P) < 0.5)) % 3)
    prefix = np.where(is_bontang & (w < 0.12), other_kec, region_prefix)
    migrant = w > 0.97
    prefix = np.where(migrant, np.array(_MIGRANT_PREFIX)[(rng.random(P) * len(_MIGRANT_PREFIX)).astype(int)],
                      prefix)
    nik_base = prefix * 1_000_000 + (bd + 40 * female) * 10_000 + bm * 100 + by % 100
    serial = _cumcount(nik_base) + 1
    if serial.max() >= 5000:
        raise ValueError("NIK serial overflow; too many persons with the same prefix and birth date")
    nik = nik_base * 10_000 + serial

    # --- No. KK per keluarga: prefix + issue date DDMMYY + serial 5001.. (never equal to a NIK) ------
    kk_prefix = region_prefix[_starts(kf_size)] if F else np.zeros(0, np.int64)
    issue = np.datetime64("2008-01-01") + (rng.random(F) * 2700).astype("timedelta64[D]")
    iy = issue.astype("datetime64[Y]").astype(np.int64) + 1970
    im = issue.astype("datetime64[M]").astype(np.int64) % 12 + 1
    iday = (issue - issue.astype("datetime64[M]")).astype(np.int64) + 1
    kk_base = kk_prefix * 1_000_000 + iday * 10_000 + im * 100 + iy % 100
    kk = kk_base * 10_000 + 5001 + _cumcount(kk_base)
    if (kk % 10_000).max() > 8999:
        raise ValueError("No. KK serial overflow")

    # --- education, work, health (docs/domain.md §2.5) --------------------------------------------------
    rich = (p_grp >= 4).astype(np.int8)
    a = umur
    r1 = rng.random(P)
    part_school = np.select(
        [a < 5, a < 7, a < 13, a < 16, a < 19, a < 25],
        [np.zeros(P), np.where(r1 < 0.3, 1, 0), np.where(r1 < 0.97, 1, np.where(r1 < 0.98, 0, 2)),
         np.where(r1 < 0.88 + 0.07 * rich, 1, 2), np.where(r1 < 0.65 + 0.2 * rich, 1, 2),
         np.where(r1 < 0.08 + 0.12 * rich, 1, np.where(r1 < 0.98, 2, 0))],
        np.where(r1 < np.where(a >= 60, 0.85, 0.95), 2, 0)).astype(np.int8)
    student = part_school == 1
    cur_level = np.select([a < 13, a < 16, a < 19], [1, 2, 3], 4)
    adult_lvl = _pick(rng, p_grp, [[.50, .25, .22, .03], [.44, .26, .26, .04], [.38, .27, .30, .05],
                                   [.32, .27, .35, .06], [.20, .22, .45, .13], [.30, .25, .37, .08]]) + 1
    old_lvl = _pick(rng, np.zeros(P, np.int8), [.75, .15, .08, .02]) + 1
    done_lvl = np.where(a >= 60, old_lvl, adult_lvl)
    done_lvl = np.where(a < 19, np.minimum(done_lvl, np.maximum(cur_level - 1, 1)), done_lvl)
    level = np.where(student, cur_level, np.where(part_school == 2, done_lvl, 0))
    tamat = (~student) & (rng.random(P) < 0.85)
    grade_student = np.select([level == 1, level == 2, level == 3], [np.clip(a - 6, 1, 6), np.clip(a - 12, 1, 3),
                                                                    np.clip(a - 15, 1, 3)], np.clip(a - 18, 1, 7))
    grade_drop = 1 + (rng.random(P) * np.select([level == 1], [5], 2)).astype(np.int64)
    kelas = np.where(student, grade_student, np.where(tamat, 8, grade_drop))
    ijazah_done = np.select([level == 4], [np.where(rng.random(P) < 0.35, 4, np.where(rng.random(P) < 0.97, 5, 6))],
                            level)
    ijazah = np.where(level == 0, 0, np.where(student | ~tamat, np.maximum(level - 1, 0), ijazah_done))
    pend_code = np.select(
        [level == 1, level == 2, level == 3],
        [_pick(rng, np.zeros(P, np.int8), [.90, .02, .08], [1, 2, 3]),
         _pick(rng, np.zeros(P, np.int8), [.88, .02, .10], [4, 5, 6]),
         _pick(rng, np.zeros(P, np.int8), [.88, .04, .08], [7, 8, 9])], 10)
    has_pend = level > 0

    work_p = np.select([a < 10, a < 15, student, a < 25, a < 60],
                       [0, 0.03, 0.05, np.where(female, 0.30, 0.60), np.where(female, 0.38, 0.86 - 0.04 * (p_grp <= 1))],
                       np.where(female, 0.20, 0.45))
    works = rng.random(P) < work_p
    work_asked = a >= 10
    jam = np.clip(rng.normal(40, 12, P), 4, 84).astype(np.int64)
    coastal = reg.coastal.to_numpy()[plan.hh_region][p_hh]
    lap = _pick(rng, np.minimum(p_grp, 4), [
        [.01, .01, .01, .18, .03, .01, .01, .02, .04, 0, .16, .16, .05, .06, 0, 0, .01, .01, .11, .03, .09],
        [.01, .01, .01, .15, .03, .01, .01, .03, .05, 0, .16, .17, .05, .07, 0, 0, .01, .01, .12, .02, .08],
        [.01, .01, .01, .12, .03, .01, .01, .04, .05, .01, .16, .18, .06, .07, .01, 0, .02, .01, .12, .01, .06],
        [.01, .01, .01, .10, .03, .01, .01, .05, .06, .01, .15, .18, .06, .08, .01, .01, .02, .02, .12, .01, .04],
        [0, .01, .01, .05, .02, 0, .01, .10, .10, .02, .12, .18, .06, .08, .02, .02, .04, .03, .11, 0, .02]]) + 1
    lap = np.where(coastal & (rng.random(P) < 0.12), 4, lap)
    stat_kerja = _pick(rng, np.minimum(p_grp, 4), [[.30, .05, .01, .30, .01, .03, .20, .10],
                                                  [.30, .05, .01, .33, .02, .02, .18, .09],
                                                  [.30, .05, .02, .35, .03, .02, .15, .08],
                                                  [.29, .05, .02, .37, .04, .02, .13, .08],
                                                  [.25, .05, .04, .42, .10, .01, .08, .05]]) + 1

    married_like = is_head & has_spouse[p_kf] | is_spouse
    kawin = np.select(
        [a < 15, married_like, is_head & (a >= 25), hubkel == 6, a >= 20],
        [1, 2, _pick(rng, np.zeros(P, np.int8), [.15, .10, .30, .45], [1, 2, 3, 4]),
         _pick(rng, np.zeros(P, np.int8), [.02, .38, .05, .55], [1, 2, 3, 4]),
         _pick(rng, np.zeros(P, np.int8), [.72, .23, .03, .02], [1, 2, 3, 4])], 1).astype(np.int8)
    akta_nikah = np.where(kawin >= 2, _pick(rng, p_grp, [[.30, .50, .20]] * 4 + [[.12, .75, .13]] * 2), 0)
    di_kk = np.where(rng.random(P) < 0.97, 1, 2)
    ident = ((rng.random(P) < np.where(a < 18, 0.75, 0.45)) * 1 + (student & (a >= 10) & (rng.random(P) < 0.5)) * 2
             + ((a >= 17) & (rng.random(P) < 0.93)) * 4
             + ((a >= 17) & (rng.random(P) < np.where(female, 0.10, 0.30) + 0.1 * rich)) * 8)
    hamil_asked = female & (a >= 10) & (a <= 49)
    hamil = np.where((kawin == 2) & (rng.random(P) < 0.06), 1, 2)
    cacat = np.where(rng.random(P) < 0.012 + 0.035 * (a >= 60) + 0.01 * (p_grp <= 1),
                     _pick(rng, np.zeros(P, np.int8), [.30, .12, .10, .05, .05, .02, .01, .01, .01, .12, .08, .13])
                     + 1, 0)
    kronis = np.where(rng.random(P) < np.select([a < 40, a < 60], [0.02, 0.12], 0.32),
                      _pick(rng, np.zeros(P, np.int8), [.38, .16, .08, .08, .10, .04, .05, .02, .09]) + 1, 0)

    # --- names ------------------------------------------------------------------------------------
    first_idx = np.where(female, (rng.random(P) * len(_FIRST_F)).astype(np.int64),
                         (rng.random(P) * len(_FIRST_M)).astype(np.int64))
    last_idx = (rng.random(P) * len(_LAST)).astype(np.int64)
    ibu_idx = (rng.random(P) * len(_FIRST_F)).astype(np.int64)
    tmp_bontang = rng.random(P) < np.select([a < 20, a < 40], [0.78, 0.42], 0.15) * (~migrant)
    tmp_idx = np.where(tmp_bontang, -1, (rng.random(P) * len(_TMP_OTHER)).astype(np.int64))
    date_fmt = _pick(rng, np.zeros(P, np.int8), [.87, .08, .05]).astype(np.int8)

    # --- household-level codes -----------------------------------------------------------------------
    hh = {"grp": grp, "kind": kind, "size": size, "nkel": nkel}
    for col, probs in _HOUSING.items():
        hh[col] = (_pick(rng, grp, probs) + 1).astype(np.int16)
    hh["sta_lahan_valid"] = hh["sta_bangunan"] == 1
    hh["daya_valid"] = hh["sumber_penerangan"] == 1
    hh["kloset"] = np.where(hh["fasbab"] == 4, 4, hh["kloset"])
    src = hh["sumber_airminum"]
    hh["cara_peroleh_airminum"] = np.select([np.isin(src, (1, 2, 4)), src == 3], [1, 2], 3).astype(np.int16)
    coastal_hh = reg.coastal.to_numpy()[plan.hh_region]
    hh["buang_tinja"] = np.where(coastal_hh & (rng.random(H) < 0.15), 4, hh["buang_tinja"])
    hh["luas_lantai"] = np.clip(np.exp(rng.normal(np.log([30, 36, 42, 48, 64, 50])[grp], 0.35)), 8, 300).round()
    for col, yes, p in _ASSETS:
        hh[col] = np.where(_yes(rng, grp, p), yes, yes + 1).astype(np.int8)
    hh["jumlah_sapi"] = np.where(rng.random(H) < 0.01, 1 + (rng.random(H) * 3).astype(np.int64), 0)
    hh["jumlah_kambing"] = np.where(rng.random(H) < 0.03, 1 + (rng.random(H) * 6).astype(np.int64), 0)
    holds = np.zeros(H, dtype=bool)
    holds[kf_hh[plan.kf_status == 1]] = True
    school_child = np.zeros(H, dtype=bool)
    school_child[p_hh[student & (a >= 6) & (a <= 18)]] = True
    for col, yes, p in _PROGRAMS:
        if col == "sta_kks":      # the 2015 self-report agrees with the 2017 card list most of the time
            y = rng.random(H) < np.where(holds, 0.90, 0.06)
        elif col == "sta_kip":
            y = school_child & _yes(rng, grp, [.45, .38, .28, .18, .05, .08])
        else:
            y = _yes(rng, grp, p)
        hh[col] = np.where(y, yes, yes + 1).astype(np.int8)
    # Welfare rank: status_kesejahteraan (desil 1-4) and/or percentile; 4+ has only a percentile > 40.
    form = _pick(rng, np.zeros(H, np.int8), [.50, .30, .20])     # 0 both, 1 desil only, 2 percentile only
    pct_target = grp.astype(np.int64) * 10 + 1 + (rng.random(H) * 10).astype(np.int64)
    pct_4plus = 41 + (rng.random(H) ** 2 * 60).astype(np.int64)
    target = grp <= 3
    hh["desil_valid"] = target & (form <= 1)
    hh["desil"] = grp.astype(np.int64) + 1
    hh["pct_valid"] = (target & (form != 1)) | (grp == G_4PLUS)
    hh["pct"] = np.where(target, pct_target, pct_4plus)
    street = (rng.random(H) * len(_STREETS)).astype(np.int64)
    hh["street"] = street
    hh["no_rumah"] = 1 + (rng.random(H) * 120).astype(np.int64)
    hh["gang"] = np.where(rng.random(H) < 0.35, 1 + (rng.random(H) * 12).astype(np.int64), 0)
    hh["pkh"] = hh["sta_pkh"] == 1
    hh["first_person"] = hh_first_person

    kf = {"hh": kf_hh, "nuk": kf_nuk, "size": kf_size, "status": plan.kf_status, "kk": kk,
          "first_person": _starts(kf_size), "has_spouse": has_spouse, "head_female": head_female}
    # KKS pengurus: the wife when there is one (that is how KKS were issued), else the head.
    kf["pengurus"] = kf["first_person"] + np.where(has_spouse & ~head_female, 1, 0)

    p = dict(kf=p_kf, hh=p_hh, nuk=p_nuk, pos=pos, member_no=member_no, hubkel=hubkel, hub_krt=hub_krt,
             female=female, umur=umur, by=by, bm=bm, bd=bd, nik=nik, kawin=kawin, akta_nikah=akta_nikah,
             di_kk=di_kk, ident=ident, hamil=hamil, hamil_asked=hamil_asked, cacat=cacat, kronis=kronis,
             part_school=part_school, pend=pend_code, has_pend=has_pend, kelas=kelas, ijazah=ijazah,
             works=works, work_asked=work_asked, jam=jam, lap=lap, stat_kerja=stat_kerja,
             first_idx=first_idx, last_idx=last_idx, ibu_idx=ibu_idx, tmp_idx=tmp_idx, date_fmt=date_fmt,
             key=is_head | is_spouse)
    return Sim(reg, plan, hh, kf, p)


# --------------------------------------------------------------------------------------------------
# Dirt selection (which rows get which dirt) — decided once, used by the writers and the README
# --------------------------------------------------------------------------------------------------

def _scaled(n_base: int, calibrated: bool, n_rows: int, per: int = 10_000, minimum: int = 1) -> int:
    """A dirt amount: fixed for the calibrated sample, proportional (with a floor) at other sizes."""
    return n_base if calibrated else max(minimum, round(n_base * n_rows / per))


@dataclass
class Dirt:
    rt: dict = field(default_factory=dict)       # name -> row indices (household rows)
    art: dict = field(default_factory=dict)      # name -> person indices
    kks: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)   # file -> {kind: count}


def _choose_dirt(rng, sim: Sim, calibrated: bool) -> Dirt:
    d = Dirt()
    hh, p, kf = sim.hh, sim.p, sim.kf
    H, P = len(hh["grp"]), len(p["hh"])
    in_file = hh["kind"] != 3
    normal = hh["kind"] == 0
    region = sim.plan.hh_region
    has_var = np.isin(sim.reg.kode.to_numpy()[region], list(_NAME_VARIANTS))
    d.rt["nmkel_varian"] = _sample_idx(rng, normal & has_var, _scaled(400, calibrated, H * 1.15))
    d.rt["nmkel_title"] = _sample_idx(rng, normal, _scaled(650, calibrated, H * 1.15), _mask_of(H, d.rt["nmkel_varian"]))
    d.rt["nmkel_spasi"] = _sample_idx(rng, normal, _scaled(120, calibrated, H * 1.15))
    d.rt["nmkel_nbsp"] = _sample_idx(rng, normal, _scaled(10, calibrated, H * 1.15),
                                     _mask_of(H, d.rt["nmkel_spasi"]))
    d.rt["idbdt_spasi"] = _sample_idx(rng, normal, _scaled(60, calibrated, H * 1.15))
    d.rt["nama_krt_spasi"] = _sample_idx(rng, normal, _scaled(150, calibrated, H * 1.15))
    d.rt["nama_krt_nbsp"] = _sample_idx(rng, normal, _scaled(12, calibrated, H * 1.15),
                                        _mask_of(H, d.rt["nama_krt_spasi"]))
    d.rt["nama_krt_title"] = _sample_idx(rng, normal, _scaled(200, calibrated, H * 1.15))
    d.rt["duplikat"] = _sample_idx(rng, in_file, _scaled(25, calibrated, H * 1.15, minimum=2))

    # Members: damaging dirt only on non-key members (not head, not spouse) of keluarga with >= 3
    # members, so every keluarga keeps a valid head NIK and the KKS pengurus NIK stays valid.
    non_key = (~p["key"]) & (kf["size"][p["kf"]] >= 3) & (hh["kind"][p["hh"]] == 0)
    used = np.zeros(P, dtype=bool)

    def take(name, mask, n):
        idx = _sample_idx(rng, mask, n, used)
        used[idx] = True
        d.art[name] = idx

    take("nik_excel_sci", non_key, _scaled(120, calibrated, P / 3.9))
    take("nik_akhiran_0", non_key, _scaled(40, calibrated, P / 3.9))
    take("nik_bulan_13", non_key, _scaled(2, calibrated, P / 3.9))
    take("nik_tanggal_00", non_key, _scaled(2, calibrated, P / 3.9))
    take("nik_kosong", non_key & (p["umur"] < 5), _scaled(35, calibrated, P / 3.9))
    take("nik_zwsp", non_key, _scaled(8, calibrated, P / 3.9))
    take("idbdt_spasi", non_key, _scaled(60, calibrated, P / 3.9))
    valid_p = hh["kind"][p["hh"]] == 0
    d.art["nama_title"] = _sample_idx(rng, valid_p, _scaled(400, calibrated, P / 3.9))
    d.art["nama_spasi"] = _sample_idx(rng, valid_p, _scaled(300, calibrated, P / 3.9))
    d.art["nama_nbsp"] = _sample_idx(rng, valid_p, _scaled(20, calibrated, P / 3.9), _mask_of(P, d.art["nama_spasi"]))
    d.art["nama_zwsp"] = _sample_idx(rng, valid_p, _scaled(10, calibrated, P / 3.9), _mask_of(P, d.art["nama_spasi"]))
    d.art["duplikat"] = _sample_idx(rng, valid_p, _scaled(60, calibrated, P / 3.9, minimum=3))
    return d


def _mask_of(n: int, idx: np.ndarray) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[idx] = True
    return m


# --------------------------------------------------------------------------------------------------
# String columns
# --------------------------------------------------------------------------------------------------

def _person_names(p: dict, idx: np.ndarray) -> pa.Array:
    female = p["female"][idx]
    first_m = _take(_FIRST_M, np.where(female, 0, p["first_idx"][idx]))
    first_f = _take(_FIRST_F, np.where(female, p["first_idx"][idx], 0))
    first = pc.if_else(pa.array(female), first_f, first_m)
    last = _take(_LAST, p["last_idx"][idx])
    full = pc.binary_join_element_wise(first, last, " ")
    return pc.if_else(pc.equal(last, ""), first, full)


def _region_col(sim: Sim, hh_idx: np.ndarray, col: str) -> pa.Array:
    return _take(sim.reg[col].astype(str).tolist(), sim.plan.hh_region[hh_idx])


def _nik_strings(p: dict, idx: np.ndarray, dirt: Dirt) -> pa.Array:
    s = _s(p["nik"][idx])
    pos = {k: np.flatnonzero(_mask_of(len(p["nik"]), v)[idx]) for k, v in dirt.art.items() if k.startswith("nik_")}
    s = _with_mask(s, pos.get("nik_excel_sci", []),
                   lambda x: _join(pc.utf8_slice_codeunits(x, 0, 1), ".", pc.utf8_slice_codeunits(x, 1, 6), "E+15"))
    s = _with_mask(s, pos.get("nik_akhiran_0", []), lambda x: _join(x, ".0"))
    s = _with_mask(s, pos.get("nik_bulan_13", []),
                   lambda x: _join(pc.utf8_slice_codeunits(x, 0, 8), "13", pc.utf8_slice_codeunits(x, 10, 16)))
    s = _with_mask(s, pos.get("nik_tanggal_00", []),
                   lambda x: _join(pc.utf8_slice_codeunits(x, 0, 6), "00", pc.utf8_slice_codeunits(x, 8, 16)))
    s = _with_mask(s, pos.get("nik_kosong", []), lambda x: pa.array([""] * len(x)))
    s = _with_mask(s, pos.get("nik_zwsp", []),
                   lambda x: _join(pc.utf8_slice_codeunits(x, 0, 6), "\u200b", pc.utf8_slice_codeunits(x, 6, 16)))
    return s


def _dirty_names(names: pa.Array, n_total: int, idx: np.ndarray, dirt_sets: dict, prefix: str) -> pa.Array:
    def local(key):
        return np.flatnonzero(_mask_of(n_total, dirt_sets.get(prefix + key, np.zeros(0, np.int64)))[idx])
    names = _with_mask(names, local("title"), pc.utf8_title)
    names = _with_mask(names, local("spasi"), lambda x: _join(x, "  "))
    names = _with_mask(names, local("nbsp"), lambda x: pc.replace_substring(x, " ", "\u00a0", max_replacements=1))
    if prefix + "zwsp" in dirt_sets:
        names = _with_mask(names, local("zwsp"), lambda x: _join(x, "\u200b"))
    return names


def _dmy(y, m, d, sep: str = "/") -> pa.Array:
    """dd/mm/yyyy from integer parts (pc.strftime is ~10x slower at millions of rows)."""
    v = pc.utf8_lpad(_s(np.asarray(d, np.int64) * 1_000_000 + np.asarray(m, np.int64) * 10_000
                        + np.asarray(y, np.int64)), width=8, padding="0")
    return _join(pc.utf8_slice_codeunits(v, 0, 2), sep, pc.utf8_slice_codeunits(v, 2, 4), sep,
                 pc.utf8_slice_codeunits(v, 4, 8))


def _date_strings(by, bm, bd, fmt) -> pa.Array:
    """TglLahir as written by different operators: dd/mm/yyyy mostly, some `12 Agustus 1980`, some ISO."""
    dmy = _dmy(by, bm, bd)
    iso = _join(_s(by), "-", pc.utf8_lpad(_s(bm), width=2, padding="0"), "-",
                pc.utf8_lpad(_s(bd), width=2, padding="0"))
    long = pc.binary_join_element_wise(_s(bd), _take(_BULAN, bm - 1), _s(by), " ")
    return pc.if_else(pa.array(fmt == 1), long, pc.if_else(pa.array(fmt == 2), iso, dmy))


# --------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------

def _rt_table(sim: Sim, dirt: Dirt, rows: np.ndarray) -> pa.Table:
    hh, reg = sim.hh, sim.reg
    n_hh = len(hh["grp"])
    nrow = len(rows)

    def loc(key):
        return np.flatnonzero(_mask_of(n_hh, dirt.rt.get(key, np.zeros(0, np.int64)))[rows])

    idbdt_int = (reg.kdprop.astype(int).to_numpy() * 10 ** 13 + reg.kdkab.astype(int).to_numpy() * 10 ** 11
                 + reg.kdkec.astype(int).to_numpy() * 10 ** 8 + reg.kddesa.astype(int).to_numpy() * 10 ** 5)
    idbdt = _s(idbdt_int[sim.plan.hh_region[rows]] + sim.plan.hh_seq[rows])
    idbdt = _with_mask(idbdt, loc("idbdt_spasi"), lambda x: _join(" ", x, " "))
    region = sim.plan.hh_region[rows]
    kode = reg.kode.to_numpy()[region]
    canon = reg.nmkel.to_numpy()
    upper = pc.utf8_upper(_take(canon.tolist(), region))
    nmkel = upper
    var_pos = loc("nmkel_varian")
    if len(var_pos):
        alt = np.array([_NAME_VARIANTS.get(k, (c, c))[i % 2] for k, c, i in
                        zip(kode[var_pos], canon[region[var_pos]], range(len(var_pos)))], dtype=object)
        nmkel = pc.replace_with_mask(nmkel, pa.array(_mask_of(nrow, var_pos)), pa.array(alt, pa.string()))
    nmkel = _with_mask(nmkel, loc("nmkel_title"), pc.utf8_title)
    nmkel = _with_mask(nmkel, loc("nmkel_spasi"), lambda x: _join(" ", x, " "))
    nmkel = _with_mask(nmkel, loc("nmkel_nbsp"), lambda x: _join(x, "\u00a0"))
    nmkec = pc.utf8_upper(_region_col(sim, rows, "nmkec"))
    nmkec = _with_mask(nmkec, loc("nmkel_title"), pc.utf8_title)

    p = sim.p
    krt = hh["first_person"][rows]
    nama = _person_names(p, krt)
    nama = _with_mask(nama, loc("nama_krt_title"), pc.utf8_title)
    nama = _with_mask(nama, loc("nama_krt_spasi"), lambda x: _join(x, " "))
    nama = _with_mask(nama, loc("nama_krt_nbsp"), lambda x: pc.replace_substring(x, " ", "\u00a0", max_replacements=1))
    street = _take(_STREETS, hh["street"][rows])
    gang = hh["gang"][rows]
    alamat = pc.if_else(pa.array(gang > 0),
                        _join("JL. ", street, " GG. ", _s(gang), " NO. ", _s(hh["no_rumah"][rows])),
                        _join("JL. ", street, " NO. ", _s(hh["no_rumah"][rows])))
    cols = {
        "IDBDT": idbdt, "KDPROP": _region_col(sim, rows, "kdprop"), "KDKAB": _region_col(sim, rows, "kdkab"),
        "KDKEC": _region_col(sim, rows, "kdkec"), "KDDESA": _region_col(sim, rows, "kddesa"),
        "NMPROP": _region_col(sim, rows, "nmprop"), "NMKAB": _region_col(sim, rows, "nmkab"),
        "NMKEC": nmkec, "NMKEL": nmkel, "Alamat": alamat,
        "Nama_SLS": _join("RT ", pc.utf8_lpad(_s(sim.plan.hh_rt[rows]), width=3, padding="0")),
        "Nomor_Urut_Rumah_Tangga": pa.array(sim.plan.hh_nurt[rows]), "Nama_KRT": nama,
        "Jumlah_ART": pa.array(hh["size"][rows]), "Jumlah_Keluarga": pa.array(hh["nkel"][rows]),
    }
    for c in RT_COLUMNS[15:-3]:
        if c == "sta_lahan":
            cols[c] = _nullable(hh[c][rows], hh["sta_lahan_valid"][rows])
        elif c == "daya":
            cols[c] = _nullable(hh[c][rows], hh["daya_valid"][rows])
        elif c == "luas_lantai":
            cols[c] = pa.array(hh[c][rows].astype(np.int64))
        else:
            cols[c] = pa.array(hh[c][rows])
    cols["status_kesejahteraan"] = _nullable(hh["desil"][rows], hh["desil_valid"][rows])
    cols["percentile"] = _nullable(hh["pct"][rows], hh["pct_valid"][rows])
    cols["KETERANGAN"] = pa.array([SYNTHETIC_MARK] * nrow)
    return pa.table(cols)


def _art_table(sim: Sim, dirt: Dirt, rows: np.ndarray) -> pa.Table:
    p, hh, kf, reg = sim.p, sim.hh, sim.kf, sim.reg
    P = len(p["hh"])
    ph = p["hh"][rows]
    region = sim.plan.hh_region[ph]

    def loc(key):
        return np.flatnonzero(_mask_of(P, dirt.art.get(key, np.zeros(0, np.int64)))[rows])

    idbdt_int = (reg.kdprop.astype(int).to_numpy() * 10 ** 13 + reg.kdkab.astype(int).to_numpy() * 10 ** 11
                 + reg.kdkec.astype(int).to_numpy() * 10 ** 8 + reg.kddesa.astype(int).to_numpy() * 10 ** 5)
    idbdt_num = idbdt_int[region] + sim.plan.hh_seq[ph]
    idbdt = _s(idbdt_num)
    idart = _s(idbdt_num * 100 + p["member_no"][rows])
    idbdt = _with_mask(idbdt, loc("idbdt_spasi"), lambda x: _join(x, " "))
    names = _dirty_names(_person_names(p, rows), P, rows, dirt.art, "nama_")
    ages = p["umur"][rows]
    female = p["female"][rows]
    pkh_no = (647415 * 10 ** 8 + ph)
    pkh_valid = hh["pkh"][ph] & (p["nuk"][rows] == 1)
    tmp_idx = p["tmp_idx"][rows]
    tmp = pc.if_else(pa.array(tmp_idx < 0), pa.scalar(_TMP_BONTANG), _take(_TMP_OTHER, np.maximum(tmp_idx, 0)))
    work_asked = p["work_asked"][rows]
    works = p["works"][rows]
    cols = {
        "IDBDT": idbdt, "IDARTBDT": idart,
        "KDPROP": _take(reg.kdprop.tolist(), region), "KDKAB": _take(reg.kdkab.tolist(), region),
        "KDKEC": _take(reg.kdkec.tolist(), region), "KDDESA": _take(reg.kddesa.tolist(), region),
        "NoPesertaPKH": _nullable(pkh_no, pkh_valid), "Nama": names,
        "JnsKel": pa.array(np.where(female, 2, 1).astype(np.int8)), "TmpLahir": tmp,
        "TglLahir": _date_strings(p["by"][rows], p["bm"][rows], p["bd"][rows], p["date_fmt"][rows]),
        "NIK": _nik_strings(p, rows, dirt), "NoKK": _s(kf["kk"][p["kf"][rows]]),
        "Hub_KRT": pa.array(p["hub_krt"][rows]), "NUK": pa.array(p["nuk"][rows]),
        "Hubkel": pa.array(p["hubkel"][rows]), "Umur": pa.array(ages),
        "Sta_kawin": pa.array(p["kawin"][rows]), "Ada_akta_nikah": pa.array(p["akta_nikah"][rows]),
        "Ada_diKK": pa.array(p["di_kk"][rows]), "Ada_kartu_identitas": pa.array(p["ident"][rows]),
        "Sta_hamil": _nullable(p["hamil"][rows], p["hamil_asked"][rows]),
        "Jenis_cacat": pa.array(p["cacat"][rows]), "Penyakit_kronis": pa.array(p["kronis"][rows]),
        "Partisipasi_sekolah": pa.array(p["part_school"][rows]),
        "Pendidikan_tertinggi": _nullable(p["pend"][rows], p["has_pend"][rows]),
        "Kelas_tertinggi": _nullable(p["kelas"][rows], p["has_pend"][rows]),
        "Ijazah_tertinggi": pa.array(p["ijazah"][rows]),
        "Sta_Bekerja": _nullable(np.where(works, 1, 2), work_asked),
        "Jumlah_jamkerja": _nullable(p["jam"][rows], works & work_asked),
        "Lapangan_usaha": _nullable(p["lap"][rows], works & work_asked),
        "Status_pekerjaan": _nullable(p["stat_kerja"][rows], works & work_asked),
        "namagadis_ibukandung": _take(_FIRST_F, p["ibu_idx"][rows]),
        "KETERANGAN": pa.array([SYNTHETIC_MARK] * len(rows)),
    }
    return pa.table(cols)


def _write_csv_chunks(path: Path, make_table, n_rows: int, *, delimiter: str, eol: str,
                      encoding: str = "utf-8", bom: bool = False, chunk: int = 250_000) -> None:
    """Write a table chunk by chunk; non-UTF-8 encodings are transcoded per chunk (strict: fails loudly).

    No quoting, like an Excel "CSV" export: pyarrow raises if a value ever contains the delimiter, a
    quote or a line break, so such a value can never silently shift columns.
    """
    with open(path, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        for i, start in enumerate(range(0, max(n_rows, 1), chunk)):
            table = make_table(start, min(start + chunk, n_rows))
            buf = io.BytesIO()
            pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=(i == 0), delimiter=delimiter, eol=eol,
                                                           quoting_style="none", quoting_header="none"))
            data = buf.getvalue()
            if encoding != "utf-8":
                data = data.decode("utf-8").encode(encoding)
            fh.write(data)


def _with_duplicates(n: int, dup_idx: np.ndarray) -> np.ndarray:
    """Row order with each duplicate right after its original (how copy-paste duplicates look)."""
    return np.sort(np.concatenate([np.arange(n), dup_idx]), kind="stable")


def _xlsx_bytes(wb) -> bytes:
    """Save an openpyxl workbook with fixed zip timestamps and fixed document dates (byte-identical)."""
    wb.properties.creator = "kemiskinan.synthetic.sample (DATA SINTETIS)"
    wb.properties.created = _FIXED_PROPS_TIME
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    fixed = _FIXED_PROPS_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps "modified" with the clock at save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + fixed.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_EPOCH_XLSX_FIXED)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def _keterangan_sheet(wb, lines: list[str]) -> None:
    ws = wb.create_sheet("KETERANGAN")
    ws.append([SYNTHETIC_MARK])
    for line in lines:
        ws.append([line])


def _fmt_date(d: np.datetime64, style: int):
    """Indonesian date renderings seen in kelurahan spreadsheets; style 0 is a real Excel date cell."""
    x = dt.date.fromisoformat(str(d))
    if style == 0:
        return dt.datetime(x.year, x.month, x.day)
    if style == 1:
        return f"{x.day:02d}/{x.month:02d}/{x.year}"
    if style == 2:
        return f"{x.day} {_BULAN[x.month - 1]} {x.year}"
    return f"{x.day:02d}-{_BULAN3[x.month - 1]}-{x.year}"


# --------------------------------------------------------------------------------------------------
# KKS list
# --------------------------------------------------------------------------------------------------

def _kks_rows(rng, sim: Sim, calibrated: bool, dirt: Dirt) -> pd.DataFrame:
    """One row per keluarga with a card record, plus cards that match no BDT keluarga."""
    kf, p, hh, reg = sim.kf, sim.p, sim.hh, sim.reg
    fams = np.flatnonzero(kf["status"] > 0)
    n_nobdt = _scaled(120, calibrated, len(fams), per=5000, minimum=2)
    peng = kf["pengurus"][fams]
    hh_of = kf["hh"][fams]
    region = sim.plan.hh_region[hh_of]
    # Cards of families not in BDT: fresh identities (serials 9001+ never occur in the BDT files).
    real = reg.index[reg.kind == 0].to_numpy()
    nb_region = rng.choice(real, size=n_nobdt, p=reg.loc[real, "weight"].to_numpy() / reg.loc[real, "weight"].sum())
    nb_prefix = reg.nik_prefix.to_numpy()[nb_region]
    nb_birth = np.datetime64("1950-01-01") + (rng.random(n_nobdt) * 18000).astype("timedelta64[D]")
    nb_y = nb_birth.astype("datetime64[Y]").astype(np.int64) + 1970
    nb_m = nb_birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    nb_d = (nb_birth - nb_birth.astype("datetime64[M]")).astype(np.int64) + 1
    nb_female = rng.random(n_nobdt) < 0.8
    nb_base = nb_prefix * 1_000_000 + (nb_d + 40 * nb_female) * 10_000 + nb_m * 100 + nb_y % 100
    nb_nik = nb_base * 10_000 + 9001 + _cumcount(nb_base)
    # No. KK issued in 2016 with serial 9001+: BDT keluarga have serials 5001-8999, so never equal.
    nb_kk_base = (nb_prefix * 1_000_000 + (1 + (rng.random(n_nobdt) * 28).astype(np.int64)) * 10_000
                  + 100 * (1 + (rng.random(n_nobdt) * 12).astype(np.int64)) + 16)
    nb_kk = nb_kk_base * 10_000 + 9001 + _cumcount(nb_kk_base)
    fn = np.where(nb_female, (rng.random(n_nobdt) * len(_FIRST_F)).astype(np.int64),
                  (rng.random(n_nobdt) * len(_FIRST_M)).astype(np.int64))
    nb_names = [(_FIRST_F if f else _FIRST_M)[i] for f, i in zip(nb_female, fn)]
    names = _person_names(p, peng).to_pylist() + nb_names
    df = pd.DataFrame({
        "fam": np.concatenate([fams, np.full(n_nobdt, -1)]),
        "region": np.concatenate([region, nb_region]),
        "nik": np.concatenate([p["nik"][peng], nb_nik]),
        "kk": np.concatenate([kf["kk"][fams], nb_kk]),
        "nama": names,
        "status": np.concatenate([kf["status"][fams], np.ones(n_nobdt, np.int8)]),
        "street": np.concatenate([hh["street"][hh_of], (rng.random(n_nobdt) * len(_STREETS)).astype(np.int64)]),
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
    # Dirt: damaged IDs never both on one row, and never on a row whose other ID is also unusable.
    tersalur_bdt = (df.status == 1).to_numpy() & (df.fam >= 0).to_numpy()
    used = np.zeros(n, bool)
    kk_sci = _sample_idx(rng, tersalur_bdt, _scaled(70, calibrated, n, per=5000))
    used[kk_sci] = True
    nik_sci = _sample_idx(rng, tersalur_bdt, _scaled(60, calibrated, n, per=5000), used)
    used[nik_sci] = True
    nik_zwsp = _sample_idx(rng, np.ones(n, bool), _scaled(10, calibrated, n, per=5000), used)
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
    has_var = df.kode.isin(list(_NAME_VARIANTS)).to_numpy()
    kel_var = _sample_idx(rng, has_var, _scaled(260, calibrated, n, per=5000))
    kel_upper = _sample_idx(rng, np.ones(n, bool), _scaled(900, calibrated, n, per=5000), _mask_of(n, kel_var))
    kel_nbsp = _sample_idx(rng, np.ones(n, bool), _scaled(15, calibrated, n, per=5000))
    nama_spasi = _sample_idx(rng, np.ones(n, bool), _scaled(90, calibrated, n, per=5000))
    df["kel_style"] = "canon"
    df.loc[kel_upper, "kel_style"] = "upper"
    df.loc[kel_var, "kel_style"] = "varian"
    df["kel_nbsp"] = _mask_of(n, kel_nbsp)
    df["nama_spasi"] = _mask_of(n, nama_spasi)
    dup = _sample_idx(rng, tersalur_bdt, _scaled(15, calibrated, n, per=5000, minimum=2))
    df["No"] = np.arange(1, n + 1)
    df = df.iloc[_with_duplicates(n, dup)].reset_index(drop=True)
    dirt.counts[FILE_KKS_XLSX] = {
        "baris_duplikat_persis": len(dup), "kartu_tidak_ada_di_bdt": int(n_nobdt),
        "no_kk_rusak_excel_sci (NIK pengurus tetap valid)": len(kk_sci),
        "nik_rusak_excel_sci (No. KK tetap valid)": len(nik_sci), "nik_dengan_zwsp": len(nik_zwsp),
        "nik_sel_angka_excel": int(nik_num.sum()), "no_kk_sel_angka_excel": int(kk_num.sum()),
        "kelurahan_varian_ejaan": len(kel_var), "kelurahan_huruf_besar": len(kel_upper),
        "kelurahan_nbsp": len(kel_nbsp), "nama_spasi_berlebih": len(nama_spasi),
    }
    return df


def _kec_name(r) -> str:
    """Kecamatan name as a kelurahan office writes it (canonical for Bontang, synthetic elsewhere)."""
    return wilayah.get(r.kode.rsplit(".", 1)[0]).nama if r.kode.startswith("64.74.") else r.nmkec


def _kks_cells(sim: Sim, df: pd.DataFrame) -> list[list]:
    reg = sim.reg
    kode = df.kode.to_numpy()
    kec_name = {r.kode: _kec_name(r) for r in reg.itertuples() if r.kind == 0}
    kel_name = dict(zip(reg.kode, reg.nmkel))
    out = []
    for i, r in enumerate(df.itertuples(index=False)):
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
            kel = _NAME_VARIANTS[r.kode][r.No % 2]
        if r.kel_nbsp:
            kel = kel + "\u00a0"
        nama = r.nama.title() + ("  " if r.nama_spasi else "")
        tgl = None if pd.isna(r.tanggal) else _fmt_date(np.datetime64(r.tanggal, "D"), 0 if r.No % 5 else 1)
        out.append([int(r.No), nik, nama, kk, f"JL. {_STREETS[r.street]} NO. {r.no_rumah} RT {r.rt:03d}",
                    kec_name[r.kode], kel, _STATUS_KARTU[r.status], tgl])
    return out


def _write_kks(path_dir: Path, sim: Sim, df: pd.DataFrame, seed: int) -> str:
    if len(df) > KKS_XLSX_MAX_ROWS:
        # At scale: `;` CSV, UTF-8 with BOM, CRLF, header on line 1. A CSV has no numeric cells, so the
        # "Excel number" forms become plain text; the damaged `6.47402E+15` forms are kept.
        reg = sim.reg
        kel = df.kode.map(dict(zip(reg.kode, reg.nmkel)))
        kel = kel.where(df.kel_style != "upper", kel.str.upper())
        var = df.kel_style == "varian"
        kel[var] = [_NAME_VARIANTS[k][no % 2] for k, no in zip(df.kode[var], df.No[var])]
        kel = kel.where(~df.kel_nbsp, kel + "\u00a0")
        sci = lambda x: _join(pc.utf8_slice_codeunits(x, 0, 1), ".", pc.utf8_slice_codeunits(x, 1, 6), "E+15")
        nik = _with_mask(_s(df.nik.to_numpy()), np.flatnonzero((df.nik_form == "sci").to_numpy()), sci)
        nik = _with_mask(nik, np.flatnonzero((df.nik_form == "zwsp").to_numpy()), lambda x: _join(x, "\u200b"))
        kk = _with_mask(_s(df.kk.to_numpy()), np.flatnonzero((df.kk_form == "sci").to_numpy()), sci)
        nama = pc.utf8_title(pa.array(df.nama, pa.string()))
        nama = _with_mask(nama, np.flatnonzero(df.nama_spasi.to_numpy()), lambda x: _join(x, "  "))
        tg = df.tanggal.to_numpy().astype("datetime64[D]")
        tg_ok = ~np.isnat(tg)
        tg = np.where(tg_ok, tg, np.datetime64("2017-01-01"))
        tanggal = _dmy(tg.astype("datetime64[Y]").astype(np.int64) + 1970,
                       tg.astype("datetime64[M]").astype(np.int64) % 12 + 1,
                       (tg - tg.astype("datetime64[M]")).astype(np.int64) + 1)
        tanggal = pc.if_else(pa.array(tg_ok), tanggal, pa.scalar(None, pa.string()))
        table = pa.table({
            "No": pa.array(df.No.to_numpy()), "NIK Pengurus": nik, "Nama Pengurus": nama, "No. KK": kk,
            "Alamat": _join("JL. ", _take(_STREETS, df.street.to_numpy()), " NO. ", _s(df.no_rumah.to_numpy()),
                            " RT ", pc.utf8_lpad(_s(df.rt.to_numpy()), width=3, padding="0")),
            "Kecamatan": pa.array(df.kode.map({r.kode: _kec_name(r) for r in reg.itertuples()})),
            "Kelurahan": pa.array(kel, pa.string()),
            "Status Kartu": _take(_STATUS_KARTU, df.status.to_numpy()),
            "Tanggal Distribusi": tanggal,
            "KETERANGAN": pa.array([SYNTHETIC_MARK] * len(df)),
        })
        _write_csv_chunks(path_dir / FILE_KKS_CSV, lambda a, b: table.slice(a, b - a), len(df),
                          delimiter=";", eol="\r\n", bom=True)
        return FILE_KKS_CSV
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DAFTAR KKS")
    ws.append(["DAFTAR DISTRIBUSI KARTU KELUARGA SEJAHTERA (KKS) TAHUN 2017 - KOTA BONTANG"])
    ws.append([f"{SYNTHETIC_MARK} (contoh buatan kemiskinan.synthetic.sample, seed {seed})"])
    ws.append(KKS_COLUMNS)
    for row in _kks_cells(sim, df):
        ws.append(row)
    _keterangan_sheet(wb, ["Daftar distribusi KKS ini dibuat oleh generator sintetis proyek kemiskinan.",
                           "Tidak berisi data pribadi nyata. Semua NIK, No. KK, nama dan alamat adalah rekaan."])
    (path_dir / FILE_KKS_XLSX).write_bytes(_xlsx_bytes(wb))
    return FILE_KKS_XLSX


# --------------------------------------------------------------------------------------------------
# MPM workbook
# --------------------------------------------------------------------------------------------------

def _mpm(rng, sim: Sim, calibrated: bool, out_dir: Path) -> tuple[int, dict, dict, dict]:
    from openpyxl import Workbook
    reg, hh, p, kf = sim.reg, sim.hh, sim.p, sim.kf
    bontang = reg.index[(reg.kind == 0) & reg.kode.str.startswith("64.74.")].to_numpy()
    reporting = [j for j in bontang if reg.kode[j] not in _MPM_NOT_REPORTING]
    n_bdt_hh = int(np.isin(sim.plan.hh_region, bontang).sum())
    total = 600 if calibrated else int(min(MPM_MAX_ROWS, max(20, round(600 * n_bdt_hh / 8700))))
    n_reg = int(round(total * 0.6))
    n_new = total - n_reg
    region = sim.plan.hh_region
    cand = np.isin(region, reporting) & (hh["kind"] == 0) & (hh["grp"] <= G_4PLUS)
    w = np.where(hh["grp"] <= 3, 3.0, 1.0) * cand
    # Weighted sampling without replacement via keys u^(1/w) (Generator.choice with p is slow at 1M).
    key = np.where(w > 0, rng.random(len(w)) ** (1.0 / np.maximum(w, 1e-12)), -1.0)
    picked = np.sort(np.argpartition(-key, n_reg)[:n_reg])
    rw = np.array([(region == j).sum() for j in reporting], dtype=float)
    new_region = np.array(reporting)[_pick(rng, np.zeros(n_new, np.int8), rw)]
    rows = []
    idbdt_base = {j: int(reg.kdprop[j]) * 10 ** 13 + int(reg.kdkab[j]) * 10 ** 11 + int(reg.kdkec[j]) * 10 ** 8
                  + int(reg.kddesa[j]) * 10 ** 5 for j in reporting}
    krt_names = _person_names(p, hh["first_person"][picked]).to_pylist() if n_reg else []
    for k, h in enumerate(picked):
        fp = hh["first_person"][h]
        rows.append(dict(region=int(region[h]), nik=int(p["nik"][fp]), kk=int(kf["kk"][kf["hh"].searchsorted(h)]),
                         nama=krt_names[k], street=int(hh["street"][h]), no=int(hh["no_rumah"][h]),
                         rt=int(sim.plan.hh_rt[h]), idbdt=str(idbdt_base[int(region[h])] + int(sim.plan.hh_seq[h])),
                         art=int(hh["size"][h])))
    for k, j in enumerate(new_region):
        f = rng.random() < 0.2
        y, m, d = 1950 + int(rng.integers(0, 50)), 1 + int(rng.integers(0, 12)), 1 + int(rng.integers(0, 28))
        pre = int(reg.nik_prefix[j])
        rows.append(dict(region=int(j), nik=int(f"{pre}{d + 40 * f:02d}{m:02d}{y % 100:02d}{9001 + k % 998:04d}"),
                         kk=int(f"{pre}{1 + k % 28:02d}{1 + int(rng.integers(0, 12)):02d}17{9001 + k % 998:04d}"),
                         nama=(_FIRST_F if f else _FIRST_M)[int(rng.integers(0, 50))] + " "
                         + _LAST[int(rng.integers(4, len(_LAST)))],
                         street=int(rng.integers(0, len(_STREETS))), no=int(rng.integers(1, 120)),
                         rt=int(rng.integers(1, int(reg.n_rt[j]) + 1)), idbdt="", art=int(rng.integers(1, 8))))
    df = pd.DataFrame(rows)
    n = len(df)
    df["tgl_daftar"] = np.datetime64("2018-01-02") + (rng.random(n) * 119).astype("timedelta64[D]")
    hasil = _pick(rng, np.zeros(n, np.int8), [.58, .06, .05, .04, .05, .22], [1, 2, 3, 4, 5, 0])
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
    df["fmt1"] = _pick(rng, np.zeros(n, np.int8), [.35, .35, .2, .1])
    df["fmt2"] = _pick(rng, np.zeros(n, np.int8), [.35, .35, .2, .1])
    df["nik_num"] = rng.random(n) < 0.15
    df["_o"] = rng.random(n)
    df = df.sort_values(["region", "tgl_daftar", "_o"], kind="stable").reset_index(drop=True)

    wb = Workbook(write_only=True)
    per_kel = {}
    date_styles = {0: 0, 1: 0, 2: 0, 3: 0}
    for j in bontang:
        kode = reg.kode[j]
        ws = wb.create_sheet(_MPM_SHEET_NAME.get(kode, reg.nmkel[j]))
        ws.append(MPM_COLUMNS)
        sub = df[df.region == j]
        per_kel[kode] = len(sub)
        for i, r in enumerate(sub.itertuples(index=False), start=1):
            date_styles[int(r.fmt1)] += 1
            verified = r.hasil > 0
            ws.append([i, _fmt_date(np.datetime64(r.tgl_daftar, "D"), int(r.fmt1)),
                       r.nik if r.nik_num else str(r.nik), str(r.kk), r.nama,
                       f"JL. {_STREETS[r.street]} NO. {r.no}", f"{r.rt:03d}" if i % 4 else str(r.rt),
                       r.idbdt or None, "Sudah terdaftar" if r.idbdt else "Belum terdaftar",
                       int(r.hasil) if verified else None,
                       _fmt_date(np.datetime64(r.tgl_verif, "D"), int(r.fmt2)) if verified else None,
                       int(r.art_now), int(r.mati) if verified else None, int(r.pindah) if verified else None,
                       int(r.baru) if verified else None])
    _keterangan_sheet(wb, ["Rekap MPM 2018 per kelurahan (pendaftaran dan hasil verifikasi) - SINTETIS.",
                           "Hasil Verifikasi: 1 Selesai diverivali, 2 Rumah tangga tidak ditemukan, "
                           "3 Pindah/bangunan tidak ada, 4 Bagian dari rumah tangga lain, 5 Data ganda; "
                           "kosong = belum diverifikasi.",
                           "Sheet tanpa baris data = kelurahan belum melapor."])
    (out_dir / FILE_MPM).write_bytes(_xlsx_bytes(wb))
    info = {"pendaftar": n, "sudah_terdaftar": int(registered.sum()), "belum_terdaftar": int((~registered).sum()),
            "hasil": {str(k): int((hasil == k).sum()) for k in range(1, 6)},
            "belum_diverifikasi": int((hasil == 0).sum()),
            "art_meninggal": int(mati.sum()), "art_pindah": int(pindah.sum()), "art_baru": int(baru.sum())}
    dirt = {"sheet_nama_varian": len([j for j in bontang if reg.kode[j] in _MPM_SHEET_NAME]),
            "sheet_tanpa_data (belum melapor)": len(bontang) - len(reporting),
            "tanggal_sel_excel": date_styles[0], "tanggal_dd/mm/yyyy": date_styles[1],
            "tanggal_teks_bulan_panjang": date_styles[2], "tanggal_dd-Mmm-yyyy": date_styles[3],
            "nik_sel_angka_excel": int(df.nik_num.sum())}
    return n, per_kel, info, dirt


# --------------------------------------------------------------------------------------------------
# Population file
# --------------------------------------------------------------------------------------------------

def _penduduk(rng, sim: Sim, calibrated: bool, jiwa: np.ndarray, out_dir: Path) -> tuple[int, dict]:
    reg = sim.reg
    real = reg.index[reg.kind == 0].to_numpy()
    if calibrated:
        pop = reg.loc[real, "penduduk"].to_numpy().astype(np.int64)
    else:   # BDT persons are ~15-30 % of a kelurahan's population
        pop = np.maximum(np.round(jiwa[real] / (0.15 + 0.15 * rng.random(len(real)))).astype(np.int64), 50)
    rt = np.round(pop / (3.7 + 0.4 * rng.random(len(real)))).astype(np.int64)
    kk = np.round(rt * (1.06 + 0.08 * rng.random(len(real)))).astype(np.int64)
    kec_names = [_kec_name(r) for r in reg.loc[real].itertuples()]
    table = pa.table({
        "Kode Wilayah": pa.array(reg.kode[real].tolist()), "Kecamatan": pa.array(kec_names),
        "Kelurahan": pa.array(reg.nmkel[real].tolist()), "Jumlah Penduduk": pa.array(pop),
        "Jumlah Rumah Tangga": pa.array(rt), "Jumlah KK": pa.array(kk), "Tahun": pa.array([2017] * len(real)),
        "Sumber": pa.array(["Sintetis (meniru proyeksi Disdukcapil/BPS 2017)"] * len(real)),
        "KETERANGAN": pa.array([SYNTHETIC_MARK] * len(real)),
    })
    _write_csv_chunks(out_dir / FILE_PENDUDUK, lambda a, b: table.slice(a, b - a), len(real),
                      delimiter="\t", eol="\n")
    return len(real), {reg.kode[j]: int(v) for j, v in zip(real, pop)}


# --------------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------------

def ground_truth(households: int | None = None) -> pd.DataFrame:
    """The calibrated truth per kelurahan (seed-independent): keluarga in desil 1-4 and with KKS.

    Only defined for the calibrated sample (households=None); for other sizes read
    ``generate(...)["ground_truth"]``.
    """
    if households is not None:
        raise ValueError("ground_truth() tanpa generate() hanya untuk sampel terkalibrasi (households=None)")
    reg = _bontang_regions()
    h = _largest_remainder(CALIB_KELUARGA_KKS, reg.k_target.to_numpy() * reg.kks_w.to_numpy())
    return pd.DataFrame({"kode_kelurahan": reg.kode, "nama": reg.nmkel,
                         "keluarga_miskin": reg.k_target.astype(int), "keluarga_kks": h,
                         "keluarga_tanpa_kks": reg.k_target.to_numpy() - h})


def _truth(sim: Sim) -> pd.DataFrame:
    reg, plan, hh, kf, p = sim.reg, sim.plan, sim.hh, sim.kf, sim.p
    R = len(reg)
    valid_hh = hh["kind"] == 0
    target_hh = valid_hh & (hh["grp"] <= 3)
    kf_region = plan.hh_region[kf["hh"]]
    kf_target = target_hh[kf["hh"]]
    p_region = plan.hh_region[p["hh"]]

    def cnt(region, mask):
        return np.bincount(region[mask], minlength=R)

    df = pd.DataFrame({
        "kode_kelurahan": reg.kode, "nama": reg.nmkel, "kab_kota": reg.kab_label,
        "keluarga_miskin": cnt(kf_region, kf_target),
        "keluarga_kks": cnt(kf_region, kf_target & (kf["status"] == 1)),
        "keluarga_tanpa_kks": cnt(kf_region, kf_target & (kf["status"] != 1)),
        "keluarga_kks_belum_tersalur": cnt(kf_region, kf_target & (kf["status"] == 2)),
        "keluarga_kks_dikembalikan": cnt(kf_region, kf_target & (kf["status"] == 3)),
        "keluarga_4plus_nondesil_kks": cnt(kf_region, valid_hh[kf["hh"]] & ~kf_target & (kf["status"] == 1)),
        "keluarga_bdt": cnt(kf_region, valid_hh[kf["hh"]]),
        "rumah_tangga_bdt": cnt(plan.hh_region, valid_hh),
        "rumah_tangga_desil_1_4": cnt(plan.hh_region, target_hh),
        "jiwa_bdt": cnt(p_region, valid_hh[p["hh"]]),
        "jiwa_desil_1_4": cnt(p_region, target_hh[p["hh"]]),
    })
    for g, name in enumerate(["d1", "d2", "d3", "d4", "4plus", "nondesil"]):
        df[f"rumah_tangga_{name}"] = cnt(plan.hh_region, valid_hh & (hh["grp"] == g))
    return df[reg.kind.to_numpy() == 0].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------------

def _params_line(seed, households, kabkota) -> str:
    return ("<!-- sintetis-params: " + json.dumps({"seed": seed, "households": households, "kabkota": kabkota,
                                                    "version": GENERATOR_VERSION}, sort_keys=True) + " -->")


def _readme(summary: dict, truth: pd.DataFrame) -> str:
    s = summary
    L = [f"# Data contoh SINTETIS — {SYNTHETIC_MARK}", "",
         _params_line(s["seed"], s["households"], s["kabkota"]), "",
         "Dibuat oleh `python -m kemiskinan sample-data` (modul `kemiskinan.synthetic.sample`). Semua nama, NIK, No. KK,",
         "IDBDT dan alamat adalah rekaan; tidak ada data pribadi nyata. Bentuk file mengikuti",
         "`docs/contracts.md` §1 (file seperti yang benar-benar diterima analis, termasuk kotorannya).", "",
         f"- Seed: `{s['seed']}`", f"- Ukuran: `{'terkalibrasi (contracts §1.7)' if s['households'] is None else s['households']}`"
         f" rumah tangga", f"- Wilayah: `{s['kabkota']}`", "", "## File", "", "| file | baris data | format |",
         "|---|---:|---|"]
    fmts = {FILE_RT: "`;`, cp1252, CRLF", FILE_ART: "`,`, UTF-8 dengan BOM, LF",
            FILE_KKS_XLSX: "xlsx, sheet `DAFTAR KKS` (header baris 3) + `KETERANGAN`",
            FILE_KKS_CSV: f"`;`, UTF-8 dengan BOM, CRLF, header baris 1 (dipakai bila > {KKS_XLSX_MAX_ROWS:,} baris)",
            FILE_MPM: "xlsx, satu sheet per kelurahan + `KETERANGAN`", FILE_PENDUDUK: "tab, UTF-8, LF"}
    for name, rows in s["files"].items():
        L.append(f"| `{name}` | {rows:,} | {fmts[name]} |")
    L += ["", "## Kotoran yang disuntikkan (per file, per jenis)", "",
          "Kotoran yang bisa diperbaiki (varian nama, huruf, spasi, NBSP/ZWSP, sel angka Excel, akhiran `.0`)",
          "diperbaiki oleh pembersihan; kotoran yang harus ditolak/digabung berupa baris *tambahan* (duplikat",
          "persis, rumah tangga di luar Kota Bontang, kelurahan tak dikenal, anggota tanpa rumah tangga).",
          "NIK rusak (`6.47402E+15`, tanggal tidak valid, kosong) hanya pada anggota yang bukan kepala keluarga",
          "dan bukan pengurus KKS, jadi angka kalibrasi tidak berubah.", ""]
    for f, kinds in s["dirt"].items():
        L += [f"### `{f}`", "", "| jenis | jumlah |", "|---|---:|"]
        L += [f"| {k} | {v:,} |" for k, v in kinds.items()]
        L.append("")
    gt = s["ground_truth"]
    L += ["## Kebenaran dasar (ground truth)", "",
          f"- Keluarga desil 1–4 (sasaran): **{gt['keluarga_miskin']:,}**",
          f"- … memegang KKS (TERSALUR, cocok ke keluarga): **{gt['keluarga_kks']:,}**",
          f"- … tanpa KKS: **{gt['keluarga_tanpa_kks']:,}**",
          f"- Rumah tangga BDT sah: {gt['rumah_tangga_bdt']:,}; jiwa BDT sah: {gt['jiwa_bdt']:,}",
          f"- KKS TERSALUR pada keluarga desil 4+/non-desil (inclusion): {gt['keluarga_4plus_nondesil_kks']:,}",
          f"- KKS TERSALUR tidak ada di BDT: {gt['kks_tidak_ada_di_bdt']:,}", "",
          "| kode | kelurahan | keluarga desil 1–4 | dengan KKS | tanpa KKS | RT BDT | jiwa BDT |",
          "|---|---|---:|---:|---:|---:|---:|"]
    shown = truth[truth.kode_kelurahan.str.startswith("64.74.")]
    for r in shown.itertuples():
        L.append(f"| {r.kode_kelurahan} | {r.nama} | {r.keluarga_miskin:,} | {r.keluarga_kks:,} | "
                 f"{r.keluarga_tanpa_kks:,} | {r.rumah_tangga_bdt:,} | {r.jiwa_bdt:,} |")
    if len(shown) < len(truth):
        L += ["", "Kab/kota lain (kelurahan sintetis) — total per kab/kota:", "",
              "| kab/kota | keluarga desil 1–4 | dengan KKS | RT BDT |", "|---|---:|---:|---:|"]
        agg = truth.groupby("kab_kota", sort=True)[["keluarga_miskin", "keluarga_kks", "rumah_tangga_bdt"]].sum()
        L += [f"| {k} | {r.keluarga_miskin:,} | {r.keluarga_kks:,} | {r.rumah_tangga_bdt:,} |"
              for k, r in agg.iterrows()]
    L += ["", "Catatan: untuk `--kabkota kaltim` file MPM hanya berisi 15 kelurahan Kota Bontang (rekap MPM",
          "dikumpulkan oleh Pemkot Bontang); kelurahan di luar Bontang diberi nama `Kelurahan Sintetis NN` dan",
          "kode rekaan. Untuk ukuran besar daftar KKS ditulis sebagai CSV `;` bila lebih dari "
          f"{KKS_XLSX_MAX_ROWS:,} baris, dan",
          f"workbook MPM dibatasi {MPM_MAX_ROWS:,} baris.", ""]
    return "\n".join(L)


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def generate(out_dir: Path, seed: int = 2018, households: int | None = None, kabkota: str = "bontang") -> dict:
    """Write the five synthetic raw files + README.md into out_dir; return a summary dict.

    households=None → the calibrated Bontang sample (contracts §1.7); households=N → N households (plus a
    few extra rows to be rejected) with the same structure and proportions, for scale tests.
    """
    if households is not None and households < 50:
        raise ValueError("households minimal 50")
    out_dir = Path(out_dir)
    calibrated = households is None
    if calibrated and kabkota != "bontang":
        raise ValueError("sampel terkalibrasi hanya untuk kabkota='bontang'; beri --households N untuk 'kaltim'")
    timing = {}
    t0 = time.perf_counter()

    def lap(name):
        nonlocal t0
        now = time.perf_counter()
        timing[name] = round(now - t0, 3)
        t0 = now

    rng = np.random.default_rng(seed)
    reg = _regions(kabkota)
    plan = _make_plan(rng, reg, households)
    lap("plan")
    sim = _simulate(rng, reg, plan)
    lap("simulate")
    dirt = _choose_dirt(rng, sim, calibrated)
    lap("dirt")

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        files = {}
        hh = sim.hh
        H = len(hh["grp"])
        rt_rows = _with_duplicates(H, dirt.rt["duplikat"])
        rt_rows = rt_rows[hh["kind"][rt_rows] != 3]        # orphan households: members only
        _write_csv_chunks(tmp / FILE_RT, lambda a, b: _rt_table(sim, dirt, rt_rows[a:b]), len(rt_rows),
                          delimiter=";", eol="\r\n", encoding="cp1252")
        files[FILE_RT] = len(rt_rows)
        lap("write_rt")
        P = len(sim.p["hh"])
        art_rows = _with_duplicates(P, dirt.art["duplikat"])
        _write_csv_chunks(tmp / FILE_ART, lambda a, b: _art_table(sim, dirt, art_rows[a:b]), len(art_rows),
                          delimiter=",", eol="\n", bom=True)
        files[FILE_ART] = len(art_rows)
        lap("write_art")
        kks = _kks_rows(rng, sim, calibrated, dirt)
        lap("kks_rows")
        kks_name = _write_kks(tmp, sim, kks, seed)
        files[kks_name] = len(kks)
        lap("write_kks")
        n_mpm, mpm_per_kel, mpm_info, mpm_dirt = _mpm(rng, sim, calibrated, tmp)
        files[FILE_MPM] = n_mpm
        lap("write_mpm")
        truth = _truth(sim)
        n_pend, pend = _penduduk(rng, sim, calibrated, np.bincount(
            plan.hh_region[sim.p["hh"]][hh["kind"][sim.p["hh"]] == 0], minlength=len(reg)), tmp)
        files[FILE_PENDUDUK] = n_pend
        truth["mpm_pendaftar"] = truth.kode_kelurahan.map(mpm_per_kel).astype("Int64")
        truth["mpm_melapor"] = truth.kode_kelurahan.map({k: v > 0 for k, v in mpm_per_kel.items()})
        truth["penduduk"] = truth.kode_kelurahan.map(pend)

        kind = hh["kind"]
        p_kind = kind[sim.p["hh"]]
        d = dirt.rt
        dirt.counts[FILE_RT] = {
            "baris_duplikat_persis": len(d["duplikat"]),
            "rumah_tangga_luar_kota (KDKAB/KDPROP lain, ditolak)": int((kind == 1).sum()),
            "rumah_tangga_kelurahan_tidak_dikenal (KDDESA 007 'Sidrap', ditolak)": int((kind == 2).sum()),
            "nmkel_varian_ejaan": len(d["nmkel_varian"]), "nmkel_nmkec_huruf_judul": len(d["nmkel_title"]),
            "nmkel_spasi_depan_belakang": len(d["nmkel_spasi"]), "nmkel_nbsp": len(d["nmkel_nbsp"]),
            "idbdt_spasi_depan_belakang": len(d["idbdt_spasi"]), "nama_krt_spasi": len(d["nama_krt_spasi"]),
            "nama_krt_nbsp": len(d["nama_krt_nbsp"]), "nama_krt_huruf_judul": len(d["nama_krt_title"]),
        }
        a = dirt.art
        dirt.counts[FILE_ART] = {
            "baris_duplikat_persis": len(a["duplikat"]),
            "anggota_rumah_tangga_luar_kota (ditolak)": int((p_kind == 1).sum()),
            "anggota_kelurahan_tidak_dikenal (ditolak)": int((p_kind == 2).sum()),
            "anggota_tanpa_rumah_tangga (IDBDT yatim, ditolak)": int((p_kind == 3).sum()),
            "nik_excel_sci (6.47402E+15)": len(a["nik_excel_sci"]), "nik_akhiran_.0": len(a["nik_akhiran_0"]),
            "nik_bulan_13": len(a["nik_bulan_13"]), "nik_tanggal_00": len(a["nik_tanggal_00"]),
            "nik_kosong (balita)": len(a["nik_kosong"]), "nik_dengan_zwsp": len(a["nik_zwsp"]),
            "idbdt_spasi_belakang": len(a["idbdt_spasi"]), "nama_huruf_judul": len(a["nama_title"]),
            "nama_spasi_belakang": len(a["nama_spasi"]), "nama_nbsp": len(a["nama_nbsp"]),
            "nama_zwsp": len(a["nama_zwsp"]),
            "nik_pendatang_prefix_luar_kaltim (sah)": int((sim.p["nik"] // 10 ** 14 != 64).sum()),
            "tgllahir_teks_bulan_panjang": int((sim.p["date_fmt"] == 1).sum()),
            "tgllahir_iso_yyyy-mm-dd": int((sim.p["date_fmt"] == 2).sum()),
        }
        if kks_name == FILE_KKS_CSV:   # a CSV has no numeric cells: those two kinds do not exist there
            kks_dirt = dirt.counts.pop(FILE_KKS_XLSX)
            kks_dirt.pop("nik_sel_angka_excel")
            kks_dirt.pop("no_kk_sel_angka_excel")
            dirt.counts[FILE_KKS_CSV] = kks_dirt
        dirt.counts[FILE_MPM] = mpm_dirt
        dirt.counts[FILE_PENDUDUK] = {"tidak_ada": 0}
        valid_truth = truth
        gt = {k: int(valid_truth[k].sum()) for k in
              ["keluarga_miskin", "keluarga_kks", "keluarga_tanpa_kks", "keluarga_kks_belum_tersalur",
               "keluarga_kks_dikembalikan", "keluarga_4plus_nondesil_kks", "keluarga_bdt", "rumah_tangga_bdt",
               "rumah_tangga_desil_1_4", "jiwa_bdt", "jiwa_desil_1_4"]}
        gt["kks_tidak_ada_di_bdt"] = int((kks.fam < 0).sum())
        gt["mpm"] = mpm_info
        gt["per_kelurahan"] = truth.astype(object).where(truth.notna(), None).to_dict("records")
        summary = {"out_dir": str(out_dir), "seed": seed, "households": households, "kabkota": kabkota,
                   "calibrated": calibrated, "files": files, "dirt": dirt.counts, "ground_truth": gt}
        (tmp / FILE_README).write_text(_readme(summary, truth), encoding="utf-8")
        files_all = list(files) + [FILE_README]
        # Move in: every file is complete before any is replaced, so a failure leaves the old set.
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in files_all:
            os.replace(tmp / name, out_dir / name)
        stale = FILE_KKS_CSV if kks_name == FILE_KKS_XLSX else FILE_KKS_XLSX
        (out_dir / stale).unlink(missing_ok=True)
        summary["sha256"] = {n: _sha256(out_dir / n) for n in files_all}
        lap("finish")
        summary["timing_s"] = timing      # not written to README: it would break byte-identity
        return summary
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def is_present(out_dir: Path, seed: int, households: int | None, kabkota: str) -> bool:
    """True when out_dir already holds a complete generated set for exactly these parameters."""
    out_dir = Path(out_dir)
    readme = out_dir / FILE_README
    if not readme.exists():
        return False
    if _params_line(seed, households, kabkota) not in readme.read_text(encoding="utf-8"):
        return False
    kks_ok = (out_dir / FILE_KKS_XLSX).exists() or (out_dir / FILE_KKS_CSV).exists()
    return kks_ok and all((out_dir / f).exists() for f in (FILE_RT, FILE_ART, FILE_MPM, FILE_PENDUDUK))


def main_sample_data(argv: list[str] | None = None) -> int:
    """CLI: `python -m kemiskinan sample-data [--out DIR] [--seed N] [--households N] [--kabkota ...]`.

    With `--round`/`--shape` (a later round) or `--params FILE` the command is `sample_rounds`'."""
    argv = list(__import__("sys").argv[1:] if argv is None else argv)
    if any(a.split("=")[0] in ("--round", "--shape", "--params") for a in argv):
        from kemiskinan.synthetic import rounds as sample_rounds
        return sample_rounds.main_sample_data(argv)
    ap = argparse.ArgumentParser(prog="kemiskinan sample-data",
                                 description="Tulis data contoh SINTETIS (BDT 2015, KKS 2017, MPM 2018, penduduk).",
                                 epilog="Ronde berikutnya: --round 2019-05 --shape dtks, --round 2025-06 --shape dtsen "
                                        "[--out DIR] [--if-absent]; --params FILE: ronde folder `raw` file itu.")
    ap.add_argument("--out", type=Path, default=config.SAMPLE_RAW_DIR, help="folder tujuan (default data/raw/sample)")
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--households", type=int, default=None,
                    help="jumlah rumah tangga (uji skala); tanpa ini: sampel Bontang terkalibrasi")
    ap.add_argument("--kabkota", choices=["bontang", "kaltim"], default="bontang")
    ap.add_argument("--if-absent", action="store_true",
                    help="tidak melakukan apa-apa bila folder sudah berisi file untuk seed/ukuran yang sama")
    args = ap.parse_args(argv)
    out = config.raw_dir(args.out) if not Path(args.out).is_absolute() else Path(args.out)
    if args.if_absent and is_present(out, args.seed, args.households, args.kabkota):
        print(f"Data sintetis sudah ada di {out} (seed {args.seed}); tidak dibuat ulang.")
        return 0
    try:
        s = generate(out, seed=args.seed, households=args.households, kabkota=args.kabkota)
    except ValueError as e:
        from kemiskinan.errors import ParameterError
        raise ParameterError(str(e)) from e
    gt = s["ground_truth"]
    print(f"Data sintetis ditulis ke {out} (seed {args.seed}):")
    for name, rows in s["files"].items():
        print(f"  {name}: {rows:,} baris")
    print(f"  keluarga desil 1-4: {gt['keluarga_miskin']:,}; dengan KKS: {gt['keluarga_kks']:,}; "
          f"tanpa KKS: {gt['keluarga_tanpa_kks']:,}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_sample_data())
