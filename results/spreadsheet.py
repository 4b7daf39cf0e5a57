"""Values on their way into a spreadsheet: never a formula.

A target's name, a service's name or a page's label can start with `=`, `+`,
`-`, `@`, a tab or a carriage return; Excel and LibreOffice would run such a
cell (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`) when a CSV or XLSX export is
opened. Every writer that produces a spreadsheet — the JSON-free exports
(results.export.to_csv), the ranking CSV and XLSX (scoring.exports), the
Datasette CSV download (crawler/cli/datasette/plugins) — passes each cell through
`neutralise`, which prefixes such a text with `'` (OWASP's advice). Plain
numbers (`-0.5`, `+3`) are left alone: they are not formulas, and a number
column stays a number column.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """`value`, with a leading `'` when it is a text a spreadsheet would take as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]
