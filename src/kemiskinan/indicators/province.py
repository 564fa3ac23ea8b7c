"""Province scale: `compute_all` for every kab/kota of a wilayah reference table, two at a time."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan.domain.codes import positions
from kemiskinan.domain.wilayah import Wilayah
from kemiskinan.indicators.params import skema_desil_of
from kemiskinan.indicators.prepare import needed, read_clean
from kemiskinan.indicators.tables import compute_all
from kemiskinan.parallel import two_at_a_time


def compute_by_kabkota(clean: dict[str, pd.DataFrame] | str | Path, params: dict | None,
                       wilayah: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    """`compute_all` for every kab/kota of a wilayah reference table (the format of
    data/reference/wilayah_bontang.csv, as given to `clean(wilayah=)`), each on its own rows of the clean
    tables. Returns {kode kab/kota: tables}. The tables keep contracts §3 (kota, kecamatan, kelurahan, RT)
    because the briefing unit is the kab/kota; a province summary is the sum of the kota rows."""
    skema = None
    if not isinstance(clean, dict):
        skema = skema_desil_of(clean)
        clean = read_clean(clean, needed_only=True)
    t = wilayah.fillna("").astype(str)
    ws = [Wilayah(r.kode_kemendagri, r.kode_bps, r.nama, r.tingkat, r.induk,
                  tuple(v for v in str(r.varian_nama).split("|") if v)) for r in t.itertuples(index=False)]
    kotas = [w for w in ws if w.tingkat == "kota"]
    rows = _rows_by_kabkota(clean, kotas)
    global _KABKOTA_JOB
    # The workers find their job in this module global (inherited by fork; a table of millions of rows is
    # never pickled), so one province run at a time per process.
    with _KABKOTA_LOCK:
        _KABKOTA_JOB = (clean, params, ws, kotas, rows, skema)
        try:
            # Two kab/kota at a time in two forked processes: pandas holds the GIL most of the time, so two
            # threads gain little. The workers inherit the clean tables copy-on-write; only each kab/kota's
            # result tables travel back. Largest kab/kota first (by member rows): a worker that is free takes
            # the next one, so the small ones fill the end and neither worker is left alone with a big one.
            order = np.argsort(-np.diff(rows["anggota"][1]), kind="stable").tolist()
            # (list() first: zip would stop before the generator's end, leaving the pool to be cancelled
            # unwaited by its GeneratorExit instead of shut down after the last result)
            results = dict(zip(order, list(two_at_a_time(_one_kabkota, order, processes=True, name="indikator"))))
        finally:
            _KABKOTA_JOB = None
    return {k.kode: results[i] for i, k in enumerate(kotas)}


def _rows_by_kabkota(clean: dict[str, pd.DataFrame], kotas: list[Wilayah]) -> dict[str, tuple]:
    """For every clean table, (row order grouping its rows by kab/kota, bounds of each kab/kota's rows)."""
    index = {w.kode: i for i, w in enumerate(kotas)}

    def label(codes: pd.Series) -> np.ndarray:
        """Index in `kotas` of each row's kab/kota (the first 5 characters of its kode_kelurahan), -1 if none."""
        c, u = pd.factorize(codes.astype("str").str.slice(0, 5))
        m = np.array([index.get(str(x), -1) for x in u] + [-1], dtype=np.int64)
        return m[c]  # factorize's -1 (missing) takes the trailing -1

    # Each row's kab/kota, decided once for the whole province: ruta by their kelurahan; members and matched
    # KKS rows by their ruta; unmatched KKS rows and the kelurahan-level tables by their own kelurahan. A
    # member or KKS row naming a ruta that is not in rumah_tangga belongs to no kab/kota (the clean tables
    # have none).
    ruta = clean["rumah_tangga"]
    ruta_lab = np.append(label(ruta["kode_kelurahan"]), -1)          # position -1 → no kab/kota
    labels = {"rumah_tangga": ruta_lab[:-1],
              "anggota": ruta_lab[positions(clean["anggota"]["idbdt"], ruta["idbdt"])]}
    kks = clean["kks"]
    own = label(kks["kode_kelurahan"])
    labels["kks"] = np.where(kks["idbdt"].isna().to_numpy(bool), own,
                             ruta_lab[positions(kks["idbdt"], ruta["idbdt"])])
    for name in ("keluarga", "mpm", "mpm_laporan", "penduduk"):
        labels[name] = label(clean[name]["kode_kelurahan"])
    # rows of every table grouped by kab/kota in one stable sort (row order within a kab/kota kept)
    rows = {}
    for name, lab in labels.items():
        order = np.argsort(lab, kind="stable")
        rows[name] = (order, np.searchsorted(lab[order], np.arange(len(kotas) + 1)))
    return rows


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
