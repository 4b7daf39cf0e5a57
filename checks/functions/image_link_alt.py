"""Image links: a link to the portal's own pages drawn as an image (a banner to "Thủ tục hành
chính", "Hỏi đáp", "Văn bản") carries a text alternative (NĐ 43/2011/NĐ-CP Điều 8;
TT 26/2020/TT-BTTTT; WCAG 2.1 SC 1.1.1 and 2.4.4). Without one a screen reader announces
only "link" or the file name, and the section is out of reach of a blind citizen. axe-core
flags an image without `alt`, but not an `alt` that is only a file name, and it does not know
which links lead to the portal's sections. Pure, homepage only.
"""
from __future__ import annotations

import re

from checks.functions import config, observation
from checks.model import Observation
from checks.sections import HomeDoc, Link, host_of

KEY = "image_link_alt"


def _named(link: Link, file_name: re.Pattern) -> bool:
    """Does the link have a text a screen reader can say (its image's alt, a title, an aria-label)?"""
    names = [n.strip() for n in (link.alt, link.title, link.aria) if n and n.strip()]
    return any(not file_name.match(n) for n in names)


def check(home: HomeDoc) -> Observation:
    cfg = config(KEY)
    file_name = re.compile(cfg["file_name_pattern"], re.I)
    image_links = [link for link in home.links
                   if link.href and link.img_src and not link.text.strip() and not link.hidden and not link.offsite
                   and host_of(link.href) == home.host]
    ev = {"url": home.page.final_url, "rendered": home.page.rendered, "image_links": len(image_links)}
    if not image_links:
        return observation(KEY, "not_applicable", reason="no_image_links", **ev)
    unnamed = [link for link in image_links if not _named(link, file_name)]
    listed = [{"href": link.href[:300], "img": link.img_src[:300], "alt": link.alt[:80]}
              for link in unnamed[: int(cfg["max_listed"])]]
    if unnamed:
        return observation(KEY, "fail", reason="image_link_without_text", unnamed=len(unnamed),
                           links=listed, **ev)
    return observation(KEY, "pass", **ev)
