"""The organisations staff accounts work for (issue 14): bureaus, associations, laboratories,
townships and the platform operator, each with its GB/T 2260 division.

The table is in the kernel, not in ``app.organisation``: ``app.auth`` reads an account's
organisation to make its principal (kind and division are what ``app.core.permissions.can``
and the repositories' ``readable_<things>`` filters scope by), and auth sits below every
domain but the kernel and the audit ledger. ``app.organisation`` (just above auth) is the
admin's API and console over this table."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum
from app.core.principal import OrgKind


class Organisation(Timestamped, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200), unique=True)
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind))
    # GB/T 2260, current: 150000 region, 150800 city, 150821 county (app.core.divisions).
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    # A laboratory's accreditation (CMA/CNAS certificate number) and what it covers.
    accreditation_number: Mapped[str | None] = mapped_column(String(60))
    accreditation_scope: Mapped[str | None] = mapped_column(Text)
