"""The demo's producer roster and use report (issue 13): after ``gimark demo load`` the roster,
use-rate and statistics pages have real figures: twelve producers in two counties, three of
them the licensed demo enterprises, one exporter, one closed; one accepted use report."""

from collections import Counter

import factories
import pytest
from sqlalchemy import select

from app.core import divisions
from app.core.principal import Role
from app.core.time import public_today
from app.demo.data import ENTERPRISES, PRODUCTS, ROSTER
from app.demo.loader import demo_uscc, load_demo
from app.enterprise.uscc import parse_uscc
from app.supervision.models import RosterEntry, UseReport, UseReportStatus

PRODUCTS_BY_CODE = {spec["code"]: spec for spec in PRODUCTS}


@pytest.mark.dbless
@pytest.mark.parametrize("row", ROSTER, ids=lambda row: row.name)
def test_a_roster_entry_is_fictitious_valid_and_inside_the_protected_area(row) -> None:
    assert "演示" in row.name
    parsed = parse_uscc(demo_uscc(row))
    assert parsed.division is not None and parsed.division.current
    areas = PRODUCTS_BY_CODE[row.product]["protected_area_codes"]
    assert any(divisions.is_within(row.division, area) for area in areas)


@pytest.mark.dbless
def test_the_roster_spans_two_counties_with_licensed_and_unlicensed_producers() -> None:
    assert len(ROSTER) == 12
    assert {row.division for row in ROSTER} == {"150821", "150802"}
    products = {row.product for row in ROSTER}
    licensed = {
        demo_uscc(row) for row in ENTERPRISES if row.status == "active" and row.product in products
    }
    on_roster = {demo_uscc(row) for row in ROSTER}
    assert licensed <= on_roster and len(on_roster - licensed) == 9
    assert Counter(row.exporter for row in ROSTER)[True] == 1
    assert Counter(row.closed_last_year for row in ROSTER)[True] == 1


async def test_the_loaded_demo_shows_a_use_rate(session, client, test_settings) -> None:
    assert await load_demo(session, test_settings)
    entries = list(await session.scalars(select(RosterEntry)))
    assert len(entries) == 12 and sum(e.closed_on is not None for e in entries) == 1
    report = await session.scalar(select(UseReport))
    assert report is not None and report.status is UseReportStatus.ACCEPTED
    assert report.year == public_today().year - 1 and report.declares_use

    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    product_id = next(e.product_id for e in entries if e.name.startswith("五原县演示葵花籽加工"))

    async def rate(year: int) -> dict:
        params = {"product_id": product_id, "period": str(year)}
        answer = await client.get("/api/v1/supervision/use-rate", params=params, headers=regulator)
        assert answer.status_code == 200, answer.text
        return answer.json()

    # This year: the closed trader no longer counts; the two licensees' demo batches are use.
    this_year = await rate(public_today().year)
    assert (this_year["all"]["active"], this_year["all"]["used"]) == (6, 2)
    assert (this_year["exporters"]["active"], this_year["exporters"]["used"]) == (1, 0)
    assert len(this_year["non_users"]) == 4
    # Last year: all seven active; the accepted report's packaging is the one use.
    last_year = await rate(public_today().year - 1)
    assert (last_year["all"]["active"], last_year["all"]["used"]) == (7, 1)
