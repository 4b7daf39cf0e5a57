"""Ranking tables as CSV (csv module); the workbook is scoring.workbook.

Text that a spreadsheet would run as a formula is neutralised in both
(results.spreadsheet). The CSV holds every table one after the other, one row
per unit and category; the workbook has one sheet per peer group, a criteria
sheet and an about sheet.
"""
from __future__ import annotations

import csv
from pathlib import Path

from results.spreadsheet import neutralise_row
from scoring.tables import flat_header, flat_rows
from scoring.workbook import sheet_name, write_xlsx  # noqa: F401 - where callers found them


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
