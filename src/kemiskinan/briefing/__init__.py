"""Step 03: one wilayah's briefing, assembled by notebooks/03_briefing.ipynb.

In: the slice of the indicator tables one briefing shows (`data.load_for_briefing`), the clean step's
meta.json and the notebook's parameters. Out: the executed notebook's HTML sections and charts, which
`kemiskinan.publish.render` turns into the HTML and PDF briefing.

Modules:
- `data`: the slice of the indicator tables one briefing shows (and its digest for the rebuild rule).
- `views`: the numbers of each section as DataFrames and values, unformatted.
- `sections`: a view and its charts → escaped HTML (`<bagian>_html`); `section_*` do all three steps.
- `rekomendasi`: the follow-ups generated from the numbers, most urgent first.
- `labels`: text pieces shared by sections (sources, vintages, the target group in words).
- `blocks`: HTML building blocks (`Html`, `table_html`, the section wrapper).
- `charts`: the chart kinds (data in, finished matplotlib Figure out).
- `maps`: the kelurahan map (tile map, or a choropleth from a GeoJSON).
- `figures`: the house style and frame of every chart, and its SVG/PNG/HTML export.
- `chart_cache`: drawn charts' HTML, reused when the same chart is drawn again.
- `_mplfast`: speed-ups on matplotlib's private APIs (same output, less CPU).
- `fmt`: Indonesian number, percent, money and date formatting.
"""
