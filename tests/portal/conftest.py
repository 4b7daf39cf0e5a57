"""One real crawl of the loopback portals (pc_farm.py) by the portal spider, in a
subprocess exactly as an operator runs it, shared by the end-to-end tests."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))  # pc_farm, pc_loopback (tests run with --import-mode=importlib)

import pc_farm  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def crawl(targets: Path, db: Path, *settings: str, timeout: int = 180) -> subprocess.CompletedProcess:
    cmd = [PYTHON, "-m", "scrapy", "crawl", "portal", "-a", f"targets={targets}",
           "-s", f"PORTALCHECK_DB={db}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=5",
           "-s", "LOG_LEVEL=WARNING"]
    for setting in settings:
        cmd += ["-s", setting]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    # Output goes to files, not pipes: a browser child holding a pipe open must not hang the test.
    with open(db.with_suffix(".log"), "w") as log:
        return subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout)


class Results:
    """Observations and target rows of one crawl."""

    def __init__(self, db: Path):
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        self.obs = {}
        for row in conn.execute("SELECT * FROM observations"):
            row = dict(row)
            row["evidence"] = json.loads(row["evidence"] or "{}")
            self.obs[(row["target_id"], row["category"], row["key"])] = row
        self.targets = {r["target_id"]: dict(r) for r in conn.execute("SELECT * FROM run_targets")}
        self.fetches = [dict(r) for r in conn.execute("SELECT * FROM fetches")]
        conn.close()

    def get(self, target: str, category: str, key: str) -> dict:
        return self.obs[(target, category, key)]


@pytest.fixture(scope="session")
def farm_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("portal-e2e")
    sites = pc_farm.start()
    try:
        urls = pc_farm.write_targets(sites, tmp / "targets.csv")
        pc_farm.write_hints(tmp / "hints.yaml")
        # DEPTH_LIMIT=2: candidates are tried one after another (Hà Nội's TTHC has three to
        # try); none may be lost to Scrapy's depth limit, or the target would never finish.
        done = crawl(tmp / "targets.csv", tmp / "r.db", "PORTALCHECK_FOLLOW_OFFSITE=private",
                     f"PORTALCHECK_HINTS={tmp / 'hints.yaml'}", "DEPTH_LIMIT=2")
        log = (tmp / "r.log").read_text(errors="replace")
        assert done.returncode == 0, log[-3000:]
        results = Results(tmp / "r.db")
        results.urls, results.sites, results.log = urls, sites, log
        yield results
    finally:
        pc_farm.stop(sites)


def truth_of(name: str) -> dict:
    path = pc_farm.HANOI / "truth.yaml" if name == "hanoi" else pc_farm.SITES / name / "truth.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def truth():
    return truth_of
