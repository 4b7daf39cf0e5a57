"""What spiders hand to the item pipeline: plain dataclasses (Scrapy supports them
through itemadapter). The pipeline stores each in its own table."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FetchItem:
    """One HTTP fetch (or attempt) and its taxonomy status."""

    target_id: str | None
    purpose: str
    url: str
    status: str
    final_url: str | None = None
    redirect_chain: list[str] = field(default_factory=list)
    http_status: int | None = None
    elapsed_ms: float | None = None
    bytes: int | None = None
    rendered: bool = False
    error: str | None = None
    fetched_at: str | None = None   # when the answer (or the failure) came, UTC
    archive_record_id: str | None = None     # its WARC record in the run's archive (--archive)
    screenshot_record_id: str | None = None  # the screenshot of its render, in the archive


@dataclass
class ObservationItem:
    """A verdict with its evidence (see checks.model.Observation)."""

    target_id: str
    category: str
    key: str
    outcome: str
    legal_ref: str = ""
    evidence_url: str | None = None
    label: str | None = None
    snippet: str | None = None
    reason: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    archived_url: str | None = None       # the archived page the verdict rests on (crawler.archive.pipeline)
    archive_record_id: str | None = None  # its WARC-Record-ID

    @classmethod
    def from_observation(cls, target_id: str, obs) -> ObservationItem:
        ev = dict(obs.evidence)
        return cls(
            target_id=target_id, category=obs.category, key=obs.key, outcome=obs.outcome,
            legal_ref=obs.legal_ref, evidence_url=ev.get("url") or ev.get("href"),
            label=ev.get("label"), snippet=ev.get("snippet"), reason=ev.get("reason"), evidence=ev,
        )


@dataclass
class ServiceItem:
    """One online public service found on a target's service portal."""

    target_id: str
    url: str
    code: str | None = None
    name: str | None = None
    level: str = "unknown"
    level_raw: str | None = None
    status: str | None = None
    http_status: int | None = None
    completeness: float | None = None
    has_online_submission: bool | None = None
    has_online_payment: bool | None = None
    clicks: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScreenshotItem:
    """A rendered page a verdict rests on, as the browser showed it (crawler.screenshots)."""

    target_id: str
    url: str
    purpose: str
    media_type: str
    image: bytes
    sha256: str
    bytes: int
    width: int | None = None
    height: int | None = None
    page_status: str | None = None
    http_status: int | None = None
    taken_at: str | None = None
    archive_record_id: str | None = None


@dataclass
class TargetItem:
    """A target as swept. Spiders send only the fields they know; the row is
    completed (upserted) as fields arrive. `None` fields are not written."""

    target_id: str
    name: str | None = None
    kind: str | None = None
    group_name: str | None = None
    parent: str | None = None
    portal_url: str | None = None
    services_url: str | None = None
    notes: str | None = None
    portal_status: str | None = None
    portal_http_status: int | None = None
    portal_final_url: str | None = None
    services_portal_url: str | None = None
    services_portal_status: str | None = None
    rendered: bool | None = None
    finished_at: str | None = None


@dataclass
class TargetCompleted:
    """Sent once a spider has nothing pending for a target: the pipeline then
    writes all of that target's rows in one transaction, with the progress
    marker, so a killed sweep never leaves half a target behind."""

    target_id: str
    spider: str
    items: int = 0      # items the spider yielded for the target before this one


@dataclass
class DiscoveryItem:
    """What the discover spider read on one parent's portal (crawler/registry/candidates.py
    turns it into candidate registry rows). Not stored in the results database."""

    target_id: str
    status: str | None                      # the parent homepage's fetch status
    final_url: str | None = None            # where the parent's homepage landed
    pages: list[dict] = field(default_factory=list)        # the parent's pages read
    proposals: list[dict] = field(default_factory=list)    # checks.child_units.Proposal, as dicts
    rejections: list[dict] = field(default_factory=list)   # checks.child_units.Rejection, as dicts
    rejected: dict[str, int] = field(default_factory=dict) # rejected links per reason
    homepages: dict[str, dict] = field(default_factory=dict)  # child site key -> its homepage fetch
    known: dict[str, dict] = field(default_factory=dict)   # registry child id -> its homepage fetch
    budget: str | None = None               # the budget that stopped it, if one did
