"""Short-lived access JWTs (HS256 only; ``alg=none`` and other algorithms are refused)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt

from app.core.time import utcnow

ALGORITHM = "HS256"
ISSUER = "gimark"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    family_id: int | None  # the login (refresh family) it came from; revoking that ends it


def create_access_token(
    secret: str, user_id: int, role: str, minutes: int, family_id: int | None = None
) -> str:
    now = utcnow()
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": str(user_id),
        "role": role,
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "jti": secrets.token_hex(8),
    }
    if family_id is not None:
        claims["fam"] = family_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(secret: str, token: str) -> AccessClaims:
    """The claims of a valid, unexpired access token; :class:`InvalidToken` otherwise."""
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
    family = claims.get("fam")
    if family is not None and not isinstance(family, int):
        raise InvalidToken("bad family")
    try:
        return AccessClaims(int(claims["sub"]), family)
    except ValueError as exc:
        raise InvalidToken("bad subject") from exc


def new_opaque_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    """Refresh tokens and API keys are long random strings: a fast hash is enough to store them."""
    return hashlib.sha256(value.encode()).hexdigest()
