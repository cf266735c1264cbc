"""A gimark database worth backing up, and the checks a restored copy must pass: the same
verdicts for the same codes, and an audit chain that holds and still reaches the head taken
before the backup (``app.audit.checkpoints.verify``, what ``gimark audit verify`` runs)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select

from app.audit import checkpoints
from app.core import migrate
from app.core.config import Settings
from app.core.db import Database, create_engine
from app.core.principal import SYSTEM
from app.demo.loader import load_demo, sample_codes
from app.label.code import LabelCodec
from app.label.models import Label
from app.main import create_app
from app.revocation import service as revocations
from app.revocation.schemas import Grounds
from app.verification.models import Scan

KEYS = {"1": "11" * 32, "2": "22" * 32}
GROUNDS = Grounds(
    reason="假冒标签", legal_basis="《商标法》第五十七条", case_number="备〔2026〕1号"
)


def settings_for(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "mode": "test",
        "database_url": url,
        "public_base_url": "https://gi.example.cn",
        "jwt_secret": secrets.token_urlsafe(48),
        "label_keys": KEYS,
        "label_current_key_id": "2",
        "scan_write_mode": "inline",
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


def forged(key_id: str) -> str:
    """Well formed, under one of our key ids, with a tag no key of ours made."""
    return LabelCodec({key_id: secrets.token_bytes(32)}, key_id).mint()


@dataclass
class Snapshot:
    verdicts: dict[str, str]
    head: checkpoints.Checkpoint
    scans: int


async def verdicts_of(database: Database, settings: Settings, codes: list[str]) -> dict[str, str]:
    """The public check of each code, through the app (each check records a scan)."""
    transport = httpx.ASGITransport(app=create_app(settings, database), client=("203.0.113.9", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = {code: await client.get(f"/api/v1/verify/{code}") for code in codes}
    assert all(a.status_code == 200 for a in answers.values()), answers
    return {code: answer.json()["verdict"] for code, answer in answers.items()}


async def build(url: str) -> tuple[Database, list[str]]:
    """Migrate, load the demo (issued batches, one suspended by a failing inspection, audit
    events), revoke one label; returns the database and the codes to check."""
    database = Database(create_engine(url))
    await migrate.upgrade(database.engine)
    settings = settings_for(url)
    async with database.sessionmaker() as session, session.begin():
        await load_demo(session, settings)
        codes = await sample_codes(session)
        revoked = await session.scalar(
            select(Label.code).where(Label.serial == 2).order_by(Label.code).limit(1)
        )
        await revocations.revoke_labels(session, SYSTEM, [str(revoked)], GROUNDS)
    checked = [*codes, str(revoked), forged("1"), forged("2"), "ABCD-EFGH"]
    return database, checked


async def snapshot(database: Database, settings: Settings, codes: list[str]) -> Snapshot:
    verdicts = await verdicts_of(database, settings, codes)
    async with database.sessionmaker() as session:
        head = await checkpoints.head(session)
        scans = int(await session.scalar(select(func.count()).select_from(Scan)) or 0)
    return Snapshot(verdicts, head, scans)


async def check_restored(url: str, before: Snapshot, *, scans_at_least: int) -> None:
    """The restored copy, served by a fresh app with the same settings (the keys are not in
    the database: they are restored from the settings, see docs/operations.md)."""
    database = Database(create_engine(url))
    try:
        async with database.sessionmaker() as session:
            report = await checkpoints.verify(session, before.head)
            scans = int(await session.scalar(select(func.count()).select_from(Scan)) or 0)
        assert report.ok, report
        assert scans >= scans_at_least
        after = await verdicts_of(database, settings_for(url), list(before.verdicts))
        assert after == before.verdicts
    finally:
        await database.dispose()
