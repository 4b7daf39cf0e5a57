"""One settings registry: every PORTALCHECK_* setting is declared once in
crawler/settings.py with its default and a comment, read nowhere with a default
of its own, and docs/settings.md is generated from it. Likewise every `pc_`
request meta key is declared once, in crawler/meta.py."""
from __future__ import annotations

import re
import subprocess
import sys

from loopback import ROOT

SETTINGS = ROOT / "crawler" / "settings.py"
CODE_DIRS = ("crawler", "spiders", "checks", "results", "scoring", "bench")
NAME = re.compile(r"\bPORTALCHECK_[A-Z][A-Z_]*[A-Z]\b")
INLINE_DEFAULT = re.compile(r"\.get(?:int|float|bool|list|dict)?\(\s*\"PORTALCHECK_[A-Z_]+\"\s*,")
ENVIRONMENT_READ = re.compile(r"environ(?:\.get\(|\[)\s*\"PORTALCHECK_")


def _code_files():
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != SETTINGS:
                yield path


def test_every_setting_read_is_declared_once_with_a_comment():
    source = SETTINGS.read_text(encoding="utf-8")
    declared = re.findall(r"^(PORTALCHECK_[A-Z_]+) = ", source, re.M)
    assert len(declared) == len(set(declared))
    lines = source.splitlines()
    for name in declared:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = "))
        assert lines[index - 1].startswith("# "), f"{name} has no comment above it"
    used = {(name, path.relative_to(ROOT).as_posix()) for path in _code_files()
            for name in NAME.findall(path.read_text(encoding="utf-8"))}
    undeclared = sorted((name, where) for name, where in used if name not in declared)
    assert undeclared == []


def test_no_default_is_written_beside_a_read():
    offenders = []
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_DEFAULT.finditer(text)]
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in ENVIRONMENT_READ.finditer(text)]
    assert offenders == []


def test_the_settings_page_is_generated_from_the_registry():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "settings_doc.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_request_meta_key_is_declared_in_one_place():
    from crawler.meta import RequestMeta

    declared = set(RequestMeta.__annotations__)
    used = {(key, path.relative_to(ROOT).as_posix())
            for folder in ("crawler", "spiders", "checks")
            for path in sorted((ROOT / folder).rglob("*.py"))
            for key in re.findall(r"[\"'](pc_[a-z_]+)[\"']", path.read_text(encoding="utf-8"))}
    assert sorted((key, where) for key, where in used if key not in declared) == []
    assert "pc_codes" not in declared  # it held URLs: pc_previous_urls says so
