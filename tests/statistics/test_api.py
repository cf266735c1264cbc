"""The statistics API: regulators only, every figure narrowed by product, division and period,
on the hand-built data set whose counts are known; the console page with its charts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import factories
import httpx
import pytest
from stats_world import LINHE, WUYUAN, add_scans, at, build, inspection, report, scan
from stats_world import withdraw_licence as withdraw

from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.inspection.models import InspectionResult
from app.report.models import ReportStatus
from app.statistics import annual, rollup

YEAR = public_today().year - 1
PERIOD = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}


@pytest.fixture
async def world(session):
    built = await build(session, YEAR)
    await add_scans(
        session,
        built,
        [
            scan(built.code(WUYUAN, 3), at(date(YEAR, 2, 1))),
            scan(built.code(WUYUAN, 4), at(date(YEAR, 4, 5)), where=(40.1, 108.3)),
            scan(built.code(LINHE, 2), at(date(YEAR, 4, 6))),
            scan(built.code(LINHE, 2), at(date(YEAR, 4, 6)), verdict="suspect_clone"),
            scan("NOSUCHCODE0001", at(date(YEAR, 5, 1)), verdict="unknown"),
        ],
    )
    await inspection(session, built.batches[WUYUAN], date(YEAR, 3, 1), InspectionResult.PASS)
    await inspection(session, built.batches[WUYUAN], date(YEAR, 6, 1), InspectionResult.FAIL)
    await inspection(session, built.batches[LINHE], date(YEAR, 6, 2), InspectionResult.PASS)
    await withdraw(session, built.batches[LINHE], at(date(YEAR, 9, 1)))
    await rollup.refresh(session, utcnow())
    return built


@pytest.fixture
async def regulator(session, client):
    return await factories.auth_headers(session, client, Role.REGULATOR)


async def _get(client, headers, path: str, **params):
    response = await client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_labels_by_product_division_and_period(client, regulator, world) -> None:
    everything = await _get(client, regulator, "/api/v1/stats/labels", **PERIOD)
    assert everything["totals"] == {"issued": 24, "void": 2, "revoked": 1}
    assert everything["as_of"] is not None
    product = world.product.id
    mine = await _get(client, regulator, "/api/v1/stats/labels", product_id=product, **PERIOD)
    assert mine["totals"] == {"issued": 19, "void": 2, "revoked": 1}
    assert [m["issued"] for m in mine["months"]][:3] == [12, 0, 7]
    linhe = await _get(
        client, regulator, "/api/v1/stats/labels", product_id=product, division=LINHE, **PERIOD
    )
    assert linhe["totals"] == {"issued": 7, "void": 0, "revoked": 1}
    city = await _get(
        client, regulator, "/api/v1/stats/labels", product_id=product, division="150800", **PERIOD
    )
    assert city["totals"] == mine["totals"]  # both counties lie in 巴彦淖尔市
    spring = await _get(
        client,
        regulator,
        "/api/v1/stats/labels",
        product_id=product,
        **{"from": f"{YEAR}-02-01", "to": f"{YEAR}-03-31"},
    )
    assert spring["totals"] == {"issued": 7, "void": 2, "revoked": 1}
    assert [m["month"] for m in spring["months"]] == [f"{YEAR}-02", f"{YEAR}-03"]


async def test_scans_inspections_and_licences(client, regulator, world) -> None:
    product = world.product.id
    scans = await _get(client, regulator, "/api/v1/stats/scans", product_id=product, **PERIOD)
    assert scans["total"] == 4
    assert scans["by_verdict"] == {"genuine": 3, "suspect_clone": 1}
    assert scans["by_region"] == [{"division": "unknown", "name": "未知", "scans": 1}]
    all_scans = await _get(client, regulator, "/api/v1/stats/scans", **PERIOD)
    assert all_scans["by_verdict"]["unknown"] == 1

    checks = await _get(
        client, regulator, "/api/v1/stats/inspections", product_id=product, **PERIOD
    )
    assert (checks["count"], checks["passed"], checks["pass_rate"]) == (3, 2, 0.6667)
    assert (checks["batches_issued"], checks["batches_inspected"], checks["coverage"]) == (
        2,
        2,
        1.0,
    )
    wuyuan = await _get(client, regulator, "/api/v1/stats/inspections", division=WUYUAN, **PERIOD)
    assert (wuyuan["count"], wuyuan["batches_issued"], wuyuan["coverage"]) == (2, 2, 0.5)

    licences = await _get(client, regulator, "/api/v1/stats/licences", product_id=product, **PERIOD)
    assert licences["withdrawn"] == 1
    assert licences["by_state"]["withdrawn"] == 1 and licences["by_state"]["active"] == 1


async def test_reports_medians_of_first_response_and_resolution(
    session, client, regulator, world
) -> None:
    now = utcnow()
    await report(session, world, now - timedelta(hours=10), [ReportStatus.INVESTIGATING])
    await report(
        session,
        world,
        now - timedelta(hours=30),
        [ReportStatus.INVESTIGATING, ReportStatus.RESOLVED],
    )
    await report(session, world, now - timedelta(hours=2), [])
    await report(session, world, now - timedelta(hours=4), [], county=LINHE)
    period = {"from": str(public_today() - timedelta(days=3)), "to": str(public_today())}
    figures = await _get(client, regulator, "/api/v1/stats/reports", division=WUYUAN, **period)
    assert figures["filed"] == 3
    assert figures["by_status"] == {"new": 1, "investigating": 1, "resolved": 1, "dismissed": 0}
    assert figures["responded"] == 2 and figures["closed"] == 1
    assert figures["median_first_response_hours"] == pytest.approx(20.0, abs=0.1)
    assert figures["median_resolution_hours"] == pytest.approx(30.0, abs=0.1)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LICENSEE, Role.INSPECTOR])
async def test_only_regulators_read_the_figures(session, client, role) -> None:
    headers = await factories.auth_headers(session, client, role)
    for path in ("/api/v1/stats", "/api/v1/stats/labels", "/api/v1/stats/annual-report"):
        response = await client.get(path, headers=headers, params={"product_id": 1, "year": 2025})
        assert response.status_code == 403, path


async def test_filters_are_checked(client, regulator, world) -> None:
    unknown = await client.get(
        "/api/v1/stats/labels", headers=regulator, params={"division": "999999"}
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "division"
    backwards = await client.get(
        "/api/v1/stats/labels", headers=regulator, params={"from": "2026-05-01", "to": "2026-01-01"}
    )
    assert backwards.status_code == 422
    missing = await client.get(
        "/api/v1/stats/labels", headers=regulator, params={"product_id": 999999}
    )
    assert missing.status_code == 404


async def test_the_overview_leaves_the_use_rate_to_the_roster(client, regulator, world) -> None:
    overview = await _get(client, regulator, "/api/v1/stats", **PERIOD)
    assert overview["use_rate"] is None
    assert overview["labels"]["totals"]["issued"] == 24
    assert overview["inspections"]["count"] == 3


def _console(app) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    return httpx.AsyncClient(transport=transport, base_url="https://testserver")


async def _console_login(session, console: httpx.AsyncClient, role: Role) -> None:
    account = await factories.user(session, role)
    form = await console.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    data = {"username": account.username, "password": factories.PASSWORD, "csrf_token": token}
    assert (await console.post("/console/login", data=data)).status_code == 303


async def test_the_console_page_draws_each_chart_beside_its_numbers(session, app, world) -> None:
    async with _console(app) as console:
        await _console_login(session, console, Role.REGULATOR)
        page = await console.get(
            "/console/statistics", params={"product_id": world.product.id, **PERIOD}
        )
        assert page.status_code == 200
        html = page.text
        assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 7
        assert 'href="/console/statistics"' in html  # in the nav
        labels_table = html[html.index('data-table="labels"') :]
        assert f'<th scope="row">{YEAR}-01</th><td>12</td>' in labels_table
        assert "data-as-of" in html
        # A product over a whole year: the roster's rate is shown, here of an empty roster.
        assert '<strong data-figure="use-rate">—</strong>' in html
        assert "use-rate-pending" not in html
        link = f"/console/statistics/annual-report?product_id={world.product.id}&amp;year={YEAR}"
        assert link in html
        download = await console.get(
            "/console/statistics/annual-report",
            params={"product_id": world.product.id, "year": YEAR, "format": "xlsx"},
        )
        assert download.status_code == 200
        assert download.headers["content-type"] == annual.XLSX_MEDIA_TYPE

        refused = await console.get("/console/statistics", params={"division": "12"})
        assert refused.status_code == 422
        assert 'id="e-division"' in refused.text and 'value="12"' in refused.text


async def test_licensees_get_no_statistics_page(session, app) -> None:
    async with _console(app) as console:
        company = await factories.enterprise(session)
        account = await factories.user(session, Role.LICENSEE, company.id)
        form = await console.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        data = {"username": account.username, "password": factories.PASSWORD, "csrf_token": token}
        await console.post("/console/login", data=data)
        assert (await console.get("/console/statistics")).status_code == 403
        assert 'href="/console/statistics"' not in (await console.get("/console")).text
