"""What `portalcheck check` prints: a self-test report an officer can hand on.

Drawn from the same scored view as the per-target HTML page (scoring.tables.target_views),
so the terminal and the page say the same thing: per criterion its name, its verdict in
words, its evidence (label and the whole URL, never cut), and for each shortfall the legal
basis and "Cách khắc phục" / "How to fix". Criteria that do not apply to this kind of agency
are shown as such, never as failures; reference-only criteria are marked.
"""
from __future__ import annotations

from rich.console import Console
from rich.text import Text

from crawler.cli.i18n import get_lang, t
from scoring import l10n

MARKS = {"pass": ("✔", "green"), "fail": ("✘", "red"), "partial": ("◐", "yellow"),
         "inconclusive": ("?", "yellow"), "not_applicable": ("–", "dim"), "skipped": ("–", "dim")}
EVIDENCE_SHOWN = 3     # per criterion on a terminal; the HTML page (--report) shows them all
INDENT = "      "


def _line(console: Console, *parts: tuple[str, str] | str) -> None:
    """Text from portals and target files is never rich markup: built as Text, not parsed."""
    text = Text()
    for part in parts:
        text.append(*(part if isinstance(part, tuple) else (part,)))
    # soft_wrap: a URL is printed whole, whatever the terminal's width
    console.print(text, soft_wrap=True)


def _evidence(console: Console, c: dict) -> None:
    for e in c["evidence"][:EVIDENCE_SHOWN]:
        bits = [b for b in (e.get("label"), e.get("url")) if b]
        extra = "; ".join(b for b in (e.get("status_label") if e.get("status") != "live" else "",
                                      e.get("reason_label")) if b)
        if bits:
            _line(console, INDENT, (t("check.evidence") + ": ", "bold"), " — ".join(bits),
                  f" ({extra})" if extra else "")
        elif extra:
            _line(console, INDENT, (t("check.why") + ": ", "bold"), extra)
    more = c.get("evidence_more", 0) + max(0, len(c["evidence"]) - EVIDENCE_SHOWN)
    if more:
        _line(console, INDENT, t("check.more_evidence", n=l10n.format_count(more, get_lang())))
    if c.get("reason_label") and c["outcome"] != "not_applicable":
        _line(console, INDENT, (t("check.why") + ": ", "bold"), c["reason_label"])


def print_criterion(console: Console, c: dict) -> None:
    mark, style = MARKS.get(c["outcome"], ("?", ""))
    lang = get_lang()
    notes = []
    if c.get("requirement") == "informational":
        notes.append(t("check.informational"))
    elif c.get("requirement") == "recommended":
        notes.append(t("check.recommended"))
    if c["outcome"] == "not_applicable":
        notes.append(c.get("reason_label") or t("check.not_applicable_kind"))
    points = ""
    if c.get("counted", True) and c["outcome"] in ("pass", "fail", "partial") and c.get("max_points"):
        points = f" ({l10n.format_points(c.get('points') or 0, lang)}/{l10n.format_points(c['max_points'], lang)})"
    _line(console, f"  {mark} ", (f"{c['outcome_label']}", f"bold {style}"), "  ", c["title"], points,
          (f"  [{'; '.join(notes)}]", "dim") if notes else "")
    if c["outcome"] == "not_applicable":
        return
    _evidence(console, c)
    if c["outcome"] in ("fail", "partial"):
        _line(console, INDENT, (t("check.legal_ref") + ": ", "bold"), c.get("legal_ref") or "—")
        if c.get("fix"):
            _line(console, INDENT, (t("check.how_to_fix") + ": ", "bold"), c["fix"])
    elif c["outcome"] == "inconclusive":
        _line(console, INDENT, (t("check.not_counted"), "dim"))


def _services(console: Console, target: dict) -> None:
    services = target.get("services") or []
    if not services:
        return
    lang = get_lang()
    by_level: dict[str, list] = {}
    for s in services:
        by_level.setdefault(s.get("level") or "unknown", []).append(s)
    for level in ("toan_trinh", "mot_phan", "khong_truc_tuyen", "unknown"):
        items = by_level.get(level)
        if items:
            live = sum(s.get("status") == "live" for s in items)
            _line(console, "  ", t("check.services_line", level=t(f"level.{level}"),
                                   count=l10n.format_count(len(items), lang), live=l10n.format_count(live, lang)))


def print_report(view: dict, target: dict, run: dict, console: Console) -> None:
    lang = get_lang()
    _line(console, (view["name"], "bold"), "  ", view["target"].get("portal_url") or "")
    _line(console, t("check.portal_status", status=view["portal_status_label"]), " · ",
          t("check.kind_line", kind=view["kind_label"]), " · ",
          t("check.run_line", run=run.get("id", "?"), when=l10n.format_datetime(run.get("started_at"), lang)))
    if view["target"].get("services_portal_url"):
        _line(console, t("check.services_portal", url=view["target"]["services_portal_url"],
                         status=view["services_portal_status_label"]))
    for cat in view["categories"]:
        if cat["category"] == "overall":
            continue
        console.print()
        head = f"{cat['label']}: {cat['score_text']}"
        if cat.get("class_label"):
            head += f" — {cat['class_label']}"
        if cat.get("max_points"):
            head += " · " + t("check.points", points=l10n.format_points(cat.get("points"), lang),
                              max=l10n.format_points(cat["max_points"], lang))
        _line(console, (head, "bold underline"))
        if cat.get("status") != "ranked":
            _line(console, "  ", (cat["status_label"], "yellow"))
        if cat["category"] == "services":
            _services(console, target)
        unjudged: dict[str, list[str]] = {}
        for c in cat["criteria"]:
            if c["outcome"] == "inconclusive" and not any(e.get("url") or e.get("label") for e in c["evidence"]):
                # many criteria left unjudged for one reason (a firewall, no services portal): said once
                reason = c.get("reason_label") or next((e["reason_label"] for e in c["evidence"] if e.get("reason_label")), "")
                unjudged.setdefault(reason, []).append(c["title"])
            else:
                print_criterion(console, c)
        for reason, titles in unjudged.items():
            mark, style = MARKS["inconclusive"]
            _line(console, f"  {mark} ", (t("check.unjudged", n=l10n.format_count(len(titles), lang)), f"bold {style}"),
                  f": {reason}" if reason else "", (f"  [{t('check.not_counted')}]", "dim"))
            for title in titles:
                _line(console, INDENT, "· ", title)
    console.print()
    for cat in view["categories"]:
        if cat["category"] == "overall":
            _line(console, (t("check.overall", score=cat["score_text"],
                              klass=cat.get("class_label") or cat["status_label"]), "bold"))
