from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.core.notices import NoticeKind


class NoticeRead(BaseModel):
    """A published notice: public fields only, as they were when it was published."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: NoticeKind
    published_at: datetime
    product_id: int | None
    product_name_zh: str | None
    product_name_en: str | None
    enterprise_name: str | None
    uscc: str | None
    licence_number: str | None
    lot_number: str | None
    report_number: str | None
    result: str | None
    reason: str | None
    legal_basis: str | None
    case_number: str | None
    detail: dict[str, Any]
    is_demo: bool = False
