"""Executed notebook → self-contained HTML (nbconvert + our template) → A4 PDF (one reused Chromium).

An HTMLExporter is costly to build and cheap to reuse, and starting Chromium costs more than printing
with it (bench/README.md has the figures; nbconvert's webpdf also cannot find a system Chromium). So:
exporters are cached, the browser is a context manager the build opens once, and so is its one tab:
`browser.new_page()` makes a new browser context (a new renderer process), which costs as much as the
printing itself.
"""
from __future__ import annotations

import html as _html
import os
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from kemiskinan.atomic import atomic_write
from kemiskinan.i18n import t
from kemiskinan.config import CHROMIUM, TEMPLATES_DIR

AUDIENCES = ("walikota", "analis")
# Cells that never reach a reader: papermill's parameter cells, helpers marked `hide`, and (for the
# walikota/camat/lurah audience) the analyst-only cells.
_REMOVE_TAGS = {
    "walikota": ("parameters", "injected-parameters", "analis", "hide"),
    "analis": ("parameters", "injected-parameters", "hide"),
}
CHROMIUM_ARGS = ["--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]
CSS_FILE = TEMPLATES_DIR / "briefing" / "static" / "briefing.css"


@lru_cache(maxsize=len(AUDIENCES))
def html_exporter(audience: str = "walikota"):
    """The nbconvert HTMLExporter with the `briefing` template, built once per audience and process.

    Building it is the costly part (nbconvert imports, template loading); converting is cheap.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audiens tidak dikenal: {audience!r}; pilih {AUDIENCES}")
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(_REMOVE_TAGS[audience])
    c.TagRemovePreprocessor.remove_input_tags = set()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    exporter = _lean_exporter_class(HTMLExporter)(config=c, template_name="briefing",
                                                  extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    return exporter


_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt=)", re.IGNORECASE)


def _lean_exporter_class(base):
    """HTMLExporter without its closing BeautifulSoup pass.

    nbconvert 7 parses the finished page with BeautifulSoup and serialises it again, only to add alt
    text to images that lack it and `tabindex` to cells inside `.jp-Notebook` (which our template does
    not emit). That pass is most of a conversion's time on the build's main thread, twice per briefing
    (walikota + analis). Here the template output
    is returned as rendered, and images without alt text get nbconvert's same default by a regex.
    """
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class LeanHTMLExporter(base):
        def from_notebook_node(self, nb, resources=None, **kw):
            # the body of HTMLExporter.from_notebook_node (nbconvert 7.17) up to its BeautifulSoup step
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            html = _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', html)
            return html, resources

    return LeanHTMLExporter


def _read_nb(nb: Any):
    import nbformat

    if isinstance(nb, (str, os.PathLike)):
        return nbformat.read(str(nb), as_version=4)
    return nb


def notebook_to_html(nb: Any, out_path: str | os.PathLike, audience: str = "walikota") -> Path:
    """Convert an executed notebook (NotebookNode or .ipynb path) to one self-contained HTML file.

    walikota: no code, no prompts, no `parameters`/`injected-parameters`/`analis`/`hide` cells.
    analis: the same but keeps `analis` cells (still no code).
    """
    node = _read_nb(nb)
    body, _ = html_exporter(audience).from_notebook_node(node)
    out = Path(out_path)
    atomic_write(out, body)
    return out


def footer_from_metadata(km: Mapping[str, Any]) -> dict[str, str]:
    """The PDF footer fields from the notebook's `kemiskinan` metadata."""
    return {k: str(km.get(k, "")) for k in ("nama_wilayah", "wilayah", "periode", "run_id", "versi", "git_sha", "lang")} | {
        "sintetis": "1" if km.get("sintetis") else ""}


def _footer_template(footer: Mapping[str, Any]) -> str:
    lang = footer.get("lang") or "id"
    page = ("Page <span class='pageNumber'></span> of <span class='totalPages'></span>" if lang == "en" else
            "Halaman <span class='pageNumber'></span> dari <span class='totalPages'></span>")
    parts = []
    if footer.get("sintetis"):
        parts.append("<b>" + ("SYNTHETIC DATA" if lang == "en" else "DATA SINTETIS") + "</b>")
    name = footer.get("nama_wilayah") or footer.get("wilayah") or ""
    if name:
        parts.append(_html.escape(str(name)))
    for key, label in (("periode", ""), ("run_id", "run "), ("versi", "v")):
        if footer.get(key):
            parts.append(_html.escape(label + str(footer[key])))
    left = " · ".join(parts)
    # Chromium renders header/footer templates at a tiny default size and without page CSS: set both.
    return ("<div style=\"font-family:'DejaVu Sans',Arial,sans-serif;font-size:7.5px;color:#57606a;width:100%;"
            "margin:0 14mm;display:flex;justify-content:space-between;gap:8px;\">"
            f"<span>{left}</span><span style='white-space:nowrap'>{page}</span></div>")


class PdfPrinter:
    """One headless Chromium for a whole build; `print(html, pdf, footer)` per briefing.

    Use as a context manager:
        with PdfPrinter() as printer:
            for ...: printer.print(html_path, pdf_path, footer)
    """

    def __init__(self, executable_path: str | os.PathLike = CHROMIUM, timeout_ms: int = 60_000):
        self.executable_path = str(executable_path)
        self.timeout_ms = timeout_ms
        self._pw = None
        self._browser = None
        self._page = None
        self.launches = 0       # how many browsers this printer started (tests assert it stays 1)
        self.printed = 0
        self.seconds: list[float] = []
        self.info_seconds: list[float] = []   # the metadata step of each PDF (`set_pdf_info`)

    def __enter__(self) -> "PdfPrinter":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self._browser is not None:
            return
        if not Path(self.executable_path).exists():
            raise FileNotFoundError(f"Chromium tidak ditemukan di {self.executable_path}; jalankan `make system-deps` "
                                    "atau set KEMISKINAN_CHROMIUM")
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable_path, args=CHROMIUM_ARGS)
        except BaseException:
            self._pw.stop()
            self._pw = None
            raise
        self.launches += 1

    def close(self) -> None:
        try:
            self._drop_page()
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            if self._pw is not None:
                self._pw.stop()
                self._pw = None

    @property
    def browser(self):
        if self._browser is None:
            self.start()
        return self._browser

    def _tab(self):
        """The one reused tab, in print media. Documents are static (no scripts, no storage), so
        navigating it to the next briefing leaves nothing of the previous one."""
        if self._page is None or self._page.is_closed():
            page = self.browser.new_page()
            page.set_default_timeout(self.timeout_ms)
            page.emulate_media(media="print")
            self._page = page
        return self._page

    def _drop_page(self) -> None:
        page, self._page = self._page, None
        if page is not None:
            try:
                page.close()
            except Exception:  # a crashed tab or a dead browser: nothing left to close
                pass

    def print(self, html_path: str | os.PathLike, pdf_path: str | os.PathLike, footer: Mapping[str, Any] | None = None,
              info: Mapping[str, str] | None = None) -> Path:
        """Print one HTML file to an A4 PDF with "Halaman X dari Y" and the footer fields on every page,
        and the document metadata `info` (see `pdf_info`) when given."""
        t0 = time.perf_counter()
        src = Path(html_path).resolve()
        out = Path(pdf_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        page = self._tab()
        try:
            page.goto(src.as_uri(), wait_until="load")
            data = page.pdf(format="A4", prefer_css_page_size=True, print_background=True,
                            display_header_footer=True, header_template="<span></span>",
                            footer_template=_footer_template(footer or {}))
        except BaseException:
            self._drop_page()  # a fresh tab for the next document, whatever state this one is in
            raise
        if info:
            t1 = time.perf_counter()
            data = set_pdf_info(data, info)
            self.info_seconds.append(time.perf_counter() - t1)
        atomic_write(out, data)
        self.printed += 1
        self.seconds.append(time.perf_counter() - t0)
        return out


# ----------------------------------------------------------------------------------------------------
# PDF metadata
# ----------------------------------------------------------------------------------------------------

_TITLE = {"id": "Briefing Kemiskinan — {nama} ({periode})", "en": "Poverty Briefing — {nama} ({periode})"}
_SUBJECT = {"id": "Data kemiskinan dan cakupan KKS {nama}, periode {periode}: {data}",
            "en": "Poverty data and KKS coverage for {nama}, period {periode}: {data}"}
_MPM = {"id": " dan pemutakhiran MPM", "en": " and MPM updates"}
_SYNTHETIC = {"id": " — DATA SINTETIS, bukan data asli", "en": " — SYNTHETIC DATA, not real data"}


def pdf_info(km: Mapping[str, Any], instansi: str) -> dict[str, str]:
    """What a PDF reader shows under "Properties": title, author (the issuing agency, `instansi` from
    params), subject and the document language, from the notebook's `kemiskinan` metadata (or the footer
    fields, which carry the same keys)."""
    lang = str(km.get("lang") or "id")
    # the round's data (build meta `data_bdt`/`data_mpm`, from meta.json vintage); PBDT 2015 + MPM when absent
    data = str(km.get("data_bdt") or "PBDT 2015") + (_MPM.get(lang, _MPM["id"]) if km.get("data_mpm", True) else "")
    words = {"nama": str(km.get("nama_wilayah") or km.get("wilayah") or ""), "periode": str(km.get("periode") or ""),
             "data": data}
    subject = _SUBJECT.get(lang, _SUBJECT["id"]).format(**words)
    if km.get("sintetis"):
        subject += _SYNTHETIC.get(lang, _SYNTHETIC["id"])
    return {"title": _TITLE.get(lang, _TITLE["id"]).format(**words), "author": str(instansi or ""),
            "subject": subject, "lang": lang}


def set_pdf_info(data: bytes, info: Mapping[str, str]) -> bytes:
    """Add /Author, /Subject (and /Title when Chromium left none) to the info dictionary and /Lang to the
    catalog of a PDF Chromium printed.

    Chromium's print-to-PDF sets /Title from the page's <title> and nothing else (no /Author, /Subject,
    and /Lang only in a tagged PDF, which is larger and slower to print). pypdf's incremental mode appends
    the changed catalog and info dictionary after Chromium's bytes instead of rewriting the file
    (bench/README.md, "PDF metadata")."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(io.BytesIO(data), incremental=True)
    meta = {"/Author": info.get("author", ""), "/Subject": info.get("subject", "")}
    current = writer.metadata or {}
    if not str(current.get("/Title") or "").strip():
        meta["/Title"] = info.get("title", "")
    writer.add_metadata({k: v for k, v in meta.items() if v})
    if info.get("lang"):
        writer.root_object[NameObject("/Lang")] = TextStringObject(info["lang"])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------------
# index page
# ----------------------------------------------------------------------------------------------------

_INDEX = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ title }}{% if periode %} — {{ periode }}{% endif %}</title>
<style>{{ css }}</style>
</head>
<body><main>
{% if sintetis %}<div class="banner-sintetis" role="alert">{{ banner }}</div>{% endif %}
<header class="kepala"><p class="jenis">Kota Bontang</p><h1>{{ title }}</h1>
{% if periode %}<p class="untuk">{{ periode_label }} {{ periode }}</p>{% endif %}</header>
{% for label, items in groups %}
<section class="indeks-grup"><h2>{{ label }}</h2>
<div class="indeks-kartu">
{% for e in items %}<div class="kartu">
<div class="nama">{{ e.nama }}</div>
{% if e.cakupan %}<div class="banding">{{ cakupan_label }}: <strong>{{ e.cakupan }}</strong>{% if e.miskin %} · {{ miskin_label }}: {{ e.miskin }}{% endif %}</div>{% endif %}
<div>{% if e.html %}<a class="tombol" href="{{ e.html }}">{{ open_label }}</a>{% endif %}{% if e.pdf %}<a class="tombol" href="{{ e.pdf }}">{{ pdf_label }}</a>{% endif %}</div>
</div>
{% endfor %}</div></section>
{% endfor %}
{% if run_id %}<footer class="kaki"><span>{{ run_label }}: {{ run_id }}</span></footer>{% endif %}
</main></body></html>
"""


def write_index(periode_dir: str | os.PathLike, entries: Iterable[Mapping[str, Any]], lang: str = "id", *,
                periode: str | None = None, sintetis: bool = False, run_id: str | None = None) -> Path:
    """Write `<periode_dir>/index.html`: one card per wilayah with its KKS coverage and links to HTML and PDF.

    entries: dicts with `kode`, `nama`, `tingkat` (kota/kecamatan/kelurahan), `html`, `pdf` (paths,
    made relative to periode_dir), and optional `cakupan_kks` (0–1) and `keluarga_miskin`.
    """
    from jinja2 import Environment

    # imported here, not at the top: the no-op build imports this module for the periods index and does
    # not need babel's locale data
    from kemiskinan.briefing import fmt

    root = Path(periode_dir)

    def rel(p):
        if not p:
            return None
        p = Path(p)
        try:
            return p.resolve().relative_to(root.resolve()).as_posix() if p.is_absolute() else p.as_posix()
        except ValueError:
            return os.path.relpath(p.resolve(), root.resolve()).replace(os.sep, "/")

    order = {"kota": 0, "kecamatan": 1, "kelurahan": 2}
    groups: dict[str, list[dict]] = {}
    for e in sorted(entries, key=lambda e: (order.get(e.get("tingkat", ""), 9), str(e.get("kode", "")))):
        tk = e.get("tingkat", "kelurahan")
        groups.setdefault(tk, []).append({
            "nama": e.get("nama") or e.get("kode"), "html": rel(e.get("html")), "pdf": rel(e.get("pdf")),
            "cakupan": fmt.persen(e["cakupan_kks"], lang) if e.get("cakupan_kks") is not None else None,
            "miskin": fmt.angka(e["keluarga_miskin"], lang) if e.get("keluarga_miskin") is not None else None,
        })
    labels = [(t(tk, lang), items) for tk, items in groups.items()]
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    from markupsafe import Markup

    html = env.from_string(_INDEX).render(
        lang=lang, title=t("indeks_judul", lang), periode=periode, periode_label=t("periode", lang), groups=labels,
        sintetis=sintetis, banner=t("banner_sintetis", lang), css=Markup(CSS_FILE.read_text(encoding="utf-8")),
        cakupan_label=t("cakupan_kks", lang), miskin_label=t("kartu_keluarga_miskin", lang),
        open_label=t("buka_html", lang), pdf_label=t("unduh_pdf", lang), run_id=run_id, run_label=t("run_id", lang))
    out = root / "index.html"
    atomic_write(out, html)
    return out


# ----------------------------------------------------------------------------------------------------
# the periods index (reports/index.html)
# ----------------------------------------------------------------------------------------------------
_PERIODS_INDEX = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Briefing kemiskinan per periode — Kota Bontang</title>
<style>{{ css }}</style>
</head>
<body><main>
{% if sintetis %}<div class="banner-sintetis" role="alert">{{ banner }}</div>{% endif %}
<header class="kepala"><p class="jenis">Kota Bontang</p><h1>Briefing kemiskinan per periode</h1>
<p class="untuk">Setiap periode data yang sudah dibangun, yang terbaru lebih dulu.</p></header>
{% if periods %}
<section class="indeks-grup"><h2>Periode</h2>
<div class="indeks-kartu">
{% for p in periods %}<div class="kartu">
<div class="nama">Periode {{ p.periode }}{% if p.sintetis %} (data sintetis){% endif %}</div>
<div class="banding">Cakupan KKS kota: <strong>{{ p.cakupan }}</strong> · Keluarga miskin{% if p.target %} ({{ p.target }}){% endif %}: {{ p.miskin }}</div>
{% if p.periode_sebelumnya %}<div>Dibandingkan dengan periode {{ p.periode_sebelumnya }}</div>{% endif %}
<div>{% if p.index %}<a class="tombol" href="{{ p.index }}">Buka briefing</a>{% endif %}{% if p.en %}<a class="tombol" href="{{ p.en }}" hreflang="en" lang="en">English</a>{% endif %}</div>
</div>
{% endfor %}</div></section>
{% else %}
<p>Belum ada periode yang dibangun.</p>
{% endif %}
</main></body></html>
"""


def write_periods_index(reports_root: str | os.PathLike, periods: Iterable[Mapping[str, Any]]) -> Path:
    """Write `<reports_root>/index.html`: one card per period built (`build.periods_built`, newest first)
    with the kota's KKS coverage and keluarga miskin (text made by `fmt` when the period was built, read
    from its run.json) and links to the period's own index (and its English one). Indonesian; no
    wilayah-level data, no names: only period names and the kota's two numbers."""
    from jinja2 import Environment
    from markupsafe import Markup

    rows = []
    for p in periods:
        kota = p.get("kota") or {}
        teks = kota.get("teks") or {}
        rows.append({"periode": p["periode"], "index": p.get("index"), "en": p.get("en"),
                     "sintetis": bool(p.get("sintetis")), "target": kota.get("target"),
                     "periode_sebelumnya": p.get("periode_sebelumnya"),
                     "cakupan": teks.get("cakupan_kks") or "\u2013", "miskin": teks.get("keluarga_miskin") or "\u2013"})
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    html = env.from_string(_PERIODS_INDEX).render(
        periods=rows, sintetis=any(r["sintetis"] for r in rows), banner=t("banner_sintetis", "id"),
        css=Markup(CSS_FILE.read_text(encoding="utf-8")))
    out = Path(reports_root) / "index.html"
    atomic_write(out, html)
    return out
