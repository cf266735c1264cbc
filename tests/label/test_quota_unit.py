"""The quota counts in the product's unit: mutton per head of sheep, not per mu of land."""

from decimal import Decimal

import factories

from app.core.principal import Role
from app.core.time import public_today
from app.registry.models import QuotaUnit


async def test_mutton_quota_is_per_head_in_the_numbers_and_the_refusal(session, client) -> None:
    mutton = await factories.product(
        session,
        name_zh="乌拉特羊肉",
        quota_unit=QuotaUnit.HEAD,
        standard_yield_kg_per_mu=Decimal("15"),
        default_pack_size_kg=Decimal("1"),
    )
    company = await factories.enterprise(session)
    flock = await factories.licence(session, company.id, mutton.id, production_area_mu=Decimal(40))
    headers = await factories.auth_headers(session, client, Role.LICENSEE, company.id)

    quota = (await client.get(f"/api/v1/licences/{flock.id}/quota", headers=headers)).json()
    assert quota["quota_unit"] == "head" and quota["total"] == 600  # 40 head × 15 kg ÷ 1 kg

    body = {
        "licence_id": flock.id,
        "lot_number": "WLT-001",
        "quantity": 601,
        "unit": "袋 1 kg",
        "production_date": public_today().isoformat(),
        "origin": "乌拉特中旗",
    }
    refused = await client.post(
        "/api/v1/batches", json=body, headers=headers | {"Idempotency-Key": "q-1"}
    )
    assert refused.status_code == 409 and refused.json()["quota_unit"] == "head"
    assert "40.00 head × 15.000 kg/head" in refused.json()["detail"]
    assert " mu" not in refused.json()["detail"]
