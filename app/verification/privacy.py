"""Scans never keep a full IP: the /24 (IPv4) or /48 (IPv6) network, and a keyed hash of the
address under a salt that changes daily and is destroyed after 48 hours, which counts distinct
sources without being reversible once the salt is gone."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta
from ipaddress import IPv4Address, IPv6Address, ip_network

SALT_LIFETIME = timedelta(hours=48)


def network_prefix(address: IPv4Address | IPv6Address) -> str:
    bits = 24 if address.version == 4 else 48
    return str(ip_network(f"{address}/{bits}", strict=False))


def source_hash(address: IPv4Address | IPv6Address, salt: bytes) -> str:
    return hmac.new(salt, address.packed, hashlib.sha256).hexdigest()[:32]


def new_salt() -> bytes:
    return secrets.token_bytes(32)


def salts_to_destroy(days: list[date], today: date) -> list[date]:
    """A day's salt is needed until that day ends; 48 h after it began, it must be gone."""
    return [day for day in days if day < today - timedelta(days=1)]
