"""Hostile or clumsy target files are refused quickly, with the line and the
reason: a 600-byte YAML "billion laughs", nested values, over-long URLs and
cells, credentials in a URL, a file too large, a cell past the csv module's
limit. The CLI refuses them before fetching or writing anything."""
from __future__ import annotations

import time

import pytest
from loopback import run_cli

from crawler.registry.targets import MAX_FILE_BYTES, MAX_URL_LENGTH, TargetFileError, parse_targets

HEADER = "id,name,kind,group,portal_url,services_url\n"
BOMB = """a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
targets:
  - {id: so-a, name: *i, kind: province, group: tinh, portal_url: "http://a.gov.vn/"}
"""


def problems(raw: bytes, path: str) -> list[tuple[int, str]]:
    with pytest.raises(TargetFileError) as caught:
        parse_targets(raw, path)
    return caught.value.problems


def test_a_yaml_alias_bomb_is_refused_at_once():
    assert len(BOMB) < 700
    started = time.monotonic()
    found = problems(BOMB.encode(), "t.yaml")
    assert time.monotonic() - started < 2
    assert found[0][0] == 1 and "alias" in found[0][1].lower() or "bí danh" in found[0][1]


def test_merge_keys_and_small_aliases_still_work():
    text = """defaults: &d {kind: department, group: "Sở, ban, ngành"}
targets:
  - {<<: *d, id: so-a, name: Sở A, portal_url: "https://soa.gov.vn/"}
  - {<<: *d, id: so-b, name: Sở B, portal_url: "https://sob.gov.vn/"}
"""
    targets = parse_targets(text.encode(), "t.yaml")
    assert [(t.id, t.kind, t.group) for t in targets] == [("so-a", "department", "Sở, ban, ngành"),
                                                          ("so-b", "department", "Sở, ban, ngành")]


def test_each_bad_line_is_named():
    long_url = "http://a.gov.vn/?" + "x" * 100_000
    raw = (HEADER + f"so-a,Sở A,province,tinh,{long_url},\n"
           + "so-b,Sở B,province,tinh,http://user:pw@b.gov.vn/,\n"
           + f"so-c,{'C' * 5000},province,tinh,http://c.gov.vn/,\n"
           + "so-d,Sở D,province,tinh,http://d.gov.vn/,\n").encode()
    found = dict(problems(raw, "t.csv"))
    assert "100017" in found[2] and str(MAX_URL_LENGTH) in found[2]
    assert "pw" not in found[3] and ("user:pass" in found[3])
    assert "name" in found[4] and "5000" in found[4]
    assert 5 not in found


def test_nested_yaml_values_and_a_huge_cell_are_refused_with_their_line():
    found = dict(problems(b"- {id: a, name: [1, 2], kind: province, group: g, portal_url: 'http://a.gov.vn/'}\n"
                          b"- {id: b, name: {x: 1}, kind: province, group: g, portal_url: 'http://b.gov.vn/'}\n",
                          "t.yaml"))
    assert set(found) == {1, 2} and "name" in found[1]
    found = problems((HEADER + "so-a,Sở A,province,tinh,http://a.gov.vn/,\n"
                      + 'so-b,"' + "x" * 200_000 + '",province,tinh,http://b.gov.vn/,\n').encode(), "t.csv")
    assert found[0][0] == 3


def test_a_file_too_large_is_refused_before_parsing():
    raw = (HEADER + "so-a,Sở A,province,tinh,http://a.gov.vn/,\n").encode() + b"#" * MAX_FILE_BYTES
    started = time.monotonic()
    assert problems(raw, "t.csv")[0][0] == 1
    assert time.monotonic() - started < 1


def test_the_cli_refuses_the_bomb_before_anything(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    result = run_cli("--lang", "en", "sweep", "--targets", str(path), "--db", str(tmp_path / "r.db"), timeout=60)
    assert result.returncode == 2 and "line 1" in result.stderr and "alias" in result.stderr.lower()
    assert not (tmp_path / "r.db").exists()
