"""A required section's candidate links tried best first, and the verdicts they add up to.

One implementation for every caller: the portal spider fetches what `next_fetch()` asks
and hands each page to `feed()`; offline runs (checks/portal_judge.py: the tests and
`make accuracy`) answer from saved pages. Neither judges anything itself.

The chain: the best candidate first; a dead, soft-404, decoy or unconfirmed page sends it
to the next; a page that looks empty but carries scripts is asked for again, rendered,
before it is called empty; an unreadable page (blocked, timeout) proves nothing and the
next candidate is tried. The first page with items ends the chain. A page of the section
that lists nothing yet makes the section present; the next candidates as strong as its link
(the same box's other pages) are still tried for one with items, so the evidence shows
the best page.

Verdicts (requirements.md §2): `section` pass / fail / inconclusive, and, for a present
section reached through a page, a `content` observation under the same key (pass: its page
lists items; fail: it has nothing yet). Pure.
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.candidates import Candidate
from checks.lexicon import Lexicon
from checks.model import Observation, Page
from checks.page_content import SiteTemplate
from checks.section_content import DestinationVerdict, judge_destination, soft_404_overridden
from checks.sections import HomeDoc


@dataclass(frozen=True)
class Fetch:
    """A page a chain asks for."""

    url: str
    purpose: str  # section | section_rendered | function | function_rendered
    render: bool = False
    method: str = "GET"
    body: str | None = None


@dataclass
class PortalView:
    """What every page of one portal is judged against."""

    home: HomeDoc
    template: SiteTemplate
    lex: Lexicon
    random_page: Page | None = None  # the site's answer to a path that cannot exist
    rendered: bool = False  # the homepage was read in a browser
    render_reason: str | None = None
    contact: dict | None = None  # contact details in the homepage's footer


class SectionChain:
    def __init__(self, key: str, candidates: list[Candidate], view: PortalView):
        self.key, self.candidates, self.view = key, list(candidates), view
        self.results: list[DestinationVerdict] = []  # one per candidate tried, in order
        self.waiting: DestinationVerdict | None = None  # the plain page's reading, while it is rendered
        self.found_items = False
        self.item_page: Page | None = None  # the page with items (the news page lists articles to print)

    @property
    def done(self) -> bool:
        if self.found_items or len(self.results) >= len(self.candidates):
            return True
        # After an empty page of the section, only as strong a candidate may still show one
        # with items (the box's next field page); a weaker one would only be worse evidence.
        empty = next((c for c, r in zip(self.candidates, self.results) if r.ok and r.empty), None)
        return empty is not None and self.candidates[len(self.results)].score < empty.score

    def next_fetch(self) -> Fetch | None:
        """The page to fetch now, or None when the chain is over."""
        while not self.done:
            cand = self.candidates[len(self.results)]
            if not cand.href:  # a link only scripts follow: nothing to fetch, nothing proven
                self.results.append(DestinationVerdict(href="", status="not_fetched", reason="script_link"))
                continue
            if self.waiting is not None:
                return Fetch(cand.href, "section_rendered", render=True)
            return Fetch(cand.href, "section", method="POST" if cand.post else "GET", body=cand.post)
        return None

    def unfetched(self, reason: str) -> None:
        """The page asked for was not fetched (another site not followed, the page budget)."""
        if self.waiting is not None:  # no render: the plain page's reading stands
            self.results.append(self.waiting)
            self.waiting = None
            return
        href = self.candidates[len(self.results)].href
        self.results.append(DestinationVerdict(href=href, status="not_fetched", reason=reason))

    def feed(self, page: Page) -> None:
        cand = self.candidates[len(self.results)]
        view = self.view
        if soft_404_overridden(page, view.random_page, view.template, view.lex):
            page.status, page.error = "live", "soft_404 fingerprint overridden: own content differs"
        result = judge_destination(page, self.key, view.template, None, view.lex, cand)
        if result.reason == "needs_rendering" and not page.rendered:
            self.waiting = result
            return
        self.waiting = None
        self.results.append(result)
        self.found_items = bool(result.ok and not result.empty)
        if self.found_items:
            self.item_page = page

    def _best(self) -> tuple[Candidate, DestinationVerdict] | None:
        tried = list(zip(self.candidates, self.results))
        return next(((c, r) for c, r in tried if r.ok and not r.empty), None) or \
            next(((c, r) for c, r in tried if r.ok), None)

    def observations(self) -> list[Observation]:
        obs = section_observation(self.key, self.candidates, self.results, self.view.contact if self.key == "lien_he"
                                  else None, self.view.rendered, self.view.lex)
        if self.view.render_reason:
            obs.evidence["render_reason"] = self.view.render_reason
        out = [obs]
        best = self._best()
        if obs.outcome == "pass" and best is not None and obs.evidence.get("matched_by") != "footer":
            out.append(content_observation(self.key, best[1], self.view.lex))
        return out


def section_observation(key: str, candidates: list[Candidate], results: list[DestinationVerdict],
                        contact: dict | None = None, rendered: bool = False,
                        lex: Lexicon | None = None) -> Observation:
    """The verdict for one key from its candidates (best first) and what each led to.

    pass: a candidate led to a page of the section (one with items first, else an empty
    one; or, for lien_he, the footer has contact details); inconclusive: none did and at
    least one could not be read or followed; fail: no link at all (no_link), or every
    link was dead, blank or a decoy (the best candidate's reason).
    """
    from checks.lexicon import load_lexicon

    lex = lex or load_lexicon()
    spec = lex.sections[key]
    tried = [{**c.evidence(), **r.as_dict()} for c, r in zip(candidates, results)]
    base = {"rendered": rendered, "candidates": tried}
    pairs = list(zip(candidates, results))
    for cand, res in sorted((p for p in pairs if p[1].ok), key=lambda p: p[1].empty):
        if res.empty and key == "lien_he" and contact:
            break  # the contact details are in the footer: an empty contact page is no better evidence
        ev = {**base, **cand.evidence(), "url": res.url, "target_status": res.status,
              "http_status": res.http_status, "snippet": res.snippet, "title": res.title,
              "newest_date": res.newest_date, "target_rendered": res.rendered, "empty": res.empty}
        if res.confirmed_by:
            ev["confirmed_by"] = res.confirmed_by
        return Observation("section", key, "pass", spec.legal_ref, ev)
    if key == "lien_he" and contact:
        ev = {**base, "label": contact["snippet"][:120], "matched_by": "footer", "snippet": contact["snippet"],
              "contact_kinds": contact["kinds"], "target_status": "live"}
        return Observation("section", key, "pass", spec.legal_ref, ev)
    if not candidates or all(c.within for c in candidates) and not any(r.ok is None for r in results):
        # No link of its own; another section's pages were read for it and did not hold it.
        looked = [r.url for r in results if r.url] if candidates else []
        return Observation("section", key, "fail", spec.legal_ref,
                           {**base, "reason": "no_link", **({"looked_within": looked} if looked else {})})
    unread = [r for r in results if r.ok is None]
    first = results[0] if results else None
    if unread or first is None:
        r = unread[0] if unread else None
        ev = {**base, **candidates[0].evidence(), "reason": f"unreadable:{r.reason}" if r else "not_checked",
              "target_status": r.status if r else None, "url": r.url if r else None}
        return Observation("section", key, "inconclusive", spec.legal_ref, ev)
    ev = {**base, **candidates[0].evidence(), "reason": first.reason, "url": first.url,
          "target_status": first.status, "http_status": first.http_status, "snippet": first.snippet,
          "newest_date": first.newest_date}
    return Observation("section", key, "fail", spec.legal_ref, ev)


def content_observation(key: str, result: DestinationVerdict, lex: Lexicon) -> Observation:
    """Does a present section list anything? Category `content`, the section's key: an empty
    section is present (its `section` verdict passes), and this says it is empty."""
    spec = lex.sections[key]
    ev = {"section": key, "label": spec.name, "url": result.url, "newest_date": result.newest_date,
          "words": result.words, "snippet": result.snippet}
    if result.empty:
        ev.update(reason="section_empty", says_empty=result.extra.get("says_empty"))
        return Observation("content", key, "fail", spec.legal_ref, ev)
    return Observation("content", key, "pass", spec.legal_ref, ev)


def unjudged_observation(category: str, key: str, legal_ref: str, reason: str, **extra) -> Observation:
    """Inconclusive verdict when the page a check needs could not be read (homepage down,
    blocked, timeout, tool error): never a fail."""
    return Observation(category, key, "inconclusive", legal_ref, {"reason": reason, **extra})
