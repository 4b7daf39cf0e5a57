"""Datasette plugin (loaded by `portalcheck serve`): words, not codes, in what a
person reads, from the one message catalogue (scoring/catalogue.py).

- Every table and view shows a stored code in a column a person reads
  (`outcome`, `classification`, `status`, `level`, `kind`, `group_name`, a
  monitor state…) as its Vietnamese words; the code stays in the cell's tooltip,
  in filters, facets' links, JSON and CSV, so scripts and links keep working.
- Facets declared `{words: COLUMN}` in metadata.yaml list their values as words
  (a column facet whose labels come from the catalogue; the links filter by code).
- SQL gets `words(vocabulary, code [, lang])`: the canned queries of
  metadata.yaml name their columns' values with it (`words('class', classification)`),
  so no word is copied into SQL by hand.

Both read the catalogue, never the database: a page's text cannot choose a word.
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.facets import ColumnFacet
from markupsafe import Markup, escape

from scoring.catalogue import criterion_words, group_words, has, message, reason_words

# Which vocabulary a column's codes belong to: first by (table, column), then by column.
BY_TABLE = {("scores", "status"): "rank_status", ("latest_scores", "status"): "rank_status",
            ("runs", "status"): "run_status", ("runs", "mode"): "run_mode",
            ("monitor_urls", "kind"): "monitor_kinds", ("monitor_changes", "kind"): "monitor_change",
            ("monitor_changes", "url_kind"): "monitor_kinds", ("screenshots", "purpose"): "screenshot_purpose",
            ("screenshots", "page_status"): "status",
            **{(view, column): vocabulary for view in ("observations", "latest_observations", "latest_verdicts")
               for column, vocabulary in (("key", "criterion"), ("category", "observation_category"))}}
BY_COLUMN = {"outcome": "outcome", "classification": "class", "level": "level", "category": "category",
             "status": "status", "portal_status": "status", "services_portal_status": "status",
             "kind": "kind", "group_name": "group", "to_state": "monitor_states", "from_state": "monitor_states",
             "requirement": "requirement", "reason": "reason"}


def words(vocabulary: str | None, code, lang: str = "vi") -> str | None:
    """The words for `code`, or None when the catalogue has none (the code is then shown as it is)."""
    if code is None or vocabulary is None or not isinstance(code, str) or not code:
        return None
    lang = "en" if lang == "en" else "vi"
    if vocabulary in ("group", "reason"):
        said = (group_words if vocabulary == "group" else reason_words)(code, lang)
        return None if said == code else said
    if vocabulary == "criterion":   # a criterion's name, else what a check looked at
        said = criterion_words(code, lang)
        return None if said == code else said
    key = f"{vocabulary}.{code}"
    return message(key, lang) if has(key) else None


def vocabulary_of(table: str | None, column: str) -> str | None:
    return BY_TABLE.get((table or "", column)) or BY_COLUMN.get(column)


def _sql_words(vocabulary, code, lang="vi"):
    text = words(vocabulary, code, lang)
    return code if text is None else text


@hookimpl
def prepare_connection(conn):
    conn.create_function("words", 2, _sql_words, deterministic=True)
    conn.create_function("words", 3, _sql_words, deterministic=True)


@hookimpl
def render_cell(value, column, table):
    if table is None:   # a canned or ad-hoc query names its values itself (words())
        return None
    text = words(vocabulary_of(table, column), value)
    if text is None:
        return None
    return Markup(f'<span title="{escape(value)}">{escape(text)}</span>')


class WordsFacet(ColumnFacet):
    """A column facet whose values read as words (metadata.yaml: `facets: [{words: outcome}]`)."""
    type = "words"

    async def suggest(self):
        return []   # Datasette's own column facets are suggested already

    async def facet_results(self):
        results, timed_out = await super().facet_results()
        for facet in results:
            vocabulary = vocabulary_of(self.table, facet["name"])
            facet["type"] = "column"   # shown as a column facet, not "outcome (words)"
            for value in facet["results"]:
                said = words(vocabulary, value["value"])
                if said is not None:
                    value["label"] = said
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [WordsFacet]
