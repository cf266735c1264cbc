"""Job kinds and their handlers: ``@job("scans.rollup")`` on ``async def handler(ctx, args)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.jobs.runner import JobContext

JobArgs = dict[str, Any]
JobResult = dict[str, Any] | None
Handler = Callable[["JobContext", JobArgs], Awaitable[JobResult]]


class UnknownJobKind(LookupError):
    pass


class Registry:
    """Kind name → handler. A worker claims only the kinds its registry knows, so a worker of
    an older release never takes a job it cannot run."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> Handler:
        if kind in self._handlers and self._handlers[kind] is not handler:
            raise ValueError(f"job kind {kind!r} is already registered")
        self._handlers[kind] = handler
        return handler

    def job(self, kind: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            return self.register(kind, handler)

        return decorate

    def handler(self, kind: str) -> Handler:
        try:
            return self._handlers[kind]
        except KeyError:
            raise UnknownJobKind(kind) from None

    def __contains__(self, kind: object) -> bool:
        return kind in self._handlers

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._handlers))


REGISTRY = Registry()
job = REGISTRY.job
