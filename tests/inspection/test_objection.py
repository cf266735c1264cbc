"""Objection and re-test before a failure goes public (issue 14, point 3): the window counted
in working days across National Day 2025 and its make-up Saturday, a late objection refused, a
re-test at the same laboratory refused, a passing re-test that leaves no public trace of the
failure, a failing re-test published with both measurements, and no objection → final."""

from datetime import UTC, date, datetime, time, timedelta

import factories
import pytest
from fastapi.routing import APIRoute
from inspection_fixtures import inspection_body, verdict_of, window_closes
from sqlalchemy import select

import app.core.time as clock
from app.core.notices import PublicNotice
from app.core.permissions import is_public
from app.core.principal import OrgKind, Role
from app.core.workdays import WorkingCalendar
from app.inspection import objections
from app.inspection.models import Inspection, InspectionStage
from app.jobs import periodic
from app.statistics import repository as statistics

NATIONAL_DAY_EVE = date(2025, 9, 29)  # a Monday; 10-01..10-08 off, Saturday 10-11 worked
FIRST_LAB = "巴彦淖尔市产品质量检验所"  # inspection_body's lab
OTHER_LAB = "内蒙古自治区农畜产品质量安全监督检验中心"


@pytest.fixture
def today(monkeypatch):
    """Sets the public calendar day (10:00 in Beijing); tokens keep the real clock."""

    def set_day(day: date) -> None:
        instant = datetime.combine(day, time(2, 0), tzinfo=UTC)  # 10:00 UTC+8
        monkeypatch.setattr(clock, "utcnow", lambda: instant)

    return set_day


async def _in_2025(gi) -> None:
    """The batch was produced before National Day 2025, so it can be sampled then."""
    gi["batch"].production_date = date(2025, 9, 1)
    await gi["session"].flush()


def _body_2025(gi, report: str, **values: str) -> dict:
    body = inspection_body(gi["batch"].id, report, **values)
    return body | {"sampled_on": "2025-09-26"}


async def _fail(client, gi, body: dict, as_: str = "as_regulator") -> dict:
    response = await client.post("/api/v1/inspections", json=body, headers=gi[as_])
    assert response.status_code == 201, response.text
    assert response.json()["result"] == "fail" and response.json()["stage"] == "provisional"
    return response.json()


async def _retester(gi, name: str = OTHER_LAB):
    """An inspector of another accredited laboratory (an organisation of its own)."""
    lab = await factories.organisation(gi["session"], OrgKind.LABORATORY, name_zh=name)
    return await factories.user(
        gi["session"], Role.INSPECTOR, organisation_id=lab.id, display_name="复检员"
    )


def _objection(inspector_id: int, lab: str | None = OTHER_LAB) -> dict:
    return {"reason": "样品运输过程受潮，申请复检", "retest_inspector_id": inspector_id} | (
        {"retest_lab": lab} if lab else {}
    )


async def test_the_window_counts_working_days_across_national_day(client, gi, today) -> None:
    assert WorkingCalendar().add(NATIONAL_DAY_EVE, 7) == date(2025, 10, 15)
    await _in_2025(gi)
    today(NATIONAL_DAY_EVE)
    failed = await _fail(client, gi, _body_2025(gi, "ND-1", moisture="10.2"))
    # 09-30 (1), National Day 10-01..10-08 off, 10-09 (2), 10-10 (3), make-up Saturday 10-11
    # (4), 10-13 (5), 10-14 (6), 10-15 (7): without the make-up day it would end on 10-16.
    assert failed["notified_on"] == "2025-09-29"
    assert failed["objection_deadline"] == "2025-10-15"
    assert failed["batch_status"] == "suspended"

    notes = await client.get("/api/v1/notifications", headers=gi["as_licensee"])
    [note] = notes.json()["items"]
    assert note["kind"] == "inspection_failed" and note["deadline"] == "2025-10-15"
    assert "2025-10-15" in note["message_zh"] and note["subject_id"] == failed["id"]

    # An admin's entry counts too: were 10-11 a day off locally, the window would end 10-16.
    admin = await factories.auth_headers(gi["session"], client, Role.ADMIN)
    entry = {"is_workday": False, "note": "本地安排"}
    put = await client.put("/api/v1/calendar-days/2025-10-11", json=entry, headers=admin)
    assert put.status_code == 201, put.text
    second = await _fail(client, gi, _body_2025(gi, "ND-2", moisture="10.2"))
    assert second["objection_deadline"] == "2025-10-16"

    # The last day of the window is still in it …
    today(date(2025, 10, 15))
    lab = await _retester(gi)
    url = f"/api/v1/inspections/{failed['id']}/objection"
    filed = await client.post(url, json=_objection(lab.id), headers=gi["as_licensee"])
    assert filed.status_code == 201, filed.text
    assert filed.json()["retest_lab"] == OTHER_LAB
    shown = await client.get(f"/api/v1/inspections/{failed['id']}", headers=gi["as_licensee"])
    assert shown.json()["stage"] == "objected"


async def test_a_late_objection_is_refused_with_the_deadline(client, gi, today) -> None:
    await _in_2025(gi)
    today(NATIONAL_DAY_EVE)
    failed = await _fail(client, gi, _body_2025(gi, "LATE-1", moisture="10.2"))
    today(date(2025, 10, 16))  # the day after the window's last day
    lab = await _retester(gi)
    url = f"/api/v1/inspections/{failed['id']}/objection"
    late = await client.post(url, json=_objection(lab.id), headers=gi["as_licensee"])
    assert late.status_code == 409, late.text
    assert late.json()["deadline"] == "2025-10-15" and "2025-10-15" in late.json()["detail"]
    shown = await client.get(f"/api/v1/inspections/{failed['id']}", headers=gi["as_licensee"])
    assert shown.json()["stage"] == "provisional"  # untouched: the job makes it final


async def test_the_retest_must_go_to_another_laboratory(client, gi) -> None:
    failed = await _fail(client, gi, inspection_body(gi["batch"].id, "SAME-1", moisture="10"))
    failed = await _fail(
        client, gi, inspection_body(gi["batch"].id, "SAME-2", moisture="10"), "as_inspector"
    )
    url, headers = f"/api/v1/inspections/{failed['id']}/objection", gi["as_licensee"]
    # The first laboratory's own inspector …
    same = await client.post(url, json=_objection(gi["inspector"].id), headers=headers)
    assert same.status_code == 422 and "another laboratory" in same.json()["detail"]
    # … or another account under the first laboratory's name.
    renamed = await _retester(gi, FIRST_LAB)
    same_lab = await client.post(url, json=_objection(renamed.id, FIRST_LAB), headers=headers)
    assert same_lab.status_code == 422
    by_default_name = await client.post(url, json=_objection(renamed.id, None), headers=headers)
    assert by_default_name.status_code == 422
    # Not an inspector at all.
    regulator = await factories.user(gi["session"], Role.REGULATOR)
    not_a_lab = await client.post(url, json=_objection(regulator.id), headers=headers)
    assert not_a_lab.status_code == 422
    # A colleague at the first laboratory (the same organisation, another account and name).
    colleague = await factories.user(
        gi["session"],
        Role.INSPECTOR,
        organisation_id=gi["inspector"].organisation_id,
        display_name="同所另一检验员",
    )
    same_org = await client.post(url, json=_objection(colleague.id, None), headers=headers)
    assert same_org.status_code == 422 and "another laboratory" in same_org.json()["detail"]
    # A bureau's own inspector is no accredited laboratory.
    bureau = await factories.organisation(gi["session"], OrgKind.MARKET_SUPERVISION)
    bureau_inspector = await factories.user(
        gi["session"], Role.INSPECTOR, organisation_id=bureau.id
    )
    not_accredited = await client.post(url, json=_objection(bureau_inspector.id), headers=headers)
    assert not_accredited.status_code == 422
    # The choices offered leave out the first laboratory.
    offered = await client.get(
        f"/api/v1/inspections/{failed['id']}/retest-laboratories", headers=headers
    )
    ids = {lab["inspector_id"] for lab in offered.json()}
    assert gi["inspector"].id not in ids and renamed.id not in ids
    assert colleague.id not in ids and bureau_inspector.id not in ids
    other = await _retester(gi)
    assert other.id in {
        lab["inspector_id"]
        for lab in (
            await client.get(
                f"/api/v1/inspections/{failed['id']}/retest-laboratories", headers=headers
            )
        ).json()
    }
    ok = await client.post(url, json=_objection(other.id), headers=headers)
    assert ok.status_code == 201, ok.text
    again = await client.post(url, json=_objection(other.id), headers=headers)
    assert again.status_code == 409  # objected already


async def _public_texts(client, app) -> dict[str, str]:
    """Every public GET without a path parameter (pages and JSON), and the notices' pages."""
    texts = {}
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        path = route.path
        if "GET" in route.methods and "{" not in path and is_public(route):
            response = await client.get(path)
            kind = response.headers.get("content-type", "")
            if response.status_code == 200 and ("text" in kind or "json" in kind):
                texts[path] = response.text
    return texts


async def test_a_passing_retest_leaves_no_public_trace_of_the_failure(
    session, client, gi, app
) -> None:
    code = gi["codes"][0]
    assert await verdict_of(client, code) == "genuine"
    failed = await _fail(
        client, gi, inspection_body(gi["batch"].id, "FAIL-77", moisture="9.5"), "as_inspector"
    )
    assert await verdict_of(client, code) == "suspended"  # "under investigation" meanwhile
    # The standard is tightened meanwhile: the re-test is judged by the limits stored with the
    # first result (≤ 9.0), not the new ones (≤ 8.0).
    product_url = f"/api/v1/products/{gi['product'].id}"
    product = (await client.get(product_url, headers=gi["as_regulator"])).json()
    for item in product["test_items"]:
        if item["code"] == "moisture":
            item["max_value"] = "8.0"
    body = {k: v for k, v in product.items() if k not in ("id", "code")}
    assert (await client.put(product_url, json=body, headers=gi["as_agriculture"])).is_success

    lab = await _retester(gi)
    url = f"/api/v1/inspections/{failed['id']}/objection"
    assert (
        await client.post(url, json=_objection(lab.id), headers=gi["as_licensee"])
    ).status_code == 201
    retester = await factories.login(client, lab.username)
    assigned = (await client.get("/api/v1/objections", headers=retester)).json()["items"]
    assert [o["inspection_id"] for o in assigned] == [failed["id"]]
    assert assigned[0]["sample_id"] == "S-FAIL-77"  # the retained sample
    retest = {"report_number": "RE-77", "items": inspection_body(0, moisture="8.5")["items"]}
    retest_url = f"/api/v1/inspections/{failed['id']}/retest"
    # Nobody but the chosen laboratory's inspector records it.
    assert (
        await client.post(retest_url, json=retest, headers=gi["as_inspector"])
    ).status_code == 404
    assert (
        await client.post(retest_url, json=retest, headers=gi["as_regulator"])
    ).status_code == 403
    decided = await client.post(retest_url, json=retest, headers=retester)
    assert decided.status_code == 201, decided.text
    assert decided.json()["result"] == "pass" and decided.json()["batch_status"] == "issued"
    assert decided.json()["retest_of_id"] == failed["id"]
    first = await session.get(Inspection, failed["id"])
    await session.refresh(first)
    assert first.stage is InspectionStage.OVERTURNED

    # The batch is back in good standing, and nothing public speaks of the failure.
    assert await verdict_of(client, code) == "genuine"
    shown = (await client.get(f"/api/v1/verify/{code}")).json()
    assert shown["latest_inspection"]["report_number"] == "RE-77"
    assert shown["latest_inspection"]["result"] == "pass"
    assert await window_closes(gi) == []  # nothing left to publish, ever
    notices = list(await session.scalars(select(PublicNotice)))
    assert [n.report_number for n in notices if n.kind == "inspection"] == ["RE-77"]
    assert all(n.result != "fail" for n in notices)
    pages = {
        "verify page": (await client.get(f"/v/{code}")).text,
        "notices": (await client.get("/public/notices", params={"q": "WY-2026-001"})).text,
        "notices (en)": (await client.get("/public/notices", params={"lang": "en"})).text,
        "register": (await client.get("/public/register", params={"q": "丰瑞"})).text,
    } | await _public_texts(client, app)
    for where, text in pages.items():
        assert "FAIL-77" not in text, where
        assert "9.5000" not in text and "9.5 %" not in text, where
    stats = (await client.get("/api/v1/public/statistics")).json()
    assert "FAIL-77" not in str(stats)
    year = date.today().replace(month=1, day=1)
    counted = await statistics.inspections(session, None, None, year, date(year.year, 12, 31))
    assert [(row[5], row[2]) for row in counted] == [("RE-77", "pass")]  # final results only


async def test_a_failing_retest_is_published_with_both_measurements(session, client, gi) -> None:
    failed = await _fail(
        client, gi, inspection_body(gi["batch"].id, "FAIL-88", moisture="10.2"), "as_inspector"
    )
    lab = await _retester(gi)
    url = f"/api/v1/inspections/{failed['id']}/objection"
    assert (
        await client.post(url, json=_objection(lab.id), headers=gi["as_licensee"])
    ).status_code == 201
    retester = await factories.login(client, lab.username)
    retest = {"report_number": "RE-88", "items": inspection_body(0, moisture="10.4")["items"]}
    decided = await client.post(
        f"/api/v1/inspections/{failed['id']}/retest", json=retest, headers=retester
    )
    assert decided.status_code == 201 and decided.json()["result"] == "fail"
    assert decided.json()["batch_status"] == "suspended"  # the bureau decides recall/clearance
    [notice] = (await client.get("/api/v1/public/notices", params={"kind": "inspection"})).json()[
        "items"
    ]
    assert notice["report_number"] == "RE-88" and notice["result"] == "fail"
    assert notice["detail"]["lab"] == OTHER_LAB
    first = notice["detail"]["first"]
    assert first["report_number"] == "FAIL-88" and first["lab"] == FIRST_LAB
    moisture = {i["item"]: i for i in first["items"]}["moisture"]
    assert moisture["measured"] == "10.2 %" and moisture["limits"] == "≤ 9.0 %"
    page = (await client.get("/public/notices", params={"kind": "inspection"})).text
    assert "RE-88" in page and "FAIL-88" in page and "10.4 %" in page and "10.2 %" in page
    # The final result may now be cited by a recall; the contested one may not.
    recall = {
        "reason": "复检确认不合格",
        "legal_basis": "《地理标志产品保护办法》第二十一条",
        "inspection_id": failed["id"],
    }
    recall_url = f"/api/v1/batches/{gi['batch'].id}/recall"
    refused = await client.post(recall_url, json=recall, headers=gi["as_regulator"])
    assert refused.status_code == 409
    recall["inspection_id"] = decided.json()["id"]
    assert (
        await client.post(recall_url, json=recall, headers=gi["as_regulator"])
    ).status_code == 200


async def test_no_objection_makes_the_result_final_and_published(session, client, gi) -> None:
    failed = await _fail(client, gi, inspection_body(gi["batch"].id, "FAIL-99", moisture="10.0"))
    deadline = date.fromisoformat(failed["objection_deadline"])
    public = {"kind": "inspection", "q": "FAIL-99"}
    assert (await client.get("/api/v1/public/notices", params=public)).json()["total"] == 0
    assert (await verdict_of(client, gi["codes"][0])) == "suspended"
    shown = (await client.get(f"/api/v1/verify/{gi['codes'][0]}")).json()
    assert shown["latest_inspection"] is None
    # The regulator's queue shows the open window.
    queue = await client.get("/api/v1/objection-windows", headers=gi["as_regulator"])
    [row] = queue.json()["items"]
    assert row["stage"] == "provisional" and row["objection_deadline"] == str(deadline)

    assert await objections.close_expired_windows(session, deadline) == []  # still open
    assert periodic.CLOSE_OBJECTION_WINDOWS in {p.kind for p in periodic.PERIODIC}
    closed = await objections.close_expired_windows(session, deadline + timedelta(days=1))
    assert closed == [failed["id"]]
    [notice] = (await client.get("/api/v1/public/notices", params=public)).json()["items"]
    assert notice["result"] == "fail" and "first" not in notice["detail"]
    moisture = {i["item"]: i for i in notice["detail"]["items"]}["moisture"]
    assert moisture["limits"] == "≤ 9.0 %" and not moisture["passed"]
    shown = (await client.get(f"/api/v1/verify/{gi['codes'][0]}")).json()
    assert shown["latest_inspection"]["report_number"] == "FAIL-99"
    notes = (await client.get("/api/v1/notifications", headers=gi["as_licensee"])).json()
    assert [n["kind"] for n in notes["items"]] == ["inspection_final", "inspection_failed"]
    lab = await _retester(gi)
    url = f"/api/v1/inspections/{failed['id']}/objection"
    too_late = await client.post(url, json=_objection(lab.id), headers=gi["as_licensee"])
    assert too_late.status_code == 409 and too_late.json()["current_state"] == "final"
    assert (await client.get("/api/v1/objection-windows", headers=gi["as_regulator"])).json()[
        "total"
    ] == 0
    assert await objections.close_expired_windows(session, deadline + timedelta(days=2)) == []


async def test_another_enterprise_cannot_object(session, client, gi) -> None:
    failed = await _fail(client, gi, inspection_body(gi["batch"].id, "FAIL-55", moisture="10"))
    other = await factories.enterprise(session, name="别家公司")
    headers = await factories.auth_headers(session, client, Role.LICENSEE, other.id)
    lab = await _retester(gi)
    url = f"/api/v1/inspections/{failed['id']}/objection"
    assert (await client.post(url, json=_objection(lab.id), headers=headers)).status_code == 404
    notes = (await client.get("/api/v1/notifications", headers=headers)).json()
    assert notes["total"] == 0
