"""The plan: which household is where, in which desil group, with how many keluarga, and who holds a KKS.

`households=None` gives exact per-kelurahan counts (contracts §1.7: 5,527 keluarga in desil 1–4, 4,429 of
them holding a KKS); `households=N` draws the same shape at random. Both add a few households that cleaning
must reject (outside the city, unknown kelurahan, orphan members). Everything after the plan is one code path.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kemiskinan.synthetic.arrays import cumcount, largest_remainder, pick, starts
from kemiskinan.synthetic.city import CALIB_KELUARGA_KKS

# Groups: 0..3 = desil 1..4, 4 = "4+" (percentile > 40), 5 = non-desil (neither value).
G_4PLUS, G_NON = 4, 5
_TARGET_DESIL_P = [0.09, 0.24, 0.32, 0.35]           # Bontang is rich: few desil 1 (docs/domain.md §2.6)
_SCALE_GROUP_P = [0.055, 0.14, 0.19, 0.21, 0.35, 0.055]
_HOLD_P = [0.90, 0.85, 0.80, 0.76, 0.07, 0.03]          # KKS TERSALUR probability by group (scale mode)


@dataclass
class Plan:
    """Per household (hh_*, in enumeration order) and per keluarga (kf_*, grouped by household)."""
    hh_region: np.ndarray           # row of the region table
    hh_grp: np.ndarray              # group: 0..3 desil 1..4, G_4PLUS, G_NON
    hh_nkel: np.ndarray             # keluarga in the household (1 or 2)
    hh_rt: np.ndarray = None        # rukun tetangga number within the kelurahan
    hh_seq: np.ndarray = None       # 5-digit IDBDT sequence within the kelurahan
    hh_urut: np.ndarray = None      # Nomor_Urut_Rumah_Tangga: the household's order within its RT
    kf_hh: np.ndarray = None
    kf_nuk: np.ndarray = None
    kf_status: np.ndarray = None    # 0 none, 1 TERSALUR, 2 BELUM TERSALUR, 3 DIKEMBALIKAN


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
        grp += list(pick(rng, np.zeros(t, np.int8), _TARGET_DESIL_P))
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
    grp = pick(rng, np.zeros(n, np.int8), _SCALE_GROUP_P).astype(np.int8)
    nkel = np.where(rng.random(n) < 0.10, 2, 1).astype(np.int8)
    return region, grp, nkel


def make_plan(rng, reg: pd.DataFrame, households: int | None) -> Plan:
    calibrated = households is None
    region, grp, nkel = (_calibrated_households(rng, reg) if calibrated
                         else _scale_households(rng, reg, households))
    n_out, n_unk, n_orph = _special_counts(len(region), calibrated)
    for kind, n in ((1, n_out), (2, n_unk), (3, n_orph)):
        j = int(reg.index[reg.kind == kind][0])
        region = np.concatenate([region, np.full(n, j)])
        grp = np.concatenate([grp, pick(rng, np.zeros(n, np.int8), _SCALE_GROUP_P).astype(np.int8)])
        nkel = np.concatenate([nkel, np.ones(n, np.int8)])
    n = len(region)
    rt = (rng.random(n) * reg.n_rt.to_numpy()[region]).astype(np.int16) + 1
    # Enumeration order: by kelurahan, then RT, then a random order within the RT.
    order = np.lexsort((rng.random(n), rt, region))
    region, grp, nkel, rt = region[order].astype(np.int32), grp[order], nkel[order], rt[order]
    seq = cumcount(region) + 1 + reg.seq_offset.to_numpy()[region]
    if (seq > 99999).any():
        worst = reg.loc[region[np.argmax(seq)], "nmkel"]
        raise ValueError(f"terlalu banyak rumah tangga untuk satu kelurahan ({worst}): nomor urut IDBDT "
                         f"hanya 5 digit (maks. 99.999). Kurangi --households atau pakai --kabkota kaltim.")
    urut = cumcount(region.astype(np.int64) * 1000 + rt) + 1
    kf_hh = np.repeat(np.arange(n), nkel)
    kf_nuk = (np.arange(len(kf_hh)) - np.repeat(starts(nkel.astype(np.int64)), nkel) + 1).astype(np.int8)
    plan = Plan(region, grp, nkel, rt, seq, urut, kf_hh, kf_nuk)
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
        h[real] = largest_remainder(CALIB_KELUARGA_KKS, k * reg.loc[real, "kks_w"].to_numpy())
        w = np.array([1.5, 1.25, 1.0, 0.85, 1, 1])[grp]
        key = np.where(target, rng.random(len(grp)) ** (1.0 / w), -1.0)
        order = np.lexsort((-key, region))
        rank = np.empty(len(grp), dtype=np.int64)
        rank[order] = cumcount(region[order])
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

