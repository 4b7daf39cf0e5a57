"""One --disable-features switch at launch: Playwright's list, the settings', the arguments'."""
from __future__ import annotations

from crawler.browser import launch


def test_merged_into_one_switch(monkeypatch):
    monkeypatch.setattr(launch, "playwright_disabled_features", lambda: ("HttpsUpgrades", "PaintHolding"))
    args = launch._with_disabled_features(["--no-sandbox", "--disable-features=Translate,PaintHolding"],
                                          ["WebUIOmniboxPopup"])
    assert args == ["--no-sandbox", "--disable-features=HttpsUpgrades,PaintHolding,Translate,WebUIOmniboxPopup"]


def test_nothing_added_when_playwrights_list_cannot_be_read(monkeypatch):
    # ours alone would switch Playwright's own list back on: better without ours
    monkeypatch.setattr(launch, "playwright_disabled_features", lambda: ())
    assert launch._with_disabled_features(["--no-sandbox"], ["WebUIOmniboxPopup"]) == ["--no-sandbox"]


def test_untouched_when_nothing_to_turn_off():
    assert launch._with_disabled_features(["--no-sandbox"], []) == ["--no-sandbox"]


def test_the_pinned_driver_list_is_read():
    assert "HttpsUpgrades" in launch.playwright_disabled_features()
