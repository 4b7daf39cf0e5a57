"""The portal spider: reachability, required sections and support functions of each portal.

Flow per target (issue "Portal checks"):
1. start: the homepage, a random path (soft-404 fingerprint), robots.txt, sitemap.xml,
   the http/https/www variants; a certificate check in a thread.
2. homepage: parsed once; re-fetched in Chromium only when `needs_rendering` says its
   links are drawn by scripts.
3. launch, once the homepage is read AND the random path answered: the fingerprint goes
   into `self.not_found` (so section pages are classified against it), then every
   section's candidate links are tried best first until one leads to a live, non-empty
   page; functions fetch what they need (search results, feed, site map, English page,
   one article). A page that looks empty but has scripts is rendered before it is
   called empty.
4. target_done: reachability and HTTPS verdicts, then the TargetItem.
Judgement lives in checks/ (pure); this module only fetches and routes.
Settings: PORTALCHECK_HINTS (or -a hints=FILE), PORTALCHECK_FOLLOW_OFFSITE (all |
private | none), PORTALCHECK_TLS_CHECK; renders need PORTALCHECK_BROWSER (when it is off,
or Chromium fails, what needed a render is inconclusive: render_failed).
"""
from __future__ import annotations

import secrets
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from checks import reachability as reach
from checks.fetch_status import NotFoundFingerprint
from checks.functions import NOT_MEASURED, Found, chain_observation, emc, english, https, mobile, not_measured
from checks.functions import legal_ref as function_legal
from checks.functions import observation, print_button, related_links, rss, search, site_map
from checks.lexicon import load_hints, load_lexicon
from checks.model import FUNCTION_KEYS, SECTION_KEYS, Page
from checks.rendering import judged_without_render, needs_rendering
from checks.section_content import (TargetResult, chrome_of, judge_target, section_observation, soft_404_overridden,
                                    unjudged_observation)
from checks.sections import clean_url, contact_details, find_candidates, host_of, parse_html, read_home
from crawler.items import ObservationItem, TargetItem
from crawler.targets import is_private_address
from spiders.base import PortalcheckSpider

_TLS_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="tls-check")
_CHAINED = {"site_map": site_map, "rss": rss, "english": english}


def tls_probe(host: str, port: int, timeout: float) -> dict:
    """Verify a server's certificate with Python's ssl module, in a thread: Scrapy's TLS
    context accepts any certificate by design, so it cannot say whether one is valid."""
    out: dict[str, Any] = {"host": host, "port": port}
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except socket.timeout:
        return {**out, "connect": False, "timeout": True, "error": "timeout"}
    except OSError as exc:
        return {**out, "connect": False, "error": str(exc)[:200]}
    out["connect"] = True
    try:
        with ssl.create_default_context().wrap_socket(sock, server_hostname=host) as tls:
            cert = tls.getpeercert()
            out.update(handshake=True, verified=True, not_after=cert.get("notAfter"), protocol=tls.version(),
                       issuer=_name(cert.get("issuer")), subject=_name(cert.get("subject")))
    except ssl.SSLCertVerificationError as exc:
        out.update(handshake=True, verified=False, error=(exc.verify_message or str(exc))[:200])
        out.update(_unverified_details(host, port, timeout))
    except socket.timeout:
        out.update(handshake=False, timeout=True, error="timeout")
    except (ssl.SSLError, OSError) as exc:
        out.update(handshake=False, verified=False, error=str(exc)[:200])
    finally:
        sock.close()
    out["days_to_expiry"] = reach.certificate_days(out.get("not_after"))
    return out


def _name(rdns) -> str | None:
    return ", ".join(f"{k}={v}" for rdn in rdns or () for k, v in rdn) or None


def _unverified_details(host: str, port: int, timeout: float) -> dict:
    """Expiry and names of a certificate that failed verification, to say why."""
    try:
        from cryptography import x509

        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                ctx.wrap_socket(raw, server_hostname=host) as tls:
            cert = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
        return {"not_after": cert.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ"),
                "issuer": cert.issuer.rfc4514_string(), "subject": cert.subject.rfc4514_string()}
    except Exception:  # details are a courtesy; the verdict is already known
        return {}


@dataclass
class Chain:
    """Candidates of one check, tried best first until one is good. `results` holds
    (ok, TargetResult) for a section, (ok, Observation) for a function."""

    items: list = field(default_factory=list)
    results: list = field(default_factory=list)
    index: int = 0
    done: bool = False


@dataclass
class State:
    home_page: Page | None = None
    home: Any = None  # checks.sections.HomeDoc
    chrome: Any = None
    random_page: Page | None = None
    random_done: bool = False
    launched: bool = False
    rendered: bool = False
    render_reason: str | None = None
    render_error: str | None = None  # the homepage needed a browser and did not get one
    home_variant: str | None = None
    aux: dict[str, Page] = field(default_factory=dict)
    tls: Any = None  # Future of tls_probe
    chains: dict[str, Chain] = field(default_factory=dict)
    emitted: set = field(default_factory=set)
    news_page: Page | None = None
    search: tuple | None = None  # (form, query)
    tool_error: bool = False


class PortalSpider(PortalcheckSpider):
    name = "portal"

    def __init__(self, *args, hints: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints_file = hints
        self.states: dict[str, State] = {}
        self.lex = load_lexicon()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.hints = load_hints(spider.hints_file or s.get("PORTALCHECK_HINTS"))
        policy = str(s.get("PORTALCHECK_FOLLOW_OFFSITE", "all")).lower()
        spider.offsite_policy = {"0": "none", "false": "none", "1": "all", "true": "all"}.get(policy, policy)
        spider.tls_enabled = s.getbool("PORTALCHECK_TLS_CHECK", True)
        spider.tls_timeout = min(s.getfloat("DOWNLOAD_TIMEOUT", 20), 10.0)
        return spider

    # --- start -------------------------------------------------------------
    def start_target(self, target):
        state = self.states[target.id] = State()
        url = target.portal_url
        requests = [self.fetch(url, self.on_home, target, "homepage", priority=20),
                    self.fetch(reach.random_path_url(url, secrets.token_hex(6)), self.on_random, target,
                               "random_path", priority=20)]
        for slot, path in (("robots", "/robots.txt"), ("sitemap", "/sitemap.xml")):
            requests.append(self.fetch(reach.root_url(url, path), self.on_aux, target, slot, meta={"pc_slot": slot}))
        for name, variant in reach.variant_urls(url).items():
            if clean_url(variant) == clean_url(url):
                state.home_variant = name  # the homepage fetch answers for this variant
            else:
                requests.append(self.fetch(variant, self.on_aux, target, "variant", meta={"pc_slot": name}))
        if self.tls_enabled:
            root = urlsplit(reach.variant_urls(url)["https"])
            state.tls = _TLS_POOL.submit(tls_probe, root.hostname, root.port or 443, self.tls_timeout)
        return [r for r in requests if r is not None]

    def on_aux(self, page: Page, meta: dict):
        self.states[meta["pc_target"]].aux[meta["pc_slot"]] = page
        return ()

    def on_random(self, page: Page, meta: dict):
        state = self.states[meta["pc_target"]]
        state.random_page, state.random_done = page, True
        yield from self.maybe_launch(meta["pc_target"])

    # --- homepage ----------------------------------------------------------
    def on_home(self, page: Page, meta: dict):
        target_id = meta["pc_target"]
        state = self.states[target_id]
        state.home_page = page
        if state.home_variant:
            state.aux[state.home_variant] = page
        if not page.ok:
            yield from self.homepage_unreadable(target_id, page.status)
            return
        soup = parse_html(page.text)
        render, why = needs_rendering(page, soup)
        if render:
            state.render_reason = why
            request = self.render(page.final_url, self.on_home_rendered, target_id, "homepage_rendered",
                                  priority=20)
            if request is not None:
                request.meta["pc_static"] = (page, soup)
                yield request
                return
        state.home = read_home(page, soup, self.lex)
        yield from self.maybe_launch(target_id)

    def on_home_rendered(self, page: Page, meta: dict):
        state = self.states[meta["pc_target"]]
        if page.ok and page.text:
            state.rendered, state.home = True, read_home(page, None, self.lex)
        else:  # the browser failed: judge what the plain fetch gave, and say so
            static, soup = meta["pc_static"]
            state.home = read_home(static, soup, self.lex)
            state.render_reason = f"{state.render_reason}; render failed: {page.status}"
            state.render_error = page.error or page.status
        yield from self.maybe_launch(meta["pc_target"])

    def homepage_unreadable(self, target_id: str, status: str):
        """Nothing on the portal can be judged: every section and function is inconclusive."""
        for key in SECTION_KEYS:
            yield self.emit(target_id, unjudged_observation(
                "section", key, self.lex.sections[key].legal_ref, status, homepage_status=status))
        for key in FUNCTION_KEYS:
            yield self.emit(target_id, unjudged_observation(
                "function", key, function_legal(key), status, homepage_status=status))

    def maybe_launch(self, target_id: str):
        state = self.states[target_id]
        if state.launched or state.home is None or not state.random_done:
            return
        state.launched = True
        home, random = state.home, state.random_page
        if random is not None and random.http_status is not None:
            # Set once the homepage is judged (a site answering every path with its homepage
            # must not make the homepage a soft 404), and before any section is fetched.
            self.not_found[target_id] = NotFoundFingerprint.from_page(random.http_status, random.text)
        state.chrome = chrome_of(home)
        candidates = find_candidates(home, self.lex, self.hints_for(target_id))
        # Print is judged on an article: the homepage's, or else one the news section lists.
        state.chains["print"] = Chain(items=[Found(h, h, "article") for h in print_button.articles(home)])
        for key in SECTION_KEYS:
            state.chains[key] = Chain(items=candidates.get(key, []))
            yield from self.advance(target_id, key)
        for check in (related_links, emc, mobile):
            yield self.emit(target_id, check.check(home))
        for key in NOT_MEASURED:
            yield self.emit(target_id, not_measured(key))
        yield from self.start_search(target_id)
        for key, module in _CHAINED.items():
            hint = self.hints_for(target_id).get(key, {})
            items = [Found(urljoin(home.base_url, hint["url"]), hint["url"], "hint")] if hint.get("url") \
                else module.candidates(home)
            state.chains[key] = Chain(items=items)
            yield from self.advance(target_id, key)
        if state.chains["print"].items:
            yield from self.advance(target_id, "print")

    # --- candidate chains (sections, site map, RSS, English, print) ----------
    def advance(self, target_id: str, key: str):
        """Fetch the chain's next candidate, or give its verdict when none is left."""
        state = self.states[target_id]
        chain = state.chains[key]
        while chain.index < len(chain.items):
            href = chain.items[chain.index].href
            offsite = host_of(href) != state.home.host and not self.may_follow(href)
            purpose = "section" if key in SECTION_KEYS else "function"
            request = None if offsite else self.fetch(href, self.on_item, target_id, purpose, meta={"pc_key": key})
            if request is not None:
                yield request
                return
            reason = "offsite_not_followed" if offsite else "page_budget"
            chain.results.append((None, TargetResult(href=href, status="not_fetched", reason=reason)
                                  if key in SECTION_KEYS else observation(key, "inconclusive", reason=reason, href=href)))
            chain.index += 1
        yield from self.finish(target_id, key)

    def on_item(self, page: Page, meta: dict):
        target_id, key = meta["pc_target"], meta["pc_key"]
        state = self.states[target_id]
        chain = state.chains[key]
        item = chain.items[chain.index]
        if key in SECTION_KEYS:
            if soft_404_overridden(page, state.random_page, state.chrome, self.lex):
                page.status, page.error = "live", "soft_404 fingerprint overridden: own content differs"
            result = judge_target(page, key, state.chrome, None, self.lex)
            if result.reason == "needs_rendering" and not page.rendered:
                request = self.render(page.url, self.on_item, target_id, "section_rendered", meta={"pc_key": key})
                if request is not None:
                    yield request
                    return
            ok = result.ok
            if ok and key == "tin_tuc":
                state.news_page = page
        elif key == "print":
            ok, result = print_button.judge(page)
        elif key == "rss":
            ok, result, feeds = rss.judge(page, item)
            known = {i.href for i in chain.items}
            chain.items[chain.index + 1:chain.index + 1] = [
                Found(f, f"feed listed on {page.final_url}", "feed_page") for f in feeds if f not in known]
        elif key == "english":
            ok, result = english.judge(page, item, state.chrome)
        else:
            ok, result = site_map.judge(page, item)
        chain.results.append((ok, result))
        chain.index += 1
        if ok or (key == "print" and ok is False):  # print: the first readable article decides
            yield from self.finish(target_id, key)
        else:
            yield from self.advance(target_id, key)

    def finish(self, target_id: str, key: str):
        state = self.states[target_id]
        chain = state.chains[key]
        if chain.done:
            return
        chain.done = True
        if key not in SECTION_KEYS:
            missing = print_button.no_article() if key == "print" else _CHAINED[key].missing()
            yield self.emit(target_id, chain_observation(key, chain.results, missing))
            return
        contact = contact_details(state.home.footer_text) if key == "lien_he" else None
        obs = section_observation(key, chain.items, [r for _, r in chain.results], contact, state.rendered, self.lex)
        if state.render_reason:
            obs.evidence["render_reason"] = state.render_reason
        yield self.emit(target_id, obs)
        printing = state.chains["print"]
        if key == "tin_tuc" and not printing.items and not printing.done:
            if state.news_page is not None:
                news = read_home(state.news_page, None, self.lex)
                printing.items = [Found(h, h, "article") for h in print_button.articles(news)]
            yield from self.advance(target_id, "print")

    # --- search -------------------------------------------------------------
    def start_search(self, target_id: str):
        state = self.states[target_id]
        home = state.home
        form, query = search.find_form(home), search.choose_query(home)
        hint = self.hints_for(target_id).get("search", {})
        if hint.get("url"):  # the agency's results URL, "{q}" standing for the query
            form = search.SearchForm(action=urljoin(home.base_url, hint["url"]), method="GET", field="", label="hint")
        if form is None:
            yield self.emit(target_id, search.without_form(home))
            return
        if query is None or (host_of(form.action) != home.host and not self.may_follow(form.action)):
            reason = "no_query_word" if query is None else "offsite_not_followed"
            yield self.emit(target_id, observation("search", "inconclusive", reason=reason, href=form.action))
            return
        url, method, body = search.request_for(form, query)
        if form.label == "hint":
            url = form.action.replace("%7Bq%7D", quote(query)).replace("{q}", quote(query))
        state.search = (form, query)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if method == "POST" else None
        request = self.fetch(url, self.on_search, target_id, "function", method=method, body=body, headers=headers)
        if request is None:
            yield self.emit(target_id, observation("search", "inconclusive", reason="page_budget"))
        else:
            yield request

    def on_search(self, page: Page, meta: dict):
        target_id = meta["pc_target"]
        state = self.states[target_id]
        form, query = state.search
        obs = search.judge_results(page, query, form, state.chrome)
        if obs is None and not page.rendered and form.method == "GET":
            request = self.render(page.url, self.on_search, target_id, "function_rendered")
            if request is not None:
                yield request
                return
        yield self.emit(target_id, obs or observation(
            "search", "inconclusive", reason="results_need_rendering", url=page.final_url))

    # --- helpers -------------------------------------------------------------
    def fetch(self, *args, **kwargs):
        """Every page this spider fetches is one hop from the homepage: candidates are tried
        one after another, so Scrapy's depth would grow with each dead link and DEPTH_LIMIT
        would silently drop the next one (and the target would never finish). The chains
        are bounded by max_candidates and PORTALCHECK_MAX_PAGES_PER_TARGET instead."""
        request = super().fetch(*args, **kwargs)
        if request is not None:
            request.meta["depth_reset"] = True
        return request

    def hints_for(self, target_id: str) -> dict:
        """The agency's hints for this portal (a self-test's file may name no target)."""
        return self.hints.get(target_id) or self.hints.get("*") or {}

    def may_follow(self, url: str) -> bool:
        """May the spider fetch a link to another site? "private": loopback/private
        addresses only (tests and the demo farm never reach the Internet)."""
        if self.offsite_policy == "private":
            return is_private_address(urlsplit(url).hostname or "")
        return self.offsite_policy != "none"

    def render(self, url: str, handler, target_id: str, purpose: str, **kwargs):
        """Fetch in Chromium, waiting for the network to settle (lists loaded by AJAX, menus
        built from an API), in a pooled page of the target's context (crawler.browser.PagePool,
        which gives pages back and closes contexts itself)."""
        return self.fetch(url, handler, target_id, purpose, render=True, render_wait="networkidle", **kwargs)

    def emit(self, target_id: str, obs) -> ObservationItem:
        state = self.states[target_id]
        state.emitted.add((obs.category, obs.key))
        if state.render_error and obs.category in ("section", "function") and obs.key != "https":
            obs = judged_without_render(obs, state.render_error)
        return ObservationItem.from_observation(target_id, obs)

    def handler_failed(self, page: Page, meta: dict):
        self.states[meta["pc_target"]].tool_error = True
        return ()

    # --- the end -------------------------------------------------------------
    def target_done(self, target):
        state = self.states.get(target.id) or State()
        home = state.home_page
        reason = "tool_error" if state.tool_error else "not_checked"
        for category, keys in (("section", SECTION_KEYS), ("function", FUNCTION_KEYS)):
            for key in keys:
                if (category, key) not in state.emitted and key != "https":
                    ref = self.lex.sections[key].legal_ref if category == "section" else function_legal(key)
                    yield self.emit(target.id, unjudged_observation(category, key, ref, reason))
        tls = None
        if state.tls is not None:
            try:  # started first, so nearly always done by now
                tls = state.tls.result(timeout=self.tls_timeout)
            except Exception:
                tls = None
        aux = state.aux
        https_page = aux.get("https") or aux.get("https_www")
        live = home is not None and home.ok
        if live:
            yield self.emit(target.id, https.judge(https_page, tls, aux.get("http")))
        elif ("function", "https") not in state.emitted:
            yield self.emit(target.id, unjudged_observation("function", "https", function_legal("https"),
                                                            home.status if home else "not_fetched"))
        variants = {k: v for k, v in aux.items() if k.startswith("http")}
        for obs in (reach.judge_portal(home), reach.judge_variants(variants),
                    reach.judge_http_to_https(aux.get("http"), https_page), reach.judge_tls(tls, https_page),
                    reach.judge_hsts(https_page), reach.judge_not_found(state.random_page, self.not_found.get(target.id)),
                    reach.judge_robots(aux.get("robots")), reach.judge_sitemap_xml(aux.get("sitemap"))):
            yield self.emit(target.id, obs if live else reach.unjudged(obs, home.status if home else "not_fetched"))
        yield TargetItem(target_id=target.id, portal_status=home.status if home else None,
                         portal_http_status=home.http_status if home else None,
                         portal_final_url=home.final_url if home else None, rendered=state.rendered)
