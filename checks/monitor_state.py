"""Monitoring's judgement, as pure functions: when a URL is up, down, blocked or
timing out; when a person is told; when a maintenance window is open; which
services a pass samples. Nothing here reads the clock, the network or the
database: callers pass the time and the observations in.

Why the rules are as they are (docs/monitoring.md: a service must answer stably;
retries before down, alerts on state changes only, maintenance windows):
- One failed check is not "down": a URL goes down after `down_after` failed
  checks in a row, and comes back after `up_after` good ones.
- A timeout or bot protection proves nothing about the portal, so it never
  counts toward "down" (nor does it clear a run of failures: it is no verdict).
  Enough of them in a row give the states `timeout` / `blocked`, reported once.
- A tool error (`error`) is no observation at all.
- People hear about a state only when it differs from the last state they were
  told (`notified`). Inside a maintenance window nothing is told; a URL still
  down when the window closes is told then, one that recovered inside it never.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import yaml

from checks.model import DEAD_STATUSES

_DEFAULTS = Path(__file__).with_name("data") / "monitor.yaml"
STATES = ("up", "down", "timeout", "blocked")


# --- configuration -----------------------------------------------------------

@dataclass(frozen=True)
class MonitorConfig:
    down_after: int = 2
    up_after: int = 1
    timeout_after: int = 3
    blocked_after: int = 3
    cert_warn_days: tuple[int, ...] = (30, 14, 7)
    services: str = "all"
    download_timeout: float = 10
    retry_times: int = 0
    render_blocked: int = 3
    raw_retention_days: int = 14
    resend_hours: int = 24
    message_max_lines: int = 25
    timezone: str = "Asia/Ho_Chi_Minh"

    @property
    def tz(self) -> tzinfo:
        return _zone(self.timezone)


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", name)
    if match:  # a fixed offset such as +07:00
        sign = 1 if match.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    return ZoneInfo(name)


def config_from(data: dict) -> MonitorConfig:
    """A config from plain data (the defaults file merged with a user's file)."""
    known = set(MonitorConfig.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown monitor setting(s): {', '.join(unknown)}")
    values = dict(data)
    if "cert_warn_days" in values:
        values["cert_warn_days"] = tuple(sorted({int(d) for d in values["cert_warn_days"]}, reverse=True))
    config = MonitorConfig(**values)
    for name in ("down_after", "up_after", "timeout_after", "blocked_after", "raw_retention_days"):
        if int(getattr(config, name)) < 1:
            raise ValueError(f"{name} must be at least 1")
    parse_services_mode(config.services)
    config.tz  # noqa: B018 - an unknown zone fails here, not mid-pass
    return config


def load_config(path: str | Path | None = None) -> MonitorConfig:
    data = yaml.safe_load(_DEFAULTS.read_text(encoding="utf-8")) or {}
    if path:
        data.update(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
    return config_from(data)


# --- the state of one URL ------------------------------------------------------

def outcome_of(status: str) -> str | None:
    """What a fetch status means for availability: ok, fail, timeout, blocked, or None (no verdict)."""
    return _OUTCOMES.get(status)


_OUTCOMES = {"live": "ok", "timeout": "timeout", "blocked": "blocked", **{s: "fail" for s in DEAD_STATUSES}}


class UrlState(NamedTuple):
    """One URL's state. A named tuple, not a dataclass: a pass may load and step
    thousands of these (a whole portal down), and tuples are cheap to make."""

    state: str = "up"
    notified: str = "up"       # the last state people were told (a new URL is presumed up)
    oks: int = 0               # consecutive counters since the last good check
    fails: int = 0
    timeouts: int = 0
    blocks: int = 0
    since: int | None = None   # unix time the current state began
    last_status: str | None = None
    last_at: int | None = None

    @property
    def plain(self) -> bool:
        """Up, told so, nothing pending: such URLs need no stored row."""
        return (self.state == self.notified == "up"
                and not (self.oks or self.fails or self.timeouts or self.blocks))


PLAIN = UrlState()


def step(old: UrlState, status: str, at: int, config: MonitorConfig) -> UrlState:
    """The state after one check of a URL that returned taxonomy `status` at `at`.

    Counters stop at their threshold (counting further adds nothing), so a URL
    that stays down returns the very same state: callers then write nothing.
    `last_status`/`last_at` tell when the state row last changed.
    """
    outcome = outcome_of(status)
    if outcome is None:
        return old
    state, since = old.state, old.since
    oks, fails, timeouts, blocks = old.oks, old.fails, old.timeouts, old.blocks
    if outcome == "ok":
        fails = timeouts = blocks = 0
        oks = min(oks + 1, config.up_after)
        if state != "up" and oks >= config.up_after:
            state, since = "up", at
        if state == "up":
            oks = 0  # nothing to count toward: already up
    else:
        oks = 0
        if outcome == "fail":
            fails = min(fails + 1, config.down_after)
            if state != "down" and fails >= config.down_after:
                state, since = "down", at
        elif outcome == "timeout":
            timeouts = min(timeouts + 1, config.timeout_after)
            # A down URL that now times out is still not working: it stays down.
            if state in ("up", "blocked") and timeouts >= config.timeout_after:
                state, since = "timeout", at
        else:
            blocks = min(blocks + 1, config.blocked_after)
            if state in ("up", "timeout") and blocks >= config.blocked_after:
                state, since = "blocked", at
    new = UrlState(state, old.notified, oks, fails, timeouts, blocks, since, status, at)
    if (state, since, oks, fails, timeouts, blocks) == (old.state, old.since, old.oks, old.fails,
                                                         old.timeouts, old.blocks):
        return old
    return new


@dataclass(frozen=True)
class Transition:
    from_state: str
    to_state: str
    notify: bool       # told to people now
    maintenance: bool  # happened inside a maintenance window (recorded, not told)


def advance(old: UrlState, status: str, at: int, config: MonitorConfig,
            maintenance: bool = False) -> tuple[UrlState, Transition | None]:
    """One check: the new state, and the transition worth recording, if any."""
    new = step(old, status, at, config)
    changed = new.state != old.state
    if not maintenance and new.state != new.notified:
        told = Transition(new.notified, new.state, notify=True, maintenance=False)
        return new._replace(notified=new.state), told
    if changed:
        return new, Transition(old.state, new.state, notify=False, maintenance=maintenance)
    return new, None


# --- maintenance windows -------------------------------------------------------

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
         "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6}
_WEEKLY = re.compile(r"^(?P<days>[a-z0-9,*-]+)\s+(?P<start>\d{1,2}:\d\d)\s*-\s*(?P<end>\d{1,2}:\d\d)$")


@dataclass(frozen=True)
class Window:
    """Either once (start/end, aware datetimes) or weekly (days 0=Monday, minutes of the day)."""

    start: datetime | None = None
    end: datetime | None = None
    days: frozenset[int] = field(default_factory=frozenset)
    start_minute: int = 0
    end_minute: int = 0


def _minutes(text: str) -> int:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(text)
    return hours * 60 + minutes


def _days(text: str) -> frozenset[int]:
    if text in ("daily", "*", "hangngay"):
        return frozenset(range(7))
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError(part)
        a, b = _DAYS[first], _DAYS[last or first]
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(days)


def parse_windows(text: str, tz: tzinfo) -> list[Window]:
    """Windows of a target's `maintenance` field; raises ValueError naming the bad part.

    `2026-11-21T22:00/2026-11-22T02:00` once (local time unless an offset is given);
    `sun 22:00-02:00`, `sat,sun 01:00-05:00`, `mon-fri 12:00-13:00`, `daily 02:00-02:30`
    weekly (an end before the start means the next day); several joined by `;`.
    """
    windows = []
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        try:
            if "/" in part:
                start_text, end_text = part.split("/")
                start, end = (datetime.fromisoformat(x.strip()) for x in (start_text, end_text))
                start, end = (d if d.tzinfo else d.replace(tzinfo=tz) for d in (start, end))
                if end <= start:
                    raise ValueError(part)
                windows.append(Window(start=start, end=end))
                continue
            match = _WEEKLY.match(part.lower())
            if not match:
                raise ValueError(part)
            windows.append(Window(days=_days(match["days"]), start_minute=_minutes(match["start"]),
                                  end_minute=_minutes(match["end"])))
        except ValueError:
            raise ValueError(part) from None
    return windows


def in_maintenance(windows: list[Window], at: datetime, tz: tzinfo) -> bool:
    local = at.astimezone(tz)
    for w in windows:
        if w.start is not None:
            if w.end is not None and w.start <= at < w.end:
                return True
            continue
        minute = local.hour * 60 + local.minute
        today, yesterday = local.weekday(), (local.weekday() - 1) % 7
        if w.start_minute < w.end_minute:
            if today in w.days and w.start_minute <= minute < w.end_minute:
                return True
        elif (today in w.days and minute >= w.start_minute) or (
                yesterday in w.days and minute < w.end_minute):
            return True  # a window across midnight
    return False


# --- which services a pass checks ---------------------------------------------

def parse_services_mode(text: str) -> int | None:
    """None for "all", N for "sample:N"; ValueError otherwise."""
    text = str(text).strip().lower()
    if text == "all":
        return None
    match = re.fullmatch(r"sample:(\d+)", text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(text)
    return int(match.group(1))


def sample(items: list, n: int | None, pass_number: int) -> list:
    """`n` items for pass number `pass_number`, in rotation: every item is checked
    once every ceil(len/n) passes, and the same pass always picks the same ones."""
    if n is None or n >= len(items):
        return list(items)
    start = (pass_number * n) % len(items)
    return [items[(start + i) % len(items)] for i in range(n)]
