"""Loopback portals built to pass and to fail each browser audit (docs/audits.md).

`good`: Vietnamese, responsive, image links named, light. `bad`: no `lang`, an image link to
a section with no text alternative, a table wider than any phone. `slow`: good markup, but its
hero image comes from a throttling server (its bytes trickle for 12 s), so its
largest paint is late. Each is a portal of its own (a port each) with a "Giới thiệu" section
page, which the accessibility audit samples.
"""
from __future__ import annotations

import base64
import struct
import time
import zlib

from loopback import LoopbackServer

# A 1×1 PNG (the banners); the hero is a real 400×300 picture, served slowly.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def png(width: int, height: int) -> bytes:
    """A noisy RGB picture (it does not compress away: the transfer is its size)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes((x * 7 + y * 13 + (x * y) % 251) % 256 for x in range(width * 3))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


HERO = png(400, 300)

HEAD = ('<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Cổng thông tin điện tử tỉnh Mẫu</title>'
        '<style>body{font-family:sans-serif;color:#111;background:#fff;margin:0 8px}a{color:#0645ad}</style>')
MENU = ('<nav><ul><li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/tin-tuc">Tin tức</a></li>'
        '<li><a href="/lien-he">Liên hệ</a></li></ul></nav>')


def page(body: str, lang: str | None = "vi", extra_head: str = "") -> str:
    attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{attr}><head>{HEAD}{extra_head}</head><body>{MENU}<main>{body}</main></body></html>"


GOOD_HOME = page('<h1>Cổng thông tin điện tử tỉnh Mẫu</h1>'
                 '<p><a href="/thu-tuc"><img src="/banner.png" alt="Thủ tục hành chính" width="120" height="40"></a></p>'
                 '<p>Tin tức, sự kiện và thông báo của Ủy ban nhân dân tỉnh.</p>')
BAD_HOME = page('<h1>Cổng thông tin điện tử tỉnh Mẫu</h1>'
                '<p><a href="/thu-tuc"><img src="/banner.png" width="120" height="40"></a></p>'
                '<table style="width:1200px"><tr><td>Lịch công tác tuần của lãnh đạo tỉnh</td></tr></table>',
                lang=None)
SLOW_HOME = page('<h1>Cổng thông tin điện tử tỉnh Mẫu</h1>'
                 '<img src="/hero.png" alt="Toàn cảnh tỉnh Mẫu" width="400" height="300" style="width:100%;height:auto">'
                 '<p>Tin tức, sự kiện.</p>')
ABOUT = page("<h1>Giới thiệu</h1><p>Tỉnh Mẫu có diện tích 5.000 km², dân số 1,2 triệu người, 12 đơn vị hành chính.</p>"
             "<p>Chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Ủy ban nhân dân tỉnh.</p>")
# The online services portal a target file lists: one where every image says what it is, one
# whose banner does not (a critical rule on a sampled page).
SERVICES = page("<h1>Cổng dịch vụ công tỉnh Mẫu</h1><p>Nộp hồ sơ trực tuyến, tra cứu hồ sơ, thanh toán phí.</p>"
                '<p><img src="/banner.png" alt="Dịch vụ công trực tuyến" width="120" height="40"></p>')
SERVICES_NO_ALT = page("<h1>Cổng dịch vụ công tỉnh Mẫu</h1><p>Nộp hồ sơ trực tuyến, tra cứu hồ sơ.</p>"
                       '<p><img src="/banner.png" width="120" height="40"></p>')


def _png(handler) -> None:
    handler.reply(200, PNG, content_type="image/png")


def _slow_png(seconds: float):
    """The hero image: headers at once, then the body in pieces over `seconds` (a throttling server)."""
    def serve(handler) -> None:
        body = HERO
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Cache-Control", "no-store")
        handler.end_headers()
        pieces = 10
        step = len(body) // pieces + 1
        for i in range(pieces):
            time.sleep(seconds / pieces)
            try:
                handler.wfile.write(body[i * step:(i + 1) * step])
                handler.wfile.flush()
            except OSError:
                return
    return serve


def _html(text: str):
    return lambda handler: handler.reply(200, text)


def server(kind: str, slow_seconds: float = 12.0) -> LoopbackServer:
    """`hang`: the slow portal whose hero takes far longer than an audit may (the timeout test)."""
    home = {"good": GOOD_HOME, "bad": BAD_HOME, "slow": SLOW_HOME, "hang": SLOW_HOME}[kind]
    if kind == "hang":
        slow_seconds = 90.0
    routes = {"/": _html(home), "/gioi-thieu": _html(ABOUT), "/banner.png": _png,
              "/dich-vu-cong": _html(SERVICES), "/dich-vu-cong-thieu-mo-ta": _html(SERVICES_NO_ALT),
              "/hero.png": _slow_png(slow_seconds), "/robots.txt": lambda h: h.reply(200, "User-agent: *\nAllow: /\n",
                                                                                   content_type="text/plain")}
    return LoopbackServer(routes)
