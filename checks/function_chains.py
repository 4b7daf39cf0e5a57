"""The support functions that need pages besides the homepage, as chains of fetches.

Same protocol as checks/section_chain.SectionChain: `next_fetch()` says which page to
fetch (None when over), `feed(page)` takes it, `unfetched(reason)` says it could not be
fetched, `observations()` gives the verdict. The spider and offline runs drive them.

- site map, RSS, English: the links the module finds (or the agency's hint), tried in turn;
  an HTML page of feeds adds its feed links after itself.
- print: the homepage's articles (or, when it shows none, the news section's), the first
  one that opens decides.
- search: the site's own form, submitted once with a word of the portal's headlines; a
  GET results page that needs scripts is asked for again, rendered.
Pure: the judgement is the function modules' (checks/functions/*).
"""
from __future__ import annotations

from urllib.parse import quote, urljoin

from checks.functions import Found, chain_observation, english, observation, print_button, rss, search, site_map
from checks.model import Observation, Page
from checks.page_content import SiteTemplate
from checks.section_chain import Fetch
from checks.sections import HomeDoc, read_home

LINKED = {"site_map": site_map, "rss": rss, "english": english}


class LinkChain:
    """Site map, RSS or English: candidate links tried until one is good."""

    def __init__(self, key: str, items: list[Found], template: SiteTemplate | None):
        self.key, self.items, self.template = key, list(items), template
        self.results: list[tuple[bool | None, Observation]] = []
        self.waiting: tuple[bool | None, Observation] | None = None  # a site map page being rendered

    @property
    def done(self) -> bool:
        return any(ok for ok, _ in self.results) or len(self.results) >= len(self.items)

    def next_fetch(self) -> Fetch | None:
        if self.done:
            return None
        if self.waiting is not None:
            return Fetch(self.items[len(self.results)].href, "function_rendered", render=True)
        return Fetch(self.items[len(self.results)].href, "function")

    def unfetched(self, reason: str) -> None:
        if self.waiting is not None:  # no render: the plain page's reading stands
            self.results.append(self.waiting)
            self.waiting = None
            return
        href = self.items[len(self.results)].href
        self.results.append((None, observation(self.key, "inconclusive", reason=reason, href=href)))

    def feed(self, page: Page) -> None:
        item = self.items[len(self.results)]
        if self.key == "site_map":
            ok, obs = site_map.judge(page, item)
            if ok is None and obs.evidence.get("reason") == "needs_rendering" and not page.rendered:
                self.waiting = (ok, obs)
                return
            self.waiting = None
            self.results.append((ok, obs))
            return
        if self.key == "rss":
            ok, obs, feeds = rss.judge(page, item)
            # One level down only: a page reached as a listed feed adds nothing, or a site whose
            # pages list ever new "feed" addresses (`…/rss?page=2`, a calendar) keeps the chain going forever.
            if item.matched_by != "feed_page":
                known = {i.href for i in self.items}
                at = len(self.results) + 1
                self.items[at:at] = [Found(f, f"feed listed on {page.final_url}", "feed_page") for f in feeds
                                     if f not in known]
        else:
            ok, obs = english.judge(page, item, self.template)
        self.results.append((ok, obs))

    def observations(self) -> list[Observation]:
        return [chain_observation(self.key, self.results, LINKED[self.key].missing())]


class PrintChain:
    """Print is judged on an article: the first one that opens decides."""

    key = "print"

    def __init__(self, articles: list[str]):
        self.items = list(articles)
        self.results: list[tuple[bool | None, Observation]] = []

    def add_articles_from(self, news_page: Page | None, lex) -> None:
        """The homepage showed no article: take the news section's."""
        if news_page is not None and not self.items:
            self.items = print_button.articles(read_home(news_page, None, lex))

    @property
    def done(self) -> bool:
        return any(ok is not None for ok, _ in self.results) or len(self.results) >= len(self.items)

    def next_fetch(self) -> Fetch | None:
        return None if self.done else Fetch(self.items[len(self.results)], "function")

    def unfetched(self, reason: str) -> None:
        href = self.items[len(self.results)]
        self.results.append((None, observation(self.key, "inconclusive", reason=reason, href=href)))

    def feed(self, page: Page) -> None:
        self.results.append(print_button.judge(page))

    def observations(self) -> list[Observation]:
        return [chain_observation(self.key, self.results, print_button.no_article())]


class SearchChain:
    """The site's own search form, submitted as a browser would, with a word it surely holds."""

    key = "search"

    def __init__(self, home: HomeDoc, template: SiteTemplate | None, hint: dict | None = None):
        self.template = template
        self.form, self.query = search.find_form(home), search.choose_query(home)
        self.verdict: Observation | None = None
        self.fetch: Fetch | None = None
        if hint and hint.get("url"):  # the agency's results URL, "{q}" standing for the query
            self.form = search.SearchForm(action=urljoin(home.base_url, hint["url"]), method="GET", field="",
                                          label="hint")
        if self.form is None:
            self.verdict = search.without_form(home)
        elif self.query is None:
            self.verdict = observation(self.key, "inconclusive", reason="no_query_word", href=self.form.action)
        else:
            url, method, body = search.request_for(self.form, self.query)
            if self.form.label == "hint":
                url = self.form.action.replace("%7Bq%7D", quote(self.query)).replace("{q}", quote(self.query))
            self.fetch = Fetch(url, "function", method=method, body=body)

    @property
    def done(self) -> bool:
        return self.verdict is not None

    def next_fetch(self) -> Fetch | None:
        return None if self.done else self.fetch

    def unfetched(self, reason: str) -> None:
        if self.fetch is not None and self.fetch.render:
            reason = "results_need_rendering"
        self.verdict = observation(self.key, "inconclusive", reason=reason, href=self.form.action)

    def feed(self, page: Page) -> None:
        obs = search.judge_results(page, self.query, self.form, self.template)
        if obs is None and not page.rendered and self.form.method == "GET":
            self.fetch = Fetch(page.url, "function_rendered", render=True)
            return
        self.verdict = obs or observation(self.key, "inconclusive", reason="results_need_rendering",
                                          url=page.final_url)

    def observations(self) -> list[Observation]:
        return [self.verdict]
