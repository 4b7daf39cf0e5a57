"""A public portal's redirect never takes the crawler to a private address;
a target the user lists on a private address is allowed."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from loopback import ROOT

from crawler.netsafety.addresses import is_private_address


@pytest.mark.parametrize("host, private", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.1.1", True), ("169.254.169.254", True),
    ("100.64.0.1", True), ("::1", True), ("[::ffff:127.0.0.1]", True), ("localhost", True),
    ("11.0.0.1", False), ("hanoi.gov.vn", False), ("8.8.8.8", False),
])
def test_private_address_rule(host, private):
    assert is_private_address(host) is private


def require_network_namespace() -> None:
    """These tests need a network namespace of their own (so a "public"
    address can exist on this machine): CI runs as root, where `unshare` is
    allowed. Elsewhere they fail, loudly, rather than skip."""
    probe = subprocess.run(["unshare", "-n", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.fail("address-safety tests need `unshare -n -m` (root, or CAP_SYS_ADMIN in a container; "
                    "`ip` from iproute2): " + probe.stderr.decode()[:200], pytrace=False)


def test_redirects_into_private_addresses_are_refused_and_recorded(tmp_path):
    require_network_namespace()
    tmp_path.chmod(0o755)
    result = subprocess.run(["unshare", "-n", "-m", sys.executable, "tests/foundation/address_safety_scenario.py",
                             str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["rc"] == 0, data["stderr"]
    fetches = {t: (status, error) for t, status, error in data["fetches"]}
    assert fetches["public-inside"][0] == "error" and "address_refused" in fetches["public-inside"][1]
    assert fetches["public-metadata"][0] == "error" and "169.254.169.254" in fetches["public-metadata"][1]
    # A name that resolves to a private address: refused before the request was sent.
    assert fetches["public-by-name"][0] == "error" and "resolves to 127.0.0.1" in fetches["public-by-name"][1]
    assert fetches["name-inside"][0] == "error" and "resolves to 127.0.0.1" in fetches["name-inside"][1]
    assert fetches["public-decimal"][0] == "error" and "resolves to 127.0.0.1" in fetches["public-decimal"][1]
    assert fetches["public-ok"][0] == "live"
    assert fetches["listed-local"][0] == "live"
    # Chromium rendered the public page (its public script ran) and made no
    # request inside, by IP or by name, nor any WebSocket connection.
    assert fetches["public-render"][0] == "live", fetches["public-render"]
    assert data["hits"]["public_js"] >= 1
    assert data["hits"]["websocket"] == 0
    # Cases Chromium's own Local Network Access checks let through, refused by portalcheck's
    # route (crawler/browser/guard_route.py): a script taking the whole tab inside, and a page
    # on a private address loading from a public one (script, XHR) or an image at all.
    assert fetches["public-navigates"][0] == "live" and fetches["local-render"][0] == "live"
    public = data["hits"]["public_paths"]
    assert "/render-navigates" in public and not {"/from-local.js", "/from-local-xhr"} & set(public), public
    # The internal server was reached only by the targets listed on it.
    assert sorted(data["hits"]["internal_paths"]) == ["/page", "/render-local"], data["hits"]["internal_paths"]


def test_a_private_target_never_leaves_the_machine(loopback, tmp_path):
    """The demo and the tests list targets on 127.0.0.x: their redirects to the
    internet are refused before any DNS query is made."""
    import sqlite3

    from loopback import run_scrapy, write_targets

    server = loopback({"/away": lambda h: h.reply(302, "", {"Location": "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"}),
                       "/ok": lambda h: h.reply(200, "<html><body>ok</body></html>")})
    targets = write_targets(tmp_path / "t.csv", [{"id": "away", "name": "away", "portal_url": server.url + "/away"},
                                                 {"id": "ok", "name": "ok", "portal_url": server.url + "/ok"}])
    db = tmp_path / "r.db"
    result = run_scrapy("runspider", "tests/foundation/probe_spider.py", "-a", f"targets={targets}",
                        "-s", f"PORTALCHECK_DB={db}", "-s", "LOG_LEVEL=WARNING", timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = dict((t, (s, e)) for t, s, e in sqlite3.connect(db).execute("SELECT target_id, status, error FROM fetches"))
    assert rows["ok"][0] == "live"
    assert rows["away"][0] == "error" and "outside the private network" in rows["away"][1]
