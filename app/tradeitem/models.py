from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, BigIntPK, Timestamped


class TradeItem(Timestamped, Base):
    """One of a licensee's own products under a GI (a 500 g bag of roasted seeds, a 5 kg
    box…), with the GTIN the licensee holds for it from its GS1 member organisation.

    GTINs belong here and not on the GI product: every enterprise using the mark sells its own
    items, each under its own company prefix. A batch names the item it packs, and a GS1
    Digital Link to one of its labels must carry that item's GTIN (else verdict ``mismatch``)."""

    __tablename__ = "trade_item"
    # One GTIN identifies one item of one brand owner; the same GTIN may not be registered
    # twice by one enterprise (another's would be the GS1 member organisation's problem).
    __table_args__ = (UniqueConstraint("enterprise_id", "gtin"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("gi_product.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    gtin: Mapped[str | None] = mapped_column(String(14))
