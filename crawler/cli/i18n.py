"""Messages for officials, in Vietnamese by default and English on request.

Each command keeps its messages in `crawler/cli/messages/<command>.yaml`:
    key: {vi: "…{name}…", en: "…{name}…"}
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from crawler import settings as defaults

LANGS = ("vi", "en")
_DIR = Path(__file__).with_name("messages")
_lang = defaults.PORTALCHECK_LANG  # the environment variable, read by crawler/settings.py


def set_lang(lang: str) -> None:
    global _lang
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}")
    _lang = lang


def get_lang() -> str:
    return _lang


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"message {key!r} defined twice ({path.name})")
            merged[key] = texts
    return merged


def t(key: str, lang: str | None = None, **values) -> str:
    """The message `key` in the current language, formatted with `values`."""
    texts = catalogue().get(key)
    if texts is None:
        return key.format(**values) if values else key
    text = texts.get(lang or _lang) or texts.get("vi") or next(iter(texts.values()))
    return text.format(**values)
