"""Fixtures shared by the inspection, revocation and notice tests (see inspection_fixtures)."""

from inspection_fixtures import codec, gi  # noqa: F401
