"""Numbers and times as a person reads them, in Vietnamese or English (Babel).

One place for every format a person sees: the terminal, the HTML and Markdown
reports, the workbook, the monitoring page and table, notifications. Vietnamese
writes 0,527 and 1.234; English 0.527 and 1,234. Times are stored in UTC (ISO
text, or unix seconds by the monitor) and shown in Vietnam's time
(Asia/Ho_Chi_Minh), the time every agency works in, unless a zone is passed.

    format_number(0.5274, "vi")            -> "0,527"   (at most 3 decimals, none trailing)
    format_score(0.85, 3, "vi")            -> "0,850"   (fixed decimals, as published)
    format_points(71.3334, "vi")           -> "71,33"
    format_count(1234, "vi")               -> "1.234"
    format_percent(0.713, "vi")            -> "71,3%"
    format_percent(0.9995, "en", 2, fixed=True) -> "99.95%"   (uptime: fixed places)
    format_datetime("2026-11-27T07:05:00.123Z", "vi") -> "27/11/2026 14:05"
    format_datetime(1795763100, "en")      -> "27 Nov 2026, 14:05"   (unix seconds)
    format_date("2026-11-27", "en")        -> "27 Nov 2026"

Every function takes None and answers "—", so a template never prints "None".
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_timedelta as _babel_timedelta
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

# Vietnam's time: the ministry's deadlines and every agency's office hours.
DISPLAY_TIMEZONE = "Asia/Ho_Chi_Minh"
MISSING = "—"
LOCALES = {"vi": "vi_VN", "en": "en_GB"}
# en_GB: day before month and a 24-hour clock, so the two languages read the same times alike.
DATETIME_PATTERNS = {"vi": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}
DATETIME_SECONDS_PATTERNS = {"vi": "dd/MM/yyyy HH:mm:ss", "en": "d MMM yyyy, HH:mm:ss"}
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def locale_of(lang: str | None) -> str:
    return LOCALES.get(lang or "vi", LOCALES["vi"])


def _decimal_pattern(min_decimals: int, max_decimals: int) -> str:
    return "#,##0" + ("." + "0" * min_decimals + "#" * (max_decimals - min_decimals) if max_decimals else "")


def format_number(value: float | int | None, lang: str, max_decimals: int = 3) -> str:
    """A measured quantity: grouped, at most `max_decimals` decimals, no trailing zeros."""
    if value is None:
        return MISSING
    return _babel_decimal(value, format=_decimal_pattern(0, max_decimals), locale=locale_of(lang))


def format_score(value: float | None, decimals: int, lang: str) -> str:
    """An index as the methodology publishes it: always `decimals` decimals (0,850)."""
    if value is None:
        return MISSING
    return _babel_decimal(value, format=_decimal_pattern(decimals, decimals), locale=locale_of(lang))


def format_points(value: float | None, lang: str) -> str:
    """Points of a criterion or a category: two decimals at most (71,33 / 90)."""
    return format_number(value, lang, max_decimals=2)


def format_signed(value: float | None, decimals: int, lang: str) -> str:
    """A change since the previous run: +0,012 / −0,040 (a true minus sign)."""
    if value is None:
        return MISSING
    text = format_score(abs(value), decimals, lang)
    if round(value, decimals) == 0:
        return "±" + text
    return ("+" if value > 0 else "−") + text


def format_count(value: int | None, lang: str) -> str:
    if value is None:
        return MISSING
    return _babel_decimal(int(value), format="#,##0", locale=locale_of(lang))


def format_percent(share: float | None, lang: str, decimals: int = 1, fixed: bool = False) -> str:
    """A share (0..1) as a percentage: 71,3% in Vietnamese, 71.3% in English; `fixed`
    keeps every decimal place (uptime: 100,00% beside 99,95%, so a column lines up)."""
    if share is None:
        return MISSING
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "") + "%"
    return _babel_percent(share, format=pattern, locale=locale_of(lang))


def format_uptime(percent: float | None, lang: str) -> str:
    """Uptime as scoring.uptime gives it (0..100), two fixed places: 99,95% / 99.95%."""
    return MISSING if percent is None else format_percent(percent / 100, lang, 2, fixed=True)


def format_milliseconds(value: float | None, lang: str) -> str:
    """A response time: 1.234 ms / 1,234 ms."""
    return MISSING if value is None else format_number(value, lang, max_decimals=0) + " ms"


def format_duration(seconds: float | None, lang: str) -> str:
    """A length of time as CLDR says it, rounded to its largest unit: "1 tiếng" / "1 hour"."""
    if seconds is None:
        return MISSING
    locale = "vi" if lang == "vi" else "en"
    return _babel_timedelta(timedelta(seconds=max(0, seconds)), locale=locale)


def as_datetime(value: datetime | str | int | float | None) -> datetime | None:
    """A stored time (ISO text, `Z` or an offset, milliseconds or not; a naive time
    is UTC, as the store writes it; or unix seconds, as the monitor stores them) as
    an aware datetime; None when unreadable."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def format_datetime(value: datetime | str | int | float | None, lang: str, seconds: bool = False,
                    tz: tzinfo | None = None) -> str:
    """27/11/2026 14:05 (vi) or 27 Nov 2026, 14:05 (en), in Vietnam's time (or `tz`)."""
    moment = as_datetime(value)
    if moment is None:
        return MISSING if value in (None, "") else str(value)
    patterns = DATETIME_SECONDS_PATTERNS if seconds else DATETIME_PATTERNS
    return _babel_datetime(moment, patterns.get(lang, patterns["vi"]), tzinfo=tz or _zone(),
                           locale=locale_of(lang))


def format_date(value: date | datetime | str | int | float | None, lang: str, tz: tzinfo | None = None) -> str:
    """27/11/2026 (vi) or 27 Nov 2026 (en). A time is first put in Vietnam's time (or `tz`)."""
    if value is None or value == "":
        return MISSING
    day: date | None
    if isinstance(value, datetime | int | float) or (isinstance(value, str) and "T" in value):
        moment = as_datetime(value)
        day = moment.astimezone(tz or _zone()).date() if moment else None
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip()[:10])
        except ValueError:
            day = None
    else:
        day = value
    if day is None:
        return str(value)
    return _babel_date(day, DATE_PATTERNS.get(lang, DATE_PATTERNS["vi"]), locale=locale_of(lang))


def _zone() -> tzinfo:
    return ZoneInfo(DISPLAY_TIMEZONE)
