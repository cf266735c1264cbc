"""The migrations are the schema: they round-trip and match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.core import migrate
from app.models_all import Base


def _drift(sync_connection) -> list:
    context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_upgrade_downgrade_upgrade_without_drift(engine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(migrate.downgrade_connection, "base")
    async with engine.begin() as connection:
        await connection.run_sync(migrate.upgrade_connection, "head")
    async with engine.connect() as connection:
        assert await connection.run_sync(_drift) == []
    assert await migrate.current_revision(engine) == migrate.head_revision()
