"""Provenance of raw inputs: `manifest.json` in the raw folder records sha256, size, source and date received.

Before each cleaning run `check(raw_dir)` compares the folder with its manifest and names every file that
changed, went missing or is new. `python -m kemiskinan clean` creates the manifest when absent and refuses
to run when it disagrees, unless `--accept-changes` (which records the new state).
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from kemiskinan.errors import InputError
from kemiskinan.hashing import file_sha256
from kemiskinan.ingest.files import data_files

MANIFEST = "manifest.json"


class ProvenanceError(InputError):
    """The raw folder does not match its manifest."""


def _source(p: Path) -> str:
    return "data sintetis (kemiskinan.synthetic.sample)" if p.name.upper().startswith("SINTETIS_") else "tidak dicatat"


def _entry(p: Path, source: str | None = None, received: str | None = None) -> dict:
    st = p.stat()
    return {"sha256": file_sha256(p), "ukuran": st.st_size, "sumber": source or _source(p),
            "tanggal_diterima": received or _dt.date.fromtimestamp(st.st_mtime).isoformat()}


def load(raw_dir: str | Path) -> dict | None:
    p = Path(raw_dir) / MANIFEST
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ProvenanceError(f"manifest.json tidak bisa dibaca: {e}", file=str(p)) from None


def create(raw_dir: str | Path, sources: dict[str, str] | None = None, received: str | None = None,
           keep: dict | None = None) -> dict:
    """Write a manifest for the current files (keeping source/date of files already recorded in `keep`)."""
    raw_dir = Path(raw_dir)
    old = (keep or {}).get("files", {})
    files = {}
    for p in data_files(raw_dir):
        prev = old.get(p.name, {})
        src = (sources or {}).get(p.name) or prev.get("sumber")
        files[p.name] = _entry(p, src, prev.get("tanggal_diterima") if prev.get("sha256") == file_sha256(p) else received)
    m = {"versi": 1, "files": files}
    tmp = raw_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(m, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(raw_dir / MANIFEST)
    return m


@dataclass
class Check:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.new)

    def describe(self) -> str:
        parts = []
        if self.changed:
            parts.append("berubah: " + ", ".join(self.changed))
        if self.missing:
            parts.append("hilang: " + ", ".join(self.missing))
        if self.new:
            parts.append("baru: " + ", ".join(self.new))
        return "; ".join(parts) or "cocok"


def check(raw_dir: str | Path, manifest: dict | None = None) -> Check:
    """Compare the folder with its manifest (sizes first, then sha256 of every file)."""
    raw_dir = Path(raw_dir)
    m = manifest if manifest is not None else load(raw_dir)
    if m is None:
        raise ProvenanceError("manifest.json belum ada", file=str(raw_dir))
    rec = m.get("files", {})
    res = Check()
    present = {p.name: p for p in data_files(raw_dir)}
    for name, p in present.items():
        h = file_sha256(p)
        res.hashes[name] = h
        if name not in rec:
            res.new.append(name)
        elif rec[name].get("sha256") != h or rec[name].get("ukuran") != p.stat().st_size:
            res.changed.append(name)
    res.missing = sorted(n for n in rec if n not in present)
    return res


def verify(raw_dir: str | Path, accept_changes: bool = False, log=print) -> dict[str, str]:
    """The check run before cleaning: create when absent, fail on disagreement unless accepted.

    Returns {file name: sha256} of the files that will be cleaned.
    """
    raw_dir = Path(raw_dir)
    m = load(raw_dir)
    if m is None:
        m = create(raw_dir)
        log(f"  manifest.json dibuat untuk {len(m['files'])} file di {raw_dir}")
        return {k: v["sha256"] for k, v in m["files"].items()}
    res = check(raw_dir, m)
    if not res.ok:
        if not accept_changes:
            raise ProvenanceError(
                f"file mentah tidak sesuai manifest.json — {res.describe()}", file=str(raw_dir),
                hint="periksa asal file; bila perubahan memang disengaja jalankan ulang dengan --accept-changes")
        create(raw_dir, received=_dt.date.today().isoformat(), keep=m)
        log(f"  manifest.json diperbarui ({res.describe()})")
    return res.hashes
