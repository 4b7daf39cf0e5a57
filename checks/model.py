"""The vocabulary every part of portalcheck speaks: pages in, observations out.

`checks/` receives a `Page` (already fetched by a spider) and returns `Observation`s
or plain data. Nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Failure taxonomy of a fetch (docs/statuses.md). `live` is the only
# status that means "the page answered with content".
FETCH_STATUSES = (
    "live",
    "not_found",
    "soft_404",
    "server_error",
    "timeout",
    "blocked",
    "redirect_loop",
    "dns_error",
    "tls_error",
    "connection_error",
    "render_failed",
    "error",
    "not_archived",
)
# Statuses that say nothing about the agency's compliance: the page could not be
# judged (bot protection, our timeout, a tool error). Never "dead", never a fail.
# render_failed: the browser did not start, crashed or was turned off.
# not_archived: a re-judgement found no archived answer to a request (docs/archive.md).
UNJUDGEABLE_STATUSES = frozenset({"blocked", "timeout", "render_failed", "error", "not_archived"})
# Statuses that prove the page does not work for a citizen.
DEAD_STATUSES = frozenset(
    {"not_found", "soft_404", "server_error", "redirect_loop", "dns_error", "tls_error", "connection_error"}
)
# Failures a retry cannot fix.
PERMANENT_STATUSES = frozenset({"dns_error", "tls_error", "not_found", "redirect_loop"})

OUTCOMES = ("pass", "fail", "inconclusive", "not_applicable")

SECTION_KEYS = (
    "gioi_thieu",
    "lanh_dao",
    "lien_he",
    "tin_tuc",
    "chi_dao_dieu_hanh",
    "lich_cong_tac",
    "van_ban",
    "dieu_uoc_quoc_te",
    "thu_tuc_hanh_chinh",
    "pho_bien_phap_luat",
    "chien_luoc_quy_hoach",
    "du_an_dau_tu",
    "lay_y_kien",
    "hoi_dap",
    "thong_ke",
    "ngan_sach",
    "khoa_hoc",
    "phat_ngon",
)
FUNCTION_KEYS = (
    "search",
    "related_links",
    "print",
    "english",
    "site_map",
    "rss",
    "emc",
    "https",
    "mobile",
    "accessibility",
    "performance",
    "lang_vi",
    "image_link_alt",
    "mobile_width",
)
LEVELS = ("toan_trinh", "mot_phan", "khong_truc_tuyen", "unknown")
CLASSIFICATIONS = ("tot", "kha", "trung_binh", "yeu")


@dataclass
class Page:
    """A fetched page as the checks see it."""

    url: str
    final_url: str
    http_status: int | None
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    status: str = "live"  # taxonomy status given by the fetcher
    rendered: bool = False
    redirect_chain: list[str] = field(default_factory=list)
    elapsed_ms: float | None = None
    error: str | None = None  # the fetcher's error text, for a failed fetch
    tls_not_after: str | None = None  # ISO date the server's certificate expires (https only)
    tls_subject: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "live"


@dataclass
class Observation:
    """One verdict with its evidence. `category` is section, function,
    reachability or service; `key` is a stable key (SECTION_KEYS, FUNCTION_KEYS, docs/checks.md)."""

    category: str
    key: str
    outcome: str
    legal_ref: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def outcome_for_status(status: str) -> str:
    """The outcome a check must give when the page it needed came back with `status`."""
    if status == "live":
        return "pass"
    if status in DEAD_STATUSES:
        return "fail"
    return "inconclusive"
