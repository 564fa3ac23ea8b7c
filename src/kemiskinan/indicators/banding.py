"""Comparison with the previous period: what changed since the last round that was built.

Four tables, written by step 02 beside the others (docs/contracts.md §3, "Perbandingan antarperiode"):

- `banding_ringkasan`: the four headline numbers of both periods per wilayah (copied from each period's
  `ringkasan`);
- `banding_alur`: families of the target group (keluarga miskin) matched across the two rounds by their
  No. KK, per wilayah: stayed, moved, entered (from the data / new), left (the target / the data), and
  those that cannot be matched (`tanpa_kunci*`);
- `banding_prioritas`: each kelurahan's priority quadrant then and now;
- `tren`: the headline numbers of every period of the chain up to this one.

What is read from the previous period is `kemiskinan.domain.periode.PREVIOUS_FILES` and nothing else (never its
raw files): its clean `keluarga` (only `no_kk`, `kode_kelurahan`, `desil`, `kelompok_desil`), `meta.json`,
and its indicator tables `ringkasan`, `prioritas`, `tren`.

**Each round's own target group.** A family is in the target group of a round when its `desil` is in that
round's target definition: this round's is the `target_desil` parameter of step 02; the previous round's is
the one its own step 02 used, read from its `ringkasan.target` (the label `D1-D4`, `D1`, `D1+D3` …, the
same on every row; `target_definition` parses it back) with the desil scheme from its `meta.json`
(`skema_desil`, 4 when the key is absent: rounds built before the scheme was recorded were PBDT rounds of
desil 1–4). So a round with desil 1–10 and target 1–4 is compared with a round of desil 1–4 and target 1–4
as two different definitions, and the tables carry both (`target`, `skema_desil` and their `_sebelumnya`).

**Matching.** The key is the family's No. KK (`keluarga.no_kk`): it survives a change of household ID and
is the only key DTSEN has. A No. KK that is missing, or that more than one keluarga holds in either round,
cannot be matched to one family: every target family carrying it is counted in `tanpa_kunci_sebelumnya`
(previous round) or `tanpa_kunci` (this round), at its own kelurahan. Every other target family is matched
or known to be absent, so for every wilayah

    n_sebelumnya = tetap + pindah_keluar + keluar_dari_target + keluar_dari_data + tanpa_kunci_sebelumnya
    n_sekarang   = tetap + pindah_masuk + masuk_dari_data + masuk_baru + tanpa_kunci

(`check_banding`). "Moved" is judged at each level: a family that changed kelurahan inside one kecamatan is
`pindah_*` at kelurahan level and `tetap` at kecamatan and kota level.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan import catalog
from kemiskinan.errors import CheckError
from kemiskinan.indicators import _base as B
from kemiskinan.indicators import schemas

TABLES = catalog.names("banding")
#: Columns of the clean `keluarga` table the comparison reads (in both rounds).
KELUARGA_COLUMNS = ("no_kk", "kode_kelurahan", "desil", "kelompok_desil")
_HEADLINE = ("keluarga_miskin", "keluarga_kks", "cakupan_kks", "keluarga_tanpa_kks")
#: Column order and dtype of each table (`schemas.BANDING`): every table is conformed to it.
SCHEMA = schemas.BANDING
#: banding_alur columns that add up from kelurahan to kecamatan to kota (moves do not: see module doc).
ADDITIVE = ("n_sebelumnya", "n_sekarang", "masuk_dari_data", "masuk_baru", "keluar_dari_target",
            "keluar_dari_data", "tanpa_kunci_sebelumnya", "tanpa_kunci")
_LEVELS = B.LEVELS_NO_RT


# ----------------------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------------------
def read_keluarga(processed_dir: str | Path) -> pd.DataFrame:
    """The clean `keluarga` columns the comparison reads, from `data/processed/<periode>/`."""
    return pd.read_parquet(Path(processed_dir) / "keluarga.parquet", columns=list(KELUARGA_COLUMNS))


def read_meta(processed_dir: str | Path) -> dict:
    p = Path(processed_dir) / "meta.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def skema_of(meta: dict) -> int:
    """The desil scheme recorded by step 01 (`skema_desil`); 4 when absent (a round built before the key)."""
    try:
        return int(meta.get("skema_desil") or 4)
    except (TypeError, ValueError):
        return 4


def read_previous(prev_dir: str | Path) -> dict:
    """Exactly what the comparison reads of the previous period (`PREVIOUS_FILES`)."""
    d = Path(prev_dir)
    ind = d / "indikator"
    out = {"periode": d.name, "keluarga": read_keluarga(d), "meta": read_meta(d),
           "ringkasan": pd.read_parquet(ind / "ringkasan.parquet"),
           "prioritas": pd.read_parquet(ind / "prioritas.parquet") if (ind / "prioritas.parquet").is_file() else None,
           "tren": pd.read_parquet(ind / "tren.parquet") if (ind / "tren.parquet").is_file() else None}
    return out


_LABEL_PART = re.compile(r"^D(\d+)(?:-D(\d+))?$")


def target_definition(label) -> list[int]:
    """`D1-D4` → [1, 2, 3, 4]; `D1` → [1]; `D1+D3` → [1, 3] (the labels `desil_label` writes)."""
    text = "" if label is None or (not isinstance(label, str) and pd.isna(label)) else str(label).strip()
    out: set[int] = set()
    for part in text.split("+"):
        m = _LABEL_PART.match(part.strip())
        if not m:
            raise CheckError(f"definisi sasaran periode sebelumnya tidak terbaca dari ringkasan.target: {label!r} "
                             "(diharapkan mis. 'D1-D4', 'D1' atau 'D1+D3')")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        out.update(range(a, b + 1))
    return sorted(out)


def _round_target(ringkasan: pd.DataFrame) -> tuple[str, list[int]]:
    labels = ringkasan["target"].dropna().astype(str).unique().tolist() if "target" in ringkasan else []
    if len(labels) != 1:
        raise CheckError(f"ringkasan periode sebelumnya harus punya satu definisi sasaran di kolom target, "
                         f"ditemukan {labels}")
    return labels[0], target_definition(labels[0])


# ----------------------------------------------------------------------------------------------------
# schema
# ----------------------------------------------------------------------------------------------------
def empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in SCHEMA[name].items()})


def _conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    cols = SCHEMA[name]
    out = df[list(cols)].copy()
    for c, t in cols.items():
        if t == "string":
            out[c] = out[c].astype("object").where(out[c].notna(), None).astype("string")
        else:
            out[c] = out[c].astype(t)
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# the flows
# ----------------------------------------------------------------------------------------------------
def _keys(s: pd.Series) -> pd.Series:
    k = s.astype("string").str.strip()
    return k.mask(k == "")


def _level_codes(kel: pd.Series) -> dict[str, np.ndarray]:
    kel = kel.astype("string")
    return {"kota": np.full(len(kel), B.kota_code(), dtype=object),
            "kecamatan": B.kecamatan_of(kel).astype(object).to_numpy(),
            "kelurahan": kel.astype(object).to_numpy()}


def flows(now: pd.DataFrame, target_now, prev: pd.DataFrame, target_prev) -> pd.DataFrame:
    """`banding_alur`'s counts per kode_wilayah (kota, kecamatan, kelurahan): see the module docstring.

    `now`/`prev`: clean keluarga tables (`no_kk`, `kode_kelurahan`, `desil`); `target_*`: desil lists."""
    kn, kp = _keys(now["no_kk"]), _keys(prev["no_kk"])
    cn, cp = kn.value_counts(), kp.value_counts()
    # how many keluarga hold each family's No. KK in its own round and in the other one
    own_n, other_n = kn.map(cn).fillna(0).astype(int), kn.map(cp).fillna(0).astype(int)
    own_p, other_p = kp.map(cp).fillna(0).astype(int), kp.map(cn).fillna(0).astype(int)
    usable_n = kn.notna() & (own_n == 1) & (other_n <= 1)
    usable_p = kp.notna() & (own_p == 1) & (other_p <= 1)
    tn = pd.to_numeric(now["desil"], errors="coerce").isin(list(target_now)).fillna(False).astype(bool)
    tp = pd.to_numeric(prev["desil"], errors="coerce").isin(list(target_prev)).fillna(False).astype(bool)

    # matched pairs: a usable key held once in each round
    pn = pd.DataFrame({"k": kn[usable_n & (other_n == 1)], "i_now": np.flatnonzero(usable_n & (other_n == 1))})
    pp = pd.DataFrame({"k": kp[usable_p & (other_p == 1)], "i_prev": np.flatnonzero(usable_p & (other_p == 1))})
    pairs = pn.merge(pp, on="k", how="inner", validate="one_to_one")
    if len(pairs) != len(pn) or len(pairs) != len(pp):  # by construction; a broken invariant is a bug
        raise CheckError("banding: pasangan No. KK antarperiode tidak satu-satu")
    matched_n = np.zeros(len(now), dtype=bool)
    matched_n[pairs["i_now"].to_numpy()] = True
    matched_p = np.zeros(len(prev), dtype=bool)
    matched_p[pairs["i_prev"].to_numpy()] = True
    tn_a, tp_a = tn.to_numpy(), tp.to_numpy()
    # the other round's target status of each matched family
    tp_of_now = np.zeros(len(now), dtype=bool)
    tp_of_now[pairs["i_now"].to_numpy()] = tp_a[pairs["i_prev"].to_numpy()]
    tn_of_prev = np.zeros(len(prev), dtype=bool)
    tn_of_prev[pairs["i_prev"].to_numpy()] = tn_a[pairs["i_now"].to_numpy()]
    un, up = usable_n.to_numpy(), usable_p.to_numpy()

    side_prev = {  # previous round's target families, at their kelurahan then
        "n_sebelumnya": tp_a,
        "tanpa_kunci_sebelumnya": tp_a & ~up,
        "keluar_dari_data": tp_a & up & ~matched_p,
        "keluar_dari_target": tp_a & matched_p & ~tn_of_prev,
    }
    side_now = {  # this round's target families, at their kelurahan now
        "n_sekarang": tn_a,
        "tanpa_kunci": tn_a & ~un,
        "masuk_baru": tn_a & un & ~matched_n,
        "masuk_dari_data": tn_a & matched_n & ~tp_of_now,
    }
    both = pairs[tn_a[pairs["i_now"].to_numpy()] & tp_a[pairs["i_prev"].to_numpy()]]

    lv_now, lv_prev = _level_codes(now["kode_kelurahan"]), _level_codes(prev["kode_kelurahan"])
    universe = B.wilayah_universe(_LEVELS)
    out = universe.copy()
    for c in (*side_prev, *side_now, "tetap", "pindah_masuk", "pindah_keluar"):
        out[c] = 0
    out = out.set_index("kode_wilayah")
    known = set(out.index)

    def add(col: str, codes: np.ndarray) -> None:
        if not len(codes):
            return
        vc = pd.Series(codes).value_counts()
        unknown = sorted(set(map(str, vc.index)) - known)
        if unknown:
            raise CheckError(f"banding: kode wilayah tidak dikenal: {unknown[:10]}")
        out.loc[vc.index, col] += vc.to_numpy()

    i_now, i_prev = both["i_now"].to_numpy(), both["i_prev"].to_numpy()
    for lv in _LEVELS:
        for col, m in side_prev.items():
            add(col, lv_prev[lv][m])
        for col, m in side_now.items():
            add(col, lv_now[lv][m])
        a, b = lv_prev[lv][i_prev], lv_now[lv][i_now]
        same = a == b
        add("tetap", b[same])
        add("pindah_keluar", a[~same])
        add("pindah_masuk", b[~same])
    return out.reset_index()


# ----------------------------------------------------------------------------------------------------
# the four tables
# ----------------------------------------------------------------------------------------------------
def _take(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """`cols` of `df` in that order, NA for a column it lacks, `kode_wilayah` as string."""
    out = df[[c for c in cols if c in df.columns]].copy()
    for c in cols:
        if c not in out:
            out[c] = pd.NA
    out["kode_wilayah"] = out["kode_wilayah"].astype("string")
    return out[cols]


def _headline(ring: pd.DataFrame) -> pd.DataFrame:
    return _take(ring[ring["tingkat"].astype(str).isin(_LEVELS)], ["kode_wilayah", "tingkat", "nama", "target", *_HEADLINE])


def _sort(df: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    return df.sort_values(["kode_wilayah", *(extra or [])], kind="stable").reset_index(drop=True)


def compute(clean_keluarga: pd.DataFrame, tables: dict[str, pd.DataFrame], periode: str,
            prev_dir: str | Path | None, *, target_desil, skema_desil: int = 4,
            previous: dict | None = None) -> dict[str, pd.DataFrame]:
    """The four comparison tables of `periode` against the period in `prev_dir` (its processed folder,
    `data/processed/<periode_sebelumnya>/`), or with no predecessor (`prev_dir` None): every table with its
    columns and zero rows, except `tren`, which still holds this period's own rows.

    `clean_keluarga`: this round's clean keluarga (`KELUARGA_COLUMNS`); `tables`: this round's indicator
    tables (`ringkasan`, `prioritas`); `target_desil`: this round's target group (step 02's parameter);
    `skema_desil`: this round's desil scheme (clean meta.json). `previous`: `read_previous(prev_dir)`,
    when the caller has it already.
    """
    periode = str(periode)
    target_now = sorted({int(x) for x in target_desil})
    ring = _headline(tables["ringkasan"])
    label_now = _label(target_now)
    own_tren = ring.assign(periode=periode)
    if prev_dir is None and previous is None:
        out = {n: empty(n) for n in TABLES if n != "tren"}
        out["tren"] = _conform(_sort(own_tren, ["periode"]), "tren")
        schemas.check(out)
        return out

    prev = previous if previous is not None else read_previous(prev_dir)
    pname = str(prev["periode"])
    if pname >= periode:
        raise CheckError(f"periode sebelumnya {pname} tidak lebih awal dari {periode}")
    label_prev, target_prev = _round_target(prev["ringkasan"])
    ring_prev = _headline(prev["ringkasan"])

    # banding_ringkasan: one row per wilayah present in either period
    br = ring.merge(ring_prev, on="kode_wilayah", how="outer", suffixes=("", "_sebelumnya"))
    br["tingkat"] = br["tingkat"].fillna(br["tingkat_sebelumnya"])
    br["nama"] = br["nama"].fillna(br["nama_sebelumnya"])
    br["target"] = br["target"].fillna(label_now)
    br["target_sebelumnya"] = br["target_sebelumnya"].fillna(label_prev)
    br["periode"], br["periode_sebelumnya"] = periode, pname
    br["skema_desil"], br["skema_desil_sebelumnya"] = int(skema_desil), skema_of(prev["meta"])
    banding_ringkasan = _conform(_sort(br), "banding_ringkasan")

    # banding_alur
    al = flows(clean_keluarga, target_now, prev["keluarga"], target_prev)
    al["periode"], al["periode_sebelumnya"] = periode, pname
    banding_alur = _conform(_sort(al), "banding_alur")

    # banding_prioritas: one row per kelurahan
    cols = ["kode_wilayah", "tingkat", "nama", "prioritas", "kuadran"]
    pr_now = _pr(tables.get("prioritas"), cols)
    pr_prev = _pr(prev.get("prioritas"), cols)
    bp = pr_now.merge(pr_prev, on="kode_wilayah", how="outer", suffixes=("", "_sebelumnya"))
    bp["tingkat"] = bp["tingkat"].fillna(bp["tingkat_sebelumnya"])
    bp["nama"] = bp["nama"].fillna(bp["nama_sebelumnya"])
    bp["periode"], bp["periode_sebelumnya"] = periode, pname
    a, b = bp["prioritas"].astype("Int8"), bp["prioritas_sebelumnya"].astype("Int8")
    bp["berubah"] = (a != b).astype("boolean").mask(a.isna() | b.isna())
    banding_prioritas = _conform(_sort(bp), "banding_prioritas")

    # tren: the predecessor's own chain (its `tren`; its `ringkasan` when it was built before `tren` existed)
    # and this period's rows
    if prev.get("tren") is not None and len(prev["tren"]):
        chain = prev["tren"][list(SCHEMA["tren"])].copy()
    else:
        chain = ring_prev.assign(periode=pname)
    chain = chain[chain["periode"].astype(str) < periode]
    tren = pd.concat([_conform(chain, "tren"), _conform(own_tren, "tren")], ignore_index=True)
    tren = _conform(_sort(tren, ["periode"]), "tren")

    out = {"banding_ringkasan": banding_ringkasan, "banding_alur": banding_alur,
           "banding_prioritas": banding_prioritas, "tren": tren}
    schemas.check(out)
    check_banding(out)
    return out


def _label(target: list[int]) -> str:
    t = sorted(set(target))
    if len(t) == 1:
        return f"D{t[0]}"
    if t == list(range(t[0], t[-1] + 1)):
        return f"D{t[0]}-D{t[-1]}"
    return "+".join(f"D{x}" for x in t)


def _pr(df: pd.DataFrame | None, cols: list[str]) -> pd.DataFrame:
    if df is None:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    return _take(df[df["tingkat"].astype(str) == "kelurahan"] if "tingkat" in df else df, cols)


# ----------------------------------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------------------------------
def check_banding(tables: dict[str, pd.DataFrame]) -> None:
    """The two flow identities on every row of `banding_alur` (CheckError with the offending rows); the
    additive flows add up from kelurahan to kecamatan to kota; and the target counts agree with each
    period's `keluarga_miskin` in `banding_ringkasan` (where that is known)."""
    al = tables["banding_alur"]
    if not len(al):
        return
    B.check_rows(al, al["n_sebelumnya"] != al["tetap"] + al["pindah_keluar"] + al["keluar_dari_target"]
                 + al["keluar_dari_data"] + al["tanpa_kunci_sebelumnya"],
                 "banding_alur: n_sebelumnya ≠ tetap + pindah_keluar + keluar_dari_target + keluar_dari_data "
                 "+ tanpa_kunci_sebelumnya")
    B.check_rows(al, al["n_sekarang"] != al["tetap"] + al["pindah_masuk"] + al["masuk_dari_data"]
                 + al["masuk_baru"] + al["tanpa_kunci"],
                 "banding_alur: n_sekarang ≠ tetap + pindah_masuk + masuk_dari_data + masuk_baru + tanpa_kunci")
    kota = al[al["tingkat"] == "kota"]
    B.check_rows(kota, (kota["pindah_masuk"] != 0) | (kota["pindah_keluar"] != 0),
                 "banding_alur: perpindahan di tingkat kota harus 0 (semua di dalam kota)")
    B.check_hierarchy(al, list(ADDITIVE), (), "banding_alur")
    br = tables.get("banding_ringkasan")
    if br is not None and len(br):
        j = al.merge(br[["kode_wilayah", "keluarga_miskin", "keluarga_miskin_sebelumnya"]], on="kode_wilayah",
                     how="left")
        B.check_rows(j, j["keluarga_miskin"].notna() & (j["n_sekarang"] != j["keluarga_miskin"]),
                     "banding_alur: n_sekarang ≠ keluarga_miskin di ringkasan periode ini")
        B.check_rows(j, j["keluarga_miskin_sebelumnya"].notna() & (j["n_sebelumnya"] != j["keluarga_miskin_sebelumnya"]),
                     "banding_alur: n_sebelumnya ≠ keluarga_miskin di ringkasan periode sebelumnya")
