"""Mobile: usable on a phone (TT 22/2023/TT-BTTTT, layout). Judged from the viewport
meta tag: `width=device-width` is what makes a responsive layout fit a phone; a
page without it is drawn at desktop width and shrunk. Pure, homepage only.
"""
from __future__ import annotations

from checks.functions import observation
from checks.model import Observation
from checks.sections import HomeDoc

KEY = "mobile"


def check(home: HomeDoc) -> Observation:
    meta = home.soup.find("meta", attrs={"name": lambda v: v and v.lower() == "viewport"})
    ev = {"url": home.page.final_url, "rendered": home.page.rendered}
    if meta is None:
        return observation(KEY, "fail", reason="no_viewport", **ev)
    content = (meta.get("content") or "").replace(" ", "").lower()
    if "width=device-width" not in content:
        return observation(KEY, "fail", reason="fixed_viewport", snippet=str(meta)[:200], **ev)
    return observation(KEY, "pass", snippet=str(meta)[:200], label=content, **ev)
