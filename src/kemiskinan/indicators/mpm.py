"""The `mpm` table: progress of the MPM update per wilayah, the net change in ruta and the reporting status."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kemiskinan.indicators import _base as B
from kemiskinan.indicators.params import Params
from kemiskinan.indicators.prepare import Prepared


MPM_COUNTS = ["pendaftar", "terdaftar_bdt", "baru", "hasil_1", "hasil_2", "hasil_3", "hasil_4", "hasil_5",
              "belum_diverifikasi", "art_meninggal", "art_pindah", "art_baru", "rt_bdt_keluar", "rt_baru_masuk"]


def mpm(d: Prepared, p: Params) -> pd.DataFrame:
    """MPM 2018 progress per kota/kecamatan/kelurahan, net change in households 2015 → 2018 and reporting."""
    m = d.mpm
    reg = m["terdaftar_bdt"].astype("boolean") if "terdaftar_bdt" in m else pd.Series(pd.NA, index=m.index, dtype="boolean")
    reg = reg.fillna(m["idbdt"].notna()).astype(bool)
    hasil = B.num(m["hasil_verifikasi"])
    u = pd.DataFrame({"kode_kelurahan": m["kode_kelurahan"], "pendaftar": 1, "terdaftar_bdt": reg, "baru": ~reg})
    for i in range(1, 6):
        u[f"hasil_{i}"] = hasil == i
    u["belum_diverifikasi"] = hasil.isna()
    for c in ("art_meninggal", "art_pindah", "art_baru"):
        u[c] = B.num(m[c]).fillna(0).astype("int64")
    # Project definition (docs/indicators.md): a BDT household leaves when its visit found it gone,
    # moved, part of another household or a duplicate (2–5); a new household enters once verified (1).
    u["rt_bdt_keluar"] = reg & hasil.isin([2, 3, 4, 5])
    u["rt_baru_masuk"] = ~reg & (hasil == 1)
    bad = hasil.notna() & ~hasil.isin([1, 2, 3, 4, 5])
    B.check_rows(m, bad, "mpm: hasil_verifikasi di luar 1–5")
    out = B.sum_by_wilayah(u, MPM_COUNTS, levels=B.LEVELS_NO_RT)
    ruta15 = B.sum_by_wilayah(d.ruta[["kode_kelurahan"]].assign(rt_2015=1), ["rt_2015"], levels=B.LEVELS_NO_RT)
    out = out.merge(ruta15, on=["kode_wilayah", "tingkat"])
    out["rt_2018"] = out["rt_2015"] + out["rt_baru_masuk"] - out["rt_bdt_keluar"]
    out["perubahan_bersih"] = out["rt_2018"] - out["rt_2015"]
    out["perubahan_bersih_jiwa"] = out["art_baru"] - out["art_meninggal"] - out["art_pindah"]

    lap = d.laporan[["kode_kelurahan", "melapor", "tanggal_terakhir"]].copy()
    lap["melapor"] = lap["melapor"].astype("boolean").fillna(False).astype(bool)
    lap["tanggal_terakhir"] = pd.to_datetime(lap["tanggal_terakhir"], errors="coerce")
    kel = B.wilayah_universe(["kelurahan"])[["kode_wilayah"]].merge(
        lap.rename(columns={"kode_kelurahan": "kode_wilayah"}), on="kode_wilayah", how="left")
    kel["melapor"] = kel["melapor"].fillna(False).astype(bool)  # no sheet at all = not reported (§1.4)
    kel["tepat_waktu"] = kel["melapor"] & (kel["tanggal_terakhir"] <= p.batas_lapor_mpm).fillna(False)
    kel["kelurahan_jumlah"] = 1
    kel["kode_kelurahan"] = kel["kode_wilayah"]
    agg = B.sum_by_wilayah(kel.assign(kelurahan_melapor=kel["melapor"], kelurahan_tepat_waktu=kel["tepat_waktu"]),
                           ["kelurahan_jumlah", "kelurahan_melapor", "kelurahan_tepat_waktu"], levels=B.LEVELS_NO_RT)
    last = B.explode_levels(kel[["kode_kelurahan", "tanggal_terakhir"]], B.LEVELS_NO_RT) \
        .groupby("kode_wilayah")["tanggal_terakhir"].max()
    out = out.merge(agg, on=["kode_wilayah", "tingkat"])
    out["melapor"] = out["kelurahan_melapor"] == out["kelurahan_jumlah"]
    out["tanggal_terakhir"] = out["kode_wilayah"].map(last)
    out["tepat_waktu"] = out["kelurahan_tepat_waktu"] == out["kelurahan_jumlah"]
    out["status_lapor"] = np.where(out["tepat_waktu"], "tepat_waktu",
                                   np.where(out["melapor"], "terlambat",
                                            np.where(out["kelurahan_melapor"] > 0, "sebagian", "belum_melapor")))
    out["status_lapor"] = out["status_lapor"].astype("string")
    out["batas_lapor"] = p.batas_lapor_mpm
    out["nama"] = B.names_for(out["kode_wilayah"])
    out["ditekan"] = False
    cols = ["kode_wilayah", "tingkat", "nama", "pendaftar", "terdaftar_bdt", "baru", "hasil_1", "hasil_2", "hasil_3",
            "hasil_4", "hasil_5", "belum_diverifikasi", "art_meninggal", "art_pindah", "art_baru",
            "perubahan_bersih_jiwa", "rt_2015", "rt_bdt_keluar", "rt_baru_masuk", "rt_2018", "perubahan_bersih",
            "melapor", "tanggal_terakhir", "tepat_waktu", "status_lapor", "batas_lapor", "kelurahan_jumlah",
            "kelurahan_melapor", "kelurahan_tepat_waktu", "ditekan"]
    return B.sort_table(out[cols], [])


def check_mpm(df: pd.DataFrame) -> None:
    h = df[[f"hasil_{i}" for i in range(1, 6)] + ["belum_diverifikasi"]].sum(axis=1)
    B.check_rows(df, h != df["pendaftar"], "mpm: hasil_1..5 + belum_diverifikasi ≠ pendaftar")
    B.check_rows(df, df["terdaftar_bdt"] + df["baru"] != df["pendaftar"], "mpm: terdaftar_bdt + baru ≠ pendaftar")
    B.check_hierarchy(df, [*MPM_COUNTS, "rt_2015", "rt_2018", "kelurahan_melapor"], (), "mpm")

