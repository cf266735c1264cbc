"""Migration 0021 moves a GI product's GTIN to an item of every enterprise licensed under it,
links their batches to it (Digital Links already printed keep resolving to their verdict) and
keeps such a product printing Digital Links; a product without a GTIN gets no item."""

import factories
from sqlalchemy import select, text

from app.core import migrate
from app.core.db import Database, create_engine
from app.label.models import LabelBatch
from app.registry.models import GIProduct, QrForm
from app.tradeitem.models import TradeItem


async def test_product_gtins_become_items_of_each_licensed_enterprise(
    fresh_database_url,
) -> None:
    engine = create_engine(fresh_database_url)
    try:
        await migrate.upgrade(engine, "head")
        database = Database(engine)
        async with database.sessionmaker() as session, session.begin():
            with_gtin = await factories.product(session, name_zh="五原向日葵")
            without = await factories.product(session)
            first = await factories.enterprise(session)
            second = await factories.enterprise(session)
            batches = {}
            for company in (first, second):
                licence = await factories.licence(session, company.id, with_gtin.id)
                batch = await factories.batch(session, licence)
                # Labels point at the batch: the migration must not rebuild label_batch.
                await factories.labels(session, batch, [f"{company.id:0>20}"])
                batches[company.id] = batch.id
            plain = await factories.licence(session, first.id, without.id)
            plain_batch = (await factories.batch(session, plain)).id
        async with engine.begin() as connection:
            await connection.run_sync(migrate.downgrade_connection, "0018")
            await connection.execute(
                text("UPDATE gi_product SET gtin = '6901234567892' WHERE id = :id"),
                {"id": with_gtin.id},
            )
        await migrate.upgrade(engine, "head")
        async with database.sessionmaker() as session:
            items = list(await session.scalars(select(TradeItem).order_by(TradeItem.id)))
            linked = dict((await session.execute(select(LabelBatch.id, LabelBatch.item_id))).all())
            forms = dict((await session.execute(select(GIProduct.id, GIProduct.qr_form))).all())
            kept = await session.scalar(select(GIProduct.gtin).where(GIProduct.id == with_gtin.id))
    finally:
        await engine.dispose()
    assert [(i.enterprise_id, i.product_id, i.gtin, i.name) for i in items] == [
        (first.id, with_gtin.id, "06901234567892", "五原向日葵"),
        (second.id, with_gtin.id, "06901234567892", "五原向日葵"),
    ]
    item_of = {i.enterprise_id: i.id for i in items}
    assert linked[batches[first.id]] == item_of[first.id]
    assert linked[batches[second.id]] == item_of[second.id]
    assert linked[plain_batch] is None
    assert forms == {with_gtin.id: QrForm.DIGITAL_LINK, without.id: QrForm.SHORT_URL}
    assert kept == "6901234567892"  # the product's column stays readable, for the record
