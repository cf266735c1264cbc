"""Who is acting, reduced to what authorisation and the audit ledger need.

The kernel's one definition: every domain reads a ``Principal``; only ``app.auth`` makes one
from a token or an API key (see ``app.auth.principal``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core import divisions
from app.core.errors import Unprocessable


class Role(enum.StrEnum):
    ADMIN = "admin"
    REGULATOR = "regulator"
    INSPECTOR = "inspector"
    LICENSEE = "licensee"


class OrgKind(enum.StrEnum):
    """What kind of body a staff account works for (issue 14): who may do what follows from it
    (``app.core.permissions.ORG_POLICY``)."""

    MARKET_SUPERVISION = "market_supervision"  # 市场监督管理局: protection, supervision, exit
    AGRICULTURE = "agriculture"  # 农业（农科）局: standards, testing, tracing
    ASSOCIATION = "association"  # 协会: registrant of a collective or certification mark
    LABORATORY = "laboratory"  # 检验检测机构: accredited (CMA/CNAS number and scope kept)
    TOWNSHIP = "township"  # 乡镇人民政府: rosters and the producers on the ground
    PLATFORM_OPERATOR = "platform_operator"  # runs gimark: accounts, keys, configuration


# The organisation kinds an account of each staff role may work for: an inspector for a
# laboratory or a bureau (its own inspectors); an admin for the platform operator.
ROLE_ORG_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.ADMIN: frozenset({OrgKind.PLATFORM_OPERATOR}),
    Role.REGULATOR: frozenset(
        {OrgKind.MARKET_SUPERVISION, OrgKind.AGRICULTURE, OrgKind.ASSOCIATION, OrgKind.TOWNSHIP}
    ),
    Role.INSPECTOR: frozenset(
        {OrgKind.LABORATORY, OrgKind.MARKET_SUPERVISION, OrgKind.AGRICULTURE}
    ),
}


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" | "api_key" | "system" | "public"
    id: int | None
    name: str
    role: Role
    enterprise_id: int | None = None
    # The organisation a staff member works for: its kind and GB/T 2260 division. ``None`` for
    # licensees and the system; ``app.auth`` never makes a staff principal without them.
    org_kind: OrgKind | None = None
    division_code: str | None = None
    # Which organisation: a mark's registrant association endorses its own mark's licences.
    organisation_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.REGULATOR)

    @property
    def is_licensee(self) -> bool:
        return self.role is Role.LICENSEE

    @property
    def jurisdiction(self) -> str | None:
        """The code prefix of the divisions a bureau acts in (its own and those below it:
        "15" for the region 150000, "1508" for the city 150800, "150821" for a county), or
        ``None`` when no division limits the principal: admins and the system see all, a
        licensee is held to its enterprise, an inspector to its assignments."""
        if self.role is not Role.REGULATOR or self.division_code is None:
            return None
        return divisions.prefix(self.division_code)

    def reaches(self, division_code: str) -> bool:
        """Whether the division lies in the principal's jurisdiction (always, where none
        limits it)."""
        reach = self.jurisdiction
        return reach is None or division_code.startswith(reach)

    def division_for_figures(self, division: str | None) -> str | None:
        """The division a bureau's figures (statistics, the use rate, the annual report) are of:
        the one asked for when it lies in the jurisdiction, the bureau's own when none is asked
        (a county's clerk sees the county's rate, not the region's); ``None`` (everything) for
        a principal no division limits. A province-level bureau, the top of a deployment,
        defaults to everything too: scans of codes never issued belong to no enterprise and so
        to no division, and counterfeits are what it watches for. A division outside the
        jurisdiction is refused."""
        if self.jurisdiction is None:
            return division
        if division is None:
            assert self.division_code is not None  # a jurisdiction comes from a division
            province = divisions.require(self.division_code).level is divisions.Level.PROVINCE
            return None if province else self.division_code
        if not self.reaches(division):
            raise Unprocessable(
                f"division {division} is outside this bureau's jurisdiction "
                f"({self.division_code} and below)",
                field="division",
            )
        return division

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
