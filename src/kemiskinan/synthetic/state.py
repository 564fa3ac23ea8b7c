"""A round of the synthetic city as parallel arrays, and what each round is (periode, file shape, folder).

`State` holds units (`hh`: households; in DTSEN the family), families (`kf`, grouped by unit, NUK order) and
persons (`p`, grouped by family, head first); `select`/`concat`/`add_persons` keep those groupings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEED = 2018
KOTA = "64.74"


@dataclass(frozen=True)
class RoundSpec:
    """One round: its periode, file shape, folder under data/raw/, predecessor, reference date, the four files
    it writes (the two shape files, the KKS list, the population) and its source profile."""
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


@dataclass
class State:
    """One round: units, families and persons as dicts of equal-length numpy arrays (see the module docstring)."""
    hh: dict     # reg, id, desil (0 none / 1..10), pct, rt, street, no_rumah, housing (H×K), kind, var
    kf: dict     # hh, nuk, kk (written; 0 = empty), kk_true, status (0 none, 1 TERSALUR, 2, 3), flags
    p: dict      # kf, nik, female, birth (datetime64[D]), first_idx, last_idx, ibu_idx, tmp_idx, hubkel,
    #              hub_krt, kawin, part_school, ijazah, works, stat_kerja, lap, bad (NIK planted invalid)


def select(s: State, hh_idx: np.ndarray, p_keep: np.ndarray | None = None) -> State:
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


def concat(a: State, b: State) -> State:
    """The units of a, then those of b (b's indices shifted)."""
    hh = {k: np.concatenate([a.hh[k], b.hh[k]]) for k in a.hh}
    kf = {k: np.concatenate([a.kf[k], b.kf[k] + len(a.hh["reg"]) if k == "hh" else b.kf[k]]) for k in a.kf}
    p = {k: np.concatenate([a.p[k], b.p[k] + len(a.kf["hh"]) if k == "kf" else b.p[k]]) for k in a.p}
    return State(hh, kf, p)


def add_persons(s: State, newp: dict) -> State:
    """s with the persons newp (one array per column) added to their families."""
    p = {k: np.concatenate([s.p[k], newp[k]]) for k in s.p}
    order = np.argsort(p["kf"], kind="stable")         # new members after the existing ones of their family
    return State(s.hh, s.kf, {k: v[order] for k, v in p.items()})


def age(s: State, acuan: str) -> np.ndarray:
    """Age in years at `acuan` (fractional), per person."""
    return (np.datetime64(acuan) - s.p["birth"]).astype(np.int64) / 365.2425

