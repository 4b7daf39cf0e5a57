"""Shared test helpers: real loopback HTTP servers and real crawls in subprocesses."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving `routes`: path -> callable(handler)."""

    def __init__(self, routes: dict, host: str = "127.0.0.1"):
        self.routes = routes
        self.stop_event = threading.Event()
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _dispatch(self):
                path = self.path.split("?", 1)[0]
                route = server_self.routes.get(path) or server_self.routes.get("*")
                if route is None:
                    self.reply(404, "<html><body><h1>404 Not Found</h1></body></html>")
                else:
                    route(self)

            do_GET = do_POST = do_HEAD = _dispatch

            def reply(self, status: int, body: str | bytes, headers: dict | None = None,
                      content_type: str = "text/html; charset=utf-8"):
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()


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
