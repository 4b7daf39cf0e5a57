"""Fixtures for the monitor tests: a portal whose behaviour a test changes
between passes, an https server whose certificate a test swaps, a webhook
receiver standing in for apprise's json:// target, a seeded sweep."""
from __future__ import annotations

import csv
import datetime as dt
import ipaddress
import json
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from loopback import LoopbackServer

from results import store

PAGE = ("<html><head><title>Cổng thông tin điện tử</title></head><body><h1>Trang chủ</h1>"
        + "<p>Tin tức sự kiện</p>" * 40 + "</body></html>")
SERVICE = ("<html><head><title>Thủ tục</title></head><body><h1>Cấp giấy phép</h1>"
           + "<p>Trình tự thực hiện</p>" * 30 + "</body></html>")
FIREWALL = ("<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
            "Please consult with your administrator.<br>Your support ID is: 1234</body></html>")


def make_certificate(folder: Path, days: int, name: str) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 expiring in `days` days, as a server context."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days, hours=12))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


class Portal:
    """A loopback portal: `behaviour[path]` is a status code, "firewall" or "hang"."""

    def __init__(self, paths: list[str], tls_folder: Path | None = None, cert_days: int = 60):
        self.behaviour = {path: 200 for path in paths}
        self.hits: dict[str, list[str]] = {}
        self.server = LoopbackServer({"*": self._route})
        self.context = None
        if tls_folder is not None:
            self.tls_folder = tls_folder
            self.set_certificate(cert_days)
            accept = self.server.httpd.get_request

            def get_request():
                sock, address = accept()
                # The handshake happens in the handler's thread, on first read.
                return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

            self.server.httpd.get_request = get_request

    def set_certificate(self, days: int) -> None:
        self.context = make_certificate(self.tls_folder, days, f"cert{days}")

    @property
    def url(self) -> str:
        return self.server.url.replace("http://", "https://") if self.context else self.server.url

    def _route(self, h):
        path = h.path.split("?", 1)[0]
        self.hits.setdefault(path, []).append({k.lower(): v for k, v in h.headers.items()})
        how = self.behaviour.get(path)
        if how is None:
            h.reply(404, "<h1>404 Not Found</h1>")
        elif how == "hang":
            self.server.stop_event.wait(4)
            try:
                h.reply(200, PAGE)
            except OSError:  # the client gave up long ago: that was the point
                pass
        elif how == "firewall":
            h.reply(403, FIREWALL)
        elif how == 200:
            h.reply(200, PAGE if path == "/" else SERVICE)
        else:
            h.reply(how, "<h1>Internal Server Error</h1>")


class Webhook:
    """Collects what apprise's json:// plugin posts."""

    def __init__(self):
        self.messages: list[dict] = []
        self.lock = threading.Lock()
        self.server = LoopbackServer({"*": self._route})

    @property
    def apprise_url(self) -> str:
        return f"json://{self.server.host}:{self.server.port}/hook"

    def _route(self, h):
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        with self.lock:
            self.messages.append(json.loads(body))
        h.reply(200, "{}", content_type="application/json")

    def take(self) -> list[dict]:
        with self.lock:
            taken, self.messages = self.messages, []
        return taken


@pytest.fixture
def servers(tmp_path):
    started = []

    def portal(paths, tls=False, cert_days=60):
        p = Portal(paths, tmp_path if tls else None, cert_days)
        p.server.__enter__()
        started.append(p.server)
        return p

    def webhook():
        w = Webhook()
        w.server.__enter__()
        started.append(w.server)
        return w

    yield portal, webhook
    for server in started:
        server.__exit__(None, None, None)


def write_targets(path: Path, rows: list[dict]) -> Path:
    columns = ["id", "name", "kind", "group", "portal_url", "services_url", "maintenance"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({"kind": "province", "group": "tinh", "services_url": "", "maintenance": "", **row})
    return path


def seed_sweep(db_path: Path, services: dict[str, list[dict]]) -> int:
    """A finished sweep run whose services table lists `services` per target."""
    db = store.open_db(db_path)
    run_id = store.create_run(db, mode="sweep", label="seed")
    store.save_run_targets(db, run_id, [{"target_id": tid, "name": tid} for tid in services])
    for tid, rows in services.items():
        store.complete_target(db, run_id, tid, "services",
                              {"services": [{"target_id": tid, "level": "mot_phan", "status": "live", **r}
                                            for r in rows]}, {})
    store.finish_run(db, run_id)
    db.conn.close()
    return run_id


@pytest.fixture
def kit():
    """The helpers above, for test modules (conftest is not importable by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(write_targets=write_targets, seed_sweep=seed_sweep, PAGE=PAGE, SERVICE=SERVICE)
