"""`python -m kemiskinan <command>` — the one entry point the Makefile, the notebooks' users and CI share.

Commands import their module lazily, so `build` on an up-to-date tree never pays for pandas or papermill.
A user's mistake (InputError, ParameterError) is printed as a message with exit code 2, never as a
traceback; anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

import importlib
import sys

from kemiskinan.errors import InputError, ParameterError

COMMANDS = {
    "sample-data": ("kemiskinan.synthetic.sample", "main_sample_data", "buat data contoh sintetis di data/raw/sample/ (--round 2019-05/2025-06: ronde berikutnya)"),
    "periksa": ("kemiskinan.ingest.periksa", "main_periksa", "periksa file data mentah sebelum dibersihkan (jenis, header, kolom, nilai, profil)"),
    "clean": ("kemiskinan.clean.step", "main_clean", "bersihkan data mentah → data/processed/ (tabel bersih, temuan, rekonsiliasi)"),
    "indicators": ("kemiskinan.indicators.step", "main_indicators", "hitung tabel indikator dari tabel bersih"),
    "build": ("kemiskinan.build.runner", "main_build", "bangun semua briefing HTML/PDF (incremental, paralel)"),
    "bagikan": ("kemiskinan.publish.share", "main_share", "kemas briefing satu periode jadi zip per tingkat (Walikota, Camat, Lurah)"),
    "pii-check": ("kemiskinan.publish.pii", "main_pii_check", "periksa file di reports/ dari NIK, No KK, IDBDT, nama, alamat"),
}


def usage() -> str:
    lines = ["Pemakaian: python -m kemiskinan <perintah> [opsi]", "", "Perintah:"]
    lines += [f"  {name:<12} {desc}" for name, (_, _, desc) in COMMANDS.items()]
    lines += ["", "Bantuan per perintah: python -m kemiskinan <perintah> --help"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd not in COMMANDS:
        print(f"Perintah tidak dikenal: {cmd!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module, func, _ = COMMANDS[cmd]
    try:
        return int(getattr(importlib.import_module(module), func)(rest) or 0)
    except (InputError, ParameterError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Dihentikan oleh pengguna; keluaran lama tetap utuh.", file=sys.stderr)
        return 130
