#!/usr/bin/env python3
"""Write docs/settings.md from crawler/settings.py, the one settings registry.

    python scripts/settings_doc.py          # rewrite docs/settings.md
    python scripts/settings_doc.py --check  # exit 1 when docs/settings.md is not up to date

Each `PORTALCHECK_*` setting's row comes from its declaration: the comment
lines right above it, and its default. A test (tests/foundation/
test_settings_registry.py) keeps the page equal to what this prints.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "crawler" / "settings.py"
DOC = ROOT / "docs" / "settings.md"

HEADER = """# Settings

<!-- Generated from crawler/settings.py by scripts/settings_doc.py: edit there, then run the script. -->

Every setting has one home, `crawler/settings.py` (Scrapy's `default_settings.py` manner): it is
declared there once with its default and a comment, and read everywhere else without a default of
its own. Override any of them for one command with `-s NAME=VALUE` (`sweep`, `discover`) or, for a
bare Scrapy crawl, `scrapy crawl SPIDER -s NAME=VALUE`; a sweep stores the overrides it was given
with its run. Those marked *environment* are read from the environment variable of the same name
when it is set. Why the numbers are what they are: [performance.md](performance.md).

"""


def _comment_above(lines: list[str], lineno: int) -> str:
    """The contiguous `#` lines right above line `lineno` (1-based), joined."""
    out: list[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].lstrip().startswith("#") and not lines[i].lstrip().startswith("# ---"):
        out.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    return " ".join(out)


def _default(node: ast.expr) -> tuple[str, bool]:
    """(the default as shown, read from the environment?)."""
    if (isinstance(node, ast.Call) and ast.unparse(node.func) == "os.environ.get"
            and len(node.args) == 2):
        return f"`{ast.unparse(node.args[1])}`", True
    if isinstance(node, (ast.Dict, ast.List)) and len(ast.unparse(node)) > 60:
        return "see `crawler/settings.py`", False
    return f"`{ast.unparse(node)}`", False


def declarations(source: str) -> list[dict]:
    """Every top-level `NAME = value` of the settings module, in order."""
    lines = source.splitlines()
    out = []
    section = ""
    for node in ast.parse(source).body:
        for i in range(getattr(node, "lineno", 1) - 1, -1, -1):
            if lines[i].startswith("# --- "):
                section = lines[i].strip("# -")
                break
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if not name.isupper() and not name.startswith("_PLAYWRIGHT"):
            continue
        default, env = _default(node.value)
        out.append({"name": name, "default": default, "env": env, "section": section,
                    "comment": _comment_above(lines, node.lineno)})
    return out


def render(source: str) -> str:
    found = declarations(source)
    text = [HEADER]
    sections: dict[str, list[dict]] = {}
    for item in found:
        if item["name"].startswith("PORTALCHECK_"):
            sections.setdefault(item["section"].removeprefix("portalcheck: "), []).append(item)
    for section, items in sections.items():
        text.append(f"## {section[:1].upper() + section[1:]}\n\n| setting | default | what it is |\n|---|---|---|\n")
        for item in items:
            default = item["default"] + (" (*environment*)" if item["env"] else "")
            comment = item["comment"].replace("|", "\\|")
            text.append(f"| `{item['name']}` | {default} | {comment} |\n")
        text.append("\n")
    text.append("## Scrapy and Playwright settings portalcheck sets\n\n"
                "Their meaning is Scrapy's or scrapy-playwright's; why portalcheck sets them is the comment "
                "beside them in `crawler/settings.py`.\n\n| setting | value |\n|---|---|\n")
    for item in found:
        if not item["name"].startswith("PORTALCHECK_"):
            text.append(f"| `{item['name']}` | {item['default']} |\n")
    return "".join(text)


def main(argv: list[str]) -> int:
    expected = render(SETTINGS.read_text(encoding="utf-8"))
    if "--check" in argv:
        if not DOC.is_file() or DOC.read_text(encoding="utf-8") != expected:
            print("docs/settings.md is not up to date: run python scripts/settings_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(expected, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
