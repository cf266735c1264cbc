"""The annual coverage report: every batch sampled and passed, every licensee sampled."""

import factories
from inspection_fixtures import inspection_body

from app.core.time import public_today, utcnow


async def coverage(client, gi, **params) -> dict:
    response = await client.get(
        "/api/v1/inspection-coverage", params=params, headers=gi["as_regulator"]
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_batches_without_a_pass_and_enterprises_not_sampled(session, client, gi) -> None:
    passed = await factories.batch(session, gi["licence"], lot_number="PASSED")
    failed = await factories.batch(session, gi["licence"], lot_number="FAILED")
    last_year = utcnow().replace(year=utcnow().year - 1)
    await factories.batch(session, gi["licence"], lot_number="OLD", issued_at=last_year)
    await factories.batch(
        session, gi["licence"], lot_number="ASKED", status="requested", issued_at=None
    )
    idle = await factories.enterprise(session, name="未抽检企业")
    await factories.licence(session, idle.id, gi["product"].id)

    before = await coverage(client, gi)
    assert before["enterprises_licensed"] == 2
    assert {e["name"] for e in before["enterprises_not_sampled"]} == {"丰瑞农业", "未抽检企业"}

    headers = gi["as_regulator"]
    for batch, report, moisture in ((passed, "P-1", "8"), (failed, "F-1", "12")):
        body = inspection_body(batch.id, report, moisture=moisture)
        assert (
            await client.post("/api/v1/inspections", json=body, headers=headers)
        ).status_code == 201

    report = await coverage(client, gi, product_id=gi["product"].id)
    assert report["year"] == public_today().year and report["batches_issued"] == 3
    missing = {b["lot_number"]: b for b in report["batches_without_pass"]}
    assert set(missing) == {"WY-2026-001", "FAILED"}
    assert (
        missing["FAILED"]["latest_result"] == "fail" and missing["FAILED"]["status"] == "suspended"
    )
    assert missing["WY-2026-001"]["latest_result"] is None
    assert [e["name"] for e in report["enterprises_not_sampled"]] == ["未抽检企业"]

    other_year = await coverage(client, gi, year=public_today().year - 1)
    assert [b["lot_number"] for b in other_year["batches_without_pass"]] == ["OLD"]


async def test_only_staff_read_coverage(session, client, gi) -> None:
    for headers in (gi["as_licensee"], gi["as_inspector"]):
        response = await client.get("/api/v1/inspection-coverage", headers=headers)
        assert response.status_code == 403
    bad = await client.get(
        "/api/v1/inspection-coverage", params={"year": 1066}, headers=gi["as_regulator"]
    )
    assert bad.status_code == 422
