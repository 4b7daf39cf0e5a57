"""The portal spider: reachability, required sections and support functions of each portal.

Flow per target (docs/checks.md):
1. start: the homepage, a random path (soft-404 fingerprint), robots.txt, sitemap.xml,
   the http/https/www variants; a certificate check in a thread.
2. homepage: parsed once; re-fetched in Chromium only when `needs_rendering` says its
   links are drawn by scripts.
3. launch, once the homepage is read AND the random path answered: the fingerprint goes
   into `self.not_found` (so pages are classified against it), then a
   `checks.portal_judge.PortalJudge` is built from the homepage. Its chains (every
   section's candidate links, best first; search, site map, RSS, English, print) say
   which page they need next; this spider fetches it (rendered when asked) and hands it
   back, until each chain gives its verdicts. Offline runs drive the same chains.
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
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from checks import reachability as reach
from checks.fetch_status import NotFoundFingerprint, not_found_probe_url
from checks.functions import https
from checks.functions import legal_ref as function_legal
from checks.lexicon import load_hints, load_lexicon
from checks.model import FUNCTION_KEYS, SECTION_KEYS, Page
from checks.portal_judge import PortalJudge, unjudged_portal
from checks.rendering import judged_without_render, needs_rendering
from checks.section_chain import unjudged_observation
from checks.sections import clean_url, host_of, parse_html, read_home
from crawler import signals as portalcheck_signals
from crawler.items import ObservationItem, TargetItem
from crawler.meta import RequestMeta
from crawler.netsafety.addresses import is_private_address
from spiders.audits import AuditsMixin
from spiders.base import PortalcheckSpider

_TLS_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="tls-check")


def tls_probe(host: str, port: int, timeout: float) -> dict:
    """Verify a server's certificate with Python's ssl module, in a thread: Scrapy's TLS
    context accepts any certificate by design, so it cannot say whether one is valid."""
    out: dict[str, Any] = {"host": host, "port": port}
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
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
    except TimeoutError:
        out.update(handshake=False, timeout=True, error="timeout")
    except (ssl.SSLError, OSError) as exc:
        out.update(handshake=False, verified=False, error=str(exc)[:200])
    finally:
        sock.close()
    out["days_to_expiry"] = reach.certificate_days(out.get("not_after"), datetime.now(UTC))
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
class PortalCrawl:
    """What the portal spider knows of one target's crawl so far."""

    home_page: Page | None = None
    home: Any = None  # checks.sections.HomeDoc
    random_page: Page | None = None
    random_done: bool = False
    judge: PortalJudge | None = None
    rendered: bool = False
    render_reason: str | None = None
    render_error: str | None = None  # the homepage needed a browser and did not get one
    home_variant: str | None = None
    aux: dict[str, Page] = field(default_factory=dict)
    tls: Any = None  # Future of tls_probe
    tls_host: tuple[str, int] | None = None  # the host and port it probes
    emitted: set = field(default_factory=set)
    tool_error: bool = False


class PortalSpider(AuditsMixin, PortalcheckSpider):
    name = "portal"

    def __init__(self, *args, hints: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints_file = hints
        self.states: dict[str, PortalCrawl] = {}
        self.lex = load_lexicon()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.hints = load_hints(spider.hints_file or s.get("PORTALCHECK_HINTS"))
        policy = str(s.get("PORTALCHECK_FOLLOW_OFFSITE")).lower()
        spider.offsite_policy = {"0": "none", "false": "none", "1": "all", "true": "all"}.get(policy, policy)
        spider.tls_enabled = s.getbool("PORTALCHECK_TLS_CHECK")
        spider.tls_timeout = min(s.getfloat("DOWNLOAD_TIMEOUT"), 10.0)
        spider.tls_probe = tls_probe
        if s.get("PORTALCHECK_LEXICON"):
            spider.lex = load_lexicon(s.get("PORTALCHECK_LEXICON"))
        spider.setup_audits(s)
        return spider

    # --- start -------------------------------------------------------------
    def start_target(self, target):
        state = self.states[target.id] = PortalCrawl()
        url = target.portal_url
        requests = [self.fetch(url, self.on_home, target, "homepage", priority=20),
                    self.fetch(not_found_probe_url(url, secrets.token_hex(6)), self.on_random, target,
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
            state.tls_host = (root.hostname, root.port or 443)
            # self.tls_probe: a re-judgement answers it from the archive (crawler.archive.middleware)
            state.tls = _TLS_POOL.submit(self.tls_probe, root.hostname, root.port or 443, self.tls_timeout)
        return [r for r in requests if r is not None]

    def on_aux(self, page: Page, meta: RequestMeta):
        self.states[meta["pc_target"]].aux[meta["pc_slot"]] = page
        return ()

    def on_random(self, page: Page, meta: RequestMeta):
        state = self.states[meta["pc_target"]]
        state.random_page, state.random_done = page, True
        yield from self.maybe_launch(meta["pc_target"])

    # --- homepage ----------------------------------------------------------
    def on_home(self, page: Page, meta: RequestMeta):
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

    def on_home_rendered(self, page: Page, meta: RequestMeta):
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
        for obs in unjudged_portal(status, self.lex, homepage_status=status):
            yield self.emit(target_id, obs)

    def maybe_launch(self, target_id: str):
        state = self.states[target_id]
        if state.judge is not None or state.home is None or not state.random_done:
            return
        random = state.random_page
        if random is not None and random.http_status is not None:
            # Set once the homepage is judged (a site answering every path with its homepage
            # must not make the homepage a soft 404), and before any section is fetched.
            # The homepage's text lines are the site's chrome: a soft 404 that repeats the
            # menus is compared with other pages on the rest (its main content).
            self.not_found[target_id] = NotFoundFingerprint.from_page(random.http_status, random.text,
                                                                      state.home.page.text)
        judge = state.judge = PortalJudge(state.home, self.lex, self.hints_for(target_id), random,
                                          state.rendered, state.render_reason)
        for obs in judge.homepage_observations(self.audit_plan.audits):
            yield self.emit(target_id, obs)
        yield from self.start_audits(target_id, state.home.page.final_url, self.targets[target_id].services_url)
        for key in judge.startable():
            yield from self.advance(target_id, key)

    # --- chains: the judge says what to fetch, the spider fetches it ----------
    def advance(self, target_id: str, key: str):
        """Fetch what the chain asks for next, or give its verdicts when it is over."""
        judge = self.states[target_id].judge
        chain = judge.chains[key]
        while (want := chain.next_fetch()) is not None:
            if host_of(want.url) != judge.host and not self.may_follow(want.url):
                chain.unfetched("offsite_not_followed")
                continue
            request = self.fetch(want.url, self.on_item, target_id, want.purpose, render=want.render,
                                 method=want.method, body=want.body, meta={"pc_key": key},
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}
                                 if want.method == "POST" else None)
            if request is not None:
                yield request
                return
            chain.unfetched("page_budget")
        observations, follow = judge.close(key)
        for obs in observations:
            yield self.emit(target_id, obs)
        yield from self.audit_sample(target_id, key, observations)
        for nxt in follow:
            yield from self.advance(target_id, nxt)

    def on_item(self, page: Page, meta: RequestMeta):
        target_id, key = meta["pc_target"], meta["pc_key"]
        self.states[target_id].judge.chains[key].feed(page)
        yield from self.advance(target_id, key)

    # --- helpers -------------------------------------------------------------
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
        built from an API), in a pooled page of the target's context (crawler.browser.pool.PagePool,
        which gives pages back and closes contexts itself)."""
        return self.fetch(url, handler, target_id, purpose, render=True, **kwargs)

    def fetch(self, *args, **kwargs):
        """Every page this spider fetches is one hop from the homepage: candidates are tried
        one after another, so Scrapy's depth would grow with each dead link and DEPTH_LIMIT
        would silently drop the next one (and the target would never finish). The chains
        are bounded by max_candidates and PORTALCHECK_MAX_PAGES_PER_TARGET instead.
        A render waits for the network to settle (lists loaded by AJAX, menus from an API)."""
        if kwargs.get("render"):
            kwargs.setdefault("render_wait", "networkidle")
        request = super().fetch(*args, **kwargs)
        if request is not None:
            request.meta["depth_reset"] = True
        return request

    def emit(self, target_id: str, obs) -> ObservationItem:
        state = self.states[target_id]
        state.emitted.add((obs.category, obs.key))
        if state.render_error and obs.category in ("section", "function") and obs.key != "https":
            obs = judged_without_render(obs, state.render_error)
        return ObservationItem.from_observation(target_id, obs)

    def handler_failed(self, page: Page, meta: RequestMeta):
        self.states[meta["pc_target"]].tool_error = True
        return ()

    # --- the end -------------------------------------------------------------
    def target_done(self, target):
        state = self.states.get(target.id) or PortalCrawl()
        home = state.home_page
        reason = "tool_error" if state.tool_error else "not_checked"
        yield from self.audit_observations(target.id)
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
            if tls is not None:
                self.crawler.signals.send_catch_log(
                    signal=portalcheck_signals.tls_probed, spider=self, target=target,
                    host=state.tls_host[0], port=state.tls_host[1], result=tls)
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
