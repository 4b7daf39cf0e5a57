"""Fixtures for the demo farm tests: one farm per module, short hang/slow times."""
from __future__ import annotations

import http.client
import json as _json
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.demo import DemoFarm  # noqa: E402

SLOW = 0.3


@pytest.fixture(scope="package")
def farm():
    with DemoFarm(timeout_hang_seconds=20, slow_seconds=SLOW) as f:
        yield f


@pytest.fixture(scope="package")
def truth(farm):
    return farm.truth()


@pytest.fixture(scope="package")
def targets(farm):
    return {row["id"]: row for row in farm.targets()}


@dataclass
class Got:
    url: str
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return _json.loads(self.body)


def _fetch(url: str, method: str = "GET", json=None, timeout: float = 3.0, follow: bool = True,
          max_redirects: int = 5) -> Got:
    """Minimal HTTP client (no proxies, no retries); follows redirects when asked."""
    for _ in range(max_redirects + 1):
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        body = _json.dumps(json).encode() if json is not None else None
        headers = {"Content-Type": "application/json"} if json is not None else {}
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        try:
            conn.request(method if json is None else "POST", path, body=body, headers=headers)
            r = conn.getresponse()
            got = Got(url, r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()
        if follow and got.status in (301, 302, 303, 307, 308) and "location" in got.headers:
            url = urljoin(url, got.headers["location"])
            continue
        return got
    raise RuntimeError(f"too many redirects: {url}")


@pytest.fixture(scope="package")
def fetch():
    """fetch(url, method="GET", json=None, timeout=3.0, follow=True) -> Got(url, status, headers, body)."""
    return _fetch
