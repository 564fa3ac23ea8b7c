"""Which rows get which dirt: decided once, before any file is written, then read by the writers and the README.

Dirt is only ever *repairable* (spelling variants, case, spaces, NBSP/ZWSP, Excel numbers, `.0`) on the rows
that carry the calibration, or *extra* rows (exact duplicates, other kab/kota, unknown kelurahan, orphans).
Damaging dirt (NIK as `6.47402E+15`, invalid dates, empty NIK) only touches members that are neither a
keluarga head nor a KKS pengurus, so no calibrated keluarga can be lost by it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kemiskinan.synthetic.arrays import mask_of, sample_idx
from kemiskinan.synthetic.city import NAME_VARIANTS
from kemiskinan.synthetic.simulate import Sim

def scaled(n_base: int, calibrated: bool, n_rows: int, per: int = 10_000, minimum: int = 1) -> int:
    """A dirt amount: fixed for the calibrated sample, proportional (with a floor) at other sizes."""
    return n_base if calibrated else max(minimum, round(n_base * n_rows / per))


@dataclass
class Dirt:
    """The chosen rows per kind of dirt, and the counts per file and kind that the README lists."""
    ruta: dict = field(default_factory=dict)     # name -> household indices (PBDT household file)
    art: dict = field(default_factory=dict)      # name -> person indices
    counts: dict = field(default_factory=dict)   # file -> {kind: count}


def choose_dirt(rng, sim: Sim, calibrated: bool) -> Dirt:
    """The dirt of the household and member files (the KKS list chooses its own while building its rows)."""
    d = Dirt()
    hh, p, kf = sim.hh, sim.p, sim.kf
    H, P = len(hh["grp"]), len(p["hh"])
    in_file = hh["kind"] != 3
    normal = hh["kind"] == 0
    region = sim.plan.hh_region
    has_var = np.isin(sim.reg.kode.to_numpy()[region], list(NAME_VARIANTS))
    d.ruta["nmkel_varian"] = sample_idx(rng, normal & has_var, scaled(400, calibrated, H * 1.15))
    d.ruta["nmkel_title"] = sample_idx(rng, normal, scaled(650, calibrated, H * 1.15),
                                       mask_of(H, d.ruta["nmkel_varian"]))
    d.ruta["nmkel_spasi"] = sample_idx(rng, normal, scaled(120, calibrated, H * 1.15))
    d.ruta["nmkel_nbsp"] = sample_idx(rng, normal, scaled(10, calibrated, H * 1.15),
                                      mask_of(H, d.ruta["nmkel_spasi"]))
    d.ruta["idbdt_spasi"] = sample_idx(rng, normal, scaled(60, calibrated, H * 1.15))
    d.ruta["nama_krt_spasi"] = sample_idx(rng, normal, scaled(150, calibrated, H * 1.15))
    d.ruta["nama_krt_nbsp"] = sample_idx(rng, normal, scaled(12, calibrated, H * 1.15),
                                         mask_of(H, d.ruta["nama_krt_spasi"]))
    d.ruta["nama_krt_title"] = sample_idx(rng, normal, scaled(200, calibrated, H * 1.15))
    d.ruta["duplikat"] = sample_idx(rng, in_file, scaled(25, calibrated, H * 1.15, minimum=2))

    # Members: damaging dirt only on non-key members (not head, not spouse) of keluarga with >= 3
    # members, so every keluarga keeps a valid head NIK and the KKS pengurus NIK stays valid.
    non_key = (~p["key"]) & (kf["size"][p["kf"]] >= 3) & (hh["kind"][p["hh"]] == 0)
    used = np.zeros(P, dtype=bool)

    def take_art(name, mask, n):
        idx = sample_idx(rng, mask, n, used)
        used[idx] = True
        d.art[name] = idx

    take_art("nik_excel_sci", non_key, scaled(120, calibrated, P / 3.9))
    take_art("nik_akhiran_0", non_key, scaled(40, calibrated, P / 3.9))
    take_art("nik_bulan_13", non_key, scaled(2, calibrated, P / 3.9))
    take_art("nik_tanggal_00", non_key, scaled(2, calibrated, P / 3.9))
    take_art("nik_kosong", non_key & (p["umur"] < 5), scaled(35, calibrated, P / 3.9))
    take_art("nik_zwsp", non_key, scaled(8, calibrated, P / 3.9))
    take_art("idbdt_spasi", non_key, scaled(60, calibrated, P / 3.9))
    valid_p = hh["kind"][p["hh"]] == 0
    d.art["nama_title"] = sample_idx(rng, valid_p, scaled(400, calibrated, P / 3.9))
    d.art["nama_spasi"] = sample_idx(rng, valid_p, scaled(300, calibrated, P / 3.9))
    d.art["nama_nbsp"] = sample_idx(rng, valid_p, scaled(20, calibrated, P / 3.9), mask_of(P, d.art["nama_spasi"]))
    d.art["nama_zwsp"] = sample_idx(rng, valid_p, scaled(10, calibrated, P / 3.9), mask_of(P, d.art["nama_spasi"]))
    d.art["duplikat"] = sample_idx(rng, valid_p, scaled(60, calibrated, P / 3.9, minimum=3))
    return d

