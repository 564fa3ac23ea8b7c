"""Simulation of the plan's households, keluarga and persons (vectorised), as the PBDT 2015 forms code them.

`simulate` returns a `Sim`: parallel numpy arrays per household (`hh`), per keluarga (`kf`, grouped by
household, NUK order) and per person (`p`, grouped by keluarga, head first). The probabilities by group
(desil 1–4, 4+, non-desil) follow docs/domain.md §2; only `numpy.random.default_rng(seed)` is drawn from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kemiskinan.synthetic.arrays import cumcount, pick, starts, yes, ymd
from kemiskinan.synthetic.city import FIRST_F, FIRST_M, LAST, MIGRANT_PREFIX, STREETS, TMP_OTHER
from kemiskinan.synthetic.plan import G_4PLUS, Plan

ENUM_DATE = np.datetime64("2015-07-01")                 # PBDT 2015 enumeration (Jun-Jul 2015)

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


@dataclass
class Sim:
    """All simulated arrays (households hh_*, keluarga kf_*, persons p_*) plus region table."""
    reg: pd.DataFrame
    plan: Plan
    hh: dict
    kf: dict
    p: dict


def simulate(rng, reg: pd.DataFrame, plan: Plan) -> Sim:
    """Households, keluarga and persons of the plan, with every coded answer of the PBDT 2015 forms.

    Each step below draws from `rng` in turn; the order of the steps is the order of the draws.
    """
    q = _keluarga(rng, plan)
    q.update(_persons(rng, plan, q))
    q.update(_identity_numbers(rng, reg, plan, q))
    q.update(_schooling(rng, q))
    q.update(_work(rng, reg, plan, q))
    q.update(_civil_status_and_health(rng, q))
    q.update(_names(rng, q))
    hh = _household_codes(rng, reg, plan, q)
    kf_size, has_spouse, head_female = q["kf_size"], q["has_spouse"], q["head_female"]
    kf = {"hh": plan.kf_hh, "nuk": plan.kf_nuk, "size": kf_size, "status": plan.kf_status, "kk": q["kk"],
          "first_person": starts(kf_size), "has_spouse": has_spouse, "head_female": head_female}
    # KKS pengurus: the wife when there is one (that is how KKS were issued), else the head.
    kf["pengurus"] = kf["first_person"] + np.where(has_spouse & ~head_female, 1, 0)
    p = {k: q[k] for k in _PERSON_COLUMNS}
    p["key"] = q["is_head"] | q["is_spouse"]
    return Sim(reg, plan, hh, kf, p)


# Sim.p's columns besides `key`: the persons' arrays the writers and the later rounds read.
_PERSON_COLUMNS = ("kf", "hh", "nuk", "pos", "member_no", "hubkel", "hub_krt", "female", "umur", "by", "bm", "bd",
                   "nik", "kawin", "akta_nikah", "di_kk", "ident", "hamil", "hamil_asked", "cacat", "kronis",
                   "part_school", "pend", "has_pend", "kelas", "ijazah", "works", "work_asked", "jam", "lap",
                   "stat_kerja", "first_idx", "last_idx", "ibu_idx", "tmp_idx", "date_fmt")


def _keluarga(rng, plan: Plan) -> dict:
    """Household and keluarga sizes; each keluarga's head (sex, age, relation to the KRT) and spouse."""
    H = len(plan.hh_region)
    grp = plan.hh_grp
    nkel = plan.hh_nkel.astype(np.int64)

    size = (pick(rng, grp, _P_HHSIZE) + 1).astype(np.int64)
    size = np.where(nkel == 2, np.maximum(size, 3), size)
    k2 = np.where(nkel == 2, 1 + (rng.random(H) * (size - 2)).astype(np.int64), 0)
    kf_hh, kf_nuk = plan.kf_hh, plan.kf_nuk
    F = len(kf_hh)
    kf_first = starts(nkel)                         # index of NUK 1 of each household
    kf_size = np.where(kf_nuk == 1, size[kf_hh] - k2[kf_hh], k2[kf_hh])
    kf_grp = grp[kf_hh]

    # --- keluarga heads and spouses ---------------------------------------------------------------
    head_female = rng.random(F) < np.array([.19, .17, .15, .13, .10, .12])[kf_grp]
    has_spouse = (kf_size >= 2) & (rng.random(F) < np.where(head_female, 0.08, 0.88))
    head_age = np.clip(rng.normal(46, 13, F), 19, 88).astype(np.int64)
    # NUK 2 head: child / child-in-law / parent / other of the KRT, with an age that fits.
    krt_age = head_age[kf_first[kf_hh]]
    rel2 = pick(rng, np.zeros(F, np.int8), [.60, .20, .10, .10], [3, 4, 6, 8]).astype(np.int8)
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
    return dict(size=size, kf_size=kf_size, head_female=head_female, has_spouse=has_spouse, head_age=head_age,
                kf_rel_krt=kf_rel_krt, spouse_age=spouse_age, mother_age=mother_age)


def _persons(rng, plan: Plan, q: dict) -> dict:
    """Every member: relation to the keluarga head and to the KRT, sex, age and birth date."""
    grp, kf_hh, kf_nuk, F = plan.hh_grp, plan.kf_hh, plan.kf_nuk, len(plan.kf_hh)
    size, kf_size, has_spouse, head_female = q["size"], q["kf_size"], q["has_spouse"], q["head_female"]
    kf_rel_krt, mother_age, head_age, spouse_age = q["kf_rel_krt"], q["mother_age"], q["head_age"], q["spouse_age"]
    p_kf = np.repeat(np.arange(F), kf_size)
    P = len(p_kf)
    pos = np.arange(P) - np.repeat(starts(kf_size), kf_size)
    p_hh = kf_hh[p_kf]
    p_nuk = kf_nuk[p_kf]
    p_grp = grp[p_hh]
    hh_first_person = starts(size)
    member_no = np.arange(P) - hh_first_person[p_hh] + 1
    other_role = np.where(p_nuk == 1,
                          pick(rng, np.zeros(P, np.int8), [.82, .06, .05, .06, .01], [3, 5, 6, 8, 7]),
                          pick(rng, np.zeros(P, np.int8), [.90, .03, .07], [3, 5, 8]))
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
    by, bm, bd = ymd(birth)
    umur = 2015 - by - ((bm > 7) | ((bm == 7) & (bd > 1)))
    return dict(kf=p_kf, hh=p_hh, nuk=p_nuk, grp=p_grp, pos=pos, hh_first_person=hh_first_person,
                member_no=member_no, hubkel=hubkel, hub_krt=hub_krt, is_head=is_head, is_spouse=is_spouse,
                female=female, by=by, bm=bm, bd=bd, umur=umur)


def _identity_numbers(rng, reg: pd.DataFrame, plan: Plan, q: dict) -> dict:
    """NIK per person and No. KK per keluarga, both built the way Dukcapil builds them."""
    p_hh, female, by, bm, bd = q["hh"], q["female"], q["by"], q["bm"], q["bd"]
    P, kf_size, F = len(p_hh), q["kf_size"], len(plan.kf_hh)
    # --- NIK: prefix (Kemendagri kecamatan of first registration) + DDMMYY (+40 women) + serial ------
    region_prefix = reg.nik_prefix.to_numpy()[plan.hh_region][p_hh]
    is_bontang = region_prefix // 100 == 6474
    w = rng.random(P)
    other_kec = 647401 + ((region_prefix % 100 - 1 + 1 + (rng.random(P) < 0.5)) % 3)
    prefix = np.where(is_bontang & (w < 0.12), other_kec, region_prefix)
    migrant = w > 0.97
    prefix = np.where(migrant, np.array(MIGRANT_PREFIX)[(rng.random(P) * len(MIGRANT_PREFIX)).astype(int)],
                      prefix)
    nik_base = prefix * 1_000_000 + (bd + 40 * female) * 10_000 + bm * 100 + by % 100
    serial = cumcount(nik_base) + 1
    if serial.max() >= 5000:
        raise ValueError("NIK serial overflow; too many persons with the same prefix and birth date")
    nik = nik_base * 10_000 + serial

    # --- No. KK per keluarga: prefix + issue date DDMMYY + serial 5001.. (never equal to a NIK) ------
    kk_prefix = region_prefix[starts(kf_size)] if F else np.zeros(0, np.int64)
    issue = np.datetime64("2008-01-01") + (rng.random(F) * 2700).astype("timedelta64[D]")
    iy, im, iday = ymd(issue)
    kk_base = kk_prefix * 1_000_000 + iday * 10_000 + im * 100 + iy % 100
    kk = kk_base * 10_000 + 5001 + cumcount(kk_base)
    if (kk % 10_000).max() > 8999:
        raise ValueError("No. KK serial overflow")
    return dict(nik=nik, migrant=migrant, kk=kk)


def _schooling(rng, q: dict) -> dict:
    """School participation, level, grade and diploma (docs/domain.md §2.5)."""
    p_grp, umur, P = q["grp"], q["umur"], len(q["hh"])
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
    adult_lvl = pick(rng, p_grp, [[.50, .25, .22, .03], [.44, .26, .26, .04], [.38, .27, .30, .05],
                                  [.32, .27, .35, .06], [.20, .22, .45, .13], [.30, .25, .37, .08]]) + 1
    old_lvl = pick(rng, np.zeros(P, np.int8), [.75, .15, .08, .02]) + 1
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
        [pick(rng, np.zeros(P, np.int8), [.90, .02, .08], [1, 2, 3]),
         pick(rng, np.zeros(P, np.int8), [.88, .02, .10], [4, 5, 6]),
         pick(rng, np.zeros(P, np.int8), [.88, .04, .08], [7, 8, 9])], 10)
    has_pend = level > 0
    return dict(rich=rich, part_school=part_school, student=student, pend=pend_code, has_pend=has_pend,
                kelas=kelas, ijazah=ijazah)


def _work(rng, reg: pd.DataFrame, plan: Plan, q: dict) -> dict:
    """Who works, how long, in which sector and with which status (coastal kelurahan fish more)."""
    a, p_grp, p_hh, female, student, P = q["umur"], q["grp"], q["hh"], q["female"], q["student"], len(q["hh"])
    work_p = np.select([a < 10, a < 15, student, a < 25, a < 60],
                       [0, 0.03, 0.05, np.where(female, 0.30, 0.60), np.where(female, 0.38, 0.86 - 0.04 * (p_grp <= 1))],
                       np.where(female, 0.20, 0.45))
    works = rng.random(P) < work_p
    work_asked = a >= 10
    jam = np.clip(rng.normal(40, 12, P), 4, 84).astype(np.int64)
    coastal = reg.coastal.to_numpy()[plan.hh_region][p_hh]
    lap = pick(rng, np.minimum(p_grp, 4), [
        [.01, .01, .01, .18, .03, .01, .01, .02, .04, 0, .16, .16, .05, .06, 0, 0, .01, .01, .11, .03, .09],
        [.01, .01, .01, .15, .03, .01, .01, .03, .05, 0, .16, .17, .05, .07, 0, 0, .01, .01, .12, .02, .08],
        [.01, .01, .01, .12, .03, .01, .01, .04, .05, .01, .16, .18, .06, .07, .01, 0, .02, .01, .12, .01, .06],
        [.01, .01, .01, .10, .03, .01, .01, .05, .06, .01, .15, .18, .06, .08, .01, .01, .02, .02, .12, .01, .04],
        [0, .01, .01, .05, .02, 0, .01, .10, .10, .02, .12, .18, .06, .08, .02, .02, .04, .03, .11, 0, .02]]) + 1
    lap = np.where(coastal & (rng.random(P) < 0.12), 4, lap)
    stat_kerja = pick(rng, np.minimum(p_grp, 4), [[.30, .05, .01, .30, .01, .03, .20, .10],
                                                  [.30, .05, .01, .33, .02, .02, .18, .09],
                                                  [.30, .05, .02, .35, .03, .02, .15, .08],
                                                  [.29, .05, .02, .37, .04, .02, .13, .08],
                                                  [.25, .05, .04, .42, .10, .01, .08, .05]]) + 1
    return dict(works=works, work_asked=work_asked, jam=jam, lap=lap, stat_kerja=stat_kerja)


def _civil_status_and_health(rng, q: dict) -> dict:
    """Marriage, documents held, pregnancy, disability and chronic illness."""
    a, p_grp, p_kf, female, student, rich = q["umur"], q["grp"], q["kf"], q["female"], q["student"], q["rich"]
    is_head, is_spouse, has_spouse, hubkel, P = q["is_head"], q["is_spouse"], q["has_spouse"], q["hubkel"], len(a)
    married_like = is_head & has_spouse[p_kf] | is_spouse
    kawin = np.select(
        [a < 15, married_like, is_head & (a >= 25), hubkel == 6, a >= 20],
        [1, 2, pick(rng, np.zeros(P, np.int8), [.15, .10, .30, .45], [1, 2, 3, 4]),
         pick(rng, np.zeros(P, np.int8), [.02, .38, .05, .55], [1, 2, 3, 4]),
         pick(rng, np.zeros(P, np.int8), [.72, .23, .03, .02], [1, 2, 3, 4])], 1).astype(np.int8)
    akta_nikah = np.where(kawin >= 2, pick(rng, p_grp, [[.30, .50, .20]] * 4 + [[.12, .75, .13]] * 2), 0)
    di_kk = np.where(rng.random(P) < 0.97, 1, 2)
    ident = ((rng.random(P) < np.where(a < 18, 0.75, 0.45)) * 1 + (student & (a >= 10) & (rng.random(P) < 0.5)) * 2
             + ((a >= 17) & (rng.random(P) < 0.93)) * 4
             + ((a >= 17) & (rng.random(P) < np.where(female, 0.10, 0.30) + 0.1 * rich)) * 8)
    hamil_asked = female & (a >= 10) & (a <= 49)
    hamil = np.where((kawin == 2) & (rng.random(P) < 0.06), 1, 2)
    cacat = np.where(rng.random(P) < 0.012 + 0.035 * (a >= 60) + 0.01 * (p_grp <= 1),
                     pick(rng, np.zeros(P, np.int8), [.30, .12, .10, .05, .05, .02, .01, .01, .01, .12, .08, .13])
                     + 1, 0)
    kronis = np.where(rng.random(P) < np.select([a < 40, a < 60], [0.02, 0.12], 0.32),
                      pick(rng, np.zeros(P, np.int8), [.38, .16, .08, .08, .10, .04, .05, .02, .09]) + 1, 0)
    return dict(kawin=kawin, akta_nikah=akta_nikah, di_kk=di_kk, ident=ident, hamil_asked=hamil_asked,
                hamil=hamil, cacat=cacat, kronis=kronis)


def _names(rng, q: dict) -> dict:
    """Indices into the name lists, birthplace and how the operator wrote the birth date."""
    a, female, migrant, P = q["umur"], q["female"], q["migrant"], len(q["umur"])
    first_idx = np.where(female, (rng.random(P) * len(FIRST_F)).astype(np.int64),
                         (rng.random(P) * len(FIRST_M)).astype(np.int64))
    last_idx = (rng.random(P) * len(LAST)).astype(np.int64)
    ibu_idx = (rng.random(P) * len(FIRST_F)).astype(np.int64)
    tmp_bontang = rng.random(P) < np.select([a < 20, a < 40], [0.78, 0.42], 0.15) * (~migrant)
    tmp_idx = np.where(tmp_bontang, -1, (rng.random(P) * len(TMP_OTHER)).astype(np.int64))
    date_fmt = pick(rng, np.zeros(P, np.int8), [.87, .08, .05]).astype(np.int8)
    return dict(first_idx=first_idx, last_idx=last_idx, ibu_idx=ibu_idx, tmp_idx=tmp_idx, date_fmt=date_fmt)


def _household_codes(rng, reg: pd.DataFrame, plan: Plan, q: dict) -> dict:
    """The household form: housing, assets, programmes, welfare rank and address."""
    grp, H, kf_hh = plan.hh_grp, len(plan.hh_region), plan.kf_hh
    kind = reg.kind.to_numpy()[plan.hh_region]
    nkel = plan.hh_nkel.astype(np.int64)
    size, p_hh, student, a = q["size"], q["hh"], q["student"], q["umur"]
    hh = {"grp": grp, "kind": kind, "size": size, "nkel": nkel}
    for col, probs in _HOUSING.items():
        hh[col] = (pick(rng, grp, probs) + 1).astype(np.int16)
    hh["sta_lahan_valid"] = hh["sta_bangunan"] == 1
    hh["daya_valid"] = hh["sumber_penerangan"] == 1
    hh["kloset"] = np.where(hh["fasbab"] == 4, 4, hh["kloset"])
    src = hh["sumber_airminum"]
    hh["cara_peroleh_airminum"] = np.select([np.isin(src, (1, 2, 4)), src == 3], [1, 2], 3).astype(np.int16)
    coastal_hh = reg.coastal.to_numpy()[plan.hh_region]
    hh["buang_tinja"] = np.where(coastal_hh & (rng.random(H) < 0.15), 4, hh["buang_tinja"])
    hh["luas_lantai"] = np.clip(np.exp(rng.normal(np.log([30, 36, 42, 48, 64, 50])[grp], 0.35)), 8, 300).round()
    for col, code, p in _ASSETS:
        hh[col] = np.where(yes(rng, grp, p), code, code + 1).astype(np.int8)
    hh["jumlah_sapi"] = np.where(rng.random(H) < 0.01, 1 + (rng.random(H) * 3).astype(np.int64), 0)
    hh["jumlah_kambing"] = np.where(rng.random(H) < 0.03, 1 + (rng.random(H) * 6).astype(np.int64), 0)
    holds = np.zeros(H, dtype=bool)
    holds[kf_hh[plan.kf_status == 1]] = True
    school_child = np.zeros(H, dtype=bool)
    school_child[p_hh[student & (a >= 6) & (a <= 18)]] = True
    for col, code, p in _PROGRAMS:
        if col == "sta_kks":      # the 2015 self-report agrees with the 2017 card list most of the time
            y = rng.random(H) < np.where(holds, 0.90, 0.06)
        elif col == "sta_kip":
            y = school_child & yes(rng, grp, [.45, .38, .28, .18, .05, .08])
        else:
            y = yes(rng, grp, p)
        hh[col] = np.where(y, code, code + 1).astype(np.int8)
    # Welfare rank: status_kesejahteraan (desil 1-4) and/or percentile; 4+ has only a percentile > 40.
    form = pick(rng, np.zeros(H, np.int8), [.50, .30, .20])     # 0 both, 1 desil only, 2 percentile only
    pct_target = grp.astype(np.int64) * 10 + 1 + (rng.random(H) * 10).astype(np.int64)
    pct_4plus = 41 + (rng.random(H) ** 2 * 60).astype(np.int64)
    target = grp <= 3
    hh["desil_valid"] = target & (form <= 1)
    hh["desil"] = grp.astype(np.int64) + 1
    hh["pct_valid"] = (target & (form != 1)) | (grp == G_4PLUS)
    hh["pct"] = np.where(target, pct_target, pct_4plus)
    street = (rng.random(H) * len(STREETS)).astype(np.int64)
    hh["street"] = street
    hh["no_rumah"] = 1 + (rng.random(H) * 120).astype(np.int64)
    hh["gang"] = np.where(rng.random(H) < 0.35, 1 + (rng.random(H) * 12).astype(np.int64), 0)
    hh["pkh"] = hh["sta_pkh"] == 1
    hh["first_person"] = q["hh_first_person"]
    return hh

