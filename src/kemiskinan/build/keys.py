"""What makes each step of the build, and whether its outputs are still what that made them: the keys of
steps 01, 02 and every briefing (hashes of inputs, parameters, code, notebook, lock) and the freshness
checks on their stamps. Only stamps and hashes: the no-op build decides here without pandas or papermill."""
from __future__ import annotations

from pathlib import Path

from kemiskinan import config, hashing
from kemiskinan.build import params as params_mod
from kemiskinan.build.records import read_json
from kemiskinan.domain import periode as periode_mod
from kemiskinan.domain import wilayah as wil
from kemiskinan.errors import InputError
from kemiskinan.publish.index import slug

NB_CLEAN, NB_INDICATORS, NB_BRIEFING = params_mod.NOTEBOOKS
RAW_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".xlsm"}



class StepKeys:
    """Part of `runner.Builder`: its keys and freshness checks (it sets every attribute used here)."""

    def raw_files(self) -> list[Path]:
        if not self.raw_dir.is_dir():
            raise InputError("folder data mentah tidak ditemukan", file=self.raw_dir,
                             hint="untuk data contoh jalankan `python -m kemiskinan sample-data`")
        files = sorted(p for p in self.raw_dir.iterdir() if p.is_file() and p.suffix.lower() in RAW_SUFFIXES)
        if not files:
            raise InputError("folder data mentah tidak berisi file CSV/XLSX/XLS", file=self.raw_dir)
        return files

    def profile_files(self) -> list[Path]:
        """The source profiles the reading may use: the raw folder's sumber.yml and every reusable profile in
        profiles/ (all of them rather than only those sumber.yml names: no YAML parsing on the no-op path).
        An edited profile changes how the raw files are read, so it is an input like them."""
        own = [self.raw_dir / "sumber.yml"] if (self.raw_dir / "sumber.yml").is_file() else []
        shared = config.PROJ_ROOT / "profiles"
        return own + (sorted(q for q in shared.glob("*.y*ml") if q.is_file()) if shared.is_dir() else [])

    def input_hashes(self) -> dict[str, str]:
        return {str(p.relative_to(config.PROJ_ROOT) if p.is_relative_to(config.PROJ_ROOT) else p):
                hashing.file_sha256(p) for p in self.raw_files() + self.profile_files()}

    def previous(self) -> str | None:
        """The period this one is compared with: notebook 02's `periode_sebelumnya`, resolved by the same
        function the notebook calls (ParameterError when the period asked for is not built or not earlier)."""
        return periode_mod.previous_period(self.periode, self.bp.values.get("periode_sebelumnya", ""),
                                           config.PROCESSED_DIR)

    def previous_hashes(self) -> dict[str, str]:
        """sha256 of the previous period's files the comparison reads (`periode.PREVIOUS_FILES`), by path
        relative to the project: inputs of step 02, so changing the old round's tables re-runs this round's
        comparison (and, through the slices, the briefings that show it). Read only, never written."""
        if self._prev_hashes is None:
            files = periode_mod.previous_files(config.processed_dir(self.prev)) if self.prev else []
            self._prev_hashes = {self._relpath(p): hashing.file_sha256(p) for p in files}
        return self._prev_hashes

    @staticmethod
    def _relpath(p: Path) -> str:
        return str(p.relative_to(config.PROJ_ROOT) if p.is_relative_to(config.PROJ_ROOT) else p)

    def common_key(self) -> dict:
        return {"code": hashing.code_sha256(), "lock": hashing.lock_sha256(),
                "reference": hashing.reference_hashes()}

    def clean_key(self, inputs: dict) -> dict:
        return {"step": NB_CLEAN, "inputs": inputs, "params": self.bp.for_notebook(NB_CLEAN),
                "nb": hashing.notebook_sha256(NB_CLEAN), **self.common_key()}

    def indicators_key(self, clean_stamp: dict | None) -> dict:
        # Keyed on what step 01 wrote, so a re-run of 01 that changed nothing lets 02 be skipped.
        # The previous period: its resolved name and the sha256 of what the comparison reads.
        return {"step": NB_INDICATORS, "clean": (clean_stamp or {}).get("outputs"),
                "params": self.bp.for_notebook(NB_INDICATORS), "nb": hashing.notebook_sha256(NB_INDICATORS),
                "sebelumnya": {"periode": self.prev, "files": self.previous_hashes()}, **self.common_key()}

    def _processed_hashes(self) -> dict:
        return {p.name: hashing.file_sha256(p) for p in sorted(self.processed.glob("*.parquet"))}

    def briefing_paths(self, w: wil.Wilayah) -> dict[str, Path]:
        s = slug(w)
        paths = {}
        if "html" in self.formats:
            paths["html"] = self.out_root / f"{s}.html"
        if "analis" in self.formats:
            paths["html_analis"] = self.out_root / "analis" / f"{s}.html"
            paths["xlsx"] = self.out_root / "analis" / f"{s}.xlsx"
        if "pdf" in self.formats:
            paths["pdf"] = self.out_root / f"{s}.pdf"
        paths["ipynb"] = self.out_root / "notebooks" / f"03_briefing__{s}.ipynb"
        return paths

    def briefing_key(self, w: wil.Wilayah, slices: dict) -> str:
        geo = self.bp.values.get("geojson") or ""
        geo_hash = hashing.file_sha256(Path(geo)) if geo and Path(geo).is_file() else geo
        return hashing.json_sha256({
            "step": NB_BRIEFING, "slice": slices.get(w.kode), "wilayah": w.kode,
            "params": self.bp.for_notebook(NB_BRIEFING), "geojson": geo_hash, "formats": self.formats,
            "instansi": self.bp.values["instansi"],  # the PDFs' /Author
            "synthetic": self._synthetic(), "nb": hashing.notebook_sha256(NB_BRIEFING), **self.common_key()})

    def _briefing_fresh(self, w: wil.Wilayah, key: str) -> bool:
        """Up to date = same key, and every output still byte-identical to what the PII guard passed.

        Hashing the outputs (cheap) is what lets a no-op build honour "the guard runs at the end
        of every build": a shared file edited or replaced by hand no longer matches and is rebuilt + checked.
        """
        if self.force:
            return False
        st = read_json(self.out_root / ".stamps" / f"{w.kode}.json")
        if not st or st.get("key") != key:
            return False
        recorded = st.get("sha256", {})
        for name, p in self.briefing_paths(w).items():
            if not p.exists() or recorded.get(name) != hashing.file_sha256(p):
                return False
        return True

    def _index_fresh(self) -> bool:
        st = read_json(self.out_root / ".stamps" / "index.json")
        p = self.out_root / "index.html"
        return bool(st) and p.exists() and st.get("sha256") == hashing.file_sha256(p)

    def _everything_fresh(self, inputs: dict, targets) -> bool:
        """The no-op fast path: decided from stamps and hashes only (no pandas, no papermill, no kernel)."""
        if self.force:
            return False
        clean = read_json(self.processed / ".stamp.json")
        ind = read_json(self.indikator_dir / ".stamp.json")
        if not clean or not ind:
            return False
        if (clean.get("key") != hashing.json_sha256(self.clean_key(inputs))
                or ind.get("key") != hashing.json_sha256(self.indicators_key(clean))):
            return False
        slices = ind.get("slices", {})
        if not all(self._briefing_fresh(w, self.briefing_key(w, slices)) for w in targets):
            return False
        return self._index_fresh()
