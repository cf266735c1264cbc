"""Captured documents against GS1's EPCIS 2.0 JSON schema (``schema/``, GS1's file unchanged;
see ``schema/README.txt``), each failure named by its JSON path.

jsonschema-rs rather than the pure-Python ``jsonschema``: a packing line sends documents of
thousands of EPCs, and the compiled validator is built once per process (the schema is 55 kB
of nested ``if``/``then``), so a capture pays for its own document only."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA = Path(__file__).with_name("schema") / "EPCIS-JSON-Schema.json"
MAX_REPORTED = 20
MAX_MESSAGE = 200


@cache
def _validator() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(json.loads(SCHEMA.read_text()), validate_formats=True)


def json_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """``["epcisBody", "eventList", 0, "eventTime"]`` → ``$.epcisBody.eventList[0].eventTime``."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def schema_errors(document: Any) -> list[dict[str, str]]:
    """The document's failures against the schema, deepest path first, at most
    :data:`MAX_REPORTED` (an empty list: it is valid)."""
    found = [
        {"path": json_path(list(error.instance_path)), "message": error.message[:MAX_MESSAGE]}
        for error in _validator().iter_errors(document)
    ]
    found.sort(key=lambda e: (-e["path"].count(".") - e["path"].count("["), e["path"]))
    return found[:MAX_REPORTED]
