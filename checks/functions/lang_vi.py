"""Language: the homepage says it is in Vietnamese, `<html lang="vi">` (NĐ 43/2011/NĐ-CP Điều 8;
TT 26/2020/TT-BTTTT; WCAG 2.1 SC 3.1.1). axe-core checks that a `lang` is present and valid,
not that it is the right language: a Vietnamese page marked `lang="en"` is read by a screen
reader with an English voice, which makes Vietnamese unintelligible. Pure, homepage only.
"""
from __future__ import annotations

from checks.functions import config, observation
from checks.model import Observation
from checks.sections import HomeDoc

KEY = "lang_vi"


def check(home: HomeDoc) -> Observation:
    html = home.soup.find("html")
    ev = {"url": home.page.final_url, "rendered": home.page.rendered}
    value = ""
    if html is not None:
        value = str(html.get("lang") or html.get("xml:lang") or "").strip()
    if not value:
        return observation(KEY, "fail", reason="no_lang", **ev)
    primary = value.replace("_", "-").split("-")[0].lower()
    snippet = f'lang="{value[:40]}"'
    if primary not in config(KEY)["languages"]:
        return observation(KEY, "fail", reason="lang_not_vi", label=value[:40], snippet=snippet, **ev)
    return observation(KEY, "pass", label=value[:40], snippet=snippet, **ev)
