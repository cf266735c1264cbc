"""Who inspects whom: inspectors' conflicts of interest, assignments outside a draw, and
reading assignments with their target's public key.

A conflict excludes the inspector from every later draw for the enterprise
(``app.planning.plans``) and refuses a direct assignment to it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.transition import audited, record_transition
from app.auth.models import User
from app.core.errors import Conflict, NotFound, require_state
from app.core.pagination import PageParams, paginate_rows
from app.core.principal import Principal, Role
from app.enterprise import service as enterprise_service
from app.enterprise.models import Enterprise
from app.enterprise.repository import enterprises_in_reach
from app.label import service as label_service
from app.label.models import BatchStatus
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.planning import repository
from app.planning.exceptions import AlreadyAssigned, InspectorConflicted, NotInspectors
from app.planning.models import InspectionAssignment, InspectorConflict
from app.planning.schemas import (
    AssignmentCreate,
    AssignmentRead,
    ConflictRead,
    ConflictSetResult,
)

# A batch is sampled while on the market or under review; not before issue, nor after it has
# been taken off the market for good. Drawing, assigning and recording all use this one rule.
SAMPLED_BATCHES = tuple(status for status in BatchStatus if status in BatchStatus.live())
ASSIGNABLE_LICENCES = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)


def target_key(licence_number: str, lot_number: str | None = None) -> str:
    """The public identifier of a draw target (see the algorithm in ``app.planning.draw``)."""
    return licence_number if lot_number is None else f"{licence_number}/{lot_number}"


async def active_inspectors(session: AsyncSession, user_ids: list[int]) -> list[User]:
    """The users, by id, refusing (422, naming them) any that is not an active inspector."""
    wanted = sorted(set(user_ids))
    users = await repository.users_by_id(session, wanted)
    refused = [
        i
        for i in wanted
        if i not in users or users[i].role is not Role.INSPECTOR or not users[i].is_active
    ]
    if refused:
        names = ", ".join(map(str, refused))
        raise NotInspectors(f"not active inspectors: {names}", inspector_ids=refused)
    return [users[i] for i in wanted]


async def inspector_pool(session: AsyncSession) -> list[User]:
    """The active inspectors a plan's pool may be chosen from, by name."""
    return list(await repository.inspector_pool(session))


async def inspector_names(session: AsyncSession, user_ids: list[int]) -> dict[int, str]:
    """The display names of these users (an assignment names its inspector by id)."""
    users = await repository.users_by_id(session, sorted(set(user_ids)))
    return {user_id: user.display_name for user_id, user in users.items()}


# --- reading assignments --------------------------------------------------------------------


def _assignment_read(row: Any) -> AssignmentRead:
    assignment, number, lot, enterprise = tuple(row)
    return AssignmentRead(
        id=assignment.id,
        plan_id=assignment.plan_id,
        inspector_id=assignment.inspector_id,
        licence_id=assignment.licence_id,
        batch_id=assignment.batch_id,
        target=target_key(number or "", lot),
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        draw_rank=assignment.draw_rank,
        created_at=assignment.created_at,
    )


async def plan_assignments(session: AsyncSession, plan_id: int) -> list[AssignmentRead]:
    """A plan's assignments in draw order (rank, then the order inspectors were chosen)."""
    return [
        _assignment_read(row) for row in await repository.plan_assignment_rows(session, plan_id)
    ]


async def list_assignments(
    session: AsyncSession,
    page: PageParams,
    inspector_id: int | None = None,
    plan_id: int | None = None,
) -> tuple[list[AssignmentRead], int]:
    query = repository.assignment_listing(inspector_id, plan_id)
    rows, total = await paginate_rows(session, query, page)
    return [_assignment_read(row) for row in rows], total


# --- conflicts of interest ------------------------------------------------------------------


async def conflicted(session: AsyncSession, inspector_id: int, enterprise_id: int) -> bool:
    """Whether the inspector is marked as conflicted with the enterprise."""
    return await session.get(InspectorConflict, (inspector_id, enterprise_id)) is not None


async def _inspector(session: AsyncSession, inspector_id: int) -> User:
    user = await session.get(User, inspector_id)
    if user is None or user.role is not Role.INSPECTOR:
        raise NotFound(f"inspector {inspector_id} not found")
    return user


def _conflict_fields(conflict: InspectorConflict, enterprise: Enterprise) -> dict[str, Any]:
    return {
        "inspector_id": conflict.inspector_id,
        "enterprise_id": enterprise.id,
        "enterprise_name": enterprise.name,
        "uscc": enterprise.uscc,
        "reason": conflict.reason,
    }


async def set_conflict(
    session: AsyncSession, actor: Principal, inspector_id: int, enterprise_id: int, reason: str
) -> ConflictSetResult:
    """Mark (or re-word) a conflict: the inspector is never drawn for the enterprise again.
    Assignments made before it stand; the result lists them so they can be reassigned."""
    await _inspector(session, inspector_id)
    enterprise = await enterprise_service.get_readable(session, actor, enterprise_id)
    conflict = await session.get(InspectorConflict, (inspector_id, enterprise_id))
    before = audit.snapshot(conflict, "reason") if conflict else None
    if conflict is None:
        conflict = InspectorConflict(inspector_id=inspector_id, enterprise_id=enterprise_id)
        session.add(conflict)
    conflict.reason = reason
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # a concurrent PUT of the same pair got there first
        raise Conflict("this conflict was marked by someone else just now; retry") from exc
    await record_transition(
        session,
        actor,
        "inspector_conflict.set",
        "inspector_conflict",
        f"{inspector_id}:{enterprise_id}",
        before=before,
        after={"reason": reason},
        reason=reason,
    )
    standing = await repository.standing_assignment_ids(session, inspector_id, enterprise_id)
    fields = _conflict_fields(conflict, enterprise) | {"standing_assignments": standing}
    return ConflictSetResult.model_validate(fields)


async def clear_conflict(
    session: AsyncSession, actor: Principal, inspector_id: int, enterprise_id: int, reason: str
) -> None:
    # Only a bureau whose jurisdiction holds the enterprise may lift its conflict (404 else).
    await enterprise_service.get_readable(session, actor, enterprise_id)
    conflict = await session.get(InspectorConflict, (inspector_id, enterprise_id))
    if conflict is None:
        raise NotFound(f"inspector {inspector_id} has no conflict with enterprise {enterprise_id}")
    before = audit.snapshot(conflict, "reason")
    await session.delete(conflict)
    await record_transition(
        session,
        actor,
        "inspector_conflict.clear",
        "inspector_conflict",
        f"{inspector_id}:{enterprise_id}",
        before=before,
        reason=reason,
    )


async def list_conflicts(
    session: AsyncSession, actor: Principal, inspector_id: int
) -> list[ConflictRead]:
    """The inspector's conflicts with enterprises in the actor's jurisdiction."""
    await _inspector(session, inspector_id)
    rows = await repository.conflicts_of(session, inspector_id, enterprises_in_reach(actor))
    return [ConflictRead.model_validate(_conflict_fields(c, e)) for c, e in rows]


# --- direct assignments ---------------------------------------------------------------------


async def _target_enterprise(
    session: AsyncSession, actor: Principal, data: AssignmentCreate
) -> int:
    """The enterprise of a direct assignment's target, refusing a target not to be sampled."""
    if data.batch_id is not None:
        batch = await label_service.get_readable(session, actor, data.batch_id)
        require_state(f"batch {batch.id}", batch.status, *SAMPLED_BATCHES)
        return batch.enterprise_id
    assert data.licence_id is not None  # the schema requires one of the two
    licence = await licence_service.get_readable(session, actor, data.licence_id)
    state = licence_service.effective_status(licence)
    require_state(f"licence {licence.id}", state, *ASSIGNABLE_LICENCES)
    return licence.enterprise_id


async def assign(session: AsyncSession, actor: Principal, data: AssignmentCreate) -> AssignmentRead:
    """Assign an inspector to a batch, or to a licence (covering its batches), outside a draw."""
    await active_inspectors(session, [data.inspector_id])
    enterprise_id = await _target_enterprise(session, actor, data)
    if await conflicted(session, data.inspector_id, enterprise_id):
        raise InspectorConflicted(
            f"inspector {data.inspector_id} is marked as conflicted with enterprise "
            f"{enterprise_id}",
            enterprise_id=enterprise_id,
        )
    existing = await repository.same_assignment(
        session, data.inspector_id, batch_id=data.batch_id, licence_id=data.licence_id
    )
    if existing is not None:
        raise AlreadyAssigned("the inspector is assigned to it already", assignment_id=existing)
    assignment = InspectionAssignment(
        inspector_id=data.inspector_id,
        batch_id=data.batch_id,
        licence_id=data.licence_id,
        created_by_id=actor.user_id,
    )
    audited_fields = ("inspector_id", "batch_id", "licence_id")
    async with audited(session, actor, "inspection_assignment.create", assignment, *audited_fields):
        session.add(assignment)
    return _assignment_read(await repository.assignment_row(session, assignment.id))
