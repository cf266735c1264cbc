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


class PasswordChangeRequired(DomainError):
    """Someone else set this account's password (a new account, an admin's reset): its owner
    chooses their own in the console before the API hands out a token."""

    status, code = 403, "password_change_required"


class WrongCurrentPassword(DomainError):
    """Changing one's password asks for the current one (a borrowed, unlocked screen is not
    enough to take the account over)."""

    status, code = 422, "wrong_current_password"


class PasswordUnchanged(DomainError):
    status, code = 422, "password_unchanged"
