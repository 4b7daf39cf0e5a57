"""Telling people about state changes, through apprise (email, json:// webhooks,
Telegram, Slack, Zalo-compatible webhooks…: any apprise URL).

`compose` is pure: events in, one grouped message per target out, in the
current language (Vietnamese unless --lang en). `send` is the only I/O.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from crawler.cli.i18n import get_lang, t, w
from crawler.netsafety.redact import redact
from scoring import l10n

LEVEL_ORDER = ("success", "info", "warning", "failure")
_LEVEL_OF = {"down": "failure", "timeout": "warning", "blocked": "warning", "up": "success", "cert": "warning"}


@dataclass
class Message:
    target_id: str
    title: str
    body: str
    level: str = "info"   # apprise notify type: info | success | warning | failure
    event_ids: list[int] = field(default_factory=list)


def local_time(at: int, tz) -> str:
    """27/11/2026 14:05 (UTC+07:00): the monitor's zone is a setting, and a message
    is read wherever its reader is, so the offset is said."""
    offset = datetime.fromtimestamp(at, tz).strftime("%z")
    return f"{l10n.format_datetime(at, get_lang(), tz=tz)} (UTC{offset[:3]}:{offset[3:]})"


def what(event: dict) -> str:
    """The checked thing, as an official would name it."""
    kind = event.get("kind_url") or event.get("kind")
    if kind == "service":
        name = event.get("url_name") or event.get("url")
        code = f" ({event['code']})" if event.get("code") else ""
        return t("monitor.what.service", kind=t("monitor_kinds.service"), name=name, code=code)
    return t(f"monitor_kinds.{kind}") if kind in ("portal", "services_portal") else str(event.get("url"))


def reason(event: dict) -> str:
    status = event.get("status")
    text = w("status", status) if status else ""
    if event.get("http_status") and f"({event['http_status']})" not in text:   # "(404)" already said
        text += f" (HTTP {event['http_status']})"
    return text


def line(event: dict) -> str:
    if event["kind"] == "cert":
        days = int(event["to_state"])
        key = "monitor.line.cert_expired" if days == 0 else "monitor.line.cert"
        return t(key, host=event["from_state"], days=days,
                 date=l10n.format_date((event.get("detail") or "")[:10], get_lang()))
    values = {"what": what(event), "url": event.get("url") or "", "reason": reason(event),
              "before": t(f"monitor_states.{event['from_state']}")}
    return t(f"monitor.line.{event['to_state']}", **values)


def _rank(event: dict) -> int:
    """Portal-level changes and certificates first: they matter most when a list is cut."""
    return 1 if (event.get("kind_url") or event.get("kind")) == "service" else 0


def compose(events: list[dict], tz, max_lines: int = 25) -> list[Message]:
    """One message per target, at most `max_lines` changes listed; a title that counts them all."""
    grouped: dict[str, list[dict]] = {}
    for event in events:
        grouped.setdefault(event["target_id"], []).append(event)
    messages = []
    for target_id, mine in grouped.items():
        tally: dict[str, int] = {}
        for e in mine:
            key = "cert" if e["kind"] == "cert" else e["to_state"]
            tally[key] = tally.get(key, 0) + 1
        parts = [t(f"monitor.count.{key}", n=n) for key, n in tally.items()]
        level = max((_LEVEL_OF.get(k, "info") for k in tally), key=LEVEL_ORDER.index)
        name = mine[0].get("target_name") or target_id
        body = [t("monitor.at", time=local_time(max(e["at"] for e in mine), tz))]
        shown = sorted(mine, key=_rank)[:max_lines]
        body += [f"- {line(e)}" for e in shown]
        if len(mine) > len(shown):
            body.append(t("monitor.more", n=len(mine) - len(shown)))
        # what a portal or a target file said, with any secret masked (crawler.netsafety.redact)
        messages.append(Message(target_id=target_id,
                                title=redact(t("monitor.title", target=name, summary=", ".join(parts))),
                                body=redact("\n".join(body)), level=level, event_ids=[e["id"] for e in mine]))
    return messages


def invalid_urls(urls: list[str]) -> list[str]:
    """The notification URLs apprise cannot use (checked before a pass starts)."""
    import apprise

    return [url for url in urls if not apprise.Apprise().add(url)]


def send(urls: list[str], messages: list[Message]) -> list[Message]:
    """Deliver each message to every URL; returns the messages that failed."""
    import apprise

    logging.getLogger("apprise").setLevel(logging.ERROR)
    client = apprise.Apprise()
    for url in urls:
        client.add(url)
    failed = []
    for message in messages:
        if not client.notify(title=message.title, body=message.body, notify_type=message.level,
                             body_format=apprise.NotifyFormat.TEXT):
            failed.append(message)
    return failed
