"""The one message catalogue and the formats a person reads (scoring/catalogue.py, scoring/l10n.py)."""
from __future__ import annotations

import csv
import re
import string
from datetime import UTC, datetime
from pathlib import Path

import yaml

from checks.model import FETCH_STATUSES, LEVELS
from scoring import l10n
from scoring.catalogue import MESSAGE_DIRS, catalogue, group_words, reason_words

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    messages = catalogue()
    assert len(messages) > 400
    for key, texts in messages.items():
        assert set(texts) == {"vi", "en"}, key
        assert texts["vi"].strip() and texts["en"].strip(), key
        assert _fields(texts["vi"]) == _fields(texts["en"]), key


def test_one_catalogue_no_second_word_file():
    # strings.yaml was the reports' second catalogue: folded into scoring/messages/
    assert not (ROOT / "scoring" / "templates" / "strings.yaml").exists()
    folders = {p.parent for d in MESSAGE_DIRS for p in d.glob("*.yaml")}
    assert folders == set(MESSAGE_DIRS)
    keys = [k for d in MESSAGE_DIRS for p in d.glob("*.yaml") for k in yaml.safe_load(p.read_text("utf-8")) or {}]
    assert len(keys) == len(set(keys))


def test_every_stored_code_has_words():
    messages = catalogue()
    for status in FETCH_STATUSES:
        assert f"status.{status}" in messages, status
    for level in LEVELS:
        assert f"level.{level}" in messages, level
    for klass in ("tot", "kha", "trung_binh", "yeu"):
        assert f"class.{klass}" in messages
    with open(ROOT / "targets" / "vietnam-2025.csv", encoding="utf-8") as fh:
        groups = {row["group"] for row in csv.DictReader(fh)}
    for group in groups | {"so_nganh", "xa_phuong"}:
        assert f"group.{group}" in messages, group
    # every reason code a check can give, read from the source (reason="…")
    source = "\n".join(p.read_text("utf-8") for folder in ("checks", "spiders") for p in (ROOT / folder).rglob("*.py"))
    reasons = set(re.findall(r"""reason\s*=\s*["']([a-z_0-9]+)["']""", source))
    reasons |= set(re.findall(r"""res\.reason\s*=\s*\w+,\s*["']([a-z_0-9]+)["']""", source))
    assert {"no_link", "target_empty", "link_dead", "soft_404", "section_empty"} <= reasons
    missing = [r for r in reasons if reason_words(r, "vi") == r]
    assert not missing


def test_reasons_with_a_status_and_groups_read_as_words():
    assert reason_words("unreadable:blocked", "vi") == "không đọc được: bị tường lửa chặn (không phải lỗi của cổng)"
    assert reason_words("answers_500", "en") == "the server gave an unexpected answer (HTTP 500)"
    assert reason_words("link_dead", "en") == "the link leads to a missing or broken page"
    assert group_words("so_nganh", "vi") == "Sở, ban, ngành"
    assert group_words("so_nganh_hanoi", "en") == "Departments — hanoi"
    assert group_words("nhom_la", "vi") == "nhom_la"   # a group nobody named: as the registry writes it


def test_numbers_and_times_through_babel():
    assert l10n.format_number(0.5274, "vi") == "0,527"
    assert l10n.format_number(0.5274, "en") == "0.527"
    assert l10n.format_score(0.85, 3, "vi") == "0,850"
    assert l10n.format_points(71.3334, "vi") == "71,33"        # never "71,3334 / 90"
    assert l10n.format_count(1234567, "vi") == "1.234.567"
    assert l10n.format_count(1234567, "en") == "1,234,567"
    assert l10n.format_percent(0.713, "vi") == "71,3%"
    assert l10n.format_signed(-0.04, 3, "vi") == "−0,040"
    stored = "2026-11-27T07:05:00.123Z"                        # UTC, milliseconds, as stored
    assert l10n.format_datetime(stored, "vi") == "27/11/2026 14:05"
    assert l10n.format_datetime(stored, "en") == "27 Nov 2026, 14:05"
    assert l10n.format_datetime(datetime(2026, 11, 27, 20, 0, tzinfo=UTC), "vi") == "28/11/2026 03:00"
    assert l10n.format_date("2026-11-27", "en") == "27 Nov 2026"
    assert l10n.format_datetime(None, "vi") == "—" and l10n.format_score(None, 3, "en") == "—"
