"""The mark-use rate (issue 13 point 2) is computed by the supervision domain from its roster
of every producing enterprise, licensed or not; this domain only shows it. The supervision
domain lands separately: until its provider is installed (``provide``, from the composition
root ``app.wiring``), the statistics page, the API and the annual report say that the rate is
not available yet, and show no number in its place.

MERGE POINT: wire ``app.supervision``'s ``use_rate(...)`` in ``app.wiring.wire()`` as
``use_rate.provide(adapter)``, where the adapter answers a :class:`UseRate` for the filters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from app.statistics.service import Filters

TARGET = 0.9  # the demonstration-zone plan's target: 90 % of producing enterprises use the mark


@dataclass(frozen=True)
class UseRate:
    """Roster enterprises active in the period, and those of them that used the mark."""

    active: int
    used: int
    exporters_active: int
    exporters_used: int
    not_using: list[str] = field(default_factory=list)  # names, for the report's list
    target: float = TARGET

    @property
    def rate(self) -> float | None:
        return round(self.used / self.active, 4) if self.active else None

    @property
    def exporter_rate(self) -> float | None:
        return (
            round(self.exporters_used / self.exporters_active, 4) if self.exporters_active else None
        )

    @property
    def meets_target(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.target


Provider = Callable[[AsyncSession, "Filters"], Awaitable[UseRate | None]]
_provider: Provider | None = None


def provide(provider: Provider | None) -> None:
    global _provider
    _provider = provider


def available() -> bool:
    return _provider is not None


async def current_use_rate(session: AsyncSession, filters: Filters) -> UseRate | None:
    return await _provider(session, filters) if _provider is not None else None
