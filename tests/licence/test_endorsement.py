"""A collective or certification mark's registrant association endorses each application
before the bureau approves it (issue 14 point 2): pending → endorsed → active."""

from __future__ import annotations

from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.organisations import Organisation
from app.core.principal import OrgKind, Role
from app.core.time import public_today
from app.licence.models import LicenceStatus
from app.registry.models import LegalRoute

UNTIL = (public_today() + timedelta(days=700)).isoformat()


async def _member(session, client, organisation: Organisation) -> dict[str, str]:
    return await factories.auth_headers(
        session, client, Role.REGULATOR, organisation_id=organisation.id
    )


@pytest.fixture
async def mark(session, client):
    association = await factories.organisation(session, OrgKind.ASSOCIATION, "150821")
    other = await factories.organisation(session, OrgKind.ASSOCIATION, "150821")
    product = await factories.product(session, registrant_organisation_id=association.id)
    company = await factories.enterprise(session)
    application = await factories.licence(
        session,
        company.id,
        product.id,
        number=None,
        status=LicenceStatus.PENDING,
        valid_from=None,
        valid_until=None,
        decided_at=None,
    )
    return {
        "product": product,
        "licence": application,
        "registrant": await _member(session, client, association),
        "other_association": await _member(session, client, other),
        "bureau": await factories.auth_headers(session, client, Role.REGULATOR),
    }


async def test_the_bureau_approves_only_what_the_registrant_endorsed(session, client, mark):
    url = f"/api/v1/licences/{mark['licence'].id}"
    early = await client.post(f"{url}/approve", json={"valid_until": UNTIL}, headers=mark["bureau"])
    assert early.status_code == 409, early.text
    assert early.json()["code"] == "endorsement_required"

    note = {"note": "经2026年第3次会员大会审议同意"}
    endorsed = await client.post(f"{url}/endorse", json=note, headers=mark["registrant"])
    assert endorsed.status_code == 200, endorsed.text
    body = endorsed.json()
    assert body["status"] == "endorsed" and body["endorsed_at"] is not None
    assert body["endorsement_note"] == note["note"]
    again = await client.post(f"{url}/endorse", json={}, headers=mark["registrant"])
    assert again.status_code == 409

    approved = await client.post(
        f"{url}/approve", json={"valid_until": UNTIL}, headers=mark["bureau"]
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active" and approved.json()["number"]
    actions = await session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "licence", AuditEvent.object_id == str(mark["licence"].id))
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == ["licence.endorse", "licence.approve"]


async def test_only_the_marks_own_association_endorses_or_refuses(session, client, mark):
    url = f"/api/v1/licences/{mark['licence'].id}"
    stranger = mark["other_association"]
    refused = await client.post(f"{url}/endorse", json={}, headers=stranger)
    assert refused.status_code == 403 and refused.json()["code"] == "not_the_registrant"
    rejected = await client.post(f"{url}/reject", json={"reason": "不符合章程"}, headers=stranger)
    assert rejected.status_code == 403 and rejected.json()["code"] == "not_the_registrant"
    # A bureau is not the registrant, and an association does not approve.
    bureau = await client.post(f"{url}/endorse", json={}, headers=mark["bureau"])
    assert bureau.status_code == 403 and bureau.json()["code"] == "organisation_not_allowed"
    approve = await client.post(
        f"{url}/approve", json={"valid_until": UNTIL}, headers=mark["registrant"]
    )
    assert approve.status_code == 403
    # The registrant may refuse its own mark's application.
    own = await client.post(
        f"{url}/reject", json={"reason": "不符合章程"}, headers=mark["registrant"]
    )
    assert own.status_code == 200 and own.json()["status"] == "rejected"


async def test_a_mark_without_a_registrant_is_approved_by_the_bureau_alone(session, client):
    product = await factories.product(session)
    company = await factories.enterprise(session)
    application = await factories.licence(
        session, company.id, product.id, number=None, status=LicenceStatus.PENDING,
        valid_from=None, valid_until=None, decided_at=None,
    )  # fmt: skip
    bureau = await factories.auth_headers(session, client, Role.REGULATOR)
    approved = await client.post(
        f"/api/v1/licences/{application.id}/approve", json={"valid_until": UNTIL}, headers=bureau
    )
    assert approved.status_code == 200, approved.text


async def test_the_registrant_is_an_association_of_a_trademark_route(session, client):
    admin = await factories.auth_headers(session, client, Role.REGULATOR)  # a bureau registers
    bureau = await factories.organisation(session, OrgKind.MARKET_SUPERVISION)
    association = await factories.organisation(session, OrgKind.ASSOCIATION)
    base = {
        "code": "ENDORSE1",
        "name_zh": "测试证明商标",
        "name_en": "Test certification mark",
        "route": LegalRoute.CERTIFICATION_MARK.value,
        "trademark": "测试",
        "trademark_reg_number": "第00000001号",
        "protected_area": "五原县",
        "standard_yield_kg_per_mu": "250",
        "default_pack_size_kg": "0.5",
    }
    for body, field in (
        ({**base, "registrant_organisation_id": bureau.id}, "registrant_organisation_id"),
        (
            {
                **base,
                "route": LegalRoute.PROTECTED_PRODUCT.value,
                "standard_number": "GB/T 1",
                "registrant_organisation_id": association.id,
            },
            "registrant_organisation_id",
        ),
    ):
        refused = await client.post("/api/v1/products", json=body, headers=admin)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "bad_registrant" and refused.json()["field"] == field
    created = await client.post(
        "/api/v1/products",
        json={**base, "registrant_organisation_id": association.id},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["registrant_organisation_id"] == association.id
