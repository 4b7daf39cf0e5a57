"""Loopback HTTP hosts of the demo farm: a route table per host, plus behaviours.

A `Host` is one web server on its own loopback IP (127.0.0.N) and port. Its answer to a
request is decided in two steps:

1. the *behaviour* of the URL: runtime overrides (`Host.set`), then the defaults coming
   from the portal data, looked up by "path?query" (canonical), then "path", then "*";
2. for behaviour "live" (the default), the route table: the most specific route whose
   query parameters are all present in the request, else the host's fallback
   (a real 404, or the homepage on soft-404 sites).

Behaviours: live, slow, hang, reset, not_found, soft_404, server_error, blocked (WAF 403),
cloudflare (403), rate_limited (429), login_redirect, redirect_loop, garbage.
Stopping never blocks: handler threads are daemons, hanging handlers wait on the farm's
stop event, and open connections are shut down.
"""
from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from .render import render

BEHAVIOURS = (
    "live", "slow", "hang", "reset", "not_found", "soft_404", "server_error", "blocked",
    "cloudflare", "rate_limited", "login_redirect", "redirect_loop", "garbage",
)


class Resp:
    """An HTTP answer: status, body bytes, headers."""

    def __init__(self, status: int = 200, body: bytes | str = b"", ctype: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = {"Content-Type": ctype, **(headers or {})}

    @classmethod
    def json(cls, obj: Any, status: int = 200) -> Resp:
        return cls(status, json.dumps(obj, ensure_ascii=False), "application/json; charset=utf-8")

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Resp:
        return cls(status, b"", headers={"Location": location})


class Request:
    def __init__(self, method: str, target: str, headers: Any, body: bytes) -> None:
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path or "/"
        self.query = parts.query
        self.params = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def key(self) -> str:
        return canon(self.path, self.query)


def canon(path: str, query: str = "") -> str:
    """Canonical "path?query" key (parameters sorted)."""
    if "?" in path:
        path, query = path.split("?", 1)
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return path + ("?" + urlencode(pairs) if pairs else "")


Handler = Callable[[Request], Any]


class Host:
    """One loopback web server: routes, behaviours and lifecycle."""

    def __init__(self, name: str, ip: str, ctx: Any, server_header: str = "nginx") -> None:
        self.name = name
        self.ip = ip
        self.port = 0
        self.ctx = ctx  # the farm: stop_event, hang_seconds, slow_seconds
        self.server_header = server_header
        self.routes: dict[str, list[tuple[dict[str, str], Any]]] = {}
        self.defaults: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, dict[str, Any]] = {}
        self.fallback: Handler | None = None  # unknown paths; None -> real 404
        self.pages: dict[str, Handler] = {}   # not_found, soft_404, server_error, garbage, login
        self.server: _Server | None = None
        self.thread: threading.Thread | None = None

    # -- routes ---------------------------------------------------------------------
    def add(self, path: str, handler: Any) -> None:
        """Register `handler` (Resp, str of HTML, or callable(req)) for "path" or "path?a=b" (replaces)."""
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        params = dict(parse_qsl(query, keep_blank_values=True))
        lst = self.routes.setdefault(path, [])
        lst[:] = [(p, h) for p, h in lst if p != params] + [(params, handler)]

    def has(self, path: str) -> bool:
        query = path.split("?", 1)[1] if "?" in path else ""
        params = dict(parse_qsl(query, keep_blank_values=True))
        return any(p == params for p, _ in self.routes.get(path.split("?", 1)[0], []))

    def find(self, req: Request) -> Any:
        best = None
        for params, handler in self.routes.get(req.path, []):
            if all(req.params.get(k) == v for k, v in params.items()):
                if best is None or len(params) > len(best[0]):
                    best = (params, handler)
        return best[1] if best else None

    # -- behaviours -----------------------------------------------------------------
    def set(self, path: str, behaviour: str, **params: Any) -> None:
        """Runtime override of the behaviour of `path` ("*" = the whole host)."""
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; one of {BEHAVIOURS}")
        self.overrides[path if path == "*" else canon(path)] = {"b": behaviour, **params}

    def reset(self, path: str | None = None) -> None:
        if path is None:
            self.overrides.clear()
        else:
            self.overrides.pop(path if path == "*" else canon(path), None)

    def behaviour_for(self, req: Request) -> dict[str, Any]:
        for table in (self.overrides, self.defaults):
            for key in (req.key, req.path, "*"):
                if key in table:
                    return table[key]
        return {"b": "live"}

    def respond(self, behaviour: str, req: Request) -> Resp:
        b = behaviour
        if b == "live":
            handler = self.find(req)
            resp = _call(handler, req) if handler is not None else None
            if resp is None and self.fallback is not None:
                resp = _call(self.fallback, req)
            return resp if resp is not None else self.page("not_found", req)
        if b in ("not_found", "soft_404", "server_error", "garbage"):
            return self.page(b, req)
        sid = int(hashlib.sha1(req.path.encode()).hexdigest()[:15], 16)
        if b == "blocked":
            body = render("errors/firewall.html", support_id=str(10**18 + sid % 10**18))
            return Resp(403, body, headers={"Cache-Control": "no-cache", "Connection": "close"})
        if b in ("cloudflare", "rate_limited"):
            status = 429 if b == "rate_limited" else 403
            ray = f"{sid:016x}"[:16] + "-HKG"
            body = render("errors/cloudflare.html", status=status, ray=ray, host=self.ip)
            hdr = {"Server": "cloudflare", "CF-RAY": ray}
            if status == 429:
                hdr["Retry-After"] = "60"
            return Resp(status, body, headers=hdr)
        if b == "login_redirect":
            return Resp.redirect("/dang-nhap?redirect=" + quote(req.key, safe=""))
        if b == "redirect_loop":
            flip = "0" if req.params.get("loop") == "1" else "1"
            return Resp.redirect(f"{req.path}?loop={flip}", 301)
        raise ValueError(b)

    def page(self, name: str, req: Request) -> Resp:
        handler = self.pages.get(name)
        if handler is not None:
            resp = _call(handler, req)
            if resp is not None:
                return resp
        if name == "not_found":
            return Resp(404, render("errors/not_found.html"))
        if name == "server_error":
            return Resp(500, render("errors/server_error.html", path=req.path))
        if name == "soft_404":
            return Resp(200, render("errors/soft_404.html"))
        return Resp(200, bytes(range(256)) * 4, "text/html")  # garbage

    # -- lifecycle ------------------------------------------------------------------
    def url(self, path: str = "/") -> str:
        return f"http://{self.ip}:{self.port}{path}"

    def bind(self, port: int = 0) -> None:
        try:
            self.server = _Server(self, (self.ip, port))
        except OSError:
            if self.ip == "127.0.0.1":
                raise
            self.ip = "127.0.0.1"  # platform without 127/8 on lo (e.g. macOS): share 127.0.0.1
            self.server = _Server(self, (self.ip, 0))
        self.port = self.server.server_address[1]

    def activate(self) -> None:
        """Start listening and serving (a host that is bound but never activated refuses)."""
        assert self.server is not None
        if self.thread is not None:
            return
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name=f"demo-{self.name}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        srv = self.server
        if srv is None:
            return
        if self.thread is not None:
            srv.shutdown()
            self.thread.join(timeout=2)
        srv.server_close()
        srv.drop_connections()
        self.thread = None


def _call(handler: Any, req: Request) -> Resp | None:
    if callable(handler):
        handler = handler(req)
    if isinstance(handler, str):
        return Resp(200, handler)
    return handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: Host, addr: tuple[str, int]) -> None:
        self.host = host
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__(addr, _Handler, bind_and_activate=False)
        try:
            TCPServer.server_bind(self)  # not HTTPServer.server_bind: no slow getfqdn()
        except OSError:
            self.socket.close()
            raise
        self.server_name, self.server_port = addr[0], self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up early are normal here

    def drop_connections(self) -> None:
        with self._lock:
            conns = list(self._conns)
            self._conns.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20  # idle keep-alive connections are closed after this

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def version_string(self) -> str:
        return self.server.host.server_header  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool = False) -> None:
        host: Host = self.server.host  # type: ignore[attr-defined]
        farm = host.ctx
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if 0 < length < 10_000_000 else b""
        req = Request(self.command, self.path, self.headers, body)
        beh = host.behaviour_for(req)
        name = beh["b"]
        if name == "hang":
            farm.stop_event.wait(beh.get("seconds", farm.hang_seconds))
            self.close_connection = True
            return
        if name == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if name == "slow":
            if farm.stop_event.wait(beh.get("seconds", farm.slow_seconds)):
                self.close_connection = True
                return
            name = "live"
        resp = host.respond(name, req)
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        if resp.headers.get("Connection") == "close":
            self.close_connection = True
        self.end_headers()
        if not head:
            self.wfile.write(resp.body)
