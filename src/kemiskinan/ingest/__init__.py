"""Ingest: what arrives in a raw folder (data/raw/<folder>/), read as it really is.

In: CSV/TXT/TSV and XLSX/XLS files, the folder's sumber.yml and the source profiles (profiles/*.yml and the
built-in ones). Out: `readers.Table`s (text columns with canonical names, source row numbers, numeric and
invisible-character masks) and each table's kind; nothing is cleaned here.

Modules:
    files       the input files of a raw folder
    guards      limits checked before a file is parsed (size, zip bombs, cell and sheet extents)
    readers     CSV and Excel → `Table` (encoding, delimiter, header row, aliases)
    columns     the canonical column names
    profiles    source profiles: header aliases, value vocabularies, declared kinds (`profiles.jenis`)
    provenance  manifest.json: sha256, size, source and date received of every raw file
    periksa     `python -m kemiskinan periksa`: what the cleaner will make of a folder
"""
