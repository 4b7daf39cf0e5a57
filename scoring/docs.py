"""Criteria tables of docs/methodology.md, generated from the YAML files.

    python -m scoring.docs            # rewrite the generated blocks in docs/methodology.md
    python -m scoring.docs --check    # exit 1 if the document is out of date

Each methodology's block sits between `<!-- BEGIN generated: NAME -->` and
`<!-- END generated: NAME -->`; the prose around them is hand-written.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from scoring.methodology import load_methodology, text

DOC = Path(__file__).resolve().parents[1] / "docs" / "methodology.md"
DOCUMENTED = ("mic-2019", "nd42-2025")
REQ = {"required": "bắt buộc", "recommended": "khuyến nghị", "informational": "tham khảo"}
METHOD = {"binary": "đạt/không", "rate": "tỷ lệ × tối đa", "relative": "giá trị ÷ giá trị cao nhất nhóm"}
ALL_KINDS = 6


def _source(c: dict) -> str:
    s = c["source"]
    if "observation" in s:
        out = f"{s['observation']}:{s.get('key', c['key'])}"
        return out + (f" (hoặc {s['status_field']})" if s.get("status_field") else "")
    return f"services:{s['services']}"


def criteria_table(m: dict) -> str:
    lines = ["Trọng số: " + ", ".join(f"{k} {float(v['weight']):g}" for k, v in m["categories"].items())
             + f" · làm tròn {m['decimals']} chữ số · tỷ lệ kiểm tra được tối thiểu {m['min_testable_share']:g}"
             + " · ngưỡng: " + "; ".join(f"{c['class']} ≥ {c['min']:g}" for c in m["classification"]["cutoffs"]),
             ""]
    for category in m["categories"]:
        lines += [f"**{category}** — {text(m['categories'][category]['title'], 'vi')}", "",
                  "| key | tiêu chí | căn cứ | điểm tối đa | áp dụng | mức | cách tính | nguồn dữ liệu |",
                  "|---|---|---|---:|---|---|---|---|"]
        for c in (c for c in m["criteria"] if c["category"] == category):
            kinds = "mọi loại" if len(c["kinds"]) == ALL_KINDS else ", ".join(c["kinds"])
            req = REQ[c["requirement"]] + (f" (từ {c['effective_from']})" if c.get("effective_from") else "")
            points = f"{c['max_points']:g}" + (" †" if c.get("points_source") == "ministry_table" else "")
            lines.append(f"| `{c['key']}` | {text(c['title'], 'vi')} | {c['legal_ref']} | {points} | {kinds} "
                         f"| {req} | {METHOD[c['method']]} | {_source(c)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_blocks(doc: str) -> str:
    for name in DOCUMENTED:
        block = criteria_table(load_methodology(name, options={"legacy_points": True}))
        pattern = re.compile(rf"(<!-- BEGIN generated: {re.escape(name)} -->\n).*?(<!-- END generated: {re.escape(name)} -->)",
                             re.S)
        doc = pattern.sub(lambda mt, block=block: f"{mt.group(1)}\n{block}\n{mt.group(2)}", doc)  # type: ignore[misc]
    return doc


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    current = DOC.read_text(encoding="utf-8")
    fresh = render_blocks(current)
    if "--check" in argv:
        return 0 if fresh == current else 1
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
