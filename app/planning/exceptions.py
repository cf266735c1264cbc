"""The errors of random inspection plans, each with its HTTP status and stable problem code."""

from __future__ import annotations

from app.core.errors import Conflict, Unprocessable


class NotInspectors(Unprocessable):
    code = "not_inspectors"


class InspectorConflicted(Conflict):
    code = "inspector_conflicted"


class AlreadyAssigned(Conflict):
    code = "already_assigned"


class EmptyPopulation(Unprocessable):
    code = "empty_population"


class DrawNotPossible(Unprocessable):
    code = "draw_not_possible"
