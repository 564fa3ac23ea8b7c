"""Round 1's ground truth, from the simulation itself (never from the pipeline): keluarga in desil 1–4, with
and without KKS, households and persons per kelurahan."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.synthetic.arrays import largest_remainder
from kemiskinan.synthetic.city import CALIB_KELUARGA_KKS, bontang_regions
from kemiskinan.synthetic.simulate import Sim


def ground_truth(households: int | None = None) -> pd.DataFrame:
    """The calibrated truth per kelurahan (seed-independent): keluarga in desil 1-4 and with KKS.

    Only defined for the calibrated sample (households=None); for other sizes read
    ``generate(...)["ground_truth"]``.
    """
    if households is not None:
        raise ValueError("ground_truth() tanpa generate() hanya untuk sampel terkalibrasi (households=None)")
    reg = bontang_regions()
    h = largest_remainder(CALIB_KELUARGA_KKS, reg.k_target.to_numpy() * reg.kks_w.to_numpy())
    return pd.DataFrame({"kode_kelurahan": reg.kode, "nama": reg.nmkel,
                         "keluarga_miskin": reg.k_target.astype(int), "keluarga_kks": h,
                         "keluarga_tanpa_kks": reg.k_target.to_numpy() - h})


def per_kelurahan(sim: Sim) -> pd.DataFrame:
    """Round 1's truth per kelurahan of the city (or province), counted from the simulation."""
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

