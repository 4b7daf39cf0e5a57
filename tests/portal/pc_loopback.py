"""Real HTTP servers on loopback addresses for the portal tests (no mocks of HTTP).

A `Site` serves a folder the way the portals were mirrored: `/` is index.html,
`/<name>` is `<name>.html` (or the file itself, or `<name>/index.html`), and
anything else gets the site's not-found answer: a real 404 by default, or a
soft 404 (200 with a page) when `not_found` says so. `routes` add dynamic pages
(a search endpoint). A folder's `_urls.yaml` maps addresses whose query string
or form post picks the page (`/Pages/default.aspx?ItemID=7`, an ASP.NET postback
`POST /Default.aspx ctl00$menu$lnk3`) to its files. Each site may bind its own
127.0.0.x address, so two sites are two hosts, as on the Internet.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from crawler.demo.loopback import LoopbackHost, Reply

_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", ".aspx": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
          ".php": "text/html; charset=utf-8"}

# (status, headers, body) — what a route or the not-found rule answers.
Answer = tuple[int, dict[str, str], bytes]


class Site(LoopbackHost):
    def __init__(self, folder: str | Path | None = None, ip: str = "127.0.0.1",
                 routes: dict[str, Callable[[str, dict], Answer]] | None = None,
                 not_found: Callable[[str], Answer] | None = None,
                 everything: Answer | None = None, headers: dict[str, str] | None = None):
        super().__init__(ip)
        self.folder = Path(folder) if folder else None
        self.routes = routes or {}
        self.not_found = not_found or (lambda path: (404, {}, b"<html><body><h1>404 Not Found</h1></body></html>"))
        self.everything = everything  # answer every request with this (a firewall)
        self.headers = headers or {}
        self.requests: list[str] = []
        urls = self.folder / "_urls.yaml" if self.folder else None
        self.urls: dict[str, str] = yaml.safe_load(urls.read_text(encoding="utf-8")) if urls and urls.is_file() else {}

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}/"

    def file_for(self, path: str) -> Path | None:
        if self.folder is None:
            return None
        name = unquote(path).lstrip("/")
        options = ["index.html"] if not name else [name, name + ".html", name.rstrip("/") + "/index.html"]
        for option in options:
            candidate = (self.folder / option).resolve()
            if candidate.is_file() and self.folder.resolve() in candidate.parents:
                return candidate
        return None

    def answer(self, method: str, raw_path: str, body: bytes) -> Answer:
        self.requests.append(f"{method} {raw_path}")
        if self.everything is not None:
            return self.everything
        parts = urlsplit(raw_path)
        params = parse_qs(parts.query)
        if method == "POST":
            params.update(parse_qs(body.decode("utf-8", "replace")))
        if parts.path in self.routes:
            return self.routes[parts.path](parts.path, params)
        mapped = self.urls.get(f"POST {parts.path} {(params.get('__EVENTTARGET') or [''])[0]}") if method == "POST" \
            else self.urls.get(f"{parts.path}?{parts.query}") if parts.query else None
        file = self.file_for(mapped) if mapped else self.file_for(parts.path)
        if file is None:
            return self.not_found(parts.path)
        kind = _TYPES.get(file.suffix, "application/octet-stream")
        return 200, {"Content-Type": kind}, file.read_bytes()

    def serve(self, handler) -> None:
        status, headers, payload = self.answer(handler.command, handler.path, handler.body())
        headers = {"Content-Type": "text/html; charset=utf-8", **self.headers, **headers}
        handler.send(Reply(status, payload, headers.pop("Content-Type"), headers))

    def start(self) -> Site:
        super().start(name=f"site-{self.ip}")
        return self

    def stop(self) -> None:
        self.stop_event.set()
        super().stop()


from loopback import free_port  # noqa: E402,F401  (one helper for every test package)
