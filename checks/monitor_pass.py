"""One monitor pass, judged: which URLs a pass checks (its plan), and what a
pass's answers change (the states to save and drop, the events to record).

Pure functions of data: the previous states and the pass's statuses go in,
rows come out; the time is passed in. Storage (results/monitor_store.py) only
persists what these return; the wiring that reads, judges and writes in one
transaction is crawler/monitoring/passes.py. A URL's own state machine is
checks.monitor_state, certificate warnings checks.certificate.

A pass's answers travel as a byte vector, one byte per URL slot of the target:
0 = not checked this pass, else the code of the fetch status (STATUS_CODES).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from checks import certificate
from checks.monitor_state import PLAIN, MonitorConfig, UrlState, advance, in_maintenance, parse_windows, sample

# Stored codes: never renumber (old rows would change meaning); add at the end.
STATUS_CODES = {"live": 1, "not_found": 2, "soft_404": 3, "server_error": 4, "timeout": 5,
                "blocked": 6, "redirect_loop": 7, "dns_error": 8, "tls_error": 9,
                "connection_error": 10, "error": 11, "render_failed": 12}
CODE_STATUS = {code: status for status, code in STATUS_CODES.items()}
_NOT_PLAIN = re.compile(rb"[^\x00\x01]")  # checked and not live


def code_of(status: str) -> int:
    return STATUS_CODES.get(status, STATUS_CODES["error"])


@dataclass(frozen=True)
class UrlCheck:
    """One URL a pass checks: its slot in the target's vector and its stored id."""

    slot: int
    url_id: int
    kind: str   # portal | services_portal | service
    url: str


@dataclass
class PassPlan:
    """One target's pass: the URLs to check and whether a maintenance window is open."""

    tid: int                 # the target's id in monitor_targets
    target_id: str
    name: str
    width: int               # slots: every URL ever registered for the target
    maintenance: bool
    checks: list[UrlCheck]
    url_ids: dict[int, int] = field(init=False)   # slot -> url id, of the URLs checked
    slot_of: dict[int, int] = field(init=False)   # url id -> slot

    def __post_init__(self) -> None:
        self.url_ids = {c.slot: c.url_id for c in self.checks}
        self.slot_of = {c.url_id: c.slot for c in self.checks}


@dataclass
class PassOutcome:
    """What one target's pass changes, as rows for storage."""

    saves: list[tuple] = field(default_factory=list)   # monitor_state rows: (url_id, tid, *UrlState)
    drops: list[int] = field(default_factory=list)     # url ids plainly up again: their row goes
    events: list[dict] = field(default_factory=list)   # state changes and certificate warnings
    certs: list[tuple] = field(default_factory=list)   # monitor_certs rows: (host, tid, not_after, subject, warned)


def wanted_urls(target, latest_services: list[dict]) -> dict[str, tuple[str, str | None, str | None]]:
    """{url: (kind, code, name)} a target's passes watch: its homepage, its
    service portal's homepage and the services its latest sweep listed."""
    wanted: dict[str, tuple[str, str | None, str | None]] = {}
    for kind, url in (("portal", target.portal_url), ("services_portal", target.services_url)):
        if url:
            wanted.setdefault(url, (kind, None, None))
    for s in latest_services:
        wanted.setdefault(s["url"], ("service", s["code"], s["name"]))
    return wanted


def plan_pass(target, tid: int, passes: int, registered: dict[str, tuple[int, int]], width: int,
              wanted: dict[str, tuple], services_n: int | None, at: int, config: MonitorConfig) -> PassPlan:
    """The pass's checks: every homepage, and all services or the rotating sample
    of pass number `passes`. `registered`: {url: (url id, slot)} of the wanted URLs."""
    checks = [UrlCheck(registered[url][1], registered[url][0], kind, url) for url, (kind, _c, _n) in wanted.items()]
    services = [c for c in checks if c.kind == "service"]
    checks = [c for c in checks if c.kind != "service"] + sample(services, services_n, passes)
    moment = datetime.fromtimestamp(at, UTC)
    maintenance = in_maintenance(parse_windows(target.maintenance, config.tz), moment, config.tz)
    return PassPlan(tid=tid, target_id=target.id, name=target.name, width=width, maintenance=maintenance,
                    checks=checks)


def judge_pass(plan: PassPlan, states: dict[int, UrlState], statuses: bytes, details: dict[int, dict],
               at: int, config: MonitorConfig, run_id: int) -> PassOutcome:
    """Step the state of every URL a pass changed. `states`: the stored states of
    the target's URLs that are not plainly up; `details`: {slot: {status,
    http_status, error}} of failed checks."""
    outcome = PassOutcome()
    maintenance = bool(plan.maintenance)
    # Only URLs that failed now or were not plainly up need a step: a live
    # check of a plain URL changes nothing (this keeps large passes cheap).
    slots: set[int] = set()
    if statuses.translate(None, b"\x00\x01"):
        slots.update(m.start() for m in _NOT_PLAIN.finditer(statuses))
    slots.update(plan.slot_of[u] for u in states if u in plan.slot_of)
    judged: dict[tuple, tuple] = {}  # the 2,000 URLs of a portal that is down share one verdict
    for slot in sorted(slots):
        url_id = plan.url_ids.get(slot)
        if url_id is None or slot >= len(statuses) or not statuses[slot]:
            continue
        status = CODE_STATUS.get(statuses[slot], "error")
        old = states.get(url_id, PLAIN)
        key = (old, status)
        if key not in judged:
            judged[key] = (old, *advance(old, status, at, config, maintenance))
        first, new, change = judged[key]
        if new is not first:  # unchanged (a URL that stays down) costs no write
            (outcome.drops.append(url_id) if new.plain else outcome.saves.append((url_id, plan.tid, *new)))
        if change:
            info = details.get(slot, {})
            outcome.events.append({
                "run_id": run_id, "at": at, "tid": plan.tid, "url_id": url_id, "kind": "state",
                "from_state": change.from_state, "to_state": change.to_state, "status": status,
                "http_status": info.get("http_status"), "detail": info.get("error"),
                "maintenance": int(change.maintenance), "notify": int(change.notify)})
    return outcome


def judge_certificates(plan: PassPlan, certs: dict[str, dict], known: dict[str, tuple[str, int | None]],
                       at: int, config: MonitorConfig, run_id: int, outcome: PassOutcome) -> None:
    """Certificate warnings due now, into `outcome`. `certs`: {host: {not_after,
    subject}} seen this pass; `known`: {host: (not_after, warned)} as stored."""
    now = datetime.fromtimestamp(at, UTC)
    for host, facts in sorted(certs.items()):
        row = known.get(host)
        warned = certificate.warned_after_renewal(row[0] if row else None, facts["not_after"],
                                                  row[1] if row else None)
        due = certificate.due(facts["not_after"], now, config.cert_warn_days, warned)
        if due is not None and not plan.maintenance:  # in a window it waits until the window closes
            warned = due
            outcome.events.append({
                "run_id": run_id, "at": at, "tid": plan.tid, "url_id": None, "kind": "cert",
                "from_state": host, "to_state": str(due), "status": None, "http_status": None,
                "detail": facts["not_after"], "maintenance": 0, "notify": 1})
        if row is None or (row[0], row[1]) != (facts["not_after"], warned):
            outcome.certs.append((host, plan.tid, facts["not_after"], facts.get("subject"), warned))
