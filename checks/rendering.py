"""Does a page need a browser before it can be judged?

Why (docs/services.md, docs/checks.md): a plain GET of a React page returns an empty
`<div id="root">`, which means "needs rendering", never "no services" nor "no
sections". Rendering costs a browser, so it is asked for only when the HTML
shows it is needed: a JavaScript shell, a menu container that scripts fill, or
a page with scripts and almost no links. Thresholds: checks/data/functions.yaml
(`rendering`). Pure: a Page (and its soup) in, (bool, reason) out.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

from checks.lexicon import load_functions
from checks.model import Observation, Page
from checks.sections import parse_html


def _config() -> dict:
    return load_functions()["rendering"]


def needs_rendering(page: Page, soup: BeautifulSoup | None = None) -> tuple[bool, str]:
    """(True, why) when the links a check needs appear only after scripts run."""
    if not page.ok or page.rendered or not page.text:
        return False, "not applicable"
    cfg = _config()
    soup = soup if soup is not None else parse_html(page.text)
    scripts = soup.find_all("script")
    if not scripts:
        return False, "no scripts"
    body = soup.body or soup
    links = [a for a in body.find_all("a", href=True)
             if not str(a["href"]).strip().lower().startswith(("#", "javascript:", "mailto:", "tel:"))]
    words = len(" ".join(s for s in body.find_all(string=True)
                         if type(s) is NavigableString and s.parent is not None
                         and s.parent.name not in ("script", "style", "noscript")).split())
    for root_id in cfg["root_ids"]:
        root = body.find(id=root_id)
        if root is not None and not root.find(True) and not root.get_text(strip=True) \
                and words <= cfg["shell_max_words"]:
            return True, f"js_shell: empty <{root.name} id=\"{root_id}\">"
    menu = re.compile(cfg["menu_pattern"], re.I)
    for el in body.find_all(["ul", "ol", "nav", "div"]):
        names = " ".join(el.get("class") or []) + " " + str(el.get("id") or "")
        if menu.search(names) and not el.find(True) and not el.get_text(strip=True):
            return True, f"empty_menu: <{el.name} {('id=' + str(el['id'])) if el.get('id') else 'class=' + names.strip()}> is filled by scripts"
    if len(links) < cfg["few_links"]:
        return True, f"few_links: {len(links)} links and {len(scripts)} scripts"
    return False, "static links present"


def judged_without_render(obs: Observation, render_error: str) -> Observation:
    """A verdict given from the plain HTML of a page whose rendering failed
    (the browser did not start, crashed, or was turned off).

    A pass stands: what the plain page links is really there. A fail does not:
    the link may be in the menu the browser would have drawn, and a tool
    failure is never a failure of the portal. It becomes inconclusive, reason
    render_failed, with the browser's error and the verdict it would have been.
    """
    if obs.outcome != "fail":
        return obs
    evidence = {**obs.evidence, "reason": "render_failed", "render_error": render_error,
                "without_render": {"outcome": obs.outcome, "reason": obs.evidence.get("reason")}}
    return Observation(obs.category, obs.key, "inconclusive", obs.legal_ref, evidence)

