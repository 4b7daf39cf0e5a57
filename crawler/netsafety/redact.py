"""Secrets out of everything a person or a file sees: one helper, `redact`.

A URL can carry a secret in three places: its user-info (`https://user:pass@…`),
a query parameter named like a secret (`?token=…`), and, for a notification
URL (apprise: `mailtos://user:pass@…`, `tgram://BOT_TOKEN/CHAT`), almost
anywhere after the scheme. `redact` masks all three wherever they appear in a
text (a URL alone, a log line, an error message, an evidence snippet);
`redact_notify_url` keeps only the scheme of a notification URL. Notify,
the log filter below and the results pipeline all use these, so a secret is
masked the same way on the screen, in the log and in the database.
"""
from __future__ import annotations

import logging
import re

MASK = "***"

# scheme://user:password@  (any scheme: http, ftp, mailtos, redis…)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{1,30}://)([^/\s:@]*):([^/\s@]+)@")
# user:password@host without a scheme (as error messages quote a netloc)
_BARE_USERINFO = re.compile(r"(?<![\w/:@.])([\w.\-]{1,64}):([^\s/@:'\"]{1,256})@(?=[\w\-]+[.:\[\]\w])")
# ?token=… &password=…  (the name matched loosely: api_key, access-token, sig…)
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:[\w.\-]*?)(?:pass(?:word|wd)?|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|"
    r"auth|session|sessid|sig|signature|credential|private[_\-]?key)[\w.\-]*=)([^&;#\s\"'<>]+)")
# apprise schemes whose path or host holds a token (everything after :// is masked)
NOTIFY_SCHEMES = frozenset({
    "tgram", "slack", "discord", "msteams", "pover", "pushover", "gotify", "gotifys", "ntfy", "ntfys",
    "mailto", "mailtos", "matrix", "matrixs", "mmost", "mmosts", "rocket", "rockets", "zulip", "signal",
    "signals", "line", "pbul", "join", "ifttt", "apprise", "apprises", "json", "jsons", "xml", "xmls",
    "form", "forms", "whatsapp", "twilio", "sns", "ses", "opsgenie", "pagerduty", "webex", "wxteams",
    "lametric", "lametrics", "bark", "barks", "dingtalk", "wecombot", "feishu", "lark", "kakao",
})
_NOTIFY_URL = re.compile(r"(?i)\b(" + "|".join(sorted(NOTIFY_SCHEMES, key=len, reverse=True))
                         + r")://[^\s\"'<>]+")


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]{0,30})://")
# words whose presence makes the secret-parameter pattern worth running
_SECRET_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "sess", "sig", "credential")


def redact(text: str | None) -> str | None:
    """`text` with every credential in a URL masked; None and texts with no
    sign of one come back unchanged. Cheap tests first: the pipeline runs this
    on every stored value."""
    if not text or not isinstance(text, str):
        return text
    if "://" in text:
        lowered = text.lower()
        web = lowered.count("http://") + lowered.count("https://")
        if web != text.count("://") and any(m.lower() in NOTIFY_SCHEMES for m in _SCHEME.findall(text)):
            text = _NOTIFY_URL.sub(lambda m: f"{m.group(1)}://{MASK}", text)
        if "@" in text:
            text = _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
    if "@" in text and ":" in text:
        text = _BARE_USERINFO.sub(lambda m: f"{m.group(1)}:{MASK}@" if m.group(2) != MASK else m.group(0), text)
    if "=" in text:
        lowered = text.lower()
        if any(word in lowered for word in _SECRET_WORDS):
            text = _SECRET_PARAM.sub(lambda m: m.group(1) + MASK, text)
    return text


def redact_notify_url(url: str) -> str:
    """A notification URL as it may be shown: its scheme only (`mailtos://***`)."""
    scheme, sep, _ = str(url).partition("://")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]{0,30}", scheme):
        return MASK
    return f"{scheme}://{MASK}"


def redact_value(value):
    """A stored value: strings redacted, lists and dicts walked, others as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the message and traceback of
    every record it passes (installed on the log handlers by
    `LogRedactionExtension`, and by the CLI on its own handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_filter() -> None:
    """Add the filter to every handler of the root logger (idempotent)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


class LogRedactionExtension:
    """Scrapy extension: Scrapy's log handler (installed when the crawler
    starts) gets the redacting filter, so a URL with credentials that a page
    links to is never written in clear to the log."""

    def __init__(self, crawler):
        from scrapy import signals

        install_log_filter()
        crawler.signals.connect(install_log_filter, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)
