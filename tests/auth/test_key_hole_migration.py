"""Migration 0003 cleans up what the API-key hole made: over-scoped and key-minted keys are
revoked, accounts created with them (transitively) disabled, each change on the audit chain,
which still verifies — through the app and through ``gimark audit verify``."""

import os
from types import SimpleNamespace
from typing import Any

import clitool
import factories
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.auth.models import ApiKey, User
from app.auth.principal import user_principal
from app.core import migrate
from app.core.db import Database, create_engine
from app.core.principal import SYSTEM, Principal, Role


def _before_0003() -> str:
    revision = ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0003")
    return str(revision.down_revision)


async def _user(session: AsyncSession, by: Principal, role: Role, enterprise_id=None) -> Any:
    """An account row with only the columns the schema had before 0003 (as the enterprise)."""
    name = f"{role.value}-{os.urandom(4).hex()}"
    row = await session.execute(
        text(
            "INSERT INTO app_user (username, display_name, password_hash, role, enterprise_id,"
            " is_active, created_at, updated_at) VALUES (:name, :name, 'x', :role, :enterprise,"
            " true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"name": name, "role": role.value, "enterprise": enterprise_id},
    )
    account = SimpleNamespace(
        id=row.scalar_one(), username=name, role=role, enterprise_id=enterprise_id
    )
    await audit.record(session, by, "user.create", "user", account.id)
    return account


async def _key(session: AsyncSession, by: Principal, role: Role, enterprise_id=None) -> ApiKey:
    """A key as the old code minted it: whatever the creator asked for."""
    key = ApiKey(
        name=f"key-{role.value}",
        prefix=os.urandom(6).hex(),
        secret_hash="0" * 64,
        role=role,
        enterprise_id=enterprise_id,
        created_by_id=by.user_id,
    )
    session.add(key)
    await session.flush()
    await audit.record(session, by, "api_key.create", "api_key", key.id)
    return key


async def _enterprise_as_of_0002(session: AsyncSession) -> Any:
    """An enterprise row with only the columns the schema had before 0003 (the ORM model is
    today's and would write columns later revisions add)."""
    row = await session.execute(
        text(
            "INSERT INTO enterprise (name, uscc, address, region, credit_standing, created_at,"
            " updated_at) VALUES (:name, :uscc, '五原县', '巴彦淖尔市五原县', 'normal',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
        ),
        {"name": "测试企业（迁移）", "uscc": factories.make_uscc(9001)},
    )
    return SimpleNamespace(id=row.scalar_one())


def _as_key(key: ApiKey) -> Principal:
    return Principal("api_key", key.id, key.name, key.role, key.enterprise_id)


async def _the_hole_in_use(session: AsyncSession) -> tuple[dict, dict]:
    company = await _enterprise_as_of_0002(session)
    admin = await _user(session, SYSTEM, Role.ADMIN)
    regulator = await _user(session, user_principal(admin), Role.REGULATOR)
    licensee = await _user(session, user_principal(admin), Role.LICENSEE, company.id)
    stolen_admin_key = await _key(session, user_principal(regulator), Role.ADMIN)
    rogue_admin = await _user(session, _as_key(stolen_admin_key), Role.ADMIN)
    rogue_key = await _key(session, user_principal(rogue_admin), Role.REGULATOR)
    rogue_child = await _user(session, user_principal(rogue_admin), Role.LICENSEE, company.id)
    foreign_licensee_key = await _key(session, user_principal(regulator), Role.LICENSEE, company.id)
    regulator_own_key = await _key(session, user_principal(regulator), Role.REGULATOR)
    admin_key = await _key(session, user_principal(admin), Role.ADMIN)
    key_minted_key = await _key(session, _as_key(admin_key), Role.LICENSEE, company.id)
    made_by_admin_key = await _user(session, _as_key(admin_key), Role.INSPECTOR)
    licensee_key = await _key(session, user_principal(licensee), Role.LICENSEE, company.id)
    keys = {
        "revoked": [stolen_admin_key, rogue_key, foreign_licensee_key, key_minted_key],
        "kept": [regulator_own_key, admin_key, licensee_key],
    }
    users = {
        "disabled": [rogue_admin, rogue_child],
        "kept": [admin, regulator, licensee, made_by_admin_key],
    }
    return {k: [x.id for x in v] for k, v in keys.items()}, {
        k: [x.id for x in v] for k, v in users.items()
    }


async def test_migration_revokes_the_hole_and_the_chain_still_verifies(
    fresh_database_url,
) -> None:
    url = fresh_database_url
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine, _before_0003())
        database = Database(engine)
        async with database.sessionmaker() as session, session.begin():
            keys, users = await _the_hole_in_use(session)
        await migrate.upgrade(engine, "head")
        async with database.sessionmaker() as session:
            revoked = {
                k.id: k.revoked_at is not None for k in await session.scalars(select(ApiKey))
            }
            active = {u.id: u.is_active for u in await session.scalars(select(User))}
            events = list(
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.request_id == "migration-0003")
                )
            )
            chain = await audit.verify_chain(session)
    finally:
        await engine.dispose()
    assert all(revoked[k] for k in keys["revoked"]) and not any(revoked[k] for k in keys["kept"])
    assert not any(active[u] for u in users["disabled"]) and all(active[u] for u in users["kept"])
    described = {(e.action, int(e.object_id)) for e in events}
    assert described == {("api_key.revoke", k) for k in keys["revoked"]} | {
        ("user.disable", u) for u in users["disabled"]
    }
    assert all(e.actor == "system:gimark" and "0003" in e.reason for e in events)
    assert chain.ok, chain.problem
    verified = await clitool.run_cli(url, "audit", "verify")
    assert verified.exit_code == 0 and verified.output.startswith("ok:"), verified.output
