"""Cron mails whatever a pass prints: a monitor pass over a portal whose
robots.txt breaks every time prints nothing when nothing changed (Scrapy's
log comes back with --verbose), and a notification URL is never echoed with
its password."""
from __future__ import annotations

import socket

from loopback import LoopbackServer, run_cli, write_targets

PAGE = "<html><head><title>Cổng thông tin</title></head><body>Giới thiệu</body></html>"


def broken_robots(h):
    """The connection drops before any answer: Scrapy logs an error with a traceback."""
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


def test_monitor_is_silent_below_critical_and_verbose_brings_the_log_back(tmp_path):
    with LoopbackServer({"/": lambda h: h.reply(200, PAGE), "/robots.txt": broken_robots}) as server:
        targets = write_targets(tmp_path / "t.csv", [{"id": "so-a", "name": "Sở A", "portal_url": server.url + "/"}])
        db = str(tmp_path / "r.db")
        quiet = run_cli("monitor", "--targets", str(targets), "--db", db, timeout=120)
        loud = run_cli("monitor", "--targets", str(targets), "--db", db, "--verbose", timeout=120)
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert quiet.stderr == "" and quiet.stdout == ""
    assert loud.returncode == 0, loud.stderr[-2000:]
    assert "robotstxt] ERROR" in loud.stderr   # the error the quiet pass kept to itself


def test_an_invalid_notification_url_is_refused_without_its_password(tmp_path):
    targets = write_targets(tmp_path / "t.csv", [{"id": "so-a", "name": "Sở A", "portal_url": "http://127.0.0.1:9/"}])
    result = run_cli("--lang", "en", "monitor", "--targets", str(targets), "--db", str(tmp_path / "r.db"),
                     "--notify", "json://127.0.0.1:9/hook", "--notify", "foo://admin:Pa55-word@mail.example.vn/x",
                     "--notify", "mailtos://admin:Pa55-word@", env={"PORTALCHECK_NOTIFY": "tgram://123456:Pa55-word/"},
                     timeout=60)
    assert result.returncode == 2
    assert "Pa55-word" not in result.stderr + result.stdout
    assert "Notification URL #2 is invalid: foo://***" in result.stderr
    assert "#1" not in result.stderr   # the valid one is not named
    assert not (tmp_path / "r.db").exists()   # refused before anything ran
