from ipaddress import ip_address

import pytest
from starlette.requests import Request

from app.core.clientip import client_ip, parse_address, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "2001:db8:ffff::/48"])


def scope(peer: str | None, *forwarded: str) -> dict:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"type": "http", "client": (peer, 5000) if peer else None, "headers": headers}


def test_direct_client_is_the_peer_and_its_header_is_ignored() -> None:
    assert client_ip(scope("203.0.113.9", "1.1.1.1"), PROXIES) == ip_address("203.0.113.9")
    assert client_ip(scope("203.0.113.9", "1.1.1.1"), ()) == ip_address("203.0.113.9")


def test_behind_a_proxy_the_rightmost_untrusted_hop_wins_not_the_spoofed_leftmost() -> None:
    chain = scope("10.0.0.2", "6.6.6.6, 198.51.100.4, 10.0.0.1")
    assert client_ip(chain, PROXIES) == ip_address("198.51.100.4")


def test_repeated_headers_are_one_list_in_order() -> None:
    chain = scope("10.0.0.2", "6.6.6.6", "198.51.100.4, 10.9.9.9")
    assert client_ip(chain, PROXIES) == ip_address("198.51.100.4")


def test_a_chain_of_only_proxies_gives_the_farthest_proxy() -> None:
    assert client_ip(scope("10.0.0.2", "10.0.0.7, 10.0.0.1"), PROXIES) == ip_address("10.0.0.7")
    assert client_ip(scope("10.0.0.2"), PROXIES) == ip_address("10.0.0.2")


@pytest.mark.parametrize("garbage", ["unknown", "not-an-ip", "", "999.1.1.1", "[::1"])
def test_a_malformed_hop_stops_the_walk_at_the_nearest_trusted_hop(garbage: str) -> None:
    # whatever is left of the garbage came from someone we cannot vouch for
    chain = scope("10.0.0.2", f"6.6.6.6, {garbage}, 10.0.0.1")
    assert client_ip(chain, PROXIES) == ip_address("10.0.0.1")


def test_a_malformed_hop_left_of_the_client_is_never_reached() -> None:
    chain = scope("10.0.0.2", "garbage, 198.51.100.4")
    assert client_ip(chain, PROXIES) == ip_address("198.51.100.4")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("198.51.100.4:51234", "198.51.100.4"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("[2001:db8::7]", "2001:db8::7"),
        (" 2001:db8::7 ", "2001:db8::7"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
    ],
)
def test_addresses_as_proxies_write_them(written: str, expected: str) -> None:
    assert parse_address(written) == ip_address(expected)


def test_ipv6_proxies_and_mapped_peers() -> None:
    chain = scope("2001:db8:ffff::1", "2001:db8:1::9")
    assert client_ip(chain, PROXIES) == ip_address("2001:db8:1::9")
    assert client_ip(scope("::ffff:203.0.113.9"), PROXIES) == ip_address("203.0.113.9")


def test_an_unparseable_or_missing_peer_is_the_unknown_address() -> None:
    assert client_ip(scope("testclient"), PROXIES) == ip_address("0.0.0.0")
    assert client_ip(scope(None), PROXIES) == ip_address("0.0.0.0")


def test_a_very_long_chain_is_walked_only_so_far() -> None:
    chain = scope("10.0.0.2", "198.51.100.4, " + ", ".join(["10.0.0.1"] * 100))
    assert client_ip(chain, PROXIES) == ip_address("10.0.0.1")


def test_accepts_a_request_as_well_as_a_scope() -> None:
    request = Request(scope("10.0.0.2", "6.6.6.6, 198.51.100.4"))
    assert client_ip(request, PROXIES) == ip_address("198.51.100.4")
