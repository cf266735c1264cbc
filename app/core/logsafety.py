"""Logs carry no SQL parameters, secrets or personal data, whoever writes them.

Two layers. Every engine is made with ``hide_parameters=True`` (app/core/db.py), so SQLAlchemy
never quotes bound values, neither in its statement log nor in the text of a DBAPI error. But a
driver's own message can still quote a value (asyncpg: "invalid input for query argument $1:
'…'"), SQLAlchemy logs result rows at DEBUG (a user row holds the argon2 hash), and a third-party
logger may print a header or an address. So every log record is also scrubbed where it is made:
a record factory is the one hook that every record passes through, whichever logger, handler or
formatter (uvicorn's, pytest's) ends up writing it. It rewrites the message, its arguments and
the rendered traceback. It runs only when something is logged (the access log is off), at a
cost measured at 30-60 µs per record on the shared 2-core dev machine.
"""

from __future__ import annotations

import ipaddress
import logging
import numbers
import re
import traceback
from collections.abc import Callable
from typing import Any

# (needle, pattern, replacement): a pattern runs only if its needle is in the text (lower-cased
# for the case-insensitive ones; "" = any text with a digit), which keeps a record's scrub at a
# few microseconds for the common line that holds nothing to hide.
_SECRETS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # PostgreSQL quotes the offending values in an error's DETAIL, which asyncpg puts in the
    # exception text: "Key (username)=(…) already exists.", "Failing row contains (…).".
    (
        "Key (",
        re.compile(
            r"(Key \([^)]*\)=\().*?(\)\s+(?:already exists|is not present|is still referenced"
            r"|conflicts with))"
        ),
        r"\1[hidden]\2",
    ),
    ("Failing row", re.compile(r"(Failing row contains \().*(\))"), r"\1[hidden]\2"),
    ("$argon2", re.compile(r"\$argon2(?:id|i|d)\$[^\s'\",)\]]+"), "[password-hash]"),
    ("eyJ", re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*"), "[token]"),
    ("gmk_", re.compile(r"\bgmk_[0-9a-f]+_[\w-]+"), "gmk_[api-key]"),
    ("bearer", re.compile(r"(?i)\b(bearer\s+)[\w.~+/=-]+"), r"\1[token]"),
    *(
        (
            needle,
            re.compile(rf"(?i)\b([\w-]*{word}\w*['\"]?\s*[:=]\s*['\"]?)[^'\"\s,;&}}]+"),
            r"\1[redacted]",
        )
        for needle, word in (
            ("pass", "pass(?:word|wd)"),
            ("secret", "secret"),
            ("token", "token"),
            ("api", "api[-_]?key"),
            ("authorization", "authorization"),
        )
    ),
    ("@", re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[e-mail]"),
    # Chinese mobile (optionally +86), landline with area code, other international numbers.
    ("", re.compile(r"(?<![\w.])(?:\+?86[ -]?)?1[3-9]\d{9}(?!\d)"), "[phone]"),
    ("-", re.compile(r"(?<![\w.])0\d{2,3}-\d{7,8}(?!\d)"), "[phone]"),
    ("+", re.compile(r"(?<![\w.])\+\d{1,3}[ -]?\d[\d -]{6,13}\d(?!\d)"), "[phone]"),
)
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_DIGIT = re.compile(r"\d")
# Anything any pattern above could match starts with one of these: most text has none.
_SUSPECT = re.compile(
    r"\d|@|\$argon2|eyJ|gmk_|Key \(|Failing row|(?i:bearer|pass|secret|token|api|authorization)"
)


def _ipv4_prefix(match: re.Match[str]) -> str:
    """A full client address becomes the /24 the scans keep (DESIGN §6); loopback stays."""
    octets = match.groups()
    if any(int(octet) > 255 for octet in octets) or octets[0] in ("127", "0"):
        return match.group(0)  # a version number, loopback or "any": not a client
    return f"{octets[0]}.{octets[1]}.{octets[2]}.0/24"


def _ipv6_prefix(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return text  # a time of day such as 04:22:10: not an address
    if address.is_loopback or address.is_unspecified:
        return text
    return str(ipaddress.IPv6Network(f"{address}/48", strict=False))


def redact(text: str) -> str:
    if _SUSPECT.search(text) is None:
        return text
    lowered, has_digit = text.lower(), _DIGIT.search(text) is not None
    for needle, pattern, replacement in _SECRETS:
        if needle == "":
            found = has_digit
        else:
            found = needle in (lowered if pattern.flags & re.IGNORECASE else text)
        if found:
            text = pattern.sub(replacement, text)
    if "." in text:
        text = _IPV4.sub(_ipv4_prefix, text)
    if ":" in text:
        text = _IPV6.sub(_ipv6_prefix, text)
    return text


class _Redacted:
    """Stands in for a non-text log argument (an exception, a request): formats as the original
    would, minus what :func:`redact` removes."""

    __slots__ = ("_value",)

    def __init__(self, value: object) -> None:
        self._value = value

    def __str__(self) -> str:
        return redact(str(self._value))

    def __repr__(self) -> str:
        return redact(repr(self._value))


def _scrub_argument(value: Any) -> Any:
    if value is None or isinstance(value, numbers.Number):
        return value  # %d and %f need the number itself
    if isinstance(value, str):
        return redact(value)
    return _Redacted(value)


def _scrub_arguments(args: Any) -> Any:
    if isinstance(args, tuple):
        return tuple(_scrub_argument(a) for a in args)
    if isinstance(args, dict):
        return {key: _scrub_argument(value) for key, value in args.items()}
    return args


def _carries_sql_values(record: logging.LogRecord) -> bool:
    """Records that print a result row (SQLAlchemy at DEBUG) or a queued call with its bound
    parameters (aiosqlite at DEBUG): their argument is data, never diagnosis."""
    if record.name.startswith("sqlalchemy.engine"):
        return record.msg == "Row %r"
    return record.name == "aiosqlite" and record.levelno <= logging.DEBUG


def scrub(record: logging.LogRecord) -> None:
    if _carries_sql_values(record) and isinstance(record.args, tuple):
        record.args = tuple("[values hidden]" for _ in record.args)
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    else:
        record.msg = _Redacted(record.msg)
    record.args = _scrub_arguments(record.args)
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        # Formatters reuse exc_text when it is set: render the traceback once, scrubbed.
        rendered = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact(rendered)


def install_redaction() -> None:
    """Scrub every log record of this process from now on (idempotent)."""
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "gimark_redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        scrub(record)
        return record

    factory.gimark_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure_logging() -> None:
    install_redaction()
    logging.getLogger("gimark").setLevel(logging.INFO)
