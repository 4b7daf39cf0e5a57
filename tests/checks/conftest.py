"""Fixtures for the pure checks: real pages of the Hà Nội Sở TT&TT mirror (2022) as Pages.

The mirror is read as if served at BASE; a page HTTrack did not save is a 404 Page and a
link to another site is a Page that was not fetched (status "error": unreadable), which
is what the spider gives with PORTALCHECK_FOLLOW_OFFSITE=private.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.model import Page

HANOI = Path(__file__).resolve().parents[1] / "fixtures" / "sotttt-hanoi-2022"
BASE = "http://127.0.0.1:8000/"


def page_of(html: str, url: str = BASE, status: str = "live", http_status: int | None = 200,
            rendered: bool = False, headers: dict | None = None) -> Page:
    return Page(url=url, final_url=url, http_status=http_status, text=html, status=status,
                rendered=rendered, headers=headers or {})


def hanoi_page(name: str, rendered: bool = False) -> Page:
    text = (HANOI / name).read_text(encoding="utf-8-sig")
    url = BASE if name == "index.html" else BASE + name
    return page_of(text, url, rendered=rendered)


def hanoi_get(url: str) -> Page:
    """The mirror served offline: saved page, 404, or (other site) not fetched."""
    if not url.startswith(BASE):
        return Page(url=url, final_url=url, http_status=None, status="error", error="offsite not followed")
    name = url[len(BASE):]
    if "?" not in name and (HANOI / name).is_file():
        return hanoi_page(name)
    return Page(url=url, final_url=url, http_status=404, status="not_found", text="<h1>404</h1>")


@pytest.fixture(scope="session")
def hanoi():
    """hanoi(name) -> Page of a saved page; hanoi.get(url) -> what the offline server answers."""
    class Hanoi:
        page = staticmethod(hanoi_page)
        get = staticmethod(hanoi_get)
        base = BASE
        truth = yaml.safe_load((HANOI / "truth.yaml").read_text(encoding="utf-8"))
    return Hanoi()


@pytest.fixture
def make_page():
    return page_of
