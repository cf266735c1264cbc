"""``GET /api/v1/jobs/{id}``: the job's creator and admins read it; anyone else gets 404."""

import factories
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.errors import Unprocessable
from app.core.principal import Principal, Role
from app.jobs import service
from app.jobs.periodic import PURGE_SALTS


async def _user(session, client, role: Role, enterprise_id: int | None = None):
    account = await factories.user(session, role, enterprise_id)
    principal = Principal("user", account.id, account.username, role, enterprise_id)
    return principal, await factories.login(client, account.username)


async def test_the_creator_and_admins_read_a_job_and_no_one_else(session, client) -> None:
    company = await factories.enterprise(session)
    owner, owner_headers = await _user(session, client, Role.LICENSEE, company.id)
    _, colleague = await _user(session, client, Role.LICENSEE, company.id)
    _, admin = await _user(session, client, Role.ADMIN)
    _, regulator = await _user(session, client, Role.REGULATOR)
    job = await service.enqueue(session, owner, PURGE_SALTS, {})

    for headers in (owner_headers, admin):
        response = await client.get(f"/api/v1/jobs/{job.id}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["kind"], body["status"], body["attempts"]) == (PURGE_SALTS, "queued", 0)
        assert body["progress"] == {"done": 0, "total": None, "message": None}
        assert body["created_by"] == f"user:{owner.name}"
        assert body["links"]["self"] == f"/api/v1/jobs/{job.id}"

    # Even a colleague of the same enterprise, or a regulator: not theirs, so not there.
    for headers in (colleague, regulator):
        response = await client.get(f"/api/v1/jobs/{job.id}", headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    missing = await client.get(f"/api/v1/jobs/{job.id + 1000}", headers=admin)
    assert missing.status_code == 404
    assert (await client.get(f"/api/v1/jobs/{job.id}")).status_code == 401


async def test_enqueueing_is_audited_and_an_unknown_kind_is_refused(session) -> None:
    admin = Principal("user", None, "chief", Role.ADMIN)
    job = await service.enqueue(session, admin, PURGE_SALTS, {})
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "job", AuditEvent.object_id == str(job.id)
        )
    )
    assert event is not None and event.action == "job.enqueued" and event.actor == "user:chief"
    with pytest.raises(Unprocessable):
        await service.enqueue(session, admin, "no.such.kind", {})
