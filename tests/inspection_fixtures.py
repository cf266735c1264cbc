"""A GI world for inspection, revocation and notice tests: a product whose standard sets
limits, an issued batch of genuine labels, a regulator and an assigned inspector."""

from datetime import timedelta
from decimal import Decimal

import factories
import pytest

from app.core.principal import Role
from app.core.time import public_today
from app.inspection import objections
from app.label.code import LabelCodec
from app.planning.models import InspectionAssignment


@pytest.fixture
def codec(test_settings) -> LabelCodec:
    return LabelCodec(test_settings.label_key_bytes(), test_settings.label_current_key_id)


@pytest.fixture
async def gi(session, client, codec):
    product = await factories.product(
        session, code="WYXRK", name_zh="五原向日葵", name_en="Wuyuan Sunflower"
    )
    moisture = await factories.test_item(
        session, product.id, code="moisture", max_value=Decimal("9.0"), min_value=None
    )
    purity = await factories.test_item(
        session,
        product.id,
        code="purity",
        name_zh="纯度",
        name_en="Purity",
        min_value=Decimal("95.0"),
        max_value=Decimal("100"),
    )
    company = await factories.enterprise(session, name="丰瑞农业")
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(
        session,
        licence,
        lot_number="WY-2026-001",
        production_date=public_today() - timedelta(days=30),
    )
    labels = await factories.labels(session, batch, codec.mint_many(3))
    inspector = await factories.user(session, Role.INSPECTOR)
    session.add(InspectionAssignment(batch_id=batch.id, inspector_id=inspector.id))
    await session.flush()
    return {
        "session": session,
        "product": product,
        "items": (moisture, purity),
        "company": company,
        "licence": licence,
        "batch": batch,
        "codes": [label.code for label in labels],
        "inspector": inspector,
        "as_inspector": await factories.login(client, inspector.username),
        "as_regulator": await factories.auth_headers(session, client, Role.REGULATOR),
        # the standard's test items are the agriculture bureau's (issue 14)
        "as_agriculture": await factories.auth_headers(
            session,
            client,
            Role.REGULATOR,
            organisation_id=(
                await factories.organisation(session, factories.OrgKind.AGRICULTURE)
            ).id,
        ),
        "as_licensee": await factories.auth_headers(session, client, Role.LICENSEE, company.id),
    }


def inspection_body(batch_id: int, report: str = "BYNE-2026-0001", **values: str) -> dict:
    measured = {"moisture": "8.5", "purity": "97.0"} | values
    return {
        "batch_id": batch_id,
        "sample_id": f"S-{report}",
        "sampled_on": (public_today() - timedelta(days=2)).isoformat(),
        "sampling_place": "五原县隆兴昌镇 仓库",
        "lab": "巴彦淖尔市产品质量检验所",
        "report_number": report,
        "items": [{"item": code, "value": value} for code, value in measured.items()],
    }


async def verdict_of(client, code: str) -> str:
    response = await client.get(f"/api/v1/verify/{code}")
    assert response.status_code == 200, response.text
    return response.json()["verdict"]


async def window_closes(gi) -> list[int]:
    """The failing results recorded so far become final and are published: their objection
    windows end with no objection (the ``inspection.close_windows`` job's work)."""
    return await objections.close_expired_windows(
        gi["session"], public_today() + timedelta(days=60)
    )
