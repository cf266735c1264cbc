"""Password hashing: argon2id through pwdlib (its recommended parameters)."""

from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
# Verifying against this keeps "no such user" as slow as "wrong password" (no user enumeration).
_DUMMY_HASH = _hasher.hash("gimark-timing-equaliser")

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)
