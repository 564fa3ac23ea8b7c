"""Source profiles: what a raw file is and how its headers and values read — without writing Python.

Three layers, the first that speaks wins:

1. `data/raw/<periode>/sumber.yml` — rules for the files of that folder;
2. reusable profiles `<project root>/profiles/<name>.yml`, named in sumber.yml's `pakai:`;
3. the built-in profile shipped with the package (`bawaan.yml` here): the header aliases, KKS status words
   and PBDT yes/no pairs of the shapes supported without any profile.

Format (validated: an unknown key, `jenis`, canonical column or a malformed value is an `InputError` naming
the YAML file and the key)::

    versi: 1
    pakai: [kks_dinsos]              # optional: profiles/kks_dinsos.yml
    skema_desil: 4                   # optional: desil 1–4 (PBDT/DTKS, default) or 1–10 (DTSEN)
    satuan: rumah_tangga             # optional: rumah_tangga (default) or keluarga (DTSEN: the family
                                     # is the unit, its No. KK the household ID; kemiskinan.clean.load)
    nama_data: DTKS                  # optional: the data set's name for the vintage label (meta.json
                                     # vintage.bdt = "<nama_data> <periode>"; default "PBDT 2015")
    file:                            # rules, the first whose pola (and sheet) matches wins
      - pola: "KKS_*.xlsx"           # glob on the file name, case-insensitive (required)
        sheet: "*"                   # glob on the sheet name (optional)
        jenis: kks                   # rumah_tangga | anggota | kks | mpm | penduduk (optional)
        baris_header: 3              # 1-based (optional; default: detected)
        kolom: {"No Kartu": no_kks}  # header as written -> canonical column
        nilai: {status_kartu: {Sudah: tersalur, Belum: belum_tersalur, Retur: dikembalikan}}
        ya_tidak: {sta_kks: {ya: ["1", "Ya"], tidak: ["2", "Tidak"]}}

The matching rule is laid over the built-in profile: its `kolom` entries are added to the built-in aliases,
its `nilai`/`ya_tidak` replace the built-in vocabulary of the columns it names. Values are matched without
regard to case and surrounding (or repeated) spaces. A vocabulary from sumber.yml or profiles/ is *closed*:
a value outside it is recorded (`Table.outside`) and the cleaner flags it with the value
(`KKS_STATUS_TIDAK_VALID`, `YA_TIDAK_TIDAK_VALID`, `KODE_TIDAK_VALID`) and leaves it empty. The built-in
vocabularies are *open*: a value they do not list goes on to the column's own decoder, which flags what it
cannot read (and recognises e.g. the other PBDT yes/no pair).

API: `load(raw_dir) -> Profile`; `Profile.spec(file, sheet) -> Spec`; `builtin() -> Profile`;
`decode_status(series)`; `profile_files(raw_dir)` (the YAML files a folder's reading depends on).
"""
from __future__ import annotations

import fnmatch
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kemiskinan import config
from kemiskinan.domain import codes
from kemiskinan.errors import InputError
from kemiskinan.ingest.columns import CANONICAL
from kemiskinan.ingest.profiles.jenis import JENIS

SUMBER = "sumber.yml"
BUILTIN_FILE = Path(__file__).with_name("bawaan.yml")
STATUSES = ("tersalur", "belum_tersalur", "dikembalikan")
_TOP_KEYS = {"versi", "pakai", "file", "skema_desil", "satuan", "nama_data"}
#: Desil schemes a round can declare (`skema_desil`): PBDT 2015 / DTKS rank households in desil 1–4 (the
#: 40 % poorest), DTSEN ranks every family in desil 1–10.
SKEMA_DESIL = (4, 10)
#: The unit of a round (`satuan`): rumah_tangga (PBDT/DTKS: households with one or more keluarga) or keluarga
#: (DTSEN: one row per family, members joined on No. KK).
SATUAN = ("rumah_tangga", "keluarga")
_RULE_KEYS = {"pola", "sheet", "jenis", "baris_header", "kolom", "nilai", "ya_tidak"}
_ID_COLUMNS = {"idbdt", "idartbdt", "nik", "no_kk", "nik_pengurus", "no_kks"}


def header_key(name: object) -> str:
    """A header as written → its normalised form (`No. NIK ` → `no_nik`), before any alias."""
    import re
    s = unicodedata.normalize("NFKC", "" if name is None else str(name))
    s = s.replace("\u00a0", " ")
    for ch in "\u200b\u200c\u200d\u2060\ufeff":
        s = s.replace(ch, "")
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def value_key(v: object) -> str:
    """A value as matched against a vocabulary: NFKC, case-folded, spaces trimmed and collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(v)).replace("\u00a0", " ").split()).casefold()


@dataclass(frozen=True)
class Vocab:
    """One column's vocabulary: normalised file value → canonical value."""
    mapping: dict
    closed: bool            # values outside are findings (sumber.yml / profiles/) or passed on (built-in)
    rule: str               # finding rule for a value outside
    source: str             # where it was declared, for messages and `periksa`


@dataclass
class Rule:
    pola: str
    sheet: str | None = None
    jenis: str | None = None          # internal kind key (ruta, art, kks, mpm, penduduk)
    baris_header: int | None = None
    kolom: dict = field(default_factory=dict)      # header_key → canonical
    vocab: dict = field(default_factory=dict)      # canonical column → Vocab
    source: str = ""                               # "sumber.yml, file[1]"

    def matches(self, file: str, sheet: str | None) -> bool:
        if not fnmatch.fnmatchcase(file.casefold(), self.pola.casefold()):
            return False
        return self.sheet is None or fnmatch.fnmatchcase((sheet or "").casefold(), self.sheet.casefold())


@dataclass
class Spec:
    """What applies to one table (file × sheet): the matching rule laid over the built-in profile."""
    aliases: dict                     # header_key → canonical
    vocab: dict                       # canonical column → Vocab
    jenis: str | None = None
    baris_header: int | None = None
    source: str = "bawaan"            # the rule that applied, or "bawaan" (built-in only)


@dataclass
class Profile:
    rules: list[Rule]                 # sumber.yml's, then those of each `pakai` profile, in order
    base: Rule                        # the built-in profile
    files: list[Path] = field(default_factory=list)
    skema_desil: int = 4              # desil values 1..skema_desil (top-level `skema_desil`)
    satuan: str = "rumah_tangga"      # the unit (top-level `satuan`)
    nama_data: str | None = None      # the data set's name (top-level `nama_data`), for the vintage label
    sumber_skema: str = "bawaan"      # where skema_desil / satuan were declared, for messages

    def spec(self, file: str, sheet: str | None = None) -> Spec:
        rule = next((r for r in self.rules if r.matches(file, sheet)), None)
        aliases = dict(self.base.kolom)
        vocab = dict(self.base.vocab)
        if rule is None:
            return Spec(aliases, vocab)
        aliases.update(rule.kolom)
        vocab.update(rule.vocab)
        return Spec(aliases, vocab, rule.jenis, rule.baris_header, rule.source)


# ------------------------------------------------------------------------------------------- loading
def _fail(where: str, key: str, msg: str, hint: str | None = None) -> InputError:
    return InputError(f"kunci `{key}`: {msg}", file=where, hint=hint or "format: README, \"Memasukkan data asli\"")


def _text(v, where: str, key: str) -> str:
    if isinstance(v, bool):
        raise _fail(where, key, f"nilai {v!r} dibaca YAML sebagai benar/salah",
                    hint="tulis nilai seperti yes, no, on, off, true, false dalam tanda kutip, mis. \"No\"")
    if isinstance(v, (int, float, str)) and str(v).strip() != "":
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    raise _fail(where, key, f"nilai harus teks atau angka, bukan {v!r}")


def _canonical_columns() -> set[str]:
    return CANONICAL


def _check_target(col: str, target: str, where: str, key: str) -> str:
    """A canonical value of `nilai` for column `col`, checked against what the column can hold."""
    t = target.strip()
    if col == "status_kartu":
        if t not in STATUSES:
            raise _fail(where, key, f"'{target}' bukan status kartu kanonik ({', '.join(STATUSES)})")
        return t
    allowed: list | None = None
    if col in codes.CODELISTS:
        allowed = list(codes.CODELISTS[col])
    elif col == "hasil_verifikasi":
        allowed = list(codes.HASIL_VERIFIKASI)
    elif col == "status_kesejahteraan":
        allowed = [1, 2, 3, 4]
    elif col == "jnskel":
        if t.upper() not in {"1", "2", "L", "P"}:
            raise _fail(where, key, f"'{target}' bukan jenis kelamin kanonik (1/L atau 2/P)")
        return t.upper()
    if allowed is not None:
        try:
            n = int(t)
        except ValueError:
            n = None
        if n not in allowed:
            raise _fail(where, key, f"'{target}' bukan kode kolom {col} (kode yang sah: "
                                    f"{', '.join(map(str, allowed))})")
        return str(n)
    return t


def _rule_for(col: str, kind: str) -> str:
    if col == "status_kartu":
        return "KKS_STATUS_TIDAK_VALID"
    return "YA_TIDAK_TIDAK_VALID" if kind == "ya_tidak" else "KODE_TIDAK_VALID"


def _parse_rule(r, i: int, where: str, closed: bool) -> Rule:
    key = f"file[{i + 1}]"
    if not isinstance(r, dict):
        raise _fail(where, key, "setiap aturan harus berupa pemetaan (pola: …, jenis: …)")
    unknown = sorted(set(map(str, r)) - _RULE_KEYS)
    if unknown:
        raise _fail(where, f"{key}.{unknown[0]}", f"kunci tidak dikenal (yang sah: {', '.join(sorted(_RULE_KEYS))})")
    if "pola" not in r:
        raise _fail(where, f"{key}.pola", "wajib ada (glob nama file, mis. \"KKS_*.xlsx\")")
    canon = _canonical_columns()
    rule = Rule(_text(r["pola"], where, f"{key}.pola"), source=f"{where}, {key}")
    if r.get("sheet") is not None:
        rule.sheet = _text(r["sheet"], where, f"{key}.sheet")
    if r.get("jenis") is not None:
        j = _text(r["jenis"], where, f"{key}.jenis")
        if j not in JENIS:
            raise _fail(where, f"{key}.jenis", f"jenis '{j}' tidak dikenal (yang sah: {', '.join(JENIS)})")
        rule.jenis = JENIS[j]
    if r.get("baris_header") is not None:
        h = r["baris_header"]
        if isinstance(h, bool) or not isinstance(h, int) or not 1 <= h <= 1000:
            raise _fail(where, f"{key}.baris_header", f"harus bilangan bulat 1–1000 (nomor baris header), bukan {h!r}")
        rule.baris_header = h
    kolom = r.get("kolom") or {}
    if not isinstance(kolom, dict):
        raise _fail(where, f"{key}.kolom", "harus pemetaan \"judul kolom di file\": nama_kanonik")
    for written, target in kolom.items():
        k = f"{key}.kolom.\"{written}\""
        t = _text(target, where, k).strip()
        if t not in canon:
            raise _fail(where, k, f"nama kolom kanonik '{t}' tidak dikenal",
                        hint="nama kanonik yang sah: docs/contracts.md §1.6; contoh: nik, no_kk, idbdt, status_kartu")
        hk = header_key(_text(written, where, k))
        if not hk:
            raise _fail(where, k, "judul kolom kosong")
        rule.kolom[hk] = t
    for section in ("nilai", "ya_tidak"):
        block = r.get(section) or {}
        if not isinstance(block, dict):
            raise _fail(where, f"{key}.{section}", "harus pemetaan nama_kanonik: {…}")
        for col, spec in block.items():
            k = f"{key}.{section}.{col}"
            col = str(col)
            if col not in canon:
                raise _fail(where, k, f"nama kolom kanonik '{col}' tidak dikenal")
            if col in _ID_COLUMNS:
                raise _fail(where, k, "kolom ID tidak punya kosakata nilai")
            if col in rule.vocab:
                raise _fail(where, k, "kolom ini sudah diberi kosakata di `nilai` dan `ya_tidak` sekaligus")
            if not isinstance(spec, dict) or not spec:
                raise _fail(where, k, "harus pemetaan tidak kosong")
            mapping: dict[str, str] = {}
            if section == "nilai":
                if col in codes.YES_NO:
                    raise _fail(where, k, "kolom ya/tidak: pakai `ya_tidak`, bukan `nilai`")
                for v, target in spec.items():
                    kv = f"{k}.\"{v}\""
                    mapping[value_key(_text(v, where, kv))] = _check_target(col, _text(target, where, kv), where, kv)
            else:
                if set(map(str, spec)) != {"ya", "tidak"}:
                    raise _fail(where, k, "harus berisi tepat dua kunci: ya dan tidak")
                pair = codes.YES_NO.get(col)
                if pair is None:
                    if codes.CODELISTS.get(col, {}).get(1) != "Ya":
                        raise _fail(where, k, f"kolom {col} bukan kolom ya/tidak")
                    pair = (1, 2)
                for word, code in (("ya", pair[0]), ("tidak", pair[1])):
                    vals = spec[word]
                    vals = vals if isinstance(vals, list) else [vals]
                    for v in vals:
                        kv = f"{k}.{word}"
                        vk = value_key(_text(v, where, kv))
                        if vk in mapping and mapping[vk] != str(code):
                            raise _fail(where, kv, f"nilai '{v}' ada di ya dan tidak sekaligus")
                        mapping[vk] = str(code)
            rule.vocab[col] = Vocab(mapping, closed, _rule_for(col, section), rule.source)
    return rule


def _read_yaml(path: Path, label: str) -> dict:
    import yaml
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError("file profil bukan teks UTF-8", file=label) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"YAML tidak bisa dibaca: {getattr(e, 'problem', None) or e}", file=label,
                         row=mark.line + 1 if mark is not None else None,
                         hint="periksa indentasi (spasi, bukan tab) dan tanda kutip") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError("isi profil harus pemetaan (versi, pakai, file)", file=label)
    unknown = sorted(set(map(str, doc)) - _TOP_KEYS)
    if unknown:
        raise _fail(label, unknown[0], f"kunci tidak dikenal (yang sah: {', '.join(sorted(_TOP_KEYS))})")
    if doc.get("versi", 1) != 1:
        raise _fail(label, "versi", f"versi {doc.get('versi')!r} tidak dikenal (yang ada: 1)")
    if not isinstance(doc.get("file", []) or [], list):
        raise _fail(label, "file", "harus daftar aturan (setiap aturan diawali '- pola: …')")
    if "skema_desil" in doc:
        v = doc["skema_desil"]
        if isinstance(v, bool) or not isinstance(v, int) or v not in SKEMA_DESIL:
            raise _fail(label, "skema_desil", f"harus {' atau '.join(map(str, SKEMA_DESIL))} (desil 1–4 seperti "
                        f"PBDT/DTKS, desil 1–10 seperti DTSEN), bukan {v!r}")
    if "satuan" in doc:
        v = doc["satuan"]
        if not isinstance(v, str) or v.strip() not in SATUAN:
            raise _fail(label, "satuan", f"harus {' atau '.join(SATUAN)} (keluarga: satu baris per keluarga, "
                        f"anggota digabung lewat No. KK, seperti DTSEN), bukan {v!r}")
        doc["satuan"] = v.strip()
    if "nama_data" in doc:
        v = doc["nama_data"]
        if not isinstance(v, str) or not v.strip() or len(v.strip()) > 40:
            raise _fail(label, "nama_data", f"harus teks pendek (nama data untuk label periode di briefing, "
                        f"mis. DTKS atau DTSEN), bukan {v!r}")
        doc["nama_data"] = " ".join(v.split())
    return doc


def _round_keys(docs: list[tuple[dict, str]]) -> tuple[int, str, str, str | None]:
    """(skema_desil, satuan, where, nama_data) from sumber.yml and the profiles it uses: the first that declares a key
    wins (sumber.yml, then `pakai` in order, as for the file rules); two that declare different values are
    an error naming both files — a round has one scheme and one unit."""
    out: dict[str, tuple[object, str]] = {}
    for doc, label in docs:
        for key in ("skema_desil", "satuan", "nama_data"):
            if key in doc:
                if key in out and out[key][0] != doc[key]:
                    raise _fail(label, key, f"{doc[key]!r} bertentangan dengan {out[key][0]!r} di {out[key][1]}",
                                hint="satu folder mentah = satu putaran data: satu skema desil dan satu satuan")
                out.setdefault(key, (doc[key], label))
    where = ", ".join(sorted({w for k, (_, w) in out.items() if k != "nama_data"})) or "bawaan"
    return (int(out.get("skema_desil", (4, ""))[0]), str(out.get("satuan", ("rumah_tangga", ""))[0]), where,
            out.get("nama_data", (None, ""))[0])


def _rules_of(doc: dict, label: str, closed: bool) -> list[Rule]:
    return [_parse_rule(r, i, label, closed) for i, r in enumerate(doc.get("file") or [])]


@lru_cache(maxsize=1)
def _builtin_rule() -> Rule:
    doc = _read_yaml(BUILTIN_FILE, "profil bawaan (bawaan.yml)")
    (rule,) = _rules_of(doc, "profil bawaan", closed=False)
    rule.source = "bawaan"
    return rule


def builtin() -> Profile:
    """The profile used when a folder has no sumber.yml: the built-in one only."""
    return Profile([], _builtin_rule())


def profiles_dir() -> Path:
    return config.PROJ_ROOT / "profiles"


def load(raw_dir: str | Path) -> Profile:
    """The profile for the files of `raw_dir`: its sumber.yml (if any), the profiles it names, the built-in."""
    raw_dir = Path(raw_dir)
    path = raw_dir / SUMBER
    if not path.is_file():
        return builtin()
    doc = _read_yaml(path, SUMBER)
    rules = _rules_of(doc, SUMBER, closed=True)
    files = [path]
    docs = [(doc, SUMBER)]
    pakai = doc.get("pakai") or []
    if isinstance(pakai, str):
        pakai = [pakai]
    if not isinstance(pakai, list):
        raise _fail(SUMBER, "pakai", "harus daftar nama profil di profiles/, mis. [kks_dinsos]")
    for name in pakai:
        name = _text(name, SUMBER, "pakai")
        p = profiles_dir() / (name if name.endswith((".yml", ".yaml")) else f"{name}.yml")
        if "/" in name or "\\" in name or not p.is_file():
            have = sorted(q.stem for q in profiles_dir().glob("*.yml")) if profiles_dir().is_dir() else []
            raise _fail(SUMBER, "pakai", f"profil '{name}' tidak ada di profiles/ (yang ada: {', '.join(have) or '-'})")
        label = f"profiles/{p.name}"
        sub = _read_yaml(p, label)
        if sub.get("pakai"):
            raise _fail(label, "pakai", "profil di profiles/ tidak boleh memakai profil lain (hanya sumber.yml)")
        rules += _rules_of(sub, label, closed=True)
        files.append(p)
        docs.append((sub, label))
    skema, satuan, where, nama = _round_keys(docs)
    return Profile(rules, _builtin_rule(), files, skema_desil=skema, satuan=satuan, sumber_skema=where,
                   nama_data=nama)


def profile_files(raw_dir: str | Path) -> list[Path]:
    """The YAML files the reading of `raw_dir` depends on (sumber.yml and the profiles it names)."""
    return load(raw_dir).files


# ------------------------------------------------------------------------------------------ values
def apply_vocab(s: pd.Series, vocab: Vocab) -> tuple[pd.Series, np.ndarray, pd.DataFrame]:
    """(values mapped to canonical, mask of values outside a closed vocabulary, the distinct raw values
    with their count and what they became — for `periksa`). Decided once per distinct value; the rows are
    filled by one arrow `take` (a column whose values all stay as they are is returned as it is)."""
    codes_, uniq = pd.factorize(s, use_na_sentinel=True)
    u = [str(x) for x in uniq]
    keys = [value_key(x) for x in u]
    mapped = [vocab.mapping.get(k) for k in keys]
    blank = np.array([k == "" for k in keys] + [True])
    hit = np.array([m is not None for m in mapped] + [False])
    new_u = [m if m is not None else x for m, x in zip(mapped, u)]
    idx = np.where(codes_ < 0, len(u), codes_)
    if new_u == u:
        out = s
    else:
        out = pd.Series(pd.array(new_u + [""], dtype="str").take(idx), index=s.index)
    outside_u = ~hit & ~blank
    counts = np.bincount(idx, minlength=len(u) + 1)[:len(u)]
    report = pd.DataFrame({"nilai": pd.array(u, dtype="str"), "jumlah": counts,
                           "menjadi": [m if m is not None else ("" if b else ("(di luar kosakata)" if vocab.closed
                                                                             else "(diteruskan)"))
                                       for m, b in zip(mapped, blank[:-1])]})
    return out, (outside_u[idx] if vocab.closed else np.zeros(len(s), dtype=bool)), report


def decode_status(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """KKS card status after the profile's vocabulary: the canonical words → category; anything else that
    is not blank → NA + invalid (KKS_STATUS_TIDAK_VALID)."""
    t = s.astype("str").fillna("").str.strip()
    canon = t.str.casefold().str.replace(r"\s+", "_", regex=True)
    ok = canon.isin(STATUSES)
    vals = canon.where(ok)
    invalid = (t != "") & ~ok
    return (pd.Series(pd.Categorical(vals, categories=STATUSES), index=s.index),
            pd.Series(invalid.to_numpy(dtype=bool), index=s.index))
