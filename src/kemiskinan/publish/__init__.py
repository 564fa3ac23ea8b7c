"""Publishing: executed notebooks and indicator tables in → what people receive out.

Modules:
- `render`: executed notebook → self-contained HTML → A4 PDF (one reused Chromium), PDF metadata, and the
  period and periods index pages;
- `index`: the cards of a period's index (`index_entries`), the periods index (`write_periods_index`)
  and the briefing file names (`slug`);
- `xlsx`: the analysts' workbook of a briefing's indicator tables;
- `share`: `python -m kemiskinan bagikan` — one zip per audience (Walikota, Camat, Lurah);
- `pii`: the guard that refuses personal data (NIK, No. KK, IDBDT, names, addresses) in shared files.
"""
