"""Helpers of the licensee console tests: an issued batch made through the API (real codes,
as the console's pages and print files expect them), its codes, another licensee's browser."""

from __future__ import annotations

from typing import Any

import factories
import httpx
from console_helpers import csrf_of
from sqlalchemy import select

from app.core.principal import Role
from app.label.models import Label


async def issued_batch(
    session: Any, client: httpx.AsyncClient, world: Any, lot: str = "WY-2026-017", quantity: int = 6
) -> tuple[int, list[str]]:
    """A batch of ``world.licensee`` requested and approved (so issued) through the API;
    (its id, its codes in serial order)."""
    licensee = await factories.login(client, world.licensee.username)
    regulator = await factories.login(client, world.regulator.username)
    requested = await client.post(
        "/api/v1/batches",
        json={
            "licence_id": world.licence.id,
            "lot_number": lot,
            "quantity": quantity,
            "unit": "袋 0.5 kg",
            "production_date": "2026-09-01",
            "origin": "五原县隆兴昌镇",
        },
        headers=licensee | {"Idempotency-Key": f"console-{lot}"},
    )
    assert requested.status_code == 201, requested.text
    batch_id = int(requested.json()["id"])
    approved = await client.post(f"/api/v1/batches/{batch_id}/approve", json={}, headers=regulator)
    assert approved.status_code == 200 and approved.json()["status"] == "issued"
    codes = await session.scalars(
        select(Label.code).where(Label.batch_id == batch_id).order_by(Label.serial)
    )
    return batch_id, list(codes)


async def other_licensee(session: Any, world: Any) -> Any:
    """A licensee of the other enterprise (the one of ``world.other_licence``)."""
    return await factories.user(session, Role.LICENSEE, world.other_licence.enterprise_id)


async def token_of(browser: httpx.AsyncClient, path: str) -> str:
    page = await browser.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)
