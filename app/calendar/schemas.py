from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class CalendarDayWrite(BaseModel):
    is_workday: bool = Field(
        description="true: a working day (a make-up Saturday); false: a day off (a holiday)"
    )
    note: str = Field(default="", max_length=100, description="e.g. 国庆节调休")


class CalendarDayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    is_workday: bool
    note: str
    created_at: datetime
    updated_at: datetime
