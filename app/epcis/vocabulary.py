"""How gimark's recorded acts read as EPCIS 2.0 events: the one table to extend.

The events are not stored twice: each is read from the audit ledger (the act, its time, its
snapshot) and the batch and labels it names, so an act recorded before this module existed
has its event too. :data:`FROM_AUDIT` maps an audited action to the event it is. Adding an
act is one entry here; its audit event must name the batch (``object_type`` ``label_batch``,
or ``inspection`` for an inspection) and, for acts on some of a batch's labels, name them:
their codes in ``after["codes"]`` (as ``label.void`` does), or their serial runs in
``after["runs"]`` (the ``labels.*`` events an act on labels of several batches records per
batch, ``app.label.runs``: activation, packing, revocation of labels and its reversal).
Cartons put on (taken off) a pallet are the pallet's own ``package.pack`` (``package.unpack``)
event (``object_type`` ``package``), the cartons it moved in ``after["cartons"]``: a pallet's
children are package codes, which no batch holds.
An event's content is what the ledger recorded of the act and what never changes after it (a
label's code at its batch and serial), so its ``eventID`` stays what it was when first read;
only the EPCs' form follows the item's GTIN and the public address as they are now.

Vocabulary: CBV 2.0 bare words (the schema's enums); the JSON-LD context makes them
``https://ref.gs1.org/cbv/BizStep-…`` URIs.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
CBV_BIZSTEP = "https://ref.gs1.org/cbv/BizStep-"


class Subject(enum.StrEnum):
    """What the audit event's object is, and so how it leads to its batch."""

    BATCH = "label_batch"
    INSPECTION = "inspection"
    PACKAGE = "package"  # a pallet: the cartons put on it or taken off


class Epcs(enum.StrEnum):
    """Which labels the event names."""

    BATCH = "batch"  # every label of the batch, by serial (a commissioning, a recall…)
    CODES = "codes"  # the codes the act listed, ``after["codes"]``
    RUNS = "runs"  # the batch's serials in ``after["runs"]``, [[first, last], ...] ascending
    CARTONS = "cartons"  # not labels: the carton codes the act moved, ``after["cartons"]``

    @property
    def listed(self) -> str | None:
        """The ``after`` key listing the act's codes, one by one (``None``: not listed)."""
        return {Epcs.CODES: "codes", Epcs.CARTONS: "cartons"}.get(self)


@dataclass(frozen=True)
class EventTemplate:
    event_type: str
    action: str  # ADD, OBSERVE, DELETE
    biz_step: str
    disposition: str | Callable[[dict[str, Any]], str]  # fixed, or read from ``after``
    subject: Subject = Subject.BATCH
    epcs: Epcs = Epcs.BATCH
    parent: str | None = None  # AggregationEvent: the ``after`` key naming the package code

    def disposition_of(self, after: dict[str, Any]) -> str:
        return self.disposition if isinstance(self.disposition, str) else self.disposition(after)


def _labels_as_issued(after: dict[str, Any]) -> str:
    """A batch's labels come into being active, or inactive where its product or licence
    requires the packing line to activate them: what ``batch.issue`` recorded it wrote (an
    issue recorded before activation existed has no ``labels``: it wrote active ones)."""
    return "inactive" if after.get("labels") == "inactive" else "active"


def _inspection_outcome(after: dict[str, Any]) -> str:
    return "conformant" if after.get("result") == "pass" else "non_conformant"


def _restored_as(after: dict[str, Any]) -> str:
    """A revoked (voided) label comes back active, or inactive if its line never activated
    it: the ``status`` the act recorded (without one, from before activation: active)."""
    return "inactive" if after.get("status") == "inactive" else "active"


# Audited action → the EPCIS event it is.
FROM_AUDIT: dict[str, EventTemplate] = {
    # the batch's codes minted: every label comes into being
    "batch.issue": EventTemplate("ObjectEvent", "ADD", "commissioning", _labels_as_issued),
    # a sampled lot's result: the whole lot observed, conformant or not
    "inspection.record": EventTemplate(
        "ObjectEvent", "OBSERVE", "inspecting", _inspection_outcome, Subject.INSPECTION
    ),
    # Only final results are events (issue 14.3): a failure becomes one when its objection
    # window closes unanswered (finalise, always non-conformant) or by the re-test that decides.
    "inspection.finalise": EventTemplate(
        "ObjectEvent", "OBSERVE", "inspecting", "non_conformant", Subject.INSPECTION
    ),
    "inspection.retest": EventTemplate(
        "ObjectEvent", "OBSERVE", "inspecting", _inspection_outcome, Subject.INSPECTION
    ),
    # CBV 2.0 has no "recalling" step: the lot is held where it is, its disposition recalled
    "batch.recall": EventTemplate("ObjectEvent", "OBSERVE", "holding", "recalled"),
    # a revoked batch's codes are out of use; a reversal puts them back
    "batch.revoke": EventTemplate("ObjectEvent", "DELETE", "decommissioning", "inactive"),
    "batch.unrevoke": EventTemplate("ObjectEvent", "ADD", "commissioning", "active"),
    # damaged or misprinted labels voided by the licensee, and their undoing (one event per
    # status the labels come back in, as a revocation's reversal)
    "label.void": EventTemplate(
        "ObjectEvent", "DELETE", "decommissioning", "inactive", epcs=Epcs.CODES
    ),
    "label.unvoid": EventTemplate(
        "ObjectEvent", "ADD", "commissioning", _restored_as, epcs=Epcs.CODES
    ),
    # The packing line (issue 15). A label was commissioned when its batch was issued; the
    # line puts it on sale (or takes it back off, a correction): its disposition changes, the
    # label stays what it was, so OBSERVE rather than a second ADD (or a DELETE).
    "labels.activated": EventTemplate(
        "ObjectEvent", "OBSERVE", "commissioning", "active", epcs=Epcs.RUNS
    ),
    "labels.deactivated": EventTemplate(
        "ObjectEvent", "OBSERVE", "decommissioning", "inactive", epcs=Epcs.RUNS
    ),
    # Units into (out of) a carton, the carton the parent. A line may fill a carton over
    # several calls and never says when it is sealed, so not "container_closed": the goods
    # are at the producer, being packed.
    "labels.packed": EventTemplate(
        "AggregationEvent", "ADD", "packing", "in_progress", epcs=Epcs.RUNS, parent="package"
    ),
    "labels.unpacked": EventTemplate(
        "AggregationEvent", "DELETE", "unpacking", "in_progress", epcs=Epcs.RUNS, parent="package"
    ),
    # Cartons onto (off) a pallet, the pallet the parent: the same steps one level up. Only a
    # pallet's act that moved cartons is an event (a carton's is its units' ``labels.*``).
    "package.pack": EventTemplate(
        "AggregationEvent",
        "ADD",
        "packing",
        "in_progress",
        Subject.PACKAGE,
        Epcs.CARTONS,
        parent="package",
    ),
    "package.unpack": EventTemplate(
        "AggregationEvent",
        "DELETE",
        "unpacking",
        "in_progress",
        Subject.PACKAGE,
        Epcs.CARTONS,
        parent="package",
    ),
    # Labels revoked one by one or with their licence, as a batch's revocation reads; the
    # reversal restores exactly those still revoked, as they were (one event per status).
    "labels.revoked": EventTemplate(
        "ObjectEvent", "DELETE", "decommissioning", "inactive", epcs=Epcs.RUNS
    ),
    "labels.restored": EventTemplate(
        "ObjectEvent", "ADD", "commissioning", _restored_as, epcs=Epcs.RUNS
    ),
}


def actions_for(subject: Subject, event_type: str | None, biz_step: str | None) -> list[str]:
    """The audited actions of ``subject`` whose events pass the type and step filters."""
    return [
        action
        for action, template in FROM_AUDIT.items()
        if template.subject is subject
        and event_type in (None, template.event_type)
        and biz_step in (None, template.biz_step)
    ]


def bare_biz_step(text: str) -> str:
    """A CBV step as the bare word the events carry (``…/BizStep-shipping`` → ``shipping``,
    ``urn:epcglobal:cbv:bizstep:shipping`` too); another URI as it is."""
    for prefix in (CBV_BIZSTEP, "urn:epcglobal:cbv:bizstep:"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text
