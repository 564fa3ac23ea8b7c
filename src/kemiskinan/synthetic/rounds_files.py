"""File layouts of the later rounds (docs/contracts.md §1.8): DTKS as SIKS-NG exports it, DTSEN keluarga +
anggota, the year's KKS list in the 2017 layout, and the population file.

`ageing` simulates the rounds; this module only turns a round's `State` into bytes. DTKS and DTSEN text
files: `|` between fields, every field quoted, UTF-8, CRLF, header on row 1.
"""
from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kemiskinan.domain import wilayah
from kemiskinan.synthetic.arrays import cumcount, largest_remainder
from kemiskinan.synthetic.city import FIRST_F, STREETS, TMP_OTHER, VARIANT_TITLE, VARIANT_UPPER
from kemiskinan.synthetic.dirt import Dirt
from kemiskinan.synthetic.kks import kks_rows, kks_workbook
from kemiskinan.synthetic.layout import (DTKS_ART_COLUMNS, DTKS_RUTA_COLUMNS, DTSEN_ANGGOTA_COLUMNS,
                                         DTSEN_KELUARGA_COLUMNS, FILE_KKS_XLSX, HOUSING_COLUMNS)
from kemiskinan.synthetic.penduduk import write_table
from kemiskinan.synthetic.state import RoundSpec, State, age
from kemiskinan.synthetic.text import person_names

_HUB = {1: "Kepala", 2: "Istri/Suami", 3: "Anak", 4: "Menantu", 5: "Cucu", 6: "Orang Tua/Mertua",
        7: "Pembantu Ruta", 8: "Lainnya"}


# --------------------------------------------------------------------------------------------------
# Writers (`|`, every field quoted, UTF-8, CRLF)
# --------------------------------------------------------------------------------------------------

def _write_pipe(path: Path, columns: list[str], data: dict) -> int:
    table = pa.table({c: pa.array(np.asarray(data[c]).astype(str) if not isinstance(data[c], pa.Array)
                                  else data[c], pa.string()) for c in columns})
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(delimiter="|", eol="\r\n", quoting_style="all_valid",
                                                   quoting_header="needed"))
    path.write_bytes(buf.getvalue())
    return table.num_rows


def _people(s: State) -> dict:
    """Per-person text shared by both shapes: NIK (planted invalid ones with month 13), name, dates."""
    p = s.p
    nik = p["nik"].astype(str)
    bad = p["bad"]
    nik[bad] = [n[:8] + "13" + n[10:] for n in nik[bad]]
    return dict(nik=nik, nama=np.asarray(person_names(p, np.arange(len(nik))).to_pylist(), dtype=object),
                lahir=np.datetime_as_string(p["birth"], unit="D"),
                tmp=np.where(p["tmp_idx"] < 0, "BONTANG", np.asarray(TMP_OTHER)[np.maximum(p["tmp_idx"], 0)]),
                ibu=np.asarray(FIRST_F)[p["ibu_idx"]])


def _region_text(reg: pd.DataFrame, s: State) -> dict:
    """Names and codes per unit: Bontang kelurahan (canonical or a planted spelling variant), or outside."""
    kode = reg.kode.to_numpy()[s.hh["reg"]]
    outside = s.hh["kind"] == 1
    kel = np.array([wilayah.get(k).nama if not o else "Singa Geweh" for k, o in zip(kode, outside)], dtype=object)
    kec = np.array([wilayah.get(k[:8]).nama if not o else "Sangatta Utara" for k, o in zip(kode, outside)], dtype=object)
    var_up = np.array([VARIANT_UPPER.get(k, "") for k in kode], dtype=object)
    kode_kel = np.where(outside, "6408101001", np.char.replace(kode.astype(str), ".", ""))
    return dict(kode_kel=kode_kel, kel=kel, kec=kec, var=s.hh["var"] & (var_up != ""), var_up=var_up,
                outside=outside, rt=np.char.zfill(s.hh["rt"].astype(str), 3),
                rw=np.char.zfill(((s.hh["rt"] - 1) // 4 + 1).astype(str), 3),
                jalan=np.asarray(STREETS)[s.hh["street"]], no=s.hh["no_rumah"].astype(str))


def _pekerjaan(s: State, acuan: str) -> np.ndarray:
    p, years = s.p, age(s, acuan)
    return np.select([years < 5, p["part_school"] == 1, p["works"] & (p["lap"] == 4),
                      p["works"] & (p["stat_kerja"] <= 3), p["works"] & (p["stat_kerja"] == 4), p["works"],
                      p["female"] & (years >= 17)],
                     ["BELUM/TIDAK BEKERJA", "PELAJAR/MAHASISWA", "NELAYAN/PERIKANAN", "WIRASWASTA",
                      "KARYAWAN SWASTA", "BURUH HARIAN LEPAS", "MENGURUS RUMAH TANGGA"], "BELUM/TIDAK BEKERJA")


def _housing_text(s: State) -> dict:
    h = s.hh["housing"].astype(str)
    for c in ("sta_lahan", "daya"):                  # not asked (not own house / not PLN): empty
        j = HOUSING_COLUMNS.index(c)
        h[:, j] = np.where(s.hh["housing"][:, j] == 0, "", h[:, j])
    return {c: h[:, j] for j, c in enumerate(HOUSING_COLUMNS)}


def write_dtks(reg: pd.DataFrame, s: State, tmp: Path, spec: RoundSpec) -> dict[str, int]:
    hh, kf, p = s.hh, s.kf, s.p
    r = _region_text(reg, s)
    kel = np.where(r["var"], r["var_up"], np.char.upper(r["kel"].astype(str)))
    kab = np.where(r["outside"], "KUTAI TIMUR", "KOTA BONTANG")
    alamat = np.char.add(np.char.add(np.char.add("JL. ", r["jalan"].astype(str)), " NO. "), r["no"])
    ph = kf["hh"][p["kf"]]
    member = cumcount(ph) + 1
    yn = lambda b: np.where(b, "YA", "TIDAK")   # noqa: E731
    t = _people(s)
    hub = lambda c, head: np.where(c == 1, head, np.array([_HUB.get(i, "Lainnya") for i in range(9)])[c])  # noqa: E731
    kk = np.where(kf["kk"] > 0, kf["kk"].astype(str), "")
    art = {"ID DTKS": hh["id"][ph], "ID ART DTKS": hh["id"][ph] * 100 + member, "PROVINSI": ["KALIMANTAN TIMUR"] * len(ph),
           "KABUPATEN/KOTA": kab[ph], "KECAMATAN": np.char.upper(r["kec"].astype(str))[ph],
           "DESA/KELUARAHAN": kel[ph], "ALAMAT": alamat[ph], "RT": r["rt"][ph], "RW": r["rw"][ph],
           "NOKK": kk[p["kf"]], "NIK": t["nik"], "NAMA": t["nama"], "TANGGAL LAHIR": t["lahir"],
           "TEMPAT LAHIR": t["tmp"], "JENIS KELAMIN": np.where(p["female"], "PEREMPUAN", "LAKI-LAKI"),
           "PEKERJAAN": _pekerjaan(s, spec.acuan), "NAMA IBU KANDUNG": t["ibu"],
           "HUB KRT": hub(p["hub_krt"], "Kepala Rumah Tangga"), "NUK": kf["nuk"][p["kf"]],
           "HUB KELUARGA": hub(p["hubkel"], "Kepala Keluarga"),
           "KETERANGAN PADAN": np.where(p["bad"], "TIDAK PADAN", "PADAN"), "BANSOS BPNT": yn(kf["bpnt"][p["kf"]]),
           "BANSOS PKH": yn(kf["pkh"][p["kf"]]), "PBI JKN": yn(kf["pbi"][p["kf"]])}
    H = len(hh["reg"])
    anyf = lambda v: np.bincount(kf["hh"], weights=v, minlength=H) > 0   # noqa: E731
    ruta = {"ID DTKS": hh["id"], "PROVINSI": ["KALIMANTAN TIMUR"] * H, "KABUPATEN/KOTA": kab,
            "KECAMATAN": np.char.upper(r["kec"].astype(str)), "DESA/KELUARAHAN": kel, "ALAMAT": alamat,
            "RT": r["rt"], "RW": r["rw"], "JUMLAH ART": np.bincount(ph, minlength=H),
            "JUMLAH KELUARGA": np.bincount(kf["hh"], minlength=H),
            "DESIL": np.where(hh["desil"] > 0, hh["desil"].astype(str), ""),
            "PERSENTIL": np.where(hh["pct"] > 0, hh["pct"].astype(str), ""),
            "ADA_KKS": yn(anyf(kf["status"] == 1)), "ADA_PKH": yn(anyf(kf["pkh"])), "ADA_BPNT": yn(anyf(kf["bpnt"])),
            "ADA_PBI": yn(anyf(kf["pbi"])), "ADA_KIP": yn(anyf(kf["kip"]))}
    ruta |= {c.upper(): v for c, v in _housing_text(s).items()}
    return {spec.files[0]: _write_pipe(tmp / spec.files[0], DTKS_ART_COLUMNS, art),
            spec.files[1]: _write_pipe(tmp / spec.files[1], DTKS_RUTA_COLUMNS, ruta)}


def write_dtsen(reg: pd.DataFrame, s: State, tmp: Path, spec: RoundSpec) -> dict[str, int]:
    hh, kf, p = s.hh, s.kf, s.p          # one family per unit, in the same order
    r = _region_text(reg, s)
    kode = reg.kode.to_numpy()[hh["reg"]]
    kel = np.where(r["var"], np.array([VARIANT_TITLE.get(k, "") for k in kode], dtype=object), r["kel"])
    F = len(hh["reg"])
    t = _people(s)
    head = np.searchsorted(p["kf"], np.arange(F))
    d = lambda v: np.where(v > 0, v.astype(str), "")    # noqa: E731
    kk = np.where(kf["kk"] > 0, kf["kk"].astype(str), "")
    fam = {"kode_provinsi": ["64"] * F, "provinsi": ["Kalimantan Timur"] * F,
           "kode_kabupaten_kota": np.where(r["outside"], "6408", "6474"),
           "kabupaten_kota": np.where(r["outside"], "Kutai Timur", "Kota Bontang"),
           "kode_kecamatan": [k[:6] for k in r["kode_kel"]], "kecamatan": r["kec"],
           "kode_kelurahan_desa": r["kode_kel"], "kelurahan_desa": kel,
           "alamat": np.char.add(np.char.add(np.char.add("Jl. ", np.char.title(r["jalan"].astype(str))), " No. "),
                                 r["no"]),
           "rt": r["rt"], "rw": r["rw"], "nomor_kartu_keluarga": kk,
           "jumlah_anggota_keluarga": np.bincount(p["kf"], minlength=F), "nama_kepala_keluarga": t["nama"][head],
           "desil_nasional": d(hh["desil"]), "desil_provinsi": d(kf["desil_prov"]),
           "desil_kabupaten_kota": d(kf["desil_kab"])}
    fam |= _housing_text(s)
    fam |= {f"ada_{k}": np.where(kf[k] if k != "kks" else kf["status"] == 1, "1", "0")
            for k in ("kks", "pkh", "bpnt", "pbi", "kip")}
    ang = {"nomor_induk_kependudukan": t["nik"], "nomor_kartu_keluarga": kk[p["kf"]], "nama": t["nama"],
           "tempat_lahir": np.char.title(t["tmp"].astype(str)), "tanggal_lahir": t["lahir"],
           "jenis_kelamin": np.where(p["female"], "2", "1"), "status_hubungan_keluarga": p["hubkel"],
           "status_kawin": p["kawin"], "partisipasi_sekolah": p["part_school"], "ijazah_tertinggi": p["ijazah"],
           "status_pekerjaan": np.where(p["works"], p["stat_kerja"].astype(str), "")}
    return {spec.files[0]: _write_pipe(tmp / spec.files[0], DTSEN_KELUARGA_COLUMNS, fam),
            spec.files[1]: _write_pipe(tmp / spec.files[1], DTSEN_ANGGOTA_COLUMNS, ang)}


def write_kks(rng, reg: pd.DataFrame, s: State, tmp: Path, spec: RoundSpec, seed: int) -> tuple[int, dict]:
    """The year's KKS list in the 2017 list's layout, through round 1's own row builder and its dirt."""
    kf, p = s.kf, s.p
    F = len(kf["hh"])
    first = np.searchsorted(p["kf"], np.arange(F))
    spouse = np.full(F, -1)
    sp = np.flatnonzero(p["hubkel"] == 2)[::-1]           # reversed: the first spouse of a family wins
    spouse[p["kf"][sp]] = sp
    peng = np.where((spouse >= 0) & ~p["female"][first], spouse, first)
    # kks_rows reads these parts of a round-1 Sim
    sim = SimpleNamespace(reg=reg, kf=dict(status=kf["status"], pengurus=peng, hh=kf["hh"], kk=kf["kk"]),
                          p=p, hh=s.hh, plan=SimpleNamespace(hh_region=s.hh["reg"], hh_rt=s.hh["rt"]))
    dirt = Dirt()
    df = kks_rows(rng, sim, True, dirt)
    year = int(spec.periode[:4])
    # distribution dates: the year before the round (round 1's builder draws them in 2017)
    shift = np.datetime64(f"{year - 1}-08-01") - np.datetime64("2017-03-01")
    df["tanggal"] = pd.to_datetime(df["tanggal"]) + pd.Timedelta(days=int(shift.astype(np.int64)))
    (tmp / spec.files[2]).write_bytes(kks_workbook(reg, df, year, "kemiskinan.synthetic.rounds", seed))
    return len(df), dirt.counts.pop(FILE_KKS_XLSX)


def write_penduduk(rng, reg: pd.DataFrame, tmp: Path, spec: RoundSpec) -> int:
    """Kota 177 722 (2019) or 191 811 by kecamatan (2024), spread like the 2017 kelurahan figures."""
    real = reg.iloc[:15]
    w = real.penduduk.to_numpy().astype(float)
    if spec.periode == "2019-05":
        pop, tahun = largest_remainder(177_722, w), 2019
    else:
        pop, tahun = np.zeros(15, np.int64), 2024
        for kec, total in (("64.74.01", 89_010), ("64.74.02", 71_167), ("64.74.03", 31_634)):
            m = real.kode.str.startswith(kec).to_numpy()
            pop[m] = largest_remainder(total, w[m])
    write_table(rng, tmp / spec.files[3], real.kode.tolist(), [wilayah.get(k[:8]).nama for k in real.kode],
                real.nmkel.tolist(), pop, tahun, f"Sintetis (meniru data Disdukcapil/BPS {tahun})")
    return 15
