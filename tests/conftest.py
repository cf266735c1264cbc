"""Test harness: the schema is built by running the real migrations, once per session, in a
fresh database on the server named by GIMARK_TEST_DATABASE_URL (a temporary SQLite file when
unset). Each test runs
inside one outer transaction that is rolled back, so tests see each other's data never."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core import migrate
from app.core.config import Settings
from app.core.db import Database, create_engine, is_sqlite
from app.main import create_app

TEST_LABEL_KEYS = {"1": "11" * 32, "2": "22" * 32}


def database_url(tmp_dir: Path) -> str:
    return os.environ.get("GIMARK_TEST_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{tmp_dir / 'gimark-test.db'}"
    )


@pytest.fixture(scope="session")
def test_settings(test_database_url: str) -> Settings:
    return Settings(
        mode="test",
        database_url=test_database_url,
        public_base_url="https://gi.example.cn",
        jwt_secret=secrets.token_urlsafe(48),
        label_keys=TEST_LABEL_KEYS,
        label_current_key_id="2",
        scan_write_mode="inline",  # the batched writer is tested on its own
    )


@asynccontextmanager
async def private_database(url: str) -> AsyncIterator[str]:
    """A PostgreSQL database of this run's own, so parallel runs on one server never collide;
    SQLite URLs already point at a per-run temporary file."""
    if is_sqlite(url):
        yield url
        return
    name = f"gimark_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(scope="session")
async def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async with private_database(database_url(tmp_path_factory.mktemp("db"))) as url:
        yield url


@pytest.fixture
async def fresh_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the test's own, no migrations run: for tests of a migration itself,
    or of the CLI, which commits (what it commits must not leak into other tests' world)."""
    async with private_database(database_url(tmp_path)) as url:
        yield url


@pytest.fixture(scope="session")
async def engine(test_settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(test_settings.resolved_database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        if transaction.is_active:
            await transaction.rollback()


@pytest.fixture
def database(engine: AsyncEngine, connection: AsyncConnection) -> Database:
    """Sessions join the test's outer transaction; their commits become savepoint releases."""
    maker = async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    return Database(engine, maker)


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.sessionmaker() as session:
        yield session


@pytest.fixture
def app(test_settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(test_settings, database)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def on_sqlite(test_settings: Settings) -> bool:
    return is_sqlite(test_settings.resolved_database_url)
