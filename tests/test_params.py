"""The parameter contract: one `parameters` cell per notebook, and the runner refuses unknown or missing names."""
import json

import pytest
import yaml

from kemiskinan import config

from kemiskinan.build import params
from kemiskinan.errors import ParameterError


@pytest.mark.parametrize("nb", params.NOTEBOOKS)
def test_each_notebook_has_exactly_one_parameters_cell_with_defaults(nb):
    declared = params.declared_parameters(config.NOTEBOOKS_DIR / nb)
    assert declared, f"{nb} declares no parameters"
    assert "periode" in declared
    assert all(src.strip() for src in declared.values())


def test_sample_params_are_accepted():
    bp = params.load("params/sample.yml")
    assert bp.periode == "2018-05"
    assert bp.for_notebook("03_briefing.ipynb", wilayah="64.74")["wilayah"] == "64.74"
    # The runner key never reaches a notebook.
    assert all("formats" not in d for d in bp.per_notebook.values())


@pytest.mark.parametrize("example", sorted(p.name for p in config.PARAMS_DIR.glob("*.yml")))
def test_every_example_params_file_is_valid(example):
    params.load(config.PARAMS_DIR / example)


def _variant(tmp_path, change):
    values = yaml.safe_load((config.PARAMS_DIR / "sample.yml").read_text())
    change(values)
    p = tmp_path / "p.yml"
    p.write_text(yaml.safe_dump(values))
    return p


def test_unknown_name_is_refused_with_the_valid_list(tmp_path):
    p = _variant(tmp_path, lambda v: v.update(ambang_sel_kecill=5))
    with pytest.raises(ParameterError) as e:
        params.load(p)
    msg = str(e.value)
    assert "ambang_sel_kecill" in msg and "tidak dikenal" in msg
    assert "ambang_sel_kecil" in msg.split("Parameter yang sah:")[1]


def test_missing_name_is_refused(tmp_path):
    p = _variant(tmp_path, lambda v: v.pop("batas_lapor_mpm"))
    with pytest.raises(ParameterError, match="belum diisi: batas_lapor_mpm"):
        params.load(p)


def test_bad_lang_and_format_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="lang"):
        params.load(_variant(tmp_path, lambda v: v.update(lang="fr")))
    with pytest.raises(ParameterError, match="formats"):
        params.load(_variant(tmp_path, lambda v: v.update(formats=["docx"])))


def test_two_parameters_cells_are_refused(tmp_path):
    nb = json.loads((config.NOTEBOOKS_DIR / "03_briefing.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    nb["cells"].append(cell)
    p = tmp_path / "x.ipynb"
    p.write_text(json.dumps(nb))
    with pytest.raises(ParameterError, match="tepat satu"):
        params.declared_parameters(p)


def test_cli_refuses_unknown_parameter_before_running(tmp_path, capsys):
    from kemiskinan.cli import main

    p = _variant(tmp_path, lambda v: v.update(tipo=1))
    assert main(["build", "--params", str(p), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "tipo" in err and "Traceback" not in err


def test_cli_refuses_unknown_wilayah(capsys):
    from kemiskinan.cli import main

    assert main(["build", "--params", "params/sample.yml", "--wilayah", "64.74.09", "--no-progress"]) == 2
    assert "64.74.09" in capsys.readouterr().err


def test_instansi_is_required_and_must_be_text(tmp_path):
    assert params.load("params/sample.yml").values["instansi"] == "Bapelitbang Kota Bontang"
    with pytest.raises(ParameterError, match="belum diisi: instansi"):
        params.load(_variant(tmp_path, lambda v: v.pop("instansi")))
    for bad in ("  ", 7, None):
        with pytest.raises(ParameterError, match="instansi"):
            params.load(_variant(tmp_path, lambda v: v.update(instansi=bad)))
    # a runner key: it never reaches a notebook
    assert all("instansi" not in d for d in params.load("params/sample.yml").per_notebook.values())


def test_periode_sebelumnya_is_checked(tmp_path):
    """"" (automatic), "-" (none) or a YYYY-MM; anything else — a typo, a path — is refused before a build."""
    for ok, want in (("", ""), ("-", "-"), ("2018-05", "2018-05"), (None, "")):
        bp = params.load(_variant(tmp_path, lambda v: v.update(periode_sebelumnya=ok)))
        assert bp.for_notebook("02_hitung_indikator.ipynb")["periode_sebelumnya"] == want
    for bad in ("2018-5", "../2018-05", "terakhir", 201805, ["2018-05"]):
        with pytest.raises(ParameterError, match="periode_sebelumnya"):
            params.load(_variant(tmp_path, lambda v: v.update(periode_sebelumnya=bad)))
