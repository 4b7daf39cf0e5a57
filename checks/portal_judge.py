"""Everything the portal check judges from a homepage and the pages its chains ask for.

`PortalJudge` is built once per portal, from its homepage (and the site's answer to a
random path, its soft-404 fingerprint). It holds one chain per section and per function
that needs other pages (checks/section_chain.py, checks/function_chains.py) and gives
the verdicts the homepage alone decides (related links, EMC, mobile). A driver fetches
what the chains ask for and feeds them:

- the portal spider (spiders/portal.py) over the network;
- `judge_offline` here, from a function that answers a `Fetch` with a Page (saved copies,
  a test's dict, the neutral stand-ins of `make accuracy`) — the same chains, the same
  order, so an offline test measures what a sweep does.

Verdicts not made here: HTTPS and reachability (they need the TLS probe and the
http/https variants the spider fetches). Pure.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin

from checks.candidates import find_candidates
from checks.function_chains import LINKED, LinkChain, PrintChain, SearchChain
from checks.functions import (
    AUDITED,
    Found,
    emc,
    image_link_alt,
    lang_vi,
    mobile,
    not_measured,
    print_button,
    related_links,
)
from checks.functions import legal_ref as function_legal
from checks.lexicon import Lexicon, load_lexicon
from checks.model import FUNCTION_KEYS, SECTION_KEYS, Observation, Page
from checks.page_content import site_template
from checks.section_chain import Fetch, PortalView, SectionChain, unjudged_observation
from checks.sections import HomeDoc, contact_details, host_of, read_home


class PortalJudge:
    def __init__(self, home: HomeDoc, lex: Lexicon | None = None, hints: dict | None = None,
                 random_page: Page | None = None, rendered: bool = False, render_reason: str | None = None):
        self.lex = lex = lex or load_lexicon()
        hints = hints or {}
        self.home = home
        # Contact details in the footer, or at the end of the page (many portals' address
        # sits in an unmarked last table).
        contact = contact_details(home.footer_text) or contact_details(home.end_text)
        self.view = PortalView(home, site_template(home), lex, random_page, rendered, render_reason, contact)
        candidates = find_candidates(home, lex, hints)
        self.chains: dict = {key: SectionChain(key, candidates.get(key, []), self.view) for key in SECTION_KEYS}
        self.chains["search"] = SearchChain(home, self.view.template, hints.get("search"))
        for key, module in LINKED.items():
            hint = hints.get(key, {})
            items = [Found(urljoin(home.base_url, hint["url"]), hint["url"], "hint")] if hint.get("url") \
                else module.candidates(home)
            self.chains[key] = LinkChain(key, items, self.view.template)
        self.chains["print"] = PrintChain(print_button.articles(home))
        self.closed: set[str] = set()

    @property
    def host(self) -> str:
        return self.home.host

    def homepage_observations(self, audits: tuple[str, ...] = ()) -> list[Observation]:
        """The verdicts the homepage alone decides; the criteria of browser audits not in
        `audits` are not measured (those that are come from the audit, crawler/browser/audits.py)."""
        out = [check.check(self.home) for check in (related_links, emc, mobile, lang_vi, image_link_alt)]
        return out + [not_measured(key) for audit, keys in AUDITED.items() if audit not in audits for key in keys]

    def startable(self) -> list[str]:
        """Chains to start now. Print waits for the news section when the homepage shows no article."""
        return [key for key in self.chains if key != "print" or self.chains["print"].items]

    def close(self, key: str) -> tuple[list[Observation], list[str]]:
        """A finished chain's verdicts (once), and the chains that may start because of it."""
        if key in self.closed:
            return [], []
        self.closed.add(key)
        follow = []
        printing = self.chains["print"]
        if key == "tin_tuc" and not printing.items and "print" not in self.closed:
            printing.add_articles_from(self.chains["tin_tuc"].item_page, self.lex)
            follow.append("print")
        return self.chains[key].observations(), follow


def unjudged_portal(status: str, lex: Lexicon | None = None, **extra) -> list[Observation]:
    """Nothing on the portal can be judged (homepage blocked, down…): every section and
    function is inconclusive with the homepage's status, never a fail."""
    lex = lex or load_lexicon()
    return [unjudged_observation("section", key, lex.sections[key].legal_ref, status, **extra) for key in SECTION_KEYS] \
        + [unjudged_observation("function", key, function_legal(key), status, **extra) for key in FUNCTION_KEYS]


def run_chains(judge: PortalJudge, get_page: Callable[[Fetch], Page],
               may_follow: Callable[[str], bool] | None = None) -> list[Observation]:
    """Drive every chain to its end with pages from `get_page` (no network here)."""
    out = judge.homepage_observations()
    pending = judge.startable()
    while pending:
        key = pending.pop(0)
        chain = judge.chains[key]
        while (fetch := chain.next_fetch()) is not None:
            if host_of(fetch.url) != judge.host and may_follow is not None and not may_follow(fetch.url):
                chain.unfetched("offsite_not_followed")
                continue
            chain.feed(get_page(fetch))
        observations, follow = judge.close(key)
        out += observations
        pending += follow
    return out


def judge_offline(home_page: Page, get_page: Callable[[Fetch], Page], *, random_page: Page | None = None,
                  hints: dict | None = None, lex: Lexicon | None = None,
                  may_follow: Callable[[str], bool] | None = None) -> list[Observation]:
    """Sections, content and functions (all but HTTPS) of a portal whose pages `get_page`
    answers: the spider's chains, run offline. `may_follow(url)` False is a link to
    another site the spider would not fetch (PORTALCHECK_FOLLOW_OFFSITE)."""
    lex = lex or load_lexicon()
    if not home_page.ok:
        return [o for o in unjudged_portal(home_page.status, lex) if o.key != "https"]
    home = read_home(home_page, None, lex)
    judge = PortalJudge(home, lex, hints, random_page, rendered=home_page.rendered)
    return run_chains(judge, get_page, may_follow)
