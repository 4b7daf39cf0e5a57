"""A real redis-server on loopback, in a temporary directory, for the tests
and `make bench` (Debian's redis-server; `make setup` installs it).

    with RedisServer() as server:
        server.url            # redis://127.0.0.1:PORT/0
        server.restart()      # stopped and started again on the same port, empty

No persistence (no RDB, no AOF): a restart loses everything, which is the
failure a distributed sweep must survive (docs/scaling.md). Imported only by
the tests and the benchmark, never by a crawl.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REDIS_SERVER = "/usr/bin/redis-server"


def redis_server_path() -> str | None:
    return shutil.which("redis-server") or (REDIS_SERVER if Path(REDIS_SERVER).exists() else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, port: int | None = None, password: str | None = None):
        self.port = port or _free_port()
        self.password = password
        self.dir = Path(tempfile.mkdtemp(prefix="portalcheck-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, wait: float = 10) -> RedisServer:
        executable = redis_server_path()
        if executable is None:
            raise RuntimeError("redis-server is not installed (make setup installs it)")
        config = self.dir / "redis.conf"  # a password in a file, not on a command line `ps` shows
        config.write_text(f"requirepass {self.password}\n" if self.password else "")
        self.process = subprocess.Popen(
            [executable, str(config), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning",
             "--logfile", str(self.dir / "redis.log"), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.dir / 'redis.log').read_text()[-500:]}")
            if self._answers():
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                answer = s.recv(64)
                return answer.startswith(b"+PONG") or answer.startswith(b"-NOAUTH")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self, down_seconds: float = 0) -> None:
        """Stopped (its data gone: no persistence) and started again on the same port."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
