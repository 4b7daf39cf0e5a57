"""The target registry refuses a malformed file before anything is fetched."""
from __future__ import annotations

import pytest
from loopback import run_cli

from crawler.registry.targets import TargetFileError, load_targets, parse_targets

HEADER = "id,name,kind,group,portal_url,services_url\n"
GOOD = HEADER + "hanoi,UBND Thành phố Hà Nội,province,tinh,https://hanoi.gov.vn/,https://dichvucong.hanoi.gov.vn/\n"


def problems(raw: bytes, name: str = "t.csv") -> list[tuple[int, str]]:
    with pytest.raises(TargetFileError) as info:
        parse_targets(raw, name)
    return info.value.problems


def test_good_file_parses_with_vietnamese_names():
    [target] = parse_targets(GOOD.encode("utf-8"), "t.csv")
    assert target.name == "UBND Thành phố Hà Nội"
    assert target.services_url == "https://dichvucong.hanoi.gov.vn/"


def test_utf8_bom_is_accepted():
    assert parse_targets(b"\xef\xbb\xbf" + GOOD.encode(), "t.csv")[0].id == "hanoi"


@pytest.mark.parametrize("raw, line, words", [
    (b"", 1, "rỗng"),
    (HEADER.encode(), 1, "rỗng"),
    (b"id,name,kind,group,portal_url\nx,X,province,tinh,https://x.gov.vn/\n", 1, "services_url"),
    ((HEADER + "a,A,province,tinh,https://a.gov.vn/,\na,B,province,tinh,https://b.gov.vn/,\n").encode(), 3, "trùng"),
    ((HEADER + "a,A,province,tinh,not-a-url,\n").encode(), 2, "not-a-url"),
    ((HEADER + "a,A,tinh,tinh,https://a.gov.vn/,\n").encode(), 2, "loại"),
    ((HEADER + "a,,province,tinh,https://a.gov.vn/,\n").encode(), 2, "name"),
    ((HEADER + "a,A,province,tinh,https://a.gov.vn/,,extra\n").encode(), 2, "nhiều ô"),
    ((b"id,name,kind,group,portal_url,services_url,parent\n"
      b"a,A,department,so,https://a.gov.vn/,,nowhere\n"), 2, "nowhere"),
    ((HEADER + "a,Hà Nam,province,tinh,https://a.gov.vn/,\n").encode("cp1258"), 2, "UTF-8"),
])
def test_malformed_files_name_the_line_and_reason(raw, line, words):
    found = problems(raw)
    assert any(l == line and words in reason for l, reason in found), found


def test_yaml_file_and_its_line_numbers(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "targets:\n"
        "  - {id: a, name: A, kind: province, group: tinh, portal_url: 'https://a.gov.vn/', services_url: ''}\n"
        "  - id: b\n"
        "    name: B\n"
        "    kind: province\n"
        "    group: tinh\n"
        "    portal_url: ftp://b\n", encoding="utf-8")
    with pytest.raises(TargetFileError) as info:
        load_targets(path)
    assert info.value.problems[0][0] == 3 and "ftp://b" in info.value.problems[0][1]


def test_shipped_registry_is_valid_and_complete():
    targets = load_targets("targets/vietnam-2025.csv")
    provinces = [t for t in targets if t.kind == "province"]
    assert len(provinces) == 34
    assert all(t.valid_from for t in targets)
    assert {t.verified for t in targets} <= {"yes", "no"}
    hcm = next(t for t in provinces if "Hồ Chí Minh" in t.name)
    assert hcm.portal_url == "https://hochiminhcity.gov.vn/"


def test_sweep_refuses_a_malformed_file_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "a,A,province,tinh,https://a.gov.vn/,\na,A,province,tinh,https://a.gov.vn/,\n",
                   encoding="utf-8")
    db = tmp_path / "r.db"
    result = run_cli("sweep", "--targets", str(bad), "--db", str(db), timeout=60)
    assert result.returncode == 2
    assert "dòng 3" in result.stderr and "trùng" in result.stderr
    assert not db.exists()
    english = run_cli("--lang", "en", "sweep", "--targets", str(bad), "--db", str(db), timeout=60)
    assert "line 3" in english.stderr and "repeats" in english.stderr
