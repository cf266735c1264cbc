"""Password hashing: argon2id through pwdlib (its recommended parameters)."""

import secrets

from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
# Verifying against this keeps "no such user" as slow as "wrong password" (no user enumeration).
_DUMMY_HASH = _hasher.hash("gimark-timing-equaliser")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # argon2 takes any length; a bound keeps a request's hashing cheap


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


# No 0/O, 1/l/I: a temporary password is read aloud or copied from a screen by a person.
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(length: int = 14) -> str:
    """A one-time password an admin hands on; its owner must replace it at first login."""
    return "".join(secrets.choice(_READABLE) for _ in range(length))
