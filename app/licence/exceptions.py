from app.core.errors import Conflict, DomainError


class QuotaExceeded(DomainError):
    status, code = 409, "quota_exceeded"


class DuplicateApplication(Conflict):
    code = "duplicate_application"
