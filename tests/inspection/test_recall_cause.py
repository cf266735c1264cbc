"""A recall names its legal basis and cites its cause (a failing inspection of the batch, a
consumer report or a case number), checked, and the public notice shows the citation."""

import factories
import pytest
from inspection_fixtures import inspection_body, window_closes
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.notices import PublicNotice
from app.label.models import BatchStatus, LabelBatch

BASIS = "《地理标志产品保护办法》第二十一条"


async def _record(client, gi, report: str, **values: str) -> int:
    body = inspection_body(gi["batch"].id, report, **values)
    response = await client.post("/api/v1/inspections", json=body, headers=gi["as_regulator"])
    assert response.status_code == 201, response.text
    await window_closes(gi)  # a recall cites a final result
    return response.json()["id"]


async def _recall(client, gi, **body):
    url = f"/api/v1/batches/{gi['batch'].id}/recall"
    return await client.post(
        url, json={"reason": "复检确认不合格"} | body, headers=gi["as_regulator"]
    )


async def _nothing_recalled(session, gi) -> None:
    batch = await session.scalar(select(LabelBatch).where(LabelBatch.id == gi["batch"].id))
    await session.refresh(batch)
    assert batch.status is BatchStatus.SUSPENDED
    assert await session.scalar(select(PublicNotice).where(PublicNotice.kind == "recall")) is None


async def test_a_recall_without_legal_basis_or_cause_is_refused(session, client, gi) -> None:
    failing = await _record(client, gi, "F-1", moisture="10.2")
    for body, names in (
        ({"inspection_id": failing}, "legal_basis"),
        ({"legal_basis": BASIS}, "must cite its cause"),
        ({"legal_basis": BASIS, "case_number": ""}, "case_number"),
    ):
        refused = await _recall(client, gi, **body)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert names in refused.text
    await _nothing_recalled(session, gi)


@pytest.mark.parametrize("which", ["passing", "other batch", "unknown"])
async def test_the_cited_inspection_must_be_a_failing_one_of_this_batch(
    session, client, gi, which
) -> None:
    failing = await _record(client, gi, "F-1", moisture="10.2")
    if which == "passing":
        cited = await _record(client, gi, "P-1")
    elif which == "other batch":
        cited = await _other_failing_batch_inspection(session, client, gi)
    else:
        cited = failing + 1000
    refused = await _recall(client, gi, legal_basis=BASIS, inspection_id=cited)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "inspection_id"
    await _nothing_recalled(session, gi)


async def _other_failing_batch_inspection(session, client, gi) -> int:
    batch = await factories.batch(session, gi["licence"], lot_number="WY-2026-OTHER")
    body = inspection_body(batch.id, "O-1", moisture="11")
    response = await client.post("/api/v1/inspections", json=body, headers=gi["as_regulator"])
    assert response.json()["result"] == "fail"
    await window_closes(gi)
    return response.json()["id"]


async def test_the_cited_report_must_exist(session, client, gi) -> None:
    await _record(client, gi, "F-1", moisture="10.2")
    refused = await _recall(client, gi, legal_basis=BASIS, report_id=987654)
    assert refused.status_code == 422 and refused.json()["field"] == "report_id"
    await _nothing_recalled(session, gi)


async def test_a_recall_citing_its_failing_inspection_is_published_with_it(
    session, client, gi
) -> None:
    failing = await _record(client, gi, "BYNE-2026-0107", moisture="10.2")
    recalled = await _recall(client, gi, legal_basis=BASIS, inspection_id=failing)
    assert recalled.status_code == 200, recalled.text
    assert recalled.json()["inspection_id"] == failing and recalled.json()["legal_basis"] == BASIS

    notice = (await client.get("/api/v1/public/notices", params={"kind": "recall"})).json()
    shown = notice["items"][0]
    assert shown["legal_basis"] == BASIS
    assert shown["detail"]["cause"] == {"inspection_report_number": "BYNE-2026-0107"}
    zh = await client.get("/public/notices", params={"kind": "recall"})
    assert "起因：抽检不合格" in zh.text and "BYNE-2026-0107" in zh.text and BASIS in zh.text
    en = await client.get("/public/notices", params={"kind": "recall", "lang": "en"})
    assert "Cause: failed inspection" in en.text
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "batch.recall"))
    assert event.after["inspection_id"] == failing and event.after["legal_basis"] == BASIS


async def test_a_recall_may_cite_a_consumer_report(session, client, gi) -> None:
    await _record(client, gi, "F-1", moisture="10.2")
    filed = await client.post(
        "/api/v1/reports", data={"code": gi["codes"][0], "what_was_seen": "包装上的批号与标签不符"}
    )
    report_id = filed.json()["id"]
    recalled = await _recall(client, gi, legal_basis=BASIS, report_id=report_id)
    assert recalled.status_code == 200 and recalled.json()["report_id"] == report_id
    zh = await client.get("/public/notices", params={"kind": "recall"})
    assert "起因：消费者举报" in zh.text and f"第 {report_id} 号" in zh.text
