"""Public notices (一公开): what is published, newest first, searchable, public fields only."""

from datetime import UTC, datetime, timedelta

from inspection_fixtures import inspection_body, window_closes

from app.core import notices
from app.core.notices import NoticeKind
from app.core.time import public_today

GROUNDS = {"reason": "冒用", "legal_basis": "《商标法》第五十七条", "case_number": "案-2026-7"}
PUBLIC_FIELDS = {
    "id",
    "kind",
    "published_at",
    "product_id",
    "product_name_zh",
    "product_name_en",
    "enterprise_name",
    "uscc",
    "licence_number",
    "lot_number",
    "report_number",
    "result",
    "reason",
    "legal_basis",
    "case_number",
    "detail",
    "is_demo",
}


async def publish_some(client, gi) -> None:
    headers = gi["as_regulator"]
    body = inspection_body(gi["batch"].id, "BYNE-2026-0107", moisture="11")
    assert (await client.post("/api/v1/inspections", json=body, headers=headers)).status_code == 201
    await window_closes(gi)  # published once final
    recall = GROUNDS | {"case_number": "召-2026-1"}
    url = f"/api/v1/batches/{gi['batch'].id}/recall"
    assert (await client.post(url, json=recall, headers=headers)).status_code == 200
    codes = {"scope": "labels", "codes": gi["codes"][:1]} | GROUNDS
    assert (
        await client.post("/api/v1/revocations", json=codes, headers=headers)
    ).status_code == 201


async def test_notices_are_published_newest_first_without_login(client, gi) -> None:
    await publish_some(client, gi)
    response = await client.get("/api/v1/public/notices")
    assert response.status_code == 200
    page = response.json()
    assert [n["kind"] for n in page["items"]] == ["revocation", "recall", "inspection"]
    inspection = page["items"][2]
    assert inspection["result"] == "fail" and inspection["report_number"] == "BYNE-2026-0107"
    assert inspection["enterprise_name"] == "丰瑞农业" and inspection["uscc"] == gi["company"].uscc
    assert (
        inspection["lot_number"] == "WY-2026-001" and inspection["product_name_zh"] == "五原向日葵"
    )
    assert inspection["detail"]["sampled_on"] and inspection["detail"]["lab"]
    failed = [i for i in inspection["detail"]["items"] if not i["passed"]]
    assert [i["item"] for i in failed] == ["moisture"]


async def test_notices_show_only_public_fields(client, gi) -> None:
    await publish_some(client, gi)
    items = (await client.get("/api/v1/public/notices")).json()["items"]
    private = (
        "inspector",
        "recorded_by",
        "revoked_by",
        "sample_id",
        "sampling_place",
        "password",
        "contact",
        "phone",
        "email",
        "assignment",
    )
    for notice in items:
        assert set(notice) == PUBLIC_FIELDS
        text = str(notice)
        assert not any(word in text for word in private), text
        assert gi["inspector"].username not in text


async def test_search_and_filters(client, gi) -> None:
    await publish_some(client, gi)

    async def kinds(**params) -> list[str]:
        response = await client.get("/api/v1/public/notices", params=params)
        assert response.status_code == 200, response.text
        return [n["kind"] for n in response.json()["items"]]

    assert await kinds(q="byne-2026-0107") == ["inspection"]
    assert await kinds(q=gi["company"].uscc) == ["revocation", "recall", "inspection"]
    assert await kinds(q="召-2026-1") == ["recall"]
    assert await kinds(kind="recall") == ["recall"]
    assert await kinds(q="nobody") == []
    today = public_today()  # since/until are the reader's calendar days
    assert len(await kinds(since=today.isoformat())) == 3
    assert await kinds(until=today.isoformat()) == []
    assert len(await kinds(until=(today + timedelta(days=1)).isoformat())) == 3
    bad = await client.get("/api/v1/public/notices", params={"kind": "gossip"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.kind"


async def test_the_html_page_in_chinese_and_english(client, gi) -> None:
    await publish_some(client, gi)
    zh = await client.get("/public/notices")
    assert zh.status_code == 200 and "监管公示" in zh.text
    assert "不合格" in zh.text and "召回" in zh.text and "BYNE-2026-0107" in zh.text
    en = await client.get("/public/notices", params={"lang": "en", "kind": "inspection"})
    assert "Public notices" in en.text and "Inspection result" in en.text
    assert "Recall</strong>" not in en.text


async def test_since_and_until_are_days_in_the_gis_zone(session, client) -> None:
    """A notice published at 00:30 on 1 December in Wuyuan (16:30 UTC the day before) is a
    December notice to its readers."""
    late = await notices.publish(session, NoticeKind.PLAN, 901, notices.Subject())
    late.published_at = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    await session.flush()

    async def ids(**params) -> list[int]:
        response = await client.get("/api/v1/public/notices", params=params)
        assert response.status_code == 200, response.text
        return [n["id"] for n in response.json()["items"]]

    assert await ids(since="2026-12-01", until="2026-12-02") == [late.id]
    assert await ids(since="2026-11-30", until="2026-12-01") == []
