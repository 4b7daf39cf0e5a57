"""Vietnamese text as portals write it, made comparable.

Portals write labels as numeric entities (VPCP), in NFD, upper case, without
diacritics, and Liferay slugs drop "đ" altogether (`hoi-ap`, `lanh-ao-so`).
Everything is matched on folded forms and shown in its original NFC form.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

_SPACE = re.compile(r"\s+")
# Invisible characters editors leave inside words (zero-width space and joiners, soft
# hyphen, word joiner, BOM): "Gi\u200bới thiệu" is "Giới thiệu".
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise(text: str | None) -> str:
    """Unescape entities (twice: some CMSs double-escape), NFC, collapse spaces."""
    if not text:
        return ""
    once = html.unescape(text)
    if "&" in once:
        once = html.unescape(once)
    return _SPACE.sub(" ", unicodedata.normalize("NFC", once.translate(_INVISIBLE))).strip()


# After NFD a Vietnamese letter is its base letter plus marks (U+0300..036F).
# Anything else outside ASCII (a dash, a quotation mark, a CJK letter) separates words.
_NOT_ASCII_OR_MARK = re.compile("[^\x00-\x7f\u0300-\u036f]")
_ASCII_WORD_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))

def fold(text: str | None, drop_d: bool = False) -> str:
    """Lower case, no diacritics, words separated by single spaces.

    `drop_d=True` removes "đ" instead of turning it into "d", as Liferay's
    friendly URLs do ("Đấu thầu" -> "au thau").
    """
    if not text:
        return ""
    if len(text) <= 200:
        # Labels, link texts and lexicon entries repeat on every page.
        return _fold_short(text, drop_d)
    # A page's text is read by several checks in a row: fold it once.
    return _fold_long(text, drop_d)


@lru_cache(maxsize=65536)
def _fold_short(text: str, drop_d: bool) -> str:
    return _fold(text, drop_d)


@lru_cache(maxsize=16)
def _fold_long(text: str, drop_d: bool) -> str:
    return _fold(text, drop_d)


def _fold(text: str, drop_d: bool) -> str:
    # Folding whole pages is the hot path of a sweep: every step runs in C.
    if "&" in text:
        text = html.unescape(text)
        if "&" in text:  # some CMSs double-escape
            text = html.unescape(text)
    # "Ð" (U+00D0, the Icelandic eth) stands for "Đ" on pages typed with old keyboard tools.
    text = text.translate(_INVISIBLE).lower().replace("ð", "đ")
    text = unicodedata.normalize("NFD", text.replace("đ", "" if drop_d else "d"))
    if _NOT_ASCII_OR_MARK.search(text):
        text = _NOT_ASCII_OR_MARK.sub(" ", text)
    # Marks are dropped by the ASCII encoding; every byte that is not a-z or 0-9
    # becomes a space, and split/join leaves single spaces.
    return " ".join(text.encode("ascii", "ignore").translate(_ASCII_WORD_BYTES).decode("ascii").split())


def fold_variants(text: str | None) -> set[str]:
    """Every folded form a label can take on a page or in a slug."""
    return {fold(text), fold(text, drop_d=True)} - {""}


def url_words(url: str | None) -> str:
    """The words of a URL's path and query, folded: `/-au-thau-mua-sam-cong.html` -> `au thau mua sam cong`.

    The scheme, host and file extension carry no label, so they are left out.
    """
    if not url:
        return ""
    parts = urlsplit(url)
    path = unquote(parts.path)
    path = re.sub(r"\.(html?|aspx?|php|jsp|htm)$", "", path, flags=re.I)
    query = unquote(parts.query)
    # CamelCase file names (LayYKienDuThao357X50.png) become separate words.
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", f"{path} {query}")
    return fold(words)


def file_words(src: str | None) -> str:
    """The words of an image file name: `LayYKienDuThao357X50.png` -> `lay y kien du thao 357 x 50`."""
    if not src:
        return ""
    name = unquote(urlsplit(src).path.rsplit("/", 1)[-1])
    name = re.sub(r"\.[a-z0-9]{2,4}$", "", name, flags=re.I)
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    name = re.sub(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])", " ", name)
    return fold(name)
