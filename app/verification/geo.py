from __future__ import annotations

import math
from datetime import datetime

EARTH_RADIUS_KM = 6371.0
ROUNDING_SLACK_KM = 16.0  # two points each rounded to 0.1° may be ~15 km off


def round_location(latitude: float, longitude: float) -> tuple[float, float]:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude must be within ±90 and longitude within ±180")
    return round(latitude, 1), round(longitude, 1)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def impossible_travel(
    first: tuple[float, float, datetime],
    second: tuple[float, float, datetime],
    max_speed_kmh: float,
) -> bool:
    """Whether one physical label could have been at both places at those times."""
    distance = haversine_km(first[:2], second[:2]) - ROUNDING_SLACK_KM
    hours = abs((second[2] - first[2]).total_seconds()) / 3600
    return distance > max_speed_kmh * hours
