"""Step 01, clean: the tables read from a raw folder → clean tables, findings and reconciliation.

In: the `ingest` tables of one raw folder (sorted into kinds by `load`), the round's `periode`, optionally a
wilayah reference other than Kota Bontang. Out, in data/processed/<periode>/: the tables of
`catalog.names("clean")` (rumah_tangga, anggota, keluarga, kks, mpm, mpm_laporan, penduduk, temuan,
rekonsiliasi), meta.json and pii_istilah.parquet.

Modules, in the order a run uses them:
    step           `clean()` (load → process → check → save) and the CLI `python -m kemiskinan clean`
    load           read the folder's files and sort them into kinds (ruta, art, kks, mpm, penduduk)
    batch          the rows of one kind and their fate (`Batch`), the findings on them (`Findings`)
    rules          every rule's id, action and message (`RULES`), fuzzy-match thresholds
    keys           array helpers on text keys (digit checks, dictionary codes, ranks, positions)
    ids            IDBDT/IDARTBDT, NIK and No. KK checks; duplicate rows
    wilayah_match  kelurahan from codes and names (exact, variants, fuzzy); the run's wilayah reference
    ruta           households → rumah_tangga
    anggota        members → anggota
    keluarga       families (IDBDT × NUK) → keluarga; keluarga per NIK / No. KK
    kks            the KKS card list → kks, and each keluarga's card status
    mpm            MPM registrations → mpm, mpm_laporan
    penduduk       population per kelurahan → penduduk
    reconcile      rekonsiliasi (read = kept + rejected + merged) and temuan
    pii_terms      the PII term list the publish step's guard reads
    schemas        the clean tables' schemas, type coercion, data dictionary and rules documents
    quality        the data-quality report of a cleaning run (HTML)
"""
