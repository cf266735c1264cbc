"""The public verdict (DESIGN §5), decided from what the database says about one label.

Precedence: a label taken out of circulation (void, revoked), a batch recalled, revoked or
suspended, or a licence suspended outranks everything (a measure holds whatever pack the label
is on, and a recall is a safety message); then a GS1 Digital Link whose GTIN or lot is not the
label's (``mismatch``: the label is on a pack it was not issued for); then a copied-looking
scan history; then a label not yet activated on the packing line (``not_active``); then
genuine, which notes a licence withdrawn after issue (lawful stock,
DESIGN §3)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from app.label.models import BatchStatus, LabelStatus
from app.licence.models import LicenceStatus


class Verdict(enum.StrEnum):
    GENUINE = "genuine"
    NOT_ACTIVE = "not_active"  # printed, not yet activated on the packing line (issue 15)
    GENUINE_LICENCE_WITHDRAWN = "genuine_licence_withdrawn"
    SUSPECT_CLONE = "suspect_clone"
    SUSPENDED = "suspended"
    MISMATCH = "mismatch"  # our code, reached through a Digital Link not naming its item/lot
    RECALLED = "recalled"
    REVOKED = "revoked"
    VOID = "void"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"

    @property
    def trustworthy(self) -> bool:
        return self in _TRUSTWORTHY

    @property
    def tone(self) -> str:
        """How the public page colours it: ok, warn (look again, ask), bad (do not trust)."""
        if self.trustworthy:
            return "ok"
        return "bad" if self in _ALARMING else "warn"

    @classmethod
    def in_circulation(cls) -> frozenset[Verdict]:
        """A real label nobody took off the market: its scans feed the clone check."""
        return _IN_CIRCULATION


_TRUSTWORTHY = frozenset({Verdict.GENUINE, Verdict.GENUINE_LICENCE_WITHDRAWN})
_IN_CIRCULATION = _TRUSTWORTHY | {Verdict.SUSPECT_CLONE}
_ALARMING = frozenset(
    {Verdict.UNKNOWN, Verdict.REVOKED, Verdict.RECALLED, Verdict.VOID, Verdict.SUSPECT_CLONE}
)


@dataclass(frozen=True, slots=True)
class LabelFacts:
    """One row of the verification lookup."""

    code: str
    label_status: LabelStatus
    label_changed_at: datetime | None
    batch_status: BatchStatus
    licence_status: LicenceStatus
    licence_withdrawn_at: datetime | None
    licence_valid_until: date | None
    suspect_reason: str | None
    item_gtin: str | None = None
    lot_number: str = ""


BY_LABEL = {LabelStatus.VOID: Verdict.VOID, LabelStatus.REVOKED: Verdict.REVOKED}
BY_BATCH = {
    BatchStatus.RECALLED: Verdict.RECALLED,
    BatchStatus.REVOKED: Verdict.REVOKED,
    BatchStatus.SUSPENDED: Verdict.SUSPENDED,
}


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a GS1 Digital Link says about the label it leads to: the GTIN (as GTIN-14) of the
    item and the lot. A label matches it when its batch's item has that GTIN and its batch is
    that lot."""

    gtin14: str
    lot: str

    def matches(self, item_gtin: str | None, lot_number: str) -> bool:
        return (
            item_gtin is not None
            and item_gtin.zfill(14) == self.gtin14
            and (lot_number == self.lot)
        )


def decide(facts: LabelFacts | None, claim: LinkClaim | None = None) -> Verdict:
    if facts is None or facts.batch_status in BatchStatus.undecided_or_refused():
        return Verdict.UNKNOWN
    by_standing = BY_LABEL.get(facts.label_status) or BY_BATCH.get(facts.batch_status)
    if by_standing:
        return by_standing
    # A suspended licence: not "issued under an active licence" (DESIGN §5).
    if facts.licence_status is LicenceStatus.SUSPENDED:
        return Verdict.SUSPENDED
    if claim is not None and not claim.matches(facts.item_gtin, facts.lot_number):
        return Verdict.MISMATCH
    # Not yet put on sale: a leaked print file's codes answer this until the line activates.
    if facts.label_status is LabelStatus.INACTIVE:
        return Verdict.NOT_ACTIVE
    if facts.suspect_reason:
        return Verdict.SUSPECT_CLONE
    if facts.licence_status is LicenceStatus.WITHDRAWN:
        return Verdict.GENUINE_LICENCE_WITHDRAWN
    return Verdict.GENUINE
