"""One archived sweep of part of the demo farm, then its re-judgements, shared
by the module's tests (docs/archive.md). The farm is stopped before anything
is re-judged: nothing can be fetched again."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))   # archive_helpers (tests use --import-mode=importlib)

from archive_helpers import TRIAL, archive_without, portalcheck, trial_lexicon  # noqa: E402

from crawler.demo import DemoFarm  # noqa: E402
from results.archive import sha256_of  # noqa: E402

# A portal rendered in Chromium (homepage and single-page services portal: screenshots),
# a garbage homepage and a firewall.
ONLY = "tinh-lam-son,so-nnptnt-cao-nguyen,tinh-cao-nguyen"
SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=1"]


@pytest.fixture(scope="package")
def archived(tmp_path_factory):
    """{db, run, rejudged, trial}: run 1 swept with --archive, run 2 its
    re-judgement, run 3 its re-judgement with the trial lexicon."""
    work = tmp_path_factory.mktemp("archive")
    db = work / "results.db"
    with DemoFarm(timeout_hang_seconds=5, slow_seconds=0.3) as farm:
        targets = farm.write_targets_csv(work / "targets.csv")
        portalcheck("sweep", "--targets", str(targets), "--only", ONLY, "--db", str(db), "--archive", *SETTINGS)
    portalcheck("rejudge", "--db", str(db), "--run", "1")
    lexicon = trial_lexicon(work / "lexicon.yaml")
    portalcheck("rejudge", "--db", str(db), "--run", "1", "--only", TRIAL, "-s", f"PORTALCHECK_LEXICON={lexicon}")
    # a copy whose archive lacks one page a verdict rested on
    trimmed_db = work / "trimmed.db"
    trimmed_db.write_bytes(db.read_bytes())
    conn = sqlite3.connect(trimmed_db)
    target, url = conn.execute("SELECT target_id, evidence_url FROM observations WHERE run_id = 1 AND "
                               "category = 'section' AND key = 'tin_tuc' AND outcome = 'pass' "
                               "AND evidence_url IS NOT NULL ORDER BY target_id").fetchone()
    wacz = archive_without(Path(conn.execute("SELECT archive_path FROM runs WHERE id = 1").fetchone()[0]),
                           url, work / "trimmed")
    with conn:
        conn.execute("UPDATE runs SET archive_path = ?, archive_digest = ? WHERE id = 1",
                     [str(wacz), sha256_of(wacz)])
    conn.close()
    portalcheck("rejudge", "--db", str(trimmed_db), "--run", "1", "--only", target)
    return {"db": db, "work": work, "run": 1, "rejudged": 2, "trial": 3,
            "trimmed": {"db": trimmed_db, "run": 4, "target": target, "url": url}}
