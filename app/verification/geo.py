"""Locations of scans: stored only rounded to 0.1° (about 11 km), and the clone test that one
physical label cannot be in two places further apart than anything can travel in between."""

from __future__ import annotations

import math
from datetime import datetime

EARTH_RADIUS_KM = 6371.0088  # mean radius
PRECISION_DEGREES = 0.1
# Rounding to 0.1° moves a point at most 0.05° in latitude and longitude: √2 × 5.56 km ≈ 7.9 km.
# Two rounded points can therefore look up to ~15.7 km further apart than they were.
ROUNDING_SLACK_KM = 16.0

Point = tuple[float, float]
TimedPoint = tuple[float, float, datetime]


def _check(latitude: float, longitude: float) -> None:
    # written so that NaN fails too (every comparison with NaN is false)
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise ValueError("latitude must be within ±90° and longitude within ±180°")


def round_location(latitude: float, longitude: float) -> Point:
    """The location as stored: 0.1° each way, which names a district, not a shop or a home."""
    _check(latitude, longitude)
    return round(latitude, 1) + 0.0, round(longitude, 1) + 0.0  # + 0.0: no "-0.0" in storage


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))  # rounding can push h past 1


def impossible_travel(
    first: TimedPoint,
    second: TimedPoint,
    max_speed_kmh: float,
    slack_km: float = ROUNDING_SLACK_KM,
) -> bool:
    """Whether one physical label could not have been at both places at those times, even
    moving at ``max_speed_kmh`` and allowing ``slack_km`` for the rounding of both points."""
    if max_speed_kmh <= 0 or slack_km < 0:
        raise ValueError("max_speed_kmh must be positive and slack_km not negative")
    distance = haversine_km(first[:2], second[:2]) - slack_km
    hours = abs((second[2] - first[2]).total_seconds()) / 3600
    return distance > max_speed_kmh * hours
