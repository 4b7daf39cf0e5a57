"""The browser audits' judges, offline (docs/audits.md): axe-core results, speed figures and
layout widths in, verdicts out; and the two Vietnamese checks axe cannot make, on homepages."""
from __future__ import annotations

import asyncio

import pytest

from checks.audit_config import audit_config, merged, parse_audits
from checks.functions import accessibility, image_link_alt, lang_vi, mobile_width, performance
from checks.model import Page
from checks.sections import read_home
from crawler.browser.pool import PagePool, RenderSlotTimeout

CONFIG = audit_config()
URL = "http://127.0.0.1:8000/"


def rule(rule_id: str, impact: str, nodes: int = 1) -> dict:
    return {"id": rule_id, "impact": impact, "help": f"{rule_id} help",
            "helpUrl": f"https://dequeuniversity.com/rules/axe/4.12/{rule_id}", "nodes": nodes,
            "targets": [f"#n{i}" for i in range(nodes)], "tags": ["wcag2a", "wcag111", "cat.text"]}


def audited(violations: list[dict], role: str = "homepage", url: str = URL) -> dict:
    return {"url": url, "role": role, "status": "live", "axe": {"version": "4.12.1", "violations": violations}}


# --- accessibility -------------------------------------------------------------------
def test_no_serious_violation_on_the_homepage_passes_and_counts_by_impact():
    obs = accessibility.check([audited([rule("region", "moderate"), rule("list", "minor", 3)])],
                              CONFIG["accessibility"])
    assert obs.outcome == "pass" and obs.legal_ref
    assert obs.evidence["counts"] == {"critical": 0, "serious": 0, "moderate": 1, "minor": 1}
    assert obs.evidence["axe_version"] == "4.12.1" and "wcag21aa" in obs.evidence["wcag_tags"]


def test_a_critical_rule_on_the_homepage_fails_worst_first_and_bounded():
    many = [rule(f"r{i}", "minor") for i in range(30)] + [rule("image-alt", "critical", 9)]
    obs = accessibility.check([audited(many)], CONFIG["accessibility"])
    assert (obs.outcome, obs.evidence["reason"], obs.evidence["over"]) == ("fail", "homepage_over_threshold", ["critical"])
    first = obs.evidence["violations"][0]
    assert first["id"] == "image-alt" and first["nodes"] == 9 and len(first["targets"]) == 3
    assert first["help_url"].startswith("https://") and first["tags"] == ["wcag2a", "wcag111"]
    assert len(obs.evidence["violations"]) == CONFIG["accessibility"]["max_rules"]


def test_a_sampled_page_over_its_own_threshold_fails():
    pages = [audited([rule("color-contrast", "serious")] * 0), audited([rule("label", "critical")], "gioi_thieu",
                                                                      URL + "gioi-thieu")]
    obs = accessibility.check(pages, CONFIG["accessibility"])
    assert (obs.outcome, obs.evidence["reason"]) == ("fail", "sample_over_threshold")
    assert obs.evidence["over_pages"] == [URL + "gioi-thieu"]


def test_a_methodology_may_allow_serious_rules():
    # a methodology overrides each impact's limit it names (checks/data/audits.yaml keeps the others)
    config = audit_config({"accessibility": {"homepage_max": {"serious": 2}}})["accessibility"]
    assert config["homepage_max"] == {"critical": 0, "serious": 2}
    assert accessibility.check([audited([rule("color-contrast", "serious")])], config).outcome == "pass"
    assert accessibility.check([audited([rule("image-alt", "critical")])], config).outcome == "fail"


@pytest.mark.parametrize("audit, reason", [
    ({"url": URL, "role": "homepage", "status": "blocked"}, "blocked"),
    ({"url": URL, "role": "homepage", "status": "timeout"}, "timeout"),
    ({"url": URL, "role": "homepage", "status": "live", "axe": {"error": "timeout: axe-core took longer"}},
     "audit_timeout"),
    ({"url": URL, "role": "homepage", "status": "live", "axe": {"error": "Error: axe is not defined"}}, "audit_failed"),
    ({"url": URL, "role": "homepage", "status": "not_found"}, "not_found"),
])
def test_a_homepage_not_audited_is_inconclusive_never_a_fail(audit, reason):
    obs = accessibility.check([audit], CONFIG["accessibility"])
    assert (obs.outcome, obs.evidence["reason"]) == ("inconclusive", reason)


def test_a_sample_not_audited_does_not_spoil_the_homepage_verdict():
    obs = accessibility.check([audited([]), {"url": URL + "x", "role": "gioi_thieu", "status": "page_budget"}],
                              CONFIG["accessibility"])
    assert obs.outcome == "pass" and obs.evidence["unaudited"] == [{"url": URL + "x", "reason": "page_budget"}]


# --- performance ---------------------------------------------------------------------
FAST = {"fcp_ms": 900.4, "lcp_ms": 1400, "cls": 0.01234, "ttfb_ms": 300, "transfer_bytes": 50_000, "requests": 12}


def speed(metrics: dict, status: str = "live") -> dict:
    return {"url": URL, "status": status, "metrics": metrics}


def test_fast_page_passes_with_the_six_figures_rounded():
    obs = performance.check(speed(FAST), CONFIG["performance"], CONFIG["visitor"])
    assert obs.outcome == "pass"
    assert {k: obs.evidence[k] for k in performance.METRICS} == {
        "fcp_ms": 900, "lcp_ms": 1400, "cls": 0.012, "ttfb_ms": 300, "transfer_bytes": 50_000, "requests": 12}
    assert obs.evidence["visitor"]["cpu_slowdown"] == 4 and obs.evidence["sources"]["lcp_ms"].startswith("web.dev")


@pytest.mark.parametrize("key, value", [("lcp_ms", 2600), ("fcp_ms", 1900), ("cls", 0.25)])
def test_each_judged_figure_over_its_threshold_fails(key, value):
    obs = performance.check(speed({**FAST, key: value}), CONFIG["performance"])
    assert (obs.outcome, obs.evidence["over"]) == ("fail", [key])


def test_ttfb_is_shown_against_its_threshold_but_not_judged_unless_the_methodology_says():
    slow_server = speed({**FAST, "ttfb_ms": 1200})
    obs = performance.check(slow_server, CONFIG["performance"])
    assert obs.outcome == "pass" and obs.evidence["over_informational"] == ["ttfb_ms"]
    strict = audit_config({"performance": {"judged": ["fcp_ms", "lcp_ms", "cls", "ttfb_ms"]}})["performance"]
    assert performance.check(slow_server, strict).outcome == "fail"


def test_a_timed_out_load_is_inconclusive_unless_a_figure_is_already_over():
    cut = {"fcp_ms": 800, "lcp_ms": 900, "cls": 0, "ttfb_ms": 200, "error": "timeout: the page did not finish loading"}
    obs = performance.check(speed(cut), CONFIG["performance"])
    assert (obs.outcome, obs.evidence["reason"]) == ("inconclusive", "audit_timeout")
    assert performance.check(speed({**cut, "fcp_ms": 9000}), CONFIG["performance"]).outcome == "fail"


@pytest.mark.parametrize("metrics", [{**FAST, "lcp_ms": None}, {**FAST, "fcp_ms": float("nan")}, {**FAST, "cls": -1},
                                     {**FAST, "lcp_ms": "fast"}])
def test_a_figure_the_browser_could_not_give_is_inconclusive(metrics):
    obs = performance.check(speed(metrics), CONFIG["performance"])
    assert (obs.outcome, obs.evidence["reason"]) == ("inconclusive", "metric_missing")


def test_a_blocked_homepage_is_inconclusive():
    assert performance.check(speed({}, "blocked"), CONFIG["performance"]).evidence["reason"] == "blocked"


# --- mobile width ----------------------------------------------------------------------
def test_a_page_wider_than_a_phone_fails_with_how_much():
    obs = mobile_width.check({"url": URL, "status": "live", "widths": {"360": 1208, "412": 1208}},
                             CONFIG["mobile_width"])
    assert (obs.outcome, obs.evidence["overflow_px"]) == ("fail", {"360": 848, "412": 796})


def test_a_page_that_fits_passes_and_rounding_is_not_overflow():
    obs = mobile_width.check({"url": URL, "status": "live", "widths": {"360": 361, "412": 412}}, CONFIG["mobile_width"])
    assert obs.outcome == "pass"
    unmeasured = mobile_width.check({"url": URL, "status": "live", "widths": {}}, CONFIG["mobile_width"])
    assert (unmeasured.outcome, unmeasured.evidence["reason"]) == ("inconclusive", "not_measured")


# --- lang="vi", image links ------------------------------------------------------------
def home(html: str):
    return read_home(Page(url=URL, final_url=URL, http_status=200, text=html))


@pytest.mark.parametrize("html, outcome, reason", [
    ('<html lang="vi"><body>x</body></html>', "pass", None),
    ('<html lang="vi-VN"><body>x</body></html>', "pass", None),
    ('<html xml:lang="vi"><body>x</body></html>', "pass", None),
    ("<html><body>Cổng thông tin</body></html>", "fail", "no_lang"),
    ('<html lang="en"><body>Cổng thông tin</body></html>', "fail", "lang_not_vi"),
    ('<html lang=" "><body>x</body></html>', "fail", "no_lang"),
])
def test_lang_says_vietnamese(html, outcome, reason):
    obs = lang_vi.check(home(html))
    assert (obs.outcome, obs.evidence.get("reason")) == (outcome, reason) and obs.legal_ref


def test_image_links_to_the_portal_need_a_text_alternative():
    named = ('<html lang="vi"><body><a href="/thu-tuc"><img src="/b.png" alt="Thủ tục hành chính"></a>'
             '<a href="/hoi-dap"><img src="/h.png" title="Hỏi đáp"></a></body></html>')
    assert image_link_alt.check(home(named)).outcome == "pass"
    unnamed = ('<html lang="vi"><body><a href="/thu-tuc"><img src="/b.png"></a>'
               '<a href="/van-ban"><img src="/v.png" alt="banner-van-ban.jpg"></a>'
               '<a href="https://chinhphu.vn/"><img src="/cp.png"></a></body></html>')
    obs = image_link_alt.check(home(unnamed))
    assert (obs.outcome, obs.evidence["unnamed"]) == ("fail", 2)  # a file name is no name; offsite logos not counted
    assert [link["href"] for link in obs.evidence["links"]] == [URL + "thu-tuc", URL + "van-ban"]
    none = image_link_alt.check(home('<html lang="vi"><body><a href="/a">Giới thiệu</a></body></html>'))
    assert none.outcome == "not_applicable"


# --- settings ----------------------------------------------------------------------------
def test_audit_names_and_overrides():
    assert parse_audits("performance, accessibility") == ["accessibility", "performance"]
    assert parse_audits("all") == ["accessibility", "performance"] and parse_audits("none") == []
    with pytest.raises(ValueError):
        parse_audits("speed")
    assert merged({"a": {"b": 1, "c": 2}}, {"a": {"b": 3}}) == {"a": {"b": 3, "c": 2}}
    assert audit_config({"enabled": ["performance", "x"]})["enabled"] == ["performance"]


# --- a render's wait for a slot has a time limit ------------------------------------------
def test_a_render_waiting_too_long_for_a_context_slot_fails_as_a_timeout():
    async def scenario():
        pool = PagePool(limit=1, contexts=1)
        assert await pool.acquire("a", wait=0.2) is None  # "a" holds the only slot
        with pytest.raises(RenderSlotTimeout, match="timeout"):
            await pool.acquire("b", wait=0.2)
        assert pool.slot_waiters == [] and "b" not in pool.holding
        with pytest.raises(RenderSlotTimeout):  # "a"'s second page waits for its first
            await pool.acquire("a", wait=0.1)
        assert pool.in_flight["a"] == 1
        pool.release("a", None, reusable=False)
        await asyncio.sleep(0.4)  # the slot is given back after its grace moment
        assert await pool.acquire("b", wait=0.2) is None and "b" in pool.holding
    asyncio.run(scenario())
