"""The indicator tables of docs/contracts.md §3: one registry entry per table, and `compute_all`, which runs them.

Each `Table` says how its frame is computed from the prepared clean tables (and the tables computed before
it), how it is checked on true numbers, and how small cells are suppressed before it is published.
`compute_all` runs the registry in order, checks every table as soon as it exists (CheckError with the
offending rows), removes what an absent optional input would report as zeros (`prepare.blank_absent`),
and suppresses last — so every check sees the true numbers and every published number went through the
same `suppress`. Adding a table: docs/architecture.md, "How to add an indicator".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kemiskinan import catalog
from kemiskinan.indicators import _base as B
from kemiskinan.indicators import bps, mpm, prioritas, profil, programs, sebaran
from kemiskinan.indicators.params import Params, parse_params, skema_desil_of
from kemiskinan.indicators.prepare import Prepared, blank_absent, prepare, read_clean

#: Earlier tables of the same run, unsuppressed, by name.
Done = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Table:
    name: str                                                     # as in the catalog (file indikator/<name>.parquet)
    compute: Callable[[Prepared, Params, Done], pd.DataFrame]
    check: Callable[[pd.DataFrame, Done, Params], None] | None = None   # CheckError on failure
    publish: Callable[[pd.DataFrame, int], pd.DataFrame] | None = None  # small-cell suppression (threshold k)


def _check_sebaran(df: pd.DataFrame, done: Done, p: Params) -> None:
    B.check_hierarchy(df[df["tingkat"] != "rt"], ["jumlah"], ["satuan", "kelompok_desil"], "sebaran")


def _check_kebocoran(df: pd.DataFrame, done: Done, p: Params) -> None:
    """Adds up by wilayah, and recipients by desil equal the recipients counted for coverage (+ those not in BDT)."""
    B.check_hierarchy(df, ["n_penerima"], ["program", "kelompok_desil"], "kebocoran")
    cak = done["cakupan"]
    s = df.groupby(["kode_wilayah", "program"])["n_penerima"].sum()
    first = cak["target"].iloc[0]
    c = cak[(cak["target"] == first) & (cak["tingkat"] != "rt")].set_index(["kode_wilayah", "program"])
    expect = c["n_penerima"] + c["n_penerima_tidak_di_bdt"].fillna(0)
    j = pd.DataFrame({"kebocoran": s, "cakupan": expect}).dropna()
    B.check_rows(j, j["kebocoran"] != j["cakupan"], "kebocoran: jumlah penerima ≠ cakupan")


def _check_tumpang_tindih(df: pd.DataFrame, done: Done, p: Params) -> None:
    B.check_hierarchy(df, ["n_rumah_tangga"], ["kelompok", "kombinasi"], "tumpang_tindih")


def _check_profil(df: pd.DataFrame, done: Done, p: Params) -> None:
    B.check_rows(df, df["n_kondisi"] > df["n"], "profil: n_kondisi > n")
    B.check_hierarchy(df[df["tingkat"] != "rt"], ["n", "n_kondisi"], ["indikator", "kelompok"], "profil")


def _check_biaya(df: pd.DataFrame, done: Done, p: Params) -> None:
    """Adds up by wilayah, and the excluded KKS families are the target families without a card of `cakupan`."""
    B.check_hierarchy(df, ["n_keluarga_target", "n_keluarga_dikecualikan"], ["program"], "biaya")
    cak = done["cakupan"]
    kks_bia = df[df["program"] == "KKS"].set_index("kode_wilayah")["n_keluarga_dikecualikan"]
    kks_cak = cak[(cak["program"] == "KKS") & (cak["target"] == p.target_label) & (cak["tingkat"] != "rt")] \
        .set_index("kode_wilayah")["n_tidak_menerima"]
    diff = kks_bia.ne(kks_cak.reindex(kks_bia.index))
    if diff.any():
        B.check_rows(pd.DataFrame({"biaya": kks_bia, "cakupan": kks_cak.reindex(kks_bia.index)}), diff,
                     "biaya KKS: n_keluarga_dikecualikan ≠ cakupan n_tidak_menerima")


#: Every table step 02 computes, in computing order (a table may read the tables above it through `done`).
#: The published order is the catalog's (`catalog.names("indicators")`); both hold the same names.
REGISTRY: tuple[Table, ...] = (
    Table("sebaran", lambda d, p, done: sebaran.sebaran(d, p), _check_sebaran,
          sebaran.suppress_sebaran),
    Table("cakupan", lambda d, p, done: programs.cakupan(d, p), lambda df, done, p: programs.check_cakupan(df),
          programs.suppress_cakupan),
    Table("kebocoran", lambda d, p, done: programs.kebocoran(d, p), _check_kebocoran),
    Table("tumpang_tindih", lambda d, p, done: programs.tumpang_tindih(d, p), _check_tumpang_tindih),
    Table("profil", lambda d, p, done: profil.profil(d, p), _check_profil, profil.suppress_profil),
    Table("mpm", lambda d, p, done: mpm.mpm(d, p), lambda df, done, p: mpm.check_mpm(df)),
    Table("prioritas", lambda d, p, done: prioritas.prioritas(d, p, done["cakupan"])),
    Table("biaya", lambda d, p, done: programs.biaya(d, p), _check_biaya),
    Table("ringkasan", lambda d, p, done: sebaran.ringkasan(p, done["sebaran"], done["cakupan"],
                                                             done["tumpang_tindih"], done["mpm"]),
          lambda df, done, p: sebaran.check_ringkasan(df)),
    Table("bps_makro", lambda d, p, done: bps.bps_makro()),
)


def compute_all(clean: dict[str, pd.DataFrame] | str | Path, params: dict | None = None, *,
                wilayah: tuple | None = None, skema_desil: int | None = None) -> dict[str, pd.DataFrame]:
    """All indicator tables from the clean tables (a dict, or the processed folder holding them).

    Every table is computed and checked on true numbers first (CheckError with the offending rows on
    failure), then small-cell suppression is applied to what gets published.
    `skema_desil`: the round's desil scheme (target_desil is checked against it); None → the folder's
    meta.json `skema_desil` (4 when absent), or 4 for a dict of tables.
    `wilayah`: the kab/kota to compute for other than Kota Bontang — a tuple of `kemiskinan.domain.wilayah.Wilayah`
    (the kota row, its kecamatan and kelurahan); see `province.compute_by_kabkota` for a whole province.
    """
    if wilayah is not None:
        token = B._REF.set(tuple(wilayah))
        try:
            return compute_all(clean, params, skema_desil=skema_desil)
        finally:
            B._REF.reset(token)
    # the round's desil scheme comes with its clean tables (meta.json); a dict of tables is a 4-scheme round
    # unless the caller says otherwise (`skema_desil` keyword)
    if skema_desil is None:
        skema_desil = 4 if isinstance(clean, dict) else skema_desil_of(clean)
    p = parse_params(params, skema_desil)
    if not isinstance(clean, dict):
        clean = read_clean(clean, needed_only=True)
    d = prepare(clean, p)

    done: Done = {}
    for t in REGISTRY:
        df = t.compute(d, p, done)
        if t.check is not None:
            t.check(df, done, p)
        done[t.name] = df
    published = blank_absent(done, d)
    names = catalog.names("indicators")
    if set(names) != set(published):
        raise RuntimeError(f"indicators.tables.REGISTRY and the catalog name different tables: "
                           f"{sorted(set(names) ^ set(published))}")
    spec = {t.name: t for t in REGISTRY}
    k = p.ambang_sel_kecil
    return {n: spec[n].publish(published[n], k) if spec[n].publish else published[n] for n in names}
