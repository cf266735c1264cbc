"""GeoJSON polygons of growing bases and protected areas, checked with shapely.

A polygon is uploaded by a bureau (a protected area, a base) or by the licensee (its base): a
GeoJSON ``Polygon`` or ``MultiPolygon`` geometry, or a ``Feature`` carrying one, in WGS 84
longitude/latitude (RFC 7946). It is refused unless it is a valid, non-empty area within the
coordinate ranges; stored as the bare geometry. Containment is ``covers``: a base sharing a
boundary with the protected area is inside it."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from app.core.errors import Unprocessable

AREA_TYPES = ("Polygon", "MultiPolygon")
MAX_VERTICES = 50_000  # a county boundary at survey detail stays well under this


class InvalidGeometry(Unprocessable):
    code = "invalid_geometry"


def _bare(geojson: dict[str, Any]) -> dict[str, Any]:
    if geojson.get("type") == "Feature":
        geometry = geojson.get("geometry")
        if not isinstance(geometry, dict):
            raise InvalidGeometry("the GeoJSON Feature has no geometry", field="polygon")
        return geometry
    return geojson


def validated(geojson: dict[str, Any], field: str = "polygon") -> dict[str, Any]:
    """The bare GeoJSON geometry of ``geojson``, or :class:`InvalidGeometry` saying why not."""
    geometry = _bare(geojson)
    if geometry.get("type") not in AREA_TYPES:
        raise InvalidGeometry(
            f"a polygon must be a GeoJSON Polygon or MultiPolygon, not {geometry.get('type')!r}",
            field=field,
        )
    try:
        parsed = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise InvalidGeometry(f"not a readable GeoJSON polygon: {exc}", field=field) from exc
    except shapely.errors.GEOSException as exc:
        raise InvalidGeometry(f"not a readable GeoJSON polygon: {exc}", field=field) from exc
    if parsed.is_empty or parsed.area == 0:
        raise InvalidGeometry("the polygon encloses no area", field=field)
    if shapely.get_num_coordinates(parsed) > MAX_VERTICES:
        raise InvalidGeometry(f"more than {MAX_VERTICES} vertices", field=field)
    min_x, min_y, max_x, max_y = parsed.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        raise InvalidGeometry(
            "coordinates must be WGS 84 longitude (−180…180), latitude (−90…90)", field=field
        )
    if not parsed.is_valid:
        reason = shapely.is_valid_reason(parsed)
        raise InvalidGeometry(f"the polygon is not valid: {reason}", field=field)
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def area_of(geojson: dict[str, Any]) -> BaseGeometry:
    return shape(geojson)


def covers(outer: dict[str, Any], inner: dict[str, Any]) -> bool:
    """Whether ``inner`` lies wholly inside ``outer`` (boundaries may touch)."""
    return bool(shape(outer).covers(shape(inner)))
