"""Text search for every LIKE query: what the user typed is matched literally.

Unescaped, a search for ``%`` or ``_`` matched every row (both are LIKE wildcards), and a licence
number prefix with an ``_`` in its product code counted other products' licences. SQLAlchemy's
``autoescape`` escapes ``%``, ``_`` and the escape character itself (``/``) and adds the
``ESCAPE`` clause, the same on SQLite and PostgreSQL; these helpers make it the only way in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute


def contains_text(column: InstrumentedAttribute[Any], text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match (ILIKE on PostgreSQL, lower() LIKE on SQLite)."""
    return column.icontains(text, autoescape=True)


def starts_with(column: InstrumentedAttribute[Any], prefix: str) -> ColumnElement[bool]:
    return column.startswith(prefix, autoescape=True)
