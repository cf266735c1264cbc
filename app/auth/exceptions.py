from app.core.errors import DomainError, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class NotAuthenticated(Unauthorized):
    code = "not_authenticated"


class UsernameTaken(DomainError):
    status, code = 409, "username_taken"


class KeyScopeExceeded(DomainError):
    """An API key would carry more than its creator's own role or enterprise."""

    status, code = 403, "key_scope_exceeded"


class PersonRequired(DomainError):
    """Identity management (users, keys) is done by a signed-in person, never by an API key."""

    status, code = 403, "person_required"


class RefreshTokenReused(Unauthorized):
    """A spent refresh token came back: its family was revoked (and that must be committed)."""

    code = "refresh_token_reused"


class ActorRequired(DomainError):
    """A state change from the command line must name the person making it (``--as``)."""

    status, code = 403, "actor_required"
