"""Messages for officials, in Vietnamese by default and English on request.

Each command keeps its messages in `crawler/cli/messages/<command>.yaml`:
    key: {vi: "…{name}…", en: "…{name}…"}
They are read with the reports' words as one catalogue (scoring/catalogue.py);
`t` answers in the language the user chose (`--lang`, PORTALCHECK_LANG).
"""
from __future__ import annotations

from crawler import settings as defaults
from scoring.catalogue import LANGS, catalogue, message, word

__all__ = ["LANGS", "catalogue", "get_lang", "set_lang", "t", "w"]
_lang = defaults.PORTALCHECK_LANG  # the environment variable, read by crawler/settings.py


def set_lang(lang: str) -> None:
    global _lang
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}")
    _lang = lang


def get_lang() -> str:
    return _lang


def t(key: str, lang: str | None = None, **values) -> str:
    """The message `key` in the current language, formatted with `values`."""
    return message(key, lang or _lang, **values)


def w(vocabulary: str, code: str | None, default: str | None = None) -> str:
    """The words for a stored code in the current language (`w("reason", "no_link")`)."""
    return word(vocabulary, code, _lang, default)
