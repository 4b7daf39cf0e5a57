"""The farm starts and stops fast, even with a hanging request open; targets CSV is well formed."""
from __future__ import annotations

import csv
import http.client
import socket
import threading
import time
from urllib.parse import urlsplit

from crawler.demo import CSV_COLUMNS, DemoFarm


def test_start_and_stop_are_fast():
    t0 = time.monotonic()
    farm = DemoFarm().start()
    started = time.monotonic() - t0
    urls = [r["portal_url"] for r in farm.targets()]
    t1 = time.monotonic()
    farm.stop()
    stopped = time.monotonic() - t1
    assert started < 3.0, started
    assert stopped < 2.0, stopped
    assert len(urls) == len(set(urls)) >= 8


def test_each_portal_has_its_own_loopback_ip(targets):
    hosts = [urlsplit(r["portal_url"]).hostname for r in targets.values()]
    assert len(set(hosts)) == len(hosts)
    assert all(h.startswith("127.") for h in hosts)
    # most service portals sit on another host than their portal
    separate = [r for r in targets.values() if r["services_url"]
                and urlsplit(r["services_url"]).hostname != urlsplit(r["portal_url"]).hostname]
    assert len(separate) >= 3


def _open_hanging_request(url: str, result: dict) -> None:
    parts = urlsplit(url)
    try:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", "/")
        conn.getresponse()
        result["outcome"] = "answered"
    except Exception as e:  # the farm closes the connection on stop
        result["outcome"] = type(e).__name__
    result["t"] = time.monotonic()


def test_stop_releases_hanging_requests():
    farm = DemoFarm(timeout_hang_seconds=60).start()
    hang_url = next(r["portal_url"] for r in farm.targets() if r["id"] == "so-gtvt-truong-son")
    result: dict = {}
    t = threading.Thread(target=_open_hanging_request, args=(hang_url, result), daemon=True)
    t.start()
    time.sleep(0.3)
    assert t.is_alive()  # hanging
    t0 = time.monotonic()
    farm.stop()
    assert time.monotonic() - t0 < 2.0
    t.join(timeout=3)
    assert not t.is_alive()
    assert result["outcome"] != "answered"
    assert result["t"] - t0 < 3.0


def test_stop_with_idle_keepalive_connection_open():
    farm = DemoFarm().start()
    url = farm.targets()[0]["portal_url"]
    parts = urlsplit(url)
    s = socket.create_connection((parts.hostname, parts.port), timeout=2)  # never sends anything
    t0 = time.monotonic()
    farm.stop()
    assert time.monotonic() - t0 < 2.0
    s.close()


def test_given_port_is_used_on_every_ip():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with DemoFarm(port=port) as farm:
        ports = {urlsplit(r["portal_url"]).port for r in farm.targets()}
        assert ports == {port}


def test_targets_csv(farm, tmp_path, targets):
    path = farm.write_targets_csv(tmp_path / "t" / "targets.csv")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        rows = list(reader)
    assert [r["id"] for r in rows] == list(targets)
    ids = {r["id"] for r in rows}
    for r in rows:
        assert r["kind"] in ("province", "department", "commune", "ministry")
        assert r["parent"] == "" or r["parent"] in ids
        assert r["portal_url"].startswith("http://127.")
    groups = {}
    for r in rows:
        groups.setdefault(r["group"], []).append(r["id"])
    assert len(groups) >= 2 and all(len(v) >= 4 for v in groups.values())
    assert any(r["services_url"] == "" for r in rows if r["id"] in ("tinh-truong-son", "so-khcn-lam-son"))
    assert "Sở Thông tin và Truyền thông tỉnh Sông Hồng" in {r["name"] for r in rows}
