"""Ranking as published: ties share a rank and the next is skipped ("đồng hạng"),
judged on the rounded value, within each peer group."""
from __future__ import annotations

from results import scoring_store, store
from scoring import load_methodology, score_run
from scoring.ranking import classify, competition_ranks, round_score
from scoring.tables import ranking_tables

CUTOFFS = load_methodology("nd42-2025")["classification"]["cutoffs"]

# Bình Định, 2020 (seeds/000): "Bảng xếp hạng ứng dụng CNTT các sở, ban, ngành" and
# "UBND các huyện, thị xã, thành phố", with scores chosen to give that order.
DEPARTMENTS = [  # (name as printed, score out of 100)
    ("Sở Tài chính", 97), ("TT&TT", 97), ("Văn phòng UBND tỉnh", 96), ("Sở Công Thương", 95),
    ("Sở Xây dựng", 94), ("Ban Quản lý Khu kinh tế tỉnh", 94), ("Sở KH&CN", 93), ("Nội vụ", 93),
    ("GTVT", 93), ("GD&ÐT", 92), ("TN&MT", 92), ("KH&ÐT", 91), ("Du lịch", 90), ("NN&PTNT", 90),
    ("Tư pháp", 89), ("Y tế", 89), ("LÐ-TB&XH", 86),
    ("Sở VH&TT", 84), ("Thanh tra tỉnh", 80), ("Ban Dân tộc tỉnh", 75), ("Sở Ngoại vụ", 71),
]
# What the article prints, as (rank, tied, names, class). It prints "KH&ÐT (11)" after
# "GD&ÐT, TN&MT (đồng hạng 10)"; by the rule it applies everywhere else (5, 5 -> 7;
# 7, 7, 7 -> 10; 13, 13 -> 15) that is 12, and the next one printed is 13: a misprint.
DEPARTMENTS_PUBLISHED = [
    (1, True, {"Sở Tài chính", "TT&TT"}, "tot"), (3, False, {"Văn phòng UBND tỉnh"}, "tot"),
    (4, False, {"Sở Công Thương"}, "tot"), (5, True, {"Sở Xây dựng", "Ban Quản lý Khu kinh tế tỉnh"}, "tot"),
    (7, True, {"Sở KH&CN", "Nội vụ", "GTVT"}, "tot"), (10, True, {"GD&ÐT", "TN&MT"}, "tot"),
    (12, False, {"KH&ÐT"}, "tot"), (13, True, {"Du lịch", "NN&PTNT"}, "tot"),
    (15, True, {"Tư pháp", "Y tế"}, "tot"), (17, False, {"LÐ-TB&XH"}, "tot"),
    (18, False, {"Sở VH&TT"}, "kha"), (19, False, {"Thanh tra tỉnh"}, "kha"),
    (20, False, {"Ban Dân tộc tỉnh"}, "kha"), (21, False, {"Sở Ngoại vụ"}, "kha"),
]
DISTRICTS = [
    ("Quy Nhơn", 95), ("An Lão", 95), ("An Nhơn", 93), ("Phù Cát", 93), ("Tây Sơn", 91),
    ("Vĩnh Thạnh", 88), ("Phù Mỹ", 88), ("Tuy Phước", 83), ("Vân Canh", 80), ("Hoài Ân", 78),
    ("Hoài Nhơn", 72),
]
DISTRICTS_ARTICLE = ("Mức Tốt: Quy Nhơn, An Lão (đồng hạng 1); An Nhơn, Phù Cát (đồng hạng 3); Tây Sơn (5); "
                     "Vĩnh Thạnh, Phù Mỹ (đồng hạng 6). Mức Khá: Tuy Phước (8), Vân Canh (9), Hoài Ân (10), "
                     "Hoài Nhơn (11).")

# A methodology of 100 one-point criteria: a unit passing k of them scores k/100.
HUNDRED = {"name": "hundred", "decimals": 3, "min_testable_share": 0.5,
           "categories": {"portal": {"weight": 1, "title": {"vi": "Cổng"}}},
           "classification": {"cutoffs": CUTOFFS},
           "criteria": [{"key": f"k{i:02d}", "category": "portal", "source": {"observation": "section"},
                         "method": "binary", "max_points": 1} for i in range(100)]}


def test_competition_ranks_skip_after_ties():
    assert competition_ranks([0.9, 0.9, 0.8]) == [1, 1, 3]
    assert competition_ranks([0.7, 0.9, None, 0.9, 0.8, 0.8, 0.5]) == [5, 1, None, 1, 3, 3, 6]
    assert competition_ranks([]) == []


def test_ties_are_judged_on_the_rounded_value():
    a, b, c = round_score(0.85049), round_score(0.8496), round_score(0.8505)
    assert a == b == 0.85 and c == 0.851  # half up, like a person rounding a table
    assert competition_ranks([a, b, c]) == [2, 2, 1]
    assert round_score(0.7699, 4) == 0.7699 and round_score(None) is None


def test_classification_cutoffs():
    assert [classify(s, CUTOFFS) for s in (1.0, 0.85, 0.849, 0.70, 0.5, 0.499, None)] == \
        ["tot", "tot", "kha", "kha", "trung_binh", "yeu", None]


def _store_groups(b, tmp_path):
    targets, observations = [], []
    for group, kind, units in (("Sở, ban, ngành", "department", DEPARTMENTS),
                               ("UBND huyện, thị xã, thành phố", "commune", DISTRICTS)):
        for n, (name, score) in enumerate(units):
            tid = f"{kind}-{n:02d}"
            targets.append(b.target(tid, name, kind=kind, group=group, services=False))
            observations += [b.obs(tid, "section", f"k{i:02d}", "pass" if i < score else "fail")
                             for i in range(100)]
    db, run_id = b.store(tmp_path / "r.db", b.evidence(targets, observations))
    return db, run_id


def _published(table) -> list[tuple]:
    out = []
    for row in table["rows"]:
        if out and out[-1][0] == row["rank"]:
            out[-1][2].add(row["name"])
        else:
            out.append((row["rank"], row["tied"], {row["name"]}, row["classification"]))
    return out


def _article_text(table) -> str:
    """The ranking written the way the province's article writes it."""
    parts = {"tot": [], "kha": []}
    for row in table["rows"]:
        bucket = parts[row["classification"]]
        if bucket and bucket[-1][0] == row["rank"]:
            bucket[-1][1].append(row["name"])
        else:
            bucket.append((row["rank"], [row["name"]]))
    good = "; ".join(", ".join(n) + (f" (đồng hạng {r})" if len(n) > 1 else f" ({r})") for r, n in parts["tot"])
    fair = ", ".join(", ".join(n) + f" ({r})" for r, n in parts["kha"])
    return f"Mức Tốt: {good}. Mức Khá: {fair}."


def test_seed_article_order_reproduced_through_the_database(b, tmp_path):
    db, run_id = _store_groups(b, tmp_path)
    scores = score_run(store.load_evidence(db, run_id), load_methodology(HUNDRED))
    scoring_id = scoring_store.save_scoring(db, run_id, "hundred", scores)
    stored = scoring_store.scores_for(db, scoring_id)
    evidence = store.load_evidence(db, run_id)
    tables = {t["group"]: t for t in ranking_tables(evidence, stored, load_methodology(HUNDRED), "vi")
              if t["category"] == "portal"}
    assert _published(tables["Sở, ban, ngành"]) == DEPARTMENTS_PUBLISHED
    # Within a tie the order is alphabetical; the article's order inside a tie is its own.
    districts = tables["UBND huyện, thị xã, thành phố"]
    districts["rows"].sort(key=lambda r: (r["rank"], [n for n, _ in DISTRICTS].index(r["name"])))
    assert _article_text(districts) == DISTRICTS_ARTICLE


def test_groups_are_ranked_separately(b):
    targets = [b.target("p1", kind="province", group="Tỉnh"), b.target("p2", kind="province", group="Tỉnh"),
               b.target("d1", group="Sở"), b.target("d2", group=None)]
    observations = []
    for tid, passes in (("p1", 90), ("p2", 80), ("d1", 70), ("d2", 95)):
        observations += [b.obs(tid, "section", f"k{i:02d}", "pass" if i < passes else "fail") for i in range(100)]
    rows = {r["target_id"]: r for r in score_run(b.evidence(targets, observations), load_methodology(HUNDRED))
            if r["category"] == "portal"}
    assert (rows["p1"]["rank"], rows["p2"]["rank"], rows["d1"]["rank"], rows["d2"]["rank"]) == (1, 2, 1, 1)
    assert rows["d2"]["group"] == "department"  # no group: ranked among its kind
