"""What an API key may carry: never more than the person who mints it.

The rule is applied twice: when a key is minted (refused with 403) and every time a key is
used (a key whose creator was disabled, or could no longer mint it, stops working at once).
"""

from __future__ import annotations

from app.auth.exceptions import KeyScopeExceeded
from app.core.principal import Principal, Role


def granted_scope(
    creator: Principal, role: Role | None, enterprise_id: int | None
) -> tuple[Role, int | None]:
    """The (role, enterprise) a key asked for by ``creator`` gets, or :class:`KeyScopeExceeded`.

    ``role=None`` means the creator's own role. An admin mints any key; every other person
    mints keys of exactly their own role and enterprise; an API key mints none (a stolen key
    must not be able to breed keys that outlive its own revocation)."""
    if creator.kind == "api_key":
        raise KeyScopeExceeded("an API key cannot create API keys; sign in as a person")
    wanted = role or creator.role
    if creator.role is Role.ADMIN:
        return wanted, enterprise_id
    if wanted is not creator.role:
        raise KeyScopeExceeded(
            f"a {creator.role.value} can create only {creator.role.value} keys, "
            f"not {wanted.value} keys"
        )
    if enterprise_id not in (None, creator.enterprise_id):
        raise KeyScopeExceeded("a key can act only for its creator's own enterprise")
    return wanted, creator.enterprise_id


def within_creator(creator: Principal, role: Role, enterprise_id: int | None) -> bool:
    """Whether ``creator`` could mint a key of (role, enterprise) today."""
    try:
        granted = granted_scope(creator, role, enterprise_id)
    except KeyScopeExceeded:
        return False
    return granted == (role, enterprise_id)
