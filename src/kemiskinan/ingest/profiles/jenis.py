"""Which kind of table is this? Every table is scored against every kind on its whole column set.

Each kind has columns it cannot do without (`NEED`: every group must be met by at least one column) and
columns that support it (`SUPPORT`). A column's weight is 1 / (number of kinds it belongs to), so a column
only one kind has (`no_kks`, `idartbdt`, `jumlah_penduduk`) speaks loudly and one every kind has (`nmkel`)
barely. The kind with the highest score is taken when it has its needed columns and no other kind scores
as high; otherwise the table is refused, naming the columns seen, the best candidates and what each
lacks — unless a source profile says what the table is (`jenis:` in sumber.yml).

So a KKS list that carries `IDBDT` and `NMKEL` is a KKS list (its card, holder and status columns weigh
far more than the two columns it shares with a household file), and one without a status column is
refused as "looks like a KKS list, lacks status_kartu", never read as households.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Internal kind keys (kemiskinan.clean.load.KINDS) ↔ the names a profile uses in `jenis:`.
JENIS = {"rumah_tangga": "ruta", "anggota": "art", "kks": "kks", "mpm": "mpm", "penduduk": "penduduk"}
LABEL = {"ruta": "BDT rumah tangga", "art": "BDT anggota rumah tangga", "kks": "daftar KKS", "mpm": "MPM",
         "penduduk": "penduduk kelurahan"}
#: Columns a table of each kind must have (checked also when a profile names the kind).
REQUIRED = {"ruta": ["idbdt"], "art": ["idbdt", "idartbdt"], "kks": ["status_kartu"], "mpm": [],
            "penduduk": ["jumlah_penduduk"]}
#: With `satuan: keluarga` (DTSEN) the No. KK is the family's and its members' key: the cleaner derives
#: idbdt, idartbdt and nuk from it (kemiskinan.clean.load._unit_keluarga_columns), so it is what the two files need.
REQUIRED_KELUARGA = {"ruta": ["no_kk"], "art": ["no_kk"]}


def required(kind: str, satuan: str = "rumah_tangga") -> list[str]:
    """The columns a table of `kind` must have in a round whose unit is `satuan`."""
    if satuan == "keluarga" and kind in REQUIRED_KELUARGA:
        return REQUIRED_KELUARGA[kind]
    return REQUIRED[kind]

_WILAYAH = {"kdprop", "kdkab", "kdkec", "kddesa", "nmprop", "nmkab", "nmkec", "nmkel", "kecamatan", "kelurahan",
            "kode_wilayah"}
NEED: dict[str, list[set[str]]] = {
    "ruta": [{"idbdt"}],
    "art": [{"idartbdt"}],
    "kks": [{"status_kartu"}],
    "mpm": [{"hasil_verifikasi", "status_identifikasi", "tanggal_pendaftaran"}],
    "penduduk": [{"jumlah_penduduk"}],
}
SUPPORT: dict[str, set[str]] = {
    "ruta": _WILAYAH | {"alamat", "nama_sls", "rt", "nomor_urut_rumah_tangga", "nama_krt", "jumlah_art",
                      "jumlah_keluarga", "sta_bangunan", "sta_lahan", "luas_lantai", "lantai", "dinding",
                      "kondisi_dinding", "atap", "kondisi_atap", "jumlah_kamar", "sumber_airminum", "nomor_meter_air",
                      "cara_peroleh_airminum", "sumber_penerangan", "daya", "nomor_pln", "bb_masak", "nomor_gas",
                      "fasbab", "kloset", "buang_tinja", "ada_tabung_gas", "ada_lemari_es", "ada_ac", "ada_pemanas",
                      "ada_telepon", "ada_tv", "ada_emas", "ada_laptop", "ada_sepeda", "ada_motor", "ada_mobil",
                      "ada_perahu", "ada_motor_tempel", "ada_perahu_motor", "ada_kapal", "aset_tak_bergerak",
                      "luas_atb", "rumah_lain", "jumlah_sapi", "jumlah_kerbau", "jumlah_kuda", "jumlah_babi",
                      "jumlah_kambing", "sta_art_usaha", "sta_kks", "sta_kip", "sta_kis", "sta_bpjs_mandiri",
                      "sta_jamsostek", "sta_asuransi", "sta_pkh", "sta_raskin", "sta_kur", "status_kesejahteraan",
                      "percentile"},
    "art": _WILAYAH | {"idbdt", "nik", "no_kk", "nopesertapkh", "alamat", "nama_sls", "rt", "nama", "jnskel",
                       "tmplahir", "tgllahir", "hub_krt", "nuk", "hubkel", "umur", "sta_kawin", "ada_akta_nikah",
                       "ada_dikk", "ada_kartu_identitas", "sta_hamil", "jenis_cacat", "penyakit_kronis",
                       "partisipasi_sekolah", "pendidikan_tertinggi", "kelas_tertinggi", "ijazah_tertinggi",
                       "sta_bekerja", "jumlah_jamkerja", "lapangan_usaha", "status_pekerjaan", "namagadis_ibukandung",
                       "status_kesejahteraan", "percentile"},
    "kks": _WILAYAH | {"no", "no_kks", "nik_pengurus", "nama_pengurus", "no_kk", "nik", "idbdt", "alamat",
                       "tanggal_distribusi"},
    "mpm": _WILAYAH | {"no", "idbdt", "nik", "no_kk", "nama_kepala_rumah_tangga", "alamat", "rt", "jumlah_art",
                       "tanggal_verifikasi", "art_meninggal", "art_pindah", "art_baru"},
    "penduduk": _WILAYAH | {"jumlah_rumah_tangga", "jumlah_kk", "tahun", "sumber"},
}
KINDS = tuple(NEED)
_SIG = {k: set().union(*NEED[k]) | SUPPORT[k] for k in KINDS}
WEIGHT = {c: 1.0 / sum(c in _SIG[k] for k in KINDS) for c in set().union(*_SIG.values())}


@dataclass
class Candidate:
    kind: str
    score: float
    missing: list[str]          # needed / required columns the table lacks ("a|b" = one of them)
    seen: list[str]             # the table's columns that count for this kind

    @property
    def fits(self) -> bool:
        return not self.missing and bool(self.seen)

    def describe(self) -> str:
        s = f"{LABEL[self.kind]} (skor {self.score:.1f}"
        s += f"; kurang: {', '.join(self.missing)})" if self.missing else "; kolom wajib lengkap)"
        return s


@dataclass
class Verdict:
    kind: str | None
    reason: str                     # why (or why not), in Bahasa Indonesia
    candidates: list[Candidate] = field(default_factory=list)   # best first


def candidates(cols) -> list[Candidate]:
    """Every kind scored on the column set `cols` (canonical names), best first."""
    cols = set(cols)
    out = []
    for k in KINDS:
        seen = sorted(cols & _SIG[k])
        missing = ["|".join(sorted(g)) for g in NEED[k] if not cols & g]
        missing += [c for c in REQUIRED[k] if c not in cols and c not in missing]
        out.append(Candidate(k, sum(WEIGHT[c] for c in seen), missing, seen))
    return sorted(out, key=lambda c: (-c.score, KINDS.index(c.kind)))


def decide(cols, declared: str | None = None) -> Verdict:
    """The kind of a table with columns `cols`; `declared`: the kind a profile gives (internal key)."""
    cand = candidates(cols)
    if declared is not None:
        why = f"dinyatakan di profil (jenis: {next(j for j, k in JENIS.items() if k == declared)})"
        return Verdict(declared, why, cand)
    fitting = [c for c in cand if c.fits]
    if not fitting:
        if cand[0].score == 0:
            return Verdict(None, "tidak ada kolom yang khas untuk jenis mana pun", cand)
        return Verdict(None, f"paling mirip {LABEL[cand[0].kind]}, tetapi kolom wajibnya tidak ada: "
                             f"{', '.join(cand[0].missing)}", cand)
    top = fitting[0]
    if len(fitting) > 1 and fitting[1].score >= top.score - 1e-9:
        return Verdict(None, f"sama cocoknya dengan {LABEL[top.kind]} dan {LABEL[fitting[1].kind]}", cand)
    if cand[0].score > top.score + 1e-9:   # a kind the table lacks needed columns for fits it better
        return Verdict(None, f"paling mirip {LABEL[cand[0].kind]}, tetapi kolom wajibnya tidak ada: "
                             f"{', '.join(cand[0].missing)} (bukan {LABEL[top.kind]}: skor {top.score:.1f} "
                             f"< {cand[0].score:.1f})", cand)
    others = [c for c in cand if c.kind != top.kind]
    why = f"skor {top.score:.1f} dari kolom {', '.join(top.seen[:8])}" + ("…" if len(top.seen) > 8 else "") + \
        f"; berikutnya {LABEL[others[0].kind]} (skor {others[0].score:.1f})"
    return Verdict(top.kind, why, cand)


def refusal(verdict: Verdict, headers: list[str]) -> str:
    """The message of an `InputError` for a table whose kind could not be decided."""
    best = "; ".join(c.describe() for c in verdict.candidates[:2])
    return (f"jenis tabel tidak dikenali ({verdict.reason}). Kolom yang terbaca: {', '.join(headers)}. "
            f"Calon terdekat: {best}")
