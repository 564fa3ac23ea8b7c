"""Code lists of PBDT 2015 (docs/domain.md §2.3–2.6) and decoders: codes, yes/no per column, desil, dates.

Everything here is vectorised over *unique* values: a column of 4 M cells usually has a few dozen
distinct values, so each distinct value is decoded once and the result is broadcast back.
"""
from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

#: Characters trimmed from both ends before validation: whitespace, NBSP, zero-width characters,
#: the BOM, and the quote/apostrophe Excel users type to force text.
TRIM_CHARS = " \t\r\n\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff'\"`"

# --------------------------------------------------------------------------------------------------
# Code lists (PBDT 2015 vintage). Values are the valid integer codes; labels for the data dictionary.
# --------------------------------------------------------------------------------------------------
CODELISTS: dict[str, dict[int, str]] = {
    "sta_bangunan": {1: "Milik sendiri", 2: "Kontrak/sewa", 3: "Bebas sewa", 4: "Dinas", 5: "Lainnya"},
    "sta_lahan": {1: "Milik sendiri", 2: "Milik orang lain", 3: "Tanah negara", 4: "Lainnya"},
    "lantai": {1: "Marmer/granit", 2: "Keramik", 3: "Parket/vinil/permadani", 4: "Ubin/tegel/teraso",
               5: "Kayu/papan kualitas tinggi", 6: "Semen/bata merah", 7: "Bambu",
               8: "Kayu/papan kualitas rendah", 9: "Tanah", 10: "Lainnya"},
    "dinding": {1: "Tembok", 2: "Plesteran anyaman bambu/kawat", 3: "Kayu", 4: "Anyaman bambu",
                5: "Batang kayu", 6: "Bambu", 7: "Lainnya"},
    "kondisi_dinding": {1: "Bagus/kualitas tinggi", 2: "Jelek/kualitas rendah"},
    "atap": {1: "Beton/genteng beton", 2: "Genteng keramik", 3: "Genteng metal", 4: "Genteng tanah liat",
             5: "Asbes", 6: "Seng", 7: "Sirap", 8: "Bambu", 9: "Jerami/ijuk/daun-daunan/rumbia", 10: "Lainnya"},
    "kondisi_atap": {1: "Bagus/kualitas tinggi", 2: "Jelek/kualitas rendah"},
    "sumber_airminum": {1: "Air kemasan bermerk", 2: "Air isi ulang", 3: "Leding meteran", 4: "Leding eceran",
                        5: "Sumur bor/pompa", 6: "Sumur terlindung", 7: "Sumur tak terlindung",
                        8: "Mata air terlindung", 9: "Mata air tak terlindung", 10: "Air sungai/danau/waduk",
                        11: "Air hujan", 12: "Lainnya"},
    "cara_peroleh_airminum": {1: "Membeli eceran", 2: "Langganan", 3: "Tidak membeli"},
    "sumber_penerangan": {1: "Listrik PLN", 2: "Listrik non-PLN", 3: "Bukan listrik"},
    "daya": {1: "450 W", 2: "900 W", 3: "1.300 W", 4: "2.200 W", 5: "> 2.200 W", 6: "Tanpa meteran"},
    "bb_masak": {1: "Listrik", 2: "Gas > 3 kg", 3: "Gas 3 kg", 4: "Gas kota/biogas", 5: "Minyak tanah",
                 6: "Briket", 7: "Arang", 8: "Kayu bakar", 9: "Tidak memasak di rumah"},
    "fasbab": {1: "Sendiri", 2: "Bersama", 3: "Umum", 4: "Tidak ada"},
    "kloset": {1: "Leher angsa", 2: "Plengsengan", 3: "Cemplung/cubluk", 4: "Tidak pakai"},
    "buang_tinja": {1: "Tangki", 2: "SPAL", 3: "Lubang tanah", 4: "Kolam/sawah/sungai/danau/laut",
                    5: "Pantai/tanah lapang/kebun", 6: "Lainnya"},
    # ART (Blok IV)
    "hub_krt": {1: "Kepala RT", 2: "Istri/suami", 3: "Anak", 4: "Menantu", 5: "Cucu", 6: "Orang tua/mertua",
                7: "Pembantu ruta", 8: "Lainnya"},
    "sta_kawin": {1: "Belum kawin", 2: "Kawin/nikah", 3: "Cerai hidup", 4: "Cerai mati"},
    "jenis_cacat": {i: lab for i, lab in enumerate([
        "Tidak cacat", "Tuna daksa/cacat tubuh", "Tuna netra", "Tuna rungu", "Tuna wicara", "Rungu & wicara",
        "Netra & cacat tubuh", "Netra, rungu & wicara", "Rungu, wicara & cacat tubuh",
        "Rungu, wicara, netra & cacat tubuh", "Cacat mental retardasi", "Mantan penderita gangguan jiwa",
        "Cacat fisik & mental"])},
    "penyakit_kronis": {i: lab for i, lab in enumerate([
        "Tidak ada", "Hipertensi", "Rematik", "Asma", "Masalah jantung", "Diabetes", "TBC", "Stroke",
        "Kanker/tumor ganas", "Lainnya"])},
    "partisipasi_sekolah": {0: "Tidak/belum pernah sekolah", 1: "Masih sekolah", 2: "Tidak bersekolah lagi"},
    "pendidikan_tertinggi": {1: "SD/SDLB", 2: "Paket A", 3: "M. Ibtidaiyah", 4: "SMP/SMPLB", 5: "Paket B",
                             6: "M. Tsanawiyah", 7: "SMA/SMK/SMALB", 8: "Paket C / M. Aliyah",
                             9: "M. Aliyah / Paket C", 10: "Perguruan tinggi"},
    "kelas_tertinggi": {i: ("Tamat" if i == 8 else f"Kelas {i}") for i in range(1, 9)},
    "ijazah_tertinggi": {0: "Tidak punya", 1: "SD/sederajat", 2: "SMP/sederajat", 3: "SMA/sederajat",
                         4: "D1/D2/D3", 5: "D4/S1", 6: "S2/S3"},
    "sta_bekerja": {1: "Ya", 2: "Tidak"},
    "lapangan_usaha": {i: f"Kode {i}" for i in range(1, 23)},
    "status_pekerjaan": {1: "Berusaha sendiri", 2: "Dibantu buruh tidak tetap/tidak dibayar",
                         3: "Dibantu buruh tetap/dibayar", 4: "Buruh/karyawan swasta",
                         5: "PNS/TNI/Polri/BUMN/BUMD/legislatif", 6: "Pekerja bebas pertanian",
                         7: "Pekerja bebas non-pertanian", 8: "Pekerja keluarga/tidak dibayar"},
    "sta_hamil": {1: "Ya", 2: "Tidak"},
    "ada_dikk": {1: "Ya", 2: "Tidak"},
    "ada_akta_nikah": {0: "Tidak", 1: "Ya, dapat ditunjukkan", 2: "Ya, tidak dapat ditunjukkan"},
    "ada_kartu_identitas": {i: f"Kode aditif {i}" for i in range(0, 16)},
}
CODELISTS["hubkel"] = CODELISTS["hub_krt"]

#: Blok V yes/no: which (ya, tidak) pair each column uses (docs/domain.md §2.4). Never a global 1 = ya.
YES_NO: dict[str, tuple[int, int]] = {
    "ada_tabung_gas": (1, 2), "ada_lemari_es": (3, 4), "ada_ac": (1, 2), "ada_pemanas": (3, 4),
    "ada_telepon": (1, 2), "ada_tv": (3, 4), "ada_emas": (1, 2), "ada_laptop": (3, 4),
    "ada_sepeda": (1, 2), "ada_motor": (3, 4), "ada_mobil": (1, 2), "ada_perahu": (3, 4),
    "ada_motor_tempel": (1, 2), "ada_perahu_motor": (3, 4), "ada_kapal": (1, 2),
    "aset_tak_bergerak": (1, 2), "rumah_lain": (3, 4), "sta_art_usaha": (1, 2),
    "sta_kks": (1, 2), "sta_kip": (3, 4), "sta_kis": (1, 2), "sta_bpjs_mandiri": (3, 4),
    "sta_jamsostek": (1, 2), "sta_asuransi": (3, 4), "sta_pkh": (1, 2), "sta_raskin": (3, 4), "sta_kur": (1, 2),
}

KELOMPOK_DESIL = ("1", "2", "3", "4", "4+", "non-desil")

HASIL_VERIFIKASI = {1: "Selesai diverivali", 2: "Rumah tangga tidak ditemukan",
                    3: "Pindah/bangunan tidak ada", 4: "Bagian dari rumah tangga lain", 5: "Data ganda"}

# KKS card status words: the built-in source profile (kemiskinan/ingest/profiles/bawaan.yml, `nilai.status_kartu`);
# decoded by `kemiskinan.ingest.profiles.decode_status`.
KKS_STATUSES = ("tersalur", "belum_tersalur", "dikembalikan", "tidak_ada")

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agt": 8, "ags": 8, "agu": 8, "agst": 8, "aug": 8, "august": 8, "agus": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}

_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def text(s: pd.Series) -> pd.Series:
    """Trim ends (incl. NBSP / zero-width) and turn empty strings into NA."""
    s = s.astype("str").str.strip(TRIM_CHARS)
    return s.where(s != "")


def isin_text(s: pd.Series, values) -> np.ndarray:
    """`s.isin(values).to_numpy()` for text columns, in C: pandas' arrow-string `isin` makes one Python
    scalar per value, which dominates when `values` is another column (hundreds of thousands of IDs)."""
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    vals = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="str")
    vs = arrow_text(vals)
    if vs is None or arrow_text(s) is None:
        return s.isin(values).to_numpy(dtype=bool)
    # membership = a position among the values (IDs against IDs — 4 M members' IDBDT in 1 M households —
    # as integers when both are digits of one length); NA is in `values` only if they hold an NA
    found = positions(s, vs.drop_null()) >= 0
    if vs.null_count:
        found |= s.isna().to_numpy(dtype=bool)
    return found


def arrow_text(s):
    """The values of a text Series / Index (or arrow array) as one arrow array, or None when they are not
    held by arrow as text (then the caller takes its general path)."""
    import pyarrow as pa
    if isinstance(s, (pa.Array, pa.ChunkedArray)):
        arr = s
    elif isinstance(s, (pd.Series, pd.Index)) and hasattr(s.array, "_pa_array"):
        arr = s.array._pa_array
    else:
        return None
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def positions(keys: pd.Series, ref) -> np.ndarray:
    """Position of each value of `keys` in `ref` (a Series or Index of unique values), -1 where absent or
    NA: the indexer behind `keys.map(...)`, for text. IDs of one digit length (a member's IDBDT among the
    households') are looked up as int64 in a pandas hash table; other text by arrow's `index_in`; values
    that are not arrow text are compared as text."""
    import pyarrow as pa
    import pyarrow.compute as pc
    ka, ra = arrow_text(keys), arrow_text(ref)
    if ka is None or ra is None:
        ka = pa.array(pd.Series(keys).astype("string"), from_pandas=True, type=pa.large_string())
        ra = pa.array(pd.Series(ref).astype("string"), from_pandas=True, type=pa.large_string())
    if ra.null_count == 0:
        present = ka.is_valid().to_numpy(zero_copy_only=False) if ka.null_count else None
        ints = digit_ints(ka.filter(present) if present is not None else ka, ra)
        if ints is not None:
            index = pd.Index(ints[1])
            if index.is_unique:
                found = index.get_indexer(ints[0]).astype(np.int64)
                if present is None:
                    return found
                pos = np.full(len(ka), -1, dtype=np.int64)
                pos[present] = found
                return pos
    pos = pc.index_in(ka, value_set=ra.cast(ka.type), skip_nulls=True)
    return pc.fill_null(pos, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def digit_ints(*columns) -> list[np.ndarray] | None:
    """The text values of `columns` (Series or arrow arrays, no NA) as int64 arrays, when every value is ASCII
    digits and all have one common length of at most 18 — IDs such as IDBDT and IDARTBDT. Then equal text ⇔
    equal integer, and integers hash and sort faster than strings. None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc
    arrays = [arrow_text(c) for c in columns]
    if any(a is None or a.null_count for a in arrays):
        return None
    length = None
    for a in arrays:
        if len(a) == 0:
            continue
        mm = pc.min_max(pc.binary_length(a)).as_py()
        if mm["min"] != mm["max"] or length not in (None, mm["min"]) or not 0 < mm["min"] <= 18:
            return None
        length = mm["min"]
        if not pc.all(pc.ascii_is_decimal(a)).as_py():
            return None
    return [pc.cast(a, pa.int64()).to_numpy(zero_copy_only=False) if len(a) else np.zeros(0, dtype=np.int64)
            for a in arrays]


def repeated(values: np.ndarray) -> np.ndarray:
    """Mask of the entries of `values` (integers) whose value occurs more than once — all occurrences.
    numpy's sort of int64 is vectorised (SIMD) and usually shows no repeat at all; only then the repeated
    values are looked up (a hash table of millions of distinct keys costs far more than the sort)."""
    s = np.sort(values)
    eq = s[1:] == s[:-1]
    if not eq.any():
        return np.zeros(len(values), dtype=bool)
    return pd.Series(values).isin(np.unique(s[1:][eq])).to_numpy()


def _int_value(v: str) -> int | None:
    v = v.strip(TRIM_CHARS)
    m = re.fullmatch(r"([+-]?\d+)(?:[.,]0+)?", v)
    return int(m.group(1)) if m else None


def map_unique(s: pd.Series, fn, dtype) -> pd.Series:
    """`fn` applied once per distinct value of `s` and broadcast back (code columns hold a handful of
    distinct values over millions of rows); missing values map to NA; same index."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = pd.array([fn(u) for u in uniques] + [None], dtype=dtype)
    return pd.Series(mapped.take(np.where(codes < 0, len(uniques), codes)), index=s.index)


def _fast_int(s: pd.Series) -> pd.Series | None:
    """Arrow fast path: every non-empty trimmed cell is plain digits → cast in C; else None."""
    import pyarrow as pa
    import pyarrow.compute as pc
    try:
        arr = pa.array(s.astype("str"), from_pandas=True)
        arr = pc.utf8_trim(arr, characters=TRIM_CHARS)
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
        ints = pc.cast(arr, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return pd.Series(pd.array(ints.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), dtype="Int64"),
                     index=s.index)


def parse_int(s: pd.Series, dtype: str = "Int64") -> tuple[pd.Series, pd.Series]:
    """Integers written as text ('3', '3.0', ' 3 '). Returns (values, invalid mask: non-empty but not int)."""
    fast = _fast_int(s) if len(s) > 10_000 else None
    if fast is not None:
        return fast.astype(dtype), pd.Series(False, index=s.index)
    t = text(s)
    vals = map_unique(t, _int_value, "Int64")
    invalid = t.notna() & vals.isna()
    return vals.astype(dtype), invalid


def parse_float(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers with '.' or ',' decimal separator."""
    t = text(s)

    def f(v: str):
        v = v.replace(" ", "")
        if re.fullmatch(r"[+-]?\d+,\d+", v):
            v = v.replace(",", ".")
        try:
            return float(v)
        except ValueError:
            return None
    vals = map_unique(t, f, "Float64")
    return vals.astype("Float64"), t.notna() & vals.isna()


def decode_codes(s: pd.Series, column: str, dtype: str = "Int8") -> tuple[pd.Series, pd.Series]:
    """Integer code checked against the column's code list; outside the list → NA + invalid."""
    vals, invalid = parse_int(s, "Int64")
    allowed = CODELISTS.get(column)
    if allowed is not None:
        outside = vals.notna() & ~vals.isin(list(allowed))
        invalid = invalid | outside
        vals = vals.mask(outside)
    return vals.astype(dtype), invalid


def decode_yes_no(s: pd.Series, column: str) -> tuple[pd.Series, pd.Series, tuple[int, int]]:
    """Blok V yes/no to boolean using the column's own pair (docs/domain.md §2.4).

    If a column documented as 3/4 contains only 1/2 (or the reverse) the file uses the other layout for
    that column: the observed pair is used and returned so the caller can log it. Values outside the
    pair → NA + invalid.
    """
    vals, invalid = parse_int(s, "Int64")
    pair = YES_NO.get(column, (1, 2))
    na = vals.isna().to_numpy(dtype=bool)
    v = vals.to_numpy(dtype=np.int64, na_value=0)
    present = set(pd.unique(v[~na]).tolist())
    if present and not (present & set(pair)):
        other = (3, 4) if pair == (1, 2) else (1, 2)
        if present <= set(other):
            pair = other
    yes, no = ~na & (v == pair[0]), ~na & (v == pair[1])
    out = pd.Series(pd.arrays.BooleanArray(yes, ~(yes | no)), index=s.index)
    invalid = invalid | pd.Series(~na & ~(yes | no), index=s.index)
    return out, invalid, pair


def desil_from(status: pd.Series, percentile: pd.Series, skema: int = 4) -> pd.DataFrame:
    """desil (Int8 1–skema), percentile (Int16 1–100), kelompok_desil (category), and problem masks.

    `skema`: the round's desil scheme (profile key `skema_desil`): 4 for PBDT 2015 / DTKS (the 40 %
    poorest ranked 1–4), 10 for DTSEN (every family ranked 1–10). status_kesejahteraan 1–skema wins;
    otherwise desil from percentile: 1–10 → 1, 11–20 → 2, … while within the scheme; a percentile above it
    (> 40 in the 4-scheme) → "4+"; neither → "non-desil" (docs/domain.md §2.6). kelompok_desil keeps the
    same categories in every scheme: "1"–"4", "4+" for any desil above 4, "non-desil".
    """
    st, st_bad = parse_int(status, "Int64")
    pc, pc_bad = parse_int(percentile, "Int64")
    top = 10 * skema                     # the highest percentile a desil of this scheme holds
    st_out = st.notna() & ~st.between(1, skema)
    pc_out = pc.notna() & ~pc.between(1, 100)
    st_bad, pc_bad = st_bad | st_out, pc_bad | pc_out
    st, pc = st.mask(st_out), pc.mask(pc_out)
    from_pc = ((pc - 1) // 10 + 1)
    disagree = st.notna() & pc.notna() & pc.le(top) & (from_pc != st)
    disagree |= st.notna() & pc.gt(top)
    desil = st.fillna(from_pc.where(pc.le(top)))
    kel = desil.astype("str").fillna("")
    kel = kel.where(desil.isna() | desil.le(4).fillna(False), "4+")
    kel = kel.where(desil.notna(), np.where(pc.gt(top).fillna(False), "4+", "non-desil"))
    return pd.DataFrame({
        "desil": desil.astype("Int8"),
        "percentile": pc.astype("Int16"),
        "kelompok_desil": pd.Categorical(kel, categories=KELOMPOK_DESIL),
        "status_tidak_valid": st_bad.fillna(False).astype(bool),
        "percentile_tidak_valid": pc_bad.fillna(False).astype(bool),
        "desil_percentile_beda": disagree.fillna(False).astype(bool),
    }, index=status.index)


def _year(y: int, two_digit: bool, reference_year: int) -> int:
    if not two_digit:
        return y
    return 2000 + y if 2000 + y <= reference_year else 1900 + y


def parse_date(value: object, reference_year: int = 2018) -> _dt.date | None:
    """One date in the forms Indonesian files use; None if it is not a real date.

    `15/01/2018`, `15-01-2018`, `15.01.18`, `2018-01-15` (optionally with a time), `15 Januari 2018`,
    `15-Jan-2018`, `15 Agt 2018`, `Januari 15, 2018`, Excel serial numbers (`43115`), and date objects.
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    v = str(value).strip(TRIM_CHARS).strip()
    if not v:
        return None
    try:
        m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", v)
        if m:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", v)
        if m:
            return _dt.date(_year(int(m[3]), len(m[3]) == 2, reference_year), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,2})[\s\-/.]*([A-Za-z]+)\.?[\s\-/.,]*(\d{4}|\d{2})", v)
        if m and m[2].lower() in MONTHS:
            return _dt.date(_year(int(m[3]), len(m[3]) == 2, reference_year), MONTHS[m[2].lower()], int(m[1]))
        m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", v)
        if m and m[1].lower() in MONTHS:
            return _dt.date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
        m = re.fullmatch(r"(\d{5})(?:[.,]0+)?", v)
        if m and 1 <= int(m[1]) <= 80000:  # Excel serial, 1900 date system
            return _EXCEL_EPOCH + _dt.timedelta(days=int(m[1]))
    except ValueError:  # day 00, month 13, 30 February …
        return None
    return None


def _fixed_width_dates(uniques, out: np.ndarray) -> np.ndarray:
    """Vectorised `parse_date` for the two common fixed-width forms, `dd/mm/yyyy` and `yyyy-mm-dd` (ASCII
    digits): fills `out` (datetime64[s], NaT when the date does not exist) and returns which values it
    handled; everything else is left to `parse_date`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    n = len(uniques)
    done = np.zeros(n, dtype=bool)
    if n == 0:
        return done
    a = pa.array(np.asarray(uniques, dtype=object), type=pa.string())
    for pattern, (yi, mi, di) in ((r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$", (6, 3, 0)), (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", (0, 5, 8))):
        hit = pc.match_substring_regex(a, pattern).to_numpy(zero_copy_only=False).astype(bool) & ~done
        if not hit.any():
            continue
        idx = np.flatnonzero(hit)
        b = np.frombuffer("".join(a.take(pa.array(idx)).to_pylist()).encode("ascii"), dtype=np.uint8)
        b = b.reshape(len(idx), 10).astype(np.int64) - 48
        y = b[:, yi] * 1000 + b[:, yi + 1] * 100 + b[:, yi + 2] * 10 + b[:, yi + 3]
        m = b[:, mi] * 10 + b[:, mi + 1]
        d = b[:, di] * 10 + b[:, di + 1]
        mc = np.clip(m, 1, 12)
        leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
        dim = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[mc] + ((mc == 2) & leap)
        ok = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= dim)
        days = (np.where(ok, y, 1970) - 1970).astype("datetime64[Y]").astype("datetime64[M]") \
            + (np.where(ok, m, 1) - 1).astype("timedelta64[M]")
        days = days.astype("datetime64[D]") + (np.where(ok, d, 1) - 1).astype("timedelta64[D]")
        vals = days.astype("datetime64[s]")
        vals[~ok] = np.datetime64("NaT", "s")
        out[idx] = vals
        done[idx] = True
    return done


def parse_dates(s: pd.Series, reference_year: int = 2018) -> tuple[pd.Series, pd.Series]:
    """Vectorised `parse_date` → (datetime64[s] Series, invalid mask: non-empty but not a date)."""
    t = text(s)
    codes, uniques = pd.factorize(t, use_na_sentinel=True)
    arr = np.full(len(uniques) + 1, np.datetime64("NaT", "s"), dtype="datetime64[s]")
    done = _fixed_width_dates(uniques, arr)
    rest = np.flatnonzero(~done)
    if len(rest):   # the values as Python str once (indexing the arrow array value by value is slow)
        values = np.asarray(uniques, dtype=object)[rest].tolist()
        for i, v in zip(rest.tolist(), values):
            d = parse_date(v, reference_year)
            if d:
                arr[i] = np.datetime64(d, "s")
    vals = pd.Series(arr[np.where(codes < 0, len(uniques), codes)], index=s.index)
    invalid = t.notna() & vals.isna()
    return vals, invalid
