"""The portal spider: reachability, required sections and support functions of each portal.

Flow per target (issue "Portal checks"):
1. start: the homepage, a random path (soft-404 fingerprint), robots.txt,
   sitemap.xml, the http/https/www variants; a certificate check in a thread.
2. homepage: parsed once; re-fetched in Chromium only when `needs_rendering`
   says the links are drawn by scripts.
3. when the homepage is read AND the random path answered (so section pages
   are classified against the site's soft-404 fingerprint): every section's
   candidate links are tried best first until one leads to a live, non-empty
   page; functions fetch what they need (search results, feed, site map,
   English page, one article).
4. target_done: reachability and HTTPS verdicts, then the TargetItem.
Judgement lives in checks/ (pure); this module only fetches and routes.
"""
from __future__ import annotations

import asyncio
import secrets
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from urllib.parse import quote, urljoin, urlsplit

from checks import reachability as reach
from checks.fetch_status import NotFoundFingerprint, says_not_found
from checks.functions import NOT_MEASURED, Found, emc, english, https, mobile, not_measured, observation
from checks.functions import legal_ref as function_legal
from checks.functions import print_button, related_links, rss, search, site_map
from checks.lexicon import load_hints, load_lexicon
from checks.model import FUNCTION_KEYS, SECTION_KEYS, Page
from checks.rendering import needs_rendering
from checks.section_content import (TargetResult, chrome_of, judge_target, own_content, section_observation,
                                    unjudged_observation)
from checks.sections import find_candidates, host_of, parse_html, read_home, contact_details
from crawler.items import ObservationItem, TargetItem
from spiders.base import PortalcheckSpider

_TLS_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tls-check")


def tls_probe(host: str, port: int, timeout: float) -> dict:
    """Verify a server's certificate with Python's ssl module (Scrapy's TLS context accepts any
    certificate, by design, so it cannot say whether one is valid). Runs in a thread."""
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
    """Expiry and names of a certificate that failed verification (to say why)."""
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


def release_browser(meta: dict) -> None:
    """Close a rendered page and its context as soon as its outcome is here: contexts are
    limited (PLAYWRIGHT_MAX_CONTEXTS) and a sweep renders page after page."""
    page = meta.pop("playwright_page", None)
    if page is None:
        return

    async def close() -> None:
        context = getattr(page, "context", None)
        for closable in (page, context):
            try:
                await closable.close()
            except Exception:  # already closed: fine
                pass

    asyncio.ensure_future(close())


_RENDER_META = {"playwright_include_page": True}


@dataclass
class Chain:
    """Candidates of one check, tried best first until one is good."""

    items: list = field(default_factory=list)
    results: list = field(default_factory=list)
    index: int = 0
    done: bool = False


@dataclass
class State:
    home_page: Page | None = None
    home: Any = None  # HomeDoc
    chrome: Any = None
    random_page: Page | None = None
    random_done: bool = False
    launched: bool = False
    rendered: bool = False
    render_reason: str | None = None
    aux: dict[str, Page] = field(default_factory=dict)
    tls: Any = None  # Future of tls_probe
    chains: dict[str, Chain] = field(default_factory=dict)
    emitted: set = field(default_factory=set)
    search_form: Any = None
    query: str | None = None
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
        spider.follow_offsite = s.getbool("PORTALCHECK_FOLLOW_OFFSITE", True)
        spider.render_enabled = s.getbool("PORTALCHECK_RENDER", True)
        spider.tls_enabled = s.getbool("PORTALCHECK_TLS_CHECK", True)
        spider.tls_timeout = min(s.getfloat("DOWNLOAD_TIMEOUT", 20), 10.0)
        return spider

    # --- start -------------------------------------------------------------
    def start_target(self, target):
        return [r for r in self._start_requests(target) if r is not None]

    def _start_requests(self, target):
        state = self.states[target.id] = State()
        url = target.portal_url
        yield self.fetch(url, self.on_home, target, "homepage", priority=20)
        token = secrets.token_hex(6)
        yield self.fetch(reach.random_path_url(url, token), self.on_random, target, "random_path", priority=20)
        for slot, path in (("robots", "/robots.txt"), ("sitemap", "/sitemap.xml")):
            yield self.fetch(reach.root_url(url, path), self.on_aux, target, slot, meta={"pc_slot": slot})
        for name, variant in reach.variant_urls(url).items():
            yield self.fetch(variant, self.on_aux, target, "variant", meta={"pc_slot": name})
        if self.tls_enabled:
            https_root = urlsplit(reach.variant_urls(url)["https"])
            state.tls = _TLS_POOL.submit(tls_probe, https_root.hostname, https_root.port or 443, self.tls_timeout)

    def on_aux(self, page: Page, meta: dict):
        self.states[meta["pc_target"]].aux[meta["pc_slot"]] = page
        return ()

    def on_random(self, page: Page, meta: dict):
        state = self.states[meta["pc_target"]]
        state.random_page, state.random_done = page, True
        if page.http_status is not None:
            # Stored before any section page is fetched: those are classified against it.
            self.not_found[meta["pc_target"]] = NotFoundFingerprint.from_page(page.http_status, page.text)
        yield from self.maybe_launch(meta["pc_target"])

    # --- homepage ----------------------------------------------------------
    def on_home(self, page: Page, meta: dict):
        target_id = meta["pc_target"]
        state = self.states[target_id]
        state.home_page = page
        if not page.ok:
            yield from self.homepage_unreadable(target_id, page.status)
            return
        soup = parse_html(page.text)
        render, why = needs_rendering(page, soup)
        if render and self.render_enabled:
            state.render_reason = why
            request = self.fetch(page.final_url, self.on_home_rendered, target_id, "homepage_rendered",
                                 render=True, priority=20, meta=dict(_RENDER_META))
            if request is not None:
                request.meta["pc_static"] = (page, soup)
                yield request
                return
        state.home = read_home(page, soup, self.lex)
        yield from self.maybe_launch(target_id)

    def on_home_rendered(self, page: Page, meta: dict):
        release_browser(meta)
        state = self.states[meta["pc_target"]]
        if page.ok and page.text:
            state.rendered, state.home = True, read_home(page, None, self.lex)
        else:  # the browser failed: judge what the plain fetch gave, and say so
            static, soup = meta["pc_static"]
            state.home = read_home(static, soup, self.lex)
            state.render_reason = f"{state.render_reason}; render failed: {page.status}"
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
        home = state.home
        state.chrome = chrome_of(home)
        cands = find_candidates(home, self.lex, self.hints.get(target_id))
        for key in SECTION_KEYS:
            state.chains[key] = Chain(items=cands.get(key, []))
            yield from self.next_section(target_id, key)
        for module in (related_links, emc, mobile):
            yield self.emit(target_id, module.check(home))
        for key in NOT_MEASURED:
            yield self.emit(target_id, not_measured(key))
        yield from self.start_search(target_id)
        for key, module in (("site_map", site_map), ("rss", rss), ("english", english)):
            items = self.hinted(target_id, key) or module.candidates(home)
            state.chains[key] = Chain(items=items)
            yield from self.next_function(target_id, key)
        state.chains["print"] = Chain(items=print_button.articles(home))
        yield from self.next_function(target_id, "print")

    def hinted(self, target_id: str, key: str) -> list:
        hint = self.hints.get(target_id, {}).get(key)
        if not hint or not hint.get("url"):
            return []
        return [Found(urljoin(self.states[target_id].home.base_url, hint["url"]), hint["url"], "hint")]

    # --- sections ----------------------------------------------------------
    def next_section(self, target_id: str, key: str):
        state = self.states[target_id]
        chain = state.chains[key]
        while chain.index < len(chain.items):
            cand = chain.items[chain.index]
            if cand.offsite and not self.follow_offsite:
                chain.results.append(TargetResult(href=cand.href, status="not_fetched", reason="offsite_not_followed"))
                chain.index += 1
                continue
            request = self.fetch(cand.href, self.on_section, target_id, "section", meta={"pc_key": key})
            if request is not None:
                yield request
                return
            chain.results.append(TargetResult(href=cand.href, status="not_fetched", reason="page_budget"))
            chain.index += 1
        yield from self.finish_section(target_id, key)

    def on_section(self, page: Page, meta: dict):
        release_browser(meta)
        target_id, key = meta["pc_target"], meta["pc_key"]
        state = self.states[target_id]
        chain = state.chains[key]
        page = self.recheck_soft_404(state, page)
        soup = parse_html(page.text) if page.ok else None
        result = judge_target(page, key, state.chrome, soup, self.lex)
        if result.reason == "needs_rendering" and not page.rendered and self.render_enabled:
            request = self.fetch(page.url, self.on_section, target_id, "section_rendered", render=True,
                                 meta={"pc_key": key, **_RENDER_META})
            if request is not None:
                yield request
                return
        chain.results.append(result)
        chain.index += 1
        if result.ok:
            yield from self.finish_section(target_id, key)
        else:
            yield from self.next_section(target_id, key)

    def recheck_soft_404(self, state: State, page: Page) -> Page:
        """The shared fingerprint compares the first 2,000 characters of text, which on
        portals whose pages share one title may be the menu alone. A page it calls a soft
        404 whose own content differs from the random path's answer is live."""
        if page.status != "soft_404" or says_not_found(page.text) or state.random_page is None:
            return page
        mine = " ".join(own_content(parse_html(page.text), state.chrome, self.lex))
        theirs = " ".join(own_content(parse_html(state.random_page.text), state.chrome, self.lex))
        if len(mine.split()) >= int(self.lex.settings["empty_min_words"]) and fuzz.ratio(mine, theirs) < 80:
            page.status = "live"
            page.error = "soft_404 fingerprint overridden: own content differs from the random path's"
        return page

    def finish_section(self, target_id: str, key: str):
        state = self.states[target_id]
        chain = state.chains[key]
        if chain.done:
            return
        chain.done = True
        contact = contact_details(state.home.footer_text) if key == "lien_he" else None
        obs = section_observation(key, chain.items, chain.results, contact, state.rendered, self.lex)
        if state.render_reason:
            obs.evidence["render_reason"] = state.render_reason
        yield self.emit(target_id, obs)

    # --- functions ---------------------------------------------------------
    def start_search(self, target_id: str):
        state = self.states[target_id]
        home = state.home
        form = search.find_form(home)
        hint = self.hints.get(target_id, {}).get("search", {})
        query = search.choose_query(home)
        if hint.get("url"):  # the agency's results URL, "{q}" standing for the query
            form = search.SearchForm(action=urljoin(home.base_url, hint["url"]), method="GET", field="", label="hint")
        if form is None:
            yield self.emit(target_id, search.without_form(home))
            return
        if query is None:
            yield self.emit(target_id, observation("search", "inconclusive", reason="no_query_word"))
            return
        if host_of(form.action) != home.host and not self.follow_offsite:
            yield self.emit(target_id, observation("search", "inconclusive", reason="offsite_not_followed",
                                                   href=form.action))
            return
        url, method, body = search.request_for(form, query)
        if form.label == "hint":
            url = form.action.replace("%7Bq%7D", quote(query)).replace("{q}", quote(query))
        state.search_form, state.query = form, query
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if method == "POST" else None
        request = self.fetch(url, self.on_search, target_id, "function", method=method, body=body, headers=headers)
        if request is None:
            yield self.emit(target_id, observation("search", "inconclusive", reason="page_budget"))
        else:
            yield request

    def on_search(self, page: Page, meta: dict):
        release_browser(meta)
        target_id = meta["pc_target"]
        state = self.states[target_id]
        obs = search.judge_results(page, state.query, state.search_form, state.chrome)
        if obs is None and not page.rendered and state.search_form.method == "GET" and self.render_enabled:
            request = self.fetch(page.url, self.on_search, target_id, "function_rendered", render=True,
                                 meta=dict(_RENDER_META))
            if request is not None:
                yield request
                return
        yield self.emit(target_id, obs or observation(
            "search", "inconclusive", reason="results_need_rendering", url=page.final_url))

    def next_function(self, target_id: str, key: str):
        chain = self.states[target_id].chains[key]
        while chain.index < len(chain.items):
            item = chain.items[chain.index]
            href = item if isinstance(item, str) else item.href
            offsite = host_of(href) != self.states[target_id].home.host
            request = None if offsite and not self.follow_offsite else \
                self.fetch(href, self.on_function, target_id, "function", meta={"pc_key": key})
            if request is not None:
                yield request
                return
            chain.results.append((None, observation(
                key, "inconclusive", reason="offsite_not_followed" if offsite else "page_budget", href=href)))
            chain.index += 1
        yield from self.finish_function(target_id, key)

    def on_function(self, page: Page, meta: dict):
        target_id, key = meta["pc_target"], meta["pc_key"]
        chain = self.states[target_id].chains[key]
        item = chain.items[chain.index]
        if key == "print":
            ok, obs = print_button.judge(page)
        elif key == "rss":
            ok, obs, feeds = rss.judge(page, item)
            known = {i.href for i in chain.items}
            chain.items[chain.index + 1:chain.index + 1] = [
                Found(f, f"feed listed on {page.final_url}", "feed_page") for f in feeds if f not in known]
        else:
            ok, obs = (site_map if key == "site_map" else english).judge(page, item)
        chain.results.append((ok, obs))
        chain.index += 1
        if ok is not None and (ok or key == "print"):
            yield from self.finish_function(target_id, key)  # print: the first readable article decides
        else:
            yield from self.next_function(target_id, key)

    def finish_function(self, target_id: str, key: str):
        chain = self.states[target_id].chains[key]
        if chain.done:
            return
        chain.done = True
        results = chain.results
        decided = [obs for ok, obs in results if ok]
        if not decided and key == "print":
            decided = [obs for ok, obs in results if ok is False]
        unread = [obs for ok, obs in results if ok is None]
        if decided:
            obs = decided[0]
        elif not results:
            obs = print_button.no_article() if key == "print" else {
                "site_map": site_map, "rss": rss, "english": english}[key].missing()
        elif unread:
            obs = unread[0]
        else:
            obs = results[0][1]
        obs.evidence["tried"] = [o.evidence.get("url") or o.evidence.get("href") for _, o in results]
        yield self.emit(target_id, obs)

    # --- the end -------------------------------------------------------------
    def emit(self, target_id: str, obs) -> ObservationItem:
        self.states[target_id].emitted.add((obs.category, obs.key))
        return ObservationItem.from_observation(target_id, obs)

    def handler_failed(self, page: Page, meta: dict):
        release_browser(meta)
        self.states[meta["pc_target"]].tool_error = True
        return ()

    def target_done(self, target):
        state = self.states.get(target.id) or State()
        home = state.home_page
        reason = "tool_error" if state.tool_error else "not_checked"
        for category, keys in (("section", SECTION_KEYS), ("function", tuple(k for k in FUNCTION_KEYS if k != "https"))):
            for key in keys:
                if (category, key) not in state.emitted:
                    ref = self.lex.sections[key].legal_ref if category == "section" else function_legal(key)
                    yield self.emit(target.id, unjudged_observation(category, key, ref, reason))
        tls = None
        if state.tls is not None:
            try:
                tls = state.tls.result(timeout=self.tls_timeout)  # started first: nearly always done
            except Exception:
                tls = None
        aux = state.aux
        https_page = aux.get("https") or aux.get("https_www")
        if home is not None and home.ok:
            yield self.emit(target.id, https.judge(https_page, tls, aux.get("http")))
        elif ("function", "https") not in state.emitted:
            yield self.emit(target.id, unjudged_observation("function", "https", function_legal("https"),
                                                            home.status if home else "not_fetched"))
        variants = {k: v for k, v in aux.items() if k.startswith("http")}
        for obs in (reach.judge_portal(home), reach.judge_variants(variants),
                    reach.judge_http_to_https(aux.get("http"), https_page), reach.judge_tls(tls, https_page),
                    reach.judge_hsts(https_page), reach.judge_not_found(state.random_page, self.not_found.get(target.id)),
                    reach.judge_robots(aux.get("robots")), reach.judge_sitemap_xml(aux.get("sitemap"))):
            yield self.emit(target.id, obs if home is not None and home.ok else
                            reach.unjudged(obs, home.status if home else "not_fetched"))
        yield TargetItem(target_id=target.id, portal_status=home.status if home else None,
                         portal_http_status=home.http_status if home else None,
                         portal_final_url=home.final_url if home else None, rendered=state.rendered)
