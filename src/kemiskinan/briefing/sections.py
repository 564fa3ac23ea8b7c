"""Briefing sections (docs/domain.md §6) built from the indicator tables (contracts §3) for one wilayah.

Every public function takes the dict of indicator tables (`kemiskinan.indicators.load_all(periode)`),
a Kemendagri wilayah code (`64.74` kota, `64.74.01` kecamatan, `64.74.01.1003` kelurahan) and a
language, and returns an `Html` object: a `str` that Jupyter displays as HTML, so a notebook cell can
simply end with `briefing.section_cakupan(tables, kode, lang)`. Charts are embedded as base64 SVG (via the chart cache, `charts.cached_html`).

Rules kept here, and why:
- Jinja2 with autoescape: kelurahan/RT names come from data files and must never inject markup.
- Numbers only through `kemiskinan.briefing.fmt`; a suppressed or missing value shows "–*"/"–", never 0.
- Tables have at most 6 columns: the briefing is read on a 390 px phone and printed on A4
  (measured: wide tables get clipped in every PDF route).
- Aggregates only (docs/domain.md §7): nothing here reads a person-level table.
"""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from kemiskinan.briefing import charts

from kemiskinan.briefing import fmt

from kemiskinan.briefing import maps

from kemiskinan.domain import wilayah
from kemiskinan.briefing.i18n import INDIKATOR, desil_label, program_name, t, tingkat_label
from kemiskinan.errors import CheckError
from kemiskinan.indicators.banding import target_definition

MAX_COLUMNS = 6
KOTA = wilayah.KOTA_CODE


class Html(str):
    """HTML text that IPython renders as HTML (and that `IPython.display.HTML(...)` also accepts)."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # A short text/plain keeps the executed .ipynb from carrying every section twice.
        return {"text/html": str(self), "text/plain": "<briefing HTML>"}


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)


@lru_cache(maxsize=64)
def _template(source: str):
    """Compiled once per kernel: the templates are module constants, and compiling them was ~20 % of a
    briefing's non-chart time (19 compiles per briefing). A pure function of the source, so a kernel
    reused across briefings carries nothing from one wilayah to the next."""
    return _ENV.from_string(source)


def _render(template: str, **ctx: Any) -> Html:
    return Html(_template(template).render(**ctx))


# ----------------------------------------------------------------------------------------------------
# table access
# ----------------------------------------------------------------------------------------------------

def _tbl(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    df = tables.get(name)
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def _rows(df: pd.DataFrame, kode: str | Iterable[str]) -> pd.DataFrame:
    if df.empty or "kode_wilayah" not in df:
        return df.iloc[0:0]
    codes = [kode] if isinstance(kode, str) else list(kode)
    return df[df["kode_wilayah"].astype(str).isin(codes)]


def _row(df: pd.DataFrame, kode: str) -> dict[str, Any]:
    r = _rows(df, kode)
    return r.iloc[0].to_dict() if len(r) else {}


def _tingkat(kode: str) -> str:
    try:
        return wilayah.get(kode).tingkat
    except KeyError:
        return "rt" if kode.count(".") >= 4 else "kelurahan"


def _kelurahan_in(kode: str) -> list[str]:
    """Kelurahan codes inside a wilayah (the kelurahan itself for a kelurahan)."""
    tk = _tingkat(kode)
    if tk == "kota":
        return [w.kode for w in wilayah.kelurahan()]
    if tk == "kecamatan":
        return [w.kode for w in wilayah.kelurahan(kode)]
    return [kode]


def _peers(kode: str) -> list[str]:
    """The kelurahan a chart compares against: all of the kecamatan (for a kelurahan) or of the scope."""
    if _tingkat(kode) == "kelurahan":
        return [w.kode for w in wilayah.kelurahan(wilayah.get(kode).induk)]
    return _kelurahan_in(kode)


def _names(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Code → display name: the reference names, overridden by names the indicator tables carry."""
    names = dict(wilayah.names())
    for tname in ("ringkasan", "prioritas"):
        df = _tbl(tables, tname)
        if not df.empty and {"kode_wilayah", "nama"} <= set(df.columns):
            for k, n in zip(df["kode_wilayah"].astype(str), df["nama"]):
                if not fmt.is_na(n) and str(n).strip():
                    names[k] = str(n)
    return names


def _target(tables: Mapping[str, pd.DataFrame], kode: str, df: pd.DataFrame, col: str = "target") -> pd.DataFrame:
    """Rows of `df` for the briefing's main target group: `kode`'s `target` in `ringkasan` (e.g. `D1-D4`).

    The indicator tables also carry extra targets (`D1`, `D1-D2`) and, in `tumpang_tindih`, extra
    groups; summing over them would count a household two or three times. Step 02 writes the target on
    every `ringkasan` row, so a wilayah without one is an error, not a guess; a table without rows for
    the target gives no rows.
    """
    if df.empty or col not in df:
        return df
    main = _row(_tbl(tables, "ringkasan"), kode).get("target")
    if fmt.is_na(main) or not main:
        raise CheckError(f"ringkasan: tidak ada target untuk wilayah {kode}; briefing tidak bisa memilih "
                         f"baris {col} yang benar")
    return df[df[col].astype(str) == str(main)]


def _num(v: Any) -> float | None:
    if fmt.is_na(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _is_true(v: Any) -> bool:
    return not fmt.is_na(v) and bool(v)


def _vintage(meta: Mapping | None, key: str, lang: str) -> str:
    v = ((meta or {}).get("vintage") or {}).get(key)
    return str(v) if v else t(f"periode_{key}", lang) if key in {"bdt", "kks", "mpm"} else ""


def _sumber(meta: Mapping | None, key: str, lang: str) -> str:
    """A chart's or card's source text. The defaults name PBDT 2015 and the KKS list of 2017; a later round
    (meta.json `vintage.bdt` other than PBDT 2015, issue 20) names its own data and KKS list instead."""
    v = (meta or {}).get("vintage") or {}
    if key == "penduduk" and v.get("penduduk"):
        tahun = v["penduduk"] if isinstance(v["penduduk"], list) else [v["penduduk"]]
        return t("sumber_penduduk_tahun", lang, tahun=", ".join(str(x) for x in tahun))
    bdt = str(v.get("bdt") or "")
    if not bdt or bdt == t("periode_bdt", "id") or key not in {"bdt", "kks"}:
        return t(f"sumber_{key}", lang)
    return t(f"sumber_{key}_ronde", lang, bdt=bdt, kks=str(v.get("kks") or t("periode_kks", lang)))


def _target_desil(tables: Mapping[str, pd.DataFrame]) -> list[int]:
    """The round's target desil from `ringkasan.target` (`D1-D5` → [1..5], `D1+D3` → [1, 3]); desil 1–4 when
    the table has no single readable label (a label step 02 never writes keeps the fixed texts)."""
    ring = _tbl(tables, "ringkasan")
    labels = ring["target"].dropna().astype(str).unique().tolist() if "target" in ring else []
    if len(labels) == 1:
        try:
            return target_definition(labels[0])
        except CheckError:
            pass
    return [1, 2, 3, 4]


def _desil_words(tables: Mapping[str, pd.DataFrame], lang: str, adjective: bool = False) -> str:
    """The target group in words: "desil 1–4", "desil 1, 3"; in English "deciles 1–4", or "decile 1–4"
    before a noun (`adjective`)."""
    d = _target_desil(tables)
    if len(d) == 1:
        return t("sasaran_desil_satu", lang, a=d[0])
    key = "rentang" if d == list(range(d[0], d[-1] + 1)) else "daftar"
    words = t(f"sasaran_desil_{key}", lang, a=d[0], b=d[-1], daftar=", ".join(str(x) for x in d))
    return words.replace("deciles", "decile", 1) if adjective and lang == "en" else words


def _sasaran(tables: Mapping[str, pd.DataFrame], lang: str) -> str | None:
    """The target group in words when it is not desil 1–4 (params `target_desil`); None for desil 1–4, whose
    fixed card and map texts already say so."""
    return None if _target_desil(tables) == [1, 2, 3, 4] else _desil_words(tables, lang)


def _absent(meta: Mapping | None, key: str) -> bool:
    """Whether the clean step had no `key` input (`kks`, `mpm`, `penduduk`): meta.json `masukan`. A run
    without that record (older outputs) counts as supplied."""
    return ((meta or {}).get("masukan") or {}).get(key, True) is False


def _absent_note(meta: Mapping | None, key: str, lang: str) -> str:
    """The sentence a section shows when its optional input was not supplied ('' otherwise)."""
    return t(f"masukan_{key}_tidak_ada", lang) if _absent(meta, key) else ""


def _for_label(kode: str, nama: str, lang: str) -> str:
    tk = _tingkat(kode)
    if tk == "kota":
        return t("untuk_walikota", lang)
    return t("untuk_camat" if tk == "kecamatan" else "untuk_lurah", lang, nama=nama)


# ----------------------------------------------------------------------------------------------------
# small HTML builders
# ----------------------------------------------------------------------------------------------------

_TABLE = """
<div class="tabel-wrap"><table class="tabel">
{% if caption %}<caption>{{ caption }}</caption>{% endif %}
<thead><tr>{% for h in headers %}<th scope="col"{% if numeric[loop.index0] %} class="num"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for r in rows %}<tr{% if loop.index0 in strong %} class="sorot"{% endif %}>{% for c in r %}{% if loop.first %}<th scope="row">{{ c }}</th>{% else %}<td{% if numeric[loop.index0] %} class="num"{% endif %}>{{ c }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</tbody></table></div>
{% if note %}<p class="catatan">{{ note }}</p>{% endif %}
"""


def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None,
               caption: str | None = None, note: str | None = None, strong: Iterable[int] = ()) -> Markup:
    """A narrow, escaped table; cells are already-formatted strings. Raises if wider than 6 columns."""
    if len(headers) > MAX_COLUMNS:
        raise ValueError(f"tabel briefing maksimal {MAX_COLUMNS} kolom, diberi {len(headers)}")
    numeric = list(numeric) if numeric is not None else [False] + [True] * (len(headers) - 1)
    return Markup(_template(_TABLE).render(headers=headers, rows=rows, numeric=numeric, caption=caption,
                                                  note=note, strong=set(strong)))


def _chart(fn, *args, **kwargs) -> Markup:
    """A chart's `<figure>`: `fn(*args, **kwargs)` drawn, or reused from the chart cache (`charts.cached_html`)."""
    return Markup(charts.cached_html(fn, *args, **kwargs))


# The heading and its sentences sit in one small unbreakable block, so a printed page never ends with a
# stranded section title; a heading without sentences avoids a break after it. The first table or chart
# is NOT kept with them: heading + sentences + chart (or a table that could not split) was up to 150 mm
# tall and, pushed whole to the next page, left the page before it half empty.
_SECTION = """
<section class="bagian" id="{{ sid }}">
<div class="bagian-awal{% if not paras %} tanpa-teks{% endif %}">
<h2>{{ title }}</h2>
{% for p in paras %}<p class="lead">{{ p }}</p>
{% endfor %}
</div>
{% for b in blocks %}{{ b }}
{% endfor %}
</section>
"""


def _section(sid: str, title: str, paras: Sequence[str] = (), blocks: Sequence[Markup] = ()) -> Html:
    return _render(_SECTION, sid=sid, title=title, paras=[p for p in paras if p], blocks=[b for b in blocks if b])


def _empty(lang: str) -> Markup:
    return Markup('<p class="catatan">{}</p>').format(t("tidak_ada_data", lang).capitalize() + ".")


# ----------------------------------------------------------------------------------------------------
# banner and headline
# ----------------------------------------------------------------------------------------------------

_BANNER = """
{% if sintetis %}<div class="banner-sintetis" role="alert">{{ banner }}</div>
{% endif %}
<header class="kepala">
<p class="jenis">{{ judul }}</p>
<h1>{{ nama }}</h1>
<p class="untuk">{{ untuk }}{% if periode %} · {{ periode_label }} {{ periode }}{% endif %}</p>
<p class="rahasia">{{ rahasia }}</p>
</header>
"""


def banner(meta: Mapping[str, Any]) -> Html:
    """Title block of a briefing plus, for synthetic data, the red "DATA SINTETIS" banner.

    `meta` is the notebook's `kemiskinan` metadata: wilayah, nama_wilayah, periode, lang, sintetis, ….
    """
    lang = meta.get("lang", "id")
    kode = str(meta.get("wilayah", KOTA))
    nama = meta.get("nama_wilayah") or wilayah.names().get(kode, kode)
    return _render(_BANNER, sintetis=bool(meta.get("sintetis")), banner=t("banner_sintetis", lang),
                   judul=t("judul_dokumen", lang), nama=nama, untuk=_for_label(kode, nama, lang),
                   periode=meta.get("periode") or "", periode_label=t("periode", lang),
                   rahasia=t("rahasia_agregat", lang))


# The value columns of `bps_makro` (indicators.tables.BPS_COLUMNS) → the names the makro section uses.
_BPS_INDIKATOR = {"p0_persen": "p0", "p1": "p1", "p2": "p2", "garis_kemiskinan_rp": "gk",
                  "penduduk_miskin": "penduduk_miskin"}


def _bps_long(df: pd.DataFrame) -> pd.DataFrame:
    """The `bps_makro` table (one row per `wilayah` name and `tahun`) in long form: tahun, seri
    (bontang/kaltim/nasional, else the lower-cased name), nama, indikator (p0, p1, p2, gk, penduduk_miskin),
    nilai."""
    if df.empty:
        return pd.DataFrame(columns=["tahun", "seri", "nama", "indikator", "nilai"])
    long = df.rename(columns=_BPS_INDIKATOR).melt(id_vars=["tahun", "wilayah"],
                                                  value_vars=list(_BPS_INDIKATOR.values()),
                                                  var_name="indikator", value_name="nilai")

    def seri(nama: str) -> str:
        name = nama.strip().lower()
        if "bontang" in name:
            return "bontang"
        if "kalimantan timur" in name or "kaltim" in name:
            return "kaltim"
        if "indonesia" in name or "nasional" in name:
            return "nasional"
        return name

    out = pd.DataFrame({
        "tahun": pd.to_numeric(long["tahun"], errors="coerce"),
        "seri": [seri(str(n)) for n in long["wilayah"]],
        "nama": long["wilayah"].astype(str),
        "indikator": long["indikator"],
        "nilai": pd.to_numeric(long["nilai"], errors="coerce"),
    })
    return out.dropna(subset=["tahun"]).astype({"tahun": int})


_SERI_NAMA = {"bontang": "Kota Bontang", "kaltim": "Kalimantan Timur", "nasional": "Indonesia"}


_BRIEF = """
<section class="bagian ringkasan-halaman" id="ringkasan">
<h2>{{ title }}</h2>
{% if cards %}<div class="kartu-grid kartu-empat">
{% for c in cards %}<div class="kartu{% if c.aksen %} aksen{% endif %}">
<div class="nilai">{{ c.nilai }}</div>
<div class="label">{{ c.label }}</div>
{% if c.banding %}<div class="banding">{{ c.banding }}</div>{% endif %}
</div>
{% endfor %}</div>
<p class="sumber-kartu">{{ sumber }}</p>
{% if sejak %}<p class="sejak">{{ sejak }}</p>{% endif %}
{% else %}{{ kosong }}{% endif %}
{% if catatan %}<p class="catatan">{{ catatan }}</p>{% endif %}
<div class="ringkasan-isi">
{% if peta %}<div class="ringkasan-peta">{{ peta }}</div>{% endif %}
<div class="ringkasan-aksi">
<h3>{{ h_aksi }}</h3>
{% if aksi %}<ol class="aksi">
{% for a in aksi %}<li><span class="opd">{{ a.opd }}</span> <strong>{{ a.aksi }}</strong>
<span class="fakta"><span class="di">{{ a.kelurahan }}</span> · <span class="jumlah">{{ a.jumlah }} {{ a.satuan_label }}</span> · <span class="biaya">{{ a.biaya }}</span></span></li>
{% endfor %}</ol>
{% else %}<p class="catatan">{{ rek_kosong }}</p>{% endif %}
<p class="mpm-status">{{ mpm }}</p>
</div>
</div>
</section>
"""


def headline(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", meta: Mapping | None = None,
             geojson: Path | str | dict | None = None) -> Html:
    """Page 1, the whole brief: the four headline numbers (keluarga miskin, with KKS, coverage, without
    KKS) with their source line, the map of KKS coverage by kelurahan with this wilayah highlighted, the
    top three actions (`top_actions`: where, how many families, yearly cost) and one sentence on the MPM
    update; when a previous period was built, one line "Sejak <periode>: …" under the cards (`since_line`).
    Laid out to fit one A4 page and the first screen and a half of a 390 px phone.

    A kecamatan/kelurahan briefing shows its own number large and the city's beneath it.
    """
    ring = _tbl(tables, "ringkasan")
    r, rk = _row(ring, kode), _row(ring, KOTA)
    is_kota = kode == KOTA
    sasaran = _sasaran(tables, lang)

    def card(label, key, form, aksen=False):
        banding = None if is_kota or not rk else t("kartu_kota", lang, nilai=form(rk.get(key)))
        return {"nilai": form(r.get(key)), "label": label, "banding": banding, "aksen": aksen}

    cards = [
        card(t("kartu_keluarga_miskin_sasaran", lang, desil=sasaran) if sasaran else t("kartu_keluarga_miskin", lang),
             "keluarga_miskin", lambda v: fmt.angka(v, lang)),
        card(t("kartu_keluarga_kks", lang), "keluarga_kks", lambda v: fmt.angka(v, lang)),
        card(t("kartu_cakupan_kks", lang), "cakupan_kks", lambda v: fmt.persen(v, lang), aksen=True),
        card(t("kartu_tanpa_kks", lang), "keluarga_tanpa_kks", lambda v: fmt.angka(v, lang), aksen=True),
    ] if r else []
    sumber = t("sumber_kartu", lang, bdt=_card_source(meta, "bdt", lang), kks=_card_source(meta, "kks", lang))
    aksi = [{**a, "biaya": a.get("biaya") or t("biaya_tidak_dihitung", lang),
             "satuan_label": t("satuan_" + a.get("satuan", "keluarga"), lang)}
            for a in top_actions(tables, kode, lang)]
    return _render(_BRIEF, title=t("bagian_ringkasan", lang), cards=cards, sumber=sumber, kosong=_empty(lang),
                   peta=coverage_map(tables, kode, lang, geojson=geojson, meta=meta), h_aksi=t("aksi_utama", lang),
                   aksi=aksi, rek_kosong=t("rek_kosong", lang), mpm=mpm_status(tables, kode, lang, meta=meta),
                   catatan=_absent_note(meta, "kks", lang), sejak=since_line(tables, kode, lang))


def coverage_map(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                 geojson: Path | str | dict | None = None, meta: Mapping | None = None) -> Markup | None:
    """Page 1's map: KKS coverage of every kelurahan (the `ringkasan` rows every slice carries), this
    wilayah highlighted; None when fewer than two kelurahan have a value (one value is not a map)."""
    kel = _rows(_tbl(tables, "ringkasan"), [w.kode for w in wilayah.kelurahan()])
    if "cakupan_kks" not in kel:
        return None
    values = {k: _num(v) for k, v in zip(kel["kode_wilayah"].astype(str), kel["cakupan_kks"])}
    if sum(v is not None for v in values.values()) < 2:
        return None
    geo = Path(geojson) if isinstance(geojson, str) else geojson  # a file is fingerprinted by content
    return _chart(maps.kelurahan_map, values, geo, highlight=kode if kode != KOTA else None,
                  title=t("peta_cakupan_judul", lang), lang=lang,
                  unit=(t("satuan_persen_keluarga_miskin_sasaran", lang, desil=sasaran) if (sasaran := _sasaran(tables, lang))
                        else t("satuan_persen_keluarga_miskin", lang)),
                  period=f"{_vintage(meta, 'bdt', lang)}; {_vintage(meta, 'kks', lang)}",
                  source=_sumber(meta, "kks", lang), names=_names(tables), label=t("label_cakupan_kks", lang))


def mpm_status(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", meta: Mapping | None = None) -> str:
    """One sentence on the MPM update: who has reported, how many registrations are verified, the deadline
    (or that no MPM records were supplied for this period)."""
    if _absent(meta, "mpm"):
        return _absent_note(meta, "mpm", lang)
    names = _names(tables)
    mpm = _tbl(tables, "mpm")
    r = _row(mpm, kode)
    batas = _batas(tables, kode, lang)
    if not r:
        return t("mpm_status_kosong", lang)
    hs = [_num(r.get(f"hasil_{i}")) for i in range(1, 6)]
    verified = sum(h for h in hs if h is not None) if any(h is not None for h in hs) else None
    counts = dict(pendaftar=fmt.angka(r.get("pendaftar"), lang), diverifikasi=fmt.angka(verified, lang),
                  belum=fmt.angka(r.get("belum_diverifikasi"), lang), batas=batas)
    if _tingkat(kode) == "kelurahan":
        nama = names.get(kode, kode)
        if not _is_true(r.get("melapor")):
            return t("mpm_status_kel_belum", lang, nama=nama, batas=batas)
        return t("mpm_status_kel", lang, nama=nama, tanggal=fmt.tanggal(r.get("tanggal_terakhir"), lang), **counts)
    scope = _kelurahan_in(kode)
    kel = _rows(mpm, scope)
    silent = [names.get(str(c), str(c)) for c, m in zip(kel.get("kode_wilayah", []), kel.get("melapor", []))
              if not _is_true(m)]
    n_mel, n_tot = r.get("kelurahan_melapor"), r.get("kelurahan_jumlah")
    if fmt.is_na(n_mel) or n_mel is None:
        n_mel = len(kel) - len(silent)
    if fmt.is_na(n_tot) or n_tot is None:
        n_tot = len(scope)
    belum = t("mpm_status_belum_lapor", lang, daftar=", ".join(silent)) if silent else ""
    return t("mpm_status", lang, melapor=fmt.angka(n_mel, lang), total=fmt.angka(n_tot, lang), daftar_belum=belum,
             **counts)


def _card_source(meta: Mapping | None, key: str, lang: str) -> str:
    """A card's source line: the default source text (which names its year), prefixed by the run's
    vintage label only when the run metadata gives one that the default does not already contain."""
    src = _sumber(meta, key, lang)
    v = ((meta or {}).get("vintage") or {}).get(key)
    return f"{v} · {src}" if v and str(v) not in src else src


def _batas(tables: Mapping[str, pd.DataFrame], kode: str, lang: str) -> str:
    """The MPM reporting deadline from the `mpm` table (`batas_lapor`), else May 2018 (docs/domain.md §5.5)."""
    b = _row(_tbl(tables, "mpm"), kode).get("batas_lapor")
    if fmt.is_na(b) or b is None:
        mpm = _tbl(tables, "mpm")
        if "batas_lapor" in mpm and mpm["batas_lapor"].notna().any():
            b = mpm["batas_lapor"].dropna().iloc[0]
    return fmt.tanggal(b, lang) if not fmt.is_na(b) and b is not None else t("mei_2018", lang)


def _gap_by_kelurahan(tables, kode) -> list[tuple[str, float]]:
    """(kelurahan code, keluarga tanpa KKS) in scope, largest first; empty when scope is one kelurahan."""
    ring = _rows(_tbl(tables, "ringkasan"), _kelurahan_in(kode))
    if ring.empty or "keluarga_tanpa_kks" not in ring:
        return []
    s = pd.to_numeric(ring["keluarga_tanpa_kks"], errors="coerce")
    pairs = [(k, float(v)) for k, v in zip(ring["kode_wilayah"].astype(str), s) if not fmt.is_na(v) and v > 0]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


# ----------------------------------------------------------------------------------------------------
# sections
# ----------------------------------------------------------------------------------------------------

def section_makro(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id",
                  years: tuple[int, int] = (2015, 2018)) -> Html:
    """Kemiskinan makro (BPS): P0 line Bontang vs Kaltim (vs nasional), P0/P1/P2/GK table, trend notes."""
    bps = _bps_long(_tbl(tables, "bps_makro"))
    bps = bps[(bps["tahun"] >= years[0]) & (bps["tahun"] <= years[1])]
    title = t("bagian_makro", lang)
    if bps.empty:
        return _section("makro", title, [], [_empty(lang)])
    p0 = bps[bps["indikator"] == "p0"]
    series = {}
    for key in ("bontang", "kaltim", "nasional"):
        s = p0[p0["seri"] == key].set_index("tahun")["nilai"].dropna()
        if not s.empty:
            series[_SERI_NAMA[key]] = s
    period = f"{years[0]}–{years[1]}"
    fig = _chart(charts.bps_line, series, lang, period=period, source=t("sumber_bps", lang), main="Kota Bontang")
    bon = bps[bps["seri"] == "bontang"].pivot_table(index="tahun", columns="indikator", values="nilai", aggfunc="first")
    rows = []
    for y, rr in bon.sort_index().iterrows():
        rows.append([str(y), fmt.persen(rr.get("p0"), lang, desimal=2, rasio=False), fmt.desimal(rr.get("p1"), lang),
                     fmt.desimal(rr.get("p2"), lang), fmt.angka(rr.get("gk"), lang), fmt.angka(rr.get("penduduk_miskin"), lang)])
    tab = table_html([t("tahun", lang), t("p0", lang), t("p1", lang), t("p2", lang), t("gk", lang),
                      t("penduduk_miskin", lang)], rows, caption="Kota Bontang",
                     note=f"{t('gk_catatan', lang)} {t('sumber', lang)}: {t('sumber_bps', lang)}. "
                          f"{fmt.NA} = {t('tidak_ada_data', lang)}.")
    paras = []
    if kode != KOTA:
        paras.append(t("catatan_bps_kota", lang))
    if "p0" in bon and bon["p0"].notna().sum() >= 2:
        s = bon["p0"].dropna().sort_index()
        t0, t1 = int(s.index[0]), int(s.index[-1])
        arah = "turun" if s.iloc[-1] < s.iloc[0] else "naik" if s.iloc[-1] > s.iloc[0] else "tetap"
        kal = series.get("Kalimantan Timur")
        kal = kal.dropna().sort_index() if kal is not None else None
        if kal is not None and len(kal):
            vk, tk = fmt.persen(kal.iloc[-1], lang, desimal=2, rasio=False), int(kal.index[-1])
        else:
            vk, tk = fmt.NA, t1
        paras.append(t("catatan_p0_arah", lang, arah=t(arah, lang), v0=fmt.persen(s.iloc[0], lang, desimal=2, rasio=False),
                       t0=t0, v1=fmt.persen(s.iloc[-1], lang, desimal=2, rasio=False), t1=t1, vk=vk, tk=tk))
    if {"p0", "p1", "p2"} <= set(bon.columns):
        b = bon.sort_index()
        for y0, y1 in zip(b.index[:-1], b.index[1:]):
            a, c = b.loc[y0], b.loc[y1]
            if all(not fmt.is_na(x) for x in (a.p0, c.p0, a.p1, c.p1, a.p2, c.p2)) and c.p0 < a.p0 and c.p1 > a.p1 and c.p2 > a.p2:
                paras.append(t("catatan_p1p2_naik", lang, t0=int(y0), t1=int(y1)))
    return _section("makro", title, paras, [fig, tab])


def _sebaran_wide(df: pd.DataFrame, satuan: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Value and suppression pivots (kode × kelompok_desil) of `sebaran` for one unit."""
    d = df[df["satuan"] == satuan].copy() if "satuan" in df else df.copy()
    if d.empty:
        return pd.DataFrame(), pd.DataFrame()
    d["kelompok_desil"] = d["kelompok_desil"].astype(str)
    sup = d["ditekan"].fillna(False).astype(bool) if "ditekan" in d else pd.Series(False, index=d.index)
    d["v"] = pd.to_numeric(d["jumlah"], errors="coerce").where(~sup)
    d["s"] = sup
    v = d.pivot_table(index="kode_wilayah", columns="kelompok_desil", values="v", aggfunc="sum", min_count=1, dropna=False)
    s = d.pivot_table(index="kode_wilayah", columns="kelompok_desil", values="s", aggfunc="any").fillna(False)
    return v, s


def _cell(v, s, lang) -> str:
    return fmt.angka(v, lang, ditekan=bool(s) if not fmt.is_na(s) else False)


def _sum_cell(vals: Sequence, sups: Sequence, lang: str) -> str:
    """A total over desil cells: the visible sum, marked when any part was suppressed (a floor, not exact)."""
    nums = [v for v in vals if not fmt.is_na(v)]
    if not nums:
        return fmt.kosong(lang, any(bool(x) for x in sups))
    out = fmt.angka(sum(nums), lang)
    return out + (fmt.SUPPRESSED_MARK if any(bool(x) for x in sups) else "")


def section_sebaran(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                    geojson: Path | str | dict | None = None, satuan: str = "keluarga", max_rt: int = 15,
                    meta: Mapping | None = None) -> Html:
    """Sebaran Data Terpadu: desil counts for the wilayah (RT, keluarga, jiwa), the same by sub-area,
    stacked desil bars, and a kelurahan map of the share of population in the BDT."""
    names = _names(tables)
    seb = _tbl(tables, "sebaran")
    ring = _tbl(tables, "ringkasan")
    r = _row(ring, kode)
    nama = names.get(kode, kode)
    period = _vintage(meta, "bdt", lang)
    src = _sumber(meta, "bdt", lang)
    desil = ["1", "2", "3", "4"]
    blocks: list[Markup] = []
    any_sup = False

    # 1. the wilayah itself, three units side by side
    own = _rows(seb, kode)
    if not own.empty:
        units = [u for u in ("rumah_tangga", "keluarga", "jiwa") if "satuan" in own and (own["satuan"] == u).any()]
        piv = {u: _sebaran_wide(own, u) for u in units}
        rows = []
        for d in desil:
            row = [desil_label(d, lang)]
            for u in units:
                v, s = piv[u]
                vv = v.iloc[0].get(d) if not v.empty and d in v.columns else None
                ss = bool(s.iloc[0].get(d, False)) if not s.empty and d in s.columns else False
                any_sup |= ss
                row.append(_cell(vv, ss, lang))
            rows.append(row)
        tot = [t("jumlah", lang) + " 1–4"]
        for u in units:
            v, s = piv[u]
            if "1-4" in v.columns:  # the table's own total, suppressed by the indicator rules
                tot.append(_cell(v.iloc[0].get("1-4"), bool(s.iloc[0].get("1-4", False)), lang))
            else:
                tot.append(_sum_cell([v.iloc[0].get(d) if d in v.columns else None for d in desil],
                                     [s.iloc[0].get(d, False) if d in s.columns else False for d in desil], lang))
        rows.append(tot)
        blocks.append(table_html([t("kelompok_desil", lang)] + [t(f"satuan_{u}", lang).capitalize() for u in units],
                                 rows, caption=t("sebaran_diri", lang, nama=nama), strong=[len(rows) - 1]))

    # 2. sub-areas × desil (kota → kecamatan, kecamatan → kelurahan, kelurahan → RT)
    tk = _tingkat(kode)
    if tk == "kota":
        sub_codes, sub_label = [w.kode for w in wilayah.kecamatan()], t("kecamatan", lang)
    elif tk == "kecamatan":
        sub_codes, sub_label = [w.kode for w in wilayah.kelurahan(kode)], t("kelurahan", lang)
    else:
        rt = seb[(seb.get("tingkat", pd.Series(dtype=str)) == "rt")] if not seb.empty else seb
        rt = rt[rt["kode_wilayah"].astype(str).str.startswith(kode)] if not rt.empty else rt
        sub_codes, sub_label = sorted(rt["kode_wilayah"].astype(str).unique()) if not rt.empty else [], t("rt", lang)
    sub = _rows(seb, sub_codes)
    if not sub.empty:
        v, s = _sebaran_wide(sub, satuan)
        if not v.empty:
            tot_v = v["1-4"] if "1-4" in v.columns else None
            tot_s = s["1-4"].reindex(v.index).fillna(False) if "1-4" in s.columns else None
            v = v.reindex(columns=desil)
            s = s.reindex(index=v.index, columns=desil).fillna(False)
            totals = tot_v if tot_v is not None else v.sum(axis=1, min_count=1)
            order = list(v.index) if tk != "kelurahan" else list(totals.fillna(-1).sort_values(ascending=False,
                                                                                                  kind="mergesort").index)
            order = [c for c in sub_codes if c in v.index] if tk != "kelurahan" else order[:max_rt]
            rows = []
            for c in order:
                label = names.get(c) or (_rt_label(c, kode))
                cells = [_cell(v.loc[c, d], s.loc[c, d], lang) for d in desil]
                any_sup |= bool(s.loc[c].any())
                total = (_cell(tot_v.loc[c], bool(tot_s.loc[c]), lang) if tot_v is not None
                         else _sum_cell(list(v.loc[c]), list(s.loc[c]), lang))
                rows.append([label] + cells + [total])
            cap = t("sebaran_anak", lang, tingkat=sub_label if tk == "kelurahan" else sub_label.lower()) + \
                f" ({t(f'satuan_{satuan}', lang)})"
            blocks.append(table_html([sub_label] + [f"D{d}" for d in desil] + [t("jumlah", lang)], rows, caption=cap))

    # 3. chart: kelurahan of the scope; for a kelurahan its RTs (largest first) — or its sibling
    #    kelurahan when no RT rows exist and the siblings are in the tables handed over
    if tk == "kelurahan" and sub_codes:
        rt_totals = _sebaran_wide(_rows(seb, sub_codes), satuan)[0].reindex(columns=desil).sum(axis=1, min_count=1)
        top_rt = list(rt_totals.fillna(-1).sort_values(ascending=False, kind="mergesort").index[:max_rt])
        chart_rows, chart_label = _rows(seb, top_rt), t("rt", lang)
        chart_names, chart_hl = {c: _rt_label(c, kode) for c in top_rt}, None
    else:
        chart_rows, chart_label, chart_names = _rows(seb, _peers(kode)), t("kelurahan", lang).lower(), names
        chart_hl = kode if tk == "kelurahan" else None
    if chart_rows["kode_wilayah"].nunique() > 1 if not chart_rows.empty else False:
        blocks.append(_chart(charts.desil_bars, chart_rows, chart_names, lang, satuan=satuan, tingkat_label=chart_label,
                             period=period, source=src, highlight=chart_hl))

    # 4. map: share of population in the BDT per kelurahan
    kel = _rows(ring, [w.kode for w in wilayah.kelurahan()])
    if len(kel) > 1 and "persen_penduduk_bdt" in kel and not _absent(meta, "penduduk"):  # one lone value is not a map
        values = {k: _num(v) for k, v in zip(kel["kode_wilayah"].astype(str), kel["persen_penduduk_bdt"])}
        geo = Path(geojson) if isinstance(geojson, str) else geojson  # a file is fingerprinted by content
        blocks.append(_chart(maps.kelurahan_map, values, geo, highlight=kode if kode != KOTA else None, lang=lang,
                             unit=t("satuan_persen_penduduk", lang), period=period,
                             source=f"{src}; {_sumber(meta, 'penduduk', lang)}", names=names))
    if any_sup:
        blocks.append(Markup('<p class="catatan">{}</p>').format(fmt.catatan_ditekan(lang)))
    paras = []
    if r:
        paras.append(t("sebaran_kalimat", lang, nama=nama, rt=fmt.angka(r.get("rumah_tangga_desil_1_4"), lang),
                       jiwa=fmt.angka(r.get("jiwa_desil_1_4"), lang), persen=fmt.persen(r.get("persen_penduduk_bdt"), lang),
                       bdt=_vintage(meta, "bdt", lang)))
    paras.append(_absent_note(meta, "penduduk", lang))
    if not blocks:
        blocks = [_empty(lang)]
    return _section("sebaran", t("bagian_sebaran", lang), paras, blocks)


def _rt_label(code: str, kode_kelurahan: str) -> str:
    rest = code[len(kode_kelurahan):].lstrip(".-/ ")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return f"RT {digits.zfill(3)}" if digits else code


def indikator_label(key: str, lang: str = "id") -> str:
    """Display name of a profil indicator: `kemiskinan.indicators.meta` (indicators_meta.yml, the one
    source of titles), then the i18n table, then the tidied key."""
    try:
        from kemiskinan.indicators import meta as _meta

        judul = _meta(key, lang).get("judul")
        if judul:
            return str(judul)
    except Exception:  # unknown id or indicators package unavailable: fall back, never fail a briefing
        pass
    if key in INDIKATOR:
        return INDIKATOR[key][lang]
    return str(key).replace("_", " ").capitalize()


def section_profil(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *, top: int = 10,
                   meta: Mapping | None = None) -> Html:
    """Profil rumah tangga miskin: deprivation shares desil 1–2 vs 3–4 (chart) and a 4-column table."""
    prof = _rows(_tbl(tables, "profil"), kode)
    title = t("bagian_profil", lang)
    if prof.empty:
        return _section("profil", title, [], [_empty(lang)])
    labels = {k: indikator_label(k, lang) for k in prof["indikator"].astype(str).unique()}
    # The chart is in % of households; person-level indicators (satuan jiwa) stay in the table, labelled.
    rt_only = prof[prof["satuan"].astype(str) == "rumah_tangga"] if "satuan" in prof else prof
    fig = _chart(charts.deprivation_bars, rt_only if not rt_only.empty else prof, dict(labels), lang, top=top,
                 period=_vintage(meta, "bdt", lang), source=_sumber(meta, "bdt", lang))
    if "satuan" in prof:
        for k in prof.loc[prof["satuan"].astype(str) == "jiwa", "indikator"].astype(str).unique():
            labels[k] = f"{labels[k]} ({t('satuan_jiwa', lang)})"
    sup = prof["ditekan"].fillna(False).astype(bool) if "ditekan" in prof else pd.Series(False, index=prof.index)
    p = prof.assign(v=pd.to_numeric(prof["persen"], errors="coerce").where(~sup), s=sup)
    groups = ["D1-D2", "D3-D4", "semua"]
    v = p.pivot_table(index="indikator", columns="kelompok", values="v", aggfunc="first", dropna=False).reindex(columns=groups)
    s = p.pivot_table(index="indikator", columns="kelompok", values="s", aggfunc="any").reindex(index=v.index, columns=groups).fillna(False)
    order = v["D1-D2"].fillna(-1).sort_values(ascending=False, kind="mergesort").index
    rows = [[labels.get(i, i)] + [fmt.persen(v.loc[i, g], lang, ditekan=bool(s.loc[i, g])) for g in groups] for i in order]
    any_sup = bool(s.to_numpy().any())
    tab = table_html([t("indikator", lang), t("d1_d2", lang), t("d3_d4", lang), t("semua", lang)], rows,
                     note=fmt.catatan_ditekan(lang) if any_sup else None)
    gap = (v["D1-D2"] - v["D3-D4"]).dropna().sort_values(ascending=False, kind="mergesort")
    paras = []
    if len(gap):
        daftar = "; ".join(f"{labels.get(i, i)} ({fmt.persen(v.loc[i, 'D1-D2'], lang)} vs {fmt.persen(v.loc[i, 'D3-D4'], lang)})"
                           for i in gap.index[:3])
        paras.append(t("profil_kalimat", lang, daftar=daftar))
    return _section("profil", title, paras, [fig, tab])


def section_cakupan(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                    meta: Mapping | None = None) -> Html:
    """Cakupan program dan ketepatan sasaran: per-programme table (target, coverage, exclusion, inclusion,
    city coverage), coverage bars vs city, recipients by desil (leakage), programme overlap, and the
    desil 1–4 households without any programme by kelurahan."""
    names = _names(tables)
    cak = _tbl(tables, "cakupan")
    w, k = _target(tables, kode, _rows(cak, kode)), _target(tables, KOTA, _rows(cak, KOTA))
    title = t("bagian_cakupan", lang)
    nama = names.get(kode, kode)
    period = f"{_vintage(meta, 'bdt', lang)}; {_vintage(meta, 'kks', lang)}"
    src = _sumber(meta, "kks", lang)
    blocks: list[Markup] = []
    paras: list[str] = []
    if not w.empty:
        w = w.drop_duplicates("program")
        kk = k.drop_duplicates("program").set_index("program") if not k.empty else pd.DataFrame()
        rows = []
        for _, rr in w.iterrows():
            kc = kk["cakupan"].get(rr["program"]) if not kk.empty and "cakupan" in kk else None
            sat = str(rr.get("satuan", "") or "")
            unit = f" ({t('singkat_' + sat, lang)})" if sat in ("keluarga", "rumah_tangga") else ""
            rows.append([program_name(rr["program"]) + unit, fmt.angka(rr.get("n_target"), lang), fmt.persen(rr.get("cakupan"), lang),
                         fmt.angka(rr.get("n_tidak_menerima"), lang), fmt.persen(rr.get("inclusion_error"), lang),
                         fmt.persen(kc, lang)])
        heads = [t("program", lang), t("target", lang), t("cakupan", lang), t("tidak_menerima", lang),
                 t("inclusion_error", lang), t("kota", lang)]
        if kode == KOTA:
            heads, rows = heads[:5], [r_[:5] for r_ in rows]
        units_note = t("catatan_satuan_program", lang, kks=_vintage(meta, "kks", lang), bdt=_vintage(meta, "bdt", lang)) + " " if "satuan" in w and w["satuan"].nunique() > 1 else ""
        blocks.append(table_html(heads, rows, note=units_note + t("def_cakupan", lang)))
        blocks.append(_chart(charts.coverage_bars, w, None if kode == KOTA else k, nama, lang, period=period, source=src))
        kks = w[w["program"].astype(str).str.lower() == "kks"]
        if _absent(meta, "kks"):
            paras.append(_absent_note(meta, "kks", lang))
        elif not kks.empty:
            kr = kks.iloc[0]
            kc = kk["cakupan"].get(kks.iloc[0]["program"]) if not kk.empty and "cakupan" in kk else kr.get("cakupan")
            paras.append(t("cakupan_kalimat_kota" if kode == KOTA else "cakupan_kalimat", lang, nama=nama, cak=fmt.persen(kr.get("cakupan"), lang),
                           n=fmt.angka(kr.get("n_target_menerima"), lang), target=fmt.angka(kr.get("n_target"), lang),
                           cak_kota=fmt.persen(kc, lang)))
    leak = _rows(_tbl(tables, "kebocoran"), kode)
    if not leak.empty:
        blocks.append(_chart(charts.leakage_bars, leak, lang, period=period, source=src))
    tt = _target(tables, kode, _tbl(tables, "tumpang_tindih"), col="kelompok")
    own_tt = _rows(tt, kode)
    if not own_tt.empty:
        blocks.append(_chart(charts.overlap_chart, own_tt, lang, period=_vintage(meta, "bdt", lang), source=_sumber(meta, "bdt", lang)))
    # households in desil 1–4 with no programme, per kelurahan in scope
    if not tt.empty and "jumlah_program" in tt:
        scope = _kelurahan_in(kode) if _tingkat(kode) != "kelurahan" else []
        none = _rows(tt, scope)
        none = none[pd.to_numeric(none["jumlah_program"], errors="coerce") == 0]
        if not none.empty:
            agg = none.groupby(none["kode_wilayah"].astype(str))["n_rumah_tangga"].sum().sort_values(ascending=False, kind="mergesort")
            rows = [[names.get(c, c), fmt.angka(n, lang)] for c, n in agg.items()]
            blocks.append(table_html([t("kelurahan", lang), t("jumlah_rt_tanpa_program", lang)], rows))
    if not blocks:
        blocks = [_empty(lang)]
    return _section("cakupan", title, paras, blocks)


def section_prioritas(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                      meta: Mapping | None = None) -> Html:
    """Prioritas wilayah: the quadrant chart of all kelurahan (scope highlighted) and the ranked table."""
    names = _names(tables)
    pri = _tbl(tables, "prioritas")
    title = t("bagian_prioritas", lang)
    if pri.empty:
        return _section("prioritas", title, [], [_empty(lang)])
    missing = [t(f"apa_{k}", lang) for k in ("kks", "penduduk") if _absent(meta, k)]
    if missing:   # the quadrant needs both axes: say what is missing instead of an empty chart
        apa = f" {t('apa_dan', lang)} ".join(missing)
        return _section("prioritas", title, [t("prioritas_tidak_dihitung", lang, apa=apa)])
    scope = _kelurahan_in(kode)
    hl = scope if kode != KOTA else []
    fig = _chart(charts.quadrant_scatter, pri, lang, highlight=hl,
                 period=f"{_vintage(meta, 'bdt', lang)}; {_vintage(meta, 'kks', lang)}",
                 source=f"{_sumber(meta, 'bdt', lang)}; {_sumber(meta, 'kks', lang)}")
    mine = _rows(pri, scope if kode != KOTA else pri["kode_wilayah"].astype(str)).copy()
    mine["_p"] = pd.to_numeric(mine["prioritas"], errors="coerce")
    mine["_x"] = pd.to_numeric(mine["x_persen_d1_d2"], errors="coerce")
    mine = mine.sort_values(["_p", "_x"], ascending=[True, False], kind="mergesort")
    if "peringkat" in mine and mine["peringkat"].notna().all():
        mine = mine.assign(_r=pd.to_numeric(mine["peringkat"], errors="coerce")).sort_values("_r", kind="mergesort")
        ranks = [fmt.angka(v, lang) for v in mine["_r"]]  # the city-wide rank from the indicator table
    else:
        ranks = [str(i) for i in range(1, len(mine) + 1)]
    rows = [[rk, names.get(str(rr["kode_wilayah"]), rr.get("nama")), fmt.persen(rr["x_persen_d1_d2"], lang),
             fmt.persen(rr["y_cakupan_kks"], lang), fmt.angka(rr["prioritas"], lang)]
            for rk, (_, rr) in zip(ranks, mine.iterrows())]
    strong = [i for i, (_, rr) in enumerate(mine.iterrows()) if str(rr["kode_wilayah"]) == kode]
    tab = table_html([t("peringkat", lang), t("kelurahan", lang), t("persen_d1_d2", lang), t("cakupan_kks", lang),
                      t("prioritas", lang)], rows, numeric=[True, False, True, True, True], strong=strong)
    paras = [t("prioritas_kalimat", lang)]
    if _tingkat(kode) == "kelurahan":
        me = _row(pri, kode)
        if me and not fmt.is_na(me.get("prioritas")):
            paras.append(t("prioritas_posisi", lang, nama=names.get(kode, kode), n=int(me["prioritas"])))
    return _section("prioritas", title, paras, [fig, tab])


def section_mpm(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                meta: Mapping | None = None) -> Html:
    """Pemutakhiran data (MPM): progress by kelurahan (or the funnel for one kelurahan), record types,
    who has not reported, and the May 2018 deadline."""
    names = _names(tables)
    mpm = _tbl(tables, "mpm")
    title = t("bagian_mpm", lang)
    r = _row(mpm, kode)
    if mpm.empty and _absent(meta, "mpm"):
        return _section("mpm", title, [_absent_note(meta, "mpm", lang)])
    if mpm.empty:
        return _section("mpm", title, [], [_empty(lang)])
    period = _vintage(meta, "mpm", lang)
    src = t("sumber_mpm", lang)
    scope = _kelurahan_in(kode)
    kel = _rows(mpm, scope)
    blocks: list[Markup] = []

    def verified(row) -> float | None:
        hs = [_num(row.get(f"hasil_{i}")) for i in range(1, 6)]
        return sum(h for h in hs if h is not None) if any(h is not None for h in hs) else None

    if _tingkat(kode) == "kelurahan":
        if r:
            blocks.append(_chart(charts.mpm_funnel, r, lang, period=period, source=src))
            rows = [[t(f"hasil_{i}", lang), fmt.angka(r.get(f"hasil_{i}"), lang)] for i in range(1, 6)]
            rows += [[t("belum_diverifikasi", lang), fmt.angka(r.get("belum_diverifikasi"), lang)],
                     [t("art_meninggal", lang), fmt.angka(r.get("art_meninggal"), lang)],
                     [t("art_pindah", lang), fmt.angka(r.get("art_pindah"), lang)],
                     [t("art_baru", lang), fmt.angka(r.get("art_baru"), lang)],
                     [t("perubahan_bersih", lang), fmt.angka(r.get("perubahan_bersih"), lang, tanda=True)],
                     [t("tanggal_terakhir", lang), fmt.tanggal(r.get("tanggal_terakhir"), lang)]]
            blocks.append(table_html([t("indikator", lang), t("jumlah", lang)], rows))
    elif not kel.empty:
        blocks.append(_chart(charts.mpm_progress, kel, names, lang, period=period, source=src))
        rows = []
        for c in scope:
            rr = _row(kel, c)
            if not rr:
                continue
            if _is_true(rr.get("melapor")):
                rows.append([names.get(c, c), fmt.angka(rr.get("pendaftar"), lang), fmt.angka(rr.get("baru"), lang),
                             fmt.angka(verified(rr), lang), fmt.angka(rr.get("belum_diverifikasi"), lang), t("ya", lang)])
            else:  # no return yet: unknown, not zero
                rows.append([names.get(c, c)] + [fmt.NA] * 4 + [t("belum_melapor", lang)])
        blocks.append(table_html([t("kelurahan", lang), t("pendaftar", lang), t("baru", lang), t("diverifikasi", lang),
                                  t("belum", lang), t("melapor", lang)], rows,
                                 numeric=[False, True, True, True, True, False]))
    paras = []
    if r:
        n_mel, n_tot = r.get("kelurahan_melapor"), r.get("kelurahan_jumlah")
        if fmt.is_na(n_mel) or n_mel is None:
            n_mel = sum(_is_true(_row(kel, c).get("melapor")) for c in scope)
        if fmt.is_na(n_tot) or n_tot is None:
            n_tot = len(scope)
        paras.append(t("mpm_kalimat", lang, pendaftar=fmt.angka(r.get("pendaftar"), lang), diverifikasi=fmt.angka(verified(r), lang),
                       belum=fmt.angka(r.get("belum_diverifikasi"), lang), melapor=fmt.angka(n_mel, lang),
                       total=fmt.angka(n_tot, lang)))
    paras.append(t("mpm_tenggat", lang, batas=_batas(tables, kode, lang)))
    return _section("mpm", title, paras, blocks or [_empty(lang)])


# ----------------------------------------------------------------------------------------------------
# what changed since the previous period (tables `banding_*` and `tren`, issue 20)
# ----------------------------------------------------------------------------------------------------

_ALUR_KELUAR = ("pindah_keluar", "keluar_dari_target", "keluar_dari_data")
_ALUR_MASUK = ("pindah_masuk", "masuk_dari_data", "masuk_baru")


def _banding(tables: Mapping[str, pd.DataFrame], kode: str) -> dict[str, Any]:
    """W's `banding_ringkasan` row, or {} when there is nothing to compare (no predecessor: the table has
    no rows; or W is in neither period)."""
    return _row(_tbl(tables, "banding_ringkasan"), kode)


def _flows(r: Mapping[str, Any]) -> dict[str, float | None]:
    """One `banding_alur` row as numbers, with `keluar` (left this wilayah's target group: out of the
    target, out of the data, or moved to another kelurahan) and `masuk` (the reverse) summed. A move
    inside the wilayah is neither (the row's own `pindah_*` are 0 for it)."""
    out = {k: _num(r.get(k)) for k in ("n_sebelumnya", "n_sekarang", "tetap", *_ALUR_KELUAR, *_ALUR_MASUK,
                                       "tanpa_kunci_sebelumnya", "tanpa_kunci")}

    def total(keys):
        vals = [out[k] for k in keys]
        return None if any(v is None for v in vals) else sum(vals)
    out["keluar"], out["masuk"] = total(_ALUR_KELUAR), total(_ALUR_MASUK)
    return out


def since_line(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id") -> str:
    """Page 1's one line "Sejak <periode>: keluarga miskin A → B (±Δ), cakupan KKS x % → y % (±z poin);
    n keluarga keluar dari sasaran, m masuk." — "" when there is no previous period to compare with."""
    r = _banding(tables, kode)
    if not r or fmt.is_na(r.get("periode_sebelumnya")):
        return ""
    a, b = _num(r.get("keluarga_miskin_sebelumnya")), _num(r.get("keluarga_miskin"))
    f = _flows(_row(_tbl(tables, "banding_alur"), kode))
    return t("banding_sejak", lang, periode=str(r["periode_sebelumnya"]), a=fmt.angka(a, lang),
             b=fmt.angka(b, lang), d=fmt.selisih(None if a is None or b is None else b - a, lang),
             x=fmt.persen(r.get("cakupan_kks_sebelumnya"), lang), y=fmt.persen(r.get("cakupan_kks"), lang),
             z=fmt.selisih_poin(r.get("cakupan_kks_sebelumnya"), r.get("cakupan_kks"), lang),
             keluar=fmt.angka(f["keluar"], lang), masuk=fmt.angka(f["masuk"], lang))


def section_banding(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *,
                    meta: Mapping | None = None) -> Html:
    """Perubahan sejak <periode sebelumnya>: the four headline numbers then → now with the change; the
    target families that stayed, left and entered (per kelurahan for a kota or kecamatan, in sentences for
    a kelurahan), the unmatched counted and explained; the kelurahan whose priority quadrant changed; a
    sentence when the two periods define the target group differently; and the trend chart once `tren`
    holds three or more periods for this wilayah. Without a previous period: one sentence, no table."""
    names = _names(tables)
    nama = names.get(kode, kode)
    r = _banding(tables, kode)
    if not r or fmt.is_na(r.get("periode_sebelumnya")):
        return _section("banding", t("bagian_banding_umum", lang), [t("banding_tanpa_pendahulu", lang)])
    p0, p1 = str(r["periode_sebelumnya"]), str(r.get("periode") or "")
    paras: list[str] = []      # under the heading: only what changes how everything below reads
    blocks: list[Markup] = []  # in reading order: numbers, flows, unmatched, quadrants, trend

    def para(text: str) -> None:
        blocks.append(Markup("<p>{}</p>").format(text))

    # 1. the four headline numbers, then → now
    rows = []
    for label, key, pct in (("kartu_keluarga_miskin", "keluarga_miskin", False), ("kartu_keluarga_kks", "keluarga_kks", False),
                            ("kartu_cakupan_kks", "cakupan_kks", True), ("kartu_tanpa_kks", "keluarga_tanpa_kks", False)):
        a, b = r.get(f"{key}_sebelumnya"), r.get(key)
        if pct:
            cells = [fmt.persen(a, lang), fmt.persen(b, lang)]
            change = fmt.selisih_poin(a, b, lang)
            change = change if change == fmt.NA else f"{change} {t('satuan_poin', lang)}"
        else:
            cells = [fmt.angka(a, lang), fmt.angka(b, lang)]
            change = fmt.selisih(None if _num(a) is None or _num(b) is None else _num(b) - _num(a), lang)
        rows.append([t(label, lang)] + cells + [change])
    blocks.append(table_html([t("indikator", lang), p0, p1, t("perubahan", lang)], rows,
                             caption=t("banding_angka_utama", lang, nama=nama, p0=p0, p1=p1)))

    # 2. the flows: W's own in sentences, then (kota, kecamatan) one row per kelurahan and the total
    alur = _tbl(tables, "banding_alur")
    own = _row(alur, kode)
    if own:
        f = _flows(own)
        moves = _tingkat(kode) != "kota"  # at the kota a move between kelurahan is neither out nor in
        para(t("banding_keluar_kalimat", lang, n0=fmt.angka(f["n_sebelumnya"], lang), nama=nama, p0=p0, p1=p1,
                       tetap=fmt.angka(f["tetap"], lang), keluar=fmt.angka(f["keluar"], lang),
                       keluar_target=fmt.angka(f["keluar_dari_target"], lang),
                       keluar_data=fmt.angka(f["keluar_dari_data"], lang),
                       pindah=t("banding_pindah_keluar", lang, n=fmt.angka(f["pindah_keluar"], lang), nama=nama) if moves else ""))
        para(t("banding_masuk_kalimat", lang, n1=fmt.angka(f["n_sekarang"], lang), p1=p1,
                       masuk=fmt.angka(f["masuk"], lang), masuk_data=fmt.angka(f["masuk_dari_data"], lang),
                       masuk_baru=fmt.angka(f["masuk_baru"], lang),
                       pindah=t("banding_pindah_masuk", lang, n=fmt.angka(f["pindah_masuk"], lang), nama=nama) if moves else ""))
        a, b = f["tanpa_kunci_sebelumnya"], f["tanpa_kunci"]
        unmatched = (t("banding_semua_terpadankan", lang) if a == 0 and b == 0 else
                     t("banding_tanpa_kunci", lang, a=fmt.angka(a, lang), b=fmt.angka(b, lang), p0=p0, p1=p1))
        if _tingkat(kode) != "kelurahan":
            kel_rows = []
            for c in _kelurahan_in(kode):
                kr = _row(alur, c)
                if not kr:
                    continue
                kf = _flows(kr)
                kel_rows.append([names.get(c, c)] + [fmt.angka(kf[k], lang) for k in
                                                     ("n_sebelumnya", "tetap", "keluar", "masuk", "n_sekarang")])
            if kel_rows:
                kel_rows.append([t("jumlah", lang) + " " + nama] + [fmt.angka(f[k], lang) for k in
                                                                    ("n_sebelumnya", "tetap", "keluar", "masuk", "n_sekarang")])
                blocks.append(table_html([t("kelurahan", lang), p0, t("kolom_tetap", lang), t("kolom_keluar", lang),
                                          t("kolom_masuk", lang), p1], kel_rows,
                                         caption=t("banding_alur_judul", lang),
                                         note=t("banding_alur_catatan", lang, nama=nama), strong=[len(kel_rows) - 1]))
        para(unmatched)

    # 3. kelurahan whose priority quadrant changed
    pri = _rows(_tbl(tables, "banding_prioritas"), _kelurahan_in(kode))
    if not pri.empty:
        if _tingkat(kode) == "kelurahan":
            me = pri.iloc[0]
            if not fmt.is_na(me.get("prioritas")) or not fmt.is_na(me.get("prioritas_sebelumnya")):
                para(t("banding_prioritas_kel", lang, nama=nama, a=fmt.angka(me.get("prioritas_sebelumnya"), lang),
                               b=fmt.angka(me.get("prioritas"), lang), p0=p0, p1=p1))
        else:
            known = pri[pri["berubah"].notna()] if "berubah" in pri else pri.iloc[0:0]
            changed = known[known["berubah"].map(_is_true)]
            if known.empty:
                pass  # no quadrant in either round (no KKS list or no population): nothing to say changed
            elif changed.empty:
                para(t("banding_prioritas_tetap", lang))
            else:
                daftar = ", ".join(t("banding_prioritas_item", lang, nama=names.get(str(c), str(c)),
                                     a=fmt.angka(a, lang), b=fmt.angka(b, lang))
                                   for c, a, b in zip(changed["kode_wilayah"].astype(str), changed["prioritas_sebelumnya"],
                                                      changed["prioritas"]))
                para(t("banding_prioritas_berubah", lang, daftar=daftar))

    # 4. the two target definitions: the label (D1-D4, D1-D2 …) and the desil scheme it is read on (4 or
    #    10: "desil 1–4 of 4" and "desil 1–4 of 10" share the label D1-D4 but not the families)
    t0, t1 = r.get("target_sebelumnya"), r.get("target")
    s0, s1 = _num(r.get("skema_desil_sebelumnya")), _num(r.get("skema_desil"))
    if not fmt.is_na(t0) and not fmt.is_na(t1):
        label_differs = str(t0) != str(t1)
        scheme_differs = s0 is not None and s1 is not None and s0 != s1
        if label_differs or scheme_differs:
            def label(tg, sk):
                return t("banding_target_label", lang, target=str(tg), skema=fmt.angka(sk, lang)) if sk is not None else str(tg)
            paras.append(t("banding_target_beda", lang, t0=label(t0, s0), t1=label(t1, s1), p0=p0, p1=p1))

    # 5. the trend, once three periods are there to draw
    tren = _rows(_tbl(tables, "tren"), kode)
    if "periode" in tren and tren["periode"].astype(str).nunique() >= 3:
        tren = tren.sort_values("periode", kind="mergesort")
        blocks.append(_chart(charts.tren_chart, tren[["periode", "keluarga_miskin", "cakupan_kks"]].reset_index(drop=True),
                             nama, lang, period=f"{tren['periode'].astype(str).iloc[0]} – {tren['periode'].astype(str).iloc[-1]}",
                             source=t("sumber_tren", lang)))
    return _section("banding", t("bagian_banding", lang, periode=p0), paras, blocks)


# ----------------------------------------------------------------------------------------------------
# recommendations and methodology
# ----------------------------------------------------------------------------------------------------

_RECS = """
{% if recs %}<ol class="rekomendasi">
{% for r in recs %}<li><span class="opd">{{ r.opd }}</span> {{ r.teks }}</li>
{% endfor %}</ol>
{% else %}<p class="catatan">{{ kosong }}</p>{% endif %}
"""


def recommendation_items(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id") -> list[dict[str, str]]:
    """The generated follow-ups as data, most urgent first: [{"opd", "teks", "aksi", "kelurahan",
    "jumlah", "satuan", "biaya"}]. `teks` is the full sentence of the Rekomendasi section; `aksi` (what),
    `kelurahan` (where: this kelurahan, or the kelurahan with the most families concerned), `jumlah`
    (how many, in `satuan`) and `biaya` (yearly cost from `biaya`, "" when the programme has no known
    benefit) are what page 1 shows for the first three (`top_actions`).

    Order: closing the KKS gap, then the other programmes with a known yearly cost (most families
    first), then households with no programme at all — the actions that have families and, where
    known, a cost — then priorities, targeting errors and the MPM follow-ups."""
    names = _names(tables)
    nama = names.get(kode, kode)
    r = _row(_tbl(tables, "ringkasan"), kode)
    out: list[dict[str, str]] = []
    scope = _kelurahan_in(kode)
    single = _tingkat(kode) == "kelurahan"

    def top(pairs, n=3):
        return ", ".join(f"{names.get(c, c)} ({fmt.angka(v, lang)})" for c, v in pairs[:n])

    def where(pairs) -> str:
        return nama if single or not pairs else top(pairs)

    def item(opd, teks, aksi="", kelurahan="", jumlah=None, satuan="keluarga", biaya=""):
        return {"opd": opd, "teks": teks, "aksi": aksi, "kelurahan": kelurahan,
                "jumlah": fmt.angka(jumlah, lang) if jumlah is not None else "", "satuan": satuan, "biaya": biaya}

    # 1. KKS gap, where it is, and what closing it costs; then the other programmes with a known cost
    biaya = _target(tables, kode, _rows(_tbl(tables, "biaya"), kode))
    costed = pd.DataFrame()
    if not biaya.empty:
        b = biaya.assign(_n=pd.to_numeric(biaya["n_keluarga_dikecualikan"], errors="coerce"),
                         _b=pd.to_numeric(biaya.get("biaya_per_tahun"), errors="coerce"))
        costed = b[(b["_n"] > 0) & b["_b"].notna()]  # a programme without a known benefit has no cost to state
    is_kks = costed["program"].astype(str).str.lower() == "kks" if not costed.empty else pd.Series(dtype=bool)

    def cost_sentence(br) -> str:
        return t("rek_biaya", lang, n=fmt.angka(br["_n"], lang), program=program_name(br["program"]),
                 biaya=fmt.rupiah(br.get("biaya_per_tahun"), lang), manfaat=fmt.rupiah(br.get("manfaat_per_bulan"), lang))

    gap = _num(r.get("keluarga_tanpa_kks"))
    if gap:
        pairs = _gap_by_kelurahan(tables, kode)
        rinci = t("rek_rincian", lang, daftar=top(pairs)) if len(pairs) > 1 else ""
        teks = t("rek_kks", lang, n=fmt.angka(gap, lang), nama=nama, rincian=rinci)
        kks_cost = costed[is_kks] if not costed.empty else costed
        cost = ""
        if not kks_cost.empty:
            teks += " " + cost_sentence(kks_cost.iloc[0])
            cost = t("per_tahun", lang, biaya=fmt.rupiah(kks_cost.iloc[0]["_b"], lang))
        out.append(item(t("opd_dinsos", lang), teks, t("aksi_kks", lang), where(pairs), gap, biaya=cost))
    elif not costed.empty and is_kks.any():
        out.append(item(t("opd_dinsos", lang), cost_sentence(costed[is_kks].iloc[0])))
    others = costed[~is_kks] if not costed.empty else costed
    for _, br in ([] if others.empty else others.sort_values(["_n", "program"], ascending=[False, True], kind="mergesort").iterrows()):
        sub = _target(tables, kode, _rows(_tbl(tables, "biaya"), [c for c in scope if c != kode]))
        sub = sub[sub["program"].astype(str) == str(br["program"])] if not sub.empty else sub
        pairs = sorted(((str(c), float(v)) for c, v in zip(sub.get("kode_wilayah", []),
                        pd.to_numeric(sub.get("n_keluarga_dikecualikan", pd.Series(dtype=float)), errors="coerce"))
                        if not fmt.is_na(v) and v > 0), key=lambda p: (-p[1], p[0]))
        out.append(item(t("opd_dinsos", lang), cost_sentence(br), t("aksi_program", lang, program=program_name(br["program"]), desil=_desil_words(tables, lang, True)),
                        where(pairs), br["_n"], biaya=t("per_tahun", lang, biaya=fmt.rupiah(br["_b"], lang))))
    # 2. desil 1–4 households receiving nothing
    tt = _target(tables, kode, _tbl(tables, "tumpang_tindih"), col="kelompok")
    if not tt.empty and "jumlah_program" in tt:
        none = _rows(tt, kode)
        none = none[pd.to_numeric(none["jumlah_program"], errors="coerce") == 0]
        n_none = pd.to_numeric(none["n_rumah_tangga"], errors="coerce").sum() if not none.empty else 0
        if n_none > 0:
            sub = _rows(tt, scope) if not single else tt.iloc[0:0]
            sub = sub[pd.to_numeric(sub["jumlah_program"], errors="coerce") == 0] if not sub.empty else sub
            pairs = sorted(((str(c), float(v)) for c, v in sub.groupby(sub["kode_wilayah"].astype(str))["n_rumah_tangga"].sum().items()
                            if v > 0), key=lambda p: (-p[1], p[0])) if not sub.empty else []
            rinci = t("rek_rincian", lang, daftar=top(pairs)) if len(pairs) > 1 else ""
            out.append(item(t("opd_dinsos", lang), t("rek_tanpa_program", lang, n=fmt.angka(n_none, lang), rincian=rinci, desil=_desil_words(tables, lang, True)),
                            t("aksi_tanpa_program", lang, desil=_desil_words(tables, lang, True)), where(pairs), n_none, satuan="rumah_tangga"))
    # 3. priority-1 kelurahan in scope
    pri = _rows(_tbl(tables, "prioritas"), scope)
    if not pri.empty and not single:
        p1 = pri[pd.to_numeric(pri["prioritas"], errors="coerce") == 1]
        if not p1.empty:
            daftar = ", ".join(names.get(str(c), str(c)) for c in p1.sort_values("x_persen_d1_d2", ascending=False,
                                                                                  kind="mergesort")["kode_wilayah"])
            out.append(item(t("opd_bapelitbang", lang), t("rek_prioritas", lang, daftar=daftar),
                            t("aksi_prioritas", lang), daftar))
    # 4. targeting: recipients outside the target, recipients not in the BDT
    cak = _target(tables, kode, _rows(_tbl(tables, "cakupan"), kode))
    inc, nobdt = [], []
    for _, cr in cak.iterrows():
        n_out, n_nb = _num(cr.get("n_penerima_luar_target")), _num(cr.get("n_penerima_tidak_di_bdt"))
        if n_out and n_out > 0:
            sat = str(cr.get("satuan") or "keluarga")
            inc.append(t("rek_inklusi_item", lang, program=program_name(cr["program"]), n=fmt.angka(n_out, lang),
                         satuan=t(f"satuan_{sat}", lang) if sat in ("keluarga", "rumah_tangga", "jiwa") else sat,
                         persen=fmt.persen(cr.get("inclusion_error"), lang)))
        if n_nb and n_nb > 0:
            nobdt.append(f"{program_name(cr['program'])} {fmt.angka(n_nb, lang)}")
    if inc:
        out.append(item(t("opd_dinsos", lang), t("rek_inklusi", lang, daftar="; ".join(inc))))
    if nobdt:
        out.append(item(t("opd_disdukcapil", lang), t("rek_tidak_di_bdt", lang, daftar="; ".join(nobdt))))
    # 5. MPM: who has not reported, what is not yet verified
    mpm = _tbl(tables, "mpm")
    kel = _rows(mpm, scope)
    if not kel.empty and "melapor" in kel:
        silent = [str(c) for c, m in zip(kel["kode_wilayah"], kel["melapor"]) if not _is_true(m)]
        if silent:
            daftar = ", ".join(names.get(c, c) for c in silent)
            out.append(item(t("opd_kelurahan", lang), t("rek_mpm_lapor", lang, daftar=daftar, batas=_batas(tables, kode, lang)),
                            t("aksi_mpm_lapor", lang), daftar))
    mr = _row(mpm, kode)
    belum = _num(mr.get("belum_diverifikasi")) if mr else None
    if belum and belum > 0:
        pairs = []
        if not single and not kel.empty:
            pairs = sorted(((str(c), float(v)) for c, v in zip(kel["kode_wilayah"], pd.to_numeric(kel["belum_diverifikasi"], errors="coerce"))
                            if not fmt.is_na(v) and v > 0), key=lambda p: (-p[1], p[0]))
        rinci = t("rek_rincian", lang, daftar=top(pairs)) if len(pairs) > 1 else ""
        out.append(item(t("opd_kelurahan", lang), t("rek_mpm_verifikasi", lang, n=fmt.angka(belum, lang), rincian=rinci),
                        t("aksi_mpm_verifikasi", lang), where(pairs), belum, satuan="rumah_tangga"))
    return out


def top_actions(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", n: int = 3) -> list[dict[str, str]]:
    """Page 1's actions: the first `n` recommendations that say what to do, where and for how many."""
    return [a for a in recommendation_items(tables, kode, lang) if a["aksi"] and a["jumlah"]][:n]


def recommendations(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id") -> Html:
    """Rekomendasi: follow-ups generated from the numbers (which kelurahan, which programme, how many
    families, the yearly cost from `biaya`), each tagged with the responsible OPD."""
    recs = recommendation_items(tables, kode, lang)
    body = Markup(_template(_RECS).render(recs=recs, kosong=t("rek_kosong", lang)))
    return _section("rekomendasi", t("bagian_rekomendasi", lang), [], [body])


_METHOD = """
<section class="bagian metodologi" id="metodologi">
<h2>{{ title }}</h2>
{% if sintetis %}<div class="banner-sintetis">{{ banner }}</div>{% endif %}
<h3>{{ h_def }}</h3>
<ul>{% for d in definisi %}<li>{{ d }}</li>{% endfor %}</ul>
<h3>{{ h_sumber }}</h3>
<ul>{% for k, v in sumber %}<li><strong>{{ k }}</strong>: {{ v }}</li>{% endfor %}</ul>
{% if files %}<div class="tabel-wrap"><table class="tabel kecil"><caption>{{ h_files }}</caption>
<tbody>{% for n, h in files %}<tr><th scope="row" class="berkas">{{ n }}</th><td class="kode">{{ h }}</td></tr>{% endfor %}</tbody></table></div>{% endif %}
<h3>{{ h_rahasia }}</h3>
<p>{{ rahasia }}</p>
<h3>{{ h_proses }}</h3>
<dl class="proses">{% for k, v in proses %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>
</section>
"""


def methodology(meta: Mapping[str, Any] | None, run_info: Mapping[str, Any] | None, lang: str = "id") -> Html:
    """Catatan metodologi: definitions and units, sources and vintages (from the clean meta.json),
    input-file fingerprints, the confidentiality statement, run id / git SHA / version, synthetic notice."""
    meta = meta or {}
    run = run_info or {}
    definisi = [t(k, lang, bdt=_vintage(meta, "bdt", lang)) if k == "def_desil" else t(k, lang)
                for k in ("def_rt", "def_keluarga", "def_jiwa", "def_desil", "def_kks", "def_cakupan",
                          "def_prioritas", "def_bps")]
    vintage = meta.get("vintage") or {}
    sumber = [(str(k), str(v)) for k, v in vintage.items()] or [
        ("BDT", t("sumber_bdt", lang)), ("KKS", t("sumber_kks", lang)), ("MPM", t("sumber_mpm", lang)),
        ("BPS", t("sumber_bps", lang)), (t("penduduk", lang), t("sumber_penduduk", lang))]
    files = [(str(n), str(h)[:12]) for n, h in sorted((meta.get("files") or {}).items())]
    dibuat = run.get("dibuat")
    if isinstance(dibuat, (_dt.date, _dt.datetime)):
        dibuat = fmt.tanggal(dibuat, lang)
    proses = [(t("run_id", lang), run.get("run_id")), (t("git_sha", lang), run.get("git_sha")),
              (t("versi", lang), run.get("versi")), (t("periode", lang), run.get("periode")), (t("dibuat", lang), dibuat)]
    proses = [(k, str(v)) for k, v in proses if v not in (None, "")]
    sintetis = bool(meta.get("sintetis", run.get("sintetis", False)))
    return _render(_METHOD, title=t("bagian_metodologi", lang), sintetis=sintetis, banner=t("banner_sintetis", lang),
                   h_def=t("met_definisi", lang), definisi=definisi, h_sumber=t("met_sumber", lang), sumber=sumber,
                   files=files, h_files=t("berkas_masukan", lang), h_rahasia=t("met_kerahasiaan", lang),
                   rahasia=t("kerahasiaan_teks", lang), h_proses=t("met_proses", lang), proses=proses)


def all_sections(tables: Mapping[str, pd.DataFrame], kode: str, lang: str = "id", *, meta: Mapping | None = None,
                 run_info: Mapping | None = None, geojson: Path | str | dict | None = None) -> list[Html]:
    """Every section in the notebook's order (a convenience for previews and tests; the notebook calls them
    one by one): page 1 (banner and brief), then the annex in the order a reader asks "why?" — all the
    follow-ups, what changed since the previous period (page 1's "Sejak …" line, in detail), the coverage
    behind them, why these kelurahan, who the poor are and what they lack, how
    fresh the data are (MPM), the BPS context, and how it was made."""
    banner_meta = {"wilayah": kode, "nama_wilayah": _names(tables).get(kode, kode), "lang": lang,
                   "sintetis": bool((meta or {}).get("sintetis")), "periode": (run_info or {}).get("periode", "")}
    return [banner(banner_meta), headline(tables, kode, lang, meta=meta, geojson=geojson),
            recommendations(tables, kode, lang), section_banding(tables, kode, lang, meta=meta),
            section_cakupan(tables, kode, lang, meta=meta),
            section_prioritas(tables, kode, lang, meta=meta), section_sebaran(tables, kode, lang, geojson=geojson, meta=meta),
            section_profil(tables, kode, lang, meta=meta), section_mpm(tables, kode, lang, meta=meta),
            section_makro(tables, kode, lang), methodology(meta, run_info, lang)]
