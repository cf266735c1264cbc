"""CLI acts are done by a named person whom the API would admit, and audited as that person
through the CLI channel; decisions carry a reason (issue 10, item 21). Through the real entry
point (click), against committed data."""

from collections.abc import AsyncIterator

import clitool
import factories
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.core import migrate
from app.core.db import Database, create_engine
from app.core.organisations import Organisation
from app.core.principal import Role
from app.core.time import public_today
from app.label.models import BatchStatus, LabelBatch

PASSWORD = ["--password", "a long password"]


def _one_clear_line(result, code: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and code in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


async def _events(database: Database, action: str) -> list[AuditEvent]:
    async with database.sessionmaker() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        return list(await session.scalars(query))


@pytest.fixture
async def fresh_database(fresh_database_url) -> AsyncIterator[tuple[str, Database]]:
    """A migrated database of this test's own: the CLI commits (an active licence, the first
    admin), and that must not leak into other tests' world."""
    engine = create_engine(fresh_database_url)
    try:
        await migrate.upgrade(engine)
        yield fresh_database_url, Database(engine)
    finally:
        await engine.dispose()


async def test_first_admin_without_as_then_only_admins_create_users(fresh_database) -> None:
    url, database = fresh_database
    cli = lambda *args: clitool.run_cli(url, "user", "create", *args, *PASSWORD)  # noqa: E731

    _one_clear_line(await cli("--username", "clerk", "--role", "regulator"), "actor_required")
    first = await cli("--username", "chief")
    assert first.exit_code == 0 and "created admin 'chief'" in first.output
    _one_clear_line(await cli("--username", "second"), "actor_required")

    async with database.sessionmaker() as session, session.begin():
        bureau = Organisation(name_zh="五原县市场监督管理局", kind="market_supervision",
                              division_code="150821")  # fmt: skip
        session.add(bureau)
    organisation = ("--organisation-id", str(bureau.id))
    made = await cli("--username", "reg", "--role", "regulator", "--as", "chief", *organisation)
    assert made.exit_code == 0, made.output
    _one_clear_line(await cli("--username", "xx1", "--as", "reg"), "role_not_allowed")
    _one_clear_line(await cli("--username", "xx2", "--as", "ghost"), "unknown_actor")
    async with database.sessionmaker() as session, session.begin():
        chief = await session.scalar(select(User).where(User.username == "chief"))
        chief.is_active = False
    _one_clear_line(await cli("--username", "xx3", "--as", "chief"), "unknown_actor")

    created = await _events(database, "user.create")
    assert [(e.actor, e.object_id) for e in created] == [
        ("system:gimark", str(chief.id)),
        ("user:chief", str(chief.id + 1)),
    ]
    assert "first admin" in created[0].reason
    assert all(e.request_id.startswith("cli-") for e in created)


async def test_batch_commands_act_as_the_named_person_with_a_reason(fresh_database) -> None:
    url, database = fresh_database
    async with database.sessionmaker() as session, session.begin():
        company, rival = await factories.enterprise(session), await factories.enterprise(session)
        product = await factories.product(session)
        licence = await factories.licence(session, company.id, product.id)
        owner = await factories.user(session, Role.LICENSEE, company.id)
        outsider = await factories.user(session, Role.LICENSEE, rival.id)
        regulator = await factories.user(session, Role.REGULATOR)
        inspector = await factories.user(session, Role.INSPECTOR)

    async def request(as_user: User, lot: str):
        return await clitool.run_cli(
            url,
            "batch",
            "request",
            "--licence-id",
            str(licence.id),
            "--lot",
            lot,
            "--quantity",
            "5",
            "--production-date",
            public_today().isoformat(),
            "--origin",
            "五原县",
            "--as",
            as_user.username,
        )

    _one_clear_line(await request(outsider, "L-OUT"), "not_found")  # another enterprise's licence
    requested = await request(owner, "L-1")
    assert requested.exit_code == 0, requested.output
    batch_id = requested.output.split()[1]
    second_id = (await request(owner, "L-2")).output.split()[1]

    missing_as = await clitool.run_cli(url, "batch", "issue", batch_id)
    assert missing_as.exit_code == 2 and "--as" in missing_as.output
    missing_reason = await clitool.run_cli(
        url, "batch", "approve", batch_id, "--as", regulator.username
    )
    assert missing_reason.exit_code == 2 and "--reason" in missing_reason.output
    by_inspector = await clitool.run_cli(
        url, "batch", "approve", batch_id, "--as", inspector.username, "--reason", "ok"
    )
    _one_clear_line(by_inspector, "role_not_allowed")

    approved = await clitool.run_cli(
        url,
        "batch",
        "approve",
        batch_id,
        "--as",
        regulator.username,
        "--reason",
        "产地核查合格",
        "--no-issue",
    )
    assert approved.exit_code == 0 and "approved" in approved.output, approved.output
    issued = await clitool.run_cli(url, "batch", "issue", batch_id, "--as", regulator.username)
    assert issued.exit_code == 0, issued.output
    rejected = await clitool.run_cli(
        url, "batch", "reject", second_id, "--as", regulator.username, "--reason", "批次重复申请"
    )
    assert rejected.exit_code == 0 and "rejected" in rejected.output, rejected.output

    async with database.sessionmaker() as session:
        statuses = dict(
            (
                await session.execute(
                    select(LabelBatch.id, LabelBatch.status).where(
                        LabelBatch.licence_id == licence.id
                    )
                )
            ).all()
        )
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "label_batch")
                .where(AuditEvent.object_id.in_([batch_id, second_id]))
                .order_by(AuditEvent.seq)
            )
        )
    assert statuses == {int(batch_id): BatchStatus.ISSUED, int(second_id): BatchStatus.REJECTED}
    acts = [(e.action, e.actor, e.reason) for e in events]
    assert acts == [
        ("batch.request", f"user:{owner.username}", None),
        ("batch.request", f"user:{owner.username}", None),
        ("batch.approve", f"user:{regulator.username}", "产地核查合格"),
        ("batch.issue", f"user:{regulator.username}", None),
        ("batch.reject", f"user:{regulator.username}", "批次重复申请"),
    ]
    assert all(e.request_id.startswith("cli-") and e.actor_id is not None for e in events)
