"""The level a service's own page states (docs/services.md: "levels read where they are
stated").

Legal basis: Decree 42/2022/NĐ-CP Art. 11 and Decree 43/2011/NĐ-CP Art. 3 (see
checks.service_level). A labelled row decides: "Mức độ | Toàn trình", "Mức trực
tuyến: Một phần", "Dịch vụ công trực tuyến: Toàn trình", "Cấp độ: Mức độ 4", in a
table row, a dt/dd pair, a label element and the value after it, or one line
"Label: value". Without one: a badge (an element that is a level label and
nothing else, when the page has one kind only), then the old national portal's
"Hình thức nộp", then the page's own statement, read block by block without
its links and sub-headings (a related headline "Đẩy mạnh … mức độ 4" is not this
service's level; a legend naming every level states none). The raw label is kept as written. Pure: HTML in, Level out.
"""
from __future__ import annotations

import re

import lxml.etree

from checks.service_level import Level, level_from_channels, level_from_label, level_from_prose, vocabulary
from checks.text import fold, normalise

# Only short elements can be a label or a badge: the length test runs in libxml2,
# so a page of thousands of elements costs milliseconds (compiled once).
_SHORT = "[string-length(normalize-space(.)) > 1][string-length(normalize-space(.)) <= 120]"
_ROW_CANDIDATES = lxml.etree.XPath(
    "|".join(f"//{t}{_SHORT}" for t in ("th", "td", "dt", "b", "strong", "label", "span", "div", "p", "li", "em",
                                         "small", "h5", "h6")))
_LINKS_AND_HEADINGS = lxml.etree.XPath("//a|//h2|//h3|//h4|//h5|//h6|//button")
_BADGES = lxml.etree.XPath("|".join(f"//{t}[not(*)]{_SHORT}" for t in ("span", "div", "p", "label", "strong", "b",
                                                                          "em", "small", "i")))
_INLINE = re.compile(r"^(.{2,60}?)\s*[:：]\s*(.+)$")


def _voc() -> dict:
    return vocabulary()["levels"]


def _text(el) -> str:
    return normalise(" ".join(el.itertext()))


def _label_key(text: str) -> str:
    return fold(re.sub(r"\(\s*\*\s*\)|[:：*]+\s*$", "", text))


def _value_after(el) -> str:
    """The value written after a label element: the next cell, the dd, the
    label's tail and following siblings, or the next element."""
    if el.tag in ("th", "td"):
        cell = el.getnext()
        while cell is not None and cell.tag not in ("th", "td"):
            cell = cell.getnext()
        if cell is not None:
            return _text(cell)
        return ""
    if el.tag == "dt":
        dd = el.getnext()
        return _text(dd) if dd is not None and dd.tag == "dd" else ""
    tail = normalise(el.tail or "")
    for sib in el.itersiblings():
        tail += " " + _text(sib) + " " + normalise(sib.tail or "")
    tail = tail.strip().lstrip(":：- ").strip()
    if tail:
        return tail
    nxt = el.getnext()
    return _text(nxt) if nxt is not None else ""


def _row_level(label: str, value: str, source: str = "detail_row") -> Level:
    if not value or len(value.split()) > _voc()["row_value_max_words"]:
        return Level()
    level = level_from_label(value, source)
    return Level(level.key, f"{label}: {value}", source, level.vocabulary) if level.known else Level()


def level_from_rows(doc) -> Level:
    """The first labelled row that states a level (document order)."""
    labels = set(_voc()["row_labels"])
    for el in _ROW_CANDIDATES(doc):
        own = _text(el)
        if not own or len(own) > 120:
            continue
        if _label_key(own) in labels and len(el) <= 2:
            level = _row_level(own.rstrip(":： "), _value_after(el))
            if level.known:
                return level
        elif len(el) == 0 and (m := _INLINE.match(own)) and _label_key(m.group(1)) in labels:
            level = _row_level(m.group(1), m.group(2))
            if level.known:
                return level
    return Level()


def level_from_badges(doc) -> Level:
    """An element that is a level label and nothing else ("Toàn trình", "DVC mức
    4"), when the page's badges name one level only (a legend names several)."""
    found: dict[str, Level] = {}
    for el in _BADGES(doc):
        if len(el) or any(a.tag in ("a", "h1", "h2", "h3", "h4", "h5", "h6") for a in el.iterancestors()):
            continue
        text = _text(el).rstrip(".")
        if not text or len(text.split()) > _voc()["badge_max_words"] or fold(text) in _voc()["exact_offline_labels"]:
            continue    # "Trực tiếp" alone is a channel, not a level
        level = level_from_label(text, "detail_badge")
        if level.known:
            found.setdefault(level.key, level)
    return next(iter(found.values())) if len(found) == 1 else Level()


def submission_channels(doc) -> list[str]:
    """Values of the "Hình thức nộp" column (old national portal), or of a row or
    line "Hình thức nộp: Trực tiếp; Trực tuyến; Dịch vụ bưu chính công ích"."""
    label = _voc()["submission_channel_label"]
    values: list[str] = []
    for table in doc.iter("table"):
        rows = table.xpath("./tr|./thead/tr|./tbody/tr")
        if not rows:
            continue
        heads = [fold(_text(c)) for c in rows[0].xpath("./th|./td")]
        if label in heads:
            i = heads.index(label)
            values += [_text(r.xpath("./th|./td")[i]) for r in rows[1:] if len(r.xpath("./th|./td")) > i]
    if values:
        return [v for v in values if v]
    known = [_voc()["submission_channel_online"], *_voc()["submission_channel_offline"]]
    channel = re.compile(r"\b(" + "|".join(map(re.escape, known)) + r")\b")
    for el in doc.iter():
        if not isinstance(el.tag, str) or len(el) > 0:
            continue          # the label's own line: the channels it lists, nothing after
        own = fold(_text(el))
        if _label_key(_text(el)) == label:
            values += channel.findall(fold(_value_after(el)))
        elif (own.startswith(label + " ") or f" {label} " in f" {own} ") and len(own.split()) <= 40:
            values += channel.findall(own.split(label, 1)[1])
    return list(dict.fromkeys(values))


_BLOCKS = lxml.etree.XPath("//p|//li|//td|//dd|//div[not(.//p or .//div or .//li or .//table)]|//span[not(*)]")


def level_from_statements(doc) -> Level:
    """The page's own statement of its level, read block by block without links,
    sub-headings or buttons; a block that names several levels (a legend of the
    level icons, a note comparing them) states none."""
    import copy
    own = copy.deepcopy(doc)
    for el in _LINKS_AND_HEADINGS(own):
        if el.getparent() is not None:
            el.drop_tree()
    for block in _BLOCKS(own):
        text = normalise(" ".join(block.itertext()))
        found = {lv.key: lv for lv in _statements(text)}
        if len(found) == 1:
            level = next(iter(found.values()))
            return Level(level.key, text[:200], "prose", level.vocabulary)   # the statement as written
    return Level()


def _statements(text: str) -> list[Level]:
    folded = fold(text)
    out = []
    for kind, pattern in _voc()["prose_patterns"]:
        for match in re.finditer(pattern, folded):
            level = level_from_prose(match.group(0)) if kind == "label" else \
                Level(kind, match.group(0).strip(), "prose", "label")
            if level.known:
                out.append(level)
    return out


def level_from_detail_doc(doc) -> Level:
    """`doc`: the detail page without its menus, header, footer and side boxes.

    A row that states the level decides, then a badge. The "Hình thức nộp" row
    bounds it: only direct or postal channels is not online, whatever the prose
    says; an online channel is at least một phần, and the page's own statement
    ("Thủ tục này được cung cấp dịch vụ công trực tuyến mức độ 4") may say which."""
    if doc is None:
        return Level()
    for reader in (level_from_rows, level_from_badges):
        level = reader(doc)
        if level.known:
            return level
    channels = level_from_channels(submission_channels(doc))
    prose = level_from_statements(doc)
    if channels.key == "mot_phan" and prose.key in ("toan_trinh", "mot_phan"):
        return Level(prose.key, f"{channels.raw}; {prose.raw}", "prose", prose.vocabulary)
    return channels if channels.known else prose


def choose_level(listed: Level, detail: Level) -> tuple[Level, dict]:
    """The service's level: the detail page's labelled row decides; else the
    list's level; else what the detail page says otherwise. Evidence says when
    the list and the page disagree."""
    if detail.known and (detail.source == "detail_row" or not listed.known):
        conflict = {"list_level": listed.to_dict()} if listed.known and listed.key != detail.key else {}
        return detail, conflict
    return listed, {}
