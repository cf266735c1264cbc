"""A packing line's world for the EPCIS tests: a licensee whose product requires activation,
its labels, cartons and pallets, and the query read as the standard reads it, checked on the
way by every reader who may (and may not) see the events."""

import factories
import pytest
from epcis_world import (
    GTIN,
    all_events,
    as_document,
    codes_of,
    issued_batch,
    reference_ids,
    schema_errors,
)

from app.audit import service as audit
from app.core.principal import Role

SSCC = "106141411234567897"  # GS1's example body 0 614141 123456789, check digit 7
GROUNDS = {
    "reason": "冒用他人许可编号",
    "legal_basis": "《商标法》第五十七条",
    "case_number": "五市监罚〔2026〕31号",
}
FIRST_QUANTITY = 520  # more than one event's worth, even with a label taken out


@pytest.fixture
async def line(session, client, test_settings):
    """A licensee whose product requires activation, with two batches of one item (a GTIN)
    under one licence; another licensee with a batch; the region's regulator; and a bureau of
    another county (海勃湾区), outside the licensee's jurisdiction."""
    product = await factories.product(session, code="WYXRK", name_zh="五原向日葵")
    product.requires_activation = True
    ours = await factories.enterprise(session, name="丰瑞农业")
    theirs = await factories.enterprise(session, name="河套食品")
    item = await factories.item(session, ours.id, product.id, gtin=GTIN)
    licence = await factories.licence(session, ours.id, product.id)
    first = await issued_batch(
        session, test_settings, licence, FIRST_QUANTITY, item_id=item.id, lot_number="WY-201"
    )
    second = await issued_batch(
        session, test_settings, licence, 6, item_id=item.id, lot_number="WY-202"
    )
    licence_b = await factories.licence(session, theirs.id, product.id)
    await issued_batch(session, test_settings, licence_b, 3)
    await audit.append_pending(session)  # normally at commit; the requests below read them
    elsewhere = await factories.organisation(session, division_code="150302")
    return {
        "licence": licence,
        "first": await codes_of(session, first.id),
        "second": await codes_of(session, second.id),
        "licensee": await factories.auth_headers(session, client, Role.LICENSEE, ours.id),
        "rival": await factories.auth_headers(session, client, Role.LICENSEE, theirs.id),
        "regulator": await factories.auth_headers(session, client, Role.REGULATOR),
        "elsewhere": await factories.auth_headers(
            session, client, Role.REGULATOR, organisation_id=elsewhere.id
        ),
    }


def sgtin(code: str) -> str:
    return f"https://id.gs1.org/01/{GTIN}/21/{code}"


def sgtins(codes: list[str]) -> list[str]:
    return [sgtin(code) for code in codes]


async def call(client, url: str, body: dict, headers: dict, key: str | None = None) -> dict:
    extra = {"Idempotency-Key": key} if key else {}
    response = await client.post(url, json=body, headers=headers | extra)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


async def found_by(client, line, **params) -> list[dict]:
    """The events the licensee's query finds (by its ``MATCH_*`` and other parameters),
    checked on the way: valid EPCIS 2.0, hashed as GS1's reference hashes them, the same
    (eventIDs and all) when asked again, read by the region's regulator too, and by neither
    another licensee nor a bureau outside the jurisdiction."""
    found = await all_events(client, line["licensee"], **params)
    document = as_document(found)
    assert schema_errors(document) == []
    assert [event["eventID"] for event in found] == reference_ids(document)
    assert await all_events(client, line["licensee"], **params) == found
    assert await all_events(client, line["regulator"], **params) == found
    unmatched = {k: v for k, v in params.items() if not k.startswith("MATCH_")}
    ids = {event["eventID"] for event in found}
    for outsider in ("rival", "elsewhere"):
        assert await all_events(client, line[outsider], **params) == []
        seen = await all_events(client, line[outsider], **unmatched)
        assert ids.isdisjoint(event["eventID"] for event in seen), outsider
    return found


async def events_of(client, line, code: str, **params) -> list[dict]:
    """:func:`found_by` the label (or package) ``code`` as ``MATCH_epc``."""
    return await found_by(client, line, MATCH_epc=code, **params)


async def new_package(client, line, kind: str = "carton", code: str | None = None) -> str:
    body = {"kind": kind} | ({"code": code} if code else {})
    return str((await call(client, "/api/v1/packages", body, line["licensee"]))["code"])


async def new_carton(client, line, code: str | None = None) -> str:
    return await new_package(client, line, "carton", code)


def kinds(events: list[dict]) -> list[tuple[str, str, str]]:
    return [(e["type"], e["action"], e["disposition"]) for e in events]
