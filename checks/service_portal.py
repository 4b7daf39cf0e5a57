"""Finding a target's online public service portal (docs/services.md).

Legal basis: Decree 42/2022/NĐ-CP Art. 4.1.c (a portal publishes its
administrative procedures and online services, integrated from the service
portal) and Art. 13 (the service portal lives at dichvucong.<tỉnh>.gov.vn).

Homepages link to their service portal mostly through image banners with an
empty alt (sotttt.hanoi.gov.vn: `…_DVC.png`, `dvctt359X50.png`), so a link is
scored on its host, href words, image file name, alt/title and short text.
Headlines ("Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 4") are too long to
count as labels. Pure: HTML in, candidates out.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

from checks.fetch_status import not_found_probe_url
from checks.model import Observation, outcome_for_status
from checks.service_level import vocabulary
from checks.text import file_words, fold, url_words

LEGAL_REF = "Decree 42/2022 Art. 4.1.c, Art. 13"


@dataclass
class PortalLink:
    """A link of a homepage that may lead to the agency's service portal, scored."""

    url: str
    score: int
    label: str = ""
    reasons: list[str] = field(default_factory=list)


def _has_word(folded: str, words: list[str]) -> str | None:
    """The first of `words` in `folded`, as whole words; a one-token word
    (`dichvucong`) may also start a token (`dichvucongtructuyen.png`). "Dịch vụ
    công nghệ" and "dịch vụ công ích" are not online public services."""
    voided = vocabulary()["discovery"]["not_followed_by"]
    for word in words:
        tail = "|".join(re.escape(v) for v in voided)
        after = rf"(?!\s?(?:{tail}))" if tail else ""
        prefix_ok = " " not in word and len(word) > 4
        pattern = rf"(?<![a-z0-9]){re.escape(word)}{after}" + ("" if prefix_ok else r"(?![a-z0-9])")
        if re.search(pattern, folded):
            return word
    return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _rejected(href: str, text: str, images: list[tuple[str, str, str]], title: str) -> str | None:
    """Why a link can never be the service portal, or None."""
    voc = vocabulary()["discovery"]
    path = urlsplit(href).path.lower()
    if "." in path.rsplit("/", 1)[-1] and path.rsplit(".", 1)[-1] in voc["reject_extensions"]:
        return "attachment"
    said = " ".join([fold(text), fold(title), url_words(href), fold(urlsplit(href).hostname or "")] +
                    [f"{file_words(src)} {fold(alt)} {fold(t)}" for src, alt, t in images])
    if (w := _has_word(said, voc["reject_words"])):
        return f"feedback:{w}"
    return None


def _headline_slug(href: str) -> bool:
    """The last segment of the path is an article's slug, not a portal's name."""
    last = [seg for seg in urlsplit(href).path.split("/") if seg][-1:] or [""]
    return len(fold(last[0].rsplit(".", 1)[0]).split()) > vocabulary()["discovery"]["max_label_words"]


def score_link(href: str, text: str, images: list[tuple[str, str, str]], title: str,
               base_host: str) -> PortalLink | None:
    """Score one link; `images` are (src, alt, title) of the images inside it.

    A news, video or media page (its href says so, or its path ends in an
    article's slug) keeps only the points of its host: a headline about
    "thủ tục hành chính" says nothing about where the portal is.
    """
    voc = vocabulary()["discovery"]
    weights = voc["weights"]
    host = _host(href)
    score, reasons = 0, []
    if any(host.startswith(p) for p in voc["host_prefixes"]):
        score += weights["host"]
        reasons.append(f"host:{host}")
    if host in voc["national_hosts"]:
        score += weights["national_host"]
        reasons.append("national_portal")
    article = any(f" {w} " in f" {url_words(href)} " for w in voc["reject_url_words"]) or _headline_slug(href)
    if not article:
        score, reasons = _words_score(href, text, images, title, score, reasons)
    if score and host and host != base_host:
        score += weights["other_host"]
        reasons.append("other_host")
    if not score:
        return None
    return PortalLink(href, score, " ".join(text.split()) or (images[0][1] if images else ""), reasons)


def _words_score(href: str, text: str, images: list[tuple[str, str, str]], title: str, score: int,
                 reasons: list[str]) -> tuple[int, list[str]]:
    voc = vocabulary()["discovery"]
    words, weights = voc["words"], voc["weights"]
    if (w := _has_word(url_words(href), words)):
        score += weights["href"]
        reasons.append(f"href:{w}")
    for src, _alt, _img_title in images:
        if (w := _has_word(file_words(src), words)):
            score += weights["image"]
            reasons.append(f"image:{w}")
            break
    alt_title = fold(" ".join([title] + [a + " " + t for _, a, t in images]))
    if alt_title and len(alt_title.split()) <= voc["max_label_words"] and (w := _has_word(alt_title, words)):
        score += weights["alt_title"]
        reasons.append(f"alt_title:{w}")
    label = fold(text)
    if label and len(label.split()) <= voc["max_label_words"] and (w := _has_word(label, words)):
        score += weights["text"]
        reasons.append(f"text:{w}")
    return score, reasons


def find_service_portal(html: str, base_url: str, rejected: list[dict] | None = None) -> list[PortalLink]:
    """Links of a homepage that lead to a service portal, best first (same URL merged).

    `rejected`, when given, receives the links that mention services but can
    never be the portal (attachments, feedback forms), as evidence."""
    if not html or not html.strip():
        return []
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base_host = _host(base_url)
    best: dict[str, PortalLink] = {}
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        href = urljoin(base_url, href)
        if urlsplit(href).scheme not in ("http", "https"):
            continue
        images = [(img.get("src") or "", img.get("alt") or "", img.get("title") or "")
                  for img in a.iter("img")]
        text, title = " ".join(a.itertext()), a.get("title") or ""
        cand = score_link(href, text, images, title, base_host)
        if cand and cand.score >= vocabulary()["discovery"]["min_score"]:
            why = _rejected(href, text, images, title)
            if why:
                if rejected is not None and len(rejected) < 20:
                    rejected.append({"url": href, "label": cand.label[:120], "reason": why})
                continue
            known = best.get(href)
            if not known or cand.score > known.score:
                best[href] = cand
    # The target's own portal before the national one (a province's department links
    # both; its services are on the province's portal); then the best score; on a
    # tie, another host before this one, then the shorter URL (a root before its pages).
    national = vocabulary()["discovery"]["national_hosts"]
    return sorted(best.values(), key=lambda c: (_host(c.url) in national, -c.score,
                                                _host(c.url) == base_host, len(c.url)))


@dataclass
class PortalPlan:
    """One way to the service portal: its home page, the pages the homepage
    linked on the same host (entries into its lists), and whether the link is
    established as a service portal: by its host (dichvucong.<tỉnh>.gov.vn, the
    national portal), by being another site, or by the target file. A link to
    a page of the agency's own site must show a list of services to count
    (an empty section page is not the online-services portal)."""

    home: str
    entries: list[str] = field(default_factory=list)
    established: bool = False
    label: str = ""


def portal_plans(candidates: list[PortalLink]) -> list[PortalPlan]:
    """The service portal's home page and the pages the homepage linked to, for
    the best candidates in order (at most `discovery.max_plans`).

    A dedicated service host has its home at its root, which is where Circular
    32/2017 counts clicks from; the linked pages (often its lists:
    `/dich-vu-truc-tuyen`) are kept as entries into its lists.
    """
    plans: list[PortalPlan] = []
    for cand in candidates:
        if any(r.startswith(("host:", "national_portal")) for r in cand.reasons):
            parts = urlsplit(cand.url)
            root = f"{parts.scheme}://{parts.netloc}/"
            if any(p.home == root for p in plans):
                continue
            entries = [c.url for c in candidates
                       if _host(c.url) == _host(cand.url) and c.url.rstrip("/") != root.rstrip("/")]
            plans.append(PortalPlan(root, entries, True, cand.label))
        elif not any(p.home == cand.url for p in plans):
            # A link to another site is that site's service portal; a page of the
            # agency's own site must show that it lists services.
            plans.append(PortalPlan(cand.url, [], "other_host" in cand.reasons, cand.label))
        if len(plans) >= vocabulary()["discovery"]["max_plans"]:
            break
    return plans


def portal_home(candidates: list[PortalLink]) -> tuple[str | None, list[str]]:
    """The best plan's home page and entries (None when no link leads to a portal)."""
    plans = portal_plans(candidates)
    return (plans[0].home, plans[0].entries) if plans else (None, [])


def random_path(portal_url: str, salt: str = "") -> str:
    """The not-found probe of a service portal, the same on every crawl (fetch_status.not_found_probe_url)."""
    token = hashlib.sha1(f"{portal_url}|{salt}|portalcheck".encode()).hexdigest()[:16]
    return not_found_probe_url(portal_url, token)


def portal_observation(url: str | None, status: str | None, how: str,
                       evidence: dict | None = None) -> Observation:
    """The verdict on the service portal itself: found and answering?"""
    ev = dict(evidence or {})
    ev.update({"url": url, "status": status, "how": how})
    if not url:
        ev["reason"] = "not_discovered"
        return Observation("service", "services_portal", "inconclusive", LEGAL_REF, ev)
    outcome = outcome_for_status(status or "error")
    if outcome != "pass":
        ev["reason"] = status
    return Observation("service", "services_portal", outcome, LEGAL_REF, ev)
