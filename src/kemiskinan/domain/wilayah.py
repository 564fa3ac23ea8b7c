"""Bontang's wilayah (kota, kecamatan, kelurahan): codes, names, and the BPS ↔ Kemendagri crosswalk.

The trap this module exists for (docs/domain.md §5.1): Kemendagri kecamatan `01` is Bontang **Utara** but BPS
kecamatan `010` is Bontang **Selatan**. BDT files are BPS-coded, NIK prefixes and our outputs are
Kemendagri-coded, so every join goes through this table and never through "the last digits".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from kemiskinan.config import REFERENCE_DIR

WILAYAH_FILE = REFERENCE_DIR / "wilayah_bontang.csv"
KOTA_CODE = "64.74"


@dataclass(frozen=True)
class Wilayah:
    kode: str          # Kemendagri code, e.g. "64.74.01.1003"
    kode_bps: str      # BPS code, e.g. "6474020005"
    nama: str          # canonical name
    tingkat: str       # "kota" | "kecamatan" | "kelurahan"
    induk: str         # parent Kemendagri code
    varian: tuple[str, ...]


@lru_cache(maxsize=1)
def table() -> pd.DataFrame:
    """The reference table as a DataFrame, all columns as text."""
    return pd.read_csv(WILAYAH_FILE, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def all_wilayah() -> tuple[Wilayah, ...]:
    rows = []
    for r in table().itertuples(index=False):
        variants = tuple(v.strip() for v in r.varian_nama.split("|") if v.strip())
        rows.append(Wilayah(r.kode_kemendagri, r.kode_bps, r.nama, r.tingkat, r.induk, variants))
    return tuple(rows)


def get(kode: str) -> Wilayah:
    """Look a wilayah up by its Kemendagri code; raises KeyError naming the valid codes."""
    for w in all_wilayah():
        if w.kode == kode:
            return w
    raise KeyError(f"kode wilayah tidak dikenal: {kode!r}; yang dikenal: {', '.join(w.kode for w in all_wilayah())}")


def kota() -> Wilayah:
    return get(KOTA_CODE)


def kecamatan() -> list[Wilayah]:
    return [w for w in all_wilayah() if w.tingkat == "kecamatan"]


def kelurahan(kode_kecamatan: str | None = None) -> list[Wilayah]:
    return [w for w in all_wilayah() if w.tingkat == "kelurahan"
            and (kode_kecamatan is None or w.induk == kode_kecamatan)]


def briefing_wilayah() -> list[Wilayah]:
    """Every wilayah that gets a briefing: the kota, its kecamatan, its kelurahan (1 + 3 + 15 = 19)."""
    return [kota(), *kecamatan(), *kelurahan()]


def parent_chain(kode: str) -> list[Wilayah]:
    """The wilayah and its ancestors up to the kota, nearest first."""
    chain, w = [], get(kode)
    while True:
        chain.append(w)
        if w.tingkat == "kota":
            return chain
        w = get(w.induk)


def from_bps(kode_bps: str) -> Wilayah:
    """Translate a BPS code (7-digit kecamatan `6474010` or 10-digit desa `6474010004`) to Kemendagri."""
    digits = re.sub(r"\D", "", str(kode_bps))
    for w in all_wilayah():
        if w.kode_bps == digits:
            return w
    raise KeyError(f"kode BPS tidak dikenal untuk Kota Bontang: {kode_bps!r}")


def normalise_name(name: str) -> str:
    """Comparable form of a place name: NFKC, no accents, lower case, punctuation and spaces collapsed.

    Keeps the letters only, so `Api-Api`, `API API` and `Api api` compare equal; `Tj.` becomes `tanjung`
    and `Gn.` `gunung` because those abbreviations are how the names are really shortened.
    """
    s = unicodedata.normalize("NFKC", str(name)).replace("\u00a0", " ").replace("\u200b", "")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()
    s = re.sub(r"\b(kel|kelurahan|kec|kecamatan|desa)\b\.?", " ", s)
    s = re.sub(r"\btj\b\.?", "tanjung", s)
    s = re.sub(r"\bgn\b\.?", "gunung", s)
    return re.sub(r"[^a-z0-9]+", "", s)


@lru_cache(maxsize=1)
def _name_index() -> dict[tuple[str, str], Wilayah]:
    idx: dict[tuple[str, str], Wilayah] = {}
    for w in all_wilayah():
        for n in (w.nama, *w.varian):
            idx[(w.tingkat, normalise_name(n))] = w
    return idx


def by_name(name: str, tingkat: str = "kelurahan") -> Wilayah | None:
    """Exact lookup through the canonical name and the known variants (docs/domain.md §5.2); None if unknown.

    Fuzzy matching (with its documented threshold) lives in the cleaning code, which logs every
    fuzzy resolution; this function never guesses.
    """
    return _name_index().get((tingkat, normalise_name(name)))


def names() -> dict[str, str]:
    """Kemendagri code → canonical name, for every wilayah."""
    return {w.kode: w.nama for w in all_wilayah()}
