"""The later rounds, simulated: round 1 rebuilt in memory (same seed, same calls as `generate`), then aged.

* round 2 (DTKS 2019-05, SIKS-NG export): most households carry over with their IDBDT as `ID DTKS` and their
  keluarga keep their No. KK; some households are gone, some are new (new ID, new No. KK), some move to
  another kelurahan, some change desil group (in and out of desil 1–4); KKS coverage rises, except in two
  kelurahan that fall behind;
* round 3 (DTSEN 2025-06): the family is the unit (a round-2 household with two keluarga becomes two
  families, each keeping its No. KK); desil 1–10 (national, province and kab/kota may disagree); some
  families gone, some new, some moved; children born 2019–2025 (their NIK carries a 2-digit year ≤ 25).

One `numpy.random.default_rng((seed, round))` per round, so a round's draws do not depend on another's files.
Each round also plants a little dirt with a known effect (readme.DIRT_NOTES).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from kemiskinan.synthetic.arrays import cumcount, pick, sample_idx, ymd
from kemiskinan.synthetic.city import (CALIB, FIRST_F, LAST, OUTSIDE_ROW, STREETS, VARIANT_UPPER, idbdt_base,
                                       regions)
from kemiskinan.synthetic.layout import HOUSING_COLUMNS
from kemiskinan.synthetic.plan import make_plan
from kemiskinan.synthetic.simulate import simulate
from kemiskinan.synthetic.state import State, add_persons, age, concat, select

# KKS coverage aimed at per kelurahan (target families holding a card); two kelurahan fall behind in each
# later round so the comparison has something to say (round 1's weights are CALIB[...][1]).
_COVERAGE = {"2019-05": {"64.74.02.1005": 0.62, "64.74.01.1006": 0.70},
             "2025-06": {"64.74.03.1003": 0.70, "64.74.02.1004": 0.74}}


def _nik(prefix, birth, female, serial0: int) -> np.ndarray:
    """NIK of new persons: kecamatan prefix + DDMMYY (+40 for women) + serial from serial0."""
    y, m, d = ymd(birth)
    base = prefix.astype(np.int64) * 1_000_000 + (d + 40 * female) * 10_000 + m * 100 + y % 100
    return base * 10_000 + serial0 + cumcount(base)


def _kk(rng, prefix, lo: str, hi: str) -> np.ndarray:
    """New No. KK: kecamatan prefix + issue date DDMMYY (lo..hi) + serial 5001.. (never a round-1 number:
    round 1 issued 2008–2015 and its cards not in BDT carry serial 9001+)."""
    span = (np.datetime64(hi) - np.datetime64(lo)).astype(np.int64)
    issue = np.datetime64(lo) + (rng.random(len(prefix)) * span).astype("timedelta64[D]")
    y, m, d = ymd(issue)
    base = prefix.astype(np.int64) * 1_000_000 + d * 10_000 + m * 100 + y % 100
    return base * 10_000 + 5001 + cumcount(base)


def _round1(seed: int):
    """Round 1's simulation, exactly as sample.generate draws it, as a State."""
    rng = np.random.default_rng(seed)
    reg = regions("bontang")
    plan = make_plan(rng, reg, None)
    sim = simulate(rng, reg, plan)
    hh, kf, p = sim.hh, sim.kf, sim.p
    housing = np.stack([np.where(hh["sta_lahan_valid"], hh[c], 0) if c == "sta_lahan" else
                        np.where(hh["daya_valid"], hh[c], 0) if c == "daya" else
                        np.asarray(hh[c]).astype(np.int64) for c in HOUSING_COLUMNS], axis=1).astype(np.int64)
    grp = hh["grp"].astype(np.int64)
    H, F = len(grp), len(kf["hh"])
    st = State(
        hh=dict(reg=plan.hh_region.astype(np.int64), id=idbdt_base(reg)[plan.hh_region] + plan.hh_seq,
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

def _clone(rng, s: State, reg: pd.DataFrame, n: int, where: np.ndarray, shift_days: int, kk_lo: str,
           kk_hi: str, serial0: int) -> State:
    """n new units shaped like random units of `s` (sizes, relations, relative ages, housing), with new
    names, NIK and No. KK, in the regions `where`; ages kept by shifting birth dates by the time between
    rounds (so `s` must hold no one born after the previous round's reference date: clone before `_births`)."""
    tmpl = rng.choice(len(s.hh["reg"]), size=n, replace=False)
    c = select(s, tmpl)
    c.hh["reg"] = where
    c.hh["rt"] = 1 + (rng.random(n) * reg.n_rt.to_numpy()[where]).astype(np.int64)
    c.hh["street"] = (rng.random(n) * len(STREETS)).astype(np.int64)
    c.hh["no_rumah"] = 1 + (rng.random(n) * 120).astype(np.int64)
    c.hh["var"] = np.zeros(n, bool)
    c.hh["kind"] = np.zeros(n, np.int64)
    prefix = reg.nik_prefix.to_numpy()[where]
    P = len(c.p["kf"])
    c.p["birth"] = c.p["birth"] + np.timedelta64(shift_days, "D")
    c.p["first_idx"] = (rng.random(P) * 50).astype(np.int64)
    c.p["last_idx"] = (rng.random(P) * len(LAST)).astype(np.int64)
    c.p["ibu_idx"] = (rng.random(P) * len(FIRST_F)).astype(np.int64)
    c.p["nik"] = _nik(prefix[c.kf["hh"][c.p["kf"]]], c.p["birth"], c.p["female"], serial0)
    c.p["bad"] = np.zeros(P, bool)
    c.kf["kk"] = c.kf["kk_true"] = _kk(rng, prefix[c.kf["hh"]], kk_lo, kk_hi)
    c.kf["status"] = np.zeros(len(c.kf["hh"]), np.int64)
    return c


def _births(rng, s: State, reg: pd.DataFrame, lo: str, hi: str, p_one: float, p_two: float,
            serial0: int) -> State:
    """Children born between lo and hi to families whose head or spouse is a woman of 16–40 at lo."""
    years = age(s, lo)
    mother = s.p["female"] & np.isin(s.p["hubkel"], (1, 2)) & (years >= 16) & (years <= 40)
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
                last_idx=(rng.random(n) * len(LAST)).astype(np.int64), ibu_idx=mom_first[fam],
                tmp_idx=np.full(n, -1), hubkel=np.full(n, 3), hub_krt=np.where(nuk == 1, 3, 5),
                kawin=np.ones(n, np.int64), part_school=np.where(a >= 5, 1, 0), ijazah=np.zeros(n, np.int64),
                works=np.zeros(n, bool), stat_kerja=np.zeros(n, np.int64), lap=np.zeros(n, np.int64),
                bad=np.zeros(n, bool))
    return add_persons(s, newp)


def _leavers(rng, s: State, acuan: str, p_member: float, p_old: float) -> np.ndarray:
    """Persons kept: members who are neither head nor spouse may leave or die (the old more often)."""
    years = age(s, acuan)
    p = np.where(years > 75, p_old, p_member)
    return np.isin(s.p["hubkel"], (1, 2)) | (rng.random(len(years)) >= p)


def _moves(rng, s: State, share: float) -> None:
    H = len(s.hh["reg"])
    mv = sample_idx(rng, s.hh["kind"] == 0, int(round(H * share)))
    s.hh["reg"][mv] = (s.hh["reg"][mv] + 1 + (rng.random(len(mv)) * 14).astype(np.int64)) % 15
    s.hh["rt"][mv] = 1 + (rng.random(len(mv)) * 19).astype(np.int64)
    s.hh["street"][mv] = (rng.random(len(mv)) * len(STREETS)).astype(np.int64)


def _kks(rng, s: State, reg: pd.DataFrame, periode: str, target: np.ndarray) -> None:
    """Card status per family: coverage per kelurahan as aimed, earlier holders likelier to keep theirs."""
    kode = reg.kode.to_numpy()[s.hh["reg"][s.kf["hh"]]]
    bump = {"2019-05": 0.08, "2025-06": 0.11}[periode]
    aim = np.array([_COVERAGE[periode].get(k, min(0.95, CALIB.get(k, (0, 0.8))[1] + bump))
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
    s.p["bad"][sample_idx(rng, ok, n)] = True


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
    s = select(s1, stay, _leavers(rng, s1, "2019-05-31", 0.03, 0.15))
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
    new_regions = rng.choice(real, size=n_new, p=k / k.sum())
    shift_days = int((np.datetime64("2019-05-31") - np.datetime64("2015-07-01")).astype(np.int64))
    new = _clone(rng, s, reg, n_new + 3, np.concatenate([new_regions, np.full(3, OUTSIDE_ROW)]), shift_days,
                 "2017-01-01", "2019-05-31", 6001)
    g = pick(rng, np.zeros(n_new + 3, np.int8), [0.05, 0.12, 0.15, 0.18, 0.40, 0.10]).astype(np.int64)
    w = rng.random(n_new + 3)
    new.hh["desil"] = np.where(g <= 3, g + 1, 0)
    new.hh["pct"] = np.select([g <= 3, g == 4], [g * 10 + 1 + (w * 10).astype(np.int64),
                                                 41 + (w * 60).astype(np.int64)], 0)
    new.hh["kind"] = np.where(np.arange(n_new + 3) >= n_new, 1, 0)
    new.hh["id"] = idbdt_base(reg)[new.hh["reg"]] + 80001 + cumcount(new.hh["reg"])
    s = concat(_births(rng, s, reg, "2015-07-01", "2019-05-31", 0.22, 0.03, 6501), new)
    # file order: kelurahan, RT, ID (a SIKS-NG export is sorted by region)
    s = select(s, np.lexsort((s.hh["id"], s.hh["rt"], s.hh["reg"], s.hh["kind"])))
    target = s.hh["desil"][s.kf["hh"]] > 0
    _kks(rng, s, reg, "2019-05", target)
    s.kf.update({k: v for k, v in _flags(rng, s.hh["desil"][s.kf["hh"]]).items()})
    # dirt with known effects (README): spelling variants, 3 target families without NOKK, 2 invalid NIK
    var_ok = np.isin(reg.kode.to_numpy()[s.hh["reg"]], list(VARIANT_UPPER)) & (s.hh["kind"] == 0)
    s.hh["var"][sample_idx(rng, var_ok, 40)] = True
    one_fam = np.bincount(s.kf["hh"], minlength=len(s.hh["reg"]))[s.kf["hh"]] == 1
    nokey = sample_idx(rng, target & one_fam & (s.hh["kind"][s.kf["hh"]] == 0), 3)
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
    s = select(s, stay, _leavers(rng, s, "2025-06-30", 0.05, 0.25))
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
    new_regions = rng.choice(15, size=n_new, p=k / k.sum())
    shift_days = int((np.datetime64("2025-06-30") - np.datetime64("2019-05-31")).astype(np.int64))
    new = _clone(rng, s, reg, n_new + 2, np.concatenate([new_regions, np.full(2, OUTSIDE_ROW)]), shift_days,
                 "2020-01-01", "2025-06-30", 7001)
    new.hh["desil"] = pick(rng, np.zeros(n_new + 2, np.int8),
                                   [.03, .06, .08, .09, .10, .10, .11, .12, .13, .12, .06]).astype(np.int64) + 1
    new.hh["desil"] = np.where(new.hh["desil"] == 11, 0, new.hh["desil"])
    new.hh["kind"] = np.where(np.arange(n_new + 2) >= n_new, 1, 0)
    s = concat(_births(rng, s, reg, "2019-06-01", "2025-06-30", 0.30, 0.08, 7501), new)
    s = select(s, np.lexsort((s.kf["kk"], s.hh["rt"], s.hh["reg"], s.hh["kind"])))   # one family per unit
    nat = s.hh["desil"]
    F = len(nat)
    s.kf["desil_prov"] = np.where(nat > 0, np.clip(nat + rng.choice([-1, 0, 0, 1], size=F), 1, 10), 0)
    s.kf["desil_kab"] = np.where(nat > 0, np.clip(nat - rng.choice([0, 1, 1, 2], size=F), 1, 10), 0)
    target = (nat >= 1) & (nat <= 4)
    _kks(rng, s, reg, "2025-06", target)
    s.kf.update(_flags(rng, nat))
    var_ok = np.isin(reg.kode.to_numpy()[s.hh["reg"]], list(VARIANT_UPPER)) & (s.hh["kind"] == 0)
    s.hh["var"] = np.zeros(F, bool)
    s.hh["var"][sample_idx(rng, var_ok, 30)] = True
    _plant_bad_nik(rng, s, 2)
    # 2 target families (keyed in 2019 too) whose row and members lost their No. KK: without their only key
    # the cleaning must reject them (kind 2: not in the truths; in the flows from 2019 they left the data)
    carried = np.isin(s.kf["kk"], s2.kf["kk"][s2.kf["kk"] > 0]) & ~np.isin(np.arange(F), s.p["kf"][s.p["bad"]])
    lost = sample_idx(rng, target & carried & (s.hh["kind"] == 0), 2)
    s.hh["kind"][lost], s.kf["kk"][lost], s.kf["status"][lost] = 2, 0, 0
    return s


@lru_cache(maxsize=2)
def states(seed: int):
    """(region table, {periode: State}) of every round for this seed (cached: the truths and the files share it)."""
    reg, s1 = _round1(seed)
    s2 = _round2(seed, reg, s1)
    return reg, {"2018-05": s1, "2019-05": s2, "2025-06": _round3(seed, reg, s2)}
