"""What the reports show, as plain data: ranking tables and per-target views.

Every output format (HTML, Markdown, CSV, XLSX) is drawn from these, so the
formats cannot disagree with each other.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Any

from scoring import l10n
from scoring.audit_view import audit_view
from scoring.catalogue import group_words, message, reason_words
from scoring.methodology import text
from scoring.ranking import tied

# Published tables put the overall index first, then each category.
TABLE_ORDER = ("overall", "portal", "services")
# Shortfalls: what a unit is told it fell short on.
SHORT_OUTCOMES = ("fail", "partial")


# Report templates name a vocabulary by its plural (tr(code, "reasons")); the catalogue
# keys it by the singular (reason.<code>), as the command line does.
VOCABULARIES = {"classes": "class", "statuses": "rank_status", "outcomes": "outcome",
                "requirements": "requirement", "kinds": "kind", "reasons": "reason",
                "fetch_statuses": "status", "groups": "group", "levels": "level"}


def tr(key: str, lang: str, section: str | None = None, **values) -> str:
    """A report's word (`words.<key>`) or, with `section`, the words for a stored code
    (`tr("no_link", lang, "reasons")` reads `reason.no_link`), from the one catalogue."""
    prefix = VOCABULARIES.get(section, section) if section else "words"
    return message(f"{prefix}.{key}", lang, **values)


def fmt_score(value: float | None, decimals: int, lang: str) -> str:
    """0,850 in Vietnamese (decimal comma, as published), 0.850 in English."""
    return l10n.format_score(value, decimals, lang)


def slug(target_id: str) -> str:
    """A file name for a target's page, one per id: an id that is not already
    a plain lower-case name (`so/tc`, `So-TC`, `Sở TC`) gets a short hash of
    itself, so `so/tc` and `so-tc` never write the same file, on any filesystem."""
    target_id = str(target_id)
    base = re.sub(r"[^a-z0-9._-]+", "-", target_id.lower()).strip("-.")[:80] or "target"
    if base == target_id:
        return base
    return f"{base}-{hashlib.sha256(target_id.encode('utf-8')).hexdigest()[:10]}"


def category_label(m: dict, category: str, lang: str) -> str:
    if category == "overall":
        return text(m["overall"]["title"], lang)
    return text(m["categories"].get(category, {}).get("title", category), lang)


def target_index(evidence: dict) -> dict[str, dict]:
    return {(t.get("target_id") or t.get("id")): t for t in evidence.get("targets") or []}


def _sort_key(row: dict) -> tuple:
    # Ranked first by rank; then insufficient data, then showstoppers; by name.
    status_order = {"ranked": 0, "insufficient_data": 1, "showstopper": 2}
    return (status_order.get(row["status"], 3), row["rank"] or 0, row["name"].casefold())


def status_note(row: dict, lang: str) -> str:
    """What a person must know beside a row's status: a services score
    made over a list not read to its end is partial (how many services were read
    of how many announced); "insufficient data" says why nothing could be judged."""
    criteria = row.get("criteria") or []
    cover = row.get("partial") or next(((c.get("detail") or {}).get("coverage") for c in criteria
                                        if c.get("partial_list")), None)
    if cover and row.get("status") == "ranked":
        def count(n):   # 1.234 in Vietnamese, 1,234 in English
            return l10n.format_count(int(n or 0), lang)
        if cover.get("announced"):
            return tr("partial_list_of", lang, seen=count(cover.get("seen")), announced=count(cover["announced"]))
        return tr("partial_list", lang, seen=count(cover.get("seen")))
    if row.get("status") == "insufficient_data":
        reasons = [(c.get("detail") or {}).get("reason") for c in criteria
                   if c.get("outcome") in ("inconclusive", "not_applicable") and (c.get("detail") or {}).get("reason")]
        reasons = [r for r in dict.fromkeys(reasons) if r != "kind_not_applicable"]
        return "; ".join(reason_words(str(r), lang) for r in reasons[:3])
    return ""


def _status_label(row: dict, lang: str) -> str:
    label = tr(row.get("status") or "insufficient_data", lang, "statuses")
    note = status_note(row, lang)
    return f"{label} ({note})" if note else label


def ranking_tables(evidence: dict, scores: list[dict], m: dict, lang: str) -> list[dict]:
    """One table per (peer group, category), rows in published order."""
    targets = target_index(evidence)
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    for s in scores:
        buckets[(s.get("group"), s["category"])].append(s)
    tables = []
    order = {c: i for i, c in enumerate(TABLE_ORDER)}
    for (group, category) in sorted(buckets, key=lambda k: (str(k[0]), order.get(k[1], 9))):
        bucket = buckets[(group, category)]
        ranks = [s.get("rank") for s in bucket]
        rows = []
        for s in bucket:
            t = targets.get(s["target_id"], {})
            cls = s.get("classification")
            rows.append({
                "rank": s.get("rank"), "tied": tied(s.get("rank"), ranks),
                "target_id": s["target_id"], "name": t.get("name") or s["target_id"],
                "kind": t.get("kind"), "score": s.get("score"),
                "score_text": fmt_score(s.get("score"), m["decimals"], lang),
                "classification": cls,
                "class_label": tr(cls, lang, "classes") if cls else "",
                "status": s.get("status") or "insufficient_data",
                "status_label": _status_label(s, lang),
                "page": f"targets/{slug(s['target_id'])}.html",
            })
        rows.sort(key=_sort_key)
        tables.append({"group": group, "group_label": group_words(group, lang), "category": category,
                       "category_label": category_label(m, category, lang), "rows": rows})
    return tables


def rank_text(row: dict, lang: str) -> str:
    if row["rank"] is None:
        return "—"
    return f"{tr('tie_word', lang)} {row['rank']}" if row["tied"] else str(row["rank"])


def flat_header(lang: str) -> list[str]:
    return [tr(k, lang) for k in ("group", "category", "rank", "tie", "target_id", "name",
                                  "score", "classification", "status")]


def flat_rows(tables: list[dict], lang: str, decimals: int) -> list[list[Any]]:
    """The rows of the CSV file and, typed, of the XLSX sheets (same order)."""
    out = []
    for table in tables:
        for r in table["rows"]:
            out.append([table.get("group_label") or table["group"] or "", table["category_label"], r["rank"],
                        tr("tie_word", lang) if r["tied"] else "", r["target_id"], r["name"],
                        r["score"], r["class_label"], r["status_label"]])
    return out


def fetch_status_words(status: str | None, http_status: int | None, lang: str) -> str:
    """A fetch's status as a person reads it: "hoạt động (HTTP 200)", never "live 200"."""
    if not status:
        return "—"
    words = tr(status, lang, "fetch_statuses")
    return f"{words} (HTTP {http_status})" if http_status else words


def counts_words(counts: dict, lang: str) -> str:
    """"Đạt: 0 · Không đạt: 1" for a criterion's counts of outcomes (or of statuses)."""
    parts = []
    for key, n in counts.items():
        vocabulary = next((v for v in ("count", "outcome", "level", "status") if f"{v}.{key}" in _catalogue()), "status")
        label = message(f"{vocabulary}.{key}", lang)
        parts.append(f"{label}: {l10n.format_count(n, lang) if isinstance(n, int) else n}")
    return " · ".join(parts)


def _catalogue() -> dict:
    from scoring.catalogue import catalogue

    return catalogue()


def evidence_view(item: dict, lang: str) -> dict:
    """One piece of evidence with its codes put in words (status, reason, outcome)."""
    return {**item,
            "status_label": fetch_status_words(item.get("status"), item.get("http_status"), lang)
            if item.get("status") else "",
            "reason_label": reason_words(item.get("reason"), lang),
            "outcome_label": tr(item["outcome"], lang, "outcomes") if item.get("outcome") else "",
            # a label the tool wrote itself (measures: "services_listed") is a code, in words here
            "label": message(f"observation_key.{item['label']}", lang)
            if item.get("label") and f"observation_key.{item['label']}" in _catalogue() else item.get("label")}


def _criterion_view(entry: dict, crit: dict | None, lang: str) -> dict:
    detail = entry.get("detail") or {}
    title = text(crit["title"], lang) if crit else entry["key"]
    reason = detail.get("reason")
    return {
        **entry, "title": title,
        "fix": text(crit.get("fix"), lang) if crit else "",
        "outcome_label": tr(entry.get("outcome") or "inconclusive", lang, "outcomes"),
        "requirement_label": tr(entry.get("requirement") or "required", lang, "requirements"),
        "reason_label": reason_words(reason, lang) if reason else "",
        "evidence": [evidence_view(e, lang) for e in detail.get("evidence") or [] if isinstance(e, dict)],
        "evidence_more": max(0, int(detail.get("evidence_total") or 0) - len(detail.get("evidence") or [])),
        "counts": detail.get("counts") or {},
        "counts_text": counts_words(detail.get("counts") or {}, lang),
        "short": entry.get("outcome") in SHORT_OUTCOMES and entry.get("counted", True),
    }


def target_views(evidence: dict, scores: list[dict], m: dict, lang: str,
                 previous_scores: list[dict] | None = None) -> list[dict]:
    """Per target: its rows by category with every criterion explained."""
    crit_by_key = {c["key"]: c for c in m["criteria"]}
    prev = {(s["target_id"], s["category"]): s.get("score") for s in previous_scores or []}
    by_target: dict[str, list[dict]] = defaultdict(list)
    for s in scores:
        by_target[s["target_id"]].append(s)
    order = {c: i for i, c in enumerate(TABLE_ORDER)}
    observations: dict[str, list[dict]] = defaultdict(list)
    for o in evidence.get("observations") or []:
        observations[o.get("target_id")].append(o)
    views: list[dict[str, Any]] = []
    for tid, target in target_index(evidence).items():
        rows = sorted(by_target.get(tid, []), key=lambda s: order.get(s["category"], 9))
        cats = []
        for s in rows:
            criteria = [_criterion_view(e, crit_by_key.get(e["key"]), lang) for e in s.get("criteria") or []]
            if s["category"] == "overall":
                for c in criteria:
                    c["title"] = category_label(m, c["key"], lang)
            before = prev.get((tid, s["category"]))
            cats.append({**s, "label": category_label(m, s["category"], lang),
                         "score_text": fmt_score(s.get("score"), m["decimals"], lang),
                         "class_label": tr(s["classification"], lang, "classes") if s.get("classification") else "",
                         "status_label": _status_label(s, lang),
                         "previous": before,
                         "delta": None if before is None or s.get("score") is None else s["score"] - before,
                         "criteria": criteria})
        shortfalls = [c for cat in cats if cat["category"] != "overall" for c in cat["criteria"] if c["short"]]
        views.append({"target": target, "target_id": tid, "slug": slug(tid), "name": target.get("name") or tid,
                      "kind_label": tr(target.get("kind") or "other", lang, "kinds"),
                      "group_label": group_words(target.get("group"), lang),
                      "portal_status_label": fetch_status_words(target.get("portal_status"),
                                                                target.get("portal_http_status"), lang),
                      "services_portal_status_label": fetch_status_words(target.get("services_portal_status"),
                                                                         None, lang),
                      "categories": cats, "shortfalls": shortfalls,
                      "audits": audit_view(observations.get(tid, []), lang)})
    views.sort(key=lambda v: (str(v["target"].get("group") or ""), v["name"].casefold()))
    return views
