from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # cluster (tests run with --import-mode=importlib)

from crawler.demo.redis_server import RedisServer, redis_server_path


@pytest.fixture
def redis_server():
    """A fresh, empty redis-server on a loopback port, in a temporary directory."""
    if redis_server_path() is None:
        pytest.fail("redis-server is not installed: run `make setup`")
    with RedisServer() as server:
        yield server
