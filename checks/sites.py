"""One site, however a page spells its address.

Portals link the same unit as `http://www.sotuphap.x.gov.vn/`,
`https://sotuphap.x.gov.vn` and `…/index.html`; after redirects a unit's old
domain lands on its new one. A *site key* says which of those are one site: the
host without `www.`, the port when it is not the scheme's default, and the path
without a homepage file name or a trailing slash. The scheme does not count.
Pure: strings in, strings out.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

_DATA = Path(__file__).with_name("data") / "child_units.yaml"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=1)
def _home_paths() -> frozenset[str]:
    return frozenset(yaml.safe_load(_DATA.read_text(encoding="utf-8"))["home_paths"])


def host_key(url: str) -> str:
    """`sotuphap.x.gov.vn` for any spelling of the site's address (port kept when not default)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if host.startswith("www."):
        host = host[4:]
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def site_path(url: str) -> str:
    """The path that tells two sites on one host apart, lower case, no homepage file name."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    path = path.strip("/").lower()
    if path in _home_paths():
        return ""
    for home in sorted(_home_paths(), key=len, reverse=True):
        if home and path.endswith("/" + home):
            return path[: -len(home) - 1]
    return path


def site_key(url: str) -> str:
    """host_key plus site_path: `x.gov.vn/xa-hoa-binh`, or the host alone for a homepage."""
    host = host_key(url)
    path = site_path(url)
    return f"{host}/{path}" if host and path else host


def is_home(url: str) -> bool:
    """True when `url` is its host's homepage (`/`, `/index.html`, `/trang-chu`, …)."""
    return site_path(url) == ""


def under(host: str, domain: str) -> bool:
    """True when `host` is `domain` or one of its subdomains (`a.b.gov.vn` under `b.gov.vn`)."""
    host, domain = host.lower(), domain.lower()
    return bool(domain) and (host == domain or host.endswith("." + domain))
