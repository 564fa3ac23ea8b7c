"""Text pieces several briefing sections and charts share: vintages and source lines from the clean
meta.json, the target group in words, the notes for an input that was not supplied, the MPM deadline.

Each takes the run's `meta` (meta.json of the clean step) or a number from `views`, and a language.
"""
from __future__ import annotations

from typing import Any, Mapping

from kemiskinan.briefing import fmt
from kemiskinan.i18n import t


def vintage(meta: Mapping | None, key: str, lang: str) -> str:
    """The vintage of input `key` (bdt, kks, mpm, penduduk) as meta.json names it, else the default label."""
    v = ((meta or {}).get("vintage") or {}).get(key)
    return str(v) if v else t(f"periode_{key}", lang) if key in {"bdt", "kks", "mpm"} else ""


def sumber(meta: Mapping | None, key: str, lang: str) -> str:
    """A chart's or card's source text. The defaults name PBDT 2015 and the KKS list of 2017; a later round
    (meta.json `vintage.bdt` other than PBDT 2015) names its own data and KKS list instead."""
    v = (meta or {}).get("vintage") or {}
    if key == "penduduk" and v.get("penduduk"):
        tahun = v["penduduk"] if isinstance(v["penduduk"], list) else [v["penduduk"]]
        return t("sumber_penduduk_tahun", lang, tahun=", ".join(str(x) for x in tahun))
    bdt = str(v.get("bdt") or "")
    if not bdt or bdt == t("periode_bdt", "id") or key not in {"bdt", "kks"}:
        return t(f"sumber_{key}", lang)
    return t(f"sumber_{key}_ronde", lang, bdt=bdt, kks=str(v.get("kks") or t("periode_kks", lang)))


def card_source(meta: Mapping | None, key: str, lang: str) -> str:
    """A card's source line: the default source text (which names its year), prefixed by the run's
    vintage label only when the run metadata gives one that the default does not already contain."""
    src = sumber(meta, key, lang)
    v = ((meta or {}).get("vintage") or {}).get(key)
    return f"{v} · {src}" if v and str(v) not in src else src


def desil_words(desil: list[int], lang: str, adjective: bool = False) -> str:
    """The target group (`views.target_desil`) in words: "desil 1–4", "desil 1, 3"; in English
    "deciles 1–4", or "decile 1–4" before a noun (`adjective`)."""
    d = desil
    if len(d) == 1:
        return t("sasaran_desil_satu", lang, a=d[0])
    key = "rentang" if d == list(range(d[0], d[-1] + 1)) else "daftar"
    words = t(f"sasaran_desil_{key}", lang, a=d[0], b=d[-1], daftar=", ".join(str(x) for x in d))
    return words.replace("deciles", "decile", 1) if adjective and lang == "en" else words


def sasaran(desil: list[int], lang: str) -> str | None:
    """The target group in words when it is not desil 1–4 (params `target_desil`); None for desil 1–4, whose
    fixed card and map texts already say so."""
    return None if desil == [1, 2, 3, 4] else desil_words(desil, lang)


def absent(meta: Mapping | None, key: str) -> bool:
    """Whether the clean step had no `key` input (`kks`, `mpm`, `penduduk`): meta.json `masukan`. A run
    without that record (older outputs) counts as supplied."""
    return ((meta or {}).get("masukan") or {}).get(key, True) is False


def absent_note(meta: Mapping | None, key: str, lang: str) -> str:
    """The sentence a section shows when its optional input was not supplied ('' otherwise)."""
    return t(f"masukan_{key}_tidak_ada", lang) if absent(meta, key) else ""


def batas(b: Any, lang: str) -> str:
    """The MPM reporting deadline (`views.batas_lapor`), else May 2018 (docs/domain.md §5.5)."""
    return fmt.tanggal(b, lang) if not fmt.is_na(b) and b is not None else t("mei_2018", lang)
