from datetime import timedelta

import factories
import httpx
import pytest

from app.core.time import public_today
from app.label.code import LabelCodec


@pytest.fixture
def codec(test_settings) -> LabelCodec:
    return LabelCodec(test_settings.label_key_bytes(), test_settings.label_current_key_id)


@pytest.fixture
async def label_world(session, codec):
    """A genuine issued label of 五原向日葵 under an active licence."""
    product = await factories.product(
        session, code="WYXRK", name_zh="五原向日葵", name_en="Wuyuan Sunflower"
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
    return {
        "product": product,
        "company": company,
        "licence": licence,
        "batch": batch,
        "labels": labels,
        "code": labels[0].code,
    }


def client_from(app, address: str, headers: dict | None = None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers or {}
    )
