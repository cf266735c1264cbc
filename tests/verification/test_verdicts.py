"""One test per verdict of DESIGN §5, through the real HTTP app (JSON and the HTML page)."""

from datetime import date

import factories
import pytest
from sqlalchemy import event

from app.core.time import utcnow
from app.inspection.models import Inspection, InspectionResult
from app.label.code import check_character, format_grouped
from app.label.models import BatchStatus, LabelScanStat, LabelStatus
from app.licence.models import LicenceStatus


async def verify(client, code: str, lang: str = "zh") -> dict:
    response = await client.get(f"/api/v1/verify/{code}", params={"lang": lang})
    assert response.status_code == 200, response.text
    return response.json()


async def test_genuine_shows_everything_a_shopper_needs(session, client, label_world) -> None:
    session.add(
        Inspection(
            batch_id=label_world["batch"].id,
            sample_id="S1",
            sampled_on=date(2026, 10, 1),
            sampling_place="五原县",
            lab="巴彦淖尔市质检所",
            report_number="BYNE-2026-0042",
            result=InspectionResult.PASS,
        )
    )
    await session.flush()
    code = label_world["code"]
    first = await verify(client, code)
    assert first["verdict"] == "genuine" and first["trustworthy"] is True
    assert first["product"]["name_zh"] == "五原向日葵"
    assert first["enterprise"] == {"name": "丰瑞农业", "uscc": label_world["company"].uscc}
    assert first["lot_number"] == "WY-2026-001" and first["production_date"]
    assert first["latest_inspection"] == {
        "result": "pass",
        "sampled_on": "2026-10-01",
        "report_number": "BYNE-2026-0042",
    }
    assert first["history"]["times_checked_before"] == 0
    second = await verify(client, format_grouped(code).lower())
    assert second["history"]["times_checked_before"] == 1 and second["history"]["first_checked_at"]

    page = await client.get(f"/v/{code}", params={"lang": "en"})
    assert page.status_code == 200 and 'data-verdict="genuine"' in page.text
    assert "Wuyuan Sunflower" in page.text and label_world["company"].uscc in page.text
    assert "checked twice before" in page.text and "Report a problem" in page.text
    zh = await client.get(f"/v/{code}")
    assert "真品" in zh.text and "举报问题" in zh.text


async def test_upper_case_qr_path_and_gs1_digital_link(session, client, label_world) -> None:
    code = label_world["code"]
    world = label_world
    item = await factories.item(
        session, world["company"].id, world["product"].id, gtin="06901234567892"
    )
    world["batch"].item_id = item.id
    await session.flush()
    assert 'data-verdict="genuine"' in (await client.get(f"/V/{code}")).text
    link = await client.get(f"/01/06901234567892/10/WY-2026-001/21/{code}")
    assert link.status_code == 200 and 'data-verdict="genuine"' in link.text


async def test_genuine_licence_withdrawn(session, client, label_world) -> None:
    label_world["licence"].status = LicenceStatus.WITHDRAWN
    label_world["licence"].withdrawn_at = utcnow()
    await session.flush()
    result = await verify(client, label_world["code"])
    assert result["verdict"] == "genuine_licence_withdrawn" and result["trustworthy"]
    assert result["licence_status"] == "withdrawn"


@pytest.mark.parametrize(
    ("batch_status", "verdict"),
    [
        (BatchStatus.SUSPENDED, "suspended"),
        (BatchStatus.RECALLED, "recalled"),
        (BatchStatus.REVOKED, "revoked"),
    ],
)
async def test_batch_states(session, client, label_world, batch_status, verdict) -> None:
    label_world["batch"].status = batch_status
    await session.flush()
    result = await verify(client, label_world["code"])
    assert result["verdict"] == verdict and result["trustworthy"] is False
    assert result["reason"] and result["next_step"] and result["report_url"].startswith("/report")


@pytest.mark.parametrize(
    ("label_status", "verdict"), [(LabelStatus.VOID, "void"), (LabelStatus.REVOKED, "revoked")]
)
async def test_label_states(session, client, label_world, label_status, verdict) -> None:
    label_world["labels"][0].status = label_status
    await session.flush()
    assert (await verify(client, label_world["code"]))["verdict"] == verdict


async def test_suspect_clone(session, client, label_world) -> None:
    session.add(
        LabelScanStat(
            code=label_world["code"],
            scan_count=50,
            first_scanned_at=utcnow(),
            last_scanned_at=utcnow(),
            suspect_reason="distinct_sources",
            flagged_at=utcnow(),
        )
    )
    await session.flush()
    result = await verify(client, label_world["code"], "en")
    assert result["verdict"] == "suspect_clone" and "copied" in result["headline"]


def count_queries(engine):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(engine.sync_engine, "before_cursor_execute", before)


async def test_malformed_and_bad_tag_cost_no_query_and_reveal_nothing(
    engine, client, label_world
) -> None:
    code = label_world["code"]
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    forged_body = code[:15] + ("0000" if code[15:19] != "0000" else "1111")
    forged = forged_body + check_character(forged_body)
    statements, stop = count_queries(engine)
    try:
        malformed = await verify(client, typo)
        unknown = await verify(client, forged)
    finally:
        stop()
    assert statements == []
    assert (
        malformed["verdict"] == "malformed"
        and "typ" in (await verify(client, typo, "en"))["headline"]
    )
    assert unknown["verdict"] == "unknown"
    for result in (malformed, unknown):
        assert (
            result["product"] is None and result["enterprise"] is None and result["history"] is None
        )


async def test_unknown_registered_looking_code(session, client, codec) -> None:
    never_issued = codec.mint()  # a valid tag, but no such label: a leaked key or a test print
    result = await verify(client, never_issued)
    assert result["verdict"] == "unknown" and result["product"] is None


async def test_unissued_batch_is_unknown(session, client, codec) -> None:
    product = await factories.product(session)
    company = await factories.enterprise(session)
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence, status=BatchStatus.APPROVED)
    (label,) = await factories.labels(session, batch, [codec.mint()])
    assert (await verify(client, label.code))["verdict"] == "unknown"


async def test_revocation_shows_at_once(session, client, label_world) -> None:
    """No cached 'genuine' survives a committed revocation (issue 5, consistency)."""
    regulator = await factories.auth_headers(session, client, factories.Role.REGULATOR)
    code = label_world["code"]
    assert (await verify(client, code))["verdict"] == "genuine"
    withdraw = {
        "reason": "违规使用",
        "legal_basis": "《地理标志专用标志使用管理办法》",
        "case_number": "WY-01",
        "revoke_labels": True,
    }
    response = await client.post(
        f"/api/v1/licences/{label_world['licence'].id}/withdraw", json=withdraw, headers=regulator
    )
    assert response.json()["labels_revoked"] == 3
    assert (await verify(client, code))["verdict"] == "revoked"


async def test_cache_serves_repeat_checks_with_one_tiny_query(
    engine, client, label_world, on_sqlite
) -> None:
    code = label_world["code"]
    await verify(client, code)
    statements, stop = count_queries(engine)
    try:
        again = await verify(client, code)
    finally:
        stop()
    lookups = [s for s in statements if "label_batch.lot_number" in s]  # the verdict lookup
    assert again["verdict"] == "genuine" and again["history"]["times_checked_before"] == 1
    assert lookups == []
    if on_sqlite:  # on PostgreSQL the epoch probe goes straight to the driver, unseen here
        assert any("trust_epoch" in s for s in statements)


async def test_a_change_on_one_worker_reaches_every_workers_cache(
    session, test_settings, database, label_world
) -> None:
    from verification_fixtures import client_from

    from app.main import create_app

    worker_a, worker_b = create_app(test_settings, database), create_app(test_settings, database)
    code = label_world["code"]
    regulator = await factories.auth_headers(
        session, client_from(worker_b, "192.0.2.1"), factories.Role.REGULATOR
    )
    async with client_from(worker_a, "192.0.2.10") as a, client_from(worker_b, "192.0.2.11") as b:
        assert (await verify(a, code))["verdict"] == "genuine"  # now cached in worker A
        void = {"codes": [code], "reason": "印刷错误"}
        owner = await factories.auth_headers(
            session, b, factories.Role.LICENSEE, label_world["company"].id
        )
        assert (await b.post("/api/v1/labels/void", json=void, headers=owner)).status_code == 200
        assert (await verify(a, code))["verdict"] == "void"
    del regulator


async def test_the_asyncpg_hot_path_reads_exactly_what_the_session_path_reads(
    session, label_world, on_sqlite
) -> None:
    if on_sqlite:
        pytest.skip("the asyncpg reader is PostgreSQL's hot path")
    from app.verification.repository import lookups as repository
    from app.verification.repository.lookups import current_epoch, lookup_many

    session.add(
        Inspection(
            batch_id=label_world["batch"].id,
            sample_id="S9",
            sampled_on=date(2026, 9, 1),
            sampling_place="五原县",
            lab="质检所",
            report_number="R-9",
            result=InspectionResult.FAIL,
        )
    )
    origin = [{"county": "五原县", "township": "隆兴昌镇", "harvest_year": 2025}]
    label_world["batch"].origin_public = origin  # JSON: asyncpg hands it over as text
    await session.flush()
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    codes = [label.code for label in label_world["labels"]]
    epoch, rows = await lookup_many(raw, [*codes, "0" * 20])
    for code in codes:
        one = await repository.lookup(connection, code)
        assert rows[code] == {k: v for k, v in one.items() if k != "epoch"}
        assert one["epoch"] == epoch
    assert set(rows) == set(codes)  # the unknown code is simply absent
    assert rows[codes[0]]["inspection_report"] == "R-9"
    assert rows[codes[0]]["origin_public"] == origin
    assert await lookup_many(raw, []) == (epoch, {})  # the epoch comes back even for no codes
    assert epoch == await current_epoch(connection)
