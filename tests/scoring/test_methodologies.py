"""Methodologies are data; the same stored evidence scored by both gives the
differences documented in docs/methodology.md ("Hai phương pháp khác nhau ở đâu")."""
from __future__ import annotations

import copy

import pytest

from results import store
from scoring import choose_methodology, list_methodologies, load_methodology, score_run
from scoring.docs import DOC, render_blocks

A, B, C = "new_rules_missing", "old_items_missing", "services_gaps"


def test_shipped_methodologies_load_and_validate():
    assert {"mic-2019", "mic-2019-legacy", "nd42-2025"} <= set(list_methodologies())
    for name in list_methodologies():
        m = load_methodology(name)
        assert m["decimals"] == 3 and m["criteria"]
        for c in m["criteria"]:
            assert c["legal_ref"] and c["title"]["vi"] and c["title"]["en"], c["key"]
            assert c["fix"]["vi"] and c["fix"]["en"], c["key"]


def test_legacy_points_are_an_option():
    keys = lambda m: {c["key"] for c in m["criteria"]}  # noqa: E731
    assert "legacy_points" not in keys(load_methodology("mic-2019"))
    assert "legacy_points" in keys(load_methodology("mic-2019-legacy"))
    assert "legacy_points" in keys(load_methodology("mic-2019", options={"legacy_points": True}))


def test_invalid_methodology_is_refused():
    bad = copy.deepcopy(load_methodology("nd42-2025"))
    bad["criteria"][0]["method"] = "guess"
    with pytest.raises(ValueError, match="method"):
        load_methodology(bad)
    with pytest.raises(FileNotFoundError):
        load_methodology("no-such-methodology")


def test_methodology_chosen_by_run_date_unless_recorded():
    assert choose_methodology({"started_at": "2019-05-01T00:00:00"}) == "mic-2019"
    assert choose_methodology({"started_at": "2025-05-01T00:00:00"}) == "nd42-2025"
    assert choose_methodology({"started_at": "2025-05-01", "methodology": "mic-2019"}) == "mic-2019"


def test_docs_criteria_tables_match_the_yaml():
    doc = DOC.read_text(encoding="utf-8")
    assert render_blocks(doc) == doc, "run: python -m scoring.docs"


def _evidence(b, started_at):
    targets = [b.target(t, f"Tỉnh {t}", kind="province", group="Tỉnh") for t in (A, B, C)]
    observations = (b.perfect(A, fail=("emc", "https", "hoi_dap", "ngan_sach", "dieu_uoc_quoc_te"))
                    + b.perfect(B, fail=("tin_tuc", "chi_dao_dieu_hanh", "lich_cong_tac", "khoa_hoc",
                                         "site_map", "rss"))
                    + b.perfect(C))
    services = [b.svc(t, i) for t in (A, B) for i in range(4)]
    services += [b.svc(C, i, clicks=5, payment=False) for i in range(4)]
    return b.evidence(targets, observations, services, started_at=started_at)


def _by(rows):
    return {(r["target_id"], r["category"]): r for r in rows}


def test_same_observations_both_methodologies_documented_differences(b, tmp_path):
    db, run_id = b.store(tmp_path / "r.db", _evidence(b, "2025-06-01T00:00:00+00:00"))
    evidence = store.load_evidence(db, run_id)
    evidence["run"]["started_at"] = "2025-06-01T00:00:00+00:00"  # the date decides phased-in rules
    mic = _by(score_run(evidence, load_methodology("mic-2019")))
    nd42 = _by(score_run(evidence, load_methodology("nd42-2025")))
    # 1. Decree 42 / Circular 22 items (EMC, HTTPS, Q&A, budget, treaties) cost nothing
    #    under mic-2019 and 21 of 101 portal points under nd42-2025.
    assert mic[(A, "portal")]["score"] == 1.0
    assert (nd42[(A, "portal")]["points"], nd42[(A, "portal")]["max_points"]) == (80, 101)
    assert nd42[(A, "portal")]["score"] == 0.792
    # 2. Decree 43 items (news 12, direction 5, calendar 5, science 5, site map 2, RSS 2)
    #    cost 31 of 97 under mic-2019; under nd42-2025 only news counts (recommended, 3).
    assert (mic[(B, "portal")]["points"], mic[(B, "portal")]["max_points"]) == (66, 97)
    assert mic[(B, "portal")]["score"] == 0.68 and mic[(B, "portal")]["classification"] == "trung_binh"
    assert nd42[(B, "portal")]["score"] == 0.97
    # 3. Services: the 3-click rule counts only under mic-2019; payment for toàn trình
    #    weighs 5 (mic-2019) or 10 (nd42-2025).
    assert (mic[(C, "services")]["points"], mic[(C, "services")]["max_points"]) == (85, 95)
    assert (nd42[(C, "services")]["points"], nd42[(C, "services")]["max_points"]) == (80, 90)
    clicks = next(c for c in nd42[(C, "services")]["criteria"] if c["key"] == "clicks")
    assert clicks["outcome"] == "fail" and not clicks["counted"]
    # 4. So the overall order turns round.
    assert [mic[(t, "overall")]["rank"] for t in (A, C, B)] == [1, 2, 3]
    assert [nd42[(t, "overall")]["rank"] for t in (B, C, A)] == [1, 2, 3]


def test_phased_in_criteria_do_not_count_before_their_date(b):
    before = _by(score_run(_evidence(b, "2023-06-01T00:00:00+00:00"), load_methodology("nd42-2025")))
    row = before[(A, "portal")]
    # EMC, HTTPS and mobile (Circular 22/2023, from 5/4/2024) are informational here.
    assert (row["points"], row["max_points"], row["score"]) == (77, 88, 0.875)
    emc = next(c for c in row["criteria"] if c["key"] == "emc")
    assert emc["requirement"] == "informational" and emc["outcome"] == "fail" and not emc["counted"]


def test_legacy_points_relative_to_the_best_in_group(b):
    targets = [b.target("x", group="G"), b.target("y", group="G")]
    services = [b.svc("x", i, level="toan_trinh") for i in range(2)]  # 2 x 8 = 16
    services += [b.svc("y", i, level="mot_phan") for i in range(2)]  # 2 x 4 = 8
    services += [b.svc("y", 9, level="mot_phan", status="blocked")]  # blocked keeps its 4 -> 12
    rows = _by(score_run(b.evidence(targets, b.perfect("x") + b.perfect("y"), services),
                         load_methodology("mic-2019-legacy")))
    legacy = {t: next(c for c in rows[(t, "services")]["criteria"] if c["key"] == "legacy_points")
              for t in ("x", "y")}
    assert legacy["x"]["points"] == 20 and legacy["x"]["detail"]["best"] == 16
    assert legacy["y"]["points"] == 15  # 12 / 16 x 20
