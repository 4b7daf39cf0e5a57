"""Related links: links to related state agencies' portals (NĐ 42/2022/NĐ-CP Điều 7.1).

Found as a block titled "Liên kết website" / "Website liên kết" (a list of links
or, very often, a drop-down whose options are other sites' URLs), as such a
drop-down alone, or as a carousel of partner sites' logos (image-only links to at
least `min_logo_sites` other sites, most of them state agencies). A block must name
at least `min_sites` other sites. The linked sites themselves are not fetched.
Pure, homepage only.
"""
from __future__ import annotations

from urllib.parse import urljoin

from bs4 import Tag

from checks.functions import config, observation
from checks.model import Observation
from checks.sections import HomeDoc, host_of, words_of
from checks.text import fold

KEY = "related_links"


def _sites(block: Tag, home: HomeDoc) -> list[str]:
    """Other hosts a block links to (anchors and drop-down options)."""
    hosts = []
    for el in block.find_all(["a", "option"]):
        value = el.get("href") if el.name == "a" else el.get("value")
        if not value or not value.strip().lower().startswith(("http://", "https://", "//")):
            continue
        host = host_of(urljoin(home.base_url, value.strip()))
        if host and host != home.host and host not in hosts:
            hosts.append(host)
    return hosts


def check(home: HomeDoc) -> Observation:
    cfg = config(KEY)
    labels = {fold(label) for label in cfg["labels"]}
    ev = {"url": home.page.final_url}
    best: tuple[str, str, list[str]] | None = None
    for el in home.soup.find_all(["span", "h1", "h2", "h3", "h4", "h5", "div", "p", "strong", "b", "label", "legend", "option"]):
        text = words_of(el)
        if not text or len(text.split()) > 6 or fold(text) not in labels:
            continue
        node = el
        for _ in range(6):  # climb from the title to the block that holds the links
            node = node.parent
            if node is None or node.name in ("body", "html"):
                break
            sites = _sites(node, home)
            # A block titled "Liên kết website" names other sites; one state agency's is enough.
            if len(sites) >= cfg["min_sites"] or any(_state(h, cfg) for h in sites):
                best = (text, "box_title", sites)
                break
        if best:
            break
    if best is None:
        for select in home.soup.find_all("select"):
            sites = _sites(select, home)
            if len(sites) >= cfg["min_sites"]:
                first = select.find("option")
                best = (words_of(first) if first else "select", "select", sites)
                break
    if best is None:
        best = _logo_carousel(home, cfg)
    if best is None:
        return observation(KEY, "fail", reason="no_related_links", **ev)
    label, how, sites = best
    gov = [h for h in sites if any(h.endswith(s.lstrip(".")) for s in cfg["gov_suffixes"])]
    return observation(KEY, "pass", label=label, matched_by=how, sites=len(sites),
                       snippet=", ".join(sites[:8]), gov_sites=len(gov), **ev)


def _logo_carousel(home: HomeDoc, cfg: dict) -> tuple[str, str, list[str]] | None:
    """A block of partner sites' logos: image-only links to other sites, most of them
    state agencies' (a row of DVC banners to one portal is not one)."""
    logos = [a for a in home.soup.find_all("a", href=True)
             if a.find("img") is not None and not a.get_text(strip=True)
             and host_of(urljoin(home.base_url, a["href"])) not in ("", home.host)]
    least = int(cfg["min_logo_sites"])
    for a in logos:
        node = a
        for _ in range(4):
            node = node.parent
            if node is None or node.name in ("body", "html"):
                break
            anchors = node.find_all("a", href=True)
            mine = [x for x in anchors if x in logos]
            sites = _sites(node, home)
            gov = [h for h in sites if _state(h, cfg)]
            if len(sites) >= least and len(mine) >= 0.6 * len(anchors) and len(gov) >= 2:
                first = mine[0].find("img")
                label = first.get("alt") or first.get("title") or "logo" if first is not None else "logo"
                return label, "logo_carousel", sites
    return None


def _state(host: str, cfg: dict) -> bool:
    """A state agency's site (.gov.vn, chinhphu.vn…)."""
    return any(host.endswith(sfx.lstrip(".")) for sfx in cfg["state_suffixes"])
