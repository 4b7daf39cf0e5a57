"""The ranking workbook (rankings.xlsx): the tables the ministry builds in Excel.

- one **ranking sheet per peer group**: a row per unit in published order, with
  its overall, portal and services score, rank and class side by side;
- a **criteria sheet**: a row per unit, a column per criterion of the
  methodology (whatever criteria it has: a criterion added later gets its
  column), each cell the verdict in words, coloured by verdict;
- an **about sheet**: the run, the methodology, when, and what the colours mean.

Every sheet has its header frozen and an autofilter. Sheet names are whole
words (Excel allows 31 characters; names are shortened word by word, never
mid-word, and kept unique). Every cell passes through results.spreadsheet's
formula neutralisation: a unit called `=HYPERLINK(...)` stays text.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from results.spreadsheet import neutralise_row
from scoring import l10n
from scoring.catalogue import group_words
from scoring.tables import TABLE_ORDER, tr

SHEET_NAME_MAX = 31  # Excel's limit
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Excel's own "Good", "Neutral" and "Bad" fills; not judged is grey and "does
# not apply" is a pale blue, so neither can be mistaken for a failure.
VERDICT_FILLS = {"pass": "C6EFCE", "partial": "FFEB9C", "fail": "FFC7CE",
                 "inconclusive": "D9D9D9", "not_applicable": "DDEBF7"}
VERDICT_FONTS = {"pass": "006100", "partial": "9C5700", "fail": "9C0006",
                 "inconclusive": "404040", "not_applicable": "1F4E78"}


def _xlsx_text(value):
    """Control characters a worksheet cannot hold (a portal's name may carry
    them) dropped, before the formula check sees the text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def shorten_words(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word boundary (trailing separators
    dropped). A first word longer than the limit is the only thing ever cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    out = ""
    for word in text.split(" "):
        candidate = f"{out} {word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    out = out.rstrip(" ,;-–—")
    return out or text[:limit]


def sheet_name(group: str | None, category_label: str | None, taken: set[str]) -> str:
    """A unique sheet name of whole words: the group, then the category if any.
    The category is kept whole where it fits; the group gives way first."""
    clean = lambda s: " ".join(_BAD_SHEET_CHARS.sub(" ", _xlsx_text(s or "")).split()).strip("'")  # noqa: E731
    group_text, category = clean(group) or "-", clean(category_label)
    n = 1
    while True:
        suffix = f" ({n})" if n > 1 else ""
        room = SHEET_NAME_MAX - len(suffix)
        if category:
            tail = shorten_words(category, room)
            head = shorten_words(group_text, room - len(tail) - 3) if room - len(tail) - 3 >= 3 else ""
            base = f"{head} - {tail}" if head and head != "-" else tail
        else:
            base = shorten_words(group_text, room)
        name = (base.strip("'") or "-") + suffix
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name
        n += 1


def _append(ws, values) -> None:
    """A row, every text neutralised; nothing is ever stored as a formula."""
    ws.append(neutralise_row(_xlsx_text(v) for v in values))
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":  # belt and braces
            cell.data_type = "s"


def _header(ws, values, widths) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    _append(ws, values)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _finish(ws, freeze: str = "A2") -> None:
    ws.freeze_panes = freeze
    if ws.max_row >= 1 and ws.max_column >= 1:
        ws.auto_filter.ref = ws.dimensions


def group_sheets(tables: list[dict], lang: str) -> list[dict]:
    """Per peer group: a row per unit in the overall table's order, each
    category's score, rank and class side by side. Ranks stay numbers (a
    sheet sorts by them); tied units share one (competition ranks: 1, 1, 3)."""
    by_group: dict[Any, list[dict]] = {}
    for table in tables:
        by_group.setdefault(table.get("group"), []).append(table)
    order = {c: i for i, c in enumerate(TABLE_ORDER)}
    sheets = []
    for group, group_tables in by_group.items():
        group_tables = sorted(group_tables, key=lambda t: order.get(str(t.get("category")), 9))
        units: dict[str, dict] = {}
        for table in group_tables:
            for r in table["rows"]:
                units.setdefault(r["target_id"], {"row": r, "cells": {}})
                units[r["target_id"]]["cells"][id(table)] = r
        header = [tr("target_id", lang), tr("name", lang), tr("kind", lang)]
        for table in group_tables:
            label = table["category_label"]
            header += [f"{label} — {tr(k, lang)}" for k in ("rank", "score", "classification", "status")]
        rows = []
        for unit in units.values():
            first = unit["row"]
            row: list[Any] = [first["target_id"], first["name"],
                              tr(first["kind"], lang, "kinds") if first.get("kind") else ""]
            for table in group_tables:
                r = unit["cells"].get(id(table))
                row += ([r["rank"], r["score"], r["class_label"],
                         r["status_label"]] if r else ["", None, "", ""])
            rows.append(row)
        sheets.append({"group": group, "group_label": group_words(group, lang), "header": header, "rows": rows, "categories": len(group_tables)})
    return sheets


def _ranking_sheet(wb, sheet: dict, taken: set[str], number_format: str) -> None:
    from openpyxl.styles import Alignment

    ws = wb.create_sheet(sheet_name(sheet["group_label"], None, taken))
    _header(ws, sheet["header"], [14, 40, 16] + [9, 9, 12, 22] * sheet["categories"])
    for row in sheet["rows"]:
        _append(ws, row)
        for c in range(sheet["categories"]):
            ws.cell(row=ws.max_row, column=5 + 4 * c).number_format = number_format
            ws.cell(row=ws.max_row, column=4 + 4 * c).alignment = Alignment(horizontal="right")
    _finish(ws, "C2")


def _criteria_sheet(wb, matrix: dict, taken: set[str], lang: str, number_format: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(sheet_name(tr("criteria_sheet", lang), None, taken))
    fixed = [tr(k, lang) for k in ("group", "target_id", "name", "kind", "score", "classification")]
    columns = matrix["columns"]
    _header(ws, fixed + [c["title"] for c in columns], [18, 14, 36, 16, 8, 11] + [16] * len(columns))
    for i, c in enumerate(columns, start=len(fixed) + 1):
        note = "\n".join(str(x) for x in (c.get("category"), c.get("legal_ref"), c.get("note")) if x)
        if note:
            ws.cell(row=1, column=i).comment = Comment(_xlsx_text(note), "portalcheck")
    ws.row_dimensions[1].height = 90
    fills = {k: PatternFill("solid", fgColor=v) for k, v in VERDICT_FILLS.items()}
    fonts = {k: Font(color=v) for k, v in VERDICT_FONTS.items()}
    for unit in matrix["rows"]:
        _append(ws, [group_words(unit["group"], lang), unit["target_id"], unit["name"], unit["kind_label"], unit["score"],
                     unit["class_label"]] + [unit["cells"].get(c["key"], ("", ""))[1] for c in columns])
        ws.cell(row=ws.max_row, column=5).number_format = number_format
        for i, c in enumerate(columns, start=len(fixed) + 1):
            outcome = unit["cells"].get(c["key"], ("", ""))[0]
            if outcome in fills:
                ws.cell(row=ws.max_row, column=i).fill = fills[outcome]
                ws.cell(row=ws.max_row, column=i).font = fonts[outcome]
    _finish(ws, "D2")


def _about_sheet(wb, about: dict, taken: set[str], lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(sheet_name(tr("about_sheet", lang), None, taken))
    _header(ws, [tr("about_item", lang), tr("about_value", lang)], [30, 70])
    for key in ("run", "started_at", "finished_at", "methodology"):
        if about.get(key):
            _append(ws, [tr(key, lang), about[key]])
    _append(ws, [])
    _append(ws, [tr("legend", lang), ""])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for outcome, colour in VERDICT_FILLS.items():
        _append(ws, [tr(outcome, lang, "outcomes"), tr(f"legend_{outcome}", lang)])
        ws.cell(row=ws.max_row, column=1).fill = PatternFill("solid", fgColor=colour)
    ws.freeze_panes = "A2"


def write_xlsx(tables: list[dict], path: Path, lang: str, decimals: int,
               matrix: dict | None = None, about: dict | None = None) -> Path:
    """The workbook: ranking sheets, then the criteria sheet and the about
    sheet when their data (scoring.matrix.criteria_matrix, about_rows) is given."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    number_format = "0." + "0" * decimals if decimals else "0"
    for sheet in group_sheets(tables, lang):
        _ranking_sheet(wb, sheet, taken, number_format)
    if matrix is not None:
        _criteria_sheet(wb, matrix, taken, lang, number_format)
    if about is not None:
        _about_sheet(wb, about, taken, lang)
    if not wb.worksheets:
        wb.create_sheet("-")
    wb.save(path)
    return path


def about_rows(run: dict | None, methodology_title: str, lang: str) -> dict:
    """What the about sheet says of the run, its dates through Babel."""
    run = run or {}
    title = f"#{run.get('id', '?')}" + (f" — {run['label']}" if run.get("label") else "")
    return {"run": title, "started_at": l10n.format_datetime(run.get("started_at"), lang) if run.get("started_at") else "",
            "finished_at": l10n.format_datetime(run.get("finished_at"), lang) if run.get("finished_at") else "",
            "methodology": methodology_title}
