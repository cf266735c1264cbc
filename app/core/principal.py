"""Who is acting, reduced to what authorisation and the audit ledger need.

The kernel's one definition: every domain reads a ``Principal``; only ``app.auth`` makes one
from a token or an API key (see ``app.auth.principal``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    ADMIN = "admin"
    REGULATOR = "regulator"
    INSPECTOR = "inspector"
    LICENSEE = "licensee"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" | "api_key" | "system" | "public"
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
# A consumer filing a report: no account, audited as role "public".
ANONYMOUS = Principal("public", None, "consumer", SYSTEM.role)
