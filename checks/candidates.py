"""Which homepage links may lead to each required section, best first.

Reference: requirements.md §2, labels.md. A link is a candidate for a key when what a
citizen reads on it names the section — its text, `title`, `alt`, `aria-label`, the
box it sits in, the image name or the words of its address — whatever its address
looks like: `/node/12`, `?ItemID=7` or a UUID say nothing, so a menu item "Lịch công
tác" pointing there is a candidate. A box's links that are single articles are not
(a "Văn bản mới" box lists articles; its "Xem tiếp" link is the section).
A label the lexicon calls weak ("Góp ý", "Đầu tư") makes a candidate the destination
must confirm (checks/section_content.py). Pure: a HomeDoc in, candidates out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from checks.lexicon import Lexicon, load_lexicon
from checks.sections import HomeDoc, Link, _absolute, host_of, words_of
from checks.text import fold


@dataclass
class Candidate:
    key: str
    href: str  # "" for a link only scripts follow
    label: str  # the text or attribute that matched, as shown on the page
    matched_by: str  # text | title | alt | aria | img_name | slug | box_title | hint
    score: float
    context: str = ""
    offsite: bool = False
    weak: bool = False  # matched by a weak label only: the destination must name the section
    post: str | None = None  # the form body of an ASP.NET postback link
    script: str = ""  # the handler of a link no address could be read from
    within: str = ""  # another section's link whose page may hold this one ("Cơ cấu tổ chức" -> leaders)

    def evidence(self) -> dict:
        ev = {"label": self.label, "matched_by": self.matched_by, "href": self.href,
              "context": self.context, "offsite": self.offsite}
        if self.weak:
            ev["weak_label"] = True
        if self.post:
            ev["postback"] = True
        if self.script:
            ev["script"] = self.script
        if self.within:
            ev["within"] = self.within
        return ev


def _sources(link: Link) -> list[tuple[str, str]]:
    """(matched_by, label) pairs a link offers. A link with text is read by its text (and
    title, aria-label), and by its slug only if the text names no section ("Thông báo -
    Chỉ đạo" -> `com=chi-dao-dieu-hanh`); a link without text by its title, alt,
    aria-label, image name and slug."""
    out = [("text", link.text)] if link.text else []
    for source, value in (("title", link.title), ("alt", link.alt), ("aria", link.aria)):
        if value and fold(value) != fold(link.text) and (source != "alt" or not link.text):
            out.append((source, value))
    if link.text:
        if link.href and len(link.text.split()) <= 6:
            out.append(("slug_fallback", link.href))
        return out
    if link.img_src:
        out.append(("img_name", link.img_src))
    if link.href:
        out.append(("slug", link.href))
    return out


def _matches(lex: Lexicon, source: str, value: str, link: Link):
    if source == "img_name":
        return lex.match_image(value)
    if source in ("slug", "slug_fallback"):
        if link.is_article:
            return []  # an article's address names its headline, not a section
        matches = lex.match_slug(value, link.offsite)
        if source == "slug_fallback":
            words = fold(link.text).split()
            if lex.match_words(fold(link.text)) or lex.match_words(fold(link.title)) or lex.org_prefix(link.text):
                return []  # the text already says which section this is, or names an agency
            # Nor may the slug give a key whose decoy the text shows ("Thăm dò ý kiến" -> /lay-y-kien).
            matches = [m for m in matches if not lex.has_decoy(words, m.key)]
        return matches
    return lex.match_words(fold(value), raw=value)


def _targets(link: Link) -> list[Link]:
    """What following a link reaches: its page, else its submenu, else a script."""
    if link.href or link.post:
        return [link]
    return link.children or ([link] if link.script else [])


def _label(source: str, value: str, link: Link, target: Link) -> str:
    label = value if source not in ("img_name", "slug") else _tail(value)
    if source == "box_title":
        return f"{value} › {target.text or target.title or target.alt or target.href}"
    if target is not link:
        return f"{value} › {target.text or target.href}"
    return label


def _foreign(link: Link, lex: Lexicon) -> bool:
    """A link to a web archive, an app store or a social network is never a section of the portal."""
    return bool(link.href) and lex.foreign(host_of(link.href))


def _headline_candidates(link: Link, lex: Lexicon) -> list[Candidate]:
    """A dated item that is the information itself: "Lịch công tác tuần 25 của Chủ tịch…" is
    the work calendar, "Công khai dự toán ngân sách năm 2019" a budget disclosure."""
    if not link.href or not link.text:
        return []
    folded = fold(link.text)
    subject = _without_notice_prefix(folded, lex)
    notice = subject != folded  # "V/v …", "Thông báo: …" opened it
    text = subject + " "
    factor = float(lex.settings.get("candidate_factors", {}).get("headline", 0.4))
    return [Candidate(key, link.href, link.text, "headline", round(factor, 3), link.context, link.offsite)
            for key, labels in lex.headlines.items() if any(text.startswith(lb + " ") for lb in labels)
            and (notice or key not in lex.headline_notice_only)]


def _without_notice_prefix(folded: str, lex: Lexicon) -> str:
    """"v v dang tai thong tin lay y kien du thao …" -> "dang tai thong tin lay y kien du thao …":
    a notice's "V/v", "Về việc", "THÔNG BÁO:" opens its subject, it is not the subject."""
    changed = True
    while changed:
        changed = False
        for prefix in lex.notice_prefixes:
            if folded.startswith(prefix + " "):
                folded, changed = folded[len(prefix) + 1:], True
    return folded


def _link_candidates(link: Link, lex: Lexicon) -> list[Candidate]:
    if link.hidden:
        return []  # no citizen can see it
    if link.directory and link.offsite:
        return []  # a related-links directory lists other sites, not this portal's sections
    targets = [t for t in _targets(link) if not _foreign(t, lex) and not t.hidden]
    if not targets:
        return []
    if link.is_article or len(link.text.split()) > 6:
        headline = _headline_candidates(link, lex)
        if headline:
            return headline
    strict = float(lex.settings.get("content_min_coverage", 0.75))
    # A counter's entries ("37 Bộ dữ liệu", "109 Người dùng" under "Thống kê") count the
    # site's own contents: the box's title does not name them.
    counter = re.match(lex.settings["counter_text_pattern"], link.text or "")
    offers = _sources(link) + ([] if counter else [("box_title", title) for title in link.box_titles])
    out = []
    for offered, value in offers:
        source = "slug" if offered == "slug_fallback" else offered
        if link.is_article and (source == "box_title" or source == "img_name" and link.context in ("box", "content")):
            continue  # a box's articles are not its section; a thumbnail in a list names its article
        for m in _matches(lex, offered, value, link):
            # Outside menus, boxes, footers and banners (and for any article address, or a long
            # text: some templates list headlines in a "footer" region) a text must be almost
            # all label: a headline that contains one is not a menu item.
            long_text = source == "text" and len(value.split()) > int(lex.settings.get("menu_label_max_words", 10))
            if (link.context == "content" or link.is_article or long_text) and m.coverage < strict:
                continue
            score = lex.weight(source) * m.coverage * (0.9 if m.fuzzy else 1.0)
            # A section the portal publishes itself beats a link to another site; a link
            # whose address looks like one article, or named only by a weak label, comes last.
            factors = lex.settings.get("candidate_factors", {})
            score *= float(factors.get("offsite", 0.9)) if link.offsite else 1.0
            score *= float(factors.get("article_address", 0.8)) if link.is_article else 1.0
            score *= float(factors.get("weak_label", 0.6)) if m.weak else 1.0
            score *= float(factors.get("script_link", 0.5)) if link.script and not link.href else 1.0
            for target in targets:
                out.append(Candidate(m.key, target.href, _label(source, value, link, target), source,
                                     round(score, 3), link.context, target.offsite, m.weak, target.post,
                                     target.script if not target.href and not target.post else ""))
    return out


def find_candidates(home: HomeDoc, lex: Lexicon | None = None,
                    hints: dict[str, dict] | None = None) -> dict[str, list[Candidate]]:
    """Per key, the links that may lead to its section, best first (at most max_candidates)."""
    lex = lex or load_lexicon()
    found: dict[str, list[Candidate]] = {key: [] for key in lex.sections}
    for link in home.links:
        for cand in _link_candidates(link, lex):
            found[cand.key].append(cand)
    for key, value in (hints or {}).items():
        if key in found:
            found[key] = hint_candidates(home, key, value)
    out = _best(found, lex, hints)
    for key, others in lex.within.items():
        if hints and key in hints:
            continue
        mine = {c.href for c in out[key]}
        extra = [Candidate(key, c.href, c.label, c.matched_by, round(c.score * 0.3, 3), c.context, c.offsite,
                           within=other) for other in others for c in out.get(other, []) if c.href not in mine]
        extra += _body_candidates(home, key, lex, mine | {c.href for c in extra})
        # The organisation page and the phone directory hold the leaders more often than the intro.
        likely = tuple(f" {fold(w)} " for w in lex.within_likely.get(key, ()))
        extra.sort(key=lambda c: not any(w in f" {fold(c.label)} " for w in likely))
        out[key] = out[key] + extra[:int(lex.settings.get("max_within_candidates", 3))]
    return out


def _body_candidates(home: HomeDoc, key: str, lex: Lexicon, known: set[str]) -> list[Candidate]:
    """Links named after a body whose page holds the section (`within_labels`: the "Huyện
    ủy", "Hội đồng nhân dân", "Ủy ban nhân dân" of a district's "Cơ cấu tổ chức" menu),
    on the portal's own host, in a menu or a box: the label, then at most a place name."""
    labels = lex.within_labels.get(key)
    if not labels:
        return []
    longest = max(len(label.split()) for label in labels)
    out = []
    for link in home.links:
        if link.hidden or link.offsite or not link.href or link.is_article or link.href in known \
                or link.context not in ("menu", "box"):
            continue
        words = fold(link.text).split()
        head = next((n for n in range(min(longest, len(words)), 0, -1) if " ".join(words[:n]) in labels), 0)
        if head and len(words) - head <= 3:
            known.add(link.href)
            out.append(Candidate(key, link.href, link.text, "text", round(0.3 * lex.weight("text"), 3), link.context,
                                 False, within="gioi_thieu"))
    return out


def _best(found: dict[str, list[Candidate]], lex: Lexicon, hints: dict | None) -> dict[str, list[Candidate]]:
    """Per key: best first, one per address, at most max_candidates and max_candidates_per_box."""
    limit = int(lex.settings["max_candidates"])
    per_box = int(lex.settings.get("max_candidates_per_box", 2))
    out = {}
    for key, cands in found.items():
        cands.sort(key=lambda c: (-c.score, c.offsite))
        seen, best, boxes = set(), [], {}
        for cand in cands:
            # The links of one box are alike (one box of TTHC fields): leave room for others.
            group = cand.label.split(" › ")[0] if cand.matched_by == "box_title" else None
            ident = (cand.href, cand.post, cand.script)
            if ident in seen or (group and boxes.get(group, 0) >= per_box):
                continue
            seen.add(ident)
            if group:
                boxes[group] = boxes.get(group, 0) + 1
            best.append(cand)
        out[key] = best[:limit] if not (hints and key in hints) else best
    return out


def _tail(url: str) -> str:
    """The readable end of an href or image path: `ttpbgdpl.png/ttpbgdpl03f5.png`."""
    path = unquote(urlsplit(url).path)
    return "/".join(path.rstrip("/").split("/")[-2:]).lstrip("/")[-120:] or url[-120:]


def hint_candidates(home: HomeDoc, key: str, hint: dict) -> list[Candidate]:
    """An agency's hint replaces detection for one key: a URL, or a CSS selector on the homepage."""
    if hint.get("url"):
        href = _absolute(home.base_url, hint["url"])
        return [Candidate(key, href, hint["url"], "hint", 9.0, "hint", host_of(href) != home.host)] if href else []
    out = []
    try:
        elements = home.soup.select(hint["selector"])
    except Exception:  # a bad selector in a hints file is the agency's typo, not a crash
        return []
    for el in elements:
        anchors = [el] if el.name == "a" else el.find_all("a")
        for a in anchors:
            href = _absolute(home.base_url, a.get("href", ""))
            if href:
                out.append(Candidate(key, href, words_of(a) or hint["selector"], "hint", 9.0, "hint",
                                     host_of(href) != home.host))
    return out
