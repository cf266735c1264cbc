"""``gimark label-key rotate`` (issue 16): codes issued before keep verifying genuine, codes
issued after carry the new key id, a forged code under either key is refused; the act is
audited (the key id, never the secret) and refused where it would break issued labels.
Through the real command, against a database of the test's own (the CLI commits)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import clitool
import pytest
import restored_world as world
from sqlalchemy import func, select

from app.audit import checkpoints
from app.audit.models import AuditEvent
from app.core.config import Settings
from app.core.db import Database
from app.core.organisations import Organisation
from app.core.principal import SYSTEM
from app.core.time import public_today
from app.label import keys
from app.label import service as label_service
from app.label.exceptions import LabelKeyRefused
from app.label.models import Label, LabelBatch
from app.label.schemas import BatchApprove, BatchRequest
from app.licence.models import Licence, LicenceStatus
from app.registry.models import GIProduct

PASSWORD = ["--password", "a long password"]


@pytest.fixture
async def demo(fresh_database_url: str) -> AsyncIterator[tuple[str, Database, list[str]]]:
    database, codes = await world.build(fresh_database_url)  # issued under key 2
    try:
        yield fresh_database_url, database, codes
    finally:
        await database.dispose()


async def _issue(database: Database, settings: Settings) -> list[str]:
    async with database.sessionmaker() as session, session.begin():
        # A product that asks for no origin records: the batch names no harvests.
        licence = await session.scalar(
            select(Licence)
            .join(GIProduct, GIProduct.id == Licence.product_id)
            .where(Licence.status == LicenceStatus.ACTIVE, GIProduct.requires_origin.is_(False))
            .order_by(Licence.id)
        )
        assert licence is not None
        request = BatchRequest(
            licence_id=licence.id, lot_number="ROTATED-1", quantity=5, unit="袋",
            production_date=public_today() - timedelta(days=1),
            origin=licence.production_location,
        )  # fmt: skip
        batch = await label_service.request_batch(session, SYSTEM, request, settings)
        await label_service.approve(session, SYSTEM, batch.id, BatchApprove(), settings)
        assert (await session.get(LabelBatch, batch.id)).key_id == settings.label_current_key_id
        return list(await session.scalars(select(Label.code).where(Label.batch_id == batch.id)))


def _rotated_settings(url: str, env_file: Path) -> Settings:
    """The settings the restarted service reads from the rewritten dotenv file."""
    base = world.settings_for(url)
    from_file = Settings(_env_file=env_file)  # type: ignore[call-arg]
    return base.model_copy(
        update={
            "label_keys": from_file.label_keys,
            "label_current_key_id": from_file.label_current_key_id,
        }
    )


async def test_rotation_keeps_old_codes_genuine_and_signs_new_ones_with_the_new_key(
    demo: tuple[str, Database, list[str]], tmp_path: Path
) -> None:
    url, database, codes = demo
    created = await clitool.run_cli(url, "user", "create", "--username", "chief", "--as",
                                    "admin", *PASSWORD)  # fmt: skip
    assert created.exit_code == 0, created.output
    old_settings = world.settings_for(url)
    old = (await world.verdicts_of(database, old_settings, codes[:1]))[codes[0]]
    assert old == "genuine" and codes[0][0] == "2"

    env_file = tmp_path / ".env"
    env_file.write_text("GIMARK_LOG_FORMAT=text\n")
    rotated = await clitool.run_cli(url, "label-key", "rotate", "--as", "chief",
                                    "--env-file", str(env_file))  # fmt: skip
    assert rotated.exit_code == 0, rotated.output
    assert "label key 3 added; current key id 3 (was 2)" in rotated.output
    assert "GIMARK_LOG_FORMAT=text" in env_file.read_text()  # other settings kept
    assert env_file.stat().st_mode & 0o077 == 0  # it holds secrets

    new_settings = _rotated_settings(url, env_file)
    assert new_settings.label_current_key_id == "3"
    assert {k: v for k, v in new_settings.label_keys.items() if k != "3"} == world.KEYS
    new_codes = await _issue(database, new_settings)
    assert {code[0] for code in new_codes} == {"3"}

    check = [codes[0], new_codes[0], world.forged("2"), world.forged("3")]
    verdicts = await world.verdicts_of(database, new_settings, check)
    assert [verdicts[c] for c in check] == ["genuine", "genuine", "unknown", "unknown"]
    # An instance not yet restarted calls the new codes unknown: why a fleet stages first.
    stale = await world.verdicts_of(database, old_settings, new_codes[:1])
    assert stale[new_codes[0]] == "unknown"

    async with database.sessionmaker() as session:
        events = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "label_key.rotate"))
        )
        assert (await checkpoints.verify(session)).ok
    assert len(events) == 1 and events[0].object_id == "3"
    assert new_settings.label_keys["3"] not in json.dumps([events[0].before, events[0].after])


async def test_staging_then_switching_and_the_refusals(
    demo: tuple[str, Database, list[str]], tmp_path: Path
) -> None:
    url, database, _codes = demo
    await clitool.run_cli(url, "user", "create", "--username", "chief", "--as", "admin", *PASSWORD)
    env_file = tmp_path / "gimark.env"
    rotate = lambda *a: clitool.run_cli(  # noqa: E731
        url, "label-key", "rotate", "--as", "chief", "--env-file", str(env_file), *a
    )
    rotate_to = lambda path: clitool.run_cli(  # noqa: E731
        url, "label-key", "rotate", "--as", "chief", "--env-file", str(path)
    )
    staged = await rotate("--stage", "--key-id", "k")
    assert staged.exit_code == 0 and "label key K added; current key id 2" in staged.output
    assert json.loads(env_file.read_text().split("GIMARK_LABEL_KEYS=")[1].splitlines()[0][1:-1])

    for args, why in [
        (("--key-id", "2"), "already configured"),  # the current key
        (("--key-id", "U"), "Crockford"),
        (("--key-id", "1", "--stage"), "already configured"),
    ]:
        refused = await rotate(*args)
        assert refused.exit_code == 1 and "label_key_refused" in refused.output, refused.output
        assert why in refused.output

    async with database.sessionmaker() as session:  # a demo bureau for the new account
        bureau = await session.scalar(
            select(Organisation.id).where(Organisation.name_zh == "五原县市场监督管理局")
        )
    regulator = await clitool.run_cli(url, "user", "create", "--username", "reg", "--role",
                                      "regulator", "--organisation-id", str(bureau),
                                      "--as", "chief", *PASSWORD)  # fmt: skip
    assert regulator.exit_code == 0
    unwritable = await rotate_to(tmp_path / "missing" / "gimark.env")
    assert unwritable.exit_code == 1 and "cannot write" in unwritable.output
    async with database.sessionmaker() as session:
        refused_events = await session.scalar(
            select(func.count()).where(AuditEvent.action == "label_key.rotate")
        )
    assert refused_events == 1  # the staging only: a refusal or a failed write records nothing

    not_admin = await clitool.run_cli(url, "label-key", "rotate", "--as", "reg",
                                      "--env-file", str(tmp_path / "x.env"))  # fmt: skip
    assert not_admin.exit_code == 1 and "role_not_allowed" in not_admin.output
    assert not (tmp_path / "x.env").exists()


def test_an_id_printed_on_labels_whose_key_is_gone_gets_no_new_secret() -> None:
    """A new secret under such an id would turn those labels' verdicts from a fixable
    "not configured" (the admin page says so) into forgeries for good."""
    settings = world.settings_for("sqlite+aiosqlite://")
    with pytest.raises(LabelKeyRefused, match="put that key back"):
        keys.plan(settings, {"1", "2", "7"}, "7", make_current=True)
    # The next free id skips it too.
    assert keys.plan(settings, {"1", "2", "3"}, None, make_current=True).key_id == "4"
