"""Where a distributed sweep keeps its state in Redis, and how it connects.

Besides RQ's own keys (the queue, its registries, the jobs), a sweep has:

- `portalcheck:sweep:<sweep>:rows`, a stream of finished targets' rows on
  their way to the coordinator (deleted once written to SQLite);
- `portalcheck:sweep:<sweep>:stored`, the (spider, target) pairs already
  stored, so that a redone job skips them;
- `portalcheck:sweep:<sweep>:jobs`, each host group's current job id, so that
  a resumed coordinator adopts the jobs still queued or running.

`<sweep>` is a random name kept with the run's settings (`redis_sweep`): two
databases' runs never share keys, and `sweep --resume` finds its own.
"""
from __future__ import annotations

import hashlib
import uuid

import redis

from crawler.netsafety.redact import redact

PREFIX = "portalcheck:sweep:"


def new_sweep_id() -> str:
    return uuid.uuid4().hex[:16]


def rows_key(sweep: str) -> str:
    return f"{PREFIX}{sweep}:rows"


def stored_key(sweep: str) -> str:
    return f"{PREFIX}{sweep}:stored"


def jobs_key(sweep: str) -> str:
    return f"{PREFIX}{sweep}:jobs"


def stored_member(spider: str, target_id: str) -> str:
    return f"{spider}\x1f{target_id}"


def group_key(target_ids) -> str:
    """A host group's stable name: the same targets, the same name, in every
    coordinator (a resumed one included)."""
    return hashlib.sha1("\x1f".join(sorted(target_ids)).encode()).hexdigest()[:16]


def connect(url: str) -> redis.Redis:
    """A Redis client for RQ (bytes, not decoded), with bounded waits. Only
    redis:// rediss:// and unix:// URLs; the password never reaches a message."""
    if url.split("://", 1)[0].lower() not in ("redis", "rediss", "unix"):
        raise ValueError(f"not a Redis URL: {shown(url)}")
    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)


def shown(url: str) -> str:
    """A Redis URL as it may be printed: user and password masked."""
    return redact(url) or ""
