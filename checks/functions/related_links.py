"""Related links: links to related state agencies' portals (NĐ 42/2022/NĐ-CP Điều 7.1).

Found as a block titled "Liên kết website" / "Website liên kết" (a list of links
or, very often, a drop-down whose options are other sites' URLs), as such a
drop-down alone, as a carousel of partner sites' logos (image-only links to at
least `min_logo_sites` other sites, most of them state agencies), or as a directory
of state agencies' sites whatever its title (district portals list "Trang thông tin
điện tử Sở Ngành / Huyện, thị xã" in tabs: text links to at least
`min_directory_sites` other state sites, nearly all the block's links). A block must
name at least `min_sites` other sites. The linked sites themselves are not fetched.

`blocks` is also how the homepage reader (checks/sections.py) knows that a link sits
in such a directory: a link there leads to another site, never to a section of this
portal. Pure, homepage only.
"""
from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from checks.functions import config, observation
from checks.model import Observation
from checks.sections import HomeDoc, host_of, words_of
from checks.text import fold

KEY = "related_links"
_TITLE_TAGS = ["span", "h1", "h2", "h3", "h4", "h5", "div", "p", "strong", "b", "label", "legend", "option"]


def _sites(block: Tag, base_url: str, home_host: str) -> list[str]:
    """Other hosts a block links to (anchors and drop-down options)."""
    hosts = []
    for el in block.find_all(["a", "option"]):
        value = el.get("href") if el.name == "a" else el.get("value")
        if not value or not value.strip().lower().startswith(("http://", "https://", "//")):
            continue
        host = host_of(urljoin(base_url, value.strip()))
        if host and host != home_host and host not in hosts:
            hosts.append(host)
    return hosts


def blocks(soup: BeautifulSoup, base_url: str, home_host: str) -> list[tuple[str, str, Tag, list[str]]]:
    """Every related-links block of a homepage, best kind first: (label, how it was
    recognised, the block, the other sites it names)."""
    cfg = config(KEY)
    labels = {fold(label) for label in cfg["labels"]}
    out: list[tuple[str, str, Tag, list[str]]] = []
    for el in soup.find_all(_TITLE_TAGS):
        text = words_of(el)
        if not text or len(text.split()) > 6 or fold(text) not in labels:
            continue
        node = el
        for _ in range(6):  # climb from the title to the block that holds the links
            node = node.parent
            if node is None or node.name in ("body", "html"):
                break
            sites = _sites(node, base_url, home_host)
            # A block titled "Liên kết website" names other sites; one state agency's is enough.
            if len(sites) >= cfg["min_sites"] or any(_state(h, cfg) for h in sites):
                out.append((text, "box_title", node, sites))
                break
    for select in soup.find_all("select"):
        sites = _sites(select, base_url, home_host)
        if len(sites) >= cfg["min_sites"]:
            first = select.find("option")
            out.append((words_of(first) if first else "select", "select", select, sites))
    out += _directories(soup, base_url, home_host, cfg, image_only=True)
    out += _directories(soup, base_url, home_host, cfg, image_only=False)
    return out


def check(home: HomeDoc) -> Observation:
    ev = {"url": home.page.final_url}
    found = blocks(home.soup, home.base_url, home.host)
    if not found:
        return observation(KEY, "fail", reason="no_related_links", **ev)
    label, how, _, sites = found[0]
    cfg = config(KEY)
    gov = [h for h in sites if any(h.endswith(s.lstrip(".")) for s in cfg["gov_suffixes"])]
    return observation(KEY, "pass", label=label, matched_by=how, sites=len(sites),
                       snippet=", ".join(sites[:8]), gov_sites=len(gov), **ev)


def _directories(soup: BeautifulSoup, base_url: str, home_host: str, cfg: dict,
                 image_only: bool) -> list[tuple[str, str, Tag, list[str]]]:
    """Blocks that are lists of other sites whatever their title: a carousel of partner
    logos (image-only links to `min_logo_sites` other sites, two of them state
    agencies'; a row of DVC banners to one portal is not one), or a directory of text
    links to `min_directory_sites` other state agencies' sites. Nearly all the block's
    links must be such links (a menu that links a few other sites is not one)."""
    def other(a: Tag) -> bool:
        return host_of(urljoin(base_url, a["href"])) not in ("", home_host)

    links = [a for a in soup.find_all("a", href=True) if other(a)
             and (a.find("img") is not None and not a.get_text(strip=True) if image_only else a.get_text(strip=True))]
    mine_ids = {id(a) for a in links}
    least = int(cfg["min_logo_sites"] if image_only else cfg["min_directory_sites"])
    out, taken = [], set()
    for a in links:
        if id(a) in taken:
            continue
        node = a
        for _ in range(4 if image_only else 5):
            node = node.parent
            if node is None or node.name in ("body", "html"):
                break
            anchors = node.find_all("a", href=True)
            mine = [x for x in anchors if id(x) in mine_ids]
            sites = _sites(node, base_url, home_host)
            gov = [h for h in sites if _state(h, cfg)]
            enough = len(gov) >= 2 if image_only else len(gov) >= least
            if len(sites) >= least and enough and len(mine) >= float(cfg["directory_share"]) * len(anchors):
                taken.update(id(x) for x in mine)
                if image_only:
                    first = mine[0].find("img")
                    label = first.get("alt") or first.get("title") or "logo" if first is not None else "logo"
                else:
                    label = words_of(mine[0])
                out.append((label, "logo_carousel" if image_only else "site_directory", node, sites))
                break
    return out


def _state(host: str, cfg: dict) -> bool:
    """A state agency's site (.gov.vn, chinhphu.vn…)."""
    return any(host.endswith(sfx.lstrip(".")) for sfx in cfg["state_suffixes"])
