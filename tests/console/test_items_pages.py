"""Trade items on the console: a licensee registers, edits and finds its own items (the GS1
check digit and a duplicate GTIN refused by the field, the typed values kept), never sees
another enterprise's, staff see every enterprise's with its name; a batch request may name one
of the licensee's items."""

from __future__ import annotations

from datetime import timedelta

import factories
from console_helpers import csrf_of
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.time import public_today
from app.enterprise.models import Enterprise
from app.label.models import LabelBatch
from app.tradeitem.models import TradeItem

GTIN = "6901234567892"
OTHER_GTIN = "6901234567908"
BAD_GTIN = "6901234567893"  # the check digit of 690123456789 is 2


async def test_a_licensee_registers_edits_and_finds_its_items(
    licensee_browser, world, session
) -> None:
    form = await licensee_browser.get("/console/items/new")
    assert form.status_code == 200 and '<label for="gtin">' in form.text
    assert 'name="enterprise_id"' not in form.text  # a licensee's item is its own
    token = csrf_of(form.text)
    typed = {
        "csrf_token": token,
        "product_id": str(world.licence.product_id),
        "name": "葵花籽 500 g",
    }
    refused = await licensee_browser.post("/console/items", data={**typed, "gtin": BAD_GTIN})
    assert refused.status_code == 422 and 'id="gtin-error"' in refused.text
    assert f'value="{BAD_GTIN}"' in refused.text and 'value="葵花籽 500 g"' in refused.text
    assert await session.scalar(select(TradeItem)) is None

    done = await licensee_browser.post("/console/items", data={**typed, "gtin": GTIN})
    assert done.status_code == 303, done.text
    item = await session.scalar(select(TradeItem).where(TradeItem.name == "葵花籽 500 g"))
    assert item is not None and item.enterprise_id == world.licence.enterprise_id
    assert item.gtin == "0" + GTIN  # kept as GTIN-14
    assert done.headers["location"] == f"/console/items/{item.id}?saved=1"

    second = {**typed, "name": "葵花籽 5 kg", "gtin": OTHER_GTIN}
    assert (await licensee_browser.post("/console/items", data=second)).status_code == 303
    listed = await licensee_browser.get("/console/items", params={"q": "5 kg"})
    assert "葵花籽 5 kg" in listed.text and "葵花籽 500 g" not in listed.text
    by_gtin = await licensee_browser.get("/console/items", params={"q": GTIN[-6:]})
    assert "葵花籽 500 g" in by_gtin.text and "葵花籽 5 kg" not in by_gtin.text

    taken = {"csrf_token": token, "name": "葵花籽 500 g 新包装", "gtin": OTHER_GTIN}
    refused = await licensee_browser.post(f"/console/items/{item.id}", data=taken)
    assert refused.status_code == 409 and 'id="gtin-error"' in refused.text
    assert 'value="葵花籽 500 g 新包装"' in refused.text
    edit = {"csrf_token": token, "name": "葵花籽 500 g 新包装", "gtin": ""}
    assert (await licensee_browser.post(f"/console/items/{item.id}", data=edit)).status_code == 303
    await session.refresh(item)
    assert item.name == "葵花籽 500 g 新包装" and item.gtin is None
    actions = await session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "trade_item", AuditEvent.object_id == str(item.id)
        )
    )
    assert {"item.create", "item.update"} <= set(actions)


async def test_another_enterprises_item_is_404(licensee_browser, world, session) -> None:
    theirs = await factories.item(
        session, world.other_licence.enterprise_id, world.other_licence.product_id, name="别家商品"
    )
    assert (await licensee_browser.get(f"/console/items/{theirs.id}")).status_code == 404
    token = csrf_of((await licensee_browser.get("/console/items/new")).text)
    edit = {"csrf_token": token, "name": "改名", "gtin": ""}
    assert (
        await licensee_browser.post(f"/console/items/{theirs.id}", data=edit)
    ).status_code == 404
    assert "别家商品" not in (await licensee_browser.get("/console/items")).text
    await session.refresh(theirs)
    assert theirs.name == "别家商品"


async def test_staff_list_every_enterprise_and_choose_one(
    regulator_browser, world, session
) -> None:
    owner = await session.get(Enterprise, world.other_licence.enterprise_id)
    await factories.item(session, owner.id, world.other_licence.product_id, name="别家商品")
    listed = await regulator_browser.get("/console/items")
    assert "别家商品" in listed.text and owner.name in listed.text
    form = await regulator_browser.get("/console/items/new")
    assert '<label for="enterprise_id">' in form.text
    data = {
        "csrf_token": csrf_of(form.text),
        "product_id": str(world.licence.product_id),
        "name": "局里登记的商品",
    }
    refused = await regulator_browser.post("/console/items", data=data)
    assert refused.status_code == 422 and 'id="enterprise_id-error"' in refused.text
    done = await regulator_browser.post(
        "/console/items", data={**data, "enterprise_id": str(owner.id)}
    )
    assert done.status_code == 303
    made = await session.scalar(select(TradeItem).where(TradeItem.name == "局里登记的商品"))
    assert made is not None and made.enterprise_id == owner.id


async def test_a_forged_csrf_token_is_refused(licensee_browser, world, session) -> None:
    own = await factories.item(session, world.licence.enterprise_id, world.licence.product_id)
    name = own.name
    data = {"product_id": str(world.licence.product_id), "name": "伪造", "gtin": ""}
    for url in ("/console/items", f"/console/items/{own.id}"):
        assert (
            await licensee_browser.post(url, data={**data, "csrf_token": "x"})
        ).status_code == 403
        assert (await licensee_browser.post(url, data=data)).status_code == 403
    await session.refresh(own)
    assert own.name == name
    assert await session.scalar(select(TradeItem).where(TradeItem.name == "伪造")) is None


async def test_a_batch_request_names_one_of_the_items(licensee_browser, world, session) -> None:
    own = await factories.item(
        session, world.licence.enterprise_id, world.licence.product_id, name="葵花籽 500 g"
    )
    theirs = await factories.item(
        session, world.other_licence.enterprise_id, world.other_licence.product_id
    )
    form = await licensee_browser.get("/console/batches/new")
    assert '<label for="item_id">' in form.text and "葵花籽 500 g" in form.text
    assert f'<option value="{theirs.id}"' not in form.text
    key = form.text.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {
        "csrf_token": csrf_of(form.text),
        "idempotency_key": key,
        "licence_id": str(world.licence.id),
        "lot_number": "WY-2026-018",
        "quantity": "100",
        "unit": "袋 0.5 kg",
        "production_date": (public_today() - timedelta(days=2)).isoformat(),
        "origin": "五原县隆兴昌镇",
        "item_id": str(own.id),
    }
    done = await licensee_browser.post("/console/batches/new", data=data)
    assert done.status_code == 303, done.text
    batch = await session.scalar(select(LabelBatch).where(LabelBatch.lot_number == "WY-2026-018"))
    assert batch is not None and batch.item_id == own.id
    without = {**data, "idempotency_key": "key-without-item", "lot_number": "WY-2026-019"}
    without["item_id"] = ""
    assert (await licensee_browser.post("/console/batches/new", data=without)).status_code == 303
    plain = await session.scalar(select(LabelBatch).where(LabelBatch.lot_number == "WY-2026-019"))
    assert plain is not None and plain.item_id is None
