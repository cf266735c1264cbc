"""Telling a database outage from a bug: the first is a 503 with ``Retry-After`` (the client
should come back), the second a 500 with a request id to quote.

An outage is a failure at the connection level, whatever layer reports it: the socket refused
or reset (``OSError``), the server shutting down, crashed or still starting (asyncpg's
``PostgresConnectionError`` family, class 08 and 57P0x), a connection that died under
SQLAlchemy (``DBAPIError.connection_invalidated``), a pool that could not hand out a connection
in time (``sqlalchemy.exc.TimeoutError``), SQLite's file unreachable or locked past its busy
timeout. The exception chain is walked (``__cause__``, ``__context__``, SQLAlchemy's ``orig``):
each layer wraps the one below differently, and the driver's error is the one that says what
happened. Everything else (a constraint, a missing table, a syntax error) stays a 500: calling
a bug an outage would hide it behind "try again"."""

from __future__ import annotations

import socket

import asyncpg
from sqlalchemy import exc as sa

from app.core.errors import DomainError

RETRY_AFTER_SECONDS = 5

_DRIVER_OUTAGES: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, aborted, broken pipe
    TimeoutError,  # connecting took longer than the driver's timeout
    socket.gaierror,  # the server's name does not resolve
    asyncpg.PostgresConnectionError,  # class 08: the connection failed or was lost
    asyncpg.CannotConnectNowError,  # 57P03: the server is starting up or in recovery
    asyncpg.AdminShutdownError,  # 57P01
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300: full, which a client also waits out
)
_SQLITE_OUTAGES = ("unable to open database file", "database is locked", "disk i/o error")


class DatabaseUnavailable(DomainError):
    """The database cannot be reached right now: come back after ``retry_after`` seconds."""

    status, code = 503, "database_unavailable"

    def __init__(self, detail: str = "the database cannot be reached right now; try again") -> None:
        super().__init__(detail, retry_after=RETRY_AFTER_SECONDS)


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending and len(seen) < 16:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]
    return seen


def _is_outage_itself(exc: BaseException) -> bool:
    if isinstance(exc, sa.TimeoutError):  # the pool's: no connection came free in time
        return True
    if isinstance(exc, sa.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, _DRIVER_OUTAGES):
        return True
    if isinstance(exc, asyncpg.InterfaceError):  # a connection used after the server dropped it
        return "connection is closed" in str(exc) or "connection was closed" in str(exc)
    name = type(exc).__module__ + "." + type(exc).__name__
    if name == "sqlite3.OperationalError":
        return str(exc).lower().startswith(_SQLITE_OUTAGES)
    # psycopg (the migration tooling's driver) says "connection" in its OperationalError class.
    return name.startswith("psycopg") and type(exc).__name__ == "OperationalError"


def is_database_outage(exc: BaseException) -> bool:
    return isinstance(exc, DatabaseUnavailable) or any(
        _is_outage_itself(cause) for cause in _causes(exc)
    )
