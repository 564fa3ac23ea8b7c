"""Step 01, cleaning that loses nothing: raw files (contracts §1) → clean tables, findings, reconciliation (§2).

    clean(raw_dir, out_dir)            # notebooks and the CLI call the same function
    python -m kemiskinan clean --raw DIR --out DIR [--accept-changes]

`clean` reads in four stages: load (provenance check, `load.read_inputs`), process (one module per table
kind: `ruta`, `anggota`, `keluarga`, `kks`, `mpm`, `penduduk`), check (`reconcile`, `schemas.validate`)
and save (every table, meta.json and the PII term list into a temporary folder swapped in at the end).

Every source row ends in exactly one place: kept in a clean table (`disimpan`), rejected (`ditolak`,
a finding with `tindakan="tolak"`), or merged into an earlier identical row (`digabung`,
`tindakan="gabung"`). `rekonsiliasi.parquet` counts them per file and sheet and the run stops with
`ReconciliationError` if `dibaca != disimpan + ditolak + digabung` anywhere. Values that are wrong but do
not stop a row from being placed are blanked (NA) and flagged (`tindakan="tandai"`); the row is kept.

All rules, their message and their action are in `clean.rules.RULES` (rendered into docs/cleaning_rules.md).
Findings never hold a full NIK, No. KK, ID or name: values are masked (`nilai_tersamar`).

Outputs are written to a temporary folder next to `out_dir` and swapped in at the end, so a failed run
leaves the previous outputs untouched and never a half-written folder.
"""
from __future__ import annotations

import argparse
import contextvars
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kemiskinan import catalog, config
from kemiskinan.atomic import write_folder
from kemiskinan.clean import schemas, wilayah_match
from kemiskinan.clean.anggota import clean_art
from kemiskinan.clean.batch import Batch, Findings
from kemiskinan.clean.keluarga import build_keluarga
from kemiskinan.clean.kks import _empty_kks, clean_kks, prepare_kks
from kemiskinan.clean.load import KIND_TABLE, KINDS, flag_read_findings, read_inputs
from kemiskinan.clean.mpm import clean_mpm, mpm_laporan
from kemiskinan.clean.penduduk import clean_penduduk
from kemiskinan.clean.pii_terms import TERMS_FILE, write_from_batches
from kemiskinan.clean.reconcile import check_reconciliation, finish_temuan, reconcile
from kemiskinan.clean.rules import FUZZY_MARGIN, FUZZY_THRESHOLD
from kemiskinan.clean.ruta import clean_ruta
from kemiskinan.domain import codes
from kemiskinan.domain import nik as nikmod
from kemiskinan.errors import InputError, ParameterError, ReconciliationError
from kemiskinan.hashing import file_sha256
from kemiskinan.ingest import profiles, provenance
from kemiskinan.ingest.files import data_files


#: The tables step 01 writes (the catalog names them once).
OUTPUT_TABLES = catalog.names("clean")

#: Entries allowed in an existing output folder (anything else means --out points at the wrong place).
_OUT_ALLOWED = {f"{t}.parquet" for t in OUTPUT_TABLES} | {"meta.json", "indikator", "sebelumnya", TERMS_FILE}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def tanggal_acuan(periode: str | None) -> pd.Timestamp | None:
    """The round's reference date: the last day of the `periode` month (`"2019-05"` → 2019-05-31); None
    for None. `ParameterError` for anything that is not a `YYYY-MM` month."""
    if periode is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(periode).strip())
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1900:
        raise ParameterError(f"periode harus berbentuk YYYY-MM (mis. 2019-05), bukan {periode!r}")
    return (pd.Timestamp(int(m[1]), int(m[2]), 1) + pd.offsets.MonthEnd(0)).as_unit("s")


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise InputError("folder keluaran adalah sebuah file", file=str(out_dir))
        foreign = [p.name for p in out_dir.iterdir() if not p.name.startswith(".") and p.name not in _OUT_ALLOWED]
        if foreign:
            raise InputError(f"folder keluaran berisi file lain ({', '.join(sorted(foreign)[:5])}); pembersih "
                             "mengganti seluruh isi folder, jadi pilih folder periode sendiri "
                             "(mis. data/processed/<periode>)", file=str(out_dir))


def _atomic_write(out_dir: Path, write) -> None:
    """Write everything into a sibling temp folder, then swap it in; the previous run's findings,
    reconciliation and meta.json are kept in `sebelumnya/` (old outputs stay until the swap)."""
    def keep_previous(tmp: Path, old: Path) -> None:
        prev = tmp / "sebelumnya"
        prev.mkdir(exist_ok=True)
        for n in ("temuan.parquet", "rekonsiliasi.parquet", "meta.json"):
            if (old / n).exists():
                shutil.copy2(old / n, prev / n)

    write_folder(out_dir, write, before_swap=keep_previous)


class _Laps:
    """Stage timer for KEMISKINAN_WAKTU=1 (seconds and peak RSS so far, on stderr)."""

    def __init__(self, on: bool):
        self.on, self.t, self.c = on, time.perf_counter(), time.process_time()

    def __call__(self, stage: str) -> None:
        if self.on:
            import resource     # Unix only, and only when timing is asked for
            now, cpu = time.perf_counter(), time.process_time()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            _log(f"  [waktu] {stage}: {now - self.t:.2f} s, CPU {cpu - self.c:.2f} s (puncak RSS {peak:,.0f} MB)")
            self.t, self.c = now, cpu


@dataclass
class CleanResult:
    out_dir: Path
    tables: dict[str, pd.DataFrame]
    meta: dict
    seconds: float

    @property
    def temuan(self) -> pd.DataFrame:
        return self.tables["temuan"]

    @property
    def rekonsiliasi(self) -> pd.DataFrame:
        return self.tables["rekonsiliasi"]


def clean(raw_dir: str | os.PathLike, out_dir: str | os.PathLike, *, accept_changes: bool = False,
          check_provenance: bool = True, validate: bool = True, pii_terms: bool = True,
          verbose: bool = True, wilayah: pd.DataFrame | str | os.PathLike | None = None,
          periode: str | None = None) -> CleanResult:
    """Clean every input of `raw_dir` into the tables of contracts §2 in `out_dir` (replaced atomically).

    `periode` (`"YYYY-MM"`): the round. Its reference date (tanggal acuan, the last day of that month) fixes
    the century of every 2-digit year (NIK birth dates, dates such as `15.01.18`) and gives `umur` where the
    member file has no age column. None: century by 2018 and no derived age; meta.json's `tanggal_acuan`
    is then null.

    `wilayah`: the reference to resolve kelurahan against, in the format of data/reference/wilayah_bontang.csv
    (a DataFrame or a CSV path); default Kota Bontang. With another reference (e.g. the province), rows
    outside it are rejected as RT_LUAR_BONTANG / …_WILAYAH_TIDAK_DIKENAL exactly as outside Bontang are.

    Raises `InputError` (unreadable file, missing column, provenance mismatch) or `ReconciliationError`.
    """
    acuan = tanggal_acuan(periode)
    ref = None
    if wilayah is not None:
        table = wilayah if isinstance(wilayah, pd.DataFrame) else pd.read_csv(wilayah, dtype=str, keep_default_na=False)
        ref = wilayah_match.Reference(table)
    token = wilayah_match._REF.set(ref)
    try:
        return _clean(raw_dir, out_dir, accept_changes=accept_changes, check_provenance=check_provenance,
                      validate=validate, pii_terms=pii_terms, verbose=verbose, acuan=acuan)
    finally:
        wilayah_match._REF.reset(token)


def _vintage_bdt(nama_data: str | None, acuan: pd.Timestamp | None) -> str:
    """The BDT vintage label (meta.json `vintage.bdt`, shown in the briefings): the profile's `nama_data` and
    the round (`DTKS 2019-05`); without `nama_data`, PBDT 2015."""
    if nama_data is None:
        return "PBDT 2015"
    return f"{nama_data} {acuan:%Y-%m}" if acuan is not None else nama_data


def _vintage_dated(label: str, dates: pd.Series, before: int, acuan: pd.Timestamp | None) -> str:
    """`<label> <year>`: the latest year among the list's own dates (not after the reference date, when there
    is one); without dates, the year of the reference date, or `before` without one (KKS 2017, MPM 2018:
    the lists of the PBDT 2015 sample)."""
    d = pd.to_datetime(dates).dropna()
    if acuan is not None:
        d = d[d <= acuan]
    if len(d):
        return f"{label} {int(d.dt.year.max())}"
    return f"{label} {acuan.year if acuan is not None else before}"


def _clean(raw_dir, out_dir, *, accept_changes: bool, check_provenance: bool, validate: bool, pii_terms: bool,
           verbose: bool, acuan: pd.Timestamp | None = None) -> CleanResult:
    """load → process → check → save."""
    t0 = time.perf_counter()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    say = _log if verbose else (lambda m: None)
    if not raw_dir.is_dir():
        raise InputError("folder data mentah tidak ada", file=str(raw_dir))
    _check_out_dir(out_dir)
    hashes = _input_hashes(raw_dir, check_provenance=check_provenance, accept_changes=accept_changes, say=say)
    # KEMISKINAN_WAKTU=1: time of each stage on stderr (benchmarks; bench/README.md "clean")
    waktu = _Laps(os.environ.get("KEMISKINAN_WAKTU") == "1")
    # load
    profile = profiles.load(raw_dir)     # sumber.yml + profiles/ + built-in (InputError when invalid)
    by_kind, _, synthetic = read_inputs(raw_dir, profile)
    say("  dibaca: " + ", ".join(f"{k} {sum(t.rows for t in v):,}" for k, v in by_kind.items() if v))
    waktu("baca")
    F = Findings()
    batches: dict[str, Batch] = {k: Batch(k, v) for k, v in by_kind.items() if v}
    for b in batches.values():
        flag_read_findings(b, F)
    # process
    tables = _process(batches, F, profile, acuan, waktu)
    kel = tables["keluarga"]
    # check
    tables["temuan"], tables["rekonsiliasi"] = _check(batches, tables, F)
    waktu("temuan+rekonsiliasi")
    tables = schemas.coerce(tables)
    waktu("tipe")
    # save
    meta = _meta(tables, kel, batches, profile, acuan, synthetic=synthetic, hashes=hashes())
    _atomic_write(out_dir, lambda tmp: _save(tmp, tables, meta, batches, validate=validate, pii_terms=pii_terms))
    waktu("tulis+periksa_skema")
    secs = time.perf_counter() - t0
    say(f"  selesai dalam {secs:.1f} s: " + ", ".join(f"{k} {len(v):,}" for k, v in tables.items()))
    return CleanResult(out_dir, tables, meta, secs)


def _input_hashes(raw_dir: Path, *, check_provenance: bool, accept_changes: bool, say) -> Callable[[], dict]:
    """The sha256 of every input, for meta.json: from the provenance check (which stops on a mismatch), or
    without it computed in a side thread (hashlib releases the GIL on large blocks) while the files are read
    and cleaned. Returns the function that gives {file name: sha256} once they are needed."""
    if check_provenance:
        hashes = provenance.verify(raw_dir, accept_changes=accept_changes, log=say)
        return lambda: hashes
    side = ThreadPoolExecutor(1, thread_name_prefix="kemiskinan-sha256")
    future = side.submit(lambda: {p.name: file_sha256(p) for p in data_files(raw_dir)})
    side.shutdown(wait=False)
    return future.result


def _process(batches: dict[str, Batch], F: Findings, profile: profiles.Profile, acuan: pd.Timestamp | None,
             waktu: _Laps) -> dict[str, pd.DataFrame]:
    """Each kind's clean table, households first (members, keluarga, KKS and MPM are matched to them)."""
    ref_year = acuan.year if acuan is not None else nikmod.REFERENCE_YEAR
    ruta = clean_ruta(batches["ruta"], F, profile.skema_desil, profile.satuan)
    waktu("rumah_tangga")
    # The KKS list's own checks need neither members nor keluarga: they run in a second thread while
    # the member stage runs (both spend much of their time in arrow/numpy kernels that release the GIL).
    # Findings are sorted at the end, so their order does not depend on which thread logged first. The
    # thread runs in a copy of this context: it resolves wilayah against the run's reference.
    with ThreadPoolExecutor(1, thread_name_prefix="kemiskinan-kks") as side:
        kks_prepared = side.submit(contextvars.copy_context().run, prepare_kks, batches["kks"], F, ref_year) \
            if "kks" in batches else None
        art = clean_art(batches["art"], F, ruta, batches["ruta"], acuan=acuan, satuan=profile.satuan)
        waktu("anggota")
        kel = build_keluarga(art, ruta, batches["art"], F)
        waktu("keluarga")
        kks_prepared = kks_prepared.result() if kks_prepared is not None else None
    if "kks" in batches:
        kks, kel = clean_kks(batches["kks"], F, kel, art, kks_prepared,
                             getattr(batches["art"], "nik_keluarga", None))
    else:
        # no KKS list supplied: whether a keluarga holds a card is unknown (NA), not "no card" — the
        # indicators then leave KKS coverage out instead of reporting 0 % (meta.json `masukan.kks`)
        kks, _ = _empty_kks()
        kel["kks_status"] = pd.Categorical([None] * len(kel), categories=codes.KKS_STATUSES)
        kel["kks"] = pd.array([None] * len(kel), dtype="boolean")
    mpm, lap = clean_mpm(batches["mpm"], F, ruta, ref_year) if "mpm" in batches else (None, None)
    waktu("kks+mpm")
    pen = clean_penduduk(batches["penduduk"], F) if "penduduk" in batches else None
    tables = {"rumah_tangga": ruta, "anggota": art, "keluarga": kel, "kks": kks}
    tables["mpm"] = mpm if mpm is not None else schemas.empty("mpm")
    tables["mpm_laporan"] = lap if lap is not None else mpm_laporan(None)
    tables["penduduk"] = pen if pen is not None else schemas.empty("penduduk")
    return tables


def _check(batches: dict[str, Batch], tables: dict[str, pd.DataFrame], F: Findings
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(temuan, rekonsiliasi); `ReconciliationError` when a row is lost anywhere."""
    temuan = finish_temuan(F, batches)
    rek = reconcile(batches, tables, temuan)
    # the internal fate arrays must agree with the independent counts (guards against silent drops)
    for kind, b in batches.items():
        exp_keep = int((b.state == 0).sum())
        if exp_keep != len(tables[KIND_TABLE[kind]]):
            raise ReconciliationError(f"tabel {KIND_TABLE[kind]} berisi {len(tables[KIND_TABLE[kind]])} baris, "
                                      f"seharusnya {exp_keep}", file=b.tables[0].file)
    check_reconciliation(rek)
    return temuan, rek


def _meta(tables: dict[str, pd.DataFrame], kel: pd.DataFrame, batches: dict[str, Batch], profile: profiles.Profile,
          acuan: pd.Timestamp | None, *, synthetic: bool, hashes: dict[str, str]) -> dict:
    """meta.json. `kel`: the keluarga table as built (before `schemas.coerce`)."""
    return {
        "sintetis": bool(synthetic),
        "files": hashes,
        # the vintage of each input that was supplied (an absent one has none to state)
        "vintage": {k: v for k, v in {
            "bdt": _vintage_bdt(profile.nama_data, acuan),
            "kks": _vintage_dated("distribusi KKS", tables["kks"]["tanggal_distribusi"], 2017, acuan)
            if "kks" in batches else None,
            "mpm": _vintage_dated("MPM", tables["mpm"]["tanggal_daftar"], 2018, acuan) if "mpm" in batches else None,
            "penduduk": sorted({int(x) for x in tables["penduduk"]["tahun"].dropna().unique()})
            if "penduduk" in batches else None}.items() if v is not None},
        "jumlah": {k: int(len(v)) for k, v in tables.items()},
        # which inputs were supplied (only rumah_tangga and anggota are required): what is absent is
        # left out of the indicators and named in the briefings, never counted as zero
        "masukan": {KIND_TABLE[k]: k in batches for k in KINDS},
        "keluarga_desil_1_4": int(kel["desil"].between(1, 4).fillna(False).sum()),
        # null without a KKS list: unknown, not 0
        "keluarga_desil_1_4_kks": int((kel["desil"].between(1, 4).fillna(False) & kel["kks"].fillna(False)).sum())
        if "kks" in batches else None,
        "aturan": {"fuzzy_threshold": FUZZY_THRESHOLD, "fuzzy_margin": FUZZY_MARGIN},
        # the round: its reference date (null without `periode`), its desil scheme and unit (source profile
        # keys `skema_desil`, `satuan`); step 02 checks target_desil against the scheme
        "tanggal_acuan": acuan.strftime("%Y-%m-%d") if acuan is not None else None,
        "skema_desil": int(profile.skema_desil),
        "satuan": profile.satuan,
    }


def _save(tmp: Path, tables: dict[str, pd.DataFrame], meta: dict, batches: dict[str, Batch], *, validate: bool,
          pii_terms: bool) -> None:
    """Every output into the temporary folder `_atomic_write` swaps in."""
    # The schema checks run while two threads write the parquet files (arrow encodes and compresses
    # without the GIL): into the temporary folder, so a table that fails its schema never reaches
    # `out_dir` — `_atomic_write` removes the folder when this raises.
    with ThreadPoolExecutor(2, thread_name_prefix="parquet") as pool:
        done = [pool.submit(tables[name].to_parquet, tmp / f"{name}.parquet", index=False)
                for name in sorted(OUTPUT_TABLES, key=lambda n: -len(tables[n]))]   # largest first
        try:
            if validate:
                ref = wilayah_match.reference()
                schemas.validate(tables, kelurahan=None if ref is None else wilayah_match.kelurahan_codes())
        finally:
            for f in done:
                f.result()
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    if pii_terms:
        write_from_batches(batches, tmp)


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------
def main_clean(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kemiskinan clean",
                                 description="Bersihkan data mentah menjadi tabel bersih, temuan dan rekonsiliasi.")
    ap.add_argument("--raw", required=True, help="folder data mentah (nama di data/raw/ atau path)")
    ap.add_argument("--out", required=True, help="folder keluaran (mis. data/processed/<periode>)")
    ap.add_argument("--accept-changes", action="store_true",
                    help="terima file mentah yang berubah/baru/hilang dan perbarui manifest.json")
    ap.add_argument("--no-pii-terms", action="store_true", help="jangan tulis pii_istilah.parquet")
    ap.add_argument("--periode", help="putaran data YYYY-MM (mis. 2019-05): tanggal acuan = hari terakhir bulan itu, "
                                      "untuk abad tahun 2 digit (NIK) dan umur; tanpa ini: abad menurut 2018")
    args = ap.parse_args(argv)
    try:
        res = clean(config.raw_dir(args.raw), Path(args.out), accept_changes=args.accept_changes,
                    pii_terms=not args.no_pii_terms, periode=args.periode)
    except (InputError, ParameterError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    rek = res.rekonsiliasi
    print(f"Selesai: {res.out_dir} ({res.seconds:.1f} s). Rekonsiliasi seimbang untuk {len(rek)} file/sheet; "
          f"{len(res.temuan):,} temuan.")
    return 0
