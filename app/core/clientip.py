"""The client's address: the peer, unless the peer is a trusted proxy, in which case the
right-most address in X-Forwarded-For that is not itself a trusted proxy.

Each proxy *appends* the address it received the request from, so only the right-hand end of
the header was written by machines we trust; anything a client writes further left is its own
claim and is never believed. A malformed entry ends the walk: whoever wrote it is not a proxy
we can vouch for, so the nearest trusted hop before it is the best address we know.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.requests import HTTPConnection
from starlette.types import Scope

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
UNKNOWN = ip_address("0.0.0.0")  # noqa: S104 - "no address", not a bind
FORWARDED_FOR = b"x-forwarded-for"
MAX_HOPS = 16  # far more proxies than any real chain; bounds the work a long header can cause


def parse_networks(values: Sequence[str | Network]) -> tuple[Network, ...]:
    """``["10.0.0.0/8", "::1"]`` → networks; a bare address is a one-address network."""
    return tuple(ip_network(value, strict=False) for value in values)


@lru_cache(maxsize=16_384)  # parsing is most of this module's cost; clients come back
def parse_address(text: str) -> Address | None:
    """An address as proxies write it (``1.2.3.4``, ``1.2.3.4:567``, ``[2001:db8::1]:443``),
    IPv4-mapped IPv6 folded to IPv4 so one client never has two identities; None if garbled."""
    text = text.strip()
    if text.startswith("["):
        text, bracket, _port = text[1:].partition("]")
        if not bracket:
            return None
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def _forwarded_hops(scope: Scope) -> list[str]:
    """Every X-Forwarded-For entry, left to right; repeated headers concatenate in order."""
    values = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == FORWARDED_FOR]
    return ",".join(values).split(",") if values else []


def _walk_back(hops: list[str], nearest: Address, proxies: Sequence[Network]) -> Address:
    """From the right: skip trusted proxies, stop at the first client (or at garbage)."""
    for hop in hops[: -MAX_HOPS - 1 : -1]:
        address = parse_address(hop)
        if address is None:
            return nearest
        if not _trusted(address, proxies):
            return address
        nearest = address
    return nearest


def client_ip(source: Scope | HTTPConnection, trusted_proxies: Sequence[Network]) -> Address:
    """The address to attribute a request to (rate limits, scan statistics)."""
    scope = source.scope if isinstance(source, HTTPConnection) else source
    client = scope.get("client")
    peer = (parse_address(client[0]) if client else None) or UNKNOWN
    if not trusted_proxies or not _trusted(peer, trusted_proxies):
        return peer
    return _walk_back(_forwarded_hops(scope), peer, trusted_proxies)
