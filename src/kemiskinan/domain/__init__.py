"""Domain: the codes and identifiers of Indonesian poverty data, independent of any file or step.

In: values (text, as read). Out: decoded values and verdicts. No module here reads a raw folder or writes
an output.

Modules:
    codes    PBDT 2015 code lists and vectorised decoders (codes, yes/no, desil, dates)
    nik      NIK and No. KK structural validation
    wilayah  Bontang's kecamatan and kelurahan, names and the BPS ↔ Kemendagri crosswalk
    periode  rounds of data (YYYY-MM) and which earlier round one is compared with
"""
