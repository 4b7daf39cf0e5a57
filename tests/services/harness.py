"""Start the loopback farm, write its targets, crawl it with the real spider in a
subprocess, and compare with the truth. Shared by the tests and the bench."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import variants  # noqa: E402
from portals import HomePortal, LiferayPortal, ProsePortal, TablePortal  # noqa: E402
from spa_portal import SpaPortal  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def start_farm() -> dict:
    """Every portal kind, a homepage that links to one by an image banner, a
    homepage with no link, and an SPA shell whose data cannot be found."""
    table = TablePortal().start()
    farm = {
        "table": table, "liferay": LiferayPortal().start(), "prose": ProsePortal().start(),
        "spa": SpaPortal().start(), "spa_empty": SpaPortal(ip="127.0.0.7", with_api=False).start(),
        "home": HomePortal(table.url).start(), "nolink": HomePortal(None, ip="127.0.0.8").start(),
    }
    return farm


def stop_farm(farm: dict) -> None:
    for portal in farm.values():
        portal.stop()


def write_targets(farm: dict, path: Path) -> None:
    lines = ["id,name,kind,group,portal_url,services_url"]
    for key in ("table", "liferay", "prose", "spa", "spa_empty"):
        lines.append(f"{key},Cổng {key},province,tinh,{farm[key].url},{farm[key].url}")
    lines.append(f"home,Tỉnh có banner,province,tinh,{farm['home'].url},")
    lines.append(f"nolink,Tỉnh không có liên kết,province,tinh,{farm['nolink'].url},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def truth(farm: dict) -> dict:
    """Expected services per target id, and the services_listed verdict."""
    out = {key: farm[key].truth() for key in ("table", "liferay", "prose", "spa", "spa_empty")}
    for key in ("table", "liferay", "prose", "spa"):
        out[key]["listed"] = ("pass", None)
    out["spa_empty"]["listed"] = ("inconclusive", "js_shell_unlisted")
    out["home"] = {**farm["table"].truth(), "listed": ("pass", None), "portal": farm["table"].url}
    out["nolink"] = {"services": [], "listed": ("inconclusive", "not_discovered"), "portal": None}
    return out


# --- the portal classes of kinds_*.py, in their tuning and held-out variants ---

def start_set(which: str) -> dict:
    return variants.start(which)


def write_set_targets(farm: dict, path: Path) -> None:
    lines = ["id,name,kind,group,portal_url,services_url"]
    lines += [f"{key},Đơn vị {key},province,tinh,{portal},{services}" for key, portal, services in variants.targets(farm)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_truth(farm: dict) -> dict:
    return variants.truth(farm)


def crawl(targets_csv: Path, db: Path, extra: tuple = ()) -> subprocess.CompletedProcess:
    """The real spider, as the brief runs it."""
    cmd = [PYTHON, "-m", "scrapy", "crawl", "services", "-a", f"targets={targets_csv}",
           "-s", f"PORTALCHECK_DB={db}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=3",
           "-s", "RETRY_TIMES=1", "-s", "LOG_LEVEL=WARNING", *extra]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    return subprocess.run(cmd, cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=240)


DEAD = frozenset({"not_found", "soft_404", "server_error", "redirect_loop", "dns_error", "tls_error",
                  "connection_error"})


def verdicts(db_path: Path) -> dict[str, dict[str, dict]]:
    """{target: {observation key: {outcome, reason, evidence_url, evidence}}} of the service observations."""
    import json
    import sqlite3
    db = sqlite3.connect(str(db_path))
    out: dict[str, dict[str, dict]] = {}
    for target, key, outcome, reason, url, evidence in db.execute(
            "SELECT target_id, key, outcome, reason, evidence_url, evidence FROM observations WHERE category='service'"):
        out.setdefault(target, {})[key] = {"outcome": outcome, "reason": reason, "evidence_url": url,
                                           "evidence": json.loads(evidence or "{}")}
    db.close()
    return out


def verdict_right(want: dict, got: dict[str, dict]) -> bool:
    """The services_listed verdict (outcome, reason) and, where the truth names it, the portal found."""
    listed = got.get("services_listed") or {}
    right = (listed.get("outcome"), listed.get("reason")) == tuple(want.get("listed") or ("pass", None))
    if "portal" in want:
        portal = got.get("services_portal") or {}
        right = right and (portal.get("evidence_url") or None) == want["portal"]
    return right


def compare(expected: list[dict], got: dict[str, dict]) -> dict:
    """Discovery, level and status accuracy of one target's crawled services."""
    want = {s["url"]: s for s in expected}
    found = [u for u in want if u in got]
    # A level only a page states cannot be known when that page does not answer:
    # `level_visible` says so where the farm knows it, else the page must be live.
    readable = [u for u in found if want[u].get("level_visible", want[u]["status"] == "live")]
    return {
        "expected": len(want), "discovered": len(found), "extra": len(set(got) - set(want)),
        "level_right": sum(1 for u in readable if got[u]["level"] == want[u]["level"]),
        "level_judged": len(readable),
        "level_right_all": sum(1 for u in found if got[u]["level"] == want[u]["level"]),
        "status_right": sum(1 for u in found if got[u]["status"] == want[u]["status"]),
        "live_or_blocked_dead": sum(1 for u in found if want[u]["status"] in ("live", "blocked")
                                    and got[u]["status"] in DEAD),
    }
