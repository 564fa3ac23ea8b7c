"""`python -m kemiskinan build`: a params file (params/*.yml) and raw files in → every briefing of a period
out (reports/<periode>/: HTML, PDF, analysts' HTML and workbooks, executed notebooks, index.html, run.json),
incrementally and in parallel.

Modules:
- `runner`: `Builder` and `main_build` — steps 01 and 02, then the briefings, promoted when complete;
- `keys`: each step's key and the freshness checks on its stamps (the no-op build decides here);
- `kernels`: warm Jupyter kernels, papermill's engine and `NotebookExecutor`;
- `workers`: the PDF printer thread and the workbook process's warm-up;
- `records`: stamps and run.json (atomic JSON), log lines; `params`: the params file, checked against
  the notebooks; `_warm`: what each kernel imports while it boots.
"""
