"""The jurisdiction matrix (issue 14 point 1): every id-taking API endpoint a bureau may call,
for bureaus at region, city and county level, on objects of enterprises in their own
division, a sibling division, the parent division and another city. A bureau reads and acts
on what lies in its division or below; anything else is the same 404 a licensee gets for
another enterprise's object, never a 2xx.

The world (enterprises, licences, batches, labels, items, reports, inspections, revocations,
use reports, roster entries; the bureaus and their logins) is built once for the module in a
transaction of its own, rolled back at the end; every request that could change something
runs in a savepoint rolled back after it, so no request sees another's effects."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import factories
import httpx
import pytest
from console_helpers import client_for, csrf_of, log_in
from module_app import module_app
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.config import Settings
from app.core.permissions import ORG_POLICY, POLICY, api_routes, route_action
from app.core.principal import OrgKind, Role
from app.core.time import public_today, utcnow
from app.credit.models import CreditListing
from app.inspection.models import Inspection, InspectionResult
from app.label.code import LabelCodec
from app.main import ROUTERS
from app.origin.models import BaseKind, GrowingBase, Harvest, Purchase, SellerKind
from app.packing.models import Package, PackageKind
from app.planning.models import InspectorConflict
from app.report.models import ConsumerReport, ReportStatus
from app.revocation.models import Revocation, RevocationScope
from app.supervision.models import ProducerKind, RosterEntry, UseReport, UseReportStatus

# Where each enterprise is registered, seen from the county bureau of 五原县 (150821).
PLACES = {
    "own": "150821",  # 五原县
    "sibling": "150822",  # 磴口县, another county of 巴彦淖尔市
    "parent": "150800",  # registered at city level (巴彦淖尔市)
    "other_city": "150302",  # 乌海市海勃湾区
}
BUREAUS = {"region": "150000", "city": "150800", "county": "150821"}
VISIBLE = {
    "region": {"own", "sibling", "parent", "other_city"},
    "city": {"own", "sibling", "parent"},
    "county": {"own"},
}


@dataclass
class Place:
    ids: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    client: httpx.AsyncClient
    connection: AsyncConnection
    places: dict[str, Place]
    headers: dict[str, dict[str, str]]
    usernames: dict[str, str]


async def _place(
    session: Any, codec: LabelCodec, product: Any, inspector: Any, division: str, n: int
) -> Place:
    company = await factories.enterprise(
        session, division_code=division, uscc=factories.compose("91", division, f"MJ{n:06d}")
    )
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence)
    codes = codec.mint_many(3)
    await factories.labels(session, batch, codes[:2])
    carton = Package(code=codes[2], kind=PackageKind.CARTON, enterprise_id=company.id)
    item = await factories.item(session, company.id, product.id)
    inspection = Inspection(
        batch_id=batch.id,
        sample_id=f"S-{n}",
        sampled_on=public_today() - timedelta(days=3),
        sampling_place="仓库",
        lab="检验所",
        report_number=f"JUR-{n}",
        result=InspectionResult.PASS,
    )
    report = ConsumerReport(
        code=codes[0],
        enterprise_id=company.id,
        what_was_seen="包装可疑",
        status=ReportStatus.NEW,
    )
    revocation = Revocation(
        scope=RevocationScope.LICENCE,
        licence_id=licence.id,
        enterprise_id=company.id,
        reason="冒用",
        legal_basis="《商标法》第五十七条",
        case_number=f"案{n}",
        reversed_at=utcnow(),
        reversal_reason="撤销错误",
    )
    use_report = UseReport(
        enterprise_id=company.id,
        product_id=product.id,
        year=public_today().year - 1,
        produced_kg=Decimal(1000),
        sold_domestic_kg=Decimal(900),
        sold_export_kg=Decimal(0),
        output_value_yuan=Decimal(10000),
        labels_applied=10,
        packaging_printed=10,
        sales_channels="超市",
        authorised_shops="无",
        status=UseReportStatus.SUBMITTED,
        submitted_at=utcnow(),
    )
    entry = RosterEntry(
        product_id=product.id,
        uscc=company.uscc,
        name=company.name,
        division_code=division,
        kind=ProducerKind.PROCESSOR,
        source="普查",
        on_roster=public_today() - timedelta(days=400),
    )
    listing = CreditListing(
        enterprise_id=company.id,
        reason="冒用专用标志",
        legal_basis="《商标法》第五十七条",
        case_number=f"信{n}",
        starts_on=public_today() - timedelta(days=10),
        ends_on=public_today() + timedelta(days=355),
    )
    base = GrowingBase(
        enterprise_id=company.id,
        product_id=product.id,
        name=f"基地{n}",
        kind=BaseKind.PLOT,
        division_code=division,
        township="隆兴昌镇",
        area_mu=Decimal(100),
    )
    session.add_all([inspection, report, revocation, use_report, entry, carton, listing, base])
    await session.flush()
    harvest = Harvest(
        base_id=base.id,
        enterprise_id=company.id,
        harvested_on=public_today() - timedelta(days=30),
        quantity_kg=Decimal(500),
    )
    purchase = Purchase(
        enterprise_id=company.id,
        product_id=product.id,
        seller_kind=SellerKind.GROWER,
        seller_name="张三",
        division_code=division,
        township="隆兴昌镇",
        purchased_on=public_today() - timedelta(days=20),
        harvest_year=public_today().year,
        quantity_kg=Decimal(300),
    )
    conflict = InspectorConflict(inspector_id=inspector.id, enterprise_id=company.id, reason="亲属")
    session.add_all([harvest, purchase, conflict])
    await session.flush()
    return Place(
        {
            "enterprise_id": company.id,
            "licence_id": licence.id,
            "batch_id": batch.id,
            "code": codes[1],
            "item_id": item.id,
            "inspection_id": inspection.id,
            "report_id": report.id,
            "use_report_id": use_report.id,
            "revocation_id": revocation.id,
            "entry_id": entry.id,
            "package_code": carton.code,
            "listing_id": listing.id,
            "base_id": base.id,
            "harvest_id": harvest.id,
            "purchase_id": purchase.id,
            "inspector_id": inspector.id,
        }
    )


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine, test_settings: Settings) -> AsyncIterator[World]:
    async with module_app(engine, test_settings) as module:
        connection = module.connection
        codec = LabelCodec(test_settings.label_key_bytes(), test_settings.label_current_key_id)
        transport = httpx.ASGITransport(app=module.app, client=("198.51.100.8", 40000))
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
            module.sessionmaker() as session,
        ):
            product = await factories.product(
                session, protected_area_codes=["150800", "150302"], protected_area="河套、乌海"
            )
            inspector = await factories.user(session, Role.INSPECTOR)
            places = {
                name: await _place(session, codec, product, inspector, code, 900 + i)
                for i, (name, code) in enumerate(PLACES.items())
            }
            usernames = {}
            for level, code in BUREAUS.items():
                bureau = await factories.organisation(session, division_code=code)
                account = await factories.user(session, Role.REGULATOR, organisation_id=bureau.id)
                usernames[level] = account.username
            await session.commit()
            headers = {
                level: await factories.login(client, name) for level, name in usernames.items()
            }
            yield World(client, connection, places, headers, usernames)


# --- the endpoints ---------------------------------------------------------------------------

ID_PARAMS = {
    "enterprise_id",
    "licence_id",
    "batch_id",
    "code",
    "item_id",
    "inspection_id",
    "report_id",
    "revocation_id",
    "entry_id",
    "listing_id",
    "base_id",
    "harvest_id",
    "purchase_id",
    "inspector_id",  # with an enterprise_id: the inspector's conflict with that enterprise
}
# Bodies that get a mutation past validation, so a refusal is about the object.
BODIES: dict[str, Any] = {
    "reason": {"reason": "按规定处理", "legal_basis": "《商标法》", "case_number": "案1"},
}


def _bureau_may(action: str) -> bool:
    """A market-supervision bureau's clerk may call the action at all (an association's act
    is refused to it before any object is looked up, the same for every id)."""
    kinds = ORG_POLICY.get(action)
    return Role.REGULATOR in POLICY[action] and (
        kinds is None or OrgKind.MARKET_SUPERVISION in kinds
    )


def _endpoints() -> list[tuple[str, str, str]]:
    """(method, path template, action) of every API route a regulator may call that takes the
    id of an enterprise's object."""
    found = []
    for route in api_routes(ROUTERS):
        action = route_action(route)
        params = set(re.findall(r"{(\w+)}", route.path))
        if action is None or not params or not route.path.startswith("/api/"):
            continue
        if not _bureau_may(action) or not params <= ID_PARAMS | {"kind"}:
            continue
        if params == {"inspector_id"}:  # the inspector's own list: tested on its own below
            continue
        for method in sorted(route.methods or ()):
            found.append((method, route.path, action))
    return found


ENDPOINTS = _endpoints()


def _url(template: str, place: Place) -> str:
    ids = dict(place.ids)
    if template.startswith("/api/v1/use-reports/"):
        ids["report_id"] = ids["use_report_id"]
    if template.startswith("/api/v1/packages/"):
        ids["code"] = ids["package_code"]  # a carton's code, not a label's
    ids["kind"] = "png"
    url = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), template)
    return url + "?reason=回避关系已消除" if "/conflicts/" in template else url


def _body_refused(answer: httpx.Response) -> bool:
    """A request body refused before any object is looked up (the same for every id, so it
    tells nothing about the object): FastAPI validates the body before the handler runs."""
    if answer.status_code != 422:
        return False
    problem = answer.json()
    return problem.get("code") == "validation_failed" and all(
        error["field"].startswith("body") for error in problem.get("errors", [])
    )


def test_the_matrix_covers_every_kind_of_object() -> None:
    covered = {param for _, path, _ in ENDPOINTS for param in re.findall(r"{(\w+)}", path)}
    assert covered >= ID_PARAMS, f"no endpoint for {ID_PARAMS - covered}"
    assert len(ENDPOINTS) >= 30


@pytest.mark.parametrize("level", list(BUREAUS))
async def test_a_bureau_reaches_its_division_and_below_and_nothing_else(
    world: World, level: str
) -> None:
    leaks, hidden = [], []
    for method, template, _action in ENDPOINTS:
        for place_name, place in world.places.items():
            url = _url(template, place)
            savepoint = await world.connection.begin_nested()
            try:
                answer = await world.client.request(
                    method,
                    url,
                    headers=world.headers[level],
                    json=None if method == "GET" else BODIES["reason"],
                )
            finally:
                await savepoint.rollback()
            visible = place_name in VISIBLE[level]
            where = f"{level} bureau {method} {url} ({place_name}) → {answer.status_code}"
            assert answer.status_code < 500, where + answer.text
            if visible:
                if answer.status_code == 404 and not template.endswith("/photo"):
                    hidden.append(where + " " + answer.text[:200])
                if method == "GET" and not template.endswith("/photo"):
                    assert answer.is_success, where + answer.text[:300]
            elif answer.status_code != 404 and not _body_refused(answer):
                leaks.append(where + " " + answer.text[:200])
    assert not leaks, "out-of-jurisdiction answers other than 404:\n" + "\n".join(leaks)
    assert not hidden, "in-jurisdiction objects answered 404:\n" + "\n".join(hidden)


async def test_lists_hold_only_the_division(world: World) -> None:
    """The lists are the same filters: the county bureau's licence, batch, enterprise and
    revocation lists hold its county's objects only."""
    own = world.places["own"].ids
    for path, key in (
        ("/api/v1/licences", "licence_id"),
        ("/api/v1/batches", "batch_id"),
        ("/api/v1/enterprises", "enterprise_id"),
        ("/api/v1/revocations", "revocation_id"),
        ("/api/v1/reports", "report_id"),
        ("/api/v1/inspections", "inspection_id"),
        ("/api/v1/items", "item_id"),
    ):
        answer = await world.client.get(path, headers=world.headers["county"])
        assert answer.status_code == 200, answer.text
        ids = {row["id"] for row in answer.json()["items"]}
        others = {p.ids[key] for name, p in world.places.items() if name != "own"}
        assert own[key] in ids, path
        assert not ids & others, f"{path} leaks {ids & others}"


async def test_an_inspectors_conflicts_are_listed_within_the_jurisdiction(world: World) -> None:
    inspector = world.places["own"].ids["inspector_id"]
    url = f"/api/v1/inspectors/{inspector}/conflicts"
    for level, seen in VISIBLE.items():
        answer = await world.client.get(url, headers=world.headers[level])
        assert answer.status_code == 200, answer.text
        listed = {row["enterprise_id"] for row in answer.json()}
        assert listed == {world.places[name].ids["enterprise_id"] for name in seen}, level


async def test_a_county_bureau_of_wuyuan_gets_404_on_a_wuhai_licence(world: World) -> None:
    wuhai = world.places["other_city"].ids["licence_id"]
    answer = await world.client.get(f"/api/v1/licences/{wuhai}", headers=world.headers["county"])
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    region = await world.client.get(f"/api/v1/licences/{wuhai}", headers=world.headers["region"])
    assert region.status_code == 200


async def test_ids_in_a_body_are_held_to_the_division_too(world: World) -> None:
    """Acts naming their object in the body: revoking a licence, recording an inspection,
    applying for a licence on an enterprise's behalf."""
    for place_name, place in world.places.items():
        visible = place_name in VISIBLE["county"]
        requests = [
            (
                "/api/v1/revocations",
                {
                    "scope": "batch",
                    "batch_id": place.ids["batch_id"],
                    "reason": "冒用他人许可编号",
                    "legal_basis": "《商标法》第五十七条",
                    "case_number": f"五市监罚〔2026〕{place.ids['licence_id']}号",
                },
            ),
            (
                "/api/v1/licences",
                {
                    "enterprise_id": place.ids["enterprise_id"],
                    "product_id": 999_999,
                    "production_area_mu": "10",
                    "production_location": "五原县",
                },
            ),
        ]
        for url, body in requests:
            savepoint = await world.connection.begin_nested()
            try:
                answer = await world.client.post(url, json=body, headers=world.headers["county"])
            finally:
                await savepoint.rollback()
            where = f"county POST {url} ({place_name}) → {answer.status_code} {answer.text[:200]}"
            if visible:
                assert answer.status_code != 404 or "product" in answer.text, where
            else:
                assert answer.status_code == 404, where
                assert "product" not in answer.json()["detail"], where


# --- the console -----------------------------------------------------------------------------
# The console's pages call the same services, so they must give the same answers: a bureau's
# clerk who types another county's id into the address bar gets the console's 404 page.


def _console_endpoints() -> list[tuple[str, str]]:
    from app.console.router import ROUTERS as CONSOLE

    found = []
    for route in api_routes(CONSOLE):
        action = route_action(route)
        params = set(re.findall(r"{(\w+)}", route.path))
        if action is None or not params or not params <= ID_PARAMS:
            continue
        if not _bureau_may(action):
            continue
        found.extend((method, route.path) for method in sorted(route.methods or ()))
    return found


CONSOLE_ENDPOINTS = _console_endpoints()
FORM = {
    "reason": "按规定处理",
    "legal_basis": "《商标法》第五十七条",
    "case_number": "案1",
}


def _console_url(template: str, place: Place) -> str:
    ids = dict(place.ids)
    if template.startswith("/console/use-reports/"):
        ids["report_id"] = ids["use_report_id"]
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), template)


def test_the_console_matrix_covers_the_regulators_pages() -> None:
    covered = {p for _, path in CONSOLE_ENDPOINTS for p in re.findall(r"{(\w+)}", path)}
    assert {"batch_id", "licence_id", "enterprise_id", "report_id", "listing_id"} <= covered
    assert len(CONSOLE_ENDPOINTS) >= 25


@pytest.mark.parametrize("level", list(BUREAUS))
async def test_the_console_answers_as_the_api_does(world: World, level: str) -> None:
    app = world.client._transport.app  # type: ignore[attr-defined]
    leaks, hidden = [], []
    async with client_for(app) as browser:
        assert (await log_in(browser, world.usernames[level])).status_code == 303
        token = csrf_of((await browser.get("/console")).text)
        for method, template in CONSOLE_ENDPOINTS:
            for place_name, place in world.places.items():
                url = _console_url(template, place)
                savepoint = await world.connection.begin_nested()
                try:
                    data = {"csrf_token": token, **FORM} if method == "POST" else None
                    answer = await browser.request(method, url, data=data)
                finally:
                    await savepoint.rollback()
                where = f"{level} bureau {method} {url} ({place_name}) → {answer.status_code}"
                assert answer.status_code < 500, where + answer.text[:300]
                if place_name in VISIBLE[level]:
                    if answer.status_code == 404 and not template.endswith("/photo"):
                        hidden.append(where)
                    if method == "GET" and not template.endswith("/photo"):
                        assert answer.is_success, where + answer.text[:300]
                elif answer.status_code != 404:
                    leaks.append(where)
    assert not leaks, "out-of-jurisdiction answers other than 404:\n" + "\n".join(leaks)
    assert not hidden, "in-jurisdiction objects answered 404:\n" + "\n".join(hidden)


async def test_figures_are_of_the_jurisdiction(world: World) -> None:
    """Statistics, the use rate and the annual report: a bureau's figures default to its own
    division, and a division outside its jurisdiction is refused, not computed."""
    client, county = world.client, world.headers["county"]
    answer = await client.get("/api/v1/stats/licences", headers=county)
    assert answer.status_code == 200, answer.text
    assert answer.json()["filters"]["division"] == BUREAUS["county"]
    region = await client.get("/api/v1/stats/licences", headers=world.headers["region"])
    assert region.json()["filters"]["division"] is None  # the province: everything
    city = await client.get("/api/v1/stats/licences?division=150821", headers=world.headers["city"])
    assert city.status_code == 200 and city.json()["filters"]["division"] == "150821"
    for url in (
        "/api/v1/stats?division=150302",
        "/api/v1/stats/licences?division=150800",
        f"/api/v1/supervision/use-rate?product_id=1&period={public_today().year}&division=150302",
        f"/api/v1/stats/annual-report?product_id=1&year={public_today().year}&division=150302",
    ):
        refused = await client.get(url, headers=county)
        assert refused.status_code == 422, (url, refused.text)
        assert refused.json()["field"] == "division" and "150821" in refused.json()["detail"]
