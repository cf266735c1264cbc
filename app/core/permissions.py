"""Who may do what: the one permission check, ``can(principal, action, obj)``.

Every route names the action it performs (``principal: Annotated[Principal,
permit("licence.approve")]``) or declares itself ``PUBLIC``; the app refuses to start when a
route does neither (:func:`assert_routes_guarded`). An action is named after the audit action
it records where there is one (``app.audit.transition.EFFECTS``), ``<thing>.read`` /
``<thing>.list`` for reads. ``POLICY`` maps each action to the roles that may perform it.

:func:`can` applies two rules, and is the one place to extend them (organisations,
jurisdictions) without touching a caller:

- the **role rule**: the principal's role is one ``POLICY`` admits for the action;
- the **organisation rule** (issue 14): where ``ORG_POLICY`` names an action, a staff member
  may perform it only if their organisation is of a kind listed there (a principal without an
  organisation, the system, is not held to it);
- the **object rule**, when the caller passes the object it is about to act on:
  admins act on every object, a bureau (regulator) on objects of its division and below (an
  object carrying a ``division_code``, an enterprise; objects reached through an enterprise
  are scoped by the repositories' filters, which join the enterprise's division); a
  licensee only on objects of its own enterprise (any object with an ``enterprise_id``); an
  inspector only on objects that name it
  (``inspector_id``) or that the caller vouches it is assigned to (``assigned=True``, after
  checking an inspection assignment). An object that belongs to no enterprise and no inspector
  (a product) is open to every role the action admits.

Listing stays the repositories' work (``readable_<things>(principal)``): the object rule is for
a single object already loaded, and a refusal there is the caller's 404, not a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, params
from fastapi.routing import APIRoute

from app.core.errors import DomainError
from app.core.principal import OrgKind, Principal, Role
from app.core.security import current_principal

STAFF = frozenset({Role.ADMIN, Role.REGULATOR})
STAFF_AND_LICENSEE = STAFF | {Role.LICENSEE}
STAFF_AND_INSPECTOR = STAFF | {Role.INSPECTOR}
EVERY_ROLE = frozenset(Role)
ONLY_ADMIN = frozenset({Role.ADMIN})
ONLY_LICENSEE = frozenset({Role.LICENSEE})
ONLY_INSPECTOR = frozenset({Role.INSPECTOR})
ONLY_REGULATOR = frozenset({Role.REGULATOR})

POLICY: dict[str, frozenset[Role]] = {
    # accounts and keys
    "auth.me": EVERY_ROLE,
    "user.create": ONLY_ADMIN,
    "user.list": ONLY_ADMIN,
    "user.deactivate": ONLY_ADMIN,
    "user.reactivate": ONLY_ADMIN,
    "user.password_reset": ONLY_ADMIN,
    "user.password_change": EVERY_ROLE,  # one's own password, the current one required
    "user.assign_organisation": ONLY_ADMIN,
    # organisations staff work for (bureaus, associations, laboratories…)
    "organisation.create": ONLY_ADMIN,
    "organisation.update": ONLY_ADMIN,
    "organisation.list": ONLY_ADMIN,
    "organisation.read": ONLY_ADMIN,
    "api_key.create": STAFF_AND_LICENSEE,  # a key never exceeds its creator: app.auth.keyscope
    "api_key.list": STAFF_AND_LICENSEE,
    "api_key.revoke": STAFF_AND_LICENSEE,
    # the audit ledger
    "audit.list": STAFF,
    "audit.verify": STAFF,
    "audit.checkpoint": STAFF,
    # the register of GI products
    "product.create": STAFF,
    "product.update": STAFF,
    "product.artwork": STAFF,
    "product.read": EVERY_ROLE,
    "product.list": EVERY_ROLE,
    # enterprises
    "enterprise.create": STAFF,
    "enterprise.update": STAFF,
    "enterprise.update_contact": STAFF_AND_LICENSEE,
    "enterprise.read": STAFF_AND_LICENSEE,
    "enterprise.list": STAFF_AND_LICENSEE,
    # an enterprise's trade items and their GTINs: a licensee keeps its own
    "item.create": STAFF_AND_LICENSEE,
    "item.update": STAFF_AND_LICENSEE,
    "item.read": STAFF_AND_LICENSEE,
    "item.list": STAFF_AND_LICENSEE,
    # the credit list (严重违法失信名单): regulators list and end; a licensee reads its own
    "credit.list": ONLY_REGULATOR,
    "credit.end": ONLY_REGULATOR,
    "credit.read": STAFF_AND_LICENSEE,
    # the appeal rights of adverse acts: a licensee reads those against its own enterprise
    "appeal.list": STAFF_AND_LICENSEE,
    # origin (app.origin): growing bases, harvests, purchases; a licensee keeps its own
    "growing_base.create": STAFF_AND_LICENSEE,
    "growing_base.update": STAFF_AND_LICENSEE,  # a bureau or the licensee uploads a polygon
    "growing_base.read": STAFF_AND_LICENSEE,
    "growing_base.list": STAFF_AND_LICENSEE,
    "harvest.record": STAFF_AND_LICENSEE,
    "harvest.list": STAFF_AND_LICENSEE,
    "purchase.record": STAFF_AND_LICENSEE,
    "purchase.list": STAFF_AND_LICENSEE,
    "protected_area.shape": STAFF,  # a bureau uploads the protected area's polygon
    "protected_area.read": STAFF_AND_LICENSEE,
    # licences
    "licence.apply": STAFF_AND_LICENSEE,
    "licence.endorse": STAFF,
    "licence.approve": STAFF,
    "licence.reject": STAFF,
    "licence.suspend": STAFF,
    "licence.reinstate": STAFF,
    "licence.withdraw": STAFF,
    "licence.read": STAFF_AND_LICENSEE,
    "licence.list": STAFF_AND_LICENSEE,
    "licence.non_use": STAFF,
    # label batches and labels
    "batch.request": ONLY_LICENSEE,
    "batch.replace": ONLY_LICENSEE,  # replacement labels for voided ones (a new batch)
    "batch.approve": STAFF,
    "batch.reject": STAFF,
    "batch.issue": STAFF,
    "batch.suspend": STAFF,
    "batch.clear": STAFF,
    "batch.recall": STAFF,
    "batch.print": STAFF_AND_LICENSEE,
    "batch.read": STAFF_AND_LICENSEE,
    "batch.list": STAFF_AND_LICENSEE,
    "label.void": ONLY_LICENSEE,
    "label.unvoid": ONLY_LICENSEE,
    # the packing line (issue 15): a licensee's person or API key, its own labels only
    "label.activate": ONLY_LICENSEE,
    "label.deactivate": ONLY_LICENSEE,
    "package.create": ONLY_LICENSEE,
    "package.pack": ONLY_LICENSEE,
    "package.unpack": ONLY_LICENSEE,
    "package.read": STAFF_AND_LICENSEE,
    "label.print": STAFF_AND_LICENSEE,
    "label.read": STAFF_AND_LICENSEE,
    # print files built as background jobs (app.jobs.print_files): asked for like any print
    # file; fetched by the job's creator or by staff, within the batch's scoping
    "print_file.request": STAFF_AND_LICENSEE,
    "print_file.read": STAFF_AND_LICENSEE,
    # scans of the public check
    "scan.list": STAFF_AND_LICENSEE,
    "scan.suspicious": STAFF,
    # consumer reports
    "report.transition": STAFF,
    "report.photo": STAFF,
    "report.refer": STAFF,  # to another jurisdiction (the place of sale's bureau)
    "report.refer_list": STAFF,  # the referral history: its reasons are the bureau's own
    "report.read": STAFF_AND_LICENSEE,
    "report.list": STAFF_AND_LICENSEE,
    # inspections and their planning
    "inspection.record": STAFF_AND_INSPECTOR,
    "inspection.read": EVERY_ROLE,
    "inspection.list": EVERY_ROLE,
    "inspection.coverage": STAFF,
    "inspection.object": ONLY_LICENSEE,  # object to a failing result, ask for a re-test
    "inspection.retest": ONLY_INSPECTOR,  # the chosen laboratory's inspector only
    "objection.list": EVERY_ROLE,  # scoped: own enterprise's / assigned re-tests / all
    "objection.windows": STAFF,
    "notification.list": STAFF_AND_LICENSEE,  # a licensee its own enterprise's
    "inspection_plan.draw": STAFF,
    "inspection_plan.read": STAFF_AND_INSPECTOR,
    "inspection_plan.list": STAFF_AND_INSPECTOR,
    "inspection_assignment.create": STAFF,
    "inspection_assignment.list": STAFF,
    "inspection_assignment.list_mine": ONLY_INSPECTOR,
    "inspector_conflict.set": STAFF,
    "inspector_conflict.clear": STAFF,
    "inspector_conflict.list": STAFF,
    # revocations
    "revocation.create": STAFF,
    "revocation.reverse": STAFF,
    "revocation.read": STAFF_AND_LICENSEE,
    "revocation.list": STAFF_AND_LICENSEE,
    # EPCIS 2.0 events: staff read all, a licensee its own; a licensee's system captures its own
    "epcis.read": STAFF_AND_LICENSEE,
    "epcis.capture": ONLY_LICENSEE,
    # supervision: the producer roster, the use rate, annual use reports, the ledger
    "roster.list": STAFF,
    "roster.create": STAFF,
    "roster.update": STAFF,
    "roster.import": STAFF,
    "use_rate.read": STAFF,
    "use_report.submit": ONLY_LICENSEE,
    "use_report.accept": STAFF,
    "use_report.return": STAFF,
    "use_report.read": STAFF_AND_LICENSEE,
    "use_report.list": STAFF_AND_LICENSEE,
    "use_report.missing": STAFF,
    "print_run.record": ONLY_LICENSEE,
    "ledger.read": STAFF_AND_LICENSEE,  # a licensee its own enterprise's only
    # supervision statistics: the bureau's figures and the annual report it files upward
    "statistics.read": ONLY_REGULATOR,
    "statistics.annual_report": ONLY_REGULATOR,
    # background jobs (whoever enqueued one, and admins: app.jobs.repository)
    "job.read": EVERY_ROLE,
    # the staff console's own pages (each page's content is checked action by action)
    "console.home": EVERY_ROLE,
    "console.logout": EVERY_ROLE,
    "console.queues": STAFF,  # what waits for a decision: licences, batches, reports, codes
    # the working-day calendar: an admin's holidays and make-up working days
    "calendar_day.list": ONLY_ADMIN,
    "calendar_day.read": ONLY_ADMIN,
    "calendar_day.write": ONLY_ADMIN,
    "calendar_day.delete": ONLY_ADMIN,
    # which label-key ids are configured and in use (never the secrets)
    "label_key.list": ONLY_ADMIN,
}


# --- who may do what, by organisation kind (issue 14 point 2) ------------------------------
# An action named here needs, besides a role of POLICY, an organisation of one of these kinds;
# an action not named is open to every organisation whose members' role POLICY admits.
MARKET_SUPERVISION = frozenset({OrgKind.MARKET_SUPERVISION})
BUREAUS = frozenset({OrgKind.MARKET_SUPERVISION, OrgKind.AGRICULTURE})
MARK_HOLDERS = frozenset({OrgKind.MARKET_SUPERVISION, OrgKind.ASSOCIATION})
INSPECTING = frozenset({OrgKind.LABORATORY, OrgKind.MARKET_SUPERVISION, OrgKind.AGRICULTURE})

ORG_POLICY: dict[str, frozenset[OrgKind]] = {
    # the register: either bureau enters a product; its standard's test items are the
    # agriculture bureau's (market supervision keeps the register's other particulars)
    "product.create": BUREAUS,
    "product.update": BUREAUS,
    "product.artwork": BUREAUS,
    "product.test_items": frozenset({OrgKind.AGRICULTURE}),
    # licences: a collective or certification mark's registrant association endorses (or
    # refuses) its mark's applications, the market-supervision bureau confirms
    "licence.endorse": frozenset({OrgKind.ASSOCIATION}),
    "licence.approve": MARKET_SUPERVISION,
    "licence.reject": MARK_HOLDERS,
    "licence.suspend": MARKET_SUPERVISION,
    "licence.reinstate": MARKET_SUPERVISION,
    "licence.withdraw": MARKET_SUPERVISION,
    "licence.non_use": MARKET_SUPERVISION,
    # label batches: issued by the mark's holders; suspension, clearance and recall are exits
    "batch.approve": MARK_HOLDERS,
    "batch.reject": MARK_HOLDERS,
    "batch.issue": MARK_HOLDERS,
    "batch.suspend": MARKET_SUPERVISION,
    "batch.clear": MARKET_SUPERVISION,
    "batch.recall": MARKET_SUPERVISION,
    # inspections: accredited laboratories, or a bureau's own inspectors
    "inspection.record": INSPECTING,
    # revocations only by market-supervision bureaus
    "revocation.create": MARKET_SUPERVISION,
    "revocation.reverse": MARKET_SUPERVISION,
}

# Parts of an action that ORG_POLICY narrows further: the service checks the part with
# ``can(principal, part)``, whose role rule is the whole action's.
PARTS: dict[str, str] = {"product.test_items": "product.update"}


class RoleNotAllowed(DomainError):
    status, code = 403, "role_not_allowed"


class OrganisationNotAllowed(DomainError):
    status, code = 403, "organisation_not_allowed"


def kinds_needed(kinds: Iterable[OrgKind]) -> str:
    return "this action is for organisations of the kinds: " + ", ".join(
        sorted(k.value for k in kinds)
    )


def roles_needed(roles: Iterable[Role]) -> str:
    """The refusal's text, naming the admitted roles in a stable (sorted) order."""
    return "this action needs one of the roles: " + ", ".join(sorted(r.value for r in roles))


# --- the check ------------------------------------------------------------------------------


def can(principal: Principal, action: str, obj: object = None, *, assigned: bool = False) -> bool:
    """May ``principal`` perform ``action`` (on ``obj``, when given)? An unknown action is a
    programming error (KeyError), never a quiet refusal."""
    if principal.role not in POLICY[PARTS.get(action, action)]:
        return False
    if not org_may(principal, action):
        return False
    return obj is None or _OBJECT_RULES[principal.role](principal, obj, assigned)


def org_may(principal: Principal, action: str) -> bool:
    """The organisation rule alone: may the principal's organisation kind perform ``action``?"""
    kinds = ORG_POLICY.get(action)
    return kinds is None or principal.org_kind is None or principal.org_kind in kinds


def _anywhere(_principal: Principal, _obj: object, _assigned: bool) -> bool:
    return True


def _own_enterprise(principal: Principal, obj: object, _assigned: bool) -> bool:
    if not hasattr(obj, "enterprise_id"):
        return True  # belongs to no enterprise (a product): the role rule decides
    return obj.enterprise_id is not None and obj.enterprise_id == principal.enterprise_id


def _in_jurisdiction(principal: Principal, obj: object, _assigned: bool) -> bool:
    if principal.jurisdiction is None or not hasattr(obj, "division_code"):
        return True  # no division limit, or an object scoped by the repositories' filters
    code = obj.division_code
    return isinstance(code, str) and principal.reaches(code)


def _assigned_inspector(principal: Principal, obj: object, assigned: bool) -> bool:
    if hasattr(obj, "inspector_id"):
        return assigned or obj.inspector_id == principal.user_id
    if hasattr(obj, "enterprise_id"):
        return assigned  # an enterprise's object: only where the caller found an assignment
    return True


ObjectRule = Callable[[Principal, object, bool], bool]
# One rule per role.
_OBJECT_RULES: dict[Role, ObjectRule] = {
    Role.ADMIN: _anywhere,
    Role.REGULATOR: _in_jurisdiction,
    Role.LICENSEE: _own_enterprise,
    Role.INSPECTOR: _assigned_inspector,
}


# --- the route side -------------------------------------------------------------------------


def permit(action: str, via: Callable[..., Any] = current_principal) -> Any:
    """The dependency a route declares for ``action``: the signed-in principal, or 401 when
    there is none and 403 ``role_not_allowed`` when its role may not. Use it as
    ``principal: Annotated[Principal, permit("batch.request")]``.

    ``via`` is the dependency that says who is signed in: the API's bearer token or API key
    by default; the staff console passes its cookie session (``app.console.deps``), so its
    pages go through this same check and ``assert_routes_guarded`` reads their action."""
    allowed = POLICY[action]  # an unknown action fails at import: the app never starts

    # A default, not an ``Annotated`` hint: hints are strings here (``from __future__``) and
    # FastAPI resolves them in this module's globals, where ``via`` (a parameter) is not.
    async def guard(principal: Principal = Depends(via)) -> Principal:
        if not can(principal, action):
            if principal.role in allowed:  # the organisation's kind is what refuses
                raise OrganisationNotAllowed(kinds_needed(ORG_POLICY[action]))
            raise RoleNotAllowed(roles_needed(allowed))
        return principal

    # Read back by route_action / route_roles (the OpenAPI 401/403, the CLI, the tests).
    guard.action, guard.allowed_roles = action, allowed  # type: ignore[attr-defined]
    return Depends(guard)


async def public_endpoint() -> None:
    """Marks an endpoint as deliberately open to anonymous callers."""


PUBLIC: params.Depends = Depends(public_endpoint)


def _dependency_calls(route: APIRoute) -> list[object]:
    calls: list[object] = []
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        calls.append(dependant.call)
        stack.extend(dependant.dependencies)
    return calls


def route_actions(route: APIRoute) -> set[str]:
    return {call.action for call in _dependency_calls(route) if hasattr(call, "action")}


def route_action(route: APIRoute) -> str | None:
    """The action a route performs, or ``None`` for a public route."""
    actions = route_actions(route)
    return min(actions) if actions else None


def route_roles(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route admits, or ``None`` for a public route."""
    action = route_action(route)
    return None if action is None else POLICY[action]


def is_public(route: APIRoute) -> bool:
    return public_endpoint in _dependency_calls(route)


def api_routes(routers: Iterable[APIRouter]) -> Iterator[APIRoute]:
    for router in routers:
        yield from (route for route in router.routes if isinstance(route, APIRoute))


def assert_routes_guarded(routers: Iterable[APIRouter]) -> None:
    """Deny by default: refuse to start unless every API route names exactly one action, or is
    marked PUBLIC (and then names none)."""
    wrong = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in api_routes(routers)
        if len(route_actions(route)) + is_public(route) != 1
    ]
    if wrong:
        raise RuntimeError(
            "routes without exactly one action or PUBLIC marker: " + "; ".join(wrong)
        )


# --- the table for the README ---------------------------------------------------------------


def policy_table() -> str:
    """``POLICY`` as a Markdown table (README, "Permissions"; a test keeps the two equal)."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action, allowed in POLICY.items():
        marks = " | ".join("✓" if r in allowed else "" for r in roles)
        lines.append(f"| `{action}` | {marks} |")
    return "\n".join(lines)


def org_policy_table() -> str:
    """``ORG_POLICY`` as a Markdown table (README, "Who may do what"; a test keeps the two
    equal). Actions not listed are open to every organisation whose role ``POLICY`` admits."""
    kinds = list(OrgKind)
    lines = [
        "| action | " + " | ".join(k.value for k in kinds) + " |",
        "|---|" + "---|" * len(kinds),
    ]
    for action, allowed in ORG_POLICY.items():
        marks = " | ".join("✓" if k in allowed else "" for k in kinds)
        lines.append(f"| `{action}` | {marks} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(policy_table())
