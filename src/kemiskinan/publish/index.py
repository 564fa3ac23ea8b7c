"""The briefings' indexes: a period's cards (`index_entries`, used by the build's index and by the share
bundles), the periods index `reports/index.html` (`periods_built`, `write_periods_index`) and the file
name of a wilayah's briefing (`slug`)."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from kemiskinan.domain import periode as periode_mod
from kemiskinan.domain import wilayah as wil
from kemiskinan.publish import render


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def slug(w: wil.Wilayah) -> str:
    """File name stem of a wilayah's briefing: `kota_bontang`, `kecamatan_bontang_utara`, `kelurahan_lok_tuan`."""
    # Only [a-z0-9_]: a name from a hand-edited reference table (with `/`, `..` or markup) must never
    # become a path component.
    base = unicodedata.normalize("NFKD", w.nama.lower().replace("kota ", "", 1))
    base = re.sub(r"[^a-z0-9]+", "_", base.encode("ascii", "ignore").decode()).strip("_") or "wilayah"
    return f"{w.tingkat}_{base}"


def index_entries(indikator_dir: Path, files: dict[str, dict]) -> list[dict]:
    """The cards of a period index (`render.write_index`): one per wilayah code in `files`
    ({kode: {"html": name, "pdf": name}}), with its KKS coverage and poor families from `ringkasan`.
    The build's index and the share bundles' indexes (kemiskinan.publish.share) are made from it."""
    # imported here, not at the top: the no-op build imports this module (slug, the periods index) and
    # must not pay for the indicator package
    from kemiskinan.indicators.io import load_all

    ring = load_all(indikator_dir)["ringkasan"].set_index("kode_wilayah")
    entries = []
    for w in wil.briefing_wilayah():
        if w.kode not in files:
            continue
        row = ring.loc[w.kode] if w.kode in ring.index else None
        entries.append({"kode": w.kode, "nama": w.nama, "tingkat": w.tingkat, "induk": w.induk,
                        "cakupan_kks": None if row is None else row.get("cakupan_kks"),
                        "keluarga_miskin": None if row is None else row.get("keluarga_miskin"),
                        "html": files[w.kode].get("html"), "pdf": files[w.kode].get("pdf")})
    return entries


def periods_built(reports_root: Path) -> list[dict]:
    """Every period with a build record (`reports/<p>/run.json`, or only `reports/<p>/en/run.json`),
    newest first: {periode, index (relative link), en (link or None), sintetis, kota, waktu}."""
    out = []
    root = Path(reports_root)
    if not root.is_dir():
        return out
    for d in sorted((p for p in root.iterdir() if p.is_dir() and periode_mod.PERIODE_RE.match(p.name)),
                    key=lambda p: p.name, reverse=True):
        rid, ren = _read_json(d / "run.json"), _read_json(d / "en" / "run.json")
        if rid is None and ren is None:
            continue
        rec = rid or ren
        out.append({"periode": d.name,
                    "index": f"{d.name}/index.html" if rid is not None and (d / "index.html").is_file() else None,
                    "en": f"{d.name}/en/index.html" if ren is not None and (d / "en" / "index.html").is_file() else None,
                    "sintetis": bool(rec.get("sintetis")), "kota": rec.get("kota") or (ren or {}).get("kota"),
                    "periode_sebelumnya": rec.get("periode_sebelumnya"), "waktu": rec.get("waktu_selesai")})
    return out


def write_periods_index(reports_root: Path) -> Path:
    """`reports/index.html`: every period built, newest first, with the kota's KKS coverage and keluarga
    miskin and a link to the period's own index. Made from the run.json files only (no pandas), atomically."""
    return render.write_periods_index(reports_root, periods_built(reports_root))

