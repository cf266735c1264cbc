"""The event query's EPC parameters (EPCIS 2.0 §8.2.7.1) and which events each finds.

``MATCH_epc`` finds the events listing the EPC in ``epcList`` or ``childEPCs``;
``MATCH_parentID`` those whose ``parentID`` it is; ``MATCH_anyEPC`` either, or in
``inputEPCList`` / ``outputEPCList``. Given together they are ANDed, as every parameter of the
standard's query is. Each takes one EPC.

An EPC names a label (in any form ``app.epcis.epc`` reads) or a package: a carton or a pallet,
by its SSCC or its gimark code. gimark's own events name a label in ``epcList`` (in
``childEPCs`` of its carton's events), a carton as the parent of its units' events and as a
child of its pallet's, a pallet as the parent of its cartons'. A captured event is found
through the codes stored with it (``CapturedEpc``); its body then says in which field.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.epcis import repository
from app.epcis.epc import named_label, named_package
from app.epcis.events import listed_part_of, part_of, parts_of
from app.epcis.vocabulary import Epcs, EventTemplate


class Field(enum.StrEnum):
    EPC_LIST = "epcList"
    CHILD_EPCS = "childEPCs"
    PARENT_ID = "parentID"
    INPUT_EPCS = "inputEPCList"
    OUTPUT_EPCS = "outputEPCList"


FIELDS_OF = {
    "MATCH_epc": frozenset({Field.EPC_LIST, Field.CHILD_EPCS}),
    "MATCH_parentID": frozenset({Field.PARENT_ID}),
    "MATCH_anyEPC": frozenset(Field),
}


@dataclass(frozen=True)
class LabelRef:
    code: str
    batch_id: int
    serial: int


@dataclass(frozen=True)
class Match:
    """One EPC parameter, resolved: the code it names and the fields it looks in."""

    fields: frozenset[Field]
    code: str
    label: LabelRef | None = None  # where the label is; None: the code is a package's


async def resolve(
    session: AsyncSession, actor: Principal, parameter: str, epc: str
) -> Match | None:
    """What the parameter asks for; ``None`` when its EPC names nothing the actor may read
    (then no event matches). The labels are asked first: a gimark code that is no label the
    actor reads is taken as a package's, and the events' own scoping keeps others' out."""
    fields = FIELDS_OF[parameter]
    named = named_label(epc)
    if named is not None:
        row = (await session.execute(repository.labels_named(actor, [named.code]))).first()
        if row is not None:
            # The GTIN a Digital Link carries must be its item's: another GTIN is another
            # trade item's instance.
            if named.gtin14 is not None and (row.gtin or "").zfill(14) != named.gtin14:
                return None
            return Match(fields, row.code, LabelRef(row.code, row.batch_id, row.serial))
        if named.gtin14 is not None:
            return None  # an SGTIN names a label, never a package
    package = named_package(epc)
    return None if package is None else Match(fields, package)


def _labels_field(template: EventTemplate) -> Field:
    return Field.CHILD_EPCS if template.parent else Field.EPC_LIST


def may_name(match: Match, template: EventTemplate) -> bool:
    """Whether the template's events can name the match's code in the fields it looks in."""
    if match.label is not None:
        return template.epcs is not Epcs.CARTONS and _labels_field(template) in match.fields
    as_child = template.epcs is Epcs.CARTONS and Field.CHILD_EPCS in match.fields
    as_parent = template.parent is not None and Field.PARENT_ID in match.fields
    return as_child or as_parent


def parts_naming(match: Match, template: EventTemplate, row: Any) -> set[int]:
    """The parts of the act (an audit row, ``app.epcis.repository.audited_events``) whose
    events name the match's code in the fields it looks in."""
    if not may_name(match, template):
        return set()
    after: dict[str, Any] = row.after or {}
    if match.label is not None:
        return _parts_naming_label(match.label, template, row.batch_id, after)
    parts: set[int] = set()
    as_parent = Field.PARENT_ID in match.fields and template.parent is not None
    if as_parent and after.get(template.parent or "") == match.code:
        parts.update(range(parts_of(template, row.quantity, after)))  # each part has the parent
    if Field.CHILD_EPCS in match.fields and template.epcs is Epcs.CARTONS:
        part = listed_part_of(template, match.code, after)
        parts.update(() if part is None else (part,))
    return parts


def _parts_naming_label(
    label: LabelRef, template: EventTemplate, batch_id: int | None, after: dict[str, Any]
) -> set[int]:
    part = part_of(template, label.serial, label.code, after)
    return set() if batch_id != label.batch_id or part is None else {part}


@dataclass(frozen=True)
class LedgerFilter:
    """What the SQL can narrow the ledger's rows to before :func:`parts_naming` decides."""

    batch_id: int | None  # a label's acts are its batch's
    mentioning: tuple[str, ...]  # a package's code is in the act's recorded ``after``
    possible: bool  # False: two labels of different batches, which no one act names


def ledger_filter(matches: list[Match]) -> LedgerFilter:
    batches = {m.label.batch_id for m in matches if m.label is not None}
    mentioning = tuple(m.code for m in matches if m.label is None)
    batch_id = next(iter(batches)) if len(batches) == 1 else None
    return LedgerFilter(batch_id, mentioning, len(batches) <= 1)


def _code_of(epc: Any) -> str | None:
    if not isinstance(epc, str):
        return None
    label = named_label(epc)
    return label.code if label is not None else named_package(epc)


def names(body: dict[str, Any], match: Match) -> bool:
    """Whether a captured event names the match's code in one of the fields it looks in."""
    for field in match.fields:
        value = body.get(field.value)
        epcs = value if isinstance(value, list) else [value]
        if any(_code_of(epc) == match.code for epc in epcs):
            return True
    return False
