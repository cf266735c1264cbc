"""The EPCIS event hash: an event's ``eventID`` as ``ni:///sha-256;<hex>?ver=CBV2.0``.

GS1's algorithm (EPCIS 2.0 §8.9.2, CBV 2.0 §8.9): the event is written out as one canonical
"pre-hash" string and hashed with SHA-256, so two systems that capture the same event from
the same facts arrive at the same identifier, whatever their field order, their JSON or XML,
or their identifier syntax. The canonical string is

* ``eventType=<type>``;
* then the standard's fields in the fixed order of :data:`ORDER`, each ``name=value``, list
  members sorted, times in UTC at millisecond precision, numbers without padding, CBV bare
  words as their web vocabulary URIs (``shipping`` → ``https://ref.gs1.org/cbv/BizStep-
  shipping``), and every GS1 key in its constrained canonical Digital Link form
  (``urn:epc:id:sgtin:0614141.107346.2017`` → ``https://id.gs1.org/01/10614141073464/21/2017``);
* then everything else (business transactions, sources and destinations, ILMD, user
  extensions with their namespace expanded to ``{uri}name``), sorted.

Checked against GS1's reference implementation (``epcis-event-hash-generator`` on PyPI) over
the standard's examples and the events this service emits (``tests/epcis``). What it does not
cover: sensor data (``sensorElementList``) is hashed with the extensions rather than in its
own order, and only the EPC URN schemes a GI label's trade can meet (SGTIN, SSCC, SGLN, PGLN,
LGTIN, SGTIN patterns) are rewritten; other URNs are hashed as written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from app.tradeitem.gtin import check_digit

CBV = "https://ref.gs1.org/cbv/"
OLD_CBV = {
    "urn:epcglobal:cbv:bizstep:": f"{CBV}BizStep-",
    "urn:epcglobal:cbv:disp:": f"{CBV}Disp-",
    "urn:epcglobal:cbv:btt:": f"{CBV}BTT-",
    "urn:epcglobal:cbv:sdt:": f"{CBV}SDT-",
    "urn:epcglobal:cbv:er:": f"{CBV}ER-",
}
EPC_LISTS = ("epcList", "inputEPCList", "childEPCs")
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList")
# The standard's order; the (name, how) pairs say how each field is written.
ORDER: tuple[str, ...] = (
    "eventTime",
    "eventTimeZoneOffset",
    "certificationInfo",
    "parentID",
    *EPC_LISTS,
    *QUANTITY_LISTS,
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
)
NOT_HASHED = frozenset({"type", "eventID", "recordTime", "errorDeclaration", "@context"})
# Bare words the JSON-LD context makes CBV URIs: the field, and the vocabulary's prefix.
VOCABULARY = {"bizStep": "BizStep-", "disposition": "Disp-", "set": "Disp-", "unset": "Disp-"}
LIST_MEMBER_TYPES = {"bizTransactionList": "BTT-", "sourceList": "SDT-", "destinationList": "SDT-"}


def event_id(event: Mapping[str, Any], context: Any = None) -> str:
    """The ``eventID`` of ``event`` (a JSON-LD event object); ``context`` is the enclosing
    document's ``@context`` when the event does not carry its own (it names the prefixes of
    user extensions)."""
    digest = hashlib.sha256(pre_hash(event, context).encode()).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


def pre_hash(event: Mapping[str, Any], context: Any = None) -> str:
    namespaces = _namespaces(event.get("@context", context))
    ordered = "".join(_ordered(event))
    rest = [
        _generic(_expand_key(key, namespaces), value, namespaces, key)
        for key, value in event.items()
        if key not in NOT_HASHED and key not in ORDER
    ]
    return f"eventType={event['type']}{ordered}{''.join(sorted(rest))}"


# --- the ordered part ------------------------------------------------------------------------


def _ordered(event: Mapping[str, Any]) -> Iterator[str]:
    for name in ORDER:
        if name not in event or event[name] in (None, "", [], {}):
            continue
        value = event[name]
        writer = _WRITERS.get(name, _plain)
        yield writer(name, value)


def _plain(name: str, value: Any) -> str:
    return f"{name}={_canonical(_vocabulary(name, _text(value)))}"


def _time(name: str, value: Any) -> str:
    return f"{name}={utc_millis(str(value))}"


def _epcs(name: str, value: Any) -> str:
    return name + "".join(sorted(f"epc={_canonical(_text(epc))}" for epc in value))


def _quantities(name: str, value: Any) -> str:
    elements = []
    for element in value:
        parts = (
            f"{key}={_canonical(_text(element[key]))}"
            for key in ("epcClass", "quantity", "uom")
            if key in element
        )
        elements.append("quantityElement" + "".join(parts))
    return name + "".join(sorted(elements))


def _persistent(name: str, value: Any) -> str:
    parts = [
        "".join(sorted(f"{key}={_canonical(_vocabulary(key, _text(v)))}" for v in value[key]))
        for key in ("set", "unset")
        if key in value
    ]
    return name + "".join(parts)


def _location(name: str, value: Any) -> str:
    return f"{name}id={_canonical(_text(value['id']))}" if "id" in value else ""


_WRITERS: dict[str, Callable[[str, Any], str]] = {
    "eventTime": _time,
    "outputEPCList": _epcs,
    "outputQuantityList": _quantities,
    "persistentDisposition": _persistent,
    "readPoint": _location,
    "bizLocation": _location,
    **{name: _epcs for name in EPC_LISTS},
    **{name: _quantities for name in QUANTITY_LISTS},
}


# --- everything else ------------------------------------------------------------------------


def _generic(name: str, value: Any, namespaces: dict[str, str], key: str) -> str:
    if key in LIST_MEMBER_TYPES and isinstance(value, list):
        prefix = LIST_MEMBER_TYPES[key]
        members = ["".join(_member(k, v, prefix) for k, v in m.items()) for m in value]
        return name + "".join(sorted(members))
    if isinstance(value, list):  # a repeated element: one entry per value, sorted with the rest
        return "".join(sorted(_generic(name, v, namespaces, key) for v in value))
    if isinstance(value, dict):
        children = [
            _generic(_expand_key(k, namespaces), v, namespaces, k) for k, v in value.items()
        ]
        return name + "".join(sorted(children))
    text = _canonical(_text(value))
    return f"{name}={text}" if text else name


def _member(key: str, value: Any, prefix: str) -> str:
    text = _text(value)
    if key == "type" and ":" not in text:
        text = f"{CBV}{prefix}{text}"
    return f"{key}={_canonical(text)}"


def _namespaces(context: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict):
            found |= {k: v for k, v in entry.items() if isinstance(v, str)}
    return found


def _expand_key(key: str, namespaces: dict[str, str]) -> str:
    prefix, colon, local = key.partition(":")
    return f"{{{namespaces[prefix]}}}{local}" if colon and prefix in namespaces else key


# --- values ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value).strip()


def _vocabulary(name: str, text: str) -> str:
    if name in VOCABULARY and text and ":" not in text:
        return f"{CBV}{VOCABULARY[name]}{text}"
    return text


def _canonical(text: str) -> str:
    for old, new in OLD_CBV.items():
        text = text.replace(old, new)
    text = _number(text)
    return canonical_digital_link(text) or text


def _number(text: str) -> str:
    try:
        number = float(text)
        return str(int(number)) if number.is_integer() else str(number)
    except (ValueError, OverflowError):
        return text


def utc_millis(text: str) -> str:
    """An ISO 8601 time as UTC at millisecond precision: ``2005-04-04T02:33:31.116Z``."""
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if instant.tzinfo is None:  # a local time without offset: taken as the machine's, like
            instant = instant.astimezone()  # the reference does; EPCIS requires an offset
        instant = instant.astimezone(UTC)
    except (ValueError, OverflowError):
        return text
    millis = round(instant.microsecond, -3)
    if millis == 1_000_000:
        return text  # the reference cannot round up to the next second either; keep as given
    return instant.replace(microsecond=millis).isoformat(timespec="milliseconds")[:-6] + "Z"


# --- GS1 keys as canonical Digital Link URIs -------------------------------------------------

_SAFE = r"(?:%[0-9A-Fa-f]{2}|[!')(*+,.0-9:;=A-Za-z_-])"
_URN = {
    "sgtin": re.compile(rf"^urn:epc:id:sgtin:(\d{{6,12}})\.(\d{{1,7}})\.({_SAFE}{{1,20}})$"),
    "lgtin": re.compile(rf"^urn:epc:class:lgtin:(\d{{6,12}})\.(\d{{1,7}})\.({_SAFE}{{1,20}})$"),
    "idpat": re.compile(r"^urn:epc:idpat:sgtin:(\d{6,12})\.(\d{1,7})\.\*$"),
    "sscc": re.compile(r"^urn:epc:id:sscc:(\d{6,12})\.(\d{5,11})$"),
    "sgln": re.compile(rf"^urn:epc:id:sgln:(\d{{6,12}})\.(\d{{0,6}})\.({_SAFE}{{1,20}})$"),
    "pgln": re.compile(r"^urn:epc:id:pgln:(\d{6,12})\.(\d{0,6})$"),
}
_DL_PATH = re.compile(
    r"^https?://[^/?#]+(?:/[^?#]*)?(/(?:00|01|414|417)/\d{4}[^?#]*?)/?(?:[?#].*)?$"
)
_DL_CANONICAL = [
    re.compile(p)
    for p in (
        r"^https://id\.gs1\.org/00/\d{18}$",
        r"^https://id\.gs1\.org/01/\d{14}(/(21|10)/[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]{0,20})?$",
        r"^https://id\.gs1\.org/414/\d{13}(/254/[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]{0,20})?$",
        r"^https://id\.gs1\.org/417/\d{13}$",
    )
]


def _percent(text: str) -> str:
    for char in "!()*+,:":
        text = text.replace(char, f"%{ord(char):02X}")
    return text


def _gtin(prefix: str, reference: str) -> str:
    body = reference[:1] + prefix + reference[1:]
    return body + str(check_digit(body))


def _from_urn(uri: str) -> str | None:
    for scheme, pattern in _URN.items():
        found = pattern.match(uri)
        if found is None:
            continue
        prefix, reference = found.group(1), found.group(2)
        if scheme in ("sgtin", "lgtin", "idpat"):
            if len(prefix) + len(reference) != 13:
                return None
            ai = {"sgtin": "/21/", "lgtin": "/10/", "idpat": ""}[scheme]
            tail = _percent(found.group(3)) if scheme != "idpat" else ""
            return f"https://id.gs1.org/01/{_gtin(prefix, reference)}{ai}{tail}"
        if scheme == "sscc":
            if len(prefix) + len(reference) != 17:
                return None
            body = reference[:1] + prefix + reference[1:]
            return f"https://id.gs1.org/00/{body}{check_digit(body)}"
        if len(prefix) + len(reference) != 12:
            return None
        gln = prefix + reference + str(check_digit(prefix + reference))
        if scheme == "pgln":
            return f"https://id.gs1.org/417/{gln}"
        extension = found.group(3)
        return f"https://id.gs1.org/414/{gln}" + (
            "" if extension == "0" else f"/254/{_percent(extension)}"
        )
    return None


def _from_web_uri(uri: str) -> str | None:
    found = _DL_PATH.match(uri)
    if found is None:
        return None
    path = found.group(1)
    if path.startswith("/01/"):
        key, _, rest = path[4:].partition("/")
        key = key.zfill(14) if len(key) in (8, 12, 13) else key
        path = f"/01/{key}" + (f"/{rest}" if rest else "")
        path = re.sub(r"^(/01/\d{14})/10/[^/]*(/21/.*)$", r"\1\2", path)
    uri = f"https://id.gs1.org{path}"
    return uri if any(p.match(uri) for p in _DL_CANONICAL) else None


def canonical_digital_link(uri: str) -> str | None:
    """``uri``'s constrained canonical GS1 Digital Link (``https://id.gs1.org/…``, the lowest
    level of identification, no query), or ``None`` when it names no GS1 key this knows."""
    if "." not in uri:
        return None
    if uri.startswith("urn:epc:"):
        return _from_urn(uri)
    if uri.startswith(("http://", "https://")):
        return _from_web_uri(uri)
    return None
