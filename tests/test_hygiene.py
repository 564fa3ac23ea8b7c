"""What must never reach git: notebook outputs, real data, renders."""
import json
import subprocess

import pytest

from kemiskinan import config

ROOT = config.PROJ_ROOT


def _git(*args):
    r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return r


def _tracked():
    r = _git("ls-files")
    if r.returncode != 0:
        pytest.skip("not a git checkout")
    return r.stdout.split()


def test_committed_notebooks_carry_no_outputs_or_counts():
    nbs = [p for p in _tracked() if p.endswith(".ipynb")]
    assert len(nbs) >= 3
    for path in nbs:
        nb = json.loads((ROOT / path).read_text())
        for i, c in enumerate(nb["cells"]):
            if c["cell_type"] == "code":
                assert c.get("outputs") == [], f"{path} cell {i} has outputs"
                assert c.get("execution_count") is None, f"{path} cell {i} has an execution count"
        assert "papermill" not in nb["metadata"], f"{path} carries papermill metadata"
        assert nb["metadata"].get("kernelspec", {}).get("name") == config.KERNEL_NAME


def test_tracked_files_under_data_and_reports_are_only_allowed_ones():
    allowed_prefixes = ("data/reference/", "data/raw/sample/")
    allowed_files = {"data/raw/README.md", "data/processed/README.md", "reports/README.md"}
    bad = [p for p in _tracked() if p.startswith(("data/", "reports/"))
           and not p.startswith(allowed_prefixes) and p not in allowed_files]
    assert bad == [], f"tracked data or renders outside the sample: {bad}"
    sample = [p for p in _tracked() if p.startswith("data/raw/sample/")]
    assert set(sample) <= {"data/raw/sample/.gitignore", "data/raw/sample/README.md"}


@pytest.mark.parametrize("path, ignored", [
    ("data/raw/2019-05/BDT_RT_6474.csv", True),
    ("data/raw/real_export.xlsx", True),
    ("data/raw/sample/SINTETIS_BDT2015_RT_6474.csv", True),   # generated, never committed
    ("data/processed/2018-05/anggota.parquet", True),
    ("reports/2018-05/kota_bontang.pdf", True),
    ("reports/_failed/2018-05/03_briefing__64.74.ipynb", True),
    ("data/raw/README.md", False),
    ("data/reference/wilayah_bontang.csv", False),
    ("notebooks/01_bersihkan_data.ipynb", False),
])
def test_gitignore_keeps_real_data_and_renders_out(path, ignored):
    r = _git("check-ignore", "-q", "--no-index", path)
    assert (r.returncode == 0) == ignored, path
