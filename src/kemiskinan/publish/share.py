"""`python -m kemiskinan bagikan --periode P`: the built briefings of a period as one zip per audience.

reports/<periode>/bagikan/ (reports/<periode>/en/bagikan/ for the English render) receives
    Briefing_Kemiskinan_<periode>_untuk_Walikota.zip   the kota briefing
    Briefing_Kemiskinan_<periode>_untuk_Camat.zip      every kecamatan briefing
    Briefing_Kemiskinan_<periode>_untuk_Lurah.zip      every kelurahan briefing
Each zip holds one folder of the same name with the briefings' HTML and PDF under names a recipient
recognises (`Briefing_Kemiskinan_Kelurahan_Lok_Tuan_2018-05.pdf`), an `index.html` whose cards link to
exactly those files (relative links: they work wherever the zip is unpacked), and `SHA256SUMS` in
`sha256sum` format (`sha256sum -c SHA256SUMS` inside the folder checks every file). Nothing else: no
analysts' files, no notebooks, no run.json, no stamps.

Order of work: every bundle is staged and passed through the PII guard (`kemiskinan.publish.pii`) before the first
zip is written, so a leak in any of them writes no zip at all; each zip is written atomically with the
usual permissions (`kemiskinan.atomic`).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kemiskinan import config
from kemiskinan.atomic import atomic_write, temp_dir
from kemiskinan.domain import wilayah as wil
from kemiskinan.errors import InputError
from kemiskinan.hashing import file_sha256
from kemiskinan.publish import pii, render
from kemiskinan.publish.index import index_entries, slug

# (tingkat, audience): one zip per audience level
LEVELS = (("kota", "Walikota"), ("kecamatan", "Camat"), ("kelurahan", "Lurah"))
PREFIX = {"id": "Briefing_Kemiskinan", "en": "Poverty_Briefing"}
FOR = {"id": "untuk", "en": "for"}
SUMS = "SHA256SUMS"
INDEX = "index.html"
SUBDIR = "bagikan"


@dataclass
class Bundle:
    name: str                 # folder inside the zip and the zip's stem
    audience: str
    tingkat: str
    files: dict[str, Path]    # name in the bundle → built file


def _words(text: str) -> str:
    """`Tanjung Laut Indah` → `Tanjung_Laut_Indah`, `Api-Api` → `Api_Api`: ASCII letters and digits only
    (a name from a hand-edited reference table never becomes a path component)."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_") or "wilayah"


def share_stem(w: wil.Wilayah, periode: str, lang: str = "id") -> str:
    """`Briefing_Kemiskinan_Kelurahan_Lok_Tuan_2018-05`, `Briefing_Kemiskinan_Kota_Bontang_2018-05`."""
    nama = re.sub(r"^kota\s+", "", w.nama, flags=re.I) if w.tingkat == "kota" else w.nama
    return f"{PREFIX[lang]}_{w.tingkat.capitalize()}_{_words(nama)}_{periode}"


def bundle_name(audience: str, periode: str, lang: str = "id") -> str:
    return f"{PREFIX[lang]}_{periode}_{FOR[lang]}_{audience}"


def periode_dir(periode: str, lang: str = "id") -> Path:
    return config.reports_dir(periode) / ("" if lang == "id" else lang)


def plan(periode: str, lang: str = "id") -> list[Bundle]:
    """What goes into each zip; InputError when the period is not built or a briefing is missing."""
    src = periode_dir(periode, lang)
    hint = f"jalankan dulu `python -m kemiskinan build --params <file> --formats html,pdf` untuk periode {periode}"
    everything = wil.briefing_wilayah()
    if not src.is_dir() or not any(src.glob("*.html")):
        raise InputError(f"periode {periode} belum dibangun: tidak ada briefing di folder ini", file=src, hint=hint)
    missing = [f"{slug(w)}.{ext}" for w in everything for ext in ("html", "pdf") if not (src / f"{slug(w)}.{ext}").is_file()]
    if missing:
        raise InputError(f"briefing periode {periode} belum lengkap, {len(missing)} file tidak ada: "
                         + ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
                         + "; paket dibuat hanya dari briefing yang lengkap (semua wilayah, HTML dan PDF)",
                         file=src, hint=hint)
    bundles = []
    for tingkat, audience in LEVELS:
        files = {}
        for w in everything:
            if w.tingkat == tingkat:
                for ext in ("html", "pdf"):
                    files[f"{share_stem(w, periode, lang)}.{ext}"] = src / f"{slug(w)}.{ext}"
        bundles.append(Bundle(bundle_name(audience, periode, lang), audience, tingkat, files))
    return bundles


def _stage(bundle: Bundle, folder: Path, periode: str, lang: str, indikator_dir: Path, sintetis: bool,
           run_id: str | None) -> None:
    """The bundle's files under their shared names, its own index (cards for exactly these briefings),
    and SHA256SUMS last."""
    folder.mkdir()
    kode_of = {}
    for w in wil.briefing_wilayah():
        if w.tingkat == bundle.tingkat:
            kode_of[share_stem(w, periode, lang)] = w.kode
    for name, src in bundle.files.items():
        shutil.copyfile(src, folder / name)   # copyfile, not copy2: the copy gets the umask's mode
    files = {kode: {"html": f"{stem}.html", "pdf": f"{stem}.pdf"} for stem, kode in kode_of.items()}
    render.write_index(folder, index_entries(indikator_dir, files), lang=lang, periode=periode,
                       sintetis=sintetis, run_id=run_id)
    names = [INDEX] + sorted(bundle.files)
    atomic_write(folder / SUMS, "".join(f"{file_sha256(folder / n)}  {n}\n" for n in names))


def _check_pii(staged: list[tuple[Bundle, Path]], terms) -> None:
    """The PII guard over everything a zip will hold: each HTML and PDF, and the file names themselves
    (SHA256SUMS holds only those names and hex digests, whose digit runs would read as NIKs). A finding
    names the file in the bundle and the built file it was copied from."""
    findings = []
    for bundle, folder in staged:
        names = sorted(p.name for p in folder.iterdir())
        for name in names:
            if Path(name).suffix.lower() in (".html", ".pdf"):
                source = bundle.files.get(name)
                label = f"{bundle.name}/{name}" + (f" (dari {_shown(source)})" if source else "")
                findings += [f"{label}: {f.place}: {f.kind} ({f.masked})" for f in pii.scan_file(folder / name, terms)]
        findings += [f"{bundle.name}: nama file: {f.kind} ({f.masked})"
                     for f in pii.scan_text(" ".join(names), "nama file", folder, terms)]
    if findings:
        more = f"\n  … dan {len(findings) - 20} temuan lain" if len(findings) > 20 else ""
        raise pii.PiiLeak("data pribadi ditemukan di isi paket; tidak ada zip yang ditulis:\n  "
                          + "\n  ".join(findings[:20]) + more,
                          hint="perbaiki data atau notebook, bangun ulang briefing itu, lalu jalankan bagikan lagi")


def _shown(p: Path) -> str:
    root = config.PROJ_ROOT
    return str(p.relative_to(root)) if p.is_relative_to(root) else str(p)


def _zip_writer(folder: Path):
    """Write the folder into a zip: index first, SHA256SUMS last, members 0644 whatever the local umask
    (what a recipient's unzip restores)."""
    order = [INDEX] + sorted(p.name for p in folder.iterdir() if p.name not in (INDEX, SUMS)) + [SUMS]

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for name in order:
                info = zipfile.ZipInfo.from_file(folder / name, f"{folder.name}/{name}")
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(folder / name, "rb") as fh:
                    z.writestr(info, fh.read())
    return write


def make_bundles(periode: str, lang: str = "id", out_dir: Path | None = None) -> list[Path]:
    """Write the zips of a built period; returns their paths. Raises InputError (PiiLeak is one) with a
    message for the user; then no zip has been written or replaced."""
    bundles = plan(periode, lang)
    processed = config.processed_dir(periode)
    terms = pii.load_terms(processed)
    if terms is None:
        raise InputError("daftar istilah data pribadi tidak ada, jadi nama dan alamat tidak dapat diperiksa; "
                         "paket tidak dibuat", file=processed / pii.TERMS_FILE,
                         hint=f"jalankan lagi `python -m kemiskinan build` untuk periode {periode}")
    meta = _read_json(processed / "meta.json") or {}
    sintetis = bool(meta.get("sintetis", True))   # as the build decides: unknown counts as synthetic
    src = periode_dir(periode, lang)
    run_id = (_read_json(src / ".stamps" / "index.json") or {}).get("run_id")
    dest = Path(out_dir) if out_dir is not None else src / SUBDIR
    dest.mkdir(parents=True, exist_ok=True)
    for dead in dest.glob(".staging-*"):     # left by a run that was killed
        shutil.rmtree(dead, ignore_errors=True)
    staging = temp_dir(dest, ".staging-")
    try:
        staged = []
        for b in bundles:
            folder = staging / b.name
            _stage(b, folder, periode, lang, processed / "indikator", sintetis, run_id)
            staged.append((b, folder))
        _check_pii(staged, terms)              # all bundles, before the first zip is written
        return [atomic_write(dest / f"{f.name}.zip", _zip_writer(f)) for _, f in staged]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def main_share(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kemiskinan bagikan",
                                 description="Kemas briefing satu periode menjadi satu zip per tingkat "
                                             "(Walikota, Camat, Lurah): HTML, PDF, index, SHA256SUMS.")
    ap.add_argument("--periode", required=True, help="periode yang sudah dibangun, mis. 2018-05")
    ap.add_argument("--lang", choices=("id", "en"), default="id", help="bahasa briefing (bawaan: %(default)s)")
    a = ap.parse_args(argv)
    zips = make_bundles(a.periode, a.lang)
    for z in zips:
        with zipfile.ZipFile(z) as zf:
            n = len(zf.namelist())
        print(f"{_shown(z)}  ({n} file, {z.stat().st_size / 1e6:.1f} MB)")
    print("Paket siap dibagikan; semua isinya lolos pemeriksaan data pribadi. "
          "Periksa keutuhan setelah diekstrak: sha256sum -c SHA256SUMS", file=sys.stderr)
    return 0
