from app.core.errors import DomainError, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class NotAuthenticated(Unauthorized):
    code = "not_authenticated"


class RoleNotAllowed(DomainError):
    status, code = 403, "role_not_allowed"


class UsernameTaken(DomainError):
    status, code = 409, "username_taken"
