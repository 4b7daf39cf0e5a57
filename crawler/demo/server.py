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
The server itself is the tests' loopback core (crawler/demo/loopback.py); hanging
answers wait on the farm's stop event, so stopping never blocks.
"""
from __future__ import annotations

import hashlib
import json
import socket
import struct
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from .loopback import LoopbackHandler, LoopbackHost, Reply
from .render import render

BEHAVIOURS = (
    "live", "slow", "hang", "reset", "not_found", "soft_404", "server_error", "blocked",
    "cloudflare", "rate_limited", "login_redirect", "redirect_loop", "garbage",
)


Resp = Reply  # the demo's routes say Resp


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


class Host(LoopbackHost):
    """One loopback web server of the demo farm: routes and behaviours."""

    def __init__(self, name: str, ip: str, ctx: Any, server_header: str = "nginx") -> None:
        super().__init__(ip, stop_event=ctx.stop_event)
        self.name = name
        self.ctx = ctx  # the farm: stop_event, hang_seconds, slow_seconds
        self.server_header = server_header
        self.routes: dict[str, list[tuple[dict[str, str], Any]]] = {}
        self.defaults: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, dict[str, Any]] = {}
        self.fallback: Handler | None = None  # unknown paths; None -> real 404
        self.pages: dict[str, Handler] = {}   # not_found, soft_404, server_error, garbage, login

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

    # -- serving ----------------------------------------------------------------------
    def activate(self) -> None:
        """Start listening and serving (a host that is bound but never activated refuses)."""
        self.start(name=f"demo-{self.name}")

    def serve(self, handler: LoopbackHandler) -> None:
        req = Request(handler.command, handler.path, handler.headers, handler.body())
        beh = self.behaviour_for(req)
        name = beh["b"]
        if name == "hang":
            self.stop_event.wait(beh.get("seconds", self.ctx.hang_seconds))
            handler.close_connection = True
            return
        if name == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            handler.close_connection = True
            return
        if name == "slow":
            if self.stop_event.wait(beh.get("seconds", self.ctx.slow_seconds)):
                handler.close_connection = True
                return
            name = "live"
        handler.send(self.respond(name, req))


def _call(handler: Any, req: Request) -> Resp | None:
    if callable(handler):
        handler = handler(req)
    if isinstance(handler, str):
        return Resp(200, handler)
    return handler
