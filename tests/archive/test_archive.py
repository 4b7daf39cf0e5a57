"""--archive, the WACZ and rejudge, end to end on the demo farm (docs/archive.md)."""
from __future__ import annotations

import contextlib
import re
import sqlite3
import zipfile
from collections import Counter

import pytest
from archive_helpers import TRIAL, portalcheck, verdicts
from warcio.archiveiterator import ArchiveIterator

from results.archive import ArchiveReader, sha256_of

# One archived sweep and three re-judgements (tests/archive/conftest.py) are set up
# for the first test: seconds each on an idle machine, several minutes under load.
pytestmark = pytest.mark.timeout(900)


def test_the_run_records_its_archive_and_digest(archived):
    conn = sqlite3.connect(archived["db"])
    path, digest, rejudge_of = conn.execute(
        "SELECT archive_path, archive_digest, rejudge_of FROM runs WHERE id = 1").fetchone()
    assert path.endswith("run-1.wacz") and rejudge_of is None
    assert digest == sha256_of(__import__("pathlib").Path(path))
    assert conn.execute("SELECT rejudge_of, mode, archive_path FROM runs WHERE id = 2").fetchone() == (1, "rejudge", None)


def test_every_answer_is_archived_and_every_verdict_points_at_its_record(archived):
    conn = sqlite3.connect(archived["db"])
    path = conn.execute("SELECT archive_path FROM runs WHERE id = 1").fetchone()[0]
    reader = ArchiveReader(path)
    fetches = conn.execute("SELECT url, status, archive_record_id FROM fetches WHERE run_id = 1").fetchall()
    assert len(fetches) > 50
    missing = [(u, s) for u, s, r in fetches if r is None]
    assert missing == []                       # answers and failures alike
    assert all(r in reader.by_id for _, _, r in fetches)
    pointed = conn.execute(
        "SELECT o.archived_url, o.archive_record_id FROM observations o JOIN run_targets t "
        "ON t.run_id = o.run_id AND t.target_id = o.target_id "
        "WHERE o.run_id = 1 AND t.portal_status = 'live' AND o.category IN ('section', 'function')").fetchall()
    assert pointed and all(url and record in reader.by_id for url, record in pointed)
    # a section found on a page points at that page's record
    url, record = conn.execute("SELECT evidence_url, archive_record_id FROM observations WHERE run_id = 1 "
                               "AND key = 'tin_tuc' AND outcome = 'pass' AND evidence_url IS NOT NULL").fetchone()
    assert reader.record(record).url == url


def test_the_wacz_validates_and_opens_with_warcio(archived):
    path = sqlite3.connect(archived["db"]).execute("SELECT archive_path FROM runs WHERE id = 1").fetchone()[0]
    done = portalcheck_wacz_validate(path)
    assert "valid" in done.stdout.lower() and done.returncode == 0, done.stdout
    kinds: Counter = Counter()
    concurrent, responses = set(), set()
    with zipfile.ZipFile(path) as wacz:
        names = wacz.namelist()
        assert {"datapackage.json", "indexes/index.cdx.gz", "pages/pages.jsonl"} <= set(names)
        for name in (n for n in names if n.startswith("archive/")):
            with wacz.open(name) as warc:
                for record in ArchiveIterator(warc):
                    assert record.rec_headers.protocol == "WARC/1.1"
                    kinds[record.rec_type] += 1
                    if record.rec_type == "response":
                        responses.add(record.rec_headers.get_header("WARC-Record-ID"))
                    if record.rec_type == "request":
                        concurrent.add(record.rec_headers.get_header("WARC-Concurrent-To"))
    assert kinds["response"] > 50 and kinds["request"] == kinds["response"]
    assert responses == concurrent              # each response has its request
    assert kinds["metadata"] >= 1               # failed fetches (the firewall's portal has some)
    assert kinds["resource"] >= 1               # screenshots of rendered pages


def portalcheck_wacz_validate(path):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", path], capture_output=True, text=True)


def test_screenshots_of_rendered_pages_are_kept(archived):
    conn = sqlite3.connect(archived["db"])
    path = conn.execute("SELECT archive_path FROM runs WHERE id = 1").fetchone()[0]
    shots = conn.execute("SELECT purpose, screenshot_record_id FROM fetches WHERE run_id = 1 "
                         "AND screenshot_record_id IS NOT NULL").fetchall()
    assert {p for p, _ in shots} >= {"homepage_rendered", "spa_render"}
    jpeg = ArchiveReader(path).record(shots[0][1])
    assert jpeg.content_type == "image/jpeg" and jpeg.body.startswith(b"\xff\xd8\xff") and len(jpeg.body) > 1000
    # one screenshot, two places: the run's database holds the very same bytes, naming the record
    kept = conn.execute("SELECT image, archive_record_id FROM screenshots WHERE run_id = 1 AND archive_record_id = ?",
                        [shots[0][1]]).fetchall()
    assert kept == [(jpeg.body, shots[0][1])]
    # a re-judgement renders nothing, and keeps the archived screenshots with its own run
    again = conn.execute("SELECT purpose, sha256 FROM screenshots WHERE run_id = 2").fetchall()
    first = conn.execute("SELECT purpose, sha256 FROM screenshots WHERE run_id = 1 AND purpose != 'service_screenshot'"
                         ).fetchall()
    assert again and sorted(again) == sorted(first)


def test_rejudge_offline_gives_the_same_verdicts(archived):
    conn = sqlite3.connect(archived["db"])
    assert verdicts(conn, 2) == verdicts(conn, 1)
    services = lambda run: sorted(conn.execute(  # noqa: E731
        "SELECT target_id, url, level, status FROM services WHERE run_id = ?", [run]).fetchall())
    assert services(2) == services(1) and len(services(1)) > 10
    assert conn.execute("SELECT COUNT(*) FROM fetches WHERE run_id = 2 AND status = 'not_archived'").fetchone()[0] == 0
    scores = lambda run: sorted(conn.execute(  # noqa: E731
        "SELECT target_id, category, round(score, 6) FROM scores WHERE run_id = ?", [run]).fetchall())
    assert scores(2) == scores(1)


def test_a_changed_lexicon_changes_the_verdict_on_the_same_archive(archived):
    conn = sqlite3.connect(archived["db"])
    before, after = verdicts(conn, 1), verdicts(conn, 3)
    assert {k[0] for k in after} == set(TRIAL.split(","))      # --only
    intro = {k: v for k, v in before.items() if k[1:] == ("section", "gioi_thieu") and k[0] in TRIAL.split(",")}
    assert "pass" in intro.values()
    assert all(after.get(k) == "fail" for k, v in intro.items() if v == "pass")  # nothing can name it now
    unrelated = {k for k in before if k[2] in ("tin_tuc", "van_ban", "hoi_dap", "search", "rss") and k in after}
    assert unrelated
    assert {k: after[k] for k in unrelated} == {k: before[k] for k in unrelated}
    shown = portalcheck("diff", "1", "3", "--db", str(archived["db"])).stdout
    # the lost section by its name, in the language the run was asked in, never its key
    assert ("Giới thiệu: chức năng, nhiệm vụ" in shown or "Introduction: functions, duties" in shown) and \
        "gioi_thieu" not in shown, shown


def test_a_page_missing_from_the_archive_is_inconclusive_not_archived(archived):
    trimmed = archived["trimmed"]
    conn = sqlite3.connect(trimmed["db"])
    assert conn.execute("SELECT rejudge_of FROM runs WHERE id = ?", [trimmed["run"]]).fetchone() == (1,)
    statuses = conn.execute("SELECT status FROM fetches WHERE run_id = ? AND url = ?",
                            [trimmed["run"], trimmed["url"]]).fetchall()
    assert statuses and {s for (s,) in statuses} == {"not_archived"}
    rows = conn.execute("SELECT outcome, reason FROM observations WHERE run_id = ? AND target_id = ? "
                        "AND category = 'section' AND key = 'tin_tuc'", [trimmed["run"], trimmed["target"]]).fetchall()
    assert rows and all(outcome == "inconclusive" for outcome, _ in rows), rows
    assert {reason.rsplit(":", 1)[-1] for _, reason in rows} == {"not_archived"}
    # the other sections stood on pages still archived: judged as before
    before, after = verdicts(conn, 1), verdicts(conn, trimmed["run"])
    others = {k for k in after if k[1] == "section" and k[2] != "tin_tuc"}
    assert others and {k: after[k] for k in others} == {k: before[k] for k in others}


def test_the_report_links_archived_copies_and_shows_screenshots(archived):
    out = archived["work"] / "report"
    portalcheck("report", "--db", str(archived["db"]), "--run", "1", "--out", str(out), "--format", "html",
                "--lang", "en")
    page = (out / "targets" / "tinh-lam-son.html").read_text(encoding="utf-8")
    links = re.findall(r'class="archived" href="(archive/[0-9a-f]{20}\.html)">view archived copy<', page)
    assert links
    copy = (out / "targets" / links[0]).read_text(encoding="utf-8")
    assert "Content-Security-Policy\" content=\"default-src 'none'" in copy
    assert "<iframe sandbox srcdoc=" in copy and "<script" not in copy.split("<iframe", 1)[1]
    shots = re.findall(r'<img src="(screenshots/[0-9a-f]{32}\.jpg)"', page)
    assert shots and (out / "targets" / shots[0]).read_bytes().startswith(b"\xff\xd8\xff")


def test_serve_shows_an_archived_page_read_only_with_scripts_disabled(archived):
    conn = sqlite3.connect(archived["db"])
    # a homepage both runs name (a re-judgement's rows point at the records it judged)
    record, url = conn.execute("SELECT archive_record_id, url FROM fetches WHERE run_id = 2 AND purpose = 'homepage' "
                               "AND status = 'live' AND http_status = 200 ORDER BY id").fetchone()
    shot = conn.execute("SELECT screenshot_record_id FROM fetches WHERE run_id = 1 "
                        "AND screenshot_record_id IS NOT NULL").fetchone()[0]
    uuid = lambda rec: rec[len("<urn:uuid:"):-1]  # noqa: E731
    with serving(archived["db"]) as get:
        status, headers, body = get(f"/-/archive/1/{uuid(record)}")
        assert status == 200 and b"<html" in body.lower()
        assert headers["content-security-policy"].startswith("sandbox; default-src 'none'")
        assert headers["x-content-type-options"] == "nosniff"
        status, headers, body = get(f"/-/archive/1/{uuid(shot)}")
        assert status == 200 and headers["content-type"] == "image/jpeg" and body.startswith(b"\xff\xd8\xff")
        # a record this run does not name, a record of another run, a path: nothing
        assert get("/-/archive/1/00000000-0000-0000-0000-000000000000")[0] == 404
        assert get(f"/-/archive/1/{uuid(record)[:-1]}")[0] == 404
        status, _, body = get("/-/archive/1/..%2F..%2Fetc%2Fpasswd")
        assert status != 200 and b"root:" not in body
        # a re-judgement shows the pages of the archive it judged
        assert get(f"/-/archive/2/{uuid(record)}")[0] == 200
        # the results table links the record
        status, _, body = get("/results/fetches?_size=5&archive_record_id__notblank=1")
        assert status == 200 and b"/-/archive/1/" in body


@contextlib.contextmanager
def serving(db):
    import http.client
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(path):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path)
            answer = conn.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get("/-/versions.json")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield get
    finally:
        proc.terminate()
        proc.wait(timeout=15)
