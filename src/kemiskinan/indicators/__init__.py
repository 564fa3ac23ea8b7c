"""Indicators for the Walikota's poverty briefings (docs/contracts.md §3, docs/indicators.md).

Public API:

- `compute_all(clean, params)` → the tables of contracts §3 (checked, suppressed);
- `write_all(tables, out_dir)`, `load_all(periode_or_dir)`;
- `banding.previous_period(periode, wanted)`, `banding.compute(...)`: the comparison with the previous period
  (tables `banding_ringkasan`, `banding_alur`, `banding_prioritas`, `tren`; see `kemiskinan.indicators.banding`);
- `fgt(expenditure, poverty_line, alpha, weights=None)`, `fgt_all`, `check_fgt`, `check_p0_monotone`;
- `suppress(df, count_cols, threshold, ...)`, `quadrant(...)`;
- `meta(id, lang="id")`, `all_meta()`, `write_indicator_docs()`.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd

from kemiskinan.indicators import tables as T
from kemiskinan.parallel import two_at_a_time
from kemiskinan.indicators._base import PROGRAMS, check_hierarchy, suppress
from kemiskinan.indicators._fgt import check_fgt, check_p0_monotone, fgt, fgt_all
from kemiskinan.indicators.io import BANDING_TABLES, INDICATOR_TABLES, TABLES, load_all, write_all
from kemiskinan.indicators._meta import all_meta, meta, render_indicator_docs, write_indicator_docs
from kemiskinan.indicators.tables import (DEFAULT_PARAMS, manfaat_table, needed, parse_params, quadrant,
                                          read_clean)

__all__ = ["compute_all", "compute_by_kabkota", "write_all", "load_all", "fgt", "fgt_all", "check_fgt", "check_p0_monotone",
           "suppress", "quadrant", "meta", "all_meta", "write_indicator_docs", "render_indicator_docs",
           "DEFAULT_PARAMS", "PROGRAMS", "TABLES", "INDICATOR_TABLES", "BANDING_TABLES", "manfaat_table", "parse_params", "read_clean"]


def compute_all(clean: dict[str, pd.DataFrame] | str | Path, params: dict | None = None, *,
                wilayah: tuple | None = None, skema_desil: int | None = None) -> dict[str, pd.DataFrame]:
    """All indicator tables from the clean tables (a dict, or the processed folder holding them).

    Order matters: every table is computed and checked on true numbers first (CheckError with the
    offending rows on failure), then small-cell suppression is applied to what gets published.
    `skema_desil`: the round's desil scheme (target_desil is checked against it); None → the folder's
    meta.json `skema_desil` (4 when absent), or 4 for a dict of tables.
    `wilayah`: the kab/kota to compute for other than Kota Bontang — a tuple of `kemiskinan.domain.wilayah.Wilayah`
    (the kota row, its kecamatan and kelurahan); see `compute_by_kabkota` for a whole province.
    """
    if wilayah is not None:
        from kemiskinan.indicators import _base
        token = _base._REF.set(tuple(wilayah))
        try:
            return compute_all(clean, params, skema_desil=skema_desil)
        finally:
            _base._REF.reset(token)
    # the round's desil scheme comes with its clean tables (meta.json); a dict of tables is a 4-scheme round
    # unless the caller says otherwise (`skema_desil` keyword)
    if skema_desil is None:
        skema_desil = 4 if isinstance(clean, dict) else T.skema_desil_of(clean)
    p = parse_params(params, skema_desil)
    if not isinstance(clean, dict):
        clean = read_clean(clean, needed_only=True)
    d = T.prepare(clean, p)

    seb = T.sebaran(d, p)
    check_hierarchy(seb[seb["tingkat"] != "rt"], ["jumlah"], ["satuan", "kelompok_desil"], "sebaran")
    cak = T.cakupan(d, p)
    T.check_cakupan(cak)
    keb = T.kebocoran(d, p)
    check_hierarchy(keb, ["n_penerima"], ["program", "kelompok_desil"], "kebocoran")
    _check_kebocoran_vs_cakupan(keb, cak)
    tt = T.tumpang_tindih(d, p)
    check_hierarchy(tt, ["n_rumah_tangga"], ["kelompok", "kombinasi"], "tumpang_tindih")
    pro = T.profil(d, p)
    from kemiskinan.indicators._base import check_rows
    check_rows(pro, pro["n_kondisi"] > pro["n"], "profil: n_kondisi > n")
    check_hierarchy(pro[pro["tingkat"] != "rt"], ["n", "n_kondisi"], ["indikator", "kelompok"], "profil")
    mp = T.mpm(d, p)
    T.check_mpm(mp)
    pri = T.prioritas(d, p, cak)
    bia = T.biaya(d, p)
    check_hierarchy(bia, ["n_keluarga_target", "n_keluarga_dikecualikan"], ["program"], "biaya")
    kks_bia = bia[bia["program"] == "KKS"].set_index("kode_wilayah")["n_keluarga_dikecualikan"]
    kks_cak = cak[(cak["program"] == "KKS") & (cak["target"] == p.target_label) & (cak["tingkat"] != "rt")] \
        .set_index("kode_wilayah")["n_tidak_menerima"]
    diff = kks_bia.ne(kks_cak.reindex(kks_bia.index))
    if diff.any():
        check_rows(pd.DataFrame({"biaya": kks_bia, "cakupan": kks_cak.reindex(kks_bia.index)}), diff,
                   "biaya KKS: n_keluarga_dikecualikan ≠ cakupan n_tidak_menerima")
    ring = T.ringkasan(p, seb, cak, tt, mp)
    T.check_ringkasan(ring)
    bps = T.bps_makro()

    b = T.blank_absent({"ringkasan": ring, "cakupan": cak, "kebocoran": keb, "tumpang_tindih": tt, "mpm": mp,
                        "prioritas": pri, "biaya": bia}, d)

    k = p.ambang_sel_kecil
    return {
        "ringkasan": b["ringkasan"],
        "sebaran": T.suppress_sebaran(seb, k),
        "cakupan": T.suppress_cakupan(b["cakupan"], k),
        "kebocoran": b["kebocoran"],
        "tumpang_tindih": b["tumpang_tindih"],
        "profil": T.suppress_profil(pro, k),
        "mpm": b["mpm"],
        "prioritas": b["prioritas"],
        "biaya": b["biaya"],
        "bps_makro": bps,
    }


def compute_by_kabkota(clean: dict[str, pd.DataFrame] | str | Path, params: dict | None,
                       wilayah: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    """Province scale: `compute_all` for every kab/kota of a wilayah reference table (the format of
    data/reference/wilayah_bontang.csv, as given to `clean(wilayah=)`), each on its own rows of the clean
    tables. Returns {kode kab/kota: tables}. The tables keep contracts §3 (kota, kecamatan, kelurahan, RT)
    because the briefing unit is the kab/kota; a province summary is the sum of the kota rows."""
    from kemiskinan.domain.wilayah import Wilayah
    skema = None
    if not isinstance(clean, dict):
        skema = T.skema_desil_of(clean)
        clean = read_clean(clean, needed_only=True)
    t = wilayah.fillna("").astype(str)
    ws = [Wilayah(r.kode_kemendagri, r.kode_bps, r.nama, r.tingkat, r.induk,
                  tuple(v for v in str(r.varian_nama).split("|") if v)) for r in t.itertuples(index=False)]
    import numpy as np

    from kemiskinan.indicators.tables import _positions

    kotas = [w for w in ws if w.tingkat == "kota"]
    index = {w.kode: i for i, w in enumerate(kotas)}

    def label(codes: pd.Series) -> np.ndarray:
        """Index in `kotas` of each row's kab/kota (the first 5 characters of its kode_kelurahan), -1 if none."""
        c, u = pd.factorize(codes.astype("str").str.slice(0, 5))
        m = np.array([index.get(str(x), -1) for x in u] + [-1], dtype=np.int64)
        return m[c]  # factorize's -1 (missing) takes the trailing -1

    # Each row's kab/kota, decided once for the whole province (10 × isin over 4 M member IDs before):
    # households by their kelurahan; members and matched KKS rows by their household; unmatched KKS rows
    # and the kelurahan-level tables by their own kelurahan. A member or KKS row naming a household that
    # is not in rumah_tangga belongs to no kab/kota (as before; the clean tables have none).
    rt = clean["rumah_tangga"]
    rt_lab = np.append(label(rt["kode_kelurahan"]), -1)          # position -1 → no kab/kota
    labels = {"rumah_tangga": rt_lab[:-1],
              "anggota": rt_lab[_positions(clean["anggota"]["idbdt"], rt["idbdt"])]}
    kks = clean["kks"]
    own = label(kks["kode_kelurahan"])
    labels["kks"] = np.where(kks["idbdt"].isna().to_numpy(bool), own, rt_lab[_positions(kks["idbdt"], rt["idbdt"])])
    for name in ("keluarga", "mpm", "mpm_laporan", "penduduk"):
        labels[name] = label(clean[name]["kode_kelurahan"])
    # rows of every table grouped by kab/kota in one stable sort (row order within a kab/kota kept)
    rows = {}
    for name, lab in labels.items():
        order = np.argsort(lab, kind="stable")
        rows[name] = (order, np.searchsorted(lab[order], np.arange(len(kotas) + 1)))
    global _KABKOTA_JOB
    # The workers find their job in this module global (inherited by fork; a 4 M-row table is never
    # pickled), so one province run at a time per process.
    with _KABKOTA_LOCK:
        _KABKOTA_JOB = (clean, params, ws, kotas, rows, skema)
        try:
            # Two kab/kota at a time in two forked processes: pandas holds the GIL most of the time, so two
            # threads gained little (1 M households: 20.9 → 17.5–19.5 s; processes 13.5–14.9 s). The workers
            # inherit the clean tables copy-on-write; only each kab/kota's result tables travel back.
            # Largest kab/kota first (by member rows): a worker that is free takes the next one, so the
            # small ones fill the end and neither worker is left alone with a big one (at 1 M households
            # they range from 10 k to 241 k households, and the two largest came last in reference order).
            order = np.argsort(-np.diff(rows["anggota"][1]), kind="stable").tolist()
            # (list() first: zip would stop before the generator's end, leaving the pool to be cancelled
            # unwaited by its GeneratorExit instead of shut down after the last result)
            results = dict(zip(order, list(two_at_a_time(_one_kabkota, order, processes=True, name="indikator"))))
        finally:
            _KABKOTA_JOB = None
    return {k.kode: results[i] for i, k in enumerate(kotas)}


_KABKOTA_JOB: tuple | None = None
_KABKOTA_LOCK = threading.Lock()


def _one_kabkota(i: int) -> dict[str, pd.DataFrame]:
    clean, params, ws, kotas, rows, skema = _KABKOTA_JOB
    kota = kotas[i]
    ref = tuple(w for w in ws if w.kode == kota.kode or w.kode.startswith(kota.kode + "."))
    # only the columns compute_all reads: the rest (NIK, No. KK, unused assets …) would be copied for nothing
    sub = {name: needed(clean, name).take(order[bounds[i]:bounds[i + 1]])
           for name, (order, bounds) in rows.items()}
    return compute_all(sub, params, wilayah=ref, skema_desil=skema)


def _check_kebocoran_vs_cakupan(keb: pd.DataFrame, cak: pd.DataFrame) -> None:
    """Recipients by desil must add up to the recipients counted for coverage (+ those not in BDT)."""
    from kemiskinan.indicators._base import check_rows
    s = keb.groupby(["kode_wilayah", "program"])["n_penerima"].sum()
    first = cak["target"].iloc[0]
    c = cak[(cak["target"] == first) & (cak["tingkat"] != "rt")].set_index(["kode_wilayah", "program"])
    expect = c["n_penerima"] + c["n_penerima_tidak_di_bdt"].fillna(0)
    j = pd.DataFrame({"kebocoran": s, "cakupan": expect}).dropna()
    check_rows(j, j["kebocoran"] != j["cakupan"], "kebocoran: jumlah penerima ≠ cakupan")


def main_indicators(argv: list[str] | None = None) -> int:
    """`python -m kemiskinan indicators`: clean tables → data/processed/<periode>/indikator/."""
    import argparse

    import yaml

    from kemiskinan import config

    ap = argparse.ArgumentParser(prog="python -m kemiskinan indicators",
                                 description="Hitung tabel indikator (contracts §3) dari tabel bersih.")
    ap.add_argument("--periode", help="periode, mis. 2018-05: baca data/processed/<periode>/")
    ap.add_argument("--clean", help="folder tabel bersih (menggantikan --periode)")
    ap.add_argument("--out", help="folder keluaran (bawaan: <folder bersih>/indikator)")
    ap.add_argument("--params", help="berkas YAML parameter (target_desil, ambang_sel_kecil, manfaat, …)")
    ap.add_argument("--docs", action="store_true", help="tulis ulang docs/indicators.md dari indicators_meta.yml")
    args = ap.parse_args(argv)
    if args.docs:
        print(f"Ditulis: {write_indicator_docs()}")
        if not (args.periode or args.clean):
            return 0
    params = {}
    if args.params:
        params = yaml.safe_load(Path(args.params).read_text(encoding="utf-8")) or {}
    periode = args.periode or params.get("periode")
    if not (args.clean or periode):
        ap.error("beri --periode atau --clean")
    src = Path(args.clean) if args.clean else config.processed_dir(str(periode))
    out = Path(args.out) if args.out else src / "indikator"
    tables = compute_all(src, params)
    if periode and not args.clean:
        # the comparison with the previous period, as step 02 makes it (parameter periode_sebelumnya)
        from kemiskinan.indicators import banding

        prev = banding.previous_period(str(periode), params.get("periode_sebelumnya", ""))
        tables.update(banding.compute(banding.read_keluarga(src), tables, str(periode),
                                      config.processed_dir(prev) if prev else None,
                                      target_desil=params.get("target_desil", DEFAULT_PARAMS["target_desil"]),
                                      skema_desil=banding.skema_of(banding.read_meta(src))))
    write_all(tables, out)
    print(f"Selesai: {len(tables)} tabel indikator di {out}")
    return 0
