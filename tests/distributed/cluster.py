"""A small loopback farm, a real redis-server and real worker processes, for
the distributed sweep's tests (crawler.distributed).

The farm: one commune-sized portal per loopback address (127.0.0.N, so each is
a host group of its own), a few pages each, every page answered after a short
delay so that a group takes a couple of seconds: long enough to kill a worker
in the middle of one, short enough to keep each test to seconds.
"""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from loopback import ROOT, write_targets

from crawler.demo.loopback import LoopbackHost

PAGES = 6
# one host group per job here (the default packs up to 50 targets into one job)
FAST = ["-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0", "-s", "PORTALCHECK_COORDINATOR_POLL_SECONDS=0.2",
        "-s", "PORTALCHECK_TARGETS_PER_JOB=1"]
# RQ's heartbeat every second, a job taken as abandoned 2 s after a missed one.
QUICK_WORKER = ["-s", "PORTALCHECK_WORKER_HEARTBEAT_SECONDS=1", "-s", "PORTALCHECK_WORKER_GRACE_SECONDS=2",
                "-s", "PORTALCHECK_BROWSER=false"]  # no Chromium check at start: these portals need none


def _page(title: str, links: list[str]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><header><h1>{title}</h1></header><nav><ul>{items}</ul></nav>'
            f'<main><p>Cổng thông tin điện tử {title}.</p></main>'
            '<footer>Cơ quan chủ quản: UBND. Địa chỉ: số 1, đường Trần Phú. Điện thoại: 0210 3812 345. '
            'Email: ubnd@example.gov.vn</footer></body></html>')


LINKS = [("/gioi-thieu", "Giới thiệu"), ("/tin-tuc", "Tin tức"), ("/van-ban", "Văn bản"),
         ("/lien-he", "Liên hệ"), ("/so-do", "Sơ đồ cổng"), ("/thu-tuc", "Thủ tục hành chính")][:PAGES - 1]


class CommunePortal(LoopbackHost):
    def __init__(self, ip: str, name: str, delay: float):
        super().__init__(ip)
        self.name, self.delay = name, delay

    def serve(self, handler) -> None:
        path = handler.path.split("?", 1)[0]
        if path == "/robots.txt":
            handler.reply(200, "User-agent: *\nAllow: /\n", content_type="text/plain")
            return
        if self.stop_event.wait(self.delay):
            return
        known = {"/": self.name, **{href: f"{text} — {self.name}" for href, text in LINKS}}
        if path not in known:
            handler.reply(404, "<html><body>404</body></html>")
            return
        handler.reply(200, _page(known[path], LINKS))


class Farm:
    def __init__(self, portals: int, delay: float):
        self.hosts = [CommunePortal(f"127.0.0.{10 + i}", f"UBND xã Thử {i}", delay) for i in range(portals)]

    def __enter__(self) -> Farm:
        for host in self.hosts:
            host.start()
        return self

    def __exit__(self, *exc) -> None:
        for host in self.hosts:
            host.stop_event.set()
            host.stop()

    def write_targets(self, path: Path) -> Path:
        return write_targets(path, [{"id": f"xa-thu-{i}", "name": host.name, "kind": "commune", "group": "xa",
                                     "portal_url": host.url("/")} for i, host in enumerate(self.hosts)])


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def start_worker(redis_url: str, name: str, log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler", "--lang", "en", "worker", "--redis", redis_url,
                             "--name", name, *QUICK_WORKER, *extra],
                            cwd=ROOT, env=env(), stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def start_sweep(*args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler", "--lang", "en", "sweep", "--spiders", "portal",
                             *FAST, *args], cwd=ROOT, env=env(), stdout=subprocess.DEVNULL,
                            stderr=log.open("w"), start_new_session=True)


def stop(process: subprocess.Popen, sig=signal.SIGTERM, wait: float = 60) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stored(db: Path) -> Counter:
    """(target, spider) pairs with a progress marker, counted."""
    if not db.exists():
        return Counter()
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        return Counter(conn.execute("SELECT target_id, spider FROM run_progress"))
    except sqlite3.Error:
        return Counter()


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def run_status(db: Path, run_id: int = 1) -> str:
    return sqlite3.connect(db).execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()[0]


def rows(db: Path) -> Counter:
    """Every fetch and observation of run 1, by what it says (not by id or time)."""
    conn = sqlite3.connect(db)
    fetches = Counter((target, "fetch", _PROBE.sub("pc-khong-ton-tai-*", url), status) for target, url, status
                      in conn.execute("SELECT target_id, url, status FROM fetches WHERE run_id = 1"))
    return fetches + Counter(conn.execute("SELECT target_id, category, key, outcome FROM observations "
                                          "WHERE run_id = 1"))


_PROBE = re.compile(r"pc-khong-ton-tai-[0-9a-f]+")  # the random page a portal's 404 is probed with
