"""The later synthetic rounds for the same city: DTKS 2019-05 (round 2) and DTSEN 2025-06 (round 3).

Round 1 (`kemiskinan.synthetic.sample`, PBDT 2015 + MPM, periode 2018-05) stays as it is. This module re-creates
round 1's simulation in memory (same seed, same calls as `sample.generate`) and lets it age:

* round 2 (DTKS, SIKS-NG export): most households carry over with their IDBDT as `ID DTKS` and their
  keluarga keep their No. KK; some households are gone, some are new (new ID, new No. KK), some move to
  another kelurahan, some change desil group (in and out of desil 1–4); KKS coverage rises, except in two
  kelurahan that fall behind;
* round 3 (DTSEN): the family is the unit (a round-2 household with two keluarga becomes two families,
  each keeping its No. KK); desil 1–10 (national, province and kab/kota may disagree); some families gone,
  some new, some moved; children born 2019–2025 (their NIK carries a 2-digit year ≤ 25).

The truths (`round_truth`: headline per kelurahan, flows of target families matched by No. KK as the
contract's banding_alur defines them) come from the simulation itself, never from the pipeline's output,
and are written in each round's README, with the small dirt planted and its known effect (`_DIRT_NOTES`).
One `numpy.random.default_rng((seed, round))` per round and fixed xlsx stamps: same seed, same bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan import config

from kemiskinan.synthetic import sample

from kemiskinan.domain import wilayah
from kemiskinan.synthetic import rounds_files as files_
from kemiskinan.synthetic.rounds_files import ALUR_COLUMNS, HOUSING, VARIANT_UPPER
from kemiskinan.errors import ParameterError

VERSION = 1
SEED = 2018
KOTA = "64.74"


@dataclass(frozen=True)
class RoundSpec:
    periode: str
    shape: str
    folder: str
    previous: str | None
    acuan: str            # tanggal acuan = last day of the periode month
    files: tuple[str, ...]
    profile: str | None


ROUNDS = {
    "2018-05": RoundSpec("2018-05", "pbdt", "sample", None, "2018-05-31", (), None),
    "2019-05": RoundSpec("2019-05", "dtks", "sample_2019", "2018-05", "2019-05-31",
                         ("SINTETIS_DTKS_ART_6474_2019.txt", "SINTETIS_DTKS_RUTA_6474_2019.txt",
                          "SINTETIS_KKS_Distribusi_2019.xlsx", "SINTETIS_Penduduk_Kelurahan_2019.csv"),
                         "dtks_siksng"),
    "2025-06": RoundSpec("2025-06", "dtsen", "sample_2025", "2019-05", "2025-06-30",
                         ("SINTETIS_DTSEN_KELUARGA_6474_2025.txt", "SINTETIS_DTSEN_ANGGOTA_6474_2025.txt",
                          "SINTETIS_KKS_Distribusi_2025.xlsx", "SINTETIS_Penduduk_Kelurahan_2024.csv"),
                         "dtsen"),
}
SHAPES = {s.shape: p for p, s in ROUNDS.items()}
FOLDERS = {s.folder: p for p, s in ROUNDS.items()}

_GITIGNORE = ("# The synthetic sample is regenerated deterministically by `python -m kemiskinan sample-data`\n"
              "# (make does it when absent), so only this file and the README are tracked.\n*\n!.gitignore\n"
              "!README.md\n")
# KKS coverage aimed at per kelurahan (target families holding a card); two kelurahan fall behind in each
# later round so the comparison has something to say (round 1's weights are sample._CALIB[...][1]).
_COVERAGE = {"2019-05": {"64.74.02.1005": 0.62, "64.74.01.1006": 0.70},
             "2025-06": {"64.74.03.1003": 0.70, "64.74.02.1004": 0.74}}
_OUTSIDE = 15           # sample._regions row: the neighbouring kabupaten (Kutai Timur), rejected by cleaning
_DIRT_NOTES = {
    "2019-05": [
        "3 rumah tangga di luar Kota Bontang (KABUPATEN/KOTA `KUTAI TIMUR`) → ditolak; tidak masuk kebenaran.",
        "Ejaan kelurahan varian (`LOKTUAN`, `BEREBAS TENGAH`, `TELIHAN`, `TJ. LAUT INDAH`) → dikenali.",
        "3 keluarga sasaran yang semua anggotanya tanpa NOKK → tetap di data, tetapi tidak bisa dicocokkan: "
        "dihitung `tanpa_kunci` di 2019-05 dan `keluar_dari_data` dari sisi 2018-05.",
        "2 NIK tidak valid (bulan 13, bukan kepala/pasangan, `TIDAK PADAN`) → disimpan dan ditandai.",
    ],
    "2025-06": [
        "2 keluarga di luar Kota Bontang (kode 6408 Kutai Timur) → ditolak; tidak masuk kebenaran.",
        "Ejaan kelurahan varian (`Loktuan`, `Berebas Tengah`, `Telihan`, `Tj. Laut Indah`, kode tetap benar).",
        "2 NIK tidak valid (bulan 13, bukan kepala/pasangan) → disimpan dan ditandai.",
        "2 keluarga sasaran (sudah ada di 2019-05) yang baris keluarga dan anggotanya tanpa No. KK → ditolak (kunci "
        "satu-satunya hilang); tidak masuk kebenaran 2025-06; dari sisi 2019-05 mereka keluar dari data.",
        "Keluarga 2019-05 yang NOKK-nya kosong muncul lagi dengan No. KK-nya: tanpa pasangan di 2019-05, jadi "
        "`masuk_baru` bila masuk sasaran.",
    ],
}


# --------------------------------------------------------------------------------------------------
# State of one round: units (households; in DTSEN the family), families, persons — parallel arrays
# --------------------------------------------------------------------------------------------------

@dataclass
class State:
    hh: dict     # reg, id, desil (0 none / 1..10), pct, rt, street, no_rumah, housing (H×K), kind, var
    kf: dict     # hh, nuk, kk (written; 0 = empty), kk_true, status (0 none, 1 TERSALUR, 2, 3), flags
    p: dict      # kf, nik, female, birth (datetime64[D]), first_idx, last_idx, ibu_idx, tmp_idx, hubkel,
    #              hub_krt, kawin, part_school, ijazah, works, stat_kerja, lap, bad (NIK planted invalid)


def _select(s: State, hh_idx: np.ndarray, p_keep: np.ndarray | None = None) -> State:
    """The households hh_idx (in that order) with their families and persons (p_keep: persons to keep)."""
    hh_idx = np.asarray(hh_idx, dtype=np.int64)
    new_of = np.full(len(s.hh["reg"]), -1, dtype=np.int64)
    new_of[hh_idx] = np.arange(len(hh_idx))
    f_hh = new_of[s.kf["hh"]]
    f_sel = np.flatnonzero(f_hh >= 0)
    f_sel = f_sel[np.lexsort((s.kf["nuk"][f_sel], f_hh[f_sel]))]
    f_new = np.full(len(s.kf["hh"]), -1, dtype=np.int64)
    f_new[f_sel] = np.arange(len(f_sel))
    p_f = f_new[s.p["kf"]]
    keep = (p_f >= 0) if p_keep is None else (p_f >= 0) & p_keep
    p_sel = np.flatnonzero(keep)
    p_sel = p_sel[np.argsort(p_f[p_sel], kind="stable")]
    hh = {k: v[hh_idx] for k, v in s.hh.items()}
    kf = {k: v[f_sel] for k, v in s.kf.items()}
    kf["hh"] = f_hh[f_sel]
    p = {k: v[p_sel] for k, v in s.p.items()}
    p["kf"] = p_f[p_sel]
    return State(hh, kf, p)


def _concat(a: State, b: State) -> State:
    hh = {k: np.concatenate([a.hh[k], b.hh[k]]) for k in a.hh}
    kf = {k: np.concatenate([a.kf[k], b.kf[k] + len(a.hh["reg"]) if k == "hh" else b.kf[k]]) for k in a.kf}
    p = {k: np.concatenate([a.p[k], b.p[k] + len(a.kf["hh"]) if k == "kf" else b.p[k]]) for k in a.p}
    return State(hh, kf, p)


def _add_persons(s: State, newp: dict) -> State:
    p = {k: np.concatenate([s.p[k], newp[k]]) for k in s.p}
    order = np.argsort(p["kf"], kind="stable")         # new members after the existing ones of their family
    return State(s.hh, s.kf, {k: v[order] for k, v in p.items()})


def _ymd(d: np.ndarray):
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return y, m, (d - d.astype("datetime64[M]")).astype(np.int64) + 1


def _nik(prefix, birth, female, serial0: int) -> np.ndarray:
    y, m, d = _ymd(birth)
    base = prefix.astype(np.int64) * 1_000_000 + (d + 40 * female) * 10_000 + m * 100 + y % 100
    return base * 10_000 + serial0 + sample._cumcount(base)


def _kk(rng, prefix, lo: str, hi: str) -> np.ndarray:
    """New No. KK: kecamatan prefix + issue date DDMMYY (lo..hi) + serial 5001.. (never a round-1 number:
    round 1 issued 2008–2015 and its cards not in BDT carry serial 9001+)."""
    span = (np.datetime64(hi) - np.datetime64(lo)).astype(np.int64)
    issue = np.datetime64(lo) + (rng.random(len(prefix)) * span).astype("timedelta64[D]")
    y, m, d = _ymd(issue)
    base = prefix.astype(np.int64) * 1_000_000 + d * 10_000 + m * 100 + y % 100
    return base * 10_000 + 5001 + sample._cumcount(base)


def _idbase(reg: pd.DataFrame) -> np.ndarray:
    """IDBDT without its 5-digit sequence, per region (as `sample._rt_table` builds it)."""
    return sum(reg[c].astype(int).to_numpy() * 10 ** e for c, e in (("kdprop", 13), ("kdkab", 11), ("kdkec", 8),
                                                                    ("kddesa", 5)))


def _age(s: State, acuan: str) -> np.ndarray:
    return (np.datetime64(acuan) - s.p["birth"]).astype(np.int64) / 365.2425


# --------------------------------------------------------------------------------------------------
# Round 1, exactly as sample.generate simulates it
# --------------------------------------------------------------------------------------------------

def _round1(seed: int):
    rng = np.random.default_rng(seed)
    reg = sample._regions("bontang")
    plan = sample._make_plan(rng, reg, None)
    sim = sample._simulate(rng, reg, plan)
    hh, kf, p = sim.hh, sim.kf, sim.p
    housing = np.stack([np.where(hh["sta_lahan_valid"], hh[c], 0) if c == "sta_lahan" else
                        np.where(hh["daya_valid"], hh[c], 0) if c == "daya" else
                        np.asarray(hh[c]).astype(np.int64) for c in HOUSING], axis=1).astype(np.int64)
    grp = hh["grp"].astype(np.int64)
    H, F = len(grp), len(kf["hh"])
    st = State(
        hh=dict(reg=plan.hh_region.astype(np.int64), id=_idbase(reg)[plan.hh_region] + plan.hh_seq,
                desil=np.where(grp <= 3, grp + 1, 0), pct=np.where(grp <= 4, hh["pct"], 0),
                rt=plan.hh_rt.astype(np.int64), street=hh["street"], no_rumah=hh["no_rumah"], housing=housing,
                kind=hh["kind"].astype(np.int64), var=np.zeros(H, bool)),
        kf=dict(hh=kf["hh"].astype(np.int64), nuk=kf["nuk"].astype(np.int64), kk=kf["kk"], kk_true=kf["kk"],
                status=plan.kf_status.astype(np.int64), desil_prov=np.zeros(F, np.int64),
                desil_kab=np.zeros(F, np.int64)),
        p=dict(kf=p["kf"].astype(np.int64), nik=p["nik"], female=p["female"],
               birth=(pd.to_datetime(pd.DataFrame({"year": p["by"], "month": p["bm"], "day": p["bd"]}))
                      .to_numpy().astype("datetime64[D]")),
               first_idx=p["first_idx"], last_idx=p["last_idx"], ibu_idx=p["ibu_idx"], tmp_idx=p["tmp_idx"],
               hubkel=p["hubkel"].astype(np.int64), hub_krt=p["hub_krt"].astype(np.int64),
               kawin=p["kawin"].astype(np.int64), part_school=p["part_school"].astype(np.int64),
               ijazah=p["ijazah"].astype(np.int64), works=p["works"] & p["work_asked"],
               stat_kerja=p["stat_kerja"].astype(np.int64), lap=p["lap"].astype(np.int64),
               bad=np.zeros(len(p["kf"]), bool)))
    return reg, st


# --------------------------------------------------------------------------------------------------
# Ageing one round into the next
# --------------------------------------------------------------------------------------------------

def _clone(rng, s: State, reg: pd.DataFrame, n: int, regions: np.ndarray, shift_days: int, kk_lo: str,
           kk_hi: str, serial0: int) -> State:
    """n new units shaped like random units of `s` (sizes, relations, relative ages, housing), with new
    names, NIK and No. KK, in `regions`; ages kept by shifting birth dates by the time between rounds (so
    `s` must hold no one born after the previous round's reference date: clone before `_births`)."""
    tmpl = rng.choice(len(s.hh["reg"]), size=n, replace=False)
    c = _select(s, tmpl)
    c.hh["reg"] = regions
    c.hh["rt"] = 1 + (rng.random(n) * reg.n_rt.to_numpy()[regions]).astype(np.int64)
    c.hh["street"] = (rng.random(n) * len(sample._STREETS)).astype(np.int64)
    c.hh["no_rumah"] = 1 + (rng.random(n) * 120).astype(np.int64)
    c.hh["var"] = np.zeros(n, bool)
    c.hh["kind"] = np.zeros(n, np.int64)
    prefix = reg.nik_prefix.to_numpy()[regions]
    P = len(c.p["kf"])
    c.p["birth"] = c.p["birth"] + np.timedelta64(shift_days, "D")
    c.p["first_idx"] = (rng.random(P) * 50).astype(np.int64)
    c.p["last_idx"] = (rng.random(P) * len(sample._LAST)).astype(np.int64)
    c.p["ibu_idx"] = (rng.random(P) * len(sample._FIRST_F)).astype(np.int64)
    c.p["nik"] = _nik(prefix[c.kf["hh"][c.p["kf"]]], c.p["birth"], c.p["female"], serial0)
    c.p["bad"] = np.zeros(P, bool)
    c.kf["kk"] = c.kf["kk_true"] = _kk(rng, prefix[c.kf["hh"]], kk_lo, kk_hi)
    c.kf["status"] = np.zeros(len(c.kf["hh"]), np.int64)
    return c


def _births(rng, s: State, reg: pd.DataFrame, lo: str, hi: str, p_one: float, p_two: float,
            serial0: int) -> State:
    """Children born between lo and hi to families whose head or spouse is a woman of 16–40 at lo."""
    age = _age(s, lo)
    mother = s.p["female"] & np.isin(s.p["hubkel"], (1, 2)) & (age >= 16) & (age <= 40)
    fam = np.unique(s.p["kf"][mother])
    u = rng.random(len(fam))
    fam = np.concatenate([fam[u < p_one], fam[u < p_two]])
    n = len(fam)
    span = (np.datetime64(hi) - np.datetime64(lo)).astype(np.int64)
    birth = np.datetime64(lo) + (rng.random(n) * span).astype("timedelta64[D]")
    female = rng.random(n) < 0.5
    nuk = s.kf["nuk"][fam]
    region = s.hh["reg"][s.kf["hh"][fam]]
    mom_first = np.zeros(len(s.kf["hh"]), np.int64)
    mom_first[s.p["kf"][mother]] = s.p["first_idx"][mother]
    a = (np.datetime64(hi) - birth).astype(np.int64) / 365.2425
    newp = dict(kf=fam, nik=_nik(reg.nik_prefix.to_numpy()[region], birth, female, serial0), female=female,
                birth=birth, first_idx=(rng.random(n) * 50).astype(np.int64),
                last_idx=(rng.random(n) * len(sample._LAST)).astype(np.int64), ibu_idx=mom_first[fam],
                tmp_idx=np.full(n, -1), hubkel=np.full(n, 3), hub_krt=np.where(nuk == 1, 3, 5),
                kawin=np.ones(n, np.int64), part_school=np.where(a >= 5, 1, 0), ijazah=np.zeros(n, np.int64),
                works=np.zeros(n, bool), stat_kerja=np.zeros(n, np.int64), lap=np.zeros(n, np.int64),
                bad=np.zeros(n, bool))
    return _add_persons(s, newp)


def _leavers(rng, s: State, acuan: str, p_member: float, p_old: float) -> np.ndarray:
    """Persons kept: members who are neither head nor spouse may leave or die (the old more often)."""
    age = _age(s, acuan)
    p = np.where(age > 75, p_old, p_member)
    return np.isin(s.p["hubkel"], (1, 2)) | (rng.random(len(age)) >= p)


def _moves(rng, s: State, share: float) -> None:
    H = len(s.hh["reg"])
    mv = sample._sample_idx(rng, s.hh["kind"] == 0, int(round(H * share)))
    s.hh["reg"][mv] = (s.hh["reg"][mv] + 1 + (rng.random(len(mv)) * 14).astype(np.int64)) % 15
    s.hh["rt"][mv] = 1 + (rng.random(len(mv)) * 19).astype(np.int64)
    s.hh["street"][mv] = (rng.random(len(mv)) * len(sample._STREETS)).astype(np.int64)


def _kks(rng, s: State, reg: pd.DataFrame, periode: str, target: np.ndarray) -> None:
    """Card status per family: coverage per kelurahan as aimed, earlier holders likelier to keep theirs."""
    kode = reg.kode.to_numpy()[s.hh["reg"][s.kf["hh"]]]
    bump = {"2019-05": 0.08, "2025-06": 0.11}[periode]
    aim = np.array([_COVERAGE[periode].get(k, min(0.95, sample._CALIB.get(k, (0, 0.8))[1] + bump))
                    for k in kode])
    held = s.kf["status"] == 1
    u = rng.random(len(kode))
    hold = np.where(target, u < np.where(held, aim + (1 - aim) * 0.6, aim * 0.75),
                    u < np.where(held, 0.45, 0.02))
    valid = s.hh["kind"][s.kf["hh"]] == 0
    status = np.where(hold & valid, 1, 0)
    v = rng.random(len(kode))
    status = np.where(target & valid & ~hold & (v < 0.10), 2, np.where(target & valid & ~hold & (v > 0.96), 3,
                                                                        status))
    s.kf["status"] = status


def _plant_bad_nik(rng, s: State, n: int) -> None:
    fam_size = np.bincount(s.p["kf"], minlength=len(s.kf["hh"]))
    ok = (s.p["hubkel"] == 3) & (fam_size[s.p["kf"]] >= 3) & (s.hh["kind"][s.kf["hh"][s.p["kf"]]] == 0)
    s.p["bad"][sample._sample_idx(rng, ok, n)] = True


def _flags(rng, desil: np.ndarray) -> dict:
    d = np.where(desil > 0, np.minimum(desil, 10), 11) - 1
    def yes(p):
        return rng.random(len(d)) < np.asarray(p)[d]
    return dict(pkh=yes([.45, .35, .20, .10, .04, .02, .01, 0, 0, 0, .01]),
                bpnt=yes([.80, .72, .60, .45, .10, .05, .02, .01, 0, 0, .03]),
                pbi=yes([.85, .78, .66, .55, .25, .15, .10, .05, .03, .02, .10]),
                kip=yes([.35, .28, .20, .12, .05, .03, .02, .01, 0, 0, .02]))


def _round2(seed: int, reg: pd.DataFrame, s1: State) -> State:
    rng = np.random.default_rng((seed, 201905))
    valid = np.flatnonzero(s1.hh["kind"] == 0)
    stay = valid[rng.random(len(valid)) >= 0.05]                       # 5 % of households gone
    s = _select(s1, stay, _leavers(rng, s1, "2019-05-31", 0.03, 0.15))
    H = len(stay)
    # desil moves (household level in DTKS): most target households stay, some leave, some enter
    d, pct = s.hh["desil"], s.hh["pct"]
    u, w = rng.random(H), rng.random(H)
    shift = rng.choice([-1, 0, 0, 0, 1], size=H)
    in_t = d > 0
    above = (d == 0) & (pct > 40)
    new_d = np.select([in_t & (u < 0.88), in_t, above & (u < 0.05), above, (u < 0.10)],
                      [np.clip(d + shift, 1, 4), 0, 3 + (w < 0.5), 0, 2 + (w * 3).astype(np.int64)], 0)
    new_pct = np.select([new_d > 0, in_t | above, u < 0.40], [(new_d - 1) * 10 + 1 + (w * 10).astype(np.int64),
                        np.where(pct > 40, pct, 41 + (w * 20).astype(np.int64)), 41 + (w * 60).astype(np.int64)], 0)
    s.hh["desil"], s.hh["pct"] = new_d, new_pct
    _moves(rng, s, 0.025)
    # new households (new ID DTKS with sequence 80001+, new No. KK), then 3 outside Bontang (rejected)
    real = np.arange(15)
    n_new = int(round(H * 0.065))
    k = reg.k_target.to_numpy()[real].astype(float)
    regions = rng.choice(real, size=n_new, p=k / k.sum())
    shift_days = int((np.datetime64("2019-05-31") - np.datetime64("2015-07-01")).astype(np.int64))
    new = _clone(rng, s, reg, n_new + 3, np.concatenate([regions, np.full(3, _OUTSIDE)]), shift_days,
                 "2017-01-01", "2019-05-31", 6001)
    g = sample._pick(rng, np.zeros(n_new + 3, np.int8), [0.05, 0.12, 0.15, 0.18, 0.40, 0.10]).astype(np.int64)
    w = rng.random(n_new + 3)
    new.hh["desil"] = np.where(g <= 3, g + 1, 0)
    new.hh["pct"] = np.select([g <= 3, g == 4], [g * 10 + 1 + (w * 10).astype(np.int64),
                                                  41 + (w * 60).astype(np.int64)], 0)
    new.hh["kind"] = np.where(np.arange(n_new + 3) >= n_new, 1, 0)
    new.hh["id"] = _idbase(reg)[new.hh["reg"]] + 80001 + sample._cumcount(new.hh["reg"])
    s = _concat(_births(rng, s, reg, "2015-07-01", "2019-05-31", 0.22, 0.03, 6501), new)
    # file order: kelurahan, RT, ID (a SIKS-NG export is sorted by region)
    s = _select(s, np.lexsort((s.hh["id"], s.hh["rt"], s.hh["reg"], s.hh["kind"])))
    target = s.hh["desil"][s.kf["hh"]] > 0
    _kks(rng, s, reg, "2019-05", target)
    s.kf.update({k: v for k, v in _flags(rng, s.hh["desil"][s.kf["hh"]]).items()})
    # dirt with known effects (README): spelling variants, 3 target families without NOKK, 2 invalid NIK
    var_ok = np.isin(reg.kode.to_numpy()[s.hh["reg"]], list(VARIANT_UPPER)) & (s.hh["kind"] == 0)
    s.hh["var"][sample._sample_idx(rng, var_ok, 40)] = True
    one_fam = np.bincount(s.kf["hh"], minlength=len(s.hh["reg"]))[s.kf["hh"]] == 1
    nokey = sample._sample_idx(rng, target & one_fam & (s.hh["kind"][s.kf["hh"]] == 0), 3)
    s.kf["kk"] = s.kf["kk"].copy()
    s.kf["kk"][nokey] = 0
    s.kf["status"][nokey] = 0
    _plant_bad_nik(rng, s, 2)
    return s


def _round3(seed: int, reg: pd.DataFrame, s2: State) -> State:
    rng = np.random.default_rng((seed, 202506))
    # the family becomes the unit: one "household" row per round-2 keluarga of a valid household
    fam = np.flatnonzero(s2.hh["kind"][s2.kf["hh"]] == 0)
    units = {k: v[s2.kf["hh"][fam]] for k, v in s2.hh.items()}
    kf = {k: v[fam] for k, v in s2.kf.items()}
    kf["hh"], kf["nuk"] = np.arange(len(fam)), np.ones(len(fam), np.int64)
    kf["kk"] = kf["kk_true"].copy()                  # round 2's empty NOKK was an export fault
    f_new = np.full(len(s2.kf["hh"]), -1)
    f_new[fam] = np.arange(len(fam))
    pm = f_new[s2.p["kf"]] >= 0
    p = {k: v[pm] for k, v in s2.p.items()}
    p["kf"] = f_new[s2.p["kf"][pm]]
    p["bad"] = np.zeros(pm.sum(), bool)
    order = np.argsort(p["kf"], kind="stable")
    s = State(units, kf, {k: v[order] for k, v in p.items()})
    F = len(fam)
    stay = np.flatnonzero(rng.random(F) >= 0.06)                      # 6 % of families gone
    s = _select(s, stay, _leavers(rng, s, "2025-06-30", 0.05, 0.25))
    F = len(stay)
    # desil 1–10 (national) from the round-2 group; province and kab/kota deciles drift from it
    d, pct = s.hh["desil"], s.hh["pct"]
    u, w = rng.random(F), rng.random(F)
    in_t, above = d > 0, (d == 0) & (pct > 40)
    nat = np.select([in_t & (u < 0.86), in_t, above & (u < 0.07), above, u < 0.5],
                    [np.clip(d + rng.choice([-1, 0, 0, 0, 1], size=F), 1, 4), 5 + (w * 3).astype(np.int64),
                     3 + (w < 0.5), np.clip((pct - 1) // 10 + 1 + rng.choice([-1, 0, 1], size=F), 5, 10),
                     2 + (w * 9).astype(np.int64)], 0)
    s.hh["desil"] = nat
    _moves(rng, s, 0.025)
    n_new = int(round(F * 0.07))
    k = reg.k_target.to_numpy()[:15].astype(float)
    regions = rng.choice(15, size=n_new, p=k / k.sum())
    shift_days = int((np.datetime64("2025-06-30") - np.datetime64("2019-05-31")).astype(np.int64))
    new = _clone(rng, s, reg, n_new + 2, np.concatenate([regions, np.full(2, _OUTSIDE)]), shift_days,
                 "2020-01-01", "2025-06-30", 7001)
    new.hh["desil"] = sample._pick(rng, np.zeros(n_new + 2, np.int8),
                                   [.03, .06, .08, .09, .10, .10, .11, .12, .13, .12, .06]).astype(np.int64) + 1
    new.hh["desil"] = np.where(new.hh["desil"] == 11, 0, new.hh["desil"])
    new.hh["kind"] = np.where(np.arange(n_new + 2) >= n_new, 1, 0)
    s = _concat(_births(rng, s, reg, "2019-06-01", "2025-06-30", 0.30, 0.08, 7501), new)
    s = _select(s, np.lexsort((s.kf["kk"], s.hh["rt"], s.hh["reg"], s.hh["kind"])))   # one family per unit
    nat = s.hh["desil"]
    F = len(nat)
    s.kf["desil_prov"] = np.where(nat > 0, np.clip(nat + rng.choice([-1, 0, 0, 1], size=F), 1, 10), 0)
    s.kf["desil_kab"] = np.where(nat > 0, np.clip(nat - rng.choice([0, 1, 1, 2], size=F), 1, 10), 0)
    target = (nat >= 1) & (nat <= 4)
    _kks(rng, s, reg, "2025-06", target)
    s.kf.update(_flags(rng, nat))
    var_ok = np.isin(reg.kode.to_numpy()[s.hh["reg"]], list(VARIANT_UPPER)) & (s.hh["kind"] == 0)
    s.hh["var"] = np.zeros(F, bool)
    s.hh["var"][sample._sample_idx(rng, var_ok, 30)] = True
    _plant_bad_nik(rng, s, 2)
    # 2 target families (keyed in 2019 too) whose row and members lost their No. KK: without their only key
    # the cleaning must reject them (kind 2: not in the truths; in the flows from 2019 they left the data)
    carried = np.isin(s.kf["kk"], s2.kf["kk"][s2.kf["kk"] > 0]) & ~np.isin(np.arange(F), s.p["kf"][s.p["bad"]])
    lost = sample._sample_idx(rng, target & carried & (s.hh["kind"] == 0), 2)
    s.hh["kind"][lost], s.kf["kk"][lost], s.kf["status"][lost] = 2, 0, 0
    return s


@lru_cache(maxsize=2)
def _states(seed: int):
    reg, s1 = _round1(seed)
    s2 = _round2(seed, reg, s1)
    return reg, {"2018-05": s1, "2019-05": s2, "2025-06": _round3(seed, reg, s2)}


# --------------------------------------------------------------------------------------------------
# Truths, from the simulation (never from the pipeline)
# --------------------------------------------------------------------------------------------------

def _families(reg: pd.DataFrame, s: State, target_desil: tuple[int, ...] = (1, 2, 3, 4)) -> pd.DataFrame:
    """The families a correct cleaning keeps (valid units only), with what the truths need; `target` = the
    household's (in DTSEN the family's national) desil is in `target_desil`."""
    valid = s.hh["kind"][s.kf["hh"]] == 0
    desil = s.hh["desil"][s.kf["hh"]]
    P = np.bincount(s.p["kf"], minlength=len(valid))
    born = np.bincount(s.p["kf"], weights=s.p["birth"] >= np.datetime64("2019-01-01"), minlength=len(valid))
    kk = pd.array(np.where(s.kf["kk"] > 0, s.kf["kk"], 0).astype(str), dtype="string")
    f = pd.DataFrame({"hh": s.kf["hh"], "kode": reg.kode.to_numpy()[s.hh["reg"][s.kf["hh"]]], "kk": kk,
                      "target": np.isin(desil, np.asarray(target_desil)), "kks": s.kf["status"] == 1, "jiwa": P,
                      "anak": born.astype(np.int64)})
    f.loc[s.kf["kk"] <= 0, "kk"] = pd.NA
    return f[valid].reset_index(drop=True)


def _levels(kode: pd.Series) -> list[tuple[str, pd.Series]]:
    return [("kota", pd.Series(KOTA, index=kode.index)), ("kecamatan", kode.str[:8]), ("kelurahan", kode)]


def _frame(rows: dict[str, dict]) -> pd.DataFrame:
    """Rows for the kota, the 3 kecamatan and the 15 kelurahan (all present, zeros where nothing)."""
    codes = [KOTA] + sorted({w.induk for w in wilayah.kelurahan()}) + sorted(w.kode for w in wilayah.kelurahan())
    tingkat = {KOTA: "kota"} | {c: ("kecamatan" if len(c) == 8 else "kelurahan") for c in codes[1:]}
    out = pd.DataFrame({"kode_wilayah": codes, "tingkat": [tingkat[c] for c in codes],
                        "nama": [wilayah.get(c).nama for c in codes]})
    for col, by in rows.items():
        out[col] = out.kode_wilayah.map(by).fillna(0).astype(np.int64)
    return out


def _ringkasan(f: pd.DataFrame, periode: str) -> pd.DataFrame:
    cols = {}
    for _, w in _levels(f.kode):
        for col, vals in (("keluarga_miskin", f.target), ("keluarga_kks", f.target & f.kks),
                          ("keluarga_tanpa_kks", f.target & ~f.kks), ("keluarga", pd.Series(True, f.index)),
                          ("jiwa", f.jiwa), ("anak_lahir_setelah_2018", f.anak)):
            cols.setdefault(col, {}).update(vals.astype(np.int64).groupby(w).sum().to_dict())
        cols.setdefault("rumah_tangga", {}).update(f.groupby(w).hh.nunique().to_dict())
    out = _frame(cols)
    out.insert(3, "periode", periode)
    out["cakupan_kks"] = (out.keluarga_kks / out.keluarga_miskin.where(out.keluarga_miskin > 0)).round(6)
    return out


def _alur(prev: pd.DataFrame, cur: pd.DataFrame, periode: str, sebelumnya: str) -> pd.DataFrame:
    """banding_alur as docs/indicators.md defines it: target families matched by No. KK; a No. KK missing, or
    held by more than one keluarga in either round (no one-to-one match), is not matched (tanpa_kunci*);
    counted at each level."""
    cols: dict[str, dict] = {}
    sides = []
    for f, g in ((prev, cur), (cur, prev)):
        held_other = f.kk.map(g.kk.value_counts()).fillna(0)
        keyed = (f.kk.notna() & ~f.kk.duplicated(keep=False) & (held_other <= 1)).to_numpy()
        sides.append((f, keyed, f.kk.where(keyed, "").to_numpy()))
    (fp, kp, keyp), (fc, kc, keyc) = sides
    for (_, wp), (_, wc) in zip(_levels(fp.kode), _levels(fc.kode)):
        by_p = pd.DataFrame({"w": wp.to_numpy()[kp], "t": fp.target.to_numpy()[kp]}, index=keyp[kp])
        by_c = pd.DataFrame({"w": wc.to_numpy()[kc], "t": fc.target.to_numpy()[kc]}, index=keyc[kc])
        for f, w, keyed, key, other, names in (
                (fp, wp, kp, keyp, by_c, ("n_sebelumnya", "tanpa_kunci_sebelumnya", "tetap", "pindah_keluar",
                                          "keluar_dari_target", "keluar_dari_data")),
                (fc, wc, kc, keyc, by_p, ("n_sekarang", "tanpa_kunci", None, "pindah_masuk", "masuk_dari_data",
                                          "masuk_baru"))):
            t = f.target.to_numpy()
            ww, k = w.to_numpy()[t], keyed[t]
            o = other.reindex(key[t])             # the same family in the other round (NaN: none)
            found, o_t, same = o.w.notna().to_numpy(), o.t.eq(True).to_numpy(), o.w.to_numpy() == ww
            masks = (np.ones(len(ww), bool), ~k, found & o_t & same, found & o_t & ~same, found & ~o_t, k & ~found)
            for name, m in zip(names, masks):
                if name:
                    cols.setdefault(name, {}).update(pd.Series(ww[m]).value_counts().to_dict())
    out = _frame(cols)
    out.insert(3, "periode", periode)
    out.insert(4, "periode_sebelumnya", sebelumnya)
    return out[ALUR_COLUMNS]


@lru_cache(maxsize=8)
def _truth(periode: str, seed: int, target_desil: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    reg, states = _states(seed)
    spec = ROUNDS[periode]
    fam = _families(reg, states[periode], target_desil)
    out = {"ringkasan": _ringkasan(fam, periode)}
    if spec.previous:
        out["alur"] = _alur(_families(reg, states[spec.previous]), fam, periode, spec.previous)
    else:
        out["alur"] = pd.DataFrame({c: pd.Series(dtype=object) for c in ALUR_COLUMNS})
    return out


def round_truth(periode: str, seed: int = SEED, target_desil=(1, 2, 3, 4)) -> dict[str, pd.DataFrame]:
    """Exact truths of a synthetic round, from the generator's own simulation (cached; copies returned).

    `ringkasan`: kota, kecamatan, kelurahan rows with keluarga_miskin (desil 1–4 of the round's scheme),
    keluarga_kks / keluarga_tanpa_kks (card TERSALUR), cakupan_kks, rumah_tangga, keluarga, jiwa and
    anak_lahir_setelah_2018 — of the population a correct cleaning keeps. `alur`: the contract's
    banding_alur versus the predecessor round (no rows for 2018-05, which has none).
    `target_desil`: this round's target group (params `target_desil`); the predecessor keeps desil 1–4,
    as its own params file says — each round is counted by its own definition.
    """
    if periode not in ROUNDS:
        raise ParameterError(f"periode sintetis tidak dikenal: {periode!r} (pilih {', '.join(ROUNDS)})")
    return {k: v.copy() for k, v in _truth(periode, seed, tuple(sorted({int(d) for d in target_desil}))).items()}


# --------------------------------------------------------------------------------------------------
# README, generate, CLI
# --------------------------------------------------------------------------------------------------

def _params_line(periode: str, seed: int) -> str:
    return "<!-- sintetis-ronde: " + json.dumps({"periode": periode, "seed": seed, "version": VERSION},
                                                sort_keys=True) + " -->"


def generate(periode: str, out_dir: Path | None = None, seed: int = SEED) -> dict:
    """Write round `periode` (2019-05 DTKS or 2025-06 DTSEN) into out_dir, atomically; return a summary."""
    spec = ROUNDS.get(periode)
    if spec is None or spec.shape == "pbdt":
        raise ParameterError(f"ronde sintetis tidak dikenal: {periode!r} (2019-05 dtks, 2025-06 dtsen; "
                             "2018-05 dibuat oleh `sample-data` tanpa --round)")
    out_dir = Path(out_dir) if out_dir is not None else config.RAW_DIR / spec.folder
    reg, states = _states(seed)
    s = states[periode]
    rng = np.random.default_rng((seed, int(periode.replace("-", "")), 1))   # files' own draws (KKS, penduduk)
    truth = round_truth(periode, seed)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        files = (files_.write_dtks if spec.shape == "dtks" else files_.write_dtsen)(reg, s, tmp, spec)
        files[spec.files[2]], dirt_kks = files_.write_kks(rng, reg, s, tmp, spec, seed)
        files[spec.files[3]] = files_.write_penduduk(rng, reg, tmp, spec)
        (tmp / "README.md").write_text(files_.readme(spec, _params_line(spec.periode, seed), _DIRT_NOTES[periode], seed,
                                                      files, dirt_kks, truth), encoding="utf-8")
        (tmp / "sumber.yml").write_text(f"# Data SINTETIS periode {spec.periode}: bentuk file dari profil bersama.\n"
                                        f"versi: 1\npakai: [{spec.profile}]\n", encoding="utf-8")
        (tmp / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        from kemiskinan.ingest import provenance
        provenance.create(tmp, received=spec.acuan)     # fixed date: same seed, same bytes
        names = list(files) + ["README.md", "sumber.yml", ".gitignore", provenance.MANIFEST]
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"periode": periode, "out_dir": str(out_dir), "seed": seed, "files": files,
            "ringkasan": truth["ringkasan"].iloc[0].to_dict()}


def is_present(periode: str, out_dir: Path, seed: int = SEED) -> bool:
    spec = ROUNDS[periode]
    readme = Path(out_dir) / "README.md"
    return (readme.exists() and _params_line(periode, seed) in readme.read_text(encoding="utf-8")
            and all((Path(out_dir) / f).exists() for f in spec.files + ("sumber.yml",)))


def _raw_of_params(path: str) -> str:
    import yaml
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = config.PROJ_ROOT / p
    try:
        values = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise ParameterError(f"file parameter tidak bisa dibaca: {path} ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise ParameterError(f"{p}: YAML tidak valid: {e}") from None
    raw = values.get("raw") if isinstance(values, dict) else None
    if not isinstance(raw, str) or not raw.strip():
        raise ParameterError(f"{p.name}: `raw` (folder data mentah) belum diisi")
    return raw.strip()


def main_sample_data(argv: list[str]) -> int:
    """`sample-data --round P --shape S [--out DIR] [--if-absent]` or `sample-data --params FILE [--if-absent]`."""
    ap = argparse.ArgumentParser(prog="kemiskinan sample-data",
                                 description="Tulis data contoh SINTETIS ronde berikutnya (2019-05 DTKS, 2025-06 DTSEN).")
    ap.add_argument("--round", dest="periode", help="periode ronde: 2019-05 atau 2025-06")
    ap.add_argument("--shape", help="bentuk file: dtks atau dtsen")
    ap.add_argument("--params", help="buat ronde yang folder `raw`-nya dipakai file parameter ini")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--if-absent", action="store_true")
    args, rest = ap.parse_known_args(argv)
    if args.params:
        raw = _raw_of_params(args.params)
        periode = FOLDERS.get(Path(raw).name)        # sample, sample_2019, sample_2025: the synthetic rounds
        if periode is None:
            print(f"Folder data mentah `{raw}` bukan data contoh sintetis; tidak ada yang dibuat.")
            return 0
        if periode == "2018-05":
            return sample.main_sample_data(["--out", str(config.raw_dir(raw))]
                                           + (["--if-absent"] if args.if_absent else []) + rest)
        args.periode, out = periode, config.raw_dir(raw)
    else:
        if rest:
            raise ParameterError("opsi tidak dikenal untuk --round/--shape: " + " ".join(rest))
        if args.periode is None:
            args.periode = SHAPES.get(args.shape or "")
        spec = ROUNDS.get(args.periode or "")
        if spec is None or (args.shape and args.shape != spec.shape):
            raise ParameterError(
                f"ronde/bentuk tidak dikenal: --round {args.periode or '?'} --shape {args.shape or '?'}; yang ada: "
                "--round 2018-05 --shape pbdt, --round 2019-05 --shape dtks, --round 2025-06 --shape dtsen")
        out = config.raw_dir(args.out) if args.out is not None else config.RAW_DIR / spec.folder
        if spec.shape == "pbdt":                        # round 1 is sample.py's own
            return sample.main_sample_data(["--out", str(out), "--seed", str(args.seed)]
                                           + (["--if-absent"] if args.if_absent else []))
    if args.if_absent and is_present(args.periode, out, args.seed):
        print(f"Data sintetis {args.periode} sudah ada di {out} (seed {args.seed}); tidak dibuat ulang.")
        return 0
    s = generate(args.periode, out, seed=args.seed)
    r = s["ringkasan"]
    print(f"Data sintetis periode {args.periode} ditulis ke {out} (seed {args.seed}):")
    for name, rows in s["files"].items():
        print(f"  {name}: {rows:,} baris")
    print(f"  keluarga desil 1-4: {r['keluarga_miskin']:,}; dengan KKS: {r['keluarga_kks']:,}; "
          f"tanpa KKS: {r['keluarga_tanpa_kks']:,}")
    return 0
