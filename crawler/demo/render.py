"""Jinja environment and text helpers shared by the demo farm's builders."""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"


def fold(text: str) -> str:
    """Lower-case ASCII form: diacritics removed, đ -> d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def slugify(text: str, drop_d: bool = False, max_words: int = 12) -> str:
    """URL slug; `drop_d` mimics Liferay friendly URLs that lose 'đ' ("Hỏi đáp" -> "hoi-ap")."""
    if drop_d:
        text = text.replace("đ", "").replace("Đ", "")
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words[:max_words])


def entities(text: str) -> Markup:
    """Write every non-ASCII character as a numeric entity, as some SharePoint/VPCP pages do."""
    out = []
    for ch in str(text):
        if ord(ch) > 127:
            out.append(f"&#x{ord(ch):X};")
        else:
            out.append(str(escape(ch)))
    return Markup("".join(out))


def label(item: Any) -> Markup:
    """Render a link label, as numeric entities when the item says so."""
    text = item.get("label", "") if isinstance(item, dict) else str(item)
    if isinstance(item, dict) and item.get("entity"):
        return entities(text)
    return escape(text)


BASE_DATE = _dt.date(2026, 3, 20)


def date_for(i: int, step: int = 4) -> _dt.date:
    return BASE_DATE - _dt.timedelta(days=i * step + (i * 7) % 3)


def vn_date(d: _dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def fill(text: str, ctx: dict[str, str]) -> str:
    for k, v in ctx.items():
        text = text.replace("{" + k + "}", v)
    return text


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=jinja2.select_autoescape(["html", "xml", "rss"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters.update(ent=entities, label=label, fold=fold, vn_date=vn_date)


def render(name: str, **ctx: Any) -> str:
    return _env.get_template(name).render(**ctx)
