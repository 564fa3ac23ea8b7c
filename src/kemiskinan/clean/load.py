"""Load: the raw folder's files read into tables and sorted into kinds (household, member, KKS, MPM,
population), with the keys `satuan: keluarga` derives from the No. KK and the findings the readers prepared.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan.clean.batch import Batch, Findings
from kemiskinan.clean.keys import _ascii_digits
from kemiskinan.clean.pii_terms import PII_COLUMNS
from kemiskinan.clean.rules import RULES
from kemiskinan.domain import codes
from kemiskinan.errors import InputError
from kemiskinan.ingest import profiles
from kemiskinan.ingest.files import data_files
from kemiskinan.ingest.profiles import jenis
from kemiskinan.ingest.readers import EXCEL_SUFFIXES, ID_COLUMNS, Table, read_table
from kemiskinan.parallel import two_at_a_time

#: The kinds of raw table (ruta, art, kks, mpm, penduduk) and the clean table each becomes.
KINDS = jenis.KINDS
KIND_TABLE = {"ruta": "rumah_tangga", "art": "anggota", "kks": "kks", "mpm": "mpm", "penduduk": "penduduk"}
#: The label of each kind in messages (kinds, labels and required columns: kemiskinan.ingest.profiles.jenis).
KIND_LABEL = jenis.LABEL


def detect_kind(cols: set[str]) -> str | None:
    """The kind of a table from its whole column set (`profiles.jenis.decide`); None when it fits no kind
    or two equally."""
    return jenis.decide(cols).kind


def flag_read_findings(b: Batch, F: Findings) -> None:
    """Findings the readers prepared: ID cells that held invisible characters (removed while reading), and
    values outside a vocabulary declared in sumber.yml / profiles/ — flagged with the value, then blanked."""
    for col in sorted({c for t in b.tables for c in t.invisible}):
        mask = np.concatenate([t.invisible.get(col, np.zeros(t.rows, dtype=bool)) for t in b.tables])
        F.add(b, mask, "ID_KARAKTER_TAK_TERLIHAT", col, b.col(col), "id")
    for col in sorted({c for t in b.tables for c in t.outside}):
        mask = np.concatenate([t.outside.get(col, np.zeros(t.rows, dtype=bool)) for t in b.tables])
        rule = np.concatenate([np.full(t.rows, t.outside_rule.get(col), dtype=object) for t in b.tables])
        why = np.concatenate([np.full(t.rows, f" (nilai di luar kosakata {t.profile})", dtype=object)
                              for t in b.tables])
        pesan = np.array([RULES[r].pesan.format(kolom=col) + w if r else "" for r, w in zip(rule, why)], dtype=object)
        how = "id" if col in ID_COLUMNS else ("nama" if col in PII_COLUMNS else "teks")
        F.add(b, mask, rule, col, b.col(col), how, pesan=pesan)
        b.df[col] = b.df[col].where(~mask, "")


def _harmonise_wilayah(t: Table, kind: str) -> None:
    """KKS, MPM and penduduk rows name their wilayah in `kelurahan`/`kecamatan`; a list that writes the BDT
    names (`NMKEL`, `NMKEC`, e.g. a KKS list exported from BDT) is read the same way."""
    if kind in ("kks", "mpm", "penduduk"):
        ren = {a: b for a, b in (("nmkel", "kelurahan"), ("nmkec", "kecamatan"))
               if a in t.df.columns and b not in t.df.columns}
        if ren:
            t.df = t.df.rename(columns=ren)
            t.raw_columns = {ren.get(k, k): v for k, v in t.raw_columns.items()}


#: Columns `satuan: keluarga` derives from the No. KK; a file that also maps one of them is refused (two
#: sources for one key would be a guess).
_UNIT_DERIVED = {"ruta": ("idbdt",), "art": ("idbdt", "idartbdt", "nuk")}


def _unit_keluarga_columns(t: Table, kind: str, where: str) -> None:
    """`satuan: keluarga` (DTSEN: the family is the unit). A family row becomes a household whose IDBDT is
    its No. KK; a member's IDBDT is its No. KK, NUK 1, and hub_krt its relationship to the family head
    (hubkel, 1 = Kepala Keluarga) when the file has no household relationship of its own. IDARTBDT is set
    by `_number_members` over all member tables. Values stay as written: the ID checks of clean_ruta /
    clean_art then judge them (an empty or broken No. KK is rejected with its reason, never repaired)."""
    clash = [c for c in _UNIT_DERIVED[kind] if c in t.df.columns]
    if clash:
        raise InputError(f"satuan keluarga ({where}): kolom {clash[0]} dibentuk dari No. KK, tetapi file ini juga "
                         f"punya kolom {clash[0]} (judul '{t.raw_columns.get(clash[0], clash[0])}')",
                         file=t.file, sheet=t.sheet, row=t.header_row, column=t.raw_columns.get(clash[0], clash[0]),
                         hint="hapus pemetaan kolom itu dari profil, atau pakai satuan: rumah_tangga")
    kk_header = t.raw_columns.get("no_kk", "no_kk")
    t.df["idbdt"] = t.df["no_kk"]
    t.raw_columns["idbdt"] = f"{kk_header} (No. KK, satuan keluarga)"
    if "no_kk" in t.numeric:           # an Excel-number No. KK is judged as the ID it now also is
        t.numeric["idbdt"] = t.numeric["no_kk"]
    if kind == "art":
        t.df["nuk"] = pd.Series("1", index=t.df.index, dtype="str")
        t.raw_columns["nuk"] = "(satuan keluarga: 1)"
        if "hub_krt" not in t.df.columns and "hubkel" in t.df.columns:
            t.df["hub_krt"] = t.df["hubkel"]
            t.raw_columns["hub_krt"] = t.raw_columns.get("hubkel", "hubkel")
        t.df["idartbdt"] = pd.Series("", index=t.df.index, dtype="str")


def _number_members(tables: list[Table]) -> None:
    """IDARTBDT of each member under `satuan: keluarga`: its No. KK + a 2-digit number, 01, 02, … in file
    order within the family (over all member tables, in file and sheet order). A No. KK that is not a run
    of digits (empty, letters, Excel damage) gives no IDARTBDT: clean_art rejects the member with its
    reason (a trailing `.0` of an Excel number is cut first, as for any ID)."""
    if not tables:
        return
    kk = pd.concat([codes.text(t.df["no_kk"]).fillna("") for t in tables], ignore_index=True)
    kk = kk.str.replace(r"^([0-9]+)[.,]0+$", r"\1", regex=True)
    ok = pd.Series(_ascii_digits(kk), index=kk.index)
    seq = kk.where(ok).to_frame("k").groupby("k", sort=False).cumcount() + 1
    ids = (kk + seq.reindex(kk.index).fillna(0).astype(int).map("{:02d}".format)).where(ok, "")
    start = 0
    for t in tables:
        t.df["idartbdt"] = pd.Series(ids.iloc[start:start + t.rows].to_numpy(dtype=object), index=t.df.index,
                                     dtype="str")
        t.raw_columns["idartbdt"] = "(satuan keluarga: No. KK + nomor urut 2 digit)"
        start += t.rows


def read_inputs(raw_dir: Path, profile: "profiles.Profile | None" = None
                ) -> tuple[dict[str, list[Table]], list[Table], bool]:
    """All tables by kind; every table read (for reconciliation); whether any carries the synthetic marker.

    `profile`: the folder's source profile when the caller has loaded it already. With `satuan: keluarga`
    the household and member tables get their keys from the No. KK (`unit_keluarga`)."""
    files = data_files(raw_dir)
    if not files:
        raise InputError("tidak ada file data (CSV/XLSX/XLS) di folder mentah", file=str(raw_dir))
    if profile is None:
        profile = profiles.load(raw_dir)     # sumber.yml + profiles/ + built-in (InputError when invalid)
    by_kind: dict[str, list[Table]] = {k: [] for k in KINDS}
    all_tables: list[Table] = []
    synthetic = False
    # Two files at a time: much of reading a CSV is single-threaded byte work (clean-up, line numbers,
    # encoding checks) before arrow parses it on both cores, so a second file's byte work fills the core
    # the first one leaves idle. Tables and errors still come in file order.
    for p, tables in zip(files, two_at_a_time(lambda f: read_table(f, profile), files, name="kemiskinan-baca")):
        synthetic |= p.name.upper().startswith("SINTETIS_") or any(t.marker for t in tables)
        if not tables:
            if p.name.upper().startswith("SINTETIS_") or p.suffix.lower() in EXCEL_SUFFIXES:
                # a workbook with only note sheets / empty sheets: nothing to clean, but say so
                raise InputError("workbook tidak berisi sheet data (hanya sheet kosong/keterangan)", file=p.name)
            continue
        for t in tables:
            verdict = jenis.decide(set(t.df.columns) - {"_baris"}, t.kind)
            kind = verdict.kind
            if kind is None:
                raise InputError(jenis.refusal(verdict, list(t.raw_columns.values())), file=p.name, sheet=t.sheet,
                                 row=t.header_row, hint="periksa baris header, atau nyatakan jenisnya di "
                                 "sumber.yml (mis. `jenis: kks`; README \"Memasukkan data asli\"); "
                                 "`python -m kemiskinan periksa --raw …` menunjukkan semua tabel sekaligus")
            _harmonise_wilayah(t, kind)
            missing = [c for c in jenis.required(kind, profile.satuan) if c not in t.df.columns]
            if missing:
                why = " (satuan keluarga: kuncinya No. KK)" if profile.satuan == "keluarga" and kind in ("ruta", "art") else ""
                raise InputError(f"kolom wajib tidak ada: {', '.join(missing)} (file {KIND_LABEL[kind]}){why}",
                                 file=p.name, sheet=t.sheet, row=t.header_row, column=missing[0])
            if profile.satuan == "keluarga" and kind in ("ruta", "art"):
                _unit_keluarga_columns(t, kind, profile.sumber_skema)
            by_kind[kind].append(t)
            all_tables.append(t)
    if profile.satuan == "keluarga":
        _number_members(by_kind["art"])
    for kind in ("ruta", "art"):
        if not by_kind[kind]:
            raise InputError(f"file {KIND_LABEL[kind]} tidak ditemukan di folder mentah", file=str(raw_dir))
        if sum(t.rows for t in by_kind[kind]) == 0:
            raise InputError(f"file {KIND_LABEL[kind]} tidak berisi baris data (hanya header)",
                             file=by_kind[kind][0].file, row=by_kind[kind][0].header_row)
    return by_kind, all_tables, synthetic
