"""Scans never keep a full IP: the /24 (IPv4) or /48 (IPv6) network, and a keyed hash of the
address under a salt that changes every UTC day and is destroyed 48 hours after its day began.

While a day's salt exists the hash only tells sources apart (the address space is small enough
that anyone holding the salt could brute-force it back, hence the short life); once the salt is
gone the hash cannot be linked to an address, or to the same address on another day.

Pure functions only: the salts themselves live in the ``scan_salt`` table (``salts.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from ipaddress import IPv4Address, IPv6Address

Address = IPv4Address | IPv6Address

SALT_BYTES = 32
SALT_LIFETIME = timedelta(hours=48)
SOURCE_HASH_CHARS = 32  # 128 bits: no collisions in practice; matches the scan column
_PREFIX_BITS = {4: 24, 6: 48}


def _fold_mapped(address: Address) -> Address:
    """``::ffff:203.0.113.9`` is the IPv4 client 203.0.113.9, not an IPv6 one."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def network_prefix(address: Address) -> str:
    """``203.0.113.0/24`` or ``2001:db8:1::/48``: coarse enough to name no household."""
    address = _fold_mapped(address)
    if address.version == 4:  # the common case, on every check: no IPv4Address round trip
        first, second, third, _host = address.packed
        return f"{first}.{second}.{third}.0/24"
    bits = _PREFIX_BITS[address.version]
    host_bits = address.max_prefixlen - bits
    network = type(address)(int(address) >> host_bits << host_bits)
    return f"{network}/{bits}"


def source_hash(address: Address, salt: bytes) -> str:
    """HMAC-SHA256 of the address under the day's salt, truncated (hex)."""
    if len(salt) < 16:
        raise ValueError("a scan salt must be at least 16 random bytes")
    digest = hmac.digest(salt, _fold_mapped(address).packed, hashlib.sha256)  # one C call
    return digest.hex()[:SOURCE_HASH_CHARS]


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def _aware_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a naive datetime is ambiguous; pass a timezone-aware one")
    return at.astimezone(UTC)


def utc_day(at: datetime) -> date:
    """The UTC day whose salt hashes a scan made at ``at`` (timezone-aware)."""
    return _aware_utc(at).date()


def _as_utc(now: datetime | date) -> datetime:
    if isinstance(now, datetime):
        return _aware_utc(now)
    return datetime.combine(now, time.min, UTC)  # a bare date: the start of that UTC day


def salts_to_destroy(days: Iterable[date], now: datetime | date) -> list[date]:
    """The days whose salt must be gone by ``now``: those that began 48 hours ago or more.
    A salt is only needed while its day lasts; the rest of the 48 hours is a margin for
    scans buffered across midnight and for clock skew between workers."""
    cutoff = _as_utc(now) - SALT_LIFETIME
    return sorted(day for day in days if datetime.combine(day, time.min, UTC) <= cutoff)


class DailySalts:
    """Salts by UTC day, made on first use and destroyed on schedule. The ``scan_salt`` table
    is the shared store in production; this is the same policy in memory (one process, tests)."""

    def __init__(self, generate: Callable[[], bytes] = new_salt) -> None:
        self._generate = generate
        self._salts: dict[date, bytes] = {}

    def salt_for(self, day: date) -> bytes:
        salt = self._salts.get(day)
        if salt is None:
            salt = self._salts[day] = self._generate()
        return salt

    def days(self) -> list[date]:
        return sorted(self._salts)

    def destroy_expired(self, now: datetime | date) -> list[date]:
        doomed = salts_to_destroy(self._salts, now)
        for day in doomed:
            del self._salts[day]
        return doomed
