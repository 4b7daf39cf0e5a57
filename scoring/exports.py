"""Ranking tables as CSV (csv module) and XLSX (openpyxl): the same rows in both.

Text that a spreadsheet would run as a formula is neutralised in both
(results.spreadsheet). The CSV holds every table one after the other; the workbook has one sheet per
peer group and category with those same rows, so a sheet can be printed or sent
to one unit on its own.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from results.spreadsheet import neutralise_row
from scoring.tables import flat_header, flat_rows

SHEET_NAME_MAX = 31  # Excel's limit
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_csv(tables: list[dict], path: Path, lang: str, decimals: int) -> Path:
    # utf-8-sig so Excel opens Vietnamese text correctly; scores keep a dot decimal
    # and fixed decimals so they survive any locale.
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(flat_header(lang))
        for row in flat_rows(tables, lang, decimals):
            row = list(row)
            row[2] = "" if row[2] is None else row[2]
            row[6] = "" if row[6] is None else f"{row[6]:.{decimals}f}"
            writer.writerow(neutralise_row(row))
    return path


def sheet_name(group: str | None, category_label: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", _xlsx_text(f"{group or '-'} - {category_label}")).strip("'") or "sheet"
    name = base[:SHEET_NAME_MAX]
    n = 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


def _xlsx_text(value):
    """Control characters a worksheet cannot hold (a portal's name may carry
    them) dropped, before the formula check sees the text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_xlsx(tables: list[dict], path: Path, lang: str, decimals: int) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    number_format = "0." + "0" * decimals if decimals else "0"
    for table in tables:
        ws = wb.create_sheet(sheet_name(table["group"], table["category_label"], taken))
        ws.append(flat_header(lang))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in flat_rows([table], lang, decimals):
            ws.append(neutralise_row(_xlsx_text(v) for v in row))
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":  # belt and braces: text is never stored as a formula
                    cell.data_type = "s"
            ws.cell(row=ws.max_row, column=7).number_format = number_format
        for column, width in zip("ABCDEFGHI", (24, 18, 7, 11, 16, 40, 9, 12, 18)):
            ws.column_dimensions[column].width = width
        ws.freeze_panes = "A2"
    if not tables:
        wb.create_sheet("-")
    wb.save(path)
    return path
