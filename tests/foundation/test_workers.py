"""Splitting a sweep between worker processes (crawler.orchestration.workers)."""
from __future__ import annotations

from crawler.orchestration.workers import host_groups, shard, worker_count
from crawler.registry.targets import Target


def target(tid: str, portal: str, services: str = "") -> Target:
    return Target(id=tid, name=tid, kind="department", group="g", portal_url=portal, services_url=services)


def test_targets_sharing_a_host_stay_together():
    # Two departments list their services on the province's one service portal;
    # a third is linked to them only through the second's portal host.
    a = target("so-a", "https://soa.tinh.gov.vn/", "https://dichvucong.tinh.gov.vn/")
    b = target("so-b", "https://sob.tinh.gov.vn/", "https://dichvucong.tinh.gov.vn/")
    c = target("so-c", "https://sob.tinh.gov.vn/so-c/")
    d = target("so-d", "https://sod.khac.gov.vn/")
    groups = sorted(sorted(t.id for t in g) for g in host_groups([a, b, c, d]))
    assert groups == [["so-a", "so-b", "so-c"], ["so-d"]]


def test_shards_keep_groups_whole_and_balance_the_rest():
    shared = [target(f"s{i}", f"https://s{i}.x.gov.vn/", "https://dvc.x.gov.vn/") for i in range(4)]
    alone = [target(f"a{i}", f"https://a{i}.y.gov.vn/") for i in range(6)]
    todo = {"portal": shared + alone, "services": shared + alone}
    shards = shard(todo, 2)
    assert len(shards) == 2
    ids = [{t.id for t in s["portal"]} for s in shards]
    assert sum(1 for s in ids if {"s0", "s1", "s2", "s3"} <= s) == 1      # the group is whole
    assert ids[0] | ids[1] == {t.id for t in shared + alone} and not ids[0] & ids[1]
    assert sorted(len(s) for s in ids) == [5, 5]
    for s in shards:  # each spider sees the same targets in a shard
        assert {t.id for t in s["portal"]} == {t.id for t in s["services"]}


def test_a_resumed_spider_may_have_fewer_targets_than_the_other():
    ts = [target(f"t{i}", f"https://t{i}.gov.vn/") for i in range(4)]
    shards = shard({"portal": ts[:1], "services": ts}, 2)
    assert sorted(t.id for s in shards for t in s["services"]) == ["t0", "t1", "t2", "t3"]
    assert [t.id for s in shards for t in s["portal"]] == ["t0"]


def test_worker_count():
    assert worker_count(4, groups=2) == 2          # never more workers than groups
    assert worker_count(1, groups=10) == 1
    assert worker_count(0, groups=100) >= 1        # 0: one per core
