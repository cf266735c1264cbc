"""The client's address: the peer, unless the peer is a trusted proxy, in which case the
right-most address in X-Forwarded-For that is not itself a trusted proxy. Anything a client
writes further left is its own claim and is never believed."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.types import Scope

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
UNKNOWN = ip_address("0.0.0.0")  # noqa: S104 - "no address", not a bind


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ip_network(value, strict=False) for value in values)


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def _parse(text: str) -> Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def _forwarded_for(scope: Scope) -> list[str]:
    values = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
    return [part for value in values for part in value.split(",")]


def client_ip(scope: Scope, trusted_proxies: Sequence[Network]) -> Address:
    peer = _parse((scope.get("client") or ("",))[0]) or UNKNOWN
    if not trusted_proxies or not _trusted(peer, trusted_proxies):
        return peer
    for hop in reversed(_forwarded_for(scope)):
        address = _parse(hop)
        if address is None:
            return peer  # a garbled chain: trust nothing beyond our own proxy
        if not _trusted(address, trusted_proxies):
            return address
    return peer
