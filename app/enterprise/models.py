from __future__ import annotations

import enum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped, str_enum


class CreditStanding(enum.StrEnum):
    NORMAL = "normal"
    RED_LIST = "red_list"  # 红名单: commended
    BLACK_LIST = "black_list"  # 黑名单: serious violations


class Enterprise(Timestamped, Base):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    credit_standing: Mapped[CreditStanding] = mapped_column(
        str_enum(CreditStanding), default=CreditStanding.NORMAL
    )
    is_demo: Mapped[bool] = mapped_column(default=False)  # set only by the demo loader
