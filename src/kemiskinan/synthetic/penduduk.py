"""The population file (`Kode Wilayah`, kecamatan, kelurahan, population, households, KK; tab, UTF-8, LF) of
every round: round 1's 2017 figures (calibrated, or scaled from the BDT persons), the later rounds' through
`write_table` too."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from kemiskinan.synthetic.city import kec_name
from kemiskinan.synthetic.layout import FILE_PENDUDUK, SYNTHETIC_MARK
from kemiskinan.synthetic.simulate import Sim
from kemiskinan.synthetic.writers import write_csv_chunks


def write_round1(rng, sim: Sim, calibrated: bool, jiwa: np.ndarray, out_dir: Path) -> tuple[int, dict]:
    """Population 2017 per kelurahan; returns (rows, population per kode). jiwa: BDT persons per region."""
    reg = sim.reg
    real = reg.index[reg.kind == 0].to_numpy()
    if calibrated:
        pop = reg.loc[real, "penduduk"].to_numpy().astype(np.int64)
    else:   # BDT persons are ~15-30 % of a kelurahan's population
        pop = np.maximum(np.round(jiwa[real] / (0.15 + 0.15 * rng.random(len(real)))).astype(np.int64), 50)
    write_table(rng, out_dir / FILE_PENDUDUK, reg.kode[real].tolist(),
                [kec_name(r) for r in reg.loc[real].itertuples()], reg.nmkel[real].tolist(), pop, 2017,
                "Sintetis (meniru proyeksi Disdukcapil/BPS 2017)")
    return len(real), {reg.kode[j]: int(v) for j, v in zip(real, pop)}


def write_table(rng, path: Path, kode: list, kecamatan: list, kelurahan: list, pop: np.ndarray, tahun: int,
                sumber: str) -> None:
    """One row per kelurahan; households and KK are derived from the population with a little noise."""
    n = len(kode)
    ruta = np.round(pop / (3.7 + 0.4 * rng.random(n))).astype(np.int64)
    kk = np.round(ruta * (1.06 + 0.08 * rng.random(n))).astype(np.int64)
    table = pa.table({
        "Kode Wilayah": pa.array(kode), "Kecamatan": pa.array(kecamatan), "Kelurahan": pa.array(kelurahan),
        "Jumlah Penduduk": pa.array(pop), "Jumlah Rumah Tangga": pa.array(ruta), "Jumlah KK": pa.array(kk),
        "Tahun": pa.array([tahun] * n), "Sumber": pa.array([sumber] * n),
        "KETERANGAN": pa.array([SYNTHETIC_MARK] * n),
    })
    write_csv_chunks(path, lambda a, b: table.slice(a, b - a), n, delimiter="\t", eol="\n")
