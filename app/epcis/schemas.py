from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

EventType = Literal[
    "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"
]


class CaptureRead(BaseModel):
    """What a capture stored: its id, and its events' ``eventID``s (computed by the EPCIS
    event hash for events sent without one)."""

    capture_id: int = Field(serialization_alias="captureID")
    event_count: int = Field(serialization_alias="eventCount")
    event_ids: list[str] = Field(serialization_alias="eventIDs")
