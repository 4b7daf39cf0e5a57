"""One HTTP server on a loopback address: the core every portalcheck test farm
and the demo farm are built on (tests/loopback.py, tests/services/farm.py,
crawler/demo/server.py).

A `LoopbackHost` listens on its own 127.0.0.x address (two hosts are two sites,
as on the Internet) and hands every request to its `serve(handler)`. The
handler reads the request body once (`handler.body()`), answers with
`handler.send(Reply(...))` or `handler.reply(status, body)`, or does something
no reply describes (hang, reset the connection, stream slowly). Stopping never
blocks: handler threads are daemons and open connections are shut down.

Imported by the demo command and the tests only, never by a crawl.
"""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any

MAX_BODY = 10_000_000  # a request body beyond this is not read


class Reply:
    """An HTTP answer: status, body bytes, content type, headers, and a delay before it."""

    def __init__(self, status: int = 200, body: bytes | str = b"", ctype: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = {"Content-Type": ctype, **(headers or {})}
        self.delay = delay

    @classmethod
    def json(cls, obj: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(obj, ensure_ascii=False), "application/json; charset=utf-8")

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status, b"", headers={"Location": location})


class LoopbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20  # idle keep-alive connections are closed after this

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def version_string(self) -> str:
        header = self.server.host.server_header  # type: ignore[attr-defined]
        return header or super().version_string()

    def do_GET(self) -> None:  # noqa: N802
        self._body: bytes | None = None  # one handler serves every request of a kept-alive connection
        self.server.host.serve(self)  # type: ignore[attr-defined]

    do_POST = do_HEAD = do_GET

    def body(self) -> bytes:
        """The request body, read once (empty past MAX_BODY)."""
        if self._body is None:
            length = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(length) if 0 < length < MAX_BODY else b""
        return self._body

    def send(self, reply: Reply) -> None:
        """Write `reply` (after its delay; a stopping host cuts the wait short)."""
        if reply.delay and self.server.host.stop_event.wait(reply.delay):  # type: ignore[attr-defined]
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.headers.get("Connection") == "close":
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client hung up: normal here

    def reply(self, status: int, body: str | bytes, headers: dict | None = None,
              content_type: str = "text/html; charset=utf-8") -> None:
        self.send(Reply(status, body, content_type, headers))


class LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: LoopbackHost, addr: tuple[str, int]) -> None:
        self.host = host
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__(addr, LoopbackHandler, bind_and_activate=False)
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


class LoopbackHost:
    """One loopback web server; subclasses (or callers) define `serve(handler)`."""

    server_header: str | None = None

    def __init__(self, ip: str = "127.0.0.1", stop_event: threading.Event | None = None) -> None:
        self.ip = ip
        self.port = 0
        self.stop_event = stop_event or threading.Event()
        self.server: LoopbackHTTPServer | None = None
        self.thread: threading.Thread | None = None

    def serve(self, handler: LoopbackHandler) -> None:
        raise NotImplementedError

    def bind(self, port: int = 0) -> None:
        """Take the address (and a port) without serving yet: a farm learns its URLs first."""
        try:
            self.server = LoopbackHTTPServer(self, (self.ip, port))
        except OSError:
            if self.ip == "127.0.0.1":
                raise
            self.ip = "127.0.0.1"  # a platform without 127/8 on lo (macOS): share 127.0.0.1
            self.server = LoopbackHTTPServer(self, (self.ip, 0))
        self.port = self.server.server_address[1]

    def start(self, name: str = "loopback") -> LoopbackHost:
        """Listen and serve (binding first if needed); a bound host never started refuses."""
        if self.server is None:
            self.bind()
        if self.thread is None:
            assert self.server is not None
            self.server.server_activate()
            self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                           name=name, daemon=True)
            self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (setting `stop_event` first cuts hanging answers short)."""
        server = self.server
        if server is None:
            return
        if self.thread is not None:
            server.shutdown()
            self.thread.join(timeout=2)
        server.server_close()
        server.drop_connections()
        self.thread = None

    def url(self, path: str = "/") -> str:
        return f"http://{self.ip}:{self.port}{path}"

