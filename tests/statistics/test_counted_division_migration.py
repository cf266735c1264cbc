"""Migration 0034 records where the roll-up filed each enterprise's counts under the old rule
(the USCC's registering office); the next refresh moves them to the enterprise's
``division_code``, with nothing recounted or lost."""

from collections import Counter
from datetime import date, timedelta

import factories
from sqlalchemy import select, text
from stats_world import at, scan

from app.core import migrate
from app.core.db import Database, create_engine
from app.core.time import public_today, utcnow
from app.enterprise.uscc import compose
from app.statistics import rollup
from app.statistics.models import StatCountedDivision, StatDaily

LINHE, DENGKOU = "150802", "150822"
YEAR = public_today().year - 1


async def _rolled_up(session) -> Counter:
    rows = await session.scalars(select(StatDaily))
    return Counter({(r.day, r.division, r.measure, r.detail): r.count for r in rows})


async def test_counts_filed_by_the_uscc_move_to_the_registered_county(
    fresh_database_url,
) -> None:
    engine = create_engine(fresh_database_url)
    try:
        await migrate.upgrade(engine, "head")
        database = Database(engine)
        async with database.sessionmaker() as session, session.begin():
            product = await factories.product(session)
            company = await factories.enterprise(
                session, uscc=compose("93", LINHE, "MC000002"), division_code=DENGKOU
            )
            licence = await factories.licence(session, company.id, product.id)
            batch = await factories.batch(session, licence, issued_at=at(date(YEAR, 4, 1)))
            labels = await factories.labels(session, batch, [f"MG{i:012d}" for i in range(3)])
            session.add(scan(labels[0].code, at(date(YEAR, 5, 3)), where=(40.3, 107.0)))
            await session.flush()
            await rollup.refresh(session, utcnow())
            filed = await _rolled_up(session)
        # As the roll-up stood before 0034: the same counts, under the USCC's office.
        async with engine.begin() as connection:
            await connection.run_sync(migrate.downgrade_connection, "0033")
            await connection.execute(
                text("UPDATE stat_daily SET division = :linhe WHERE division = :dengkou"),
                {"linhe": LINHE, "dengkou": DENGKOU},
            )
        await migrate.upgrade(engine, "head")
        async with database.sessionmaker() as session, session.begin():
            recorded = await session.get(StatCountedDivision, company.id)
            assert recorded is not None and recorded.division == LINHE
            await rollup.refresh(session, utcnow() + timedelta(minutes=3))
            moved = await _rolled_up(session)
    finally:
        await engine.dispose()
    assert filed[(date(YEAR, 4, 1), DENGKOU, "label.issued", "all")] == 3
    assert filed[(date(YEAR, 5, 3), DENGKOU, "scan", "genuine")] == 1
    assert moved == filed
