import logging
from datetime import UTC, date, datetime, timedelta, timezone
from ipaddress import ip_address

import pytest

from app.verification.privacy import (
    DailySalts,
    network_prefix,
    new_salt,
    salts_to_destroy,
    source_hash,
    utc_day,
)

SALT = bytes(range(32))


@pytest.mark.parametrize(
    ("address", "prefix"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1::/48"),
        ("::ffff:203.0.113.77", "203.0.113.0/24"),  # an IPv4 client seen on a dual-stack socket
    ],
)
def test_network_prefix_is_the_24_or_the_48(address: str, prefix: str) -> None:
    assert network_prefix(ip_address(address)) == prefix


def test_source_hash_counts_sources_without_showing_them() -> None:
    a, b = ip_address("203.0.113.77"), ip_address("203.0.113.78")
    digest = source_hash(a, SALT)
    assert digest == source_hash(a, SALT) and digest != source_hash(b, SALT)
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert "203" not in digest and "77" not in network_prefix(a)
    assert source_hash(ip_address("::ffff:203.0.113.77"), SALT) == digest


def test_another_day_another_hash() -> None:
    address = ip_address("203.0.113.77")
    assert source_hash(address, new_salt()) != source_hash(address, new_salt())


def test_a_weak_salt_is_refused() -> None:
    with pytest.raises(ValueError):
        source_hash(ip_address("203.0.113.77"), b"short")


def test_new_salts_are_random_32_bytes() -> None:
    salts = {new_salt() for _ in range(100)}
    assert len(salts) == 100 and {len(s) for s in salts} == {32}


def test_salts_are_destroyed_48_hours_after_their_day_began() -> None:
    days = [date(2026, 3, d) for d in (1, 2, 3, 4)]
    noon_on_the_4th = datetime(2026, 3, 4, 12, tzinfo=UTC)
    assert salts_to_destroy(days, noon_on_the_4th) == [date(2026, 3, 1), date(2026, 3, 2)]
    midnight = datetime(2026, 3, 3, tzinfo=UTC)
    assert salts_to_destroy(days, midnight) == [date(2026, 3, 1)]
    assert salts_to_destroy(days, midnight - timedelta(microseconds=1)) == []


def test_destruction_is_judged_in_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    # 07:00 on the 3rd in Beijing is still 23:00 on the 2nd in UTC
    assert salts_to_destroy([date(2026, 3, 1)], datetime(2026, 3, 3, 7, tzinfo=beijing)) == []
    assert utc_day(datetime(2026, 3, 3, 7, tzinfo=beijing)) == date(2026, 3, 2)


def test_a_date_means_the_start_of_that_utc_day() -> None:
    days = [date(2026, 3, 1), date(2026, 3, 2)]
    assert salts_to_destroy(days, date(2026, 3, 3)) == [date(2026, 3, 1)]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        salts_to_destroy([date(2026, 3, 1)], datetime(2026, 3, 4))


def test_daily_salts_one_per_day_until_destroyed() -> None:
    salts = DailySalts()
    first = salts.salt_for(date(2026, 3, 1))
    assert salts.salt_for(date(2026, 3, 1)) == first != salts.salt_for(date(2026, 3, 2))
    assert salts.destroy_expired(datetime(2026, 3, 3, 1, tzinfo=UTC)) == [date(2026, 3, 1)]
    assert salts.days() == [date(2026, 3, 2)]
    assert salts.salt_for(date(2026, 3, 1)) != first  # gone for good: hashes cannot be redone


def test_nothing_here_logs(caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        network_prefix(ip_address("203.0.113.77"))
        source_hash(ip_address("203.0.113.77"), SALT)
    assert "203.0.113.77" not in caplog.text
