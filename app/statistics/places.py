"""Where a figure belongs: the enterprise's division, a division filter, and a scan's region.

An enterprise's figures count under its ``division_code``, the county of its registered
address (issue 14): the same division that puts it in a bureau's jurisdiction everywhere
else, so a county bureau's figures are those of the enterprises it can list. The office that
registered its USCC (characters 3–8) may be another one: a city office registers companies
located in its counties.

A scan's region comes only from a location the shopper chose to share (already rounded to
0.1°). The division table has no boundaries, so a location is mapped to a division only by a
locator a deployment provides (:func:`provide_locator`: a point-in-polygon lookup on its own
boundary data); without one, and for points no locator places, the region is "unknown". No
address or IP-based geolocation is ever used.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core import divisions
from app.statistics.models import UNKNOWN_DIVISION

NATIONAL = "100000"  # a USCC registered by a national office names no local division

Locator = Callable[[float, float], str | None]
_locator: Locator | None = None


def division_of_enterprise(division_code: str | None, uscc: str) -> str:
    """The division an enterprise's figures count under.

    ``division_code`` may be missing: revision 0026 left it empty where the USCC's office code
    was abolished and split between several successors, and no bureau has set it since. Such
    an enterprise is still counted under the best knowledge there is, its registering office
    (today's equivalent), rather than under "unknown", which no county or city filter finds."""
    return division_code if division_code else division_of_uscc(uscc)


def division_of_uscc(uscc: str) -> str:
    """Today's county-level (or higher) code of the registering office, or "unknown"."""
    code = uscc[2:8] if len(uscc) == 18 else ""
    if not code.isdigit() or code == NATIONAL or not divisions.is_known(code):
        return UNKNOWN_DIVISION
    current = divisions.current_equivalents(code)
    return current[0] if current else UNKNOWN_DIVISION


def division_prefix(code: str) -> str:
    """The code prefix every division inside ``code`` starts with: 15 for a province
    (150000), 1508 for a city (150800), the whole code for a county."""
    if not (len(code) == 6 and code.isdigit()):
        raise ValueError("a division is a six-digit GB/T 2260 code")
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


def provide_locator(locator: Locator | None) -> None:
    """Install (or, with ``None``, remove) the deployment's point → division lookup."""
    global _locator
    _locator = locator


def region_of(latitude: float | None, longitude: float | None) -> str | None:
    """The division of a shared location, "unknown" where none is known, ``None`` when the
    shopper shared none (such scans count under no region)."""
    if latitude is None or longitude is None:
        return None
    found = _locator(latitude, longitude) if _locator is not None else None
    return found if found is not None and divisions.is_known(found) else UNKNOWN_DIVISION
