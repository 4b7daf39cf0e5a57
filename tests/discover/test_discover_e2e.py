"""`portalcheck discover`, `targets diff` and `targets merge` as an official runs them,
on the loopback portals of discover_farm.py (one discovery for the module) and the real
Hà Nội mirror. Real HTTP servers, the real spider, in a subprocess."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from discover_farm import Farm, compare, read_candidates  # noqa: E402
from loopback import run_cli  # noqa: E402

from checks.sites import site_key  # noqa: E402
from crawler.registry.targets import parse_targets  # noqa: E402

READ = ("tinhmau", "bo-mau", "sotttt-hanoi")   # the parents whose portals are read


@pytest.fixture(scope="module")
def discovered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discover")
    farm = Farm().start()
    try:
        registry = tmp / "registry.csv"
        registry.write_text(farm.registry(), encoding="utf-8")
        out = tmp / "candidates.csv"
        result = run_cli("discover", "--targets", str(registry), "--only", "tinhmau", "bo-mau", "sotttt-hanoi",
                         "--out", str(out), "-s", "DOWNLOAD_TIMEOUT=5", timeout=300)
        every = read_candidates(out) if out.exists() else []
        yield {"farm": farm, "registry": registry, "out": out, "result": result, "tmp": tmp, "every": every,
               "rows": [r for r in every if r["id"] not in READ]}
    finally:
        farm.stop()


def by_site(rows: list[dict], url: str) -> dict:
    return next(r for r in rows if site_key(r["portal_url"]) == site_key(url))


def test_every_child_found_and_no_false_child(discovered):
    assert discovered["result"].returncode == 0, discovered["result"].stderr
    figures = compare(discovered["farm"].truth(), discovered["rows"])
    for parent, fig in figures.items():
        assert (fig["found"], fig["false"], fig["missed"]) == (fig["linked"], 0, []), (parent, fig)
        assert fig["kind_right"] == fig["parent_right"] == fig["id_right"] == fig["linked"], (parent, fig)
    assert sum(f["linked"] for f in figures.values()) == 21


def test_what_the_command_prints(discovered):
    out = discovered["result"].stdout
    assert "tinhmau (UBND tỉnh Mẫu): đọc 3 trang; đề xuất 15 đơn vị" in out
    assert "3 khớp dòng đã có" in out
    assert ("loại 14 liên kết (cơ quan trung ương 3, tỉnh khác 2, báo chí 2, mạng xã hội 3, chính đơn vị này 2, "
            "hệ thống, dịch vụ 1, Đảng, đoàn thể 1)") in out
    assert "Đã ghi 21 đơn vị đề xuất từ 3 đơn vị cấp trên" in out
    assert "portalcheck targets diff" in out


def test_one_row_per_child_however_it_is_linked(discovered):
    rows, u = discovered["rows"], discovered["farm"].urls
    assert len({site_key(r["portal_url"]) for r in rows}) == len(rows) == 21
    # Linked as https (its server speaks http only) and as http, in the box, footer and a directory.
    tuphap = by_site(rows, u["tuphap"])
    assert tuphap["portal_url"] == u["tuphap"] and tuphap["name"] == "Sở Tư pháp"
    assert tuphap["services_url"] == u["dvc"]                      # the banner on its homepage
    assert "chân trang" in tuphap["notes"] and "/don-vi-truc-thuoc" in tuphap["notes"]
    vanhoa = by_site(rows, u["vanhoa"])                            # `/index.html` and `/`, two names
    assert vanhoa["name"] == "Sở Văn hóa, Thể thao và Du lịch" and "Sở VHTTDL" in vanhoa["notes"]
    assert "truy cập được (HTTP 200)" in vanhoa["notes"]
    assert all(r["verified"] == "no" for r in rows)


def test_registry_rows_are_matched_not_duplicated(discovered):
    rows, u = discovered["rows"], discovered["farm"].urls
    moved = next(r for r in rows if r["id"] == "so-cong-thuong-tinhmau")
    assert moved["portal_url"] == u["congthuong"] + "trang-chu"     # where the old host redirects
    assert u["congthuong_old"] in moved["notes"] and "là dòng 'so-cong-thuong-tinhmau'" in moved["notes"]
    renamed = next(r for r in rows if r["id"] == "so-tttt-tinhmau")
    assert renamed["name"] == "Sở Khoa học và Công nghệ"
    assert not any(site_key(r["portal_url"]) == site_key(u["vpubnd"]) for r in rows)   # lands on the parent
    assert not any(r["parent"] == "sotttt-hanoi" for r in rows)


def test_unreachable_children_keep_their_link_and_say_why(discovered):
    rows, u = discovered["rows"], discovered["farm"].urls
    down = by_site(rows, u["conco"])
    assert down["kind"] == "commune" and "không kết nối được" in down["notes"]
    hanoi = [r for r in rows if r["parent"] == "hanoi"]
    assert {r["name"] for r in hanoi} == {"Quận Thanh Xuân", "Quận Long Biên", "Sở công thương"}
    # a test portal on loopback never sends a request to the internet, not even for robots.txt
    assert all("ngoài vùng mạng được phép" in r["notes"] for r in hanoi)
    assert by_site(rows, "http://thanhxuan.gov.vn/portal/Home/default.aspx")["group"] == "cap_huyen_hanoi"


def test_the_candidate_file_is_a_valid_registry_part_with_safe_cells(discovered):
    text = discovered["out"].read_text(encoding="utf-8")
    ids = [r["id"] for r in csv.DictReader(io.StringIO(discovered["registry"].read_text(encoding="utf-8")))]
    parsed = parse_targets(text.encode(), "candidates.csv", known_ids=ids)
    assert len(parsed) == 24
    # The parents read come first, as the registry has them, to be compared, not changed.
    assert [(t.id, t.verified) for t in parsed[:3]] == [(i, "no") for i in READ]
    assert "đã đọc cổng (3 trang)" in parsed[0].notes
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_diff_shows_additions_changes_and_drops(discovered):
    result = run_cli("targets", "diff", str(discovered["registry"]), str(discovered["out"]), "--on", "2026-01-01")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Thêm (18):" in out
    assert "Thay đổi (2):" in out and "name: Sở Thông tin và Truyền thông → Sở Khoa học và Công nghệ" in out
    assert "portal_url: " + discovered["farm"].urls["congthuong_old"] in out
    assert "Không còn thấy (1):" in out and "so-ngoai-vu-tinhmau" in out
    assert "so-lao-dong-tinhmau" not in out                       # ended on 2025-06-30: not dropped again
    coded = run_cli("targets", "diff", str(discovered["registry"]), str(discovered["out"]), "--exit-code")
    assert coded.returncode == 1


def test_merge_never_overwrites_silently_and_applies_reviewed_rows(discovered):
    tmp, registry = discovered["tmp"], discovered["registry"]
    before = registry.read_bytes()
    dry = run_cli("--lang", "en", "targets", "merge", str(registry), str(discovered["out"]))
    assert dry.returncode == 0 and "Nothing written" in dry.stdout and "Skipping 20 rows" in dry.stdout
    assert registry.read_bytes() == before
    reviewed = tmp / "reviewed.csv"
    text = discovered["out"].read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:       # the reviewer accepts the Tỉnh Mẫu rows, not the others
        if row["parent"] == "tinhmau":
            row["verified"] = "yes"
    with reviewed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    merged = tmp / "merged.csv"
    result = run_cli("targets", "merge", str(registry), str(reviewed), "--out", str(merged))
    assert result.returncode == 0, result.stderr
    assert "Sẽ thêm 12 dòng" in result.stdout and "Sẽ cập nhật 2 dòng" in result.stdout
    assert registry.read_bytes() == before
    ids = {t.id: t for t in parse_targets(merged.read_bytes(), str(merged))}
    assert "so-tu-phap-tinhmau" in ids and "so-ngoai-vu-tinhmau" in ids       # added; never removed
    assert ids["so-tttt-tinhmau"].name == "Sở Khoa học và Công nghệ" and ids["so-tttt-tinhmau"].verified == "yes"
    assert "quan-thanh-xuan-hanoi" not in ids                                  # not reviewed
    again = run_cli("targets", "merge", str(registry), str(reviewed), "--out", str(merged))
    assert again.returncode == 2 and "--force" in again.stderr
    in_place = run_cli("targets", "merge", str(registry), str(reviewed), "--in-place")
    assert in_place.returncode == 0, in_place.stderr
    backups = list(tmp.glob("registry.csv.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert registry.read_bytes() == merged.read_bytes()


def test_discover_refuses_to_write_over_the_registry_or_an_existing_file(discovered, tmp_path):
    registry = discovered["registry"]
    same = run_cli("discover", "--targets", str(registry), "--out", str(registry))
    assert same.returncode == 2 and "targets merge" in same.stderr
    existing = run_cli("discover", "--targets", str(registry), "--out", str(discovered["out"]))
    assert existing.returncode == 2 and "--force" in existing.stderr
    unknown = run_cli("discover", "--targets", str(registry), "--only", "nowhere", "--out", str(tmp_path / "c.csv"))
    assert unknown.returncode == 2 and "nowhere" in unknown.stderr
    assert not (tmp_path / "c.csv").exists()
