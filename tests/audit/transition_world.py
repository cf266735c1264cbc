"""The world a transition path runs in, and what the transition table test observes of it.

Each path gets a fresh world (the test's rolled-back transaction): a GI product whose standard
sets limits, an enterprise with an active licence, an issued batch of genuine labels and an
inspector assigned to it. People log in over HTTP the first time a path acts as them.

A path prepares what its transition needs (a suspended batch, a revocation to reverse …),
then calls :meth:`World.start`; the test compares the ledger, the trust epoch and the public
notices as they stood there with what they are once the path has run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import factories
import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.auth.models import User
from app.core.appeals import AppealRight
from app.core.config import Settings
from app.core.db import Database
from app.core.notices import PublicNotice
from app.core.principal import Role
from app.core.trust import current_epoch
from app.enterprise.models import Enterprise
from app.label.code import LabelCodec
from app.label.models import LabelBatch
from app.licence.models import Licence
from app.planning.models import InspectionAssignment
from app.registry.models import GIProduct


@dataclass(frozen=True)
class Observation:
    """What a transition may move: the ledger, the epoch, the notices, the appeal trail."""

    last_seq: int
    epoch: int
    last_notice_id: int
    last_appeal_id: int


async def observe(session: AsyncSession) -> Observation:
    await audit.append_pending(session)  # a path run on this session queued its events here
    last_seq = await session.scalar(select(func.max(AuditEvent.seq)))
    last_notice = await session.scalar(select(func.max(PublicNotice.id)))
    last_appeal = await session.scalar(select(func.max(AppealRight.id)))
    epoch = await current_epoch(session)
    return Observation(last_seq or 0, epoch, last_notice or 0, last_appeal or 0)


async def actions_since(session: AsyncSession, seen: Observation) -> list[str]:
    await audit.append_pending(session)
    query = select(AuditEvent.action).where(AuditEvent.seq > seen.last_seq)
    return list(await session.scalars(query.order_by(AuditEvent.seq)))


async def appeals_since(session: AsyncSession, seen: Observation) -> list[AppealRight]:
    query = select(AppealRight).where(AppealRight.id > seen.last_appeal_id)
    return list(await session.scalars(query.order_by(AppealRight.id)))


async def adverse_notices_since(session: AsyncSession, seen: Observation) -> list[PublicNotice]:
    query = select(PublicNotice).where(PublicNotice.id > seen.last_notice_id)
    return list(await session.scalars(query.order_by(PublicNotice.id)))


async def notices_since(session: AsyncSession, seen: Observation) -> list[str]:
    query = select(PublicNotice.kind).where(PublicNotice.id > seen.last_notice_id)
    return [str(kind) for kind in await session.scalars(query.order_by(PublicNotice.id))]


@dataclass
class World:
    session: AsyncSession
    client: httpx.AsyncClient
    database: Database
    settings: Settings
    product: GIProduct
    company: Enterprise
    licence: Licence
    batch: LabelBatch
    codes: list[str]
    inspector: User
    started: Observation | None = None
    _headers: dict[Role, dict[str, str]] = field(default_factory=dict)

    async def start(self) -> None:
        """Everything before this was preparation; the transition under test starts here."""
        assert self.started is None, "a path starts its transition once"
        self.started = await observe(self.session)

    async def as_(self, role: Role) -> dict[str, str]:
        """Logged in as a person of ``role``: the licensee is the world's enterprise, the
        inspector the one assigned to its batch; the same person each time it is asked."""
        if role not in self._headers:
            if role is Role.INSPECTOR:
                username = self.inspector.username
            else:
                enterprise_id = self.company.id if role is Role.LICENSEE else None
                username = (await factories.user(self.session, role, enterprise_id)).username
            self._headers[role] = await factories.login(self.client, username)
        return self._headers[role]

    async def call(
        self,
        method: str,
        url: str,
        role: Role | None,
        *,
        expect: int = 200,
        headers: dict[str, str] | None = None,
        **request: Any,
    ) -> Any:
        """One request as a person of ``role`` (anonymous for None); its JSON body, if any."""
        sent = (await self.as_(role) if role is not None else {}) | (headers or {})
        response = await self.client.request(method, url, headers=sent, **request)
        assert response.status_code == expect, f"{method} {url}: {response.text}"
        is_json = response.headers.get("content-type", "").endswith("json")
        return response.json() if is_json else None

    async def post(self, url: str, role: Role | None, body: Any = None, **request: Any) -> Any:
        return await self.call("POST", url, role, json=body, **request)

    async def flush(self) -> None:
        await self.session.flush()


async def build_world(
    session: AsyncSession,
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
) -> World:
    product = await factories.product(session, name_zh="五原向日葵", name_en="Wuyuan Sunflower")
    await factories.test_item(session, product.id, code="moisture", max_value=Decimal("9.0"))
    await factories.test_item(
        session, product.id, code="purity", min_value=Decimal("95.0"), max_value=Decimal("100")
    )
    company = await factories.enterprise(session, name="丰瑞农业")
    licence = await factories.licence(session, company.id, product.id)
    batch = await factories.batch(session, licence)
    codec = LabelCodec(settings.label_key_bytes(), settings.label_current_key_id)
    labels = await factories.labels(session, batch, codec.mint_many(3))
    inspector = await factories.user(session, Role.INSPECTOR)
    session.add(InspectionAssignment(batch_id=batch.id, inspector_id=inspector.id))
    await session.flush()
    return World(
        session=session,
        client=client,
        database=database,
        settings=settings,
        product=product,
        company=company,
        licence=licence,
        batch=batch,
        codes=[label.code for label in labels],
        inspector=inspector,
    )


class JobContext:
    """What a periodic job's handler uses of its context: a session in its own transaction,
    here joining the test's, so that what the job commits rolls back with the test."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.database.sessionmaker() as session, session.begin():
            yield session
