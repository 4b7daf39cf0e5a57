"""EMC: the tracking code of the national monitoring system (script from
f-emc.ngsp.gov.vn) required by TT 22/2023/TT-BTTTT. The badge is recorded as
evidence; the script is what connects the portal. Pure, homepage only (the
rendered DOM when the homepage was rendered).
"""
from __future__ import annotations

import re

from checks.functions import config, observation
from checks.model import Observation
from checks.sections import HomeDoc

KEY = "emc"


def check(home: HomeDoc) -> Observation:
    cfg = config(KEY)
    ev = {"url": home.page.final_url, "rendered": home.page.rendered}
    badge_patterns = [re.compile(p, re.I) for p in cfg["badge_patterns"]]
    badge = next((el.get("src") or el.get("href") for el in home.soup.find_all(["img", "a"])
                  if any(p.search(el.get("src") or el.get("href") or "") for p in badge_patterns)), None)
    for script in home.soup.find_all("script"):
        src = script.get("src") or ""
        if any(host in src for host in cfg["script_hosts"]):
            return observation(KEY, "pass", matched_by="script_src", snippet=src[:200], badge=badge, **ev)
        body = script.string or ""
        marker = next((m for m in cfg["inline_markers"] if m in body), None)
        if marker:
            return observation(KEY, "pass", matched_by="inline_script", label=marker,
                               snippet=body[:200], badge=badge, **ev)
    return observation(KEY, "fail", reason="no_emc_script", badge=badge, **ev)
