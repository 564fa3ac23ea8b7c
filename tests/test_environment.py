"""The environment: one pinned lock, environment.yml pinning the same versions, the project kernel."""
import re
from pathlib import Path

import yaml

from kemiskinan import config


def _lock_pins():
    pins = {}
    for line in config.LOCK_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_lock_line_is_an_exact_pin():
    for line in config.LOCK_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line.strip()), line


def test_environment_yml_pins_the_same_versions_as_the_lock():
    env = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    env_pins = {}
    for item in pip_section:
        if "==" in item:
            name, version = item.split("==")
            env_pins[name.lower().replace("_", "-")] = version
    assert env_pins == _lock_pins()


def test_key_packages_of_the_design_card_are_pinned():
    pins = _lock_pins()
    for pkg in ("jupyterlab", "pandas", "matplotlib", "papermill", "nbconvert", "playwright", "pyarrow"):
        assert pkg in pins, pkg


def test_installed_versions_match_the_lock():
    from importlib.metadata import version

    pins = _lock_pins()
    for pkg in ("pandas", "papermill", "nbconvert", "matplotlib", "jupyterlab", "pyarrow"):
        assert version(pkg) == pins[pkg], pkg


def test_project_kernel_runs_the_project_venv():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(config.KERNEL_NAME)
    exe = Path(spec.argv[0])
    # the kernel starts the project venv's own interpreter (not whatever python is first on PATH)
    assert exe.is_absolute() and exe.parent == config.PROJ_ROOT / ".venv" / "bin", exe
    assert str(config.PROJ_ROOT / ".venv") in str(Path(spec.resource_dir))


def test_make_reports_is_the_one_build_entry_point():
    # `make reports` sets up, then calls `python -m kemiskinan build` once (issue 6: one entry point)
    import subprocess

    r = subprocess.run(["make", "-n", "reports"], cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    builds = [ln for ln in r.stdout.splitlines() if "-m kemiskinan build" in ln]
    assert len(builds) == 1 and "--params params/sample.yml" in builds[0], r.stdout
    # no per-document CLI calls (a word match: `make -n` also prints the set-up recipe when the venv is older
    # than the lock, whose nbstripout keys name "metadata.papermill")
    import re

    assert not re.search(r"(^|[\s/;&|])(papermill|jupyter[- ]nbconvert)(\s|$)", r.stdout, re.M), r.stdout
