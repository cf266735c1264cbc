"""An EPCIS world: two licensees with issued batches (through the label service, so the
ledger holds their ``batch.issue``), one batch of A packing an item with a GTIN and of more
than two events' worth of labels, then an inspection, a void and a recall on it."""

import copy
import json
import logging
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import factories
import jsonschema
import pytest
from epcis_event_hash_generator import hash_generator, json_to_py
from inspection_fixtures import inspection_body

from app.audit import service as audit
from app.core.principal import SYSTEM, Role
from app.core.time import public_today
from app.epcis.vocabulary import CONTEXT
from app.inspection import objections
from app.label import service as label_service
from app.label.models import BatchStatus, Label

GTIN = "06901234567892"
A_QUANTITY = 1201  # three events of at most 500 labels
RECALL = {"reason": "水分超标", "legal_basis": "《食品安全法》第六十三条"}
SCHEMA = json.loads((Path(__file__).with_name("vendor") / "EPCIS-JSON-Schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(
    SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
)


async def issued_batch(session, settings, licence, quantity: int, **fields):
    batch = await factories.batch(
        session, licence, quantity=quantity, status=BatchStatus.APPROVED, issued_at=None, **fields
    )
    await label_service.issue_batch(session, SYSTEM, batch.id, settings)
    return batch


async def codes_of(session, batch_id: int) -> list[str]:
    from sqlalchemy import select

    rows = await session.scalars(
        select(Label.code).where(Label.batch_id == batch_id).order_by(Label.serial)
    )
    return list(rows)


@pytest.fixture
async def world(session, client, test_settings):
    product = await factories.product(session, code="WYXRK", name_zh="五原向日葵")
    await factories.test_item(session, product.id, code="moisture", max_value=Decimal("9.0"))
    await factories.test_item(
        session, product.id, code="purity", min_value=Decimal("95.0"), max_value=Decimal("100")
    )
    a = await factories.enterprise(session, name="丰瑞农业")
    b = await factories.enterprise(session, name="河套食品")
    item = await factories.item(session, a.id, product.id, gtin=GTIN)
    licence_a = await factories.licence(session, a.id, product.id)
    licence_b = await factories.licence(session, b.id, product.id)
    batch_a = await issued_batch(
        session, test_settings, licence_a, A_QUANTITY, item_id=item.id, lot_number="WY-2026-001"
    )
    batch_b = await issued_batch(session, test_settings, licence_b, 5)
    await audit.append_pending(session)  # normally at commit; the requests below read them
    codes_a, codes_b = await codes_of(session, batch_a.id), await codes_of(session, batch_b.id)
    regulator = await factories.auth_headers(session, client, Role.REGULATOR)
    licensee_a = await factories.auth_headers(session, client, Role.LICENSEE, a.id)
    licensee_b = await factories.auth_headers(session, client, Role.LICENSEE, b.id)
    voided = [codes_a[700], codes_a[3]]
    body = {"codes": voided, "reason": "印刷错误"}
    response = await client.post("/api/v1/labels/void", json=body, headers=licensee_a)
    assert response.status_code == 200, response.text
    failing = inspection_body(batch_a.id, moisture="12.0")  # suspends the batch
    response = await client.post("/api/v1/inspections", json=failing, headers=regulator)
    assert response.status_code == 201, response.text
    # No objection: the window closes and the failure becomes final (issue 14.3), as the
    # ``inspection.close_windows`` job would; only a final result is recalled on.
    await objections.close_expired_windows(session, public_today() + timedelta(days=60))
    await audit.append_pending(session)
    recall = RECALL | {"inspection_id": response.json()["id"]}
    url = f"/api/v1/batches/{batch_a.id}/recall"
    response = await client.post(url, json=recall, headers=regulator)
    assert response.status_code == 200, response.text
    return {
        "batch_a": batch_a,
        "batch_b": batch_b,
        "codes_a": codes_a,
        "codes_b": codes_b,
        "voided": voided,
        "regulator": regulator,
        "licensee_a": licensee_a,
        "licensee_b": licensee_b,
    }


async def all_events(client, headers, **params) -> list[dict]:
    """Every page of the query, followed by its tokens."""
    events, token = [], None
    for _ in range(100):
        query = params | ({"nextPageToken": token} if token else {})
        response = await client.get("/api/v1/epcis/events", params=query, headers=headers)
        assert response.status_code == 200, response.text
        events += response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        token = response.headers.get("GS1-Next-Page-Token")
        if token is None:
            return events
    raise AssertionError("the pages never end")


def as_document(events: list[dict]) -> dict:
    """The events in an EPCISDocument, as a capturing system would receive them."""
    document = {"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0"}
    return document | {
        "creationDate": "2026-11-30T00:00:00Z",
        "epcisBody": {"eventList": events},
    }


def schema_errors(document: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


def reference_ids(document: dict) -> list[str]:
    """GS1's reference package's eventIDs for the document's events."""
    logging.disable(logging.CRITICAL)  # it logs every step at INFO
    try:
        events = json_to_py.event_list_from_epcis_document_json(copy.deepcopy(document))
        return hash_generator.epcis_hashes_from_events(events)
    finally:
        logging.disable(logging.NOTSET)


def reference_pre_hashes(document: dict) -> list[str]:
    logging.disable(logging.CRITICAL)
    try:
        events = json_to_py.event_list_from_epcis_document_json(copy.deepcopy(document))
        return hash_generator.derive_prehashes_from_events(events)
    finally:
        logging.disable(logging.NOTSET)
