"""The truths of every round, computed from the simulation (never from the pipeline's output).

`round_truth(periode)`: per kota, kecamatan and kelurahan the headline (`ringkasan`) of the population a
correct cleaning keeps, and the flows of target families matched by No. KK (`alur`), as the contract's
banding_alur defines them.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from kemiskinan.domain import wilayah
from kemiskinan.errors import ParameterError
from kemiskinan.synthetic.ageing import states
from kemiskinan.synthetic.layout import ALUR_COLUMNS
from kemiskinan.synthetic.state import KOTA, ROUNDS, SEED, State

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


def alur(prev: pd.DataFrame, cur: pd.DataFrame, periode: str, sebelumnya: str) -> pd.DataFrame:
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
def _cached(periode: str, seed: int, target_desil: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    reg, by_periode = states(seed)
    spec = ROUNDS[periode]
    fam = _families(reg, by_periode[periode], target_desil)
    out = {"ringkasan": _ringkasan(fam, periode)}
    if spec.previous:
        out["alur"] = alur(_families(reg, by_periode[spec.previous]), fam, periode, spec.previous)
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
    return {k: v.copy() for k, v in _cached(periode, seed, tuple(sorted({int(d) for d in target_desil}))).items()}

