"""Build one government portal (pages and routes) from its data row."""
from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from . import data
from .render import date_for, fill, fold, render, slugify
from .server import Host, Request, Resp, canon

LIST_PAGE = 6          # items per page on list pages
PAGE_KINDS = {"gioi_thieu": "text", "lanh_dao": "text", "lien_he": "text", "van_ban": "docs"}
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                      "0000000d4944415478da63f8cfc0f01f0005000201a0e3a3a50000000049454e44ae426082")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class PortalSite:
    """Registers every page of portal `p` on `host`. `resolve` turns "@services…" and
    "@portal:<id>" hrefs into absolute URLs of other farm hosts."""

    def __init__(self, p: dict[str, Any], host: Host, resolve: Callable[[str], str]) -> None:
        self.p, self.host, self.resolve = p, host, resolve
        self.c = data.content()
        self.plat = self.c["platforms"][p["platform"]]
        self.fn = p.get("functions") or {}
        self.decoys = set(p.get("decoys") or [])
        self.ctx = {"org": p["org"], "tinh": p["tinh"], "site": p["site_title"]}
        self.next_id = 4430300 + 1000 * int(p["ip"])
        self.articles: list[dict[str, Any]] = []
        self.by_section: dict[str, list[dict[str, Any]]] = {}

    # -- public ---------------------------------------------------------------------
    def build(self) -> None:
        self.links = {k: self._links(k) for k in data.SECTION_KEYS}
        self._make_articles()
        self.site = self._site_context()
        for key, links in self.links.items():
            for link in links:
                self._section_page(key, link)
        self._functions()
        self._decoy_pages()
        self._home_and_chrome()

    # -- articles -------------------------------------------------------------------
    def _links(self, key: str) -> list[dict[str, Any]]:
        out = data.links_of((self.p.get("sections") or {}).get(key))
        for link in out:
            link.setdefault("page", "ok")
            if link["href"].startswith("@"):
                link["href"] = self.resolve(link["href"])
        return out

    def _article(self, title: str, section: str, i: int) -> dict[str, Any]:
        aid = self.next_id
        self.next_id += 7
        d = date_for(i + len(self.articles) % 3)
        title = fill(title, self.ctx)
        url = self.plat["article"].format(
            id=aid, slug=slugify(title, self.plat.get("drop_d", False)),
            Slug="-".join(w.capitalize() for w in slugify(title, max_words=8).split("-")),
            date=f"{d.year}-{d.month}-{d.day}", hash=hashlib.md5(title.encode()).hexdigest()[:6])
        m = re.search(r"số (\S+)", title)
        art = {"id": aid, "title": title, "date": d, "url": url, "section": section,
               "number": m.group(1) if m else "", "doc_type": title.split(" số ")[0] if m else "",
               "file": f"/documents/van-ban/{aid}.pdf",
               "summary": f"{title}. {self.p['org']} thông tin để các cơ quan, đơn vị, tổ chức và cá nhân biết."}
        self.articles.append(art)
        self.by_section.setdefault(section, []).append(art)
        return art

    def _make_articles(self) -> None:
        secs = self.c["sections"]
        for key, links in self.links.items():
            internal_ok = any(l["page"] == "ok" and l["href"].startswith("/") for l in links)
            if internal_ok and PAGE_KINDS.get(key, "list") != "text":
                for i, t in enumerate(secs[key]["items"]):
                    self._article(t, key, i)
        if "headline_words" in self.decoys:
            for i, t in enumerate(self.c["decoys"]["headlines"]):
                self._article(t, "tin_tuc", 2 * i + 1)
        if "news_category" in self.decoys:
            for i, t in enumerate(self.c["decoys"]["news_category"]["items"]):
                self._article(t, "ke_hoach_tai_chinh", i)
        for lst in self.by_section.values():
            lst.sort(key=lambda a: a["date"], reverse=True)
        for art in self.articles:
            self.host.add(art["url"], self._page_fn("article", art["title"], article=art))
            if art["number"]:
                self.host.add(art["file"], Resp(200, PDF, "application/pdf"))

    # -- site chrome ----------------------------------------------------------------
    def _img(self, name: str) -> str:
        src = f"{self.plat['img_dir']}/{name}"
        ctype = {"png": "image/png", "gif": "image/gif", "jpg": "image/jpeg"}.get(name.rsplit(".", 1)[-1], "image/png")
        self.host.add(src, Resp(200, PIXEL, ctype))
        return src

    # Long on purpose: one table of everything a demo portal's pages show, read top to bottom
    # like the page it becomes; split, the menu, boxes and footer would lose their order.
    def _site_context(self) -> dict[str, Any]:
        p, fn, plat = self.p, self.fn, self.plat
        menu: list[dict[str, Any]] = [{"label": "Trang chủ", "href": plat["home"], "children": []}]
        boxes: dict[str, dict[str, Any]] = {}
        banners, footer = [], []
        order = list(p.get("sections") or {})  # menu and boxes follow the data's order
        all_links = [(k, l) for k in order for l in self.links[k]]
        for _key, l in all_links:
            if l["via"] == "menu" and not l.get("under"):
                menu.append(_item(l))
        for key, l in all_links:
            if l["via"] == "menu" and l.get("under"):
                parent = next((m for m in menu if m["label"] == l["under"]), None)
                (parent["children"] if parent else menu).append(_item(l))
            elif l["via"] == "box":
                box = boxes.setdefault(l["box"], {"title": l["box"], "href": None, "links": [], "more": None})
                if l.get("box_link"):
                    box["href"] = l["href"]
                if l.get("label") and not l.get("box_link"):
                    box["links"].append(l)
                elif not l.get("box_link") or not box["links"]:
                    box["links"] += [{"label": a["title"], "href": a["url"], "date": a["date"]}
                                     for a in self.by_section.get(key, [])[:3]]
                if l.get("more"):
                    box["more"] = {"label": l["more"], "href": l["href"]}
            elif l["via"] in ("img", "title"):
                banners.append({"href": l["href"], "src": self._img(l["img"]),
                                "title": l.get("label") if l["via"] == "title" else None})
            elif l["via"] == "footer":
                footer.append(l)
        if "news_category" in self.decoys:
            news = next((m for m in menu if m["href"] in [l["href"] for l in self.links["tin_tuc"]]), None)
            dc = {"label": self.c["decoys"]["news_category"]["label"], "href": self._news_cat_href(), "children": []}
            (news["children"] if news else menu).append(dc)
        sm = plat["site_map"]
        if fn.get("site_map") == "ok":
            (menu if sm["via"] == "menu" else footer).append({"label": sm["label"], "href": sm["href"], "children": []})
        rss = plat["rss"] if fn.get("rss") in ("ok", "broken") else None
        if rss:
            footer.append({"label": "RSS", "href": rss})
        eng = None
        if fn.get("english") in ("ok", "dead"):
            eng = dict(plat["english"])
            if eng["via"] == "flag":
                eng["src"] = self._img("en.png")
        contact = p.get("contact") or {}
        counter = None
        if "visit_counter" in self.decoys:
            counter = {"label": p.get("counter_label", "Thống kê truy cập"), "online": 87 + p["ip"],
                       "total": f"{1_234_567 + 98_765 * p['ip']:,}".replace(",", "."),
                       "href": self._counter_href() if p.get("counter_link") else None}
        poll = None
        if "poll" in self.decoys:
            poll = {**self.c["decoys"]["poll"], "href": plat["poll"]}
        related = None
        if fn.get("related_links"):
            related = [{"label": a, "href": b} for a, b in self.c["related_links"]]
            if p.get("parent"):
                related.insert(0, {"label": "Cổng TTĐT tỉnh " + p["tinh"], "href": self.resolve("@portal:" + p["parent"])})
        search = None
        if fn.get("search") in ("ok", "broken"):
            search = dict(plat["search"])
        return {
            "platform": p["platform"], "name": p["name"], "org": p["org"], "site_title": p["site_title"],
            "domain": p["domain"], "home": plat["home"], "css": "/css/main.css", "tinh": p["tinh"],
            "viewport": bool(fn.get("mobile")), "emc": bool(fn.get("emc")), "emc_id": 1000 + p["ip"],
            "print": bool(fn.get("print")), "rss_href": rss, "english": eng, "search": search,
            "menu": menu, "boxes": list(boxes.values()), "banners": banners, "footer_links": footer,
            "contact": None if contact.get("copyright_only") else contact, "related": related,
            "counter": counter, "poll": poll,
            "home_news": self.by_section.get("tin_tuc", [])[:8],
        }

    def _news_cat_href(self) -> str:
        return {"liferay": "/ke-hoach-tai-chinh.html"}.get(self.p["platform"], "/ke-hoach-tai-chinh")

    def _counter_href(self) -> str:
        return "/index.php?com=thong-ke-truy-cap" if self.p["platform"] == "phpcms" else "/thong-ke-truy-cap"

    # -- pages ----------------------------------------------------------------------
    def page(self, kind: str, title: str, **extra: Any) -> str:
        return render("page.html", site=self.site, page={"kind": kind, "title": title, **extra})

    def _page_fn(self, kind: str, title: str, **extra: Any) -> Callable[[Request], str]:
        cache: list[str] = []

        def fn(req: Request) -> str:
            if not cache:
                cache.append(self.page(kind, title, **extra))
            return cache[0]
        return fn

    def _list_fn(self, title: str, href: str, items: list[dict[str, Any]], kind: str = "list") -> Callable:
        param = self.plat["page_param"]
        npages = max(1, (len(items) + LIST_PAGE - 1) // LIST_PAGE)
        sep = "&" if "?" in href else "?"

        def fn(req: Request) -> str | None:
            try:
                n = int(req.params.get(param, "1"))
            except ValueError:
                n = 1
            if not 1 <= n <= npages:
                n = 1
            pager = [{"n": i, "href": href if i == 1 else f"{href}{sep}{param}={i}", "current": i == n}
                     for i in range(1, npages + 1)] if npages > 1 else []
            return self.page(kind, title, items=items[(n - 1) * LIST_PAGE:n * LIST_PAGE], pager=pager)
        return fn

    def _section_page(self, key: str, link: dict[str, Any]) -> None:
        href, state = link["href"], link["page"]
        if not href.startswith("/") or self.host.has(href):
            return
        if state in ("not_found", "soft_404", "server_error"):
            self.host.defaults[canon(href)] = {"b": state}
            return
        sec = self.c["sections"][key]
        title = link.get("title") or link.get("label") or sec["title"]
        kind = PAGE_KINDS.get(key, "list")
        empty = self.c["markers"]["empty"][1 if key in ("van_ban", "thu_tuc_hanh_chinh") else 0]
        if state == "empty":
            self.host.add(href, self._page_fn("list", title, items=[], empty=empty))
        elif kind == "text":
            paras = [fill(t, self.ctx) for t in sec["paragraphs"]]
            self.host.add(href, self._page_fn("text", title, paragraphs=paras, section=key))
        else:
            self.host.add(href, self._list_fn(title, href, self.by_section.get(key, []), kind))

    def _functions(self) -> None:
        fn, plat, host = self.fn, self.plat, self.host
        if fn.get("search") in ("ok", "broken"):
            s = plat["search"]
            broken = fn["search"] == "broken"

            def search(req: Request, s=s) -> str | None:
                if s["param"] not in req.params:
                    return None
                q = req.params[s["param"]].strip()
                hits = [] if broken or not q else [a for a in self.articles if fold(q) in fold(a["title"])]
                return self.page("search", "Kết quả tìm kiếm", query=q, items=hits[:20],
                                 empty=self.c["markers"]["search_none"])
            action = s["action"] + ("?" + "&".join(f"{k}={v}" for k, v in s["fixed"].items()) if s.get("fixed") else "")
            host.add(action, search)
        if fn.get("rss") == "ok":
            feed = render("rss.xml", site=self.site, items=self.by_section.get("tin_tuc", []),
                          base=host.url("").rstrip("/"))
            host.add(plat["rss"], Resp(200, feed, "application/rss+xml; charset=utf-8"))
        elif fn.get("rss") == "broken":
            host.defaults[canon(plat["rss"])] = {"b": "not_found"}
        if fn.get("english") == "ok":
            host.add(plat["english"]["href"], self._page_fn("english", "English"))
        elif fn.get("english") == "dead":
            host.defaults[canon(plat["english"]["href"])] = {"b": "not_found"}
        if fn.get("site_map") == "ok":
            host.add(plat["site_map"]["href"], self._page_fn("sitemap", plat["site_map"]["label"]))

    def _decoy_pages(self) -> None:
        if self.site["poll"]:
            poll = self.site["poll"]
            self.host.add(poll["href"], self._page_fn("poll", poll["title"], poll=poll))
        if "news_category" in self.decoys:
            href = self._news_cat_href()
            self.host.add(href, self._list_fn(self.c["decoys"]["news_category"]["label"], href,
                                              self.by_section.get("ke_hoach_tai_chinh", [])))
        if self.site["counter"] and self.site["counter"]["href"]:
            self.host.add(self.site["counter"]["href"], self._page_fn("counter", self.site["counter"]["label"]))

    def _home_and_chrome(self) -> None:
        host, plat, p = self.host, self.plat, self.p
        home = self._page_fn("home", "Trang chủ")
        if p.get("behaviour") == "garbage":
            home = lambda req: Resp(200, self.garbage())  # noqa: E731
            host.pages["garbage"] = home
        search = plat["search"]
        if self.site["search"] and search["action"] == plat["home"] and not search.get("fixed"):
            srch = host.find(Request("GET", plat["home"] + f"?{search['param']}=x", {}, b""))
            home = (lambda h, s: (lambda req: s(req) or _resp(h, req)))(home, srch)
        host.add(plat["home"], home)
        for alias in plat.get("aliases", []):
            host.add(alias, home)
        if plat.get("redirect_root") and plat["home"] != "/":
            host.add("/", Resp.redirect(plat["home"]))
        host.add("/robots.txt", Resp(200, "User-agent: *\nDisallow: /admin/\n", "text/plain; charset=utf-8"))
        host.add("/css/main.css", Resp(200, "body{font-family:Arial,sans-serif}\n", "text/css"))
        host.add("/favicon.ico", Resp(200, PIXEL, "image/x-icon"))
        for asset in plat.get("assets", []):
            host.add(asset, Resp(200, b"/* */\n", "application/javascript") if asset.endswith(".js")
                     else Resp(200, PIXEL, "image/jpeg" if asset.endswith(".jpg") else "image/png"))
        nf = self.page("message", "Không tìm thấy trang", message="404 - Không tìm thấy trang yêu cầu.")
        host.pages["not_found"] = lambda req: Resp(404, nf)
        soft = self.page("message", "Thông báo", message=self.c["markers"]["soft_404_portal"])
        host.pages["soft_404"] = lambda req: Resp(200, soft)
        if p.get("unknown_path") == "soft_404":        # unknown path -> 200 + the homepage
            host.fallback = home
        elif p.get("unknown_path") == "soft_404_page":  # unknown path -> 200 + "không tồn tại"
            host.fallback = host.pages["soft_404"]
        if p.get("behaviour") in ("blocked", "hang"):
            host.defaults["*"] = {"b": p["behaviour"]}

    def garbage(self) -> bytes:
        """A broken homepage: wrong charset, truncated tags, NUL and random bytes."""
        rng = random.Random(self.p["id"])
        menu = "".join(f'<li><a href="{l["href"]}">{l["label"]}</a></li>'
                       for ls in self.links.values() for l in ls if l["via"] == "menu")
        noise = lambda n: bytes(rng.randrange(256) for _ in range(n))  # noqa: E731
        return b"".join([
            b'<!DOCTYPE html>\n<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
            b"<title>", _cp1258(self.p["site_title"]), b"</title></head>",
            b'\n<body><div id="header"><h1 class="logo">', _cp1258(self.p["org"].upper()),
            b'</h1><ul class="menu">', menu.encode("utf-8"), b"</ul>\n",
            b'<div class="box"><div class="box-title">V\xe3n b\xe3n m\xf3i</div><a href="/van-ban/?cat=', noise(40),
            b"\x00\x00<table><tr><td>Th\xf4ng b\xe1o<td><a hr", noise(300), b"\n<p>",
            "Địa chỉ: ".encode("utf-16-le"), noise(120), b"<div class=\"foot", b"\x00" * 16, noise(200),
        ])


def _item(link: dict[str, Any]) -> dict[str, Any]:
    item = {"label": link["label"], "href": link["href"], "children": []}
    if link.get("entity"):
        item["entity"] = True
    return item


def _resp(handler: Any, req: Request) -> Any:
    return handler(req) if callable(handler) else handler


def _cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258 (decomposed), i.e. not UTF-8: the 'wrong charset' part."""
    return unicodedata.normalize("NFD", text).encode("cp1258", "replace")
