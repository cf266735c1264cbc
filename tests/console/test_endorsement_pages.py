"""The registrant association endorses a licence application from the licence page; until it
has, the bureau's page says whose endorsement it awaits instead of offering approval."""

from __future__ import annotations

from datetime import timedelta

import factories
from console_helpers import client_for, csrf_of, log_in

from app.core.principal import OrgKind, Role
from app.core.time import public_today
from app.licence.models import LicenceStatus


async def _signed_in(app, username: str):  # type: ignore[no-untyped-def]
    client = client_for(app)
    assert (await log_in(client, username)).status_code == 303
    return client


async def test_endorse_then_approve_on_the_licence_page(session, app) -> None:
    association = await factories.organisation(
        session, OrgKind.ASSOCIATION, "150821", name_zh="五原县特色产业协会"
    )
    product = await factories.product(session, registrant_organisation_id=association.id)
    company = await factories.enterprise(session, name="申请企业")
    licence = await factories.licence(
        session, company.id, product.id, number=None, status=LicenceStatus.PENDING,
        valid_from=None, valid_until=None, decided_at=None,
    )  # fmt: skip
    member = await factories.user(session, Role.REGULATOR, organisation_id=association.id)
    bureau = await factories.user(session, Role.REGULATOR)
    here = f"/console/licences/{licence.id}"

    clerk = await _signed_in(app, bureau.username)
    page = await clerk.get(here)
    assert page.status_code == 200
    assert "待五原县特色产业协会背书" in page.text
    assert f'action="{here}/approve"' not in page.text
    assert f'action="{here}/reject"' in page.text  # the bureau may still refuse

    registrant = await _signed_in(app, member.username)
    page = await registrant.get(here)
    assert f'action="{here}/endorse"' in page.text
    assert f'action="{here}/approve"' not in page.text
    done = await registrant.post(
        f"{here}/endorse", data={"csrf_token": csrf_of(page.text), "note": "第3次会员大会同意"}
    )
    assert done.status_code == 303, done.text
    page = await registrant.get(here)
    assert "第3次会员大会同意" in page.text
    assert f'action="{here}/endorse"' not in page.text

    page = await clerk.get(here)  # now the bureau confirms
    assert f'action="{here}/approve"' in page.text
    until = (public_today() + timedelta(days=700)).isoformat()
    done = await clerk.post(
        f"{here}/approve", data={"csrf_token": csrf_of(page.text), "valid_until": until}
    )
    assert done.status_code == 303, done.text
    assert "GI-" in (await clerk.get(here)).text
