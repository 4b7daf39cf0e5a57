"""Shared test helpers: real loopback HTTP servers and real crawls in subprocesses."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.loopback import LoopbackHost

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


class LoopbackServer(LoopbackHost):
    """A server on 127.0.0.1 serving `routes`: path -> callable(handler), "*" for any
    other path (else a real 404). A route answers with `handler.reply(status, body)`
    (the core: crawler/demo/loopback.py, shared with every farm and the demo)."""

    def __init__(self, routes: dict, host: str = "127.0.0.1"):
        super().__init__(host)
        self.routes = routes
        self.bind()
        self.host = self.ip
        self.httpd = self.server

    def serve(self, handler) -> None:
        path = handler.path.split("?", 1)[0]
        route = self.routes.get(path) or self.routes.get("*")
        if route is None:
            handler.reply(404, "<html><body><h1>404 Not Found</h1></body></html>")
        else:
            route(handler)

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    """A port where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def run_cli(*args: str, timeout: float = 300, env: dict | None = None,
            prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m crawler ARGS` in a subprocess (Scrapy's reactor starts once per process)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([*(prefix or []), PYTHON, "-m", "crawler", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=full_env)


def run_scrapy(*args: str, timeout: float = 300, prefix: list[str] | None = None,
               cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    return subprocess.run([*(prefix or []), PYTHON, "-m", "scrapy", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env)


def write_targets(path: Path, rows: list[dict]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "name", "kind", "group", "portal_url", "services_url"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"kind": "province", "group": "tinh", "services_url": "", **row})
    return path


@pytest.fixture
def loopback():
    servers = []

    def start(routes: dict) -> LoopbackServer:
        server = LoopbackServer(routes).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)
