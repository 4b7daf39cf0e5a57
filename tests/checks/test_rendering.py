"""Rendering only when needed (requirements.md §4: an empty <div id="root"> means
"needs rendering", never "no sections")."""
from __future__ import annotations

import pytest

from checks.rendering import needs_rendering

SHELL = ('<html><head><title>Cổng Dịch vụ công Quốc gia</title><script type="module" src="/assets/index-x.js">'
         '</script></head><body><div id="root"></div></body></html>')
EMPTY_MENU = ('<html><body><div id="header">Sở JS</div><ul id="main-menu"></ul>' +
              ''.join(f'<a href="/tin/{i}">Tin {i}</a>' for i in range(8)) +
              '<script>fill()</script></body></html>')
FEW_LINKS = '<html><body><a href="/">Trang chủ</a><div id="app-content"></div><script>load()</script></body></html>'
STATIC = '<html><body><ul id="menu"><li><a href="/a">A</a></li></ul>' + \
         ''.join(f'<a href="/x/{i}">x</a>' for i in range(8)) + '<script>x()</script></body></html>'


@pytest.mark.parametrize("html, why", [(SHELL, "js_shell"), (EMPTY_MENU, "empty_menu"), (FEW_LINKS, "few_links")])
def test_pages_that_need_a_browser(make_page, html, why):
    render, reason = needs_rendering(make_page(html))
    assert render and reason.startswith(why)


@pytest.mark.parametrize("html", [STATIC, "<html><body><p>Trang tĩnh không có script.</p></body></html>"])
def test_pages_that_do_not(make_page, html):
    assert needs_rendering(make_page(html))[0] is False


def test_a_rendered_or_failed_page_is_never_rendered_again(make_page):
    assert needs_rendering(make_page(SHELL, rendered=True))[0] is False
    assert needs_rendering(make_page("", status="timeout", http_status=None))[0] is False
