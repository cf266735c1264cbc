"""Origin on the console: a licensee registers a base (refused outside the protected area, by
its field), records a harvest, and requests a batch that names it ("H12 500"); a lot beyond
the mass balance is refused with the arithmetic on the page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from console_helpers import csrf_of
from sqlalchemy import select

from app.core.time import public_today
from app.label.models import LabelBatch
from app.origin.models import GrowingBase, Harvest
from app.registry.models import GIProduct


async def test_a_licensee_keeps_its_origin_records_and_batches_draw_on_them(
    licensee_browser, world, session
) -> None:
    product = await session.get(GIProduct, world.licence.product_id)
    product.protected_area_codes = ["150821"]
    product.processing_factor = Decimal("0.9")
    product.requires_origin = True
    await session.flush()

    listing = await licensee_browser.get("/console/origin")
    assert listing.status_code == 200 and 'href="/console/origin/bases/new"' in listing.text
    page = await licensee_browser.get("/console/origin/bases/new")
    assert page.status_code == 200 and 'action="/console/origin/bases"' in page.text
    assert 'name="enterprise_id"' not in page.text  # a licensee's records are its own
    token = csrf_of(page.text)
    base = {
        "csrf_token": token,
        "product_id": str(product.id),
        "name": "新公中镇演示基地",
        "kind": "cooperative",
        "division_code": "150822",
        "township": "新公中镇",
        "area_mu": "120",
    }
    outside = await licensee_browser.post("/console/origin/bases", data=base)
    assert outside.status_code == 422 and "150822" in outside.text
    assert 'value="新公中镇演示基地"' in outside.text  # kept as typed
    assert await session.scalar(select(GrowingBase)) is None
    made = await licensee_browser.post(
        "/console/origin/bases", data=base | {"division_code": "150821"}
    )
    assert made.status_code == 303, made.text
    stored = await session.scalar(select(GrowingBase))
    assert stored is not None and stored.enterprise_id == world.licence.enterprise_id

    harvest = {
        "csrf_token": token,
        "base_id": str(stored.id),
        "harvested_on": (public_today() - timedelta(days=40)).isoformat(),
        "quantity_kg": "100",
    }
    assert (
        await licensee_browser.post("/console/origin/harvests", data=harvest)
    ).status_code == 303
    crop = await session.scalar(select(Harvest))
    listed = await licensee_browser.get("/console/origin")
    assert f"H{crop.id}" in listed.text and "新公中镇演示基地" in listed.text

    form = await licensee_browser.get("/console/batches/new")
    assert f"H{crop.id}" in form.text  # offered with what is left of it
    key = form.text.split('name="idempotency_key" value="')[1].split('"')[0]
    request = {
        "csrf_token": csrf_of(form.text),
        "idempotency_key": key,
        "licence_id": str(world.licence.id),
        "lot_number": "WY-ORIGIN-1",
        "quantity": "200",  # 200 × 0.5 kg = 100 kg, but 100 kg × 0.9 = 90 kg
        "unit": "袋 0.5 kg",
        "production_date": public_today().isoformat(),
        "origin": "五原县新公中镇",
        "sources": f"H{crop.id} 100",
    }
    refused = await licensee_browser.post("/console/batches/new", data=request)
    assert refused.status_code == 409
    assert "100.000 kg claimed" in refused.text and "90.000 kg" in refused.text
    unreadable = await licensee_browser.post(
        "/console/batches/new", data=request | {"sources": "some wheat"}
    )
    assert unreadable.status_code == 422 and 'id="sources-error"' in unreadable.text
    done = await licensee_browser.post("/console/batches/new", data=request | {"quantity": "180"})
    assert done.status_code == 303, done.text
    batch = await session.scalar(select(LabelBatch).where(LabelBatch.lot_number == "WY-ORIGIN-1"))
    assert batch is not None and batch.origin_public[0]["township"] == "新公中镇"
