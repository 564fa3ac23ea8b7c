"""Build parameters: a YAML file in params/, checked against what the notebooks declare.

papermill only *warns* about a parameter name the notebook does not know (papermill#818), so a typo in
`ambang_sel_kecil` would silently run with the default. We refuse instead, before anything executes:
- every key in the YAML must be a parameter some notebook declares (or a runner key below);
- every parameter a notebook declares must be given in the YAML (the defaults in the notebooks are there
  so an analyst can run a notebook by hand in JupyterLab, not so a build can forget one);
- each notebook has exactly one cell tagged `parameters`, and every name in it has a default.

Parsing is done with `json` + `ast`, not papermill, so checking parameters costs milliseconds and a no-op
build never pays papermill's import.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kemiskinan.config import NOTEBOOKS_DIR, PROJ_ROOT
from kemiskinan.domain.periode import check_wanted
from kemiskinan.errors import ParameterError

NOTEBOOKS = ("01_bersihkan_data.ipynb", "02_hitung_indikator.ipynb", "03_briefing.ipynb")
# Set per briefing by the runner: `wilayah` from the YAML's list (or --wilayah); `run_id` and `git_sha`
# of the build that makes it (shown in the briefing, not part of its rebuild key).
PER_BRIEFING = {"wilayah", "run_id", "git_sha"}
# Keys only the runner reads. `instansi`: the issuing agency, the /Author of every PDF (required: a
# briefing that leaves the office says who issued it).
RUNNER_KEYS = {"formats", "instansi"}
REQUIRED_RUNNER_KEYS = {"instansi"}
LANGS = ("id", "en")
# html: the shared briefing page; pdf: its print; analis: the analysts' page (with the data-quality annex)
# and the indicator workbook (XLSX) per wilayah, under reports/<periode>/analis/.
FORMATS = ("html", "pdf", "analis")


def declared_parameters(nb_path: Path) -> dict[str, str]:
    """Names declared in the notebook's single `parameters` cell → their default's source text."""
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{Path(nb_path).name}: harus ada tepat satu sel bertag 'parameters', "
                             f"ditemukan {len(cells)}")
    src = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    out: dict[str, str] = {}
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = ast.get_source_segment(src, node.value) or ""
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is None:
                raise ParameterError(f"{Path(nb_path).name}: parameter '{node.target.id}' tidak punya nilai bawaan")
            out[node.target.id] = ast.get_source_segment(src, node.value) or ""
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring/comment string is fine
        else:
            raise ParameterError(f"{Path(nb_path).name}: sel 'parameters' hanya boleh berisi penugasan "
                                 f"nama = nilai (baris {node.lineno})")
    return out


@dataclass
class BuildParams:
    source: Path
    values: dict
    per_notebook: dict[str, dict] = field(default_factory=dict)

    @property
    def periode(self) -> str:
        return str(self.values["periode"])

    @property
    def lang(self) -> str:
        return str(self.values.get("lang", "id"))

    def for_notebook(self, nb_name: str, **extra) -> dict:
        d = dict(self.per_notebook[nb_name])
        d.update(extra)
        return d


def load(path: str | Path, overrides: dict | None = None, notebooks_dir: Path = NOTEBOOKS_DIR) -> BuildParams:
    """Read a params YAML, apply CLI overrides, and check it against the notebooks. Raises ParameterError."""
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = PROJ_ROOT / p
    if not p.exists():
        raise ParameterError(f"file parameter tidak ditemukan: {path}")
    try:
        values = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ParameterError(f"{p}: YAML tidak valid: {e}") from None
    if not isinstance(values, dict):
        raise ParameterError(f"{p}: isi harus berupa pemetaan nama: nilai")
    for k, v in (overrides or {}).items():
        if v is not None:
            values[k] = v

    declared = {nb: declared_parameters(notebooks_dir / nb) for nb in NOTEBOOKS}
    valid = set().union(*declared.values()) | RUNNER_KEYS
    unknown = sorted(set(values) - valid)
    missing = sorted((({n for d in declared.values() for n in d} - PER_BRIEFING) | REQUIRED_RUNNER_KEYS) - set(values))
    problems = []
    if unknown:
        problems.append("parameter tidak dikenal: " + ", ".join(unknown))
    if missing:
        problems.append("parameter belum diisi: " + ", ".join(missing))
    if problems:
        raise ParameterError(f"{p.name}: " + "; ".join(problems)
                             + "\n  Parameter yang sah: " + ", ".join(sorted(valid)))

    if values.get("lang", "id") not in LANGS:
        raise ParameterError(f"{p.name}: lang harus salah satu dari {LANGS}, bukan {values.get('lang')!r}")
    fmts = values.get("formats", list(FORMATS))
    if isinstance(fmts, str):
        fmts = [f.strip() for f in fmts.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise ParameterError(f"{p.name}: formats harus bagian dari {FORMATS}, bukan {fmts}")
    values["formats"] = list(fmts)
    instansi = values.get("instansi")
    if not isinstance(instansi, str) or not instansi.strip():
        raise ParameterError(f"{p.name}: instansi harus nama instansi penerbit briefing (teks), "
                             f"mis. \"Bapelitbang Kota Bontang\", bukan {instansi!r}")
    values["instansi"] = instansi.strip()

    if "periode_sebelumnya" in values:
        try:  # "" (automatic), "-" (none) or YYYY-MM; whether that period is built is decided by the build
            values["periode_sebelumnya"] = check_wanted(values["periode_sebelumnya"])
        except ParameterError as e:
            raise ParameterError(f"{p.name}: {e}") from None

    per_nb = {nb: {k: values[k] for k in d if k in values and k not in PER_BRIEFING}
              for nb, d in declared.items()}
    return BuildParams(source=p, values=values, per_notebook=per_nb)
