"""The section lexicon (checks/data/lexicon.yaml) and how a label is matched to a key.

Everything a province may want to change — synonyms, slugs, image names, decoys,
thresholds — lives in the YAML file; this module only folds and compares.

A label source (link text, title, alt, box title, slug words, image name) matches
a key when one of the key's labels occurs in it as whole words (or with one small
typo), no decoy of the key occurs in it, and the matched words cover enough of
the source: "Thủ tục hành chính cấp sở" is a menu label, while "Đẩy mạnh cung cấp
dịch vụ công trực tuyến mức độ 4 ..." is a headline that merely contains one.
Pure: no I/O except reading the YAML files once.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

from checks.text import file_words, fold, fold_variants, url_words

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Match:
    key: str
    coverage: float  # 0..1, share of the source's meaningful words that the label covers
    label: str  # the lexicon label that matched (as written in the YAML)
    fuzzy: bool = False
    weak: bool = False  # only a weak label matched: the destination must name the section


@dataclass(frozen=True)
class KeySpec:
    key: str
    name: str
    legal_ref: str
    labels: tuple[tuple[tuple[str, ...], str, bool, bool], ...]  # (folded words, as written, slug-only, weak)
    compact_labels: tuple[tuple[str, str], ...]  # (letters only, label as written)
    slug_patterns: tuple[re.Pattern, ...]
    img_patterns: tuple[re.Pattern, ...]
    decoys: tuple[tuple[tuple[str, ...], bool], ...]  # (folded words, anchored at the start)
    compact_decoys: tuple[str, ...]


def legal_ref_text(ref: dict | str | None) -> str:
    """"NĐ 42/2022/NĐ-CP Điều 4.1.e; NĐ 43/2011/NĐ-CP Điều 10.1.a" from the YAML mapping."""
    if not ref:
        return ""
    if isinstance(ref, str):
        return ref
    names = {"nd42": "NĐ 42/2022/NĐ-CP", "nd43": "NĐ 43/2011/NĐ-CP", "tt22": "TT 22/2023/TT-BTTTT"}
    parts = []
    for code, article in ref.items():
        if article:
            parts.append(f"{names[code]} {article}" if code in names else str(article))
    return "; ".join(parts)


def _words(text: str | None) -> list[str]:
    """Lower-case words with their diacritics (NFC)."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text or "").lower())


def _word_start(pattern: str) -> str:
    """A short slug pattern that starts with a letter matches at a word's start only:
    'de-?tai' is in `/de-tai-khoa-hoc`, not in `/store/apps/details`. A long squeezed one
    ('thutuchanhchinh') cannot occur by accident and may sit inside a word
    (`/thongtinthutuchanhchinh`)."""
    if not re.match(r"[a-z]", pattern) or len(re.sub(r"[^a-z]", "", pattern)) >= 10:
        return pattern
    return rf"(?<![a-z]){pattern}"


def _compact(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


def _compact_file(words: str) -> str:
    """Letters of an image name; a lone letter between numbers ("357 x 50") is a size, not a word."""
    tokens = words.split()
    kept = []
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            continue
        near_digit = any(0 <= j < len(tokens) and tokens[j].isdigit() for j in (i - 1, i + 1))
        if len(tok) == 1 and near_digit:
            continue
        kept.append(tok)
    return re.sub(r"[^a-z]", "", "".join(kept))


class Lexicon:
    # Long on purpose: one statement per field of lexicon.yaml, in the file's order, each with
    # what it is for; split, a reader would hunt for where a field is compiled.
    def __init__(self, data: dict):
        self.settings = data["settings"]
        s = self.settings
        self.weights: dict[str, float] = s["source_weight"]
        self.min_coverage = float(s["min_coverage"])
        self.max_words = int(s["max_label_words"])
        self.fuzzy_len = int(s["fuzzy_min_word_len"])
        self.fillers = tuple(sorted({tuple(f.split()) for w in s["filler_words"] for f in fold_variants(w)},
                                    key=len, reverse=True))
        self.article_patterns = tuple(re.compile(p) for p in s["article_href_patterns"])
        # Compared with diacritics: "Sở"/"Số", "Ban"/"Bản", "Hội"/"Hỏi" fold alike.
        self.org_words = tuple(sorted({tuple(_words(w)) for w in s.get("org_words") or []}, key=len, reverse=True))
        self.sections: dict[str, KeySpec] = {}
        self.news_keys = frozenset(s.get("news_keys") or ("tin_tuc",))
        # Items that are the information itself, by how their headline starts (folded).
        self.headlines: dict[str, tuple[str, ...]] = {
            key: tuple(sorted({fold(h) for h in spec.get("headline_starts") or []}))
            for key, spec in data["sections"].items() if spec.get("headline_starts")}
        # Sections often published inside another's page (leaders on the organisation page).
        self.within: dict[str, tuple[str, ...]] = {
            key: tuple(spec["within"]) for key, spec in data["sections"].items() if spec.get("within")}
        # Sections a page may be named after while holding another (both ways).
        self.related_pairs = frozenset(frozenset((key, other)) for key, spec in data["sections"].items()
                                       for other in spec.get("related") or [])
        self.within_likely: dict[str, tuple[str, ...]] = {
            key: tuple(spec.get("within_likely") or ()) for key, spec in data["sections"].items() if spec.get("within")}
        # Links named after a body whose page holds the section (leaders on the "Huyện ủy" page), folded.
        self.within_labels: dict[str, frozenset[str]] = {
            key: frozenset(v for label in spec["within_labels"] for v in fold_variants(label))
            for key, spec in data["sections"].items() if spec.get("within_labels")}
        # Titles that open a line naming a person of the section ("Phó Giám đốc", "Bí thư"), folded.
        self.title_words: dict[str, tuple[str, ...]] = {
            key: tuple(sorted({fold(w) for w in spec["leader_titles"]}, key=len, reverse=True))
            for key, spec in data["sections"].items() if spec.get("leader_titles")}
        # What a page of the section must show besides a list ("contact": a phone, an e-mail…).
        self.must_show: dict[str, str] = {key: spec["must_show"] for key, spec in data["sections"].items()
                                          if spec.get("must_show")}
        # Keys whose headline counts only as an official notice ("V/v …", "Thông báo: …").
        self.headline_notice_only = frozenset(key for key, spec in data["sections"].items()
                                              if spec.get("headline_notice_only"))
        self.notice_prefixes = tuple(sorted({fold(w) for w in s.get("notice_prefixes") or ()}, key=len, reverse=True))
        for key, spec in data["sections"].items():
            labels, compact = [], []
            weak = spec.get("weak_labels") or []
            for label in (spec.get("labels") or []) + weak:
                plain = fold(label)
                for variant in fold_variants(label):
                    # The "đ"-dropped form is how Liferay writes slugs, never how people write text.
                    labels.append((tuple(variant.split()), label, variant != plain, label in weak))
                squeezed = _compact(label)
                if label not in weak and (len(squeezed) >= 6 or len(label.split()) == 1 and len(squeezed) >= 4):
                    compact.append((squeezed, label))
            # "^Tin đầu tư": a decoy only at the start ("Thông tin đầu tư, đấu thầu" is the section).
            decoys = {(tuple(v.split()), d.startswith("^")) for d in spec.get("decoys") or []
                      for v in fold_variants(d.lstrip("^"))}
            self.sections[key] = KeySpec(
                key=key, name=spec.get("name", key), legal_ref=legal_ref_text(spec.get("legal_ref")),
                labels=tuple(labels), compact_labels=tuple(compact),
                slug_patterns=tuple(re.compile(_word_start(p)) for p in spec.get("slug_patterns") or []),
                img_patterns=tuple(re.compile(p) for p in spec.get("img_patterns") or []),
                decoys=tuple(decoys),
                compact_decoys=tuple(_compact(d) for d in spec.get("decoys") or []
                                     if len(_compact(d)) >= 5 and not d.startswith("^")))

    # --- helpers -------------------------------------------------------------
    def weight(self, source: str) -> float:
        return float(self.weights.get(source, 0.5))

    def is_article_href(self, href: str) -> bool:
        low = href.lower()
        return any(p.search(low) for p in self.article_patterns)

    def _find(self, tokens: list[str], seq: tuple[str, ...], fuzzy: bool) -> list[tuple[int, bool]]:
        """Start positions of `seq` in `tokens` (exact, or with one near-miss word)."""
        # Most labels share no word with a text: that is known without sliding a window.
        if seq[0] not in tokens and not (fuzzy and len(seq) >= 2 and seq[1] in tokens):
            return []
        n, hits = len(seq), []
        for i in range(len(tokens) - n + 1):
            window = tokens[i:i + n]
            if tuple(window) == seq:
                hits.append((i, False))
            elif fuzzy:
                misses = [(a, b) for a, b in zip(window, seq) if a != b]
                # A typo keeps the word's first letter: "chánh" is "chính", "phòng kế" is not "thống kê".
                if (len(misses) == 1 and min(len(misses[0][0]), len(misses[0][1])) >= self.fuzzy_len
                        and misses[0][0][0] == misses[0][1][0] and Levenshtein.distance(*misses[0]) <= 1):
                    hits.append((i, True))
        return hits

    def org_prefix(self, text: str | None) -> int:
        """How many leading words of a text (as written) name an agency ("Sở", "Phòng",
        "Trung tâm"): a label after them is part of the agency's name ("Sở Kế hoạch và Đầu
        tư"), not a section."""
        tokens = _words(text)
        for seq in self.org_words:
            if tuple(tokens[:len(seq)]) == seq and len(tokens) > len(seq):
                return len(seq)
        return 0

    def foreign(self, host: str) -> bool:
        """A web archive, an app store, a social network: never a page of an agency's portal."""
        return bool(host) and any(host == h or host.endswith("." + h) for h in self.settings.get("foreign_hosts", ()))

    def related(self, key: str, other: str) -> bool:
        """May a page named after `other` hold `key` (leaders on the organisation page)?"""
        return frozenset((key, other)) in self.related_pairs or key in self.within.get(other, ()) \
            or other in self.within.get(key, ())

    def has_decoy(self, tokens: list[str], key: str) -> bool:
        """Does a folded word list hold one of the key's decoys?"""
        for seq, anchored in self.sections[key].decoys:
            hits = self._find(tokens, seq, False)
            if hits and (not anchored or hits[0][0] == 0):
                return True
        return False

    # --- matching ------------------------------------------------------------
    def match_words(self, folded: str, keys=None, slug: bool = False, raw: str | None = None) -> list[Match]:
        """Keys whose labels cover a folded word string (link text, title, box title; `slug`:
        URL or file-name words, where Liferay's dropped "đ" is expected). `raw`: the text
        as written, to tell an agency's name ("Sở Kế hoạch và Đầu tư") from a label, or a
        news category ("Tin đấu thầu"). Menus repeat on every page: answers are cached."""
        raw_marks = (self.org_prefix(raw), _words(raw)[:1] == ["tin"]) if raw else (0, False)
        return list(self._match_words(folded, tuple(keys) if keys else None, slug, raw_marks))

    @lru_cache(maxsize=32768)  # noqa: B019 - one Lexicon per process (load_lexicon is cached): nothing leaks
    def _match_words(self, folded: str, keys, slug: bool, raw_marks: tuple[int, bool]) -> tuple[Match, ...]:
        tokens = folded.split()
        if not tokens or len(tokens) > self.max_words:
            return []
        filler = set()
        for seq in self.fillers:
            for i, _ in self._find(tokens, seq, False):
                filler.update(range(i, i + len(seq)))
        noise = {i for i, t in enumerate(tokens) if t.isdigit() or len(t) == 1}
        org, news_text = raw_marks
        out = []
        for key in keys or self.sections:
            spec = self.sections[key]
            if self.has_decoy(tokens, key):
                continue
            covered, best, fuzzy_used, strong = set(), None, False, False
            for seq, label, slug_only, weak in spec.labels:
                if slug_only and not slug:
                    continue
                # Typos are tolerated in phrases people type, not in acronyms ("ttbc" is
                # not "tthc") nor in file names and slugs, which are machine-made.
                for i, fuzzy in self._find(tokens, seq, not slug and len(seq) >= 2):
                    if org and i != 0:
                        continue  # inside an agency's name
                    span = set(range(i, i + len(seq)))
                    if best is None or (not weak, len(seq)) > best[0]:
                        best = ((not weak, len(seq)), label)
                    covered |= span
                    fuzzy_used = fuzzy_used or fuzzy
                    strong = strong or not weak
            if not covered:
                continue
            meaningful = {i for i in range(len(tokens)) if i not in noise and (i not in filler or i in covered)}
            if not meaningful:
                continue
            coverage = len(covered & meaningful) / len(meaningful)
            if coverage >= self.min_coverage:
                # "Tin đấu thầu", "Tin văn bản": a news category about the topic; the page must say more.
                news = key not in self.news_keys and news_text
                out.append(Match(key, round(coverage, 3), best[1], fuzzy_used, weak=not strong or news))
        return tuple(out)

    def match_compact(self, squeezed: str, keys=None) -> list[Match]:
        """Keys found in a squeezed image name (`congkhaingansach`, `ttpbgdpl`)."""
        if len(squeezed) < 3:
            return []
        out = []
        for key in keys or self.sections:
            spec = self.sections[key]
            if any(d in squeezed for d in spec.compact_decoys):
                continue
            spans, label = [], None
            for pattern in spec.img_patterns:
                for m in pattern.finditer(squeezed):
                    spans.append((m.start(), m.end()))
                    label = label or f"img:{pattern.pattern}"
            for word, written in spec.compact_labels:
                start = squeezed.find(word)
                if start >= 0:
                    spans.append((start, start + len(word)))
                    label = written if label is None or label.startswith("img:") else label
            if not spans:
                continue
            covered = set()
            for a, b in spans:
                covered.update(range(a, b))
            coverage = len(covered) / len(squeezed)
            if coverage >= self.min_coverage:
                out.append(Match(key, round(coverage, 3), label))
        return out

    def match_image(self, src: str, keys=None) -> list[Match]:
        """An image's file names (Liferay keeps the real name in the folder before the copy)."""
        best: dict[str, Match] = {}
        path = re.sub(r"[?#].*$", "", src or "")
        segments = [seg for seg in path.split("/") if re.search(r"\.(png|jpe?g|gif|svg|webp|bmp)$", seg, re.I)]
        for seg in segments[-2:]:
            words = file_words(seg)
            for m in self.match_words(words, keys, slug=True) + self.match_compact(_compact_file(words), keys):
                if m.key not in best or m.coverage > best[m.key].coverage:
                    best[m.key] = m
        return list(best.values())

    def match_slug(self, url: str, offsite: bool, keys=None) -> list[Match]:
        """Keys in a link's URL: the words of its last path segment and query, and the slug
        patterns — on the end of the address first; on its folders (a SharePoint subsite
        `/thutuchanhchinh/Pages/default.aspx`) only when the end names no section, so that
        `/thutuchanhchinh/Lists/DSHoiDap/...` is Q&A, not procedures."""
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        last = segments[-1] if segments else ""
        if offsite and not last:
            last = parts.hostname or ""
        words = url_words("/" + last + ("?" + parts.query if parts.query else ""))
        if offsite:
            words = (fold((parts.hostname or "").replace(".", " ")) + " " + words).strip()
        tokens = words.split()
        found = {m.key: m for m in self.match_words(words, keys, slug=True)}
        tail = unquote("/" + last + "?" + parts.query).lower()
        where = unquote(parts.path + "?" + parts.query).lower()
        if offsite:
            where = (parts.hostname or "") + where
        for place in (tail, where):
            for key in keys or self.sections:
                spec = self.sections[key]
                if key in found or not any(p.search(place) for p in spec.slug_patterns):
                    continue
                if self.has_decoy(tokens, key) or len(tokens) > self.max_words:
                    continue
                found[key] = Match(key, self.min_coverage, f"slug:{place[:60]}")
            if found:
                break
        return list(found.values())


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    file = Path(path) if path else DATA / "lexicon.yaml"
    return Lexicon(yaml.safe_load(file.read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def load_functions(path: str | None = None) -> dict:
    """checks/data/functions.yaml: labels, patterns, thresholds and legal references of §3."""
    file = Path(path) if path else DATA / "functions.yaml"
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def load_hints(path: str | Path | None) -> dict[str, dict[str, dict]]:
    """A per-portal hints file an agency supplies in a self-test.

        <target id>:
          van_ban: https://example.gov.vn/van-ban        # a URL
          lich_cong_tac: {selector: "#menu a.lich"}       # or a CSS selector on the homepage
          search: {url: "https://example.gov.vn/tim-kiem?q={q}"}

    A self-test of one portal may leave the target id out (keys at the top level): the
    hints then apply to any target, under the id "*".
    Returns {target id: {key: {"url": ...} | {"selector": ...}}}.
    """
    from checks.model import FUNCTION_KEYS, SECTION_KEYS

    if not path:
        return {}
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a hints file maps target ids to keys")
    if data and set(data) <= set(SECTION_KEYS) | set(FUNCTION_KEYS):
        data = {"*": data}
    hints: dict[str, dict[str, dict]] = {}
    for target_id, keys in data.items():
        if not isinstance(keys, dict):
            raise ValueError(f"{path}: {target_id}: expected key: URL or key: {{selector: ...}}")
        out = {}
        for key, value in keys.items():
            if isinstance(value, str):
                value = {"selector": value} if not re.match(r"^(https?:)?//|^/", value) else {"url": value}
            if not isinstance(value, dict) or not ({"url", "selector"} & value.keys()):
                raise ValueError(f"{path}: {target_id}.{key}: give a url or a selector")
            out[str(key)] = value
        hints[str(target_id)] = out
    return hints
