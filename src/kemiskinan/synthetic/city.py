"""The simulated city: Kota Bontang's 15 kelurahan with their calibration, and the people's names and streets.

`regions(kabkota)` is the region table every later step indexes by row: the 15 Bontang kelurahan (or the
whole province with synthetic kelurahan outside Bontang), then three pseudo-regions for rows that cleaning
must reject (kind 1 outside, 2 unknown kelurahan, 3 orphan members). Spelling variants used as dirt are here
too, since they are facts about the city's names.
"""
from __future__ import annotations

import pandas as pd

from kemiskinan.domain import wilayah

# Calibration (contracts §1.7). Target keluarga per kelurahan (sum 5,527): Lok Tuan largest, then Berbas
# Tengah, then Tanjung Laut (docs/domain.md §5.5). KKS coverage per kelurahan varies so the priority quadrant
# has something to show; the holders are then allocated to sum exactly 4,429.
CALIB_KELUARGA_MISKIN = 5527
CALIB_KELUARGA_KKS = 4429
CALIB = {  # kode Kemendagri: (keluarga desil 1-4, KKS coverage weight, population 2017, number of RT)
    "64.74.01.1001": (330, 0.84, 11800, 33),   # Bontang Kuala
    "64.74.01.1002": (260, 0.82, 12600, 35),   # Bontang Baru
    "64.74.01.1003": (980, 0.76, 19900, 45),   # Lok Tuan
    "64.74.01.1004": (420, 0.79, 11500, 33),   # Guntung
    "64.74.01.1005": (300, 0.83, 12300, 34),   # Gunung Elai
    "64.74.01.1006": (280, 0.81, 10400, 30),   # Api-Api
    "64.74.02.1001": (560, 0.78, 13900, 38),   # Tanjung Laut
    "64.74.02.1002": (640, 0.77, 14300, 40),   # Berbas Tengah
    "64.74.02.1003": (380, 0.84, 8600, 26),    # Berbas Pantai
    "64.74.02.1004": (230, 0.86, 6900, 21),    # Satimpo
    "64.74.02.1005": (350, 0.74, 8900, 27),    # Bontang Lestari
    "64.74.02.1006": (300, 0.83, 11400, 32),   # Tanjung Laut Indah
    "64.74.03.1001": (200, 0.85, 12400, 36),   # Belimbing
    "64.74.03.1002": (170, 0.80, 10100, 30),   # Gunung Telihan
    "64.74.03.1003": (127, 0.88, 5611, 19),    # Kanaan
}
# Household share per kelurahan for `households=N`: flatter than the poverty split so that 1M households
# still fit the 5-digit IDBDT sequence (<= 99,999 per kelurahan); order Lok Tuan > Berbas Tengah > Tj Laut.
_SCALE_WEIGHT = {
    "64.74.01.1001": 0.062, "64.74.01.1002": 0.058, "64.74.01.1003": 0.093, "64.74.01.1004": 0.066,
    "64.74.01.1005": 0.060, "64.74.01.1006": 0.058, "64.74.02.1001": 0.077, "64.74.02.1002": 0.083,
    "64.74.02.1003": 0.064, "64.74.02.1004": 0.050, "64.74.02.1005": 0.062, "64.74.02.1006": 0.060,
    "64.74.03.1001": 0.060, "64.74.03.1002": 0.055, "64.74.03.1003": 0.040,
}
_COASTAL = {"64.74.01.1001", "64.74.01.1003", "64.74.01.1004", "64.74.02.1001", "64.74.02.1003",
            "64.74.02.1006"}  # stilt-house / fishing kelurahan: more perikanan tangkap, more perahu
MPM_NOT_REPORTING = {"64.74.01.1002", "64.74.02.1004", "64.74.03.1003"}  # header-only sheets
# Spellings injected as dirt (docs/domain.md §5.2); all are resolvable through wilayah.by_name.
NAME_VARIANTS = {
    "64.74.01.1003": ("Loktuan", "LOKTUAN"),
    "64.74.01.1006": ("Api-api", "Api-api"),
    "64.74.02.1002": ("Berebas Tengah", "BEREBAS TENGAH"),
    "64.74.02.1006": ("Tj. Laut Indah", "Tj. Laut Indah"),
    "64.74.03.1002": ("Telihan", "Telihan"),
}
MPM_SHEET_NAME = {"64.74.01.1003": "LOKTUAN", "64.74.01.1006": "Api-api",
                  "64.74.02.1002": "Berebas Tengah", "64.74.02.1006": "Tj. Laut Indah"}
# Later rounds' spellings: DTKS writes kelurahan in capitals, DTSEN in title case (the code stays right).
VARIANT_UPPER = {"64.74.01.1003": "LOKTUAN", "64.74.02.1002": "BEREBAS TENGAH", "64.74.03.1002": "TELIHAN",
                 "64.74.02.1006": "TJ. LAUT INDAH"}
VARIANT_TITLE = {"64.74.01.1003": "Loktuan", "64.74.02.1002": "Berebas Tengah", "64.74.03.1002": "Telihan",
                 "64.74.02.1006": "Tj. Laut Indah"}

# Kalimantan Timur kab/kota (BPS codes) for kabkota="kaltim"; household shares are rough 2015 sizes.
_KALTIM = [("01", "PASER", 0.07), ("02", "KUTAI BARAT", 0.04), ("03", "KUTAI KARTANEGARA", 0.20),
           ("04", "KUTAI TIMUR", 0.09), ("05", "BERAU", 0.06), ("09", "PENAJAM PASER UTARA", 0.04),
           ("11", "MAHAKAM ULU", 0.01), ("71", "BALIKPAPAN", 0.18), ("72", "SAMARINDA", 0.24),
           ("74", "BONTANG", 0.07)]
_SYN_KEC_PER_KAB, _SYN_KEL_PER_KEC = 5, 6


# Names: a mix common in Bontang (Bugis, Banjar, Javanese, Kutai). A few carry "’" or "é" on purpose:
# the household CSV is cp1252 and those characters must survive it (both exist in cp1252).
FIRST_M = ["MUHAMMAD", "ANDI", "ABDUL", "RAHMAT", "HASANUDDIN", "SUPRIADI", "SYAMSUL", "IRWAN", "BUDI",
           "AGUS", "BAHARUDDIN", "JUMADI", "HERMAN", "ARIFIN", "MUSLIMIN", "RUSLAN", "SUDIRMAN", "SAPARUDDIN",
           "HAMZAH", "RIDWAN", "JUFRI", "ILHAM", "SAHRUL", "DARMAWAN", "FIRMAN", "HENDRA", "YUSUF", "MUHTAR",
           "SLAMET", "SUGIANTO", "WAHYU", "RUDI", "AMIRUDDIN", "SYAFI’I", "MA’RUF", "NU’MAN", "ANDRÉ",
           "FADLI", "RIZKY", "AKBAR", "ASRUL", "ARMAN", "BASO", "LA ODE", "KAHAR", "JAMALUDDIN", "MUKHLIS",
           "SAIFUL", "TAUFIK", "ZAINAL"]
FIRST_F = ["SITI", "NUR", "HASNAWATI", "SRI", "RAHMAWATI", "HJ. SAMSIAH", "ASMAWATI", "KARTINI",
           "MARLINA", "NURHAYATI", "SUKMAWATI", "JUMRIAH", "HARIANI", "ERNAWATI", "FITRIANI", "MULIANA",
           "SUWARNI", "RATNA", "HASMAH", "NURLELA", "SAMSINAR", "ROSMINI", "DEWI", "YULIANI", "WAHYUNI",
           "SUMIATI", "HALIMAH", "MASITAH", "ANDI ST.", "NURJANNAH", "AISYAH", "FATIMAH", "JUM’AH", "DÉSY",
           "RISKA", "PUTRI", "INDAH", "ANISA", "SALMAH", "MURNI", "RUKIAH", "ST. AMINAH", "NORMA",
           "HERLINA", "SURIANI", "HADIJAH", "ROSDIANA", "MARDIANA", "NURMALA", "HASNIAR"]
LAST = ["", "", "", "", "SAPUTRA", "RAHMAN", "HASAN", "SYAHRIR", "DAENG", "BAKRI", "LATIF", "MUIN",
        "AMIR", "SALEH", "HAMID", "NURDIN", "SAID", "ARSYAD", "KADIR", "MAKMUR", "ALI", "TAHIR", "YUNUS",
        "SURYANI", "LESTARI", "WATI", "NINGSIH", "WIJAYA", "SUSANTO", "PRATAMA", "HIDAYAT", "SETIAWAN",
        "BASRI", "JUMAIN", "IDRIS", "MANSYUR", "MUSTAFA", "RASYID", "HAMZAH", "ISMAIL"]
STREETS = ["BRIGJEND KATAMSO", "AHMAD YANI", "MT HARYONO", "KS TUBUN", "CUT NYAK DIEN", "AWANG LONG",
           "PELABUHAN", "SULTAN HASANUDDIN", "IMAM BONJOL", "IR. JUANDA", "PATTIMURA", "BHAYANGKARA",
           "PUPUK RAYA", "ARIEF RAHMAN HAKIM", "USMAN HARUN", "GAJAH MADA", "DR. SUTOMO", "MULAWARMAN",
           "SELAMBAI", "KAPAL LAUT", "HASANUDDIN", "SUNAN GIRI", "PIERE TENDEAN", "DI PANJAITAN",
           "SETIA BUDI", "MERDEKA", "LOKTUAN RAYA", "KUTILANG", "CENDANA", "TELUK KADERE"]
TMP_BONTANG = "BONTANG"
TMP_OTHER = ["SAMARINDA", "BALIKPAPAN", "TENGGARONG", "SANGATTA", "MAKASSAR", "BONE", "WAJO", "SOPPENG",
             "PARE-PARE", "SINJAI", "PINRANG", "POLEWALI", "MAMUJU", "BANJARMASIN", "AMUNTAI", "SURABAYA",
             "MALANG", "JEMBER", "KEDIRI", "LAMONGAN", "BAU-BAU", "BUTON", "PALU", "KENDARI", "LOMBOK TIMUR"]
# NIK prefixes of migrants (valid Kemendagri codes of other provinces, docs/domain.md §2.8 item 2).
MIGRANT_PREFIX = [737101, 731103, 731301, 737201, 357801, 350901, 352401, 730601, 740101, 530101,
                  630101, 720101, 520301]


def bontang_regions() -> pd.DataFrame:
    kel = wilayah.kelurahan()
    rows = []
    for w in kel:
        kec = wilayah.get(w.induk)
        calib = CALIB[w.kode]
        rows.append(dict(
            kdprop="64", kdkab="74", kdkec=w.kode_bps[4:7], kddesa=w.kode_bps[7:10],
            nmprop="KALIMANTAN TIMUR", nmkab="BONTANG", nmkec=kec.nama, nmkel=w.nama, kode=w.kode,
            nik_prefix=int("6474" + w.kode.split(".")[2]), kind=0, k_target=calib[0], kks_w=calib[1],
            penduduk=calib[2], n_rt=calib[3], coastal=w.kode in _COASTAL, seq_offset=0,
            weight=_SCALE_WEIGHT[w.kode], kab_label="6474 BONTANG"))
    return pd.DataFrame(rows)


def _special_regions(kabkota: str, bontang: pd.DataFrame) -> pd.DataFrame:
    """Pseudo-regions for the rows that cleaning must reject (kind 1 outside, 2 unknown kel, 3 orphans)."""
    lok = bontang.loc[bontang.kode == "64.74.01.1003"].iloc[0]
    if kabkota == "kaltim":   # outside the province when the whole province is in the file
        outside = dict(kdprop="63", kdkab="01", kdkec="010", kddesa="001", nmprop="KALIMANTAN SELATAN",
                       nmkab="TANAH LAUT", nmkec="PANYIPATAN", nmkel="BATAKAN", kode="63.01.01.1001",
                       nik_prefix=630101)
    else:                      # the neighbouring kabupaten (Kutai Timur) when only Bontang is expected
        outside = dict(kdprop="64", kdkab="04", kdkec="100", kddesa="001", nmprop="KALIMANTAN TIMUR",
                       nmkab="KUTAI TIMUR", nmkec="SANGATTA UTARA", nmkel="SINGA GEWEH", kode="64.04.10.1001",
                       nik_prefix=640810)
    unknown = dict(kdprop="64", kdkab="74", kdkec="020", kddesa="007", nmprop="KALIMANTAN TIMUR",
                   nmkab="BONTANG", nmkec="Bontang Utara", nmkel="Sidrap", kode="-", nik_prefix=647401)
    orphan = {c: lok[c] for c in ("kdprop", "kdkab", "kdkec", "kddesa", "nmprop", "nmkab", "nmkec",
                                  "nmkel", "kode", "nik_prefix")}
    common = dict(k_target=0, kks_w=0.0, penduduk=0, n_rt=20, coastal=False, weight=0.0, kab_label="-")
    rows = [dict(outside, kind=1, seq_offset=0, **common), dict(unknown, kind=2, seq_offset=0, **common),
            dict(orphan, kind=3, seq_offset=99000, **common)]
    return pd.DataFrame(rows)


def _kaltim_regions(bontang: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for kab, name, share in _KALTIM:
        if kab == "74":
            b = bontang.copy()
            b["weight"] = b["weight"] * share
            rows.extend(b.to_dict("records"))
            continue
        n = 0
        for k in range(1, _SYN_KEC_PER_KAB + 1):
            for d in range(1, _SYN_KEL_PER_KEC + 1):
                n += 1
                rows.append(dict(
                    kdprop="64", kdkab=kab, kdkec=f"{k:02d}0", kddesa=f"{d:03d}", nmprop="KALIMANTAN TIMUR",
                    nmkab=name, nmkec=f"Kecamatan Sintetis {k:02d}", nmkel=f"Kelurahan Sintetis {n:02d}",
                    kode=f"64.{kab}.{k:02d}.1{d:03d}", nik_prefix=int(f"64{kab}{k:02d}"), kind=0,
                    k_target=0, kks_w=0.0, penduduk=0, n_rt=30, coastal=False, seq_offset=0,
                    weight=share / (_SYN_KEC_PER_KAB * _SYN_KEL_PER_KEC), kab_label=f"64{kab} {name}"))
    return pd.DataFrame(rows)


def regions(kabkota: str) -> pd.DataFrame:
    bontang = bontang_regions()
    if kabkota == "bontang":
        base = bontang
    elif kabkota == "kaltim":
        base = _kaltim_regions(bontang)
    else:
        raise ValueError(f"kabkota harus 'bontang' atau 'kaltim', bukan {kabkota!r}")
    reg = pd.concat([base, _special_regions(kabkota, bontang)], ignore_index=True)
    reg["weight"] = reg["weight"] / reg["weight"].sum()
    return reg


def kec_name(r) -> str:
    """Kecamatan name as a kelurahan office writes it (canonical for Bontang, synthetic elsewhere)."""
    return wilayah.get(r.kode.rsplit(".", 1)[0]).nama if r.kode.startswith("64.74.") else r.nmkec


def idbdt_base(reg: pd.DataFrame):
    """IDBDT of each region without its 5-digit household sequence: KDPROP KDKAB KDKEC KDDESA then 00000."""
    return sum(reg[c].astype(int).to_numpy() * 10 ** e for c, e in (("kdprop", 13), ("kdkab", 11), ("kdkec", 8),
                                                                    ("kddesa", 5)))


# Row of regions("bontang") for the neighbouring kabupaten (Kutai Timur): households there are rejected.
OUTSIDE_ROW = 15
