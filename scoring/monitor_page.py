"""The monitoring status page (`portalcheck monitor --report --format html`), in
the manner of Uptime Kuma's: per target its current state in words, a bar per
day of uptime, a response-time chart, incidents with their start and end, and
certificate expiry. One static HTML file per language: inline CSS and SVG, no
script, nothing fetched — it can be published as it is (docs/monitoring.md).

Uptime comes from scoring.uptime (the one place its arithmetic lives); this
module only reads stored rows (results.monitor_store), shapes them and renders.
Every text from a page or a target file reaches the HTML through Jinja2's
autoescaping; a link is made only of an http(s) URL.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import jinja2

from checks import certificate
from results import monitor_store
from scoring import l10n
from scoring.tables import tr
from scoring.uptime import build_report, tally

PROBLEM_STATES = ("down", "timeout", "blocked")
CHART_POINTS = 240          # response-time samples drawn (averaged into this many buckets)
INCIDENTS_SHOWN = 20        # per target, newest first
CERT_WARN_DAYS = 14         # a certificate expiring sooner is shown amber
GOOD_UPTIME, FAIR_UPTIME = 99.5, 95.0   # bar colours: green at or above, amber, then red


def _bar(label: str, day: date, figures: dict, maintenance_only: bool, lang: str) -> dict:
    uptime = figures["uptime"]
    css = ("maintenance" if maintenance_only else "empty" if uptime is None
           else "good" if uptime >= GOOD_UPTIME else "fair" if uptime >= FAIR_UPTIME else "bad")
    words = tr(f"bar_{css}", lang, "monitor_page")
    title = (f"{l10n.format_date(day, lang)}: {l10n.format_uptime(uptime, lang)} — {words} "
             f"({tr('checks_ok', lang, 'monitor_page')} {l10n.format_count(figures['ok'], lang)}, "
             f"{tr('checks_failed', lang, 'monitor_page')} {l10n.format_count(figures['fail'], lang)}, "
             f"{tr('checks_unjudged', lang, 'monitor_page')} {l10n.format_count(figures['unjudged'], lang)})")
    return {"label": label, "css": css, "title": title}


def _bars(periods: dict, kind: str, lang: str) -> tuple[list[dict], dict]:
    """Day bars of one kind of URL and the window's uptime (scoring.uptime.tally of the summed counts)."""
    bars, ok, fail, other = [], 0, 0, 0
    for label, p in periods.items():
        figures = p[kind]
        maintenance_only = p["passes"] > 0 and p["passes"] == p["maintenance_passes"]
        bars.append(_bar(label, date.fromisoformat(label), figures, maintenance_only, lang))
        ok, fail, other = ok + figures["ok"], fail + figures["fail"], other + figures["unjudged"]
    return bars, tally(ok, fail, other)


def _chart(times: list[tuple[int, int | None]], start: int, end: int, lang: str, tz: tzinfo) -> dict | None:
    """Response times averaged into CHART_POINTS buckets, as SVG coordinates (viewBox 600x160)."""
    measured = [(at, ms) for at, ms in times if ms is not None]
    if not measured:
        return None
    span = max(1, end - start)
    buckets: dict[int, list[int]] = {}
    for at, ms in measured:
        buckets.setdefault(min(CHART_POINTS - 1, (at - start) * CHART_POINTS // span), []).append(ms)
    top = max(max(v) for v in buckets.values())
    scale = next(s for s in (100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000, 10**9) if s >= top)
    segments, current, previous = [], [], None
    for b in sorted(buckets):
        if previous is not None and b - previous > 2:   # no passes for a while: a gap, not a line
            segments.append(current)
            current = []
        mean = sum(buckets[b]) / len(buckets[b])
        current.append(f"{40 + 555 * b / (CHART_POINTS - 1):.1f},{10 + 130 * (1 - mean / scale):.1f}")
        previous = b
    segments.append(current)
    average = sum(ms for _, ms in measured) / len(measured)
    return {"segments": [" ".join(s) for s in segments if s],
            "single": [s[0].split(",") for s in segments if len(s) == 1],
            "y_labels": [(10 + 130 * i / 2, l10n.format_milliseconds(scale * (1 - i / 2), lang)) for i in range(3)],
            "x_start": l10n.format_datetime(start, lang, tz=tz), "x_end": l10n.format_datetime(end, lang, tz=tz),
            "average": l10n.format_milliseconds(average, lang), "latest": l10n.format_milliseconds(measured[-1][1], lang),
            "samples": l10n.format_count(len(measured), lang)}


def _url_label(event: dict, lang: str) -> str:
    kind = tr(event.get("url_kind") or "portal", lang, "monitor_kinds")
    name = event.get("url_name") or event.get("url") or ""
    return f"{kind}: {name}" if name else kind


def incidents(events: list[dict], now_at: int, lang: str, tz: tzinfo) -> list[dict]:
    """Stretches when a URL was not up: from the change away from "up" to the
    change back (or ongoing), newest first. Timeouts and blocks are their own
    kinds of incident, never "down"."""
    open_: dict[Any, dict] = {}
    done: list[dict] = []
    for e in events:
        key = e["url_id"]
        if e["to_state"] in PROBLEM_STATES:
            if key not in open_:
                open_[key] = {"start": e["at"], "states": [], "label": _url_label(e, lang),
                              "url": e.get("url") or "", "maintenance": bool(e.get("maintenance"))}
            if e["to_state"] not in open_[key]["states"]:
                open_[key]["states"].append(e["to_state"])
        elif e["to_state"] == "up" and key in open_:
            done.append({**open_.pop(key), "end": e["at"]})
    done += [{**i, "end": None} for i in open_.values()]
    out = []
    for i in sorted(done, key=lambda i: i["start"], reverse=True):
        end = i["end"] if i["end"] is not None else now_at
        out.append({**i, "state_words": ", ".join(tr(s, lang, "monitor_states") for s in i["states"]),
                    "worst": "down" if "down" in i["states"] else i["states"][0],
                    "start_text": l10n.format_datetime(i["start"], lang, tz=tz),
                    "end_text": l10n.format_datetime(i["end"], lang, tz=tz) if i["end"] is not None
                    else tr("ongoing", lang, "monitor_page"),
                    "duration": l10n.format_duration(end - i["start"], lang)})
    return out


def _certificates(certs: list[dict], now: datetime, lang: str, tz: tzinfo) -> list[dict]:
    out = []
    for c in certs:
        try:
            days = certificate.days_left(c["not_after"], now)
            expires = certificate.parse_expiry(c["not_after"])
        except ValueError:   # an unreadable date from a server: shown as such
            out.append({**c, "css": "empty", "words": tr("cert_unreadable", lang, "monitor_page"), "date": ""})
            continue
        key = "cert_expired" if days < 0 else "cert_days_left"
        out.append({**c, "css": "bad" if days < 0 else "fair" if days < CERT_WARN_DAYS else "good",
                    "words": tr(key, lang, "monitor_page", days=l10n.format_count(abs(days), lang)),
                    "date": l10n.format_datetime(expires, lang, tz=tz)})
    return out


def _current(info: dict, problems: list[dict], last: tuple | None, lang: str, tz: tzinfo) -> dict:
    """The target's state now, in words: its portal's state first, then anything else not up."""
    mine = [p for p in problems if p["target_id"] == info["id"]]
    portal = next((p for p in mine if p["kind"] == "portal"), None)
    if last is None:
        state = "no_data"
    elif last[1]:
        state = "maintenance"
    elif portal is not None:
        state = portal["state"]
    elif any(p["state"] == "down" for p in mine):
        state = "partial"
    elif mine:   # only timeouts or blocks: not judged, never a fault of the portal
        state = "some_unjudged"
    else:
        state = "up"
    return {"state": state, "words": tr(state, lang, "monitor_states"),
            "checked": l10n.format_datetime(last[0], lang, tz=tz) if last else "—",
            "response": l10n.format_milliseconds(last[2], lang) if last and last[2] is not None else "—",
            "problems": [{**p, "state_words": tr(p["state"], lang, "monitor_states"),
                          "kind_words": tr(p["kind"], lang, "monitor_kinds"),
                          "since_text": l10n.format_datetime(p["since"], lang, tz=tz) if p["since"] else "—"} for p in mine]}


def page_data(db, now_at: int, tz: tzinfo, lang: str, days: int = 30, only: str | None = None) -> dict:
    """Everything the page shows, as plain data."""
    report = build_report(db, "day", days, now_at, tz, only, False)
    infos = {info["id"]: info for info in monitor_store.targets_and_urls(db).values()}
    problems = monitor_store.problems(db)
    last = monitor_store.last_passes(db)
    certs = monitor_store.certificates(db)
    start = _local_midnight(report["periods"][0], tz) if report["periods"] else now_at - days * 86400
    targets = []
    for row in report["targets"]:
        info = infos[row["id"]]
        kinds = [k for k in ("portal", "services_portal") if any(u["kind"] == k and u["active"] for u in info["urls"])]
        lanes = []
        for kind in kinds or ["portal"]:
            bars, window = _bars(row["periods"], kind, lang)
            lanes.append({"kind": kind, "words": tr(kind, lang, "monitor_kinds"), "bars": bars,
                          "uptime": l10n.format_uptime(window["uptime"], lang)})
        services = sum(((p["service"]["ok"], p["service"]["fail"], p["service"]["unjudged"])
                        for p in row["periods"].values()), ())
        service_window = tally(sum(services[0::3]), sum(services[1::3]), sum(services[2::3]))
        urls = {u["kind"]: u["url"] for u in info["urls"] if u["active"] and u["kind"] != "service"}
        targets.append({
            "id": row["id"], "name": row["name"] or row["id"], "urls": urls, "lanes": lanes,
            "current": _current(info, problems, last.get(info["tid"]), lang, tz),
            "services_uptime": l10n.format_uptime(service_window["uptime"], lang),
            "services_count": l10n.format_count(sum(1 for u in info["urls"] if u["kind"] == "service" and u["active"]), lang),
            "chart": _chart(monitor_store.portal_times(db, info["tid"], start), start, now_at, lang, tz),
            **_incident_rows(incidents(monitor_store.state_events(db, info["tid"]), now_at, lang, tz)),
            "certificates": _certificates(certs.get(info["tid"], []), datetime.fromtimestamp(now_at, tz), lang, tz)})
    states = [t["current"]["state"] for t in targets]
    overall = "no_data" if not targets else "up" if all(s == "up" for s in states) else "attention"
    return {"targets": targets, "days": days, "generated": l10n.format_datetime(now_at, lang, tz=tz),
            "first_day": l10n.format_date(report["periods"][0], lang) if report["periods"] else "",
            "overall": overall, "overall_words": tr(f"overall_{overall}", lang, "monitor_page",
                                                    n=l10n.format_count(sum(s != "up" for s in states), lang))}


def _incident_rows(rows: list[dict]) -> dict:
    return {"incidents": rows[:INCIDENTS_SHOWN], "incidents_more": max(0, len(rows) - INCIDENTS_SHOWN)}


def _local_midnight(day_label: str, tz: tzinfo) -> int:
    d = date.fromisoformat(day_label)
    return int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())


def write_monitor_page(db, out_dir: str | Path, now_at: int, tz: tzinfo, lang: str = "vi",
                       days: int = 30, only: str | None = None) -> list[Path]:
    """index.html in `lang`, and the page in the other language beside it, linked both ways."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["href"] = lambda url: url if str(url or "").lower().startswith(("http://", "https://")) else "#"
    other = "en" if lang == "vi" else "vi"
    files = {lang: out / "index.html", other: out / f"index.{other}.html"}
    for page_lang, path in files.items():
        data = page_data(db, now_at, tz, page_lang, days, only)
        html = env.get_template("monitor.html.j2").render(
            **data, lang=page_lang, other_lang=other if page_lang == lang else lang,
            other_file=files[other if page_lang == lang else lang].name,
            tr=lambda key, section="monitor_page", _l=page_lang, **kw: tr(key, _l, section, **kw))
        path.write_text(html, encoding="utf-8")
    return list(files.values())
