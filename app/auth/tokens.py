"""Short-lived access JWTs (HS256 only; ``alg=none`` and other algorithms are refused)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import jwt

from app.core.time import utcnow

ALGORITHM = "HS256"
ISSUER = "gimark"


class InvalidToken(Exception):
    pass


def create_access_token(secret: str, user_id: int, role: str, minutes: int) -> str:
    now = utcnow()
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "role": role,
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(secret: str, token: str) -> int:
    """The user id of a valid, unexpired access token; :class:`InvalidToken` otherwise."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    try:
        return int(claims["sub"])
    except ValueError as exc:
        raise InvalidToken("bad subject") from exc


def new_opaque_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    """Refresh tokens and API keys are long random strings: a fast hash is enough to store them."""
    return hashlib.sha256(value.encode()).hexdigest()
