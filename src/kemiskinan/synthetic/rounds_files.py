"""File layouts of the later synthetic rounds (docs/contracts, issue 20): DTKS as SIKS-NG exports it, DTSEN
keluarga + anggota, the year's KKS list in the 2017 layout, the population file, and the round's README.

`kemiskinan.synthetic.rounds` simulates the rounds and computes their truths; this module only turns a round's
state (units `hh`, families `kf`, persons `p`: parallel numpy arrays) into bytes. All text files: `|`
between fields, every field quoted, UTF-8, CRLF, header on row 1.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from typing import TYPE_CHECKING

from kemiskinan.synthetic import sample

from kemiskinan.domain import wilayah

if TYPE_CHECKING:
    from kemiskinan.synthetic.rounds import RoundSpec, State

# Headers exactly as docs/contracts (issue 20) writes them, `|` between names.
DTKS_ART_COLUMNS = ("ID DTKS|ID ART DTKS|PROVINSI|KABUPATEN/KOTA|KECAMATAN|DESA/KELUARAHAN|ALAMAT|RT|RW|NOKK|NIK|NAMA|"
                    "TANGGAL LAHIR|TEMPAT LAHIR|JENIS KELAMIN|PEKERJAAN|NAMA IBU KANDUNG|HUB KRT|NUK|HUB KELUARGA|"
                    "KETERANGAN PADAN|BANSOS BPNT|BANSOS PKH|PBI JKN").split("|")
HOUSING = sample.RT_COLUMNS[15:51]       # sta_bangunan … jumlah_kambing: what the 2015 sample writes
DTKS_RUTA_COLUMNS = ("ID DTKS|PROVINSI|KABUPATEN/KOTA|KECAMATAN|DESA/KELUARAHAN|ALAMAT|RT|RW|JUMLAH ART|"
                     "JUMLAH KELUARGA|DESIL|PERSENTIL").split("|") + [c.upper() for c in HOUSING] + [
                         "ADA_KKS", "ADA_PKH", "ADA_BPNT", "ADA_PBI", "ADA_KIP"]
DTSEN_KELUARGA_COLUMNS = ("kode_provinsi|provinsi|kode_kabupaten_kota|kabupaten_kota|kode_kecamatan|kecamatan|"
                          "kode_kelurahan_desa|kelurahan_desa|alamat|rt|rw|nomor_kartu_keluarga|jumlah_anggota_keluarga|"
                          "nama_kepala_keluarga|desil_nasional|desil_provinsi|desil_kabupaten_kota").split("|") + HOUSING + [
                              "ada_kks", "ada_pkh", "ada_bpnt", "ada_pbi", "ada_kip"]
DTSEN_ANGGOTA_COLUMNS = ("nomor_induk_kependudukan|nomor_kartu_keluarga|nama|tempat_lahir|tanggal_lahir|jenis_kelamin|"
                         "status_hubungan_keluarga|status_kawin|partisipasi_sekolah|ijazah_tertinggi|"
                         "status_pekerjaan").split("|")
ALUR_COLUMNS = ("kode_wilayah|tingkat|nama|periode|periode_sebelumnya|n_sebelumnya|n_sekarang|tetap|pindah_masuk|"
                "pindah_keluar|masuk_dari_data|masuk_baru|keluar_dari_target|keluar_dari_data|tanpa_kunci_sebelumnya|"
                "tanpa_kunci").split("|")
_HUB = {1: "Kepala", 2: "Istri/Suami", 3: "Anak", 4: "Menantu", 5: "Cucu", 6: "Orang Tua/Mertua",
        7: "Pembantu Ruta", 8: "Lainnya"}
VARIANT_UPPER = {"64.74.01.1003": "LOKTUAN", "64.74.02.1002": "BEREBAS TENGAH", "64.74.03.1002": "TELIHAN",
                  "64.74.02.1006": "TJ. LAUT INDAH"}


def _age(s, acuan: str) -> np.ndarray:
    return (np.datetime64(acuan) - s.p["birth"]).astype(np.int64) / 365.2425

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
    return dict(nik=nik, nama=np.asarray(sample._person_names(p, np.arange(len(nik))).to_pylist(), dtype=object),
                lahir=np.datetime_as_string(p["birth"], unit="D"),
                tmp=np.where(p["tmp_idx"] < 0, "BONTANG", np.asarray(sample._TMP_OTHER)[np.maximum(p["tmp_idx"], 0)]),
                ibu=np.asarray(sample._FIRST_F)[p["ibu_idx"]])


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
                jalan=np.asarray(sample._STREETS)[s.hh["street"]], no=s.hh["no_rumah"].astype(str))


def _pekerjaan(s: State, acuan: str) -> np.ndarray:
    p, age = s.p, _age(s, acuan)
    return np.select([age < 5, p["part_school"] == 1, p["works"] & (p["lap"] == 4),
                      p["works"] & (p["stat_kerja"] <= 3), p["works"] & (p["stat_kerja"] == 4), p["works"],
                      p["female"] & (age >= 17)],
                     ["BELUM/TIDAK BEKERJA", "PELAJAR/MAHASISWA", "NELAYAN/PERIKANAN", "WIRASWASTA",
                      "KARYAWAN SWASTA", "BURUH HARIAN LEPAS", "MENGURUS RUMAH TANGGA"], "BELUM/TIDAK BEKERJA")


def _housing_text(s: State) -> dict:
    h = s.hh["housing"].astype(str)
    for c in ("sta_lahan", "daya"):                  # not asked (not own house / not PLN): empty
        j = HOUSING.index(c)
        h[:, j] = np.where(s.hh["housing"][:, j] == 0, "", h[:, j])
    return {c: h[:, j] for j, c in enumerate(HOUSING)}


def write_dtks(reg: pd.DataFrame, s: State, tmp: Path, spec: RoundSpec) -> dict[str, int]:
    hh, kf, p = s.hh, s.kf, s.p
    r = _region_text(reg, s)
    kel = np.where(r["var"], r["var_up"], np.char.upper(r["kel"].astype(str)))
    kab = np.where(r["outside"], "KUTAI TIMUR", "KOTA BONTANG")
    alamat = np.char.add(np.char.add(np.char.add("JL. ", r["jalan"].astype(str)), " NO. "), r["no"])
    ph = kf["hh"][p["kf"]]
    member = sample._cumcount(ph) + 1
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


_VARIANT_TITLE = {"64.74.01.1003": "Loktuan", "64.74.02.1002": "Berebas Tengah", "64.74.03.1002": "Telihan",
                  "64.74.02.1006": "Tj. Laut Indah"}


def write_dtsen(reg: pd.DataFrame, s: State, tmp: Path, spec: RoundSpec) -> dict[str, int]:
    hh, kf, p = s.hh, s.kf, s.p          # one family per unit, in the same order
    r = _region_text(reg, s)
    kode = reg.kode.to_numpy()[hh["reg"]]
    kel = np.where(r["var"], np.array([_VARIANT_TITLE.get(k, "") for k in kode], dtype=object), r["kel"])
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
    from types import SimpleNamespace

    from openpyxl import Workbook
    kf, p = s.kf, s.p
    F = len(kf["hh"])
    first = np.searchsorted(p["kf"], np.arange(F))
    spouse = np.full(F, -1)
    sp = np.flatnonzero(p["hubkel"] == 2)[::-1]           # reversed: the first spouse of a family wins
    spouse[p["kf"][sp]] = sp
    peng = np.where((spouse >= 0) & ~p["female"][first], spouse, first)
    sim = SimpleNamespace(reg=reg, kf=dict(status=kf["status"], pengurus=peng, hh=kf["hh"], kk=kf["kk"]),
                          p=p, hh=s.hh, plan=SimpleNamespace(hh_region=s.hh["reg"], hh_rt=s.hh["rt"]))
    dirt = sample.Dirt()
    df = sample._kks_rows(rng, sim, True, dirt)
    year = int(spec.periode[:4])
    # distribution dates: the year before the round (round 1's builder draws them in 2017)
    shift = np.datetime64(f"{year - 1}-08-01") - np.datetime64("2017-03-01")
    df["tanggal"] = pd.to_datetime(df["tanggal"]) + pd.Timedelta(days=int(shift.astype(np.int64)))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DAFTAR KKS")
    ws.append([f"DAFTAR DISTRIBUSI KARTU KELUARGA SEJAHTERA (KKS) TAHUN {year} - KOTA BONTANG"])
    ws.append([f"{sample.SYNTHETIC_MARK} (contoh buatan kemiskinan.synthetic.rounds, seed {seed})"])
    ws.append(sample.KKS_COLUMNS)
    for row in sample._kks_cells(sim, df):
        ws.append(row)
    sample._keterangan_sheet(wb, ["Daftar distribusi KKS ini dibuat oleh generator sintetis proyek kemiskinan.",
                                  "Tidak berisi data pribadi nyata. Semua NIK, No. KK, nama dan alamat adalah rekaan."])
    (tmp / spec.files[2]).write_bytes(sample._xlsx_bytes(wb))
    return len(df), dirt.counts.pop(sample.FILE_KKS_XLSX)


def write_penduduk(rng, reg: pd.DataFrame, tmp: Path, spec: RoundSpec) -> int:
    """Kota 177 722 (2019) or 191 811 by kecamatan (2024), spread like the 2017 kelurahan figures."""
    real = reg.iloc[:15]
    w = real.penduduk.to_numpy().astype(float)
    if spec.periode == "2019-05":
        pop, tahun = sample._largest_remainder(177_722, w), 2019
    else:
        pop, tahun = np.zeros(15, np.int64), 2024
        for kec, total in (("64.74.01", 89_010), ("64.74.02", 71_167), ("64.74.03", 31_634)):
            m = real.kode.str.startswith(kec).to_numpy()
            pop[m] = sample._largest_remainder(total, w[m])
    rt = np.round(pop / (3.7 + 0.4 * rng.random(15))).astype(np.int64)
    kk = np.round(rt * (1.06 + 0.08 * rng.random(15))).astype(np.int64)
    table = pa.table({
        "Kode Wilayah": pa.array(real.kode.tolist()), "Kecamatan": pa.array([wilayah.get(k[:8]).nama for k in real.kode]),
        "Kelurahan": pa.array(real.nmkel.tolist()), "Jumlah Penduduk": pa.array(pop), "Jumlah Rumah Tangga": pa.array(rt),
        "Jumlah KK": pa.array(kk), "Tahun": pa.array([tahun] * 15),
        "Sumber": pa.array([f"Sintetis (meniru data Disdukcapil/BPS {tahun})"] * 15),
        "KETERANGAN": pa.array([sample.SYNTHETIC_MARK] * 15)})
    sample._write_csv_chunks(tmp / spec.files[3], lambda a, b: table.slice(a, b - a), 15, delimiter="\t", eol="\n")
    return 15



# --------------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------------

def _md(df: pd.DataFrame, cols: list[str]) -> list[str]:
    head = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" if c in ("kode_wilayah", "nama") else "---:"
                                                           for c in cols) + "|"]
    fmt = lambda v: f"{v:,}" if isinstance(v, (int, np.integer)) else (f"{v:.1%}" if isinstance(v, float) else str(v))  # noqa: E731
    return head + ["| " + " | ".join(fmt(v) for v in row) + " |" for row in df[cols].itertuples(index=False)]


def readme(spec: RoundSpec, params_line: str, notes: list[str], seed: int, files: dict, dirt_kks: dict,
           truth: dict) -> str:
    rg, al = truth["ringkasan"], truth["alur"]
    k = rg.iloc[0]
    shape = {"dtks": "DTKS (ekspor SIKS-NG: satu baris per orang + satu baris per rumah tangga)",
             "dtsen": "DTSEN (keluarga + anggota, digabung lewat No. KK; keluarga adalah satuannya; desil 1–10)"}
    L = [f"# Data contoh SINTETIS periode {spec.periode} — {sample.SYNTHETIC_MARK}", "",
         params_line, "",
         f"Dibuat oleh `python -m kemiskinan sample-data --round {spec.periode} --shape {spec.shape}` (modul",
         "`kemiskinan.synthetic.rounds`). Semua nama, NIK, No. KK, ID DTKS dan alamat adalah rekaan; tidak ada data",
         "pribadi nyata. Ronde ini adalah kelanjutan ronde sebelumnya untuk kota yang sama "
         f"({spec.previous}, seed `{seed}`): sebagian besar keluarga tetap dengan No. KK yang sama, sebagian hilang,",
         "sebagian baru, sebagian pindah desil atau kelurahan.", "",
         f"- Bentuk: {shape[spec.shape]}; profil `{spec.profile}` (`sumber.yml`)",
         f"- Tanggal acuan: `{spec.acuan}`; sasaran: desil 1–4" + (" dari 10 (`desil_nasional`)" if spec.shape == "dtsen"
                                                                  else ""), "", "## File", "",
         "| file | baris data |", "|---|---:|"]
    L += [f"| `{n}` | {r:,} |" for n, r in files.items()]
    L += ["", "## Kotoran yang disuntikkan dan akibatnya", ""] + [f"- {x}" for x in notes]
    L += [f"- Daftar KKS (`{spec.files[2]}`), seperti daftar 2017: " + "; ".join(f"{a} {b:,}" for a, b in dirt_kks.items()),
          "", "## Kebenaran dasar (dihitung dari simulasi, bukan dari keluaran pipeline)", "",
          f"- Keluarga sasaran (desil 1–4): **{k.keluarga_miskin:,}**; memegang KKS (TERSALUR): **{k.keluarga_kks:,}**"
          f" ({k.cakupan_kks:.1%}); tanpa KKS: **{k.keluarga_tanpa_kks:,}**",
          f"- Rumah tangga {k.rumah_tangga:,}; keluarga {k.keluarga:,}; jiwa {k.jiwa:,}; anak lahir setelah 2018: "
          f"{k.anak_lahir_setelah_2018:,}", "",
          "### Angka utama per wilayah", ""]
    L += _md(rg, ["kode_wilayah", "nama", "keluarga_miskin", "keluarga_kks", "keluarga_tanpa_kks", "cakupan_kks",
                  "rumah_tangga", "keluarga", "jiwa", "anak_lahir_setelah_2018"])
    L += ["", f"### Alur keluarga sasaran sejak {spec.previous} (dicocokkan lewat No. KK)", "",
          "Definisi kolom seperti tabel `banding_alur`: `tetap` sasaran dua kali di kelurahan yang sama; `pindah_masuk`/",
          "`pindah_keluar` sasaran dua kali, kelurahan berubah (0 di tingkat kota); `masuk_dari_data` ada di data",
          "sebelumnya tetapi bukan sasaran; `masuk_baru` tidak ada di data sebelumnya; `keluar_dari_target` masih di",
          "data tetapi bukan sasaran; `keluar_dari_data` tidak ada lagi di data; `tanpa_kunci*` No. KK kosong atau",
          "dipakai lebih dari satu keluarga dalam rondenya. Sisi sebelumnya memakai populasi yang dipertahankan",
          "pembersihan (tanpa baris yang sengaja ditolak).", ""]
    L += _md(al, ["kode_wilayah", "nama"] + ALUR_COLUMNS[5:])
    return "\n".join(L) + "\n"

