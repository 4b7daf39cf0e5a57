"""`check --fail-under` / `--require`: the gate of a deployment pipeline (crawler/cli/gate.py)."""
from __future__ import annotations

import pytest

from crawler.cli import gate

CATS = {"overall": {"score": 0.62, "label": "Tổng hợp"}, "portal": {"score": 0.81, "label": "Cổng"},
        "services": {"score": None, "label": "Dịch vụ công"}}
CRIT = {"van_ban": {"outcome": "fail", "title": "Văn bản"}, "https": {"outcome": "pass", "title": "HTTPS"},
        "english": {"outcome": "not_applicable", "title": "Tiếng Anh"},
        "search": {"outcome": "inconclusive", "title": "Tìm kiếm"}}


def test_thresholds_overall_or_per_category():
    assert gate.parse_thresholds("0.7") == {"overall": 0.7}
    assert gate.parse_thresholds("0,7") == {"overall": 0.7}
    assert gate.parse_thresholds("portal=0.8,services=0.7") == {"portal": 0.8, "services": 0.7}
    assert gate.parse_thresholds(None) == {}
    for bad in ("1.5", "abc", "web=0.5", "portal=", "portal=2"):
        with pytest.raises(gate.GateError):
            gate.parse_thresholds(bad)


def test_required_keys_are_known_criteria():
    assert gate.parse_required("van_ban, https", {"van_ban", "https"}) == ["van_ban", "https"]
    with pytest.raises(gate.GateError) as caught:
        gate.parse_required("van_ban,nope", {"van_ban"})
    assert caught.value.values["keys"] == "nope"


def test_verdicts():
    judge = gate.judge_gate
    assert judge(True, CATS, CRIT, {"portal": 0.8}, []).status == gate.EXIT_OK
    assert judge(True, CATS, CRIT, {"overall": 0.7}, []).status == gate.EXIT_FINDING
    # a category that could not be judged is never "under the threshold"
    assert judge(True, CATS, CRIT, {"services": 0.7}, []).status == gate.EXIT_NOT_JUDGED
    assert judge(True, CATS, CRIT, {}, ["https"]).status == gate.EXIT_OK
    assert judge(True, CATS, CRIT, {}, ["van_ban"]).status == gate.EXIT_FINDING
    assert judge(True, CATS, CRIT, {}, ["search"]).status == gate.EXIT_NOT_JUDGED
    # a criterion that does not apply to this kind of agency does not fail the gate
    assert judge(True, CATS, CRIT, {}, ["english"]).status == gate.EXIT_OK
    # what is known to be wrong outranks what could not be judged
    assert judge(True, CATS, CRIT, {"services": 0.7}, ["van_ban"]).status == gate.EXIT_FINDING
    # a blocked or unreachable portal: its own status, whatever the thresholds
    blocked = judge(False, CATS, CRIT, {"overall": 0.1}, ["https"])
    assert blocked.status == gate.EXIT_NOT_JUDGED and blocked.findings[0][0] == "check.gate.portal_not_judged"
