"""How a distributed sweep cuts a run into RQ jobs (crawler.distributed.coordinator.plan_groups)."""
from __future__ import annotations

from crawler.distributed import coordinator
from crawler.distributed.coordinator import plan_groups
from crawler.registry.targets import Target


def _target(tid: str, portal: str, services: str = "") -> Target:
    return Target(id=tid, name=tid, kind="commune", group="xa", portal_url=portal, services_url=services)


EVERYONE = [
    _target("tinh-a", "http://a.gov.vn/", "http://dichvucong.a.gov.vn/"),
    _target("so-a-1", "http://so1.a.gov.vn/", "http://dichvucong.a.gov.vn/"),  # shares the province's service host
    _target("xa-1", "http://xa1.gov.vn/"),
    _target("xa-2", "http://xa2.gov.vn/"),
    _target("xa-3", "http://xa3.gov.vn/"),
]


def test_host_groups_are_never_split_and_jobs_hold_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(coordinator, "MIN_JOBS", 1)  # five targets: a run too small for the floor
    todo = {"portal": EVERYONE, "services": EVERYONE}
    jobs = plan_groups(EVERYONE, todo, per_job=3)
    assert [sorted(g.target_ids) for g in jobs.values()] == [["so-a-1", "tinh-a", "xa-1"], ["xa-2", "xa-3"]]
    one_each = plan_groups(EVERYONE, todo, per_job=1)
    assert [sorted(g.target_ids) for g in one_each.values()] == [["so-a-1", "tinh-a"], ["xa-1"], ["xa-2"], ["xa-3"]]


def test_a_small_run_is_still_cut_into_enough_jobs_to_spread():
    many = [_target(f"xa-{i}", f"http://xa{i}.gov.vn/") for i in range(64)]
    jobs = plan_groups(many, {"portal": many}, per_job=50)
    assert len(jobs) == 16 and {len(g.target_ids) for g in jobs.values()} == {4}


def test_a_resumed_run_names_its_jobs_the_same_and_keeps_only_what_is_left(monkeypatch):
    monkeypatch.setattr(coordinator, "MIN_JOBS", 1)
    todo = {"portal": EVERYONE, "services": EVERYONE}
    first = plan_groups(EVERYONE, todo, per_job=3)
    left = {"portal": [t for t in EVERYONE if t.id in ("xa-3",)], "services": []}
    resumed = plan_groups(EVERYONE, left, per_job=3)
    assert list(resumed) == [list(first)[1]]  # the same job's name, the finished job gone
    assert {s: [t.id for t in ts] for s, ts in resumed[list(first)[1]].targets.items()} == \
        {"portal": ["xa-3"], "services": []}
