"""The later synthetic rounds for the same city: DTKS 2019-05 (round 2) and DTSEN 2025-06 (round 3).

`generate(periode, out_dir)` writes a round's files (`rounds_files`), README with its truths (`readme`,
`rounds_truth`), `sumber.yml`, `.gitignore` and the provenance manifest; `is_present` is what `--if-absent`
checks. The simulation itself is `ageing`. Same seed, same bytes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from kemiskinan import config
from kemiskinan.errors import ParameterError
from kemiskinan.ingest import provenance
from kemiskinan.synthetic import rounds_files
from kemiskinan.synthetic.ageing import states
from kemiskinan.synthetic.readme import round_params_line, round_readme
from kemiskinan.synthetic.rounds_truth import round_truth
from kemiskinan.synthetic.state import ROUNDS, SEED
from kemiskinan.synthetic.writers import move_in, staged_folder

_GITIGNORE = ("# The synthetic sample is regenerated deterministically by `python -m kemiskinan sample-data`\n"
              "# (make does it when absent), so only this file and the README are tracked.\n*\n!.gitignore\n"
              "!README.md\n")


def generate(periode: str, out_dir: Path | None = None, seed: int = SEED) -> dict:
    """Write round `periode` (2019-05 DTKS or 2025-06 DTSEN) into out_dir, atomically; return a summary."""
    spec = ROUNDS.get(periode)
    if spec is None or spec.shape == "pbdt":
        raise ParameterError(f"ronde sintetis tidak dikenal: {periode!r} (2019-05 dtks, 2025-06 dtsen; "
                             "2018-05 dibuat oleh `sample-data` tanpa --round)")
    out_dir = Path(out_dir) if out_dir is not None else config.RAW_DIR / spec.folder
    reg, by_periode = states(seed)
    s = by_periode[periode]
    rng = np.random.default_rng((seed, int(periode.replace("-", "")), 1))   # files' own draws (KKS, penduduk)
    truth = round_truth(periode, seed)
    with staged_folder(out_dir) as tmp:
        write_shape = rounds_files.write_dtks if spec.shape == "dtks" else rounds_files.write_dtsen
        files = write_shape(reg, s, tmp, spec)
        files[spec.files[2]], dirt_kks = rounds_files.write_kks(rng, reg, s, tmp, spec, seed)
        files[spec.files[3]] = rounds_files.write_penduduk(rng, reg, tmp, spec)
        (tmp / "README.md").write_text(round_readme(spec, seed, files, dirt_kks, truth), encoding="utf-8")
        (tmp / "sumber.yml").write_text(f"# Data SINTETIS periode {spec.periode}: bentuk file dari profil bersama.\n"
                                        f"versi: 1\npakai: [{spec.profile}]\n", encoding="utf-8")
        (tmp / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        provenance.create(tmp, received=spec.acuan)     # fixed date: same seed, same bytes
        move_in(tmp, out_dir, list(files) + ["README.md", "sumber.yml", ".gitignore", provenance.MANIFEST])
    return {"periode": periode, "out_dir": str(out_dir), "seed": seed, "files": files,
            "ringkasan": truth["ringkasan"].iloc[0].to_dict()}


def is_present(periode: str, out_dir: Path, seed: int = SEED) -> bool:
    """True when out_dir already holds round `periode` generated with this seed and generator version."""
    spec = ROUNDS[periode]
    readme = Path(out_dir) / "README.md"
    return (readme.exists() and round_params_line(periode, seed) in readme.read_text(encoding="utf-8")
            and all((Path(out_dir) / f).exists() for f in spec.files + ("sumber.yml",)))
