"""Capture: EPCIS documents from a licensee's own system (a packing line, an ERP), checked
against the EPCIS 2.0 schema and against the licensee's labels, then stored as sent.

Every EPC an event lists (``epcList``, ``childEPCs``, ``inputEPCList``, ``outputEPCList``)
must be one of the licensee's own labels, written in any form a label is written in (see
``app.epcis.epc``), and a Digital Link's GTIN must be the label's item's; a ``parentID`` may
be another identifier (a carton's SSCC, or the gimark code of one of the licensee's packages)
but, if it is a gimark label, it must be theirs too. Each refusal names its JSON path, and
nothing is stored unless the whole document passes. An event without an ``eventID`` gets the
one the EPCIS event hash gives it. The codes of the labels and packages an event names are
stored with it, for the query's EPC parameters to find it by (``app.epcis.matching``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.errors import Forbidden, Unprocessable
from app.core.principal import Principal
from app.epcis import repository
from app.epcis.epc import NamedLabel, named_label, named_package
from app.epcis.eventhash import event_id
from app.epcis.models import CapturedEpc, CapturedEvent, EpcisCapture
from app.epcis.validation import json_path, schema_errors
from app.epcis.vocabulary import EVENT_TYPES, bare_biz_step

MAX_EVENTS = 1_000
MAX_EPCS = 10_000
EPC_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")


class CaptureRefused(Unprocessable):
    code = "epcis_capture_refused"


def _refuse(detail: str, errors: list[dict[str, str]]) -> CaptureRefused:
    return CaptureRefused(detail, errors=errors[:20])


def _epcs(events: list[Any]) -> Iterator[tuple[int, str, str]]:
    """(event index, JSON path, EPC) of every label slot the events list."""
    for i, event in enumerate(events):
        for name in EPC_LISTS:
            for j, epc in enumerate(event.get(name) or []):
                yield i, json_path(["epcisBody", "eventList", i, name, j]), epc


def _parse(
    events: list[Any],
) -> tuple[dict[str, NamedLabel], dict[str, str], list[dict[str, str]]]:
    """The label each slot names, the SSCC each parent names, and the slots naming none."""
    named: dict[str, NamedLabel] = {}
    ssccs: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    for _, path, epc in _epcs(events):
        label = named_label(epc)
        if label is None:
            errors.append({"path": path, "message": f"{epc!r} is not a gimark label's EPC"})
        else:
            named[path] = label
    for i, event in enumerate(events):
        parent = event.get("parentID")
        path = json_path(["epcisBody", "eventList", i, "parentID"])
        label = named_label(parent) if isinstance(parent, str) else None
        package = named_package(parent) if isinstance(parent, str) else None
        if label is not None:
            named[path] = label
        elif package is not None:
            ssccs[path] = package  # a gimark code is a label's or a package's: asked later
    return named, ssccs, errors


async def _own_package_parents(
    session: AsyncSession, actor: Principal, named: dict[str, NamedLabel]
) -> dict[str, str]:
    """The parents named by a gimark code that is one of the licensee's packages (taken out
    of ``named``, which then holds labels only), by path."""
    parents = {
        path: label.code
        for path, label in named.items()
        if path.endswith(".parentID") and label.gtin14 is None
    }
    if not parents:
        return {}
    own = set(await session.scalars(repository.packages_named(actor, set(parents.values()))))
    packages = {path: code for path, code in parents.items() if code in own}
    for path in packages:
        del named[path]
    return packages


async def _check_owned(
    session: AsyncSession, actor: Principal, named: dict[str, NamedLabel]
) -> list[dict[str, str]]:
    codes = {label.code for label in named.values()}
    rows = (await session.execute(repository.labels_named(actor, codes))).all()
    gtins = {row.code: (row.gtin or "").zfill(14) if row.gtin else None for row in rows}
    errors = []
    for path, label in named.items():
        if label.code not in gtins:
            errors.append({"path": path, "message": f"{label.code} is not one of your labels"})
        elif label.gtin14 is not None and gtins[label.code] != label.gtin14:
            message = f"GTIN {label.gtin14} is not the item of label {label.code}"
            errors.append({"path": path, "message": message})
    return errors


def _checked_shape(document: Any) -> list[Any]:
    errors = schema_errors(document)
    if errors:
        raise _refuse("the document does not follow the EPCIS 2.0 JSON schema", errors)
    if document.get("type") != "EPCISDocument":
        message = "capture takes an EPCISDocument"
        raise _refuse(message, [{"path": "$.type", "message": message}])
    events: list[Any] = document["epcisBody"]["eventList"]
    path = "$.epcisBody.eventList"
    if not events or len(events) > MAX_EVENTS:
        message = f"send 1 to {MAX_EVENTS} events per document"
        raise _refuse(message, [{"path": path, "message": message}])
    return events


def _event_fields(event: dict[str, Any], i: int) -> tuple[datetime, str | None]:
    path = json_path(["epcisBody", "eventList", i])
    if event.get("type") not in EVENT_TYPES:
        message = f"capture takes the standard's event types: {', '.join(EVENT_TYPES)}"
        raise _refuse(message, [{"path": f"{path}.type", "message": message}])
    try:
        at = datetime.fromisoformat(str(event.get("eventTime")).replace("Z", "+00:00"))
        at = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        message = "eventTime is not an ISO 8601 time this server reads"
        raise _refuse(message, [{"path": f"{path}.eventTime", "message": message}]) from error
    step = event.get("bizStep")
    biz_step = bare_biz_step(step) if isinstance(step, str) else None
    for name, value in (("bizStep", biz_step), ("eventID", event.get("eventID"))):
        if value is not None and len(str(value)) > 200:
            message = f"{name} longer than 200 characters"
            raise _refuse(message, [{"path": f"{path}.{name}", "message": message}])
    return at, biz_step


async def capture(
    session: AsyncSession, actor: Principal, document: Any
) -> tuple[EpcisCapture, list[str]]:
    """Store the document's events for the actor's enterprise, or refuse it whole (422);
    the capture and its events' ``eventID``s."""
    if actor.enterprise_id is None:
        raise Forbidden("capture is for a licensee's own labels")
    events = _checked_shape(document)
    named, packages, errors = _parse(events)
    if len(named) + len(packages) + len(errors) > MAX_EPCS:
        message = f"at most {MAX_EPCS} EPCs per document"
        raise _refuse(message, [{"path": "$.epcisBody.eventList", "message": message}])
    packages |= await _own_package_parents(session, actor, named)
    errors += await _check_owned(session, actor, named)
    for i, event in enumerate(events):
        if not any(event.get(name) for name in EPC_LISTS) and event.get("parentID") is None:
            path = json_path(["epcisBody", "eventList", i])
            errors.append({"path": path, "message": "the event names none of your labels"})
    if errors:
        raise _refuse("the document names EPCs that are not your labels", errors)
    fields = [_event_fields(event, i) for i, event in enumerate(events)]
    events_with_fields = list(zip(events, fields, strict=True))
    return await _store(session, actor, document, events_with_fields, named, packages)


async def _store(
    session: AsyncSession,
    actor: Principal,
    document: dict[str, Any],
    events: list[tuple[dict[str, Any], tuple[datetime, str | None]]],
    named: dict[str, NamedLabel],
    packages: dict[str, str],
) -> tuple[EpcisCapture, list[str]]:
    assert actor.enterprise_id is not None
    codes_at = {path: label.code for path, label in named.items()} | packages
    record = EpcisCapture(
        enterprise_id=actor.enterprise_id, captured_by=actor.audit_name, event_count=len(events)
    )
    session.add(record)
    await session.flush()
    context = document.get("@context")
    event_ids = []
    for i, (event, (at, biz_step)) in enumerate(events):
        body = dict(event)
        if "@context" not in body and isinstance(context, list) and len(context) > 1:
            body = {"@context": context} | body  # its extensions' prefixes travel with it
        body.setdefault("eventID", event_id(event, context))
        row = CapturedEvent(
            capture_id=record.id,
            enterprise_id=actor.enterprise_id,
            event_type=event["type"],
            event_time=at,
            biz_step=biz_step,
            event_id=body["eventID"],
            body=body,
        )
        session.add(row)
        await session.flush()
        event_ids.append(row.event_id)
        prefix = json_path(["epcisBody", "eventList", i]) + "."
        codes = {code for path, code in codes_at.items() if path.startswith(prefix)}
        session.add_all(CapturedEpc(event_pk=row.id, code=code) for code in sorted(codes))
    await record_transition(
        session,
        actor,
        "epcis.capture",
        "epcis_capture",
        record.id,
        after={"event_count": len(events), "label_count": len({n.code for n in named.values()})},
    )
    return record, event_ids
