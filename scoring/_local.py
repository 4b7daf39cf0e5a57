"""Numbers and times as a person in Việt Nam reads them, through Babel: vi
`0,527`, `27/11/2026 14:05` (Asia/Ho_Chi_Minh); en `0.527`, `27 Nov 2026 14:05`.

Private to the workbook and the monitor page for now: a shared formatting
module is being written beside this one, and the two are to be unified.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")   # the ministry's clock
_DATETIME = {"vi": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy HH:mm"}
_DAY = {"vi": "dd/MM", "en": "d MMM"}
_FULL_DAY = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def _locale(lang: str) -> str:
    return "vi" if lang == "vi" else "en"


def number(value: float | int | None, lang: str, decimals: int = 0, dash: str = "—") -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English; exactly `decimals` places."""
    if value is None:
        return dash
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang), decimal_quantization=True)


def percent(value: float | None, lang: str, decimals: int = 2) -> str:
    """99,95% / 99.95% (uptime is shown with a fixed number of places)."""
    return "—" if value is None else number(value, lang, decimals) + "%"


def moment(value: int | float | datetime | str | None, lang: str, tz: tzinfo = ZONE) -> str:
    """A unix time, an aware datetime or an ISO text as local date and minute."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, tz)
    if value.tzinfo is None:   # stored times without a zone are UTC (results/store.py)
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return format_datetime(value, _DATETIME[_locale(lang)], tzinfo=tz, locale=_locale(lang))


def day(value: date, lang: str, full: bool = False) -> str:
    return format_date(value, (_FULL_DAY if full else _DAY)[_locale(lang)], locale=_locale(lang))
