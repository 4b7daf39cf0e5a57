"""Fixtures for the services tests: the loopback portal farm, and one real crawl
of it by the services spider in a subprocess (shared by the end-to-end tests)."""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))   # farm, portals, spa_portal, harness (tests use --import-mode=importlib)

from farm import FIXTURES  # noqa: E402
from harness import crawl, start_farm, stop_farm, truth, write_targets  # noqa: E402


@pytest.fixture(scope="session")
def crawled(tmp_path_factory):
    """One crawl of the whole farm: (sqlite connection, truth, farm, seconds, process)."""
    tmp = tmp_path_factory.mktemp("services")
    farm = start_farm()
    try:
        write_targets(farm, tmp / "T.csv")
        started = time.monotonic()
        proc = crawl(tmp / "T.csv", tmp / "r.db")
        seconds = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr[-3000:]
        db = sqlite3.connect(str(tmp / "r.db"))
        db.row_factory = sqlite3.Row
        yield db, truth(farm), farm, seconds, proc
        db.close()
    finally:
        stop_farm(farm)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
