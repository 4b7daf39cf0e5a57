"""A minimal spider on the base class: fetch each target's portal URL and
record the taxonomy status. Used to test the fetch taxonomy end to end."""
from crawler.items import TargetItem
from spiders.base import PortalcheckSpider


class ProbeSpider(PortalcheckSpider):
    name = "probe"

    def start_target(self, target):
        # a URL naming "render" is rendered in Chromium (the address-safety scenario)
        request = self.fetch(target.portal_url, self.homepage, target, "homepage",
                             render="render" in target.portal_url, render_wait="load")
        return [request] if request else []

    def homepage(self, page, meta):
        self.results[meta["pc_target"]] = page
        if page.url.endswith("/gate"):
            # a plain page sets a cookie; the rendered page behind it needs it
            request = self.fetch(page.url + "/render", self.homepage, meta["pc_target"], "homepage",
                                 render=True)
            return [request] if request else ()
        if page.url.endswith("/chain"):
            # follow-ups, so a test can have a middleware drop one silently
            request = self.fetch(page.url + "/1", self.chain_step, meta["pc_target"], "chain")
            return [request] if request else ()
        return ()

    def chain_step(self, page, meta):
        if page.url.count("/") < 8:
            request = self.fetch(page.url + "/1", self.chain_step, meta["pc_target"], "chain")
            return [request] if request else ()
        return ()

    @property
    def results(self):
        if not hasattr(self, "_results"):
            self._results = {}
        return self._results

    def target_done(self, target):
        page = self.results.get(target.id)
        yield TargetItem(target_id=target.id, portal_status=page.status if page else None,
                         portal_http_status=page.http_status if page else None,
                         portal_final_url=page.final_url if page else None,
                         # the start of the decoded text, to check charsets
                         notes=page.text[:300] if page else None)
