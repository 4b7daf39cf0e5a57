"""Three real crawls of the demo farm, shared by the module's tests (docs/screenshots.md),
run at once (they write to their own databases):

- `swept`: `sweep` of Lam Sơn's portal, whose homepage menu is built by JavaScript (rendered:
  a homepage screenshot) and whose service portal is a single-page app (rendered: its own);
- `failed`: the same sweep with every screenshot timing out (the verdicts must not change);
- `checked`: `check URL --report DIR` of Sông Hồng's portal, whose service portal has one
  service answering 404 (rendered for its screenshot), one behind a firewall and live ones.

No --archive anywhere: the screenshots are kept in the run's database.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo import DemoFarm

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=1"]


def _start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PORTALCHECK_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait(process: subprocess.Popen, codes=(0,)) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode in codes, err[-3000:]
    return out + err


@pytest.fixture(scope="package")
def crawls(tmp_path_factory):
    work = tmp_path_factory.mktemp("screenshots")
    with DemoFarm(timeout_hang_seconds=5, slow_seconds=0.3) as farm:
        targets = farm.write_targets_csv(work / "targets.csv")
        swept = _start("sweep", "--targets", str(targets), "--only", "tinh-lam-son", "--db", str(work / "swept.db"),
                       *SETTINGS)
        failed = _start("sweep", "--targets", str(targets), "--only", "tinh-lam-son", "--db", str(work / "failed.db"),
                        *SETTINGS, "-s", "PORTALCHECK_SCREENSHOT_TIMEOUT=0.001")
        checked = _start("check", farm.url_of("tinh-song-hong"), "--services-url", farm.services_url_of("tinh-song-hong"),
                         "--kind", "province", "--name", "UBND tỉnh Sông Hồng", "--db", str(work / "checked.db"),
                         "--report", str(work / "check-report"))
        _wait(swept), _wait(failed)
        # check exits 1 or 4 when the portal falls short or could not be judged: a report either way
        _wait(checked, codes=(0, 1))
    return {"work": work, "swept": work / "swept.db", "failed": work / "failed.db",
            "checked": work / "checked.db", "check_report": work / "check-report"}
