"""The criteria matrix: a row per unit, a column per criterion, each cell the
verdict in words — the shape of the ministry's own Excel tables, drawn from
the scored criteria entries (scoring.criteria), so it cannot disagree with the
scores.

Columns are generic: every criterion of the methodology, in its order, then
any other key the scores carry (a criterion added later, or one a custom
methodology brings). Nothing here knows a criterion by name.
"""
from __future__ import annotations

from typing import Any

from scoring.methodology import text
from scoring.tables import TABLE_ORDER, category_label, fmt_score, target_index, tr

# Categories whose entries are criteria; the overall row's entries are category subtotals.
_CRITERIA_CATEGORIES = tuple(c for c in TABLE_ORDER if c != "overall")


def _column(crit: dict | None, key: str, category: str, lang: str) -> dict:
    title = text(crit["title"], lang) if crit else key
    return {"key": key, "title": title, "category": category,
            "legal_ref": str(crit.get("legal_ref") or "") if crit else "", "note": ""}


def cell_words(entry: dict, lang: str) -> str:
    """The verdict in words; an item that does not count towards the score
    (informational) is marked so, never read as a requirement."""
    words = tr(entry.get("outcome") or "inconclusive", lang, "outcomes")
    if entry.get("outcome") == "pending":   # not finished: never shown as a verdict
        words = tr("inconclusive", lang, "outcomes")
    if entry.get("requirement") == "informational" or entry.get("counted") is False:
        words = f"{words} ({tr('informational_mark', lang)})"
    return words


def criteria_matrix(evidence: dict, scores: list[dict], m: dict, lang: str) -> dict[str, Any]:
    """{"columns": [{key, title, legal_ref, note}], "rows": [{group, target_id, name,
    kind_label, score, score_text, class_label, cells: {key: (outcome, words)}}]}."""
    crit_by_key = {c["key"]: c for c in m["criteria"]}
    seen: dict[str, dict] = {}
    by_target: dict[str, dict] = {}
    overall: dict[str, dict] = {}
    for s in scores:
        if s["category"] == "overall":
            overall[s["target_id"]] = s
        if s["category"] not in _CRITERIA_CATEGORIES:
            continue
        label = category_label(m, s["category"], lang)
        for entry in s.get("criteria") or []:
            seen.setdefault(entry["key"], _column(crit_by_key.get(entry["key"]), entry["key"], label, lang))
            outcome = entry.get("outcome") or "inconclusive"
            outcome = "inconclusive" if outcome == "pending" else outcome
            by_target.setdefault(s["target_id"], {})[entry["key"]] = (outcome, cell_words(entry, lang))
    order = [c["key"] for c in m["criteria"] if c["key"] in seen]
    columns = [seen[k] for k in order] + [v for k, v in seen.items() if k not in order]
    for column in columns:
        crit = crit_by_key.get(column["key"])
        if crit and crit.get("requirement") == "informational":
            column["note"] = tr("informational", lang, "requirements")
    targets = target_index(evidence)
    rows: list[dict[str, Any]] = []
    for tid, target in targets.items():
        total = overall.get(tid, {})
        cls = total.get("classification")
        rows.append({"group": target.get("group") or target.get("group_name") or "", "target_id": tid,
                     "name": target.get("name") or tid,
                     "kind_label": tr(target.get("kind") or "other", lang, "kinds"),
                     "score": total.get("score"),
                     "score_text": fmt_score(total.get("score"), int(m["decimals"]), lang),
                     "class_label": tr(cls, lang, "classes") if cls else "",
                     "rank": total.get("rank"), "cells": by_target.get(tid, {})})
    rows.sort(key=lambda r: (str(r["group"]), r["rank"] is None, r["rank"] or 0, str(r["name"]).casefold()))
    return {"columns": columns, "rows": rows}
