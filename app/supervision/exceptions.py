from __future__ import annotations

from app.core.errors import DomainError, Unprocessable


class OutsideProtectedArea(Unprocessable):
    """The roster counts enterprises in the product's protected area, and no other."""

    code = "outside_protected_area"


class RosterImportRejected(DomainError):
    """An import with bad rows writes nothing unless the regulator asks for the good rows."""

    status, code = 422, "roster_import_rejected"


class UnreadableImport(Unprocessable):
    code = "unreadable_import"


class ReportAlreadySubmitted(DomainError):
    status, code = 409, "use_report_exists"


class NothingToLedger(Unprocessable):
    code = "no_such_ledger"


class AlreadyOnRoster(DomainError):
    status, code = 409, "already_on_roster"
