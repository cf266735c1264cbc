"""Principals made from accounts: the only place a ``User`` becomes a kernel ``Principal``."""

from __future__ import annotations

from app.auth.models import User
from app.core.principal import Principal


def user_principal(user: User) -> Principal:
    """A signed-in person (or whoever presents that person's refresh token)."""
    return Principal("user", user.id, user.username, user.role, user.enterprise_id)
