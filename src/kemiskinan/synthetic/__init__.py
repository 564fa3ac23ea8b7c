"""Synthetic sample data for Kota Bontang: the raw files an analyst would receive, with their known truths.

In: a seed (and for scale tests a number of households). Out: `data/raw/sample/` (round 1, periode 2018-05:
PBDT 2015 household and member CSVs, KKS 2017 list, MPM 2018 workbook, population 2017), `sample_2019/`
(DTKS) and `sample_2025/` (DTSEN), each with a README stating the dirt injected and the ground truth. Same
seed, same bytes. Entry: `python -m kemiskinan sample-data` (`sample.main_sample_data`).

Modules, in import order (each imports only modules above it):

- `layout`: every generated file's name and header, the synthetic mark.
- `arrays`: vectorised helpers (draws by group, ranks, pyarrow string columns).
- `city`: the 15 kelurahan with their calibration, region table, names, streets, spelling variants.
- `plan`: which household is where, in which desil group, with how many keluarga, who holds a KKS.
- `simulate`: households, keluarga and persons of the plan with every PBDT 2015 answer (`Sim`).
- `dirt`: which rows get which dirt, chosen once before writing.
- `text`: names, dates and Excel's scientific notation as the files write them.
- `writers`: chunked CSV, byte-stable xlsx, moving a finished folder's files in.
- `bdt`, `kks`, `mpm`, `penduduk`: round 1's files, one module per file kind.
- `truth`: round 1's ground truth per kelurahan.
- `state`: the rounds (periode, shape, folder) and a round's `State` arrays.
- `ageing`: round 1 rebuilt in memory and aged into rounds 2 (DTKS) and 3 (DTSEN).
- `rounds_truth`: the later rounds' truths (headline and flows), from the simulation.
- `readme`: every folder's README.
- `rounds_files`: the later rounds' files (DTKS, DTSEN, KKS list, population).
- `rounds`: `generate`/`is_present` for the later rounds.
- `sample`: `generate`/`is_present` for round 1, and the `sample-data` command.
"""
