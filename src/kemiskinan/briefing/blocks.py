"""HTML building blocks of the briefing sections: `Html` (a str Jupyter displays as HTML), narrow escaped
tables (`table_html`), the section wrapper (`section`) and chart snippets taken as markup (`markup`).

Jinja2 with autoescape: kelurahan/RT names come from data files and must never inject markup.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Sequence

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from kemiskinan.i18n import t

MAX_COLUMNS = 6


class Html(str):
    """HTML text that IPython renders as HTML (and that `IPython.display.HTML(...)` also accepts)."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # A short text/plain keeps the executed .ipynb from carrying every section twice.
        return {"text/html": str(self), "text/plain": "<briefing HTML>"}


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)


@lru_cache(maxsize=64)
def template(source: str):
    """Compiled once per kernel (the templates are module constants). A pure function of the source, so
    a kernel reused across briefings carries nothing from one wilayah to the next."""
    return _ENV.from_string(source)


def render(source: str, **ctx: Any) -> Html:
    return Html(template(source).render(**ctx))


# ----------------------------------------------------------------------------------------------------
# small HTML builders
# ----------------------------------------------------------------------------------------------------

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
    return Markup(template(_TABLE).render(headers=headers, rows=rows, numeric=numeric, caption=caption,
                                           note=note, strong=set(strong)))


def markup(html: str | None) -> Markup | None:
    """A chart's HTML from the notebook (`chart_cache.cached_html`), trusted as markup; None stays None."""
    return Markup(html) if html else None


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


def section(sid: str, title: str, paras: Sequence[str] = (), blocks: Sequence[Markup] = ()) -> Html:
    return render(_SECTION, sid=sid, title=title, paras=[p for p in paras if p], blocks=[b for b in blocks if b])


def empty(lang: str) -> Markup:
    return Markup('<p class="catatan">{}</p>').format(t("tidak_ada_data", lang).capitalize() + ".")
