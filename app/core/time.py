"""Instants are stored in UTC; the public sees calendar days and clock times in the GI's zone.

A shopper in Wuyuan who checks a label at 07:30 must see today's date, not yesterday's (UTC is
eight hours behind Beijing). Every public page and public JSON date goes through
:func:`public_datetime` / :func:`public_date`; "today" on the public side is
:func:`public_today`. The zone is one setting, ``GIMARK_TIME_ZONE`` (default Asia/Shanghai),
installed by ``create_app``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Asia/Shanghai"
_public_zone = ZoneInfo(DEFAULT_TIME_ZONE)


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ValueError (one clear line) when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (an IANA name like Asia/Shanghai)") from exc


def set_public_time_zone(name: str) -> None:
    global _public_zone
    _public_zone = zone_named(name)


def public_zone() -> ZoneInfo:
    return _public_zone


def public_datetime(instant: datetime) -> datetime:
    """``instant`` on the public clock (naive values are UTC, as SQLite returns them)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(_public_zone)


def public_date(instant: datetime) -> date:
    return public_datetime(instant).date()


def public_today() -> date:
    # ``utcnow`` is looked up here at call time, so a test can freeze this module's clock.
    return public_date(utcnow())
