"""Validity dates: a sweep on a day inspects and ranks the units valid that day,
and stores the day with the run. Hà Giang and the old Tuyên Quang were merged
into the new Tuyên Quang on 2025-07-01 (Resolution 202/2025/QH15)."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from loopback import LoopbackServer, run_cli

SITES = Path(__file__).resolve().parent / "sites"
UNITS = {  # id -> (address, name, valid_from, valid_to)
    "hagiang": ("127.0.0.86", "UBND tỉnh Hà Giang", "", "2025-06-30"),
    "tuyenquang-cu": ("127.0.0.87", "UBND tỉnh Tuyên Quang (trước sáp nhập)", "", "2025-06-30"),
    "tuyenquang": ("127.0.0.88", "UBND tỉnh Tuyên Quang", "2025-07-01", ""),
    "hanoi": ("127.0.0.89", "UBND Thành phố Hà Nội", "", ""),
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep-on")
    template = (SITES / "child.html").read_text(encoding="utf-8")
    servers, lines = [], ["id,name,kind,group,portal_url,services_url,valid_from,valid_to"]
    for unit_id, (ip, name, start, end) in UNITS.items():
        page = template.replace("{{title}}", name).replace("{{banner}}", "").replace("{{parent}}", "/")
        server = LoopbackServer({"/": lambda h, page=page: h.reply(200, page)}, host=ip).__enter__()
        servers.append(server)
        lines.append(f"{unit_id},{name},province,tinh,{server.url}/,,{start},{end}")
    path = tmp / "registry.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    yield {"path": path, "db": tmp / "results.db"}
    for server in servers:
        server.__exit__(None, None, None)


def sweep(registry, *args: str):
    return run_cli("sweep", "--targets", str(registry["path"]), "--db", str(registry["db"]), "--spiders", "portal",
                   "--workers", "1", "--no-browser", "-s", "DOWNLOAD_TIMEOUT=5", *args, timeout=300)


def run_rows(db: Path, run_id: int) -> tuple[dict, set[str], dict[str, int | None]]:
    conn = sqlite3.connect(db)
    settings = json.loads(conn.execute("SELECT settings FROM runs WHERE id = ?", [run_id]).fetchone()[0])
    targets = {r[0] for r in conn.execute("SELECT target_id FROM run_targets WHERE run_id = ?", [run_id])}
    ranks = {r[0]: r[1] for r in conn.execute(
        "SELECT target_id, rank FROM scores WHERE run_id = ? AND category = 'overall' AND scoring_id = "
        "(SELECT MAX(id) FROM scorings WHERE run_id = ?)", [run_id, run_id])}
    conn.close()
    return settings, targets, ranks


def test_a_ranking_holds_one_map(registry):
    before = sweep(registry, "--on", "2025-06-30")
    assert before.returncode == 0, before.stderr
    assert "Bản đồ hành chính ngày 2025-06-30" in before.stderr
    today = sweep(registry)
    assert today.returncode == 0, today.stderr
    settings, targets, ranks = run_rows(registry["db"], 1)
    assert settings["valid_on"] == "2025-06-30"
    assert targets == set(ranks) == {"hagiang", "tuyenquang-cu", "hanoi"}
    assert sorted(r for r in ranks.values() if r is not None) == sorted(ranks.values()) and max(ranks.values()) <= 3
    settings, targets, ranks = run_rows(registry["db"], 2)
    assert settings["valid_on"] == date.today().isoformat()
    assert targets == set(ranks) == {"tuyenquang", "hanoi"}      # the merged provinces are no longer swept
    assert max(ranks.values()) <= 2


def test_a_unit_not_valid_that_day_is_refused_before_anything_is_fetched(registry):
    result = run_cli("--lang", "en", "sweep", "--targets", str(registry["path"]), "--db",
                     str(registry["path"].with_name("none.db")), "--only", "hagiang", "--no-browser")
    assert result.returncode == 2
    assert "'hagiang' is not valid on" in result.stderr and "2025-06-30" in result.stderr
    assert not registry["path"].with_name("none.db").exists()
    bad = run_cli("--lang", "en", "sweep", "--targets", str(registry["path"]), "--on", "30/06/2025")
    assert bad.returncode == 2 and "30/06/2025" in bad.stderr


def test_scrapy_crawl_takes_the_day_too(registry):
    from spiders.portal import PortalSpider

    spider = PortalSpider(targets=str(registry["path"]), on="2025-06-30")
    assert set(spider.targets) == {"hagiang", "tuyenquang-cu", "hanoi"}
    assert set(PortalSpider(targets=str(registry["path"])).targets) == {"tuyenquang", "hanoi"}


def test_a_resumed_run_keeps_its_day(registry):
    conn = sqlite3.connect(registry["db"])
    with conn:  # run 1 (the map of 2025-06-30) killed before any target was finished
        conn.execute("UPDATE runs SET status = 'interrupted' WHERE id = 1")
        conn.execute("DELETE FROM run_progress WHERE run_id = 1")
    conn.close()
    result = run_cli("sweep", "--resume", "1", "--db", str(registry["db"]), "--no-browser", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Bản đồ hành chính ngày 2025-06-30" in result.stderr
    settings, targets, ranks = run_rows(registry["db"], 1)
    assert settings["valid_on"] == "2025-06-30" and set(ranks) == {"hagiang", "tuyenquang-cu", "hanoi"}
