# kemiskinan — one command builds every briefing, one command tests everything.
# `make` alone lists the targets (self-documenting: the `## ` comments below).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PARAMS ?= params/sample.yml
PERIODE ?= 2018-05
JOBS   ?=
ARGS   ?=
NBSTRIP_KEYS := metadata.language_info metadata.papermill metadata.widgets cell.metadata.papermill cell.metadata.execution cell.metadata.collapsed cell.metadata.scrolled cell.metadata.ExecuteTime
# The stamp changes whenever the lock or the package metadata changes, so a new pin re-installs.
STAMP  := $(VENV)/.installed
# The installer's own pin (not a dependency of the project, so not in requirements.lock).
UV_VERSION := 0.13.9

export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 1527811200
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Every kernel, CLI child and test process imports pandas and matplotlib: without bytecode each one compiles
# them from source again (≈ 5 s against ≈ 1 s per process, bench/README). uv precompiles the dependencies
# (--compile-bytecode); a shell that sets PYTHONDONTWRITEBYTECODE would still stop our own modules' .pyc.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup system-deps reports share sample-data test test-fast lab bench environment clean-reports distclean

help: ## Daftar target (list the targets)
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

system-deps: ## Pasang paket Debian yang dibutuhkan (chromium, font); sebagai root otomatis
	@scripts/ensure_system_deps.sh

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# uv installs the same pinned lock in seconds where pip takes minutes; pip is the fallback when uv
	@# cannot be had or fails (both install exactly the versions of requirements.lock).
	@if $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) && \
	  $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock && \
	  $(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .; then :; else \
	  echo "uv tidak tersedia; memasang dengan pip"; \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; fi
	$(PY) -m ipykernel install --prefix $(abspath $(VENV)) --name kemiskinan --display-name "Python (kemiskinan)" >/dev/null
	@# Notebooks enter git without outputs, counts or run metadata (README, "Notebook di git").
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean "'$(abspath $(VENV))/bin/nbstripout' --extra-keys '$(NBSTRIP_KEYS)'"; \
	  git config filter.nbstripout.smudge cat; git config filter.nbstripout.required true; \
	  git config diff.ipynb.textconv "'$(abspath $(VENV))/bin/nbstripout' -t"; fi
	@touch $@

setup: system-deps $(STAMP) ## Siapkan lingkungan: .venv dari requirements.lock + kernel Jupyter "kemiskinan"

sample-data: setup ## Buat data contoh sintetis untuk $(PARAMS) (data/raw/sample*/) bila belum ada
	@$(PY) -m kemiskinan sample-data --if-absent --params $(PARAMS)

reports: setup sample-data ## Bangun semua briefing (HTML+PDF) dari data contoh -> reports/<periode>/
	$(PY) -m kemiskinan build --params $(PARAMS) $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

share: setup ## Kemas briefing PERIODE (bawaan 2018-05) jadi zip per tingkat -> reports/<periode>/bagikan/
	$(PY) -m kemiskinan bagikan --periode $(PERIODE)

test: setup sample-data ## Jalankan semua tes (unit, pipeline ujung-ke-ujung, browser, JupyterLab)
	$(PY) -m pytest $(ARGS)

# The tier of a test follows its fixtures (tests/tiers.py): no build, browser, JupyterLab or whole sample here.
test-fast: setup ## Tes cepat saja (tanpa build notebook, browser, JupyterLab, sampel penuh)
	$(PY) -m pytest -m "not slow" -n auto $(ARGS)

lab: setup sample-data ## Buka JupyterLab di 127.0.0.1 dengan kernel proyek
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=$(CURDIR) \
	  --MappingKernelManager.default_kernel_name=kemiskinan $(if $(filter 0,$(shell id -u)),--allow-root)

bench: setup sample-data ## Benchmark build dan pembersihan (lihat bench/README.md)
	$(PY) bench/build.py
	$(PY) bench/clean.py

environment: setup ## Tulis ulang environment.yml dari requirements.lock
	$(PY) scripts/lock_to_environment.py > environment.yml

clean-reports: ## Hapus reports/ dan data/processed/ (data mentah tidak disentuh)
	rm -rf reports/*/ data/processed/*/

distclean: clean-reports ## Hapus juga .venv
	rm -rf $(VENV)
