"""Who is acting: a user or an API key, reduced to what authorisation needs."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import Role, User


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" | "api_key" | "system"
    id: int | None
    name: str
    role: Role
    enterprise_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.REGULATOR)

    @property
    def is_licensee(self) -> bool:
        return self.role is Role.LICENSEE

    @property
    def user_id(self) -> int | None:
        """The user behind the act, for ``…_by_id`` columns (API keys and the system have none)."""
        return self.id if self.kind == "user" else None

    @property
    def audit_name(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def audit_role(self) -> str:
        """Anonymous members of the public act without any role."""
        return "public" if self.kind == "public" else self.role.value


SYSTEM = Principal(kind="system", id=None, name="gimark", role=Role.ADMIN)


def user_principal(user: User) -> Principal:
    """A signed-in person (or whoever presents that person's refresh token)."""
    return Principal("user", user.id, user.username, user.role, user.enterprise_id)
