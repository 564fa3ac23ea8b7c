"""The analysts' data-quality report (HTML, self-contained; NOT for the Walikota: it names rows).

    write_quality_report(processed_dir, out_html, previous_dir=None)

Shows: reconciliation per file/sheet, counts per rule and action, counts per rule × kelurahan, up to three
masked examples per rule (values are already masked in temuan.parquet), the rows whose wilayah code and
kelurahan name disagree counted per (code, name) pair, and what changed since the
previous run (by default the copy the cleaner keeps in `<processed_dir>/sebelumnya/`).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape

from kemiskinan.clean.rules import RULES
from kemiskinan.domain import wilayah as wil
from kemiskinan.errors import InputError
from kemiskinan.hashing import files_stamp

TEMPLATE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<title>Laporan kualitas data — {{ title }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;max-width:80rem;color:#222}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem} td,th{border:1px solid #ddd;padding:.25rem .5rem}
th{background:#f3f3f3;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{background:#fde2e2} .note{background:#fff7d6;padding:.5rem 1rem;border-left:4px solid #e0b400}
.tolak{color:#a40000} .gabung{color:#5a3ea8} .tandai{color:#8a6100} .plus{color:#a40000} .minus{color:#0a7a2f}
</style></head><body>
<h1>Laporan kualitas data pembersihan — {{ title }}</h1>
<p class="note"><b>Untuk analis, bukan untuk dibagikan.</b> Laporan ini menyebut file dan nomor baris;
nilai ditampilkan tersamar (ID: 4 digit awal + ******** + 2 digit akhir; nama: huruf pertama + ***).
{% if meta.sintetis %}<br><b>DATA SINTETIS — BUKAN DATA ASLI.</b>{% endif %}</p>

<h2>1. Rekonsiliasi per file</h2>
<p>Setiap baris yang dibaca berakhir di tepat satu tempat: disimpan, ditolak, atau digabung.</p>
<table><tr><th>file</th><th>sheet</th><th>jenis</th><th>dibaca</th><th>disimpan</th><th>ditolak</th>
<th>digabung</th><th>seimbang</th></tr>
{% for r in rek %}<tr{% if not r.seimbang %} class="bad"{% endif %}><td>{{ r.file }}</td><td>{{ r.sheet }}</td>
<td>{{ r.jenis }}</td><td class="n">{{ fmt(r.dibaca) }}</td><td class="n">{{ fmt(r.disimpan) }}</td>
<td class="n">{{ fmt(r.ditolak) }}</td><td class="n">{{ fmt(r.digabung) }}</td><td>{{ "ya" if r.seimbang else "TIDAK" }}</td></tr>
{% endfor %}</table>

<h2>2. Temuan per aturan</h2>
<table><tr><th>aturan</th><th>tindakan</th><th>jumlah</th><th>sebelumnya</th><th>perubahan</th><th>pesan</th></tr>
{% for r in per_rule %}<tr><td><code>{{ r.aturan }}</code></td><td class="{{ r.tindakan }}">{{ r.tindakan }}</td>
<td class="n">{{ fmt(r.n) }}</td><td class="n">{{ "" if r.prev is none else fmt(r.prev) }}</td>
<td class="n {{ 'plus' if r.delta and r.delta > 0 else ('minus' if r.delta and r.delta < 0 else '') }}">
{{ "" if r.delta is none else ("%+d" % r.delta) }}</td><td>{{ r.pesan }}</td></tr>
{% else %}<tr><td colspan="6">Tidak ada temuan.</td></tr>{% endfor %}</table>

<h2>3. Temuan per aturan dan kelurahan</h2>
{% if kel_cols %}<table><tr><th>aturan</th>{% for k in kel_cols %}<th>{{ k }}</th>{% endfor %}<th>tidak diketahui</th></tr>
{% for r in per_kel %}<tr><td><code>{{ r.aturan }}</code></td>{% for v in r.vals %}<td class="n">{{ fmt(v) if v else "" }}</td>{% endfor %}</tr>
{% endfor %}</table>{% else %}<p>Tidak ada temuan.</p>{% endif %}

<h2>4. Contoh (tersamar)</h2>
<table><tr><th>aturan</th><th>file</th><th>sheet</th><th>baris</th><th>kolom</th><th>nilai tersamar</th></tr>
{% for r in examples %}<tr><td><code>{{ r.aturan }}</code></td><td>{{ r.file }}</td><td>{{ r.sheet }}</td>
<td class="n">{{ r.baris }}</td><td>{{ r.kolom }}</td><td><code>{{ r.nilai_tersamar }}</code></td></tr>
{% endfor %}</table>

<h2>5. Kode wilayah dan nama kelurahan yang tidak sepakat</h2>
<p>Baris yang kode wilayahnya (BPS <code>KDKEC.KDDESA</code> atau kode wilayah) menunjuk kelurahan lain dari
nama kelurahannya (<code>WILAYAH_KODE_NAMA_BEDA</code>). Nama dipakai bila cocok persis dengan satu kelurahan
di kecamatan kode itu (kode desa BPS di <code>data/reference/wilayah_bontang.csv</code> belum diverifikasi);
selain itu kode dipakai.</p>
{% if kode_nama %}<table><tr><th>kode di file</th><th>nama di file</th><th>kelurahan yang dipakai</th><th>menurut</th><th>jumlah baris</th></tr>
{% for r in kode_nama %}<tr><td><code>{{ r.kode }}</code></td><td>{{ r.nama }}</td><td>{{ r.dipakai }}</td>
<td>{{ r.menurut }}</td><td class="n">{{ fmt(r.n) }}</td></tr>
{% endfor %}</table>{% else %}<p>Tidak ada.</p>{% endif %}

<h2>6. Perubahan sejak pembersihan sebelumnya</h2>
{% if not has_prev %}<p>Tidak ada hasil pembersihan sebelumnya untuk dibandingkan.</p>
{% else %}
<p>File mentah: {% if file_changes %}{% for c in file_changes %}<br>{{ c }}{% endfor %}{% else %}tidak berubah.{% endif %}</p>
<table><tr><th>file</th><th>sheet</th><th>dibaca</th><th>disimpan</th><th>ditolak</th><th>digabung</th></tr>
{% for r in rek_diff %}<tr><td>{{ r.file }}</td><td>{{ r.sheet }}</td>
{% for c in ["dibaca", "disimpan", "ditolak", "digabung"] %}<td class="n">{{ r[c] }}</td>{% endfor %}</tr>
{% else %}<tr><td colspan="6">Angka rekonsiliasi tidak berubah.</td></tr>{% endfor %}</table>
{% endif %}
</body></html>
"""


def _fmt(n) -> str:
    try:
        return f"{int(n):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(n)


def _read(d: Path | None, name: str) -> pd.DataFrame | None:
    if d is None:
        return None
    p = Path(d) / name
    return pd.read_parquet(p) if p.exists() else None


def _meta(d: Path | None) -> dict:
    if d is None or not (Path(d) / "meta.json").exists():
        return {}
    return json.loads((Path(d) / "meta.json").read_text(encoding="utf-8"))


def kode_nama_pairs(temuan: pd.DataFrame) -> pd.DataFrame:
    """WILAYAH_KODE_NAMA_BEDA counted per (code, name) pair as written in the files, with the kelurahan used
    and what decided it (`nama` / `kode`): columns kode, nama, dipakai, menurut, n; most rows first."""
    cols = ["kode", "nama", "dipakai", "menurut", "n"]
    t = temuan[temuan["aturan"].astype(str) == "WILAYAH_KODE_NAMA_BEDA"]
    if t.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "n" else "str") for c in cols})
    pair = t["nilai_tersamar"].astype(str).str.split(" | ", n=1, regex=False)
    names = wil.names()
    d = pd.DataFrame({
        "kode": pair.str[0].fillna(""), "nama": pair.str[1].fillna(""),
        "dipakai": t["kode_kelurahan"].astype("str").map(lambda k: names.get(k, k) if isinstance(k, str) else ""),
        "menurut": t["pesan"].astype(str).str.contains("; nama dipakai", regex=False).map({True: "nama", False: "kode"}),
    })
    out = d.groupby(["kode", "nama", "dipakai", "menurut"], dropna=False).size().rename("n").reset_index()
    return out.sort_values(["n", "kode", "nama"], ascending=[False, True, True], kind="mergesort") \
        .reset_index(drop=True)[cols]


def render_quality_report(processed_dir: str | Path, previous_dir: str | Path | None = None,
                          title: str | None = None) -> str:
    processed_dir = Path(processed_dir)
    if previous_dir is None and (processed_dir / "sebelumnya").is_dir():
        previous_dir = processed_dir / "sebelumnya"
    tem = _read(processed_dir, "temuan.parquet")
    rek = _read(processed_dir, "rekonsiliasi.parquet")
    if tem is None or rek is None:
        raise InputError("temuan.parquet / rekonsiliasi.parquet tidak ada; jalankan pembersihan dulu",
                         file=str(processed_dir))
    meta = _meta(processed_dir)
    prev_t = _read(Path(previous_dir), "temuan.parquet") if previous_dir else None
    prev_r = _read(Path(previous_dir), "rekonsiliasi.parquet") if previous_dir else None
    prev_m = _meta(Path(previous_dir)) if previous_dir else {}

    for c in ("aturan", "tindakan", "file", "sheet", "kolom"):
        tem[c] = tem[c].astype("str")
    counts = tem.groupby(["aturan", "tindakan"]).size().rename("n").reset_index()
    prev_counts = prev_t.astype({"aturan": "str"}).groupby("aturan").size() if prev_t is not None else None
    per_rule = []
    for r in counts.sort_values(["tindakan", "n"], ascending=[True, False]).itertuples(index=False):
        prev = None if prev_counts is None else int(prev_counts.get(r.aturan, 0))
        rule = RULES.get(r.aturan)
        per_rule.append({"aturan": r.aturan, "tindakan": r.tindakan, "n": int(r.n), "prev": prev,
                         "delta": None if prev is None else int(r.n) - prev,
                         "pesan": rule.pesan.format(kolom="‹kolom›") if rule else ""})
    if prev_counts is not None:
        for a, n in prev_counts.items():
            if a not in set(counts["aturan"]):
                per_rule.append({"aturan": a, "tindakan": "", "n": 0, "prev": int(n), "delta": -int(n), "pesan": ""})

    names = wil.names()
    kel_codes = [w.kode for w in wil.kelurahan()]
    kel_cols = [names[k] for k in kel_codes]
    per_kel = []
    if len(tem):
        kk = tem["kode_kelurahan"].astype("str").fillna("?")
        pv = pd.crosstab(tem["aturan"], kk)
        for a in pv.index:
            vals = [int(pv.loc[a, k]) if k in pv.columns else 0 for k in kel_codes]
            vals.append(int(pv.loc[a, [c for c in pv.columns if c not in kel_codes]].sum()))
            per_kel.append({"aturan": a, "vals": vals})
    examples = (tem.sort_values(["aturan", "file", "sheet", "baris"]).groupby("aturan").head(3)
                [["aturan", "file", "sheet", "baris", "kolom", "nilai_tersamar"]].to_dict("records"))

    file_changes = []
    if previous_dir:
        now_f, old_f = meta.get("files", {}), prev_m.get("files", {})
        for n in sorted(set(now_f) | set(old_f)):
            if n not in old_f:
                file_changes.append(f"baru: {n}")
            elif n not in now_f:
                file_changes.append(f"hilang: {n}")
            elif now_f[n] != old_f[n]:
                file_changes.append(f"berubah: {n}")
    rek_diff = []
    if prev_r is not None:
        m = rek.merge(prev_r, on=["file", "sheet"], how="outer", suffixes=("", "_lama"))
        for r in m.to_dict("records"):
            cells = {}
            changed = False
            for c in ("dibaca", "disimpan", "ditolak", "digabung"):
                a, b = r.get(c), r.get(f"{c}_lama")
                a = None if pd.isna(a) else int(a)
                b = None if pd.isna(b) else int(b)
                changed |= a != b
                cells[c] = f"{_fmt(b) if b is not None else '—'} → {_fmt(a) if a is not None else '—'}"
            if changed:
                rek_diff.append({"file": r["file"], "sheet": r["sheet"], **cells})

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    tpl = env.from_string(TEMPLATE)
    return tpl.render(title=title or processed_dir.name, meta=meta, rek=rek.to_dict("records"), per_rule=per_rule,
                      kel_cols=kel_cols if per_kel else [], per_kel=per_kel, examples=examples,
                      kode_nama=kode_nama_pairs(tem).to_dict("records"),
                      has_prev=previous_dir is not None and prev_r is not None, file_changes=file_changes,
                      rek_diff=rek_diff, fmt=_fmt)


def write_quality_report(processed_dir: str | Path, out_html: str | Path,
                         previous_dir: str | Path | None = None) -> Path:
    """Write the report (atomically) to `out_html`, e.g. reports/<periode>/kualitas_data.html."""
    out = Path(out_html)
    out.parent.mkdir(parents=True, exist_ok=True)
    html = render_quality_report(processed_dir, previous_dir, title=Path(processed_dir).name)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out


_FRAGMENTS: dict[tuple, str] = {}


def quality_fragment(processed_dir: str | Path, previous_dir: str | Path | None = None) -> str:
    """The report's body only, for the appendix of the analyst's briefing (styled by the briefing's CSS).

    Every briefing of a build shows the same appendix, so a process renders it once per state of its
    inputs, keyed on the identity, size and mtime of every file the report reads (`hashing.files_stamp`):
    a re-run of step 01 rewrites them, so a changed report is always re-rendered."""
    processed_dir = Path(processed_dir)
    prev = Path(previous_dir) if previous_dir is not None else processed_dir / "sebelumnya"
    names = ("temuan.parquet", "rekonsiliasi.parquet", "meta.json")
    key = (str(processed_dir), str(previous_dir), prev.is_dir(),
           files_stamp([processed_dir / n for n in names] + [prev / n for n in names]))
    if key not in _FRAGMENTS:
        _FRAGMENTS.clear()
        _FRAGMENTS[key] = _fragment(processed_dir, previous_dir)
    return _FRAGMENTS[key]


def _fragment(processed_dir: Path, previous_dir: str | Path | None) -> str:
    html = render_quality_report(processed_dir, previous_dir, title=Path(processed_dir).name)
    m = re.search(r"<body[^>]*>(.*)</body>", html, flags=re.S | re.I)
    body = m.group(1) if m else html
    return f'<section class="lampiran-kualitas">{body}</section>'
