"""Random inspection plans over HTTP: the draw, its publication and its re-run from the public
JSON, conflicts of interest, refusals, direct assignments."""

import io
import json
import urllib.request
from datetime import UTC, datetime, timedelta

import factories
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cli import main as gimark
from app.core.notices import NoticeKind, PublicNotice
from app.core.principal import Role
from app.core.time import public_today, utcnow
from app.label.models import BatchStatus
from app.licence.models import LicenceStatus
from app.planning import draw

# A plan's period is in the GI's calendar days; so is "today" here (the server's own
# public_today() is a UTC day, which differs from the GI's for eight hours a day).
TODAY = public_today()
PERIOD = {"period_start": (TODAY - timedelta(days=30)).isoformat(), "period_end": TODAY.isoformat()}


@pytest.fixture
async def world(session, client):
    """A GI product with three active licences (enterprises a, b, c), licences that are not
    in a licence population, three inspectors and a regulator."""
    product = await factories.product(session, code="WYXRK", name_zh="五原向日葵")
    other = await factories.product(session)
    companies = [await factories.enterprise(session) for _ in range(3)]
    licences = [await factories.licence(session, c.id, product.id) for c in companies]
    extra = await factories.enterprise(session)
    await factories.licence(session, extra.id, other.id)  # another product
    await factories.licence(session, extra.id, product.id, status=LicenceStatus.WITHDRAWN)
    await factories.licence(
        session,
        extra.id,
        product.id,
        number=None,
        status=LicenceStatus.PENDING,
        valid_from=None,
        valid_until=None,
    )
    await factories.licence(session, extra.id, product.id, valid_until=TODAY - timedelta(days=1))
    inspectors = [await factories.user(session, Role.INSPECTOR) for _ in range(3)]
    return {
        "product": product,
        "companies": companies,
        "licences": licences,
        "inspectors": inspectors,
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
    }


def plan_body(world, **overrides) -> dict:
    body = {
        "title": "2026年五原向日葵双随机抽查",
        "product_id": world["product"].id,
        "population": "licences",
        **PERIOD,
        "sample_size": 2,
        "inspector_ids": [i.id for i in world["inspectors"]],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


async def create(client, world, **overrides):
    return await client.post(
        "/api/v1/inspection-plans", json=plan_body(world, **overrides), headers=world["regulator"]
    )


async def public(client, plan_id: int) -> dict:
    response = await client.get(f"/api/v1/public/inspection-plans/{plan_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_plan_is_drawn_stored_and_reproducible_from_its_public_json(client, world):
    response = await create(client, world, sample_size=2, inspectors_per_target=2)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["population_size"] == 3 and plan["sample_size"] == 2
    assert plan["algorithm"] == "gimark-draw-v1" and len(plan["seed"]) == 32
    assert len(plan["assignments"]) == 4
    assert sorted({a["draw_rank"] for a in plan["assignments"]}) == [1, 2]
    numbers = {lic.number for lic in world["licences"]}
    assert {a["target"] for a in plan["assignments"]} <= numbers
    assert all(a["licence_id"] and a["batch_id"] is None for a in plan["assignments"])

    published = await public(client, plan["id"])  # no login needed
    assert published["algorithm_text"] == draw.ALGORITHM
    keys = [t["key"] for t in published["draw_input"]["population"]]
    assert keys == sorted(numbers)
    assert published["draw_input"]["seed_source"] == "generated"
    assert {p["id"] for p in published["draw_input"]["pool"]} == {i.id for i in world["inspectors"]}
    result = draw.check(published)
    assert result.matches, result.lines

    # Any other seed gives a draw the check rejects; with 2 of 3 targets one other seed may
    # happen to draw the same plan, so the generated seed is compared against several.
    others = ("another-seed", "seed-2", "seed-3", "seed-4", "seed-5", "seed-6")
    assert any(not draw.check({**published, "seed": other}).matches for other in others)


async def test_the_same_supplied_seed_draws_the_same_plan_and_another_seed_does_not(client, world):
    def drawn(plan: dict) -> list:
        return [(a["draw_rank"], a["target"], a["inspector_id"]) for a in plan["assignments"]]

    first = (await create(client, world, seed="lottery-2026-118")).json()
    again = (await create(client, world, seed="lottery-2026-118")).json()
    assert drawn(first) == drawn(again)
    others = [
        drawn((await create(client, world, seed=f"lottery-2026-{n}")).json()) for n in range(8)
    ]
    assert any(other != drawn(first) for other in others)
    assert (await public(client, first["id"]))["draw_input"]["seed_source"] == "supplied"


async def test_redraw_command_and_url_reproduce_the_plan(client, world, tmp_path, monkeypatch):
    plan = (await create(client, world, sample_size=None, sample_fraction="0.5")).json()
    assert plan["sample_size"] == 2  # ceil(0.5 × 3)
    published = await public(client, plan["id"])
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(published), encoding="utf-8")

    result = CliRunner().invoke(gimark, ["plan", "redraw", str(saved)])
    assert result.exit_code == 0 and result.output.startswith("match:"), result.output

    published["targets"][0]["inspectors"] = [0]
    saved.write_text(json.dumps(published), encoding="utf-8")
    result = CliRunner().invoke(gimark, ["plan", "redraw", str(saved)])
    assert result.exit_code == 1 and "MISMATCH" in result.output

    body = json.dumps(await public(client, plan["id"])).encode()
    monkeypatch.setattr(urllib.request, "urlopen", lambda *_a, **_k: io.BytesIO(body))
    url = f"https://gi.example.cn/api/v1/public/inspection-plans/{plan['id']}"
    assert draw.check(draw.load(url)).matches


async def put_conflict(client, world, inspector_id: int, enterprise_id: int):
    return await client.put(
        f"/api/v1/inspectors/{inspector_id}/conflicts/{enterprise_id}",
        json={"reason": "配偶在该企业任职"},
        headers=world["regulator"],
    )


async def test_a_conflicted_inspector_is_never_assigned_across_many_seeds(client, world):
    conflicted, company = world["inspectors"][0], world["companies"][0]
    assert (await put_conflict(client, world, conflicted.id, company.id)).status_code == 200
    their_licence = world["licences"][0].number
    for n in range(12):
        response = await create(
            client,
            world,
            seed=f"s{n}",
            sample_size=None,
            sample_fraction="1",
            inspectors_per_target=1 + n % 2,
        )
        assert response.status_code == 201, response.text
        plan = response.json()
        assert {a["target"] for a in plan["assignments"]} >= {their_licence}
        for a in plan["assignments"]:
            assert not (a["inspector_id"] == conflicted.id and a["enterprise_id"] == company.id)
    published = await public(client, plan["id"])
    assert published["draw_input"]["excluded"] == [
        {"inspector": conflicted.id, "enterprise": company.uscc}
    ]
    assert draw.check(published).matches


async def test_a_pool_too_small_after_conflicts_is_refused_naming_the_target(client, world):
    company = world["companies"][1]
    await put_conflict(client, world, world["inspectors"][0].id, company.id)
    response = await create(
        client, world, sample_size=None, sample_fraction="1", inspectors_per_target=3
    )
    assert response.status_code == 422
    assert response.json()["code"] == "draw_not_possible"
    assert world["licences"][1].number in response.json()["detail"]


async def test_the_pool_must_be_active_inspectors(session, client, world):
    licensee = await factories.user(session, Role.LICENSEE, world["companies"][0].id)
    retired = await factories.user(session, Role.INSPECTOR, is_active=False)
    pool = [world["inspectors"][0].id, licensee.id, retired.id, 987654]
    response = await create(client, world, inspector_ids=pool)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "not_inspectors"
    assert problem["inspector_ids"] == sorted([licensee.id, retired.id, 987654])


@pytest.mark.parametrize(
    "overrides",
    [
        {"period_start": TODAY.isoformat(), "period_end": (TODAY - timedelta(1)).isoformat()},
        {"sample_size": 2, "sample_fraction": "0.5"},
        {"sample_size": None},
        {"sample_size": None, "sample_fraction": "1.5"},
        {"sample_size": None, "sample_fraction": "0"},
        {"sample_size": 0},
        {"inspector_ids": []},
        {"seed": "has a space"},
        {"seed": "种子"},
        {"population": "labels"},
    ],
)
async def test_bad_plans_are_refused(client, world, overrides):
    response = await create(client, world, **overrides)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"


async def test_an_empty_population_is_refused(session, client, world):
    empty = await factories.product(session)
    response = await create(client, world, product_id=empty.id)
    assert response.status_code == 422
    assert response.json()["code"] == "empty_population"
    unknown = await create(client, world, product_id=987654)
    assert unknown.status_code == 404


async def test_a_county_bureau_draws_from_its_county_only(session, client, world):
    """Issue 14.1: a county bureau's plan inspects its county's licensees; the region's plan
    inspects all of them. The published rule says which division the draw was held to."""
    sibling = await factories.enterprise(
        session, division_code="150822", uscc=factories.compose("91", "150822", "PL000001")
    )
    await factories.licence(session, sibling.id, world["product"].id)
    bureau = await factories.organisation(session, division_code="150821")
    clerk = await factories.user(session, Role.REGULATOR, organisation_id=bureau.id)
    headers = await factories.login(client, clerk.username)
    body = plan_body(world, sample_size=1)
    county = await client.post("/api/v1/inspection-plans", json=body, headers=headers)
    assert county.status_code == 201, county.text
    published = await public(client, county.json()["id"])
    enterprises = {t["enterprise"] for t in published["draw_input"]["population"]}
    assert enterprises == {c.uscc for c in world["companies"]}  # 五原县's three, not 磴口县's
    assert "150821" in published["draw_input"]["population_rule"]
    assert draw.check(published).matches

    region = await create(client, world, sample_size=1)
    assert region.status_code == 201, region.text
    assert region.json()["population_size"] == 4
    region_rule = (await public(client, region.json()["id"]))["draw_input"]["population_rule"]
    assert "150000" in region_rule

    elsewhere = await factories.organisation(session, division_code="150302")
    wuhai = await factories.user(session, Role.REGULATOR, organisation_id=elsewhere.id)
    refused = await client.post(
        "/api/v1/inspection-plans", json=body, headers=await factories.login(client, wuhai.username)
    )
    assert refused.status_code == 422 and refused.json()["code"] == "empty_population"
    assert "150302" in refused.json()["detail"]


async def test_a_past_period_leaves_out_licences_not_valid_in_it(client, world):
    long_ago = {"period_start": "2001-01-01", "period_end": "2001-12-31"}
    response = await create(client, world, **long_ago)
    assert response.status_code == 422 and response.json()["code"] == "empty_population"


async def test_a_batch_population_holds_the_issued_and_suspended_batches_of_the_period(
    session, client, world
):
    licence = world["licences"][0]
    issued = await factories.batch(session, licence)
    suspended = await factories.batch(session, licence, status=BatchStatus.SUSPENDED)
    await factories.batch(session, licence, status=BatchStatus.RECALLED)
    await factories.batch(session, licence, status=BatchStatus.REQUESTED, issued_at=None)
    old = utcnow() - timedelta(days=90)
    await factories.batch(session, licence, issued_at=old)
    response = await create(client, world, population="batches", sample_size=5)
    assert response.status_code == 201, response.text
    plan = response.json()
    expected = {f"{licence.number}/{b.lot_number}" for b in (issued, suspended)}
    assert plan["population_size"] == 2 and plan["sample_size"] == 2
    assert {a["target"] for a in plan["assignments"]} == expected
    assert {a["batch_id"] for a in plan["assignments"]} == {issued.id, suspended.id}
    assert all(a["licence_id"] is None for a in plan["assignments"])
    assert draw.check(await public(client, plan["id"])).matches


def at(utc_text: str) -> datetime:
    return datetime.fromisoformat(utc_text).replace(tzinfo=UTC)


async def test_a_batch_population_counts_the_gis_calendar_days(session, client, world):
    """Issue times are UTC instants; the period's days are Beijing days (UTC+8 by default)."""
    licence = world["licences"][0]
    first_morning = await factories.batch(session, licence, issued_at=at("2026-02-28T16:30"))
    last_night = await factories.batch(session, licence, issued_at=at("2026-03-31T15:30"))
    await factories.batch(session, licence, issued_at=at("2026-03-31T16:30"))  # 1 April there
    march = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
    response = await create(client, world, population="batches", sample_size=5, **march)
    assert response.status_code == 201, response.text
    drawn = {a["batch_id"] for a in response.json()["assignments"]}
    assert drawn == {first_morning.id, last_night.id}


async def test_the_plan_is_audited_and_published_as_a_notice(session, client, world):
    plan = (await create(client, world, seed="notice-seed")).json()
    notice = await session.scalar(
        select(PublicNotice).where(
            PublicNotice.kind == NoticeKind.PLAN, PublicNotice.subject_id == plan["id"]
        )
    )
    assert notice is not None and notice.product_id == world["product"].id
    assert notice.detail["seed"] == "notice-seed"
    assert notice.detail["algorithm"] == "gimark-draw-v1"
    assert notice.detail["population_size"] == 3 and notice.detail["sample_size"] == 2
    assert [t["key"] for t in notice.detail["targets"]] == [
        t["key"] for t in (await public(client, plan["id"]))["targets"]
    ]
    names = {i.display_name for i in world["inspectors"]}
    assert {n for t in notice.detail["targets"] for n in t["inspectors"]} <= names
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "inspection_plan", AuditEvent.object_id == str(plan["id"])
        )
    )
    assert event.action == "inspection_plan.draw" and event.reason == plan["title"]
    page = (await client.get("/public/notices", params={"kind": "plan", "lang": "en"})).text
    assert "notice-seed" in page and "gimark-draw-v1" in page
    assert f"/api/v1/public/inspection-plans/{plan['id']}" in page
    assert all(t["key"] in page for t in notice.detail["targets"])


@pytest.mark.parametrize("role", [Role.LICENSEE, Role.INSPECTOR])
async def test_only_staff_create_plans(session, client, world, role):
    headers = await factories.auth_headers(session, client, role)
    response = await client.post("/api/v1/inspection-plans", json=plan_body(world), headers=headers)
    assert response.status_code == 403


async def test_reading_plans(session, client, world):
    plan = (await create(client, world)).json()
    inspector = await factories.login(client, world["inspectors"][0].username)
    listed = await client.get("/api/v1/inspection-plans", headers=inspector)
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == plan["id"]
    assert "assignments" not in listed.json()["items"][0]
    one = await client.get(f"/api/v1/inspection-plans/{plan['id']}", headers=inspector)
    assert one.json()["assignments"] == plan["assignments"]
    licensee = await factories.auth_headers(session, client, Role.LICENSEE)
    refused = await client.get(f"/api/v1/inspection-plans/{plan['id']}", headers=licensee)
    assert refused.status_code == 403
    assert (await client.get("/api/v1/public/inspection-plans/987654")).status_code == 404


# --- conflicts and direct assignments -------------------------------------------------------


async def test_conflicts_are_marked_listed_cleared_and_audited(session, client, world):
    inspector, company = world["inspectors"][0], world["companies"][0]
    base = f"/api/v1/inspectors/{inspector.id}"
    marked = await put_conflict(client, world, inspector.id, company.id)
    assert marked.json() == {
        "inspector_id": inspector.id,
        "enterprise_id": company.id,
        "enterprise_name": company.name,
        "uscc": company.uscc,
        "reason": "配偶在该企业任职",
        "standing_assignments": [],
    }
    assert (await put_conflict(client, world, inspector.id, company.id)).status_code == 200
    listed = await client.get(f"{base}/conflicts", headers=world["regulator"])
    assert [c["enterprise_id"] for c in listed.json()] == [company.id]

    url = f"{base}/conflicts/{company.id}"
    no_reason = await client.delete(url, headers=world["regulator"])
    assert no_reason.status_code == 422
    cleared = await client.delete(url, params={"reason": "已离职"}, headers=world["regulator"])
    assert cleared.status_code == 204
    assert (await client.get(f"{base}/conflicts", headers=world["regulator"])).json() == []
    again = await client.delete(url, params={"reason": "已离职"}, headers=world["regulator"])
    assert again.status_code == 404
    actions = await session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "inspector_conflict")
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == [
        "inspector_conflict.set",
        "inspector_conflict.set",
        "inspector_conflict.clear",
    ]


async def test_conflicts_need_an_inspector_and_an_enterprise(client, world):
    regulator = world["regulator"]
    company = world["companies"][0]
    not_inspector = await put_conflict(client, world, 987654, company.id)
    assert not_inspector.status_code == 404
    no_company = await put_conflict(client, world, world["inspectors"][0].id, 987654)
    assert no_company.status_code == 404
    assert (
        await client.get("/api/v1/inspectors/987654/conflicts", headers=regulator)
    ).status_code == 404


async def assign(client, world, **body):
    return await client.post(
        "/api/v1/inspection-assignments", json=body, headers=world["regulator"]
    )


async def test_direct_assignment_is_refused_for_a_conflicted_inspector(session, client, world):
    inspector, company = world["inspectors"][0], world["companies"][0]
    batch = await factories.batch(session, world["licences"][0])
    made = await assign(client, world, inspector_id=inspector.id, batch_id=batch.id)
    assert made.status_code == 201, made.text
    assert made.json()["target"] == f"{world['licences'][0].number}/{batch.lot_number}"
    assert made.json()["draw_rank"] is None and made.json()["uscc"] == company.uscc
    twice = await assign(client, world, inspector_id=inspector.id, batch_id=batch.id)
    assert twice.status_code == 409 and twice.json()["code"] == "already_assigned"

    marked = await put_conflict(client, world, inspector.id, company.id)
    assert marked.json()["standing_assignments"] == [made.json()["id"]]
    refused = await assign(
        client, world, inspector_id=inspector.id, licence_id=world["licences"][0].id
    )
    assert refused.status_code == 409 and refused.json()["code"] == "inspector_conflicted"
    other = await assign(
        client, world, inspector_id=inspector.id, licence_id=world["licences"][1].id
    )
    assert other.status_code == 201 and other.json()["target"] == world["licences"][1].number


async def test_direct_assignment_refusals(session, client, world):
    inspector = world["inspectors"][1]
    requested = await factories.batch(
        session, world["licences"][0], status=BatchStatus.REQUESTED, issued_at=None
    )
    not_issued = await assign(client, world, inspector_id=inspector.id, batch_id=requested.id)
    assert not_issued.status_code == 409 and not_issued.json()["code"] == "invalid_state"
    both = await assign(
        client, world, inspector_id=inspector.id, batch_id=requested.id, licence_id=1
    )
    assert both.status_code == 422
    regulator = await factories.user(session, Role.REGULATOR)
    not_inspector = await assign(
        client, world, inspector_id=regulator.id, licence_id=world["licences"][0].id
    )
    assert not_inspector.status_code == 422 and not_inspector.json()["code"] == "not_inspectors"
    missing = await assign(client, world, inspector_id=inspector.id, batch_id=987654)
    assert missing.status_code == 404


async def test_assignment_lists_and_an_inspectors_own(session, client, world):
    plan = (await create(client, world, sample_size=None, sample_fraction="1")).json()
    batch = await factories.batch(session, world["licences"][2])
    inspector = world["inspectors"][2]
    await assign(client, world, inspector_id=inspector.id, batch_id=batch.id)

    everyone = await client.get("/api/v1/inspection-assignments", headers=world["regulator"])
    assert everyone.json()["total"] == 4
    drawn = await client.get(
        "/api/v1/inspection-assignments", params={"plan_id": plan["id"]}, headers=world["regulator"]
    )
    assert drawn.json()["total"] == 3
    theirs = await client.get(
        "/api/v1/inspection-assignments",
        params={"inspector_id": inspector.id},
        headers=world["regulator"],
    )
    headers = await factories.login(client, inspector.username)
    mine = await client.get("/api/v1/inspection-assignments/mine", headers=headers)
    assert mine.status_code == 200
    assert mine.json()["items"] == theirs.json()["items"]
    assert all(a["inspector_id"] == inspector.id for a in mine.json()["items"])
    assert batch.id in {a["batch_id"] for a in mine.json()["items"]}
    refused = await client.get("/api/v1/inspection-assignments", headers=headers)
    assert refused.status_code == 403
