"""Random inspection plans (双随机、一公开).

A plan fixes its population, its inspector pool and the conflicts that exclude inspectors from
enterprises, draws with ``app.planning.draw`` and stores the result as assignments. The plan,
its assignments, its audit event and its public notice commit together. What the draw used is
published (``draw_input`` and the seed), so anyone can re-run it and get the same result.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.auth.models import User
from app.core import notices
from app.core.errors import NotFound
from app.core.pagination import PageParams, paginate
from app.core.principal import Principal
from app.core.time import public_today, public_zone
from app.enterprise.repository import enterprises_in_reach
from app.licence import service as licence_service
from app.licence.models import LicenceStatus
from app.planning import draw, repository, staffing
from app.planning.exceptions import DrawNotPossible, EmptyPopulation
from app.planning.models import (
    InspectionAssignment,
    InspectionPlan,
    PlanPopulation,
)
from app.planning.schemas import (
    PlanCreate,
    PlanRead,
    PlanSummary,
    PublicPlan,
    PublicProduct,
    PublicTarget,
)
from app.registry import service as registry_service
from app.registry.models import GIProduct

# The days of a plan's period are calendar days in the GI's zone (``GIMARK_TIME_ZONE``), like
# every public date: a batch issued at 07:30 in Wuyuan on 1 March belongs to a plan for March.
POPULATION_RULES = {
    PlanPopulation.LICENCES: "licences of the product active on the day of the draw and valid "
    "during the period; key: licence number",
    PlanPopulation.BATCHES: "label batches of the product issued during the period (days in "
    "the GI's time zone) and issued or suspended on the day of the draw; key: licence "
    "number/lot number",
}


@dataclass(frozen=True)
class Member:
    """One member of a plan's population: its public target and the rows behind it."""

    target: draw.Target
    enterprise_id: int
    licence_id: int
    batch_id: int | None


# --- the population, the pool and the exclusions --------------------------------------------


async def _licence_population(
    session: AsyncSession, data: PlanCreate, reach: Select[int] | None
) -> list[Member]:
    rows = await repository.active_licences_with_uscc(
        session, data.product_id, data.period_start, data.period_end, reach
    )
    today = public_today()
    return [
        Member(draw.Target(licence.number, uscc), licence.enterprise_id, licence.id, None)
        for licence, uscc in rows
        if licence.number
        and licence_service.effective_status(licence, today) is LicenceStatus.ACTIVE
    ]


def _day_start(day: date) -> datetime:
    """The instant the GI's calendar day begins (issue times are stored in UTC)."""
    return datetime.combine(day, time.min, public_zone())


async def _batch_population(
    session: AsyncSession, data: PlanCreate, reach: Select[int] | None
) -> list[Member]:
    rows = await repository.batches_issued_between(
        session,
        data.product_id,
        staffing.SAMPLED_BATCHES,
        _day_start(data.period_start),
        _day_start(data.period_end + timedelta(days=1)),
        reach,
    )
    return [
        Member(
            draw.Target(staffing.target_key(number, batch.lot_number), uscc),
            batch.enterprise_id,
            batch.licence_id,
            batch.id,
        )
        for batch, number, uscc in rows
        if number
    ]


async def _population(session: AsyncSession, actor: Principal, data: PlanCreate) -> list[Member]:
    """The plan's population within the drawing bureau's jurisdiction: a county bureau
    inspects its county's licensees, not another county's."""
    reach = enterprises_in_reach(actor)
    if data.population is PlanPopulation.LICENCES:
        members = await _licence_population(session, data, reach)
    else:
        members = await _batch_population(session, data, reach)
    if not members:
        where = "" if actor.division_code is None else f" in division {actor.division_code}"
        raise EmptyPopulation(
            f"no {data.population.value} of GI product {data.product_id}{where} in the period "
            f"{data.period_start} to {data.period_end}: nothing to draw from"
        )
    return sorted(members, key=lambda m: m.target.key)


async def _excluded(
    session: AsyncSession, pool: list[User], members: list[Member]
) -> list[tuple[int, str]]:
    """(inspector, USCC) pairs of the pool's conflicts with enterprises in the population."""
    uscc_of = {m.enterprise_id: m.target.enterprise for m in members}
    rows = await repository.conflict_pairs(session, [u.id for u in pool])
    return sorted({(i, uscc_of[e]) for i, e in rows if e in uscc_of})


# --- drawing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    seed: str
    members: list[Member]
    pool: list[User]
    excluded: list[tuple[int, str]]
    drawn: list[draw.Drawn]

    def published_input(self, data: PlanCreate, jurisdiction: str | None) -> dict[str, Any]:
        """What is published for a re-run, besides the seed and sample (plan columns)."""
        rule = POPULATION_RULES[data.population]
        if jurisdiction is not None:
            rule += f"; of enterprises registered in division {jurisdiction} or below"
        return {
            "population_rule": rule,
            "population": [
                {"key": m.target.key, "enterprise": m.target.enterprise} for m in self.members
            ],
            "pool": [{"id": u.id, "name": u.display_name} for u in self.pool],
            "excluded": [{"inspector": i, "enterprise": uscc} for i, uscc in self.excluded],
            "seed_source": "generated" if data.seed is None else "supplied",
        }


async def _draw(session: AsyncSession, actor: Principal, data: PlanCreate) -> Draw:
    pool = await staffing.active_inspectors(session, data.inspector_ids)
    members = await _population(session, actor, data)
    excluded = await _excluded(session, pool, members)
    seed = data.seed or secrets.token_hex(16)
    fraction = data.sample_fraction
    spec = draw.DrawInput(
        seed=seed,
        population=[m.target for m in members],
        pool=[u.id for u in pool],
        excluded=frozenset(excluded),
        inspectors_per_target=data.inspectors_per_target,
        sample_size=data.sample_size,
        sample_fraction=None if fraction is None else str(fraction),
    )
    try:
        drawn = draw.draw(spec)
    except draw.DrawRefused as exc:
        raise DrawNotPossible(str(exc)) from exc
    return Draw(seed, members, pool, excluded, drawn)


def _assignments(
    plan: InspectionPlan, result: Draw, actor: Principal
) -> list[InspectionAssignment]:
    by_key = {m.target.key: m for m in result.members}
    rows = []
    for drawn in result.drawn:
        member = by_key[drawn.key]
        # A drawn batch is assigned by batch; a drawn licence by licence, covering its batches.
        licence_id = None if member.batch_id else member.licence_id
        rows += [
            InspectionAssignment(
                plan_id=plan.id,
                inspector_id=inspector,
                draw_rank=drawn.rank,
                licence_id=licence_id,
                batch_id=member.batch_id,
                created_by_id=actor.user_id,
            )
            for inspector in drawn.inspectors
        ]
    return rows


async def create_plan(session: AsyncSession, actor: Principal, data: PlanCreate) -> InspectionPlan:
    """Draw the targets and their inspectors, store and publish the plan."""
    product = await registry_service.get_product(session, data.product_id)
    result = await _draw(session, actor, data)
    plan = InspectionPlan(
        title=data.title,
        product_id=product.id,
        population=data.population,
        period_start=data.period_start,
        period_end=data.period_end,
        sample_size=len(result.drawn),
        sample_fraction=data.sample_fraction,
        inspectors_per_target=data.inspectors_per_target,
        seed=result.seed,
        algorithm=draw.ALGORITHM,
        draw_input=result.published_input(
            data, actor.division_code if actor.jurisdiction is not None else None
        ),
        created_by_id=actor.user_id,
    )
    session.add(plan)
    await session.flush()
    session.add_all(_assignments(plan, result, actor))
    await session.flush()
    await _record_and_publish(session, actor, plan, product, result)
    return plan


async def _record_and_publish(
    session: AsyncSession, actor: Principal, plan: InspectionPlan, product: GIProduct, result: Draw
) -> None:
    names = {u.id: u.display_name for u in result.pool}
    facts = {
        "plan_id": plan.id,
        "title": plan.title,
        "population": plan.population.value,
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "population_size": len(result.members),
        "sample_size": plan.sample_size,
        "sample_fraction": None if plan.sample_fraction is None else str(plan.sample_fraction),
        "inspectors_per_target": plan.inspectors_per_target,
        "seed": plan.seed,
        "seed_source": plan.draw_input["seed_source"],
        "algorithm": draw.ALGORITHM_NAME,
    }
    after = facts | {"pool": sorted(names), "targets": [d.key for d in result.drawn]}
    targets = [
        {
            "rank": d.rank,
            "key": d.key,
            "enterprise": d.enterprise,
            "inspectors": [names[i] for i in d.inspectors],
        }
        for d in result.drawn
    ]
    detail = facts | {"targets": targets, "json": f"/api/v1/public/inspection-plans/{plan.id}"}
    await record_transition(
        session,
        actor,
        "inspection_plan.draw",
        "inspection_plan",
        plan.id,
        after=after,
        reason=plan.title,
        about=notices.Subject(product=product, detail=detail),
    )


# --- reading --------------------------------------------------------------------------------


async def _get(session: AsyncSession, plan_id: int) -> InspectionPlan:
    plan = await session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound(f"inspection plan {plan_id} not found")
    return plan


def _algorithm_name(plan: InspectionPlan) -> str:
    return plan.algorithm.split("\n", 1)[0]


def _summary(plan: InspectionPlan) -> dict[str, Any]:
    names = (n for n in PlanSummary.model_fields if n not in ("population_size", "algorithm"))
    return {name: getattr(plan, name) for name in names} | {
        "population_size": len(plan.draw_input["population"]),
        "algorithm": _algorithm_name(plan),
    }


async def list_plans(
    session: AsyncSession, page: PageParams, product_id: int | None = None
) -> tuple[list[PlanSummary], int]:
    plans, total = await paginate(session, repository.plan_listing(product_id), page)
    return [PlanSummary.model_validate(_summary(p)) for p in plans], total


async def get_plan(session: AsyncSession, plan_id: int) -> PlanRead:
    plan = await _get(session, plan_id)
    assignments = await staffing.plan_assignments(session, plan.id)
    return PlanRead.model_validate(_summary(plan) | {"assignments": assignments})


async def public_plan(session: AsyncSession, plan_id: int) -> PublicPlan:
    """The published plan: exactly what ``python -m app.planning.draw`` needs, and the
    targets and inspectors as stored (not re-computed), so a re-run can disagree."""
    plan = await _get(session, plan_id)
    product = await registry_service.get_product(session, plan.product_id)
    targets: dict[int, PublicTarget] = {}
    for a in await staffing.plan_assignments(session, plan.id):
        rank = a.draw_rank or 0
        target = targets.setdefault(
            rank, PublicTarget(rank=rank, key=a.target, enterprise=a.uscc, inspectors=[])
        )
        target.inspectors.append(a.inspector_id)
    return PublicPlan(
        id=plan.id,
        title=plan.title,
        product=PublicProduct.model_validate(product),
        population=plan.population,
        period_start=plan.period_start,
        period_end=plan.period_end,
        created_at=plan.created_at,
        algorithm=_algorithm_name(plan),
        algorithm_text=plan.algorithm,
        seed=plan.seed,
        sample_size=plan.sample_size,
        sample_fraction=plan.sample_fraction,
        inspectors_per_target=plan.inspectors_per_target,
        draw_input=plan.draw_input,
        targets=list(targets.values()),
    )
