"""Words, not codes: every page, report and terminal output a person reads, after a real
sweep of demo portals, a real `check` and two monitor passes, is searched for the codes the
tool stores (section, function and criterion keys, reasons, statuses, classes, groups, levels,
monitor states): the reports, `check`, the sweep's progress lines, the monitor's lines and its
uptime table in both languages. Also `check`'s exit statuses, its --report and --json, as a
deployment pipeline uses them."""
from __future__ import annotations

import csv
import html
import json
import re
import sqlite3

import jsonschema
import pytest
from loopback import run_cli
from openpyxl import load_workbook

from checks.model import FETCH_STATUSES, FUNCTION_KEYS, LEVELS, SECTION_KEYS
from crawler.demo import DemoFarm
from results.export import export_schema
from scoring.catalogue import catalogue
from scoring.methodology import load_methodology

CHOSEN = ("tinh-song-hong", "tinh-cao-nguyen", "so-tu-phap-ha-son")   # live, blocked, a department
URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("words")
    db = tmp / "r.db"
    with DemoFarm(timeout_hang_seconds=5, slow_seconds=0.2) as farm:
        rows = [r for r in farm.targets() if r["id"] in CHOSEN]
        with open(tmp / "t.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, ["id", "name", "kind", "group", "portal_url", "services_url"])
            writer.writeheader()
            writer.writerows({k: r[k] for k in writer.fieldnames} for r in rows)
        urls = {r["id"]: r["portal_url"] for r in rows}
        sweep = run_cli("sweep", "--targets", str(tmp / "t.csv"), "--db", str(db), timeout=400)
        check = run_cli("check", urls["so-tu-phap-ha-son"], "--kind", "department", "--name", "Sở Tư pháp",
                        "--db", str(tmp / "c.db"), "--report", str(tmp / "check-report"),
                        "--json", str(tmp / "check.json"), "--fail-under", "portal=0.9,overall=0.1",
                        "--require", "gioi_thieu", timeout=300)
        check_en = run_cli("check", urls["tinh-cao-nguyen"], "--db", str(tmp / "c.db"), "--fail-under", "0.1",
                           "--lang", "en", timeout=300)
        # two passes: a portal down twice is "down", then told; the second one with --verbose
        passes = [run_cli("monitor", "--targets", str(tmp / "t.csv"), "--db", str(db), *extra, timeout=300)
                  for extra in ((), ("--verbose",))]
    assert sweep.returncode == 0, sweep.stderr[-3000:]
    assert all(p.returncode in (0, 1) for p in passes), passes[-1].stderr[-3000:]
    progress = [line for line in sweep.stderr.splitlines() if re.match(r"\[\d+/\d+\] ", line)]
    outputs = {"sweep": (sweep.stdout, "vi"), "progress": ("\n".join(progress), "vi"),
               "check": (check.stdout + check.stderr, "vi"), "check_en": (check_en.stdout + check_en.stderr, "en"),
               "monitor": ("\n".join(p.stdout for p in passes), "vi")}
    for lang in ("vi", "en"):
        table = run_cli("--lang", lang, "monitor", "--report", "--db", str(db), "--last", "3", "--each-service")
        assert table.returncode == 0, table.stderr[-2000:]
        outputs[f"{lang}:monitor --report"] = (table.stdout, lang)
        for by in ("week", "quarter"):
            outputs[f"{lang}:monitor --report --by {by}"] = (
                run_cli("--lang", lang, "monitor", "--report", "--db", str(db), "--by", by, "--last", "2").stdout, lang)
    for lang in ("vi", "en"):
        out = tmp / f"reports-{lang}"
        result = run_cli("report", "--db", str(db), "--out", str(out), "--lang", lang)
        assert result.returncode == 0, result.stderr[-2000:]
        for path in out.rglob("*.html"):
            outputs[f"{lang}:{path.relative_to(out)}"] = (_html_text(path.read_text("utf-8")), lang)
        outputs[f"{lang}:rankings.md"] = ((out / "rankings.md").read_text("utf-8").replace("\\", ""), lang)
        cells = [str(c.value) for ws in load_workbook(out / "rankings.xlsx") for row in ws.iter_rows()
                 for c in row if c.value is not None and c.column != 5]   # column 5: the unit code, a key by design
        outputs[f"{lang}:rankings.xlsx"] = ("\n".join(cells), lang)
        outputs[f"{lang}:score"] = (run_cli("score", "--db", str(db), "--lang", lang).stdout, lang)
    for path in (tmp / "check-report").rglob("*.html"):
        outputs[f"check:{path.name}"] = (_html_text(path.read_text("utf-8")), "vi")
    return {"outputs": outputs, "check": check, "check_en": check_en, "tmp": tmp, "db": db}


def _html_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _codes(db) -> tuple[set[str], set[str]]:
    """(codes with an underscore or otherwise unlike a word: never in any language,
    codes that are English words: never in Vietnamese output), from the data."""
    conn = sqlite3.connect(db)
    stored = {r for (r,) in conn.execute(
        "SELECT DISTINCT json_extract(evidence, '$.reason') FROM observations WHERE evidence IS NOT NULL") if r}
    groups = {g for (g,) in conn.execute("SELECT DISTINCT group_name FROM run_targets") if g}
    vocabulary = {k.split(".", 1)[1] for k in catalogue()
                  if k.split(".", 1)[0] in ("reason", "status", "class", "outcome", "rank_status", "level",
                                            "monitor_states", "monitor_kinds")}
    m = load_methodology("nd42-2025")
    codes = set(SECTION_KEYS) | set(FUNCTION_KEYS) | {c["key"] for c in m["criteria"]} | set(LEVELS) \
        | stored | groups | vocabulary | set(FETCH_STATUSES)
    words = {c for c in codes if re.fullmatch(r"[a-z]+", c)}
    return {c for c in codes if "_" in c or c in ("tinh", "kha", "tot", "yeu")}, words


def _found(text: str, codes: set[str]) -> set[str]:
    text = URL.sub(" ", text)
    return {c for c in codes if re.search(rf"(?<![\w\-/.#]){re.escape(c)}(?![\w\-/.])", text)}


def test_no_raw_code_in_anything_a_person_reads(rendered):
    coded, words = _codes(rendered["db"])
    assert {"no_link", "so_nganh", "link_dead", "insufficient_data"} <= coded    # the search is not empty
    problems = {}
    for name, (text, lang) in rendered["outputs"].items():
        found = _found(text, coded) | (_found(text, words) if lang == "vi" else set())
        if found:
            problems[name] = sorted(found)
    assert not problems
    assert len(rendered["outputs"]) >= 20


def test_progress_and_monitor_lines_are_words_in_both_languages(rendered):
    outputs = rendered["outputs"]
    progress = outputs["progress"][0].splitlines()
    # one line per target and spider, each naming what was checked and the unit by its name
    assert len(progress) == 6 and all(re.match(r"\[\d/6\] (cổng thông tin|dịch vụ công): xong \S", p) for p in progress)
    assert any("Sở Tư pháp" in p for p in progress) and not any(": xong so-" in p for p in progress)
    vi, en = outputs["vi:monitor --report"][0], outputs["en:monitor --report"][0]
    # the terminal table: days as dates, uptime as Babel writes it, never ISO or a bare float
    assert re.search(r"\d\d/\d\d/\d{4}", vi) and re.search(r"\d+,\d\d%", vi)
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}", en) and re.search(r"\d+\.\d\d%", en)
    assert "tuần " in outputs["vi:monitor --report --by week"][0] and "quý " in outputs["vi:monitor --report --by quarter"][0]
    assert "week " in outputs["en:monitor --report --by week"][0] and "Q" in outputs["en:monitor --report --by quarter"][0]
    # what is not up: the unit's name, the address in words, its state in the one set of monitor words
    problems = re.findall(r"^  (.+) — (Trang chủ cổng thông tin điện tử|Trang chủ cổng dịch vụ công|Dịch vụ công \".+\"[^:]*): "
                          r"(Ngừng hoạt động|Bị chặn truy cập \(không đánh giá được\)|Không phản hồi kịp) "
                          r"từ \d\d/\d\d/\d{4} \d\d:\d\d", outputs["monitor"][0], flags=re.M)
    assert any(unit == "UBND tỉnh Sông Hồng" and what.startswith("Dịch vụ công \"") and state == "Ngừng hoạt động"
               for unit, what, state in problems), problems   # a service page answering 404
    for name, (text, _) in outputs.items():
        if "monitor" in name or name == "progress":
            assert not re.search(r"\d{4}-\d\d-\d\d|\d{4}-W\d\d|\d{4}-Q\d", URL.sub(" ", text)), name


def test_no_code_counts_or_long_decimals(rendered):
    for name, (text, _) in rendered["outputs"].items():
        assert not re.search(r"\b(pass|fail|inconclusive|not_applicable|partial|live|blocked|timeout)=\d",
                             URL.sub(" ", text)), name                             # "pass=0, fail=1"
        assert not re.search(r"\d[.,]\d{3,} / \d|\d,\d{4,}", URL.sub(" ", text)), name  # "71,3334 / 90"
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text), name              # ISO times


def test_check_is_a_self_test_report(rendered):
    check = rendered["check"]
    out = check.stdout
    # under portal=0.9: a finding, exit 1, said in words on stderr
    assert check.returncode == 1, check.stderr[-2000:]
    assert "thấp hơn ngưỡng 0,900" in check.stderr
    assert "Không đạt  Văn bản quy phạm pháp luật" in out and "Cách khắc phục: " in out and "Căn cứ: NĐ 42/2022" in out
    # a department: treaties and English do not apply; never "không đạt"
    assert re.search(r"Không áp dụng  Điều ước quốc tế, thỏa thuận quốc tế\s+\[không áp dụng cho loại cơ quan này\]", out)
    assert re.search(r"Không áp dụng  Thông tin tiếng Anh", out)
    assert "[tham khảo, không tính điểm]" in out
    # the whole URL of the evidence, even past 80 columns
    assert all(len(line) <= 400 for line in out.splitlines())
    evidence = [line for line in out.splitlines() if "Bằng chứng:" in line and "/hoi-dap/" in line]
    assert evidence and re.search(r"http://127\.0\.0\.23:\d+/hoi-dap/", evidence[0])
    # --report: the same per-target page as `report`; --json: the export contract
    pages = list((rendered["tmp"] / "check-report" / "targets").glob("*.html"))
    assert len(pages) == 1 and "Cách khắc phục" in pages[0].read_text("utf-8")
    exported = json.loads((rendered["tmp"] / "check.json").read_text("utf-8"))
    jsonschema.validate(exported, export_schema())
    assert [t["name"] for t in exported["targets"]] == ["Sở Tư pháp"]


def test_a_blocked_portal_is_not_under_the_threshold(rendered):
    check = rendered["check_en"]
    assert check.returncode == 4, check.stderr[-2000:]
    assert "could not be judged" in check.stderr and "under the threshold" not in check.stderr.replace(
        "not counted as under the threshold", "")
    assert "blocked by a firewall (not the portal's fault)" in check.stdout
