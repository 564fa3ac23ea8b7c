"""`python -m kemiskinan periksa --raw DIR`: what the cleaner will make of a raw folder, before cleaning.

Per file and sheet: the kind and why (or why not), the header row, the columns mapped to canonical names,
the columns not known, the required columns missing, for coded columns the distinct values with their
counts and what they become (IDs and names never shown in full), the row count, and the source profile
that applied. The folder "will clean" when every table has a kind and its required columns and the
household and member files are there; the CLI then exits 0, otherwise 2. Notebook 01 shows the same view
in its first cells (`periksa(raw_dir).teks()`).

Nothing is written and nothing is cleaned: the files are read exactly as `clean` reads them
(`profiles.load` + `readers.read_table` + `profiles.jenis.decide`), so what this says is what `clean` does.
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kemiskinan import config
from kemiskinan.domain import codes

from kemiskinan.ingest import profiles
from kemiskinan.errors import InputError
from kemiskinan.ingest.columns import CANONICAL
from kemiskinan.ingest.files import data_files
from kemiskinan.ingest.profiles import jenis
from kemiskinan.ingest.readers import read_table

#: Columns whose distinct values are shown (codes and statuses), besides every column with a vocabulary.
CODED = (set(codes.CODELISTS) | set(codes.YES_NO)
         | {"status_kartu", "jnskel", "hasil_verifikasi", "status_identifikasi", "status_kesejahteraan"})
#: Never shown, even as distinct values.
PRIVATE = {"idbdt", "idartbdt", "nik", "no_kk", "nik_pengurus", "no_kks", "nopesertapkh", "nama", "nama_krt",
           "nama_pengurus", "nama_kepala_rumah_tangga", "namagadis_ibukandung", "alamat"}
MAX_VALUES = 12


def _mask(v: str) -> str:
    """A value of a coded column as shown: long digit runs (an ID typed into the wrong column) masked."""
    return re.sub(r"\d{8,}", lambda m: m.group(0)[:4] + "********" + m.group(0)[-2:], v)


@dataclass
class TabelPeriksa:
    file: str
    sheet: str | None = None
    jenis: str | None = None            # internal kind key
    alasan: str = ""
    baris_header: int | None = None
    baris: int = 0
    dipetakan: list[tuple[str, str]] = field(default_factory=list)   # (header as written, canonical)
    tidak_dikenal: list[str] = field(default_factory=list)
    wajib_kurang: list[str] = field(default_factory=list)
    nilai: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)   # (value, count, becomes)
    profil: str = ""
    galat: str | None = None            # the file could not be read: the reader's message

    @property
    def ok(self) -> bool:
        return self.galat is None and self.jenis is not None and not self.wajib_kurang


@dataclass
class Laporan:
    raw_dir: Path
    tabel: list[TabelPeriksa] = field(default_factory=list)
    masalah: list[str] = field(default_factory=list)      # folder-level problems
    catatan: list[str] = field(default_factory=list)      # folder-level remarks (not problems)
    profil: list[str] = field(default_factory=list)       # profile files that apply
    putaran: str = ""                                       # the round's desil scheme and unit

    @property
    def ok(self) -> bool:
        return not self.masalah and all(t.ok for t in self.tabel)

    def ringkasan(self) -> pd.DataFrame:
        """One row per file and sheet (for a notebook table)."""
        return pd.DataFrame([{
            "file": t.file, "sheet": t.sheet or "", "jenis": jenis.LABEL.get(t.jenis, "—") if t.jenis else "—",
            "baris_header": t.baris_header, "baris": t.baris, "kolom_dipetakan": len(t.dipetakan),
            "kolom_tidak_dikenal": len(t.tidak_dikenal), "wajib_kurang": ", ".join(t.wajib_kurang),
            "profil": t.profil, "siap": t.ok} for t in self.tabel],
            columns=["file", "sheet", "jenis", "baris_header", "baris", "kolom_dipetakan", "kolom_tidak_dikenal",
                     "wajib_kurang", "profil", "siap"])

    def teks(self) -> str:
        out = [f"Periksa {self.raw_dir}",
               "Profil: " + (", ".join(self.profil) + " (lalu bawaan)" if self.profil else "bawaan (tanpa sumber.yml)"),
               *([f"Putaran: {self.putaran}"] if self.putaran else []),
               ""]
        for t in self.tabel:
            where = t.file + (f", sheet '{t.sheet}'" if t.sheet else "")
            if t.galat is not None:
                out += [f"[GAGAL] {where}", f"    tidak bisa dibaca: {t.galat}", ""]
                continue
            head = jenis.LABEL[t.jenis] if t.jenis else "jenis tidak dikenali"
            out.append(f"[{'OK' if t.ok else 'GAGAL'}] {where} — {head}")
            out.append(f"    alasan: {t.alasan}")
            out.append(f"    header baris {t.baris_header}; {t.baris:,} baris data; profil: {t.profil}")
            out.append(f"    kolom dipetakan ({len(t.dipetakan)}): "
                       + (", ".join(f"{w} → {c}" if profiles.header_key(w) != c else c for w, c in t.dipetakan)
                          or "-"))
            out.append(f"    kolom tidak dikenal ({len(t.tidak_dikenal)}): " + (", ".join(t.tidak_dikenal) or "-"))
            out.append("    kolom wajib yang kurang: " + (", ".join(t.wajib_kurang) or "-"))
            for col, vals in t.nilai.items():
                if not vals:
                    continue
                shown = []
                for nilai, jumlah, menjadi in vals[:MAX_VALUES]:
                    v = "(kosong)" if nilai == "" else f"'{_mask(nilai)}'"
                    shown.append(f"{v} {jumlah:,}" + (f" → {menjadi}" if menjadi and menjadi != nilai else ""))
                more = f"; +{len(vals) - MAX_VALUES} nilai lain" if len(vals) > MAX_VALUES else ""
                out.append(f"    nilai {col}: " + "; ".join(shown) + more)
            out.append("")
        out += [f"Catatan: {c}" for c in self.catatan]
        out += [f"Masalah: {m}" for m in self.masalah]
        n_bad = sum(not t.ok for t in self.tabel)
        if self.ok:
            out.append(f"Siap dibersihkan: {len(self.tabel)} tabel.")
        else:
            out.append(f"BELUM siap dibersihkan: {n_bad} dari {len(self.tabel)} tabel bermasalah"
                       + (f", {len(self.masalah)} masalah folder" if self.masalah else "") + ".")
        return "\n".join(out)


def _values(t, col: str) -> list[tuple[str, int, str]]:
    """(value as written, rows, what it becomes), most frequent first."""
    if col in t.values:
        v = t.values[col]
        rows = list(zip(v["nilai"].tolist(), v["jumlah"].tolist(), v["menjadi"].tolist()))
    else:
        counts = t.df[col].fillna("").value_counts()
        rows = [(str(k), int(n), "") for k, n in zip(counts.index.tolist(), counts.tolist())]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _table(t, satuan: str = "rumah_tangga") -> TabelPeriksa:
    cols = set(t.df.columns) - {"_baris"}
    v = jenis.decide(cols, t.kind)
    out = TabelPeriksa(t.file, t.sheet, v.kind, v.reason, t.header_row, t.rows, profil=t.profile)
    for canon, written in t.raw_columns.items():
        if canon in CANONICAL:
            out.dipetakan.append((written, canon))
        else:
            out.tidak_dikenal.append(written or canon)
    if v.kind is not None:
        out.wajib_kurang = [c for c in jenis.required(v.kind, satuan) if c not in cols]
    else:
        out.wajib_kurang = list(v.candidates[0].missing) if v.candidates[0].score > 0 else []
        alt = "; ".join(c.describe() for c in v.candidates[:2])
        out.alasan = f"{v.reason}. Calon terdekat: {alt}"
    for col in sorted(c for c in cols if (c in CODED or c in t.values) and c not in PRIVATE):
        out.nilai[col] = _values(t, col)
    return out


def periksa(raw_dir: str | Path) -> Laporan:
    """Read every table of `raw_dir` as the cleaner would and describe it. Never raises for a user's
    mistake: problems are in the report (`Laporan.ok` False)."""
    raw_dir = Path(raw_dir)
    lap = Laporan(raw_dir)
    if not raw_dir.is_dir():
        lap.masalah.append(f"folder data mentah tidak ada: {raw_dir}")
        return lap
    try:
        prof = profiles.load(raw_dir)
    except InputError as e:
        lap.masalah.append(str(e))
        return lap
    lap.profil = [str(p.relative_to(raw_dir)) if p.is_relative_to(raw_dir) else f"profiles/{p.name}"
                  for p in prof.files]
    lap.putaran = (f"desil 1–{prof.skema_desil}; satuan {prof.satuan.replace('_', ' ')}"
                   + (" (No. KK = ID rumah tangga dan anggota)" if prof.satuan == "keluarga" else "")
                   + (f"; data {prof.nama_data}" if prof.nama_data else "") + f" — {prof.sumber_skema}")
    files = data_files(raw_dir)
    if not files:
        lap.masalah.append("tidak ada file data (CSV/TXT/TSV/XLSX/XLS) di folder ini")
    for p in files:
        try:
            tables = read_table(p, prof)
        except InputError as e:
            where = e.location(with_file=False)
            lap.tabel.append(TabelPeriksa(p.name, galat=e.reason + (f" ({where})" if where else "")
                                          + (f"\n      Saran: {e.hint}" if e.hint else "")))
            continue
        if not tables:
            lap.catatan.append(f"{p.name}: tidak ada sheet data (hanya sheet kosong/keterangan)")
        lap.tabel.extend(_table(t, prof.satuan) for t in tables)
    for kind in ("ruta", "art"):
        ts = [t for t in lap.tabel if t.jenis == kind]
        if not ts:
            lap.masalah.append(f"file {jenis.LABEL[kind]} tidak ditemukan (wajib)")
        elif sum(t.baris for t in ts) == 0:
            lap.masalah.append(f"file {jenis.LABEL[kind]} tidak berisi baris data (hanya header)")
    for kind in ("kks", "mpm", "penduduk"):
        if not any(t.jenis == kind for t in lap.tabel):
            lap.catatan.append(f"tidak ada {jenis.LABEL[kind]} (tidak wajib; bagian itu akan menyebut datanya "
                               "tidak diberikan)")
    return lap


def main_periksa(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kemiskinan periksa",
                                 description="Periksa file data mentah sebelum dibersihkan: jenis tabel, header, "
                                             "kolom, nilai berkode, profil sumber. Kode keluar 0 bila folder siap "
                                             "dibersihkan, 2 bila tidak.")
    ap.add_argument("--raw", required=True, help="folder data mentah (nama di data/raw/ atau path)")
    args = ap.parse_args(argv)
    lap = periksa(config.raw_dir(args.raw))
    print(lap.teks())
    return 0 if lap.ok else 2
