"""The public verdict (DESIGN §5), decided from what the database says about one label.

Precedence: a label taken out of circulation (void, revoked), a batch recalled, revoked or
suspended, or a licence suspended outranks everything; then a copied-looking scan history;
then genuine, which notes a licence withdrawn after issue (lawful stock, DESIGN §3)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class Verdict(enum.StrEnum):
    GENUINE = "genuine"
    GENUINE_LICENCE_WITHDRAWN = "genuine_licence_withdrawn"
    SUSPECT_CLONE = "suspect_clone"
    SUSPENDED = "suspended"
    RECALLED = "recalled"
    REVOKED = "revoked"
    VOID = "void"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"

    @property
    def trustworthy(self) -> bool:
        return self in (Verdict.GENUINE, Verdict.GENUINE_LICENCE_WITHDRAWN)


@dataclass(frozen=True, slots=True)
class LabelFacts:
    """One row of the verification lookup."""

    code: str
    label_status: str
    label_changed_at: datetime | None
    batch_status: str
    licence_status: str
    licence_withdrawn_at: datetime | None
    licence_valid_until: date | None
    suspect_reason: str | None


def decide(facts: LabelFacts | None) -> Verdict:
    if facts is None or facts.batch_status in ("requested", "approved", "rejected"):
        return Verdict.UNKNOWN
    by_label = {"void": Verdict.VOID, "revoked": Verdict.REVOKED}.get(facts.label_status)
    if by_label:
        return by_label
    by_batch = {
        "recalled": Verdict.RECALLED, "revoked": Verdict.REVOKED, "suspended": Verdict.SUSPENDED,
    }.get(facts.batch_status)  # fmt: skip
    if by_batch:
        return by_batch
    if facts.licence_status == "suspended":  # not "issued under an active licence" (DESIGN §5)
        return Verdict.SUSPENDED
    if facts.suspect_reason:
        return Verdict.SUSPECT_CLONE
    if facts.licence_status == "withdrawn":
        return Verdict.GENUINE_LICENCE_WITHDRAWN
    return Verdict.GENUINE
