from app.core.errors import Conflict, DomainError


class QuotaExceeded(DomainError):
    status, code = 409, "quota_exceeded"


class DuplicateApplication(Conflict):
    code = "duplicate_application"


class EndorsementRequired(Conflict):
    code = "endorsement_required"


class NotTheRegistrant(DomainError):
    status, code = 403, "not_the_registrant"
