"""Finding a target's online public service portal (issue "Online public
services", item 1).

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

from checks.model import Observation, outcome_for_status
from checks.service_level import vocabulary
from checks.text import file_words, fold, url_words

LEGAL_REF = "Decree 42/2022 Art. 4.1.c, Art. 13"


@dataclass
class Candidate:
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


def score_link(href: str, text: str, images: list[tuple[str, str, str]], title: str,
               base_host: str) -> Candidate | None:
    """Score one link; `images` are (src, alt, title) of the images inside it."""
    voc = vocabulary()["discovery"]
    words, weights = voc["words"], voc["weights"]
    host = _host(href)
    score, reasons = 0, []
    if any(host.startswith(p) for p in voc["host_prefixes"]):
        score += weights["host"]
        reasons.append(f"host:{host}")
    if host in voc["national_hosts"]:
        score += weights["national_host"]
        reasons.append("national_portal")
    if (w := _has_word(url_words(href), words)):
        score += weights["href"]
        reasons.append(f"href:{w}")
    for src, alt, img_title in images:
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
    if score and host and host != base_host:
        score += weights["other_host"]
        reasons.append("other_host")
    if not score:
        return None
    return Candidate(href, score, " ".join(text.split()) or (images[0][1] if images else ""), reasons)


def find_service_portal(html: str, base_url: str) -> list[Candidate]:
    """Links of a homepage that lead to a service portal, best first (same URL merged)."""
    if not html or not html.strip():
        return []
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base_host = _host(base_url)
    best: dict[str, Candidate] = {}
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        href = urljoin(base_url, href)
        if urlsplit(href).scheme not in ("http", "https"):
            continue
        images = [(img.get("src") or "", img.get("alt") or "", img.get("title") or "")
                  for img in a.iter("img")]
        cand = score_link(href, " ".join(a.itertext()), images, a.get("title") or "", base_host)
        if cand and cand.score >= vocabulary()["discovery"]["min_score"]:
            known = best.get(href)
            if not known or cand.score > known.score:
                best[href] = cand
    # The target's own portal before the national one (a province's department links
    # both; its services are on the province's portal); then the best score; on a
    # tie, another host before this one, then the shorter URL (a root before its pages).
    national = vocabulary()["discovery"]["national_hosts"]
    return sorted(best.values(), key=lambda c: (_host(c.url) in national, -c.score,
                                                _host(c.url) == base_host, len(c.url)))


def portal_home(candidates: list[Candidate]) -> tuple[str | None, list[str]]:
    """The service portal's home page and the pages the homepage linked to.

    A dedicated service host (dichvucong.<tỉnh>.gov.vn) has its home at its root,
    which is where Circular 32/2017 counts clicks from; the linked pages (often
    its lists: `/dich-vu-truc-tuyen`) are kept as entries into its lists.
    """
    if not candidates:
        return None, []
    best = candidates[0]
    if not any(r.startswith(("host:", "national_portal")) for r in best.reasons):
        return best.url, []
    parts = urlsplit(best.url)
    root = f"{parts.scheme}://{parts.netloc}/"
    entries = [c.url for c in candidates if _host(c.url) == _host(best.url) and c.url.rstrip("/") != root.rstrip("/")]
    return root, entries


def random_path(portal_url: str, salt: str = "") -> str:
    """A path that cannot exist on the portal's host, to learn its not-found answer."""
    token = hashlib.sha1(f"{portal_url}|{salt}|portalcheck".encode()).hexdigest()[:16]
    return urljoin(portal_url, f"/pc-khong-ton-tai-{token}/{token[:6]}.html")


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
