"""The README written beside each generated folder: parameters (the line `--if-absent` looks for), files, the
dirt injected and the ground truth — round 1's and the later rounds'."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from kemiskinan.synthetic.layout import (ALUR_COLUMNS, FILE_ART, FILE_KKS_CSV, FILE_KKS_XLSX, FILE_MPM, FILE_PENDUDUK,
                                         FILE_RUTA, GENERATOR_VERSION, KKS_XLSX_MAX_ROWS, MPM_MAX_ROWS,
                                         ROUNDS_GENERATOR_VERSION, SYNTHETIC_MARK)
from kemiskinan.synthetic.state import RoundSpec


def round1_params_line(seed, households, kabkota) -> str:
    """The README line `is_present` looks for: these parameters and the generator version."""
    return ("<!-- sintetis-params: " + json.dumps({"seed": seed, "households": households, "kabkota": kabkota,
                                                   "version": GENERATOR_VERSION}, sort_keys=True) + " -->")


def round1_readme(summary: dict, truth: pd.DataFrame) -> str:
    """Round 1's README: parameters, files, dirt per file and kind, ground truth per kelurahan."""
    s = summary
    L = [f"# Data contoh SINTETIS — {SYNTHETIC_MARK}", "",
         round1_params_line(s["seed"], s["households"], s["kabkota"]), "",
         "Dibuat oleh `python -m kemiskinan sample-data` (modul `kemiskinan.synthetic.sample`). Semua nama, NIK, No. KK,",
         "IDBDT dan alamat adalah rekaan; tidak ada data pribadi nyata. Bentuk file mengikuti",
         "`docs/contracts.md` §1 (file seperti yang benar-benar diterima analis, termasuk kotorannya).", "",
         f"- Seed: `{s['seed']}`", f"- Ukuran: `{'terkalibrasi (contracts §1.7)' if s['households'] is None else s['households']}`"
         f" rumah tangga", f"- Wilayah: `{s['kabkota']}`", "", "## File", "", "| file | baris data | format |",
         "|---|---:|---|"]
    fmts = {FILE_RUTA: "`;`, cp1252, CRLF", FILE_ART: "`,`, UTF-8 dengan BOM, LF",
            FILE_KKS_XLSX: "xlsx, sheet `DAFTAR KKS` (header baris 3) + `KETERANGAN`",
            FILE_KKS_CSV: f"`;`, UTF-8 dengan BOM, CRLF, header baris 1 (dipakai bila > {KKS_XLSX_MAX_ROWS:,} baris)",
            FILE_MPM: "xlsx, satu sheet per kelurahan + `KETERANGAN`", FILE_PENDUDUK: "tab, UTF-8, LF"}
    for name, rows in s["files"].items():
        L.append(f"| `{name}` | {rows:,} | {fmts[name]} |")
    L += ["", "## Kotoran yang disuntikkan (per file, per jenis)", "",
          "Kotoran yang bisa diperbaiki (varian nama, huruf, spasi, NBSP/ZWSP, sel angka Excel, akhiran `.0`)",
          "diperbaiki oleh pembersihan; kotoran yang harus ditolak/digabung berupa baris *tambahan* (duplikat",
          "persis, rumah tangga di luar Kota Bontang, kelurahan tak dikenal, anggota tanpa rumah tangga).",
          "NIK rusak (`6.47402E+15`, tanggal tidak valid, kosong) hanya pada anggota yang bukan kepala keluarga",
          "dan bukan pengurus KKS, jadi angka kalibrasi tidak berubah.", ""]
    for f, kinds in s["dirt"].items():
        L += [f"### `{f}`", "", "| jenis | jumlah |", "|---|---:|"]
        L += [f"| {k} | {v:,} |" for k, v in kinds.items()]
        L.append("")
    gt = s["ground_truth"]
    L += ["## Kebenaran dasar (ground truth)", "",
          f"- Keluarga desil 1–4 (sasaran): **{gt['keluarga_miskin']:,}**",
          f"- … memegang KKS (TERSALUR, cocok ke keluarga): **{gt['keluarga_kks']:,}**",
          f"- … tanpa KKS: **{gt['keluarga_tanpa_kks']:,}**",
          f"- Rumah tangga BDT sah: {gt['rumah_tangga_bdt']:,}; jiwa BDT sah: {gt['jiwa_bdt']:,}",
          f"- KKS TERSALUR pada keluarga desil 4+/non-desil (inclusion): {gt['keluarga_4plus_nondesil_kks']:,}",
          f"- KKS TERSALUR tidak ada di BDT: {gt['kks_tidak_ada_di_bdt']:,}", "",
          "| kode | kelurahan | keluarga desil 1–4 | dengan KKS | tanpa KKS | RT BDT | jiwa BDT |",
          "|---|---|---:|---:|---:|---:|---:|"]
    shown = truth[truth.kode_kelurahan.str.startswith("64.74.")]
    for r in shown.itertuples():
        L.append(f"| {r.kode_kelurahan} | {r.nama} | {r.keluarga_miskin:,} | {r.keluarga_kks:,} | "
                 f"{r.keluarga_tanpa_kks:,} | {r.rumah_tangga_bdt:,} | {r.jiwa_bdt:,} |")
    if len(shown) < len(truth):
        L += ["", "Kab/kota lain (kelurahan sintetis) — total per kab/kota:", "",
              "| kab/kota | keluarga desil 1–4 | dengan KKS | RT BDT |", "|---|---:|---:|---:|"]
        agg = truth.groupby("kab_kota", sort=True)[["keluarga_miskin", "keluarga_kks", "rumah_tangga_bdt"]].sum()
        L += [f"| {k} | {r.keluarga_miskin:,} | {r.keluarga_kks:,} | {r.rumah_tangga_bdt:,} |"
              for k, r in agg.iterrows()]
    L += ["", "Catatan: untuk `--kabkota kaltim` file MPM hanya berisi 15 kelurahan Kota Bontang (rekap MPM",
          "dikumpulkan oleh Pemkot Bontang); kelurahan di luar Bontang diberi nama `Kelurahan Sintetis NN` dan",
          "kode rekaan. Untuk ukuran besar daftar KKS ditulis sebagai CSV `;` bila lebih dari "
          f"{KKS_XLSX_MAX_ROWS:,} baris, dan",
          f"workbook MPM dibatasi {MPM_MAX_ROWS:,} baris.", ""]
    return "\n".join(L)


# The dirt ageing.py plants in each later round, and its known effect on cleaning and the truths.
DIRT_NOTES = {
    "2019-05": [
        "3 rumah tangga di luar Kota Bontang (KABUPATEN/KOTA `KUTAI TIMUR`) → ditolak; tidak masuk kebenaran.",
        "Ejaan kelurahan varian (`LOKTUAN`, `BEREBAS TENGAH`, `TELIHAN`, `TJ. LAUT INDAH`) → dikenali.",
        "3 keluarga sasaran yang semua anggotanya tanpa NOKK → tetap di data, tetapi tidak bisa dicocokkan: "
        "dihitung `tanpa_kunci` di 2019-05 dan `keluar_dari_data` dari sisi 2018-05.",
        "2 NIK tidak valid (bulan 13, bukan kepala/pasangan, `TIDAK PADAN`) → disimpan dan ditandai.",
    ],
    "2025-06": [
        "2 keluarga di luar Kota Bontang (kode 6408 Kutai Timur) → ditolak; tidak masuk kebenaran.",
        "Ejaan kelurahan varian (`Loktuan`, `Berebas Tengah`, `Telihan`, `Tj. Laut Indah`, kode tetap benar).",
        "2 NIK tidak valid (bulan 13, bukan kepala/pasangan) → disimpan dan ditandai.",
        "2 keluarga sasaran (sudah ada di 2019-05) yang baris keluarga dan anggotanya tanpa No. KK → ditolak (kunci "
        "satu-satunya hilang); tidak masuk kebenaran 2025-06; dari sisi 2019-05 mereka keluar dari data.",
        "Keluarga 2019-05 yang NOKK-nya kosong muncul lagi dengan No. KK-nya: tanpa pasangan di 2019-05, jadi "
        "`masuk_baru` bila masuk sasaran.",
    ],
}


def round_params_line(periode: str, seed: int) -> str:
    """The README line `rounds.is_present` looks for."""
    return "<!-- sintetis-ronde: " + json.dumps({"periode": periode, "seed": seed, "version": ROUNDS_GENERATOR_VERSION},
                                                sort_keys=True) + " -->"


def _md(df: pd.DataFrame, cols: list[str]) -> list[str]:
    head = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" if c in ("kode_wilayah", "nama") else "---:"
                                                           for c in cols) + "|"]
    fmt = lambda v: f"{v:,}" if isinstance(v, (int, np.integer)) else (f"{v:.1%}" if isinstance(v, float) else str(v))  # noqa: E731
    return head + ["| " + " | ".join(fmt(v) for v in row) + " |" for row in df[cols].itertuples(index=False)]


def round_readme(spec: RoundSpec, seed: int, files: dict, dirt_kks: dict, truth: dict) -> str:
    """A later round's README: parameters, files, the dirt planted and its effect, the truths."""
    notes = DIRT_NOTES[spec.periode]
    rg, al = truth["ringkasan"], truth["alur"]
    k = rg.iloc[0]
    shape = {"dtks": "DTKS (ekspor SIKS-NG: satu baris per orang + satu baris per rumah tangga)",
             "dtsen": "DTSEN (keluarga + anggota, digabung lewat No. KK; keluarga adalah satuannya; desil 1–10)"}
    L = [f"# Data contoh SINTETIS periode {spec.periode} — {SYNTHETIC_MARK}", "",
         round_params_line(spec.periode, seed), "",
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

