"""The one message catalogue: every word a person reads, in Vietnamese and English.

Messages are YAML files, each key with its texts, `key: {vi: "…{name}…", en: "…"}`, in two
folders read as one catalogue (a key defined twice, anywhere, is refused):

- `scoring/messages/`: the reports' words (`report.*`) and the words of every code the tool
  stores (`outcome.*`, `reason.*`, `status.*`, `class.*`, `group.*`, `level.*`…);
- `crawler/cli/messages/`: the command line's messages, one file per command.

The command line's folder is named by path, not imported: `scoring` imports nothing of
`crawler`, and reports rendered without the command line read the same catalogue.
`crawler.cli.i18n.t` is this module's `message` in the language the user chose.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from scoring.methodology import criteria_catalogue, text

LANGS = ("vi", "en")
MESSAGE_DIRS = (Path(__file__).with_name("messages"),
                Path(__file__).resolve().parents[1] / "crawler" / "cli" / "messages")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for folder in MESSAGE_DIRS:
        for path in sorted(folder.glob("*.yaml")):
            for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
                if key in merged:
                    raise ValueError(f"message {key!r} defined twice ({path.name})")
                if not isinstance(texts, dict):
                    raise ValueError(f"message {key!r} in {path.name} is not {{vi: …, en: …}}")
                merged[str(key)] = texts
    return merged


def has(key: str) -> bool:
    return key in catalogue()


def message(key: str, lang: str, **values) -> str:
    """The text of `key` in `lang` (Vietnamese when `lang` has none), formatted with
    `values`; an unknown key comes back as itself, so a missing word shows, and a test
    looking for codes in what was rendered finds it."""
    texts = catalogue().get(key)
    if texts is None:
        return key.format(**values) if values else key
    text = texts.get(lang) or texts.get("vi") or next(iter(texts.values()))
    return text.format(**values) if values else text


def word(vocabulary: str, code: str | None, lang: str, default: str | None = None) -> str:
    """The words for a stored code (`word("reason", "no_link", "vi")`); an unknown code
    comes back as `default` when given, else as itself."""
    if code is None or code == "":
        return default if default is not None else "—"
    key = f"{vocabulary}.{code}"
    if key in catalogue():
        return message(key, lang)
    return default if default is not None else str(code)


def reason_words(code: str | None, lang: str) -> str:
    """The words for a check's reason. Reasons are a reason code (`no_link`), a fetch
    status (`timeout`), a service's level (`mot_phan`), a code with a status (`unreadable:blocked`, `answers_500`) or a
    level's absence (`no_toan_trinh_services`)."""
    if not code:
        return ""
    code = str(code)
    for vocabulary in ("reason", "status", "level"):
        if has(f"{vocabulary}.{code}"):
            return message(f"{vocabulary}.{code}", lang)
    head, sep, tail = code.partition(":")
    if sep and has(f"reason.{head}"):
        return f"{message(f'reason.{head}', lang)}: {reason_words(tail, lang)}"
    name, eq, value = code.partition("=")
    if eq and has(f"reason.{name}_value"):
        # a measure's reason with its figure (scoring/measures.py): "completeness=0.83", "clicks=5"
        from scoring.l10n import format_percent

        try:
            shown = format_percent(float(value), lang, 0) if name == "completeness" else str(int(value))
        except ValueError:
            return code
        return message(f"reason.{name}_value", lang, value=shown)
    if code.startswith("answers_") and code[8:].isdigit():
        return f"{message('reason.answers', lang)} (HTTP {code[8:]})"
    return code


def group_words(code: str | None, lang: str) -> str:
    """A peer group's name: its words, else the words of the group it extends
    (`so_nganh_hanoi`: "Sở, ban, ngành — hanoi"), else the name as the registry writes it."""
    if not code:
        return "—"
    code = str(code)
    if has(f"group.{code}"):
        return message(f"group.{code}", lang)
    head = code
    while "_" in head:
        head, _, _ = head.rpartition("_")
        if has(f"group.{head}"):
            return f"{message(f'group.{head}', lang)} — {code[len(head) + 1:]}"
    return code


def criterion_words(key: str | None, lang: str) -> str:
    """What an observation's key names: a criterion's title (scoring/methodologies/_criteria.yaml),
    else what a reachability or services check looked at (`observation_key.*`), else the key."""
    if not key:
        return "—"
    title = (criteria_catalogue().get(str(key)) or {}).get("title")
    if title:
        return text(title, lang)
    return word("observation_key", str(key), lang)
