from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped


class Enterprise(Timestamped, Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(100))
    # GB/T 2260 county of the registered address: the bureaus whose division contains it
    # supervise the enterprise and everything it holds (licences, batches, labels, reports).
    division_code: Mapped[str | None] = mapped_column(String(6), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)  # set only by the demo loader
