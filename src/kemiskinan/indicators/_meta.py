"""Indicator metadata: one YAML source for the briefings' titles/notes and for docs/indicators.md.

`src/kemiskinan/indicators_meta.yml` holds, per indicator, `id`, `tabel`, `kolom`, `judul` (Indonesian
title), `title_en`, `satuan`, `penyebut` (denominator), `rumus` (formula), `definisi`/`definition_en`,
`catatan`/`notes_en` (caveats) and `sumber`. The docs page is generated from it (`write_indicator_docs`)
and a test fails when the committed page is stale, so the two can never disagree.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kemiskinan import config

META_FILE = Path(__file__).resolve().parent.parent / "indicators_meta.yml"
DOCS_FILE = config.DOCS_DIR / "indicators.md"
REQUIRED = ("id", "tabel", "judul", "title_en", "satuan", "penyebut", "definisi", "catatan", "sumber")

SATUAN = {  # unit code -> (Indonesian label, English label)
    "rumah_tangga": ("rumah tangga", "households"),
    "keluarga": ("keluarga", "families"),
    "jiwa": ("jiwa", "persons"),
    "rasio": ("proporsi (0–1)", "proportion (0–1)"),
    "selisih": ("selisih proporsi (−1 s.d. 1)", "difference of proportions (−1 to 1)"),
    "rupiah": ("rupiah", "rupiah"),
    "indeks": ("indeks (0–1)", "index (0–1)"),
    "prioritas": ("kelas prioritas 1–4", "priority class 1–4"),
    "campuran": ("lihat kolom satuan", "see the satuan column"),
    "tanggal": ("tanggal", "date"),
    "persen": ("persen", "percent"),
    "rp_per_kapita_per_bulan": ("Rp/kapita/bulan", "Rp per capita per month"),
}


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    # libyaml's safe loader when PyYAML was built with it (the wheels are): the same result, much faster
    # (paid by every kernel's first briefing)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(META_FILE.read_text(encoding="utf-8"), Loader=loader)
    seen = set()
    for m in data["indikator"]:
        missing = [k for k in REQUIRED if k not in m or m[k] in (None, "")]
        if missing:
            raise ValueError(f"{META_FILE.name}: indikator {m.get('id')!r} tanpa {missing}")
        if m["id"] in seen:
            raise ValueError(f"{META_FILE.name}: id ganda {m['id']!r}")
        if m["satuan"] not in SATUAN:
            raise ValueError(f"{META_FILE.name}: {m['id']}: satuan {m['satuan']!r} tidak dikenal")
        seen.add(m["id"])
    return data


def all_meta() -> list[dict[str, Any]]:
    """Every indicator's raw metadata, in the YAML's order."""
    return [dict(m) for m in _load()["indikator"]]


def meta(id: str, lang: str = "id") -> dict[str, Any]:
    """Metadata of one indicator for a briefing: title, unit label, denominator, definition, notes, source.

    `lang="id"` (briefings) or `"en"`; English falls back to the Indonesian text where no translation is
    kept. Raises KeyError listing the known ids.
    """
    if lang not in ("id", "en"):
        raise ValueError(f"lang harus 'id' atau 'en', bukan {lang!r}")
    for m in _load()["indikator"]:
        if m["id"] == id:
            en = lang == "en"
            notes = m.get("notes_en") if en and m.get("notes_en") else m["catatan"]
            return {
                "id": m["id"], "tabel": m["tabel"], "kolom": m.get("kolom"),
                "judul": m["title_en"] if en else m["judul"],
                "satuan": m["satuan"], "satuan_label": SATUAN[m["satuan"]][1 if en else 0],
                "penyebut": (m.get("denominator_en") or m["penyebut"]) if en else m["penyebut"],
                "rumus": m.get("rumus"),
                "definisi": (m.get("definition_en") or m["definisi"]) if en else m["definisi"],
                "catatan": list(notes) if isinstance(notes, list) else [notes],
                "sumber": m["sumber"], "sensitif": bool(m.get("sensitif", False)),
            }
    known = ", ".join(m["id"] for m in _load()["indikator"])
    raise KeyError(f"indikator tidak dikenal: {id!r}; yang dikenal: {known}")


def _md_escape(s: Any) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").strip()


def render_indicator_docs() -> str:
    """docs/indicators.md as text (deterministic: the YAML's order, no dates)."""
    data = _load()
    lines = ["# Indicators", "",
             "<!-- GENERATED from src/kemiskinan/indicators_meta.yml by "
             "kemiskinan.indicators.write_indicator_docs(); do not edit by hand. -->", ""]
    lines += [str(data.get("pengantar", "")).strip(), ""]
    for sec in data.get("aturan_umum", []):
        lines += [f"## {sec['judul']}", "", str(sec["isi"]).strip(), ""]
    lines += ["## Overview", "", "| id | table · column | title | unit | denominator |", "|---|---|---|---|---|"]
    for m in data["indikator"]:
        col = f"`{m['tabel']}`" + (f" · `{m['kolom']}`" if m.get("kolom") else "")
        lines.append(f"| [`{m['id']}`](#{m['id'].replace('_', '-').replace('.', '')}) | {col} | "
                     f"{_md_escape(m['title_en'])} | {SATUAN[m['satuan']][1]} | "
                     f"{_md_escape(m.get('denominator_en') or m['penyebut'])} |")
    lines.append("")
    table = None
    for m in data["indikator"]:
        if m["tabel"] != table:
            table = m["tabel"]
            lines += [f"## Table `{table}`", ""]
        lines += [f"### {m['id']}", "",
                  f"**{m['judul']}** — *{m['title_en']}*", ""]
        lines.append(f"- **Table · column**: `{m['tabel']}`" + (f" · `{m['kolom']}`" if m.get("kolom") else ""))
        lines.append(f"- **Unit (satuan)**: {SATUAN[m['satuan']][1]} (`{m['satuan']}`)")
        if m.get("rumus"):
            lines.append(f"- **Formula**: `{_md_escape(m['rumus'])}`")
        lines.append(f"- **Denominator (penyebut)**: {_md_escape(m['penyebut'])}"
                     + (f" — {_md_escape(m['denominator_en'])}" if m.get("denominator_en") else ""))
        lines.append(f"- **Definisi**: {_md_escape(m['definisi'])}")
        if m.get("definition_en"):
            lines.append(f"- **Definition**: {_md_escape(m['definition_en'])}")
        notes = m["catatan"] if isinstance(m["catatan"], list) else [m["catatan"]]
        lines.append("- **Catatan / caveats**:")
        lines += [f"  - {_md_escape(n)}" for n in notes]
        for n in (m.get("notes_en") or []):
            lines.append(f"  - *{_md_escape(n)}*")
        if m.get("sensitif"):
            lines.append("- **Sensitive**: yes — suppressed at every level (UU 24/2013 Pasal 58; docs/domain.md §7)")
        lines.append(f"- **Source (sumber)**: {_md_escape(m['sumber'])}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_indicator_docs(path: str | Path = DOCS_FILE) -> Path:
    """(Re)generate docs/indicators.md from the YAML."""
    path = Path(path)
    path.write_text(render_indicator_docs(), encoding="utf-8")
    return path
