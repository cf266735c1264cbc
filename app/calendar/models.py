"""The admin's calendar days live in the kernel (``app.core.workdays``), beside the working
calendar that reads them; this domain maintains them."""

from app.core.workdays import CalendarDay

__all__ = ["CalendarDay"]
