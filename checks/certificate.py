"""TLS certificate expiry: which warning is due, as pure functions.

Thresholds (days) come from checks/data/monitor.yaml (`cert_warn_days`). A
certificate is warned once per threshold it crosses (30, then 14, then 7 days
left; 0 = expired): the caller keeps the smallest threshold already warned.
A certificate that jumps from 40 to 10 days left (first seen late, or the
monitor was off) gets one warning, for 14 days, not two. A renewed certificate
(a new expiry date) starts again with nothing warned.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

# How certificates' notAfter is written: ISO 8601 (Scrapy's certificate, via
# cryptography), OpenSSL's text ("Jun  1 12:00:00 2026 GMT", Python's ssl) and
# ASN.1's GeneralizedTime ("20260601120000Z").
_FORMATS = ("%b %d %H:%M:%S %Y %Z", "%Y%m%d%H%M%SZ")


@lru_cache(maxsize=1024)  # the same few dates come back on every pass
def parse_expiry(not_after: str) -> datetime:
    """A certificate's notAfter as an aware datetime (UTC when it names no zone);
    ValueError when it is none of the forms certificates use."""
    text = re.sub(r"\s+", " ", not_after.strip())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def days_left(not_after: str, now: datetime) -> int:
    """Whole days from `now` until the certificate expires (negative once expired)."""
    seconds = (parse_expiry(not_after) - now).total_seconds()
    return int(seconds // 86400)


def level(days: int, thresholds: tuple[int, ...]) -> int | None:
    """The smallest threshold `days` has reached (0 once expired), or None."""
    if days < 0:
        return 0
    reached = [t for t in thresholds if days <= t]
    return min(reached) if reached else None


def warned_after_renewal(previous_not_after: str | None, not_after: str,
                         warned: int | None) -> int | None:
    """The warned level to keep once `not_after` is seen: reset when the certificate changed."""
    if previous_not_after is None:
        return None
    if parse_expiry(previous_not_after) != parse_expiry(not_after):
        return None
    return warned


def due(not_after: str, now: datetime, thresholds: tuple[int, ...],
        warned: int | None) -> int | None:
    """The threshold to warn about now, or None when nothing new is due."""
    current = level(days_left(not_after, now), thresholds)
    if current is None:
        return None
    if warned is not None and current >= warned:
        return None
    return current
