"""The mark-use rate on a hand-built roster: every edge of the definition in
``app.supervision.use_rate`` has an enterprise here, and the figures are counted by hand."""

from __future__ import annotations

from datetime import date

import factories
import pytest
from supervision_world import (
    DENGKOU,
    LINHE,
    WUYUAN,
    accepted_report,
    local,
    on_roster,
    wuyuan_product,
)

from app.core.principal import Role
from app.supervision.models import UseReportStatus
from app.supervision.use_rate import use_rate


async def _licensed(session, product, *, issued_at=None, **enterprise):
    company = await factories.enterprise(session, **enterprise)
    licence = await factories.licence(session, company.id, product.id)
    if issued_at is not None:
        await factories.batch(session, licence, issued_at=issued_at)
    return company


@pytest.fixture
async def roster(session):
    """2025, 五原县 unless said otherwise:

    mid-year   licensed in July, labels issued 15 July                  → used
    new-year   labels issued 00:30 on 1 Jan 2025 in Beijing (UTC: 2024)  → used
    old-year   labels issued 23:30 on 31 Dec 2024 in Beijing            → not used in 2025
    withdrawn  closed 31 March 2025: active in 2025, no labels          → non-user
    gone       closed 31 Dec 2024: not active in 2025                   → not counted
    later      on the roster from 2026                                  → not counted
    exporter   exporter, labels issued in March                         → used
    declared   exporter, accepted report declaring packaging printed    → used (year only)
    returned   report returned, not accepted                            → non-user
    unlicensed never registered in gimark                               → non-user
    linhe      in 临河区 (another county of the area), labels issued    → used
    """
    product = await wuyuan_product(session)
    mid = await _licensed(session, product, issued_at=local(2025, 7, 15))
    new = await _licensed(session, product, issued_at=local(2025, 1, 1, 0, 30))
    old = await _licensed(session, product, issued_at=local(2024, 12, 31, 23, 30))
    exporter = await _licensed(session, product, issued_at=local(2025, 3, 10))
    declared = await _licensed(session, product)
    await accepted_report(session, declared.id, product.id, 2025, packaging_printed=5000)
    returned = await _licensed(session, product)
    await accepted_report(session, returned.id, product.id, 2025, status=UseReportStatus.RETURNED)
    linhe = await _licensed(session, product, issued_at=local(2025, 5, 1))
    await on_roster(session, product, mid.uscc, on_roster=date(2025, 7, 1))
    await on_roster(session, product, new.uscc)
    await on_roster(session, product, old.uscc)
    await on_roster(session, product, exporter.uscc, exporter=True)
    await on_roster(session, product, declared.uscc, exporter=True)
    await on_roster(session, product, returned.uscc)
    await on_roster(session, product, linhe.uscc, division_code=LINHE)
    await on_roster(session, product, factories.make_uscc(900001), closed_on=date(2025, 3, 31))
    await on_roster(session, product, factories.make_uscc(900002), closed_on=date(2024, 12, 31))
    await on_roster(session, product, factories.make_uscc(900003), on_roster=date(2026, 1, 1))
    await on_roster(session, product, factories.make_uscc(900004), exporter=True)
    return product, {"old": old.uscc, "returned": returned.uscc}


async def test_the_year_rate_counts_each_edge_as_defined(session, roster) -> None:
    product, uscc = roster
    rate = await use_rate(session, product.id, None, "2025")
    # active: mid, new, old, exporter, declared, returned, linhe, withdrawn, unlicensed exporter
    assert (rate.all.active, rate.all.used) == (9, 5)
    assert rate.all.rate == round(5 / 9, 4) and rate.meets_target is False
    # exporters: exporter (labels), declared (report), unlicensed exporter
    assert (rate.exporters.active, rate.exporters.used) == (3, 2)
    non_users = {n.uscc for n in rate.non_users}
    assert non_users == {
        uscc["old"],
        uscc["returned"],
        factories.make_uscc(900001),
        factories.make_uscc(900004),
    }
    unregistered = next(n for n in rate.non_users if n.uscc == factories.make_uscc(900004))
    assert unregistered.enterprise_id is None and unregistered.exporter


async def test_a_county_and_the_city_above_it(session, roster) -> None:
    product, _ = roster
    linhe = await use_rate(session, product.id, LINHE, "2025")
    assert (linhe.all.active, linhe.all.used, linhe.all.rate) == (1, 1, 1.0)
    assert linhe.meets_target is True
    city = await use_rate(session, product.id, "150800", "2025")
    region = await use_rate(session, product.id, "150000", "2025")
    assert city.all == region.all and city.all.active == 9
    wuyuan = await use_rate(session, product.id, WUYUAN, "2025")
    assert wuyuan.all.active == 8 and wuyuan.by_division == []
    counties = {d.division: (d.name, d.all.active, d.all.used) for d in city.by_division}
    assert counties == {LINHE: ("临河区", 1, 1), WUYUAN: ("五原县", 8, 4)}
    assert [(d.division, d.all.active) for d in region.by_division] == [("150800", 9)]


async def test_a_declared_report_counts_for_its_year_not_for_a_month(session, roster) -> None:
    product, _ = roster
    march = await use_rate(session, product.id, None, "2025-03")
    # active in March: all but mid-year (on the roster from July); used: the exporter only
    assert (march.all.active, march.all.used) == (8, 1)
    assert (march.exporters.active, march.exporters.used) == (3, 1)


async def test_no_active_enterprise_is_no_rate(session, roster) -> None:
    product, _ = roster
    rate = await use_rate(session, product.id, DENGKOU, "2025")
    assert rate.all.active == 0 and rate.all.rate is None and rate.meets_target is None


async def test_the_api_answers_staff_only(session, client, roster) -> None:
    product, _ = roster
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    url = f"/api/v1/supervision/use-rate?product_id={product.id}&period=2025&division=150800"
    body = (await client.get(url, headers=regulator)).json()
    assert body["all"] == {"active": 9, "used": 5, "rate": round(5 / 9, 4)}
    assert body["target"] == 0.9 and len(body["non_users"]) == 4
    bad = await client.get(url.replace("2025", "2025-13"), headers=regulator)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    licensee = await factories.auth_headers(session, client, Role.LICENSEE)
    assert (await client.get(url, headers=licensee)).status_code == 403
