"""A label as an EPC, and an EPC back to a label code.

A label of a batch whose trade item has a GTIN is an SGTIN: its EPC is the constrained
canonical GS1 Digital Link ``https://id.gs1.org/01/<GTIN-14>/21/<CODE>``, the form the event
hash reduces every Digital Link to (the QR's ``https://<host>/01/…/10/<lot>/21/<CODE>`` names
the same instance; the lot is the batch's attribute, not the label's identity). A label
without a GTIN has no GS1 key; its EPC is its public verification URL
``https://<host>/v/<CODE>`` (DESIGN §4), which resolves to its verdict.

A package (a carton, the parent of its units' AggregationEvents and a child of its pallet's;
a pallet, the parent of its cartons') is an SSCC when its line prints one: its EPC is the
canonical Digital Link ``https://id.gs1.org/00/<SSCC>``. A package with a gimark code has no
GS1 key either; its EPC is the public URL its code's scan answers at, as a label's. That URL
(or the bare code) cannot say whether it names a label or a package: the query asks the labels
first (``app.epcis.matching``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.epcis.eventhash import canonical_digital_link
from app.label.code import is_well_formed, normalise
from app.packing.codes import is_sscc, package_code
from app.tradeitem.gtin import as_gtin14

_SGTIN = re.compile(r"^https://id\.gs1\.org/01/(\d{14})/21/([^/?#]+)$")
_SSCC = re.compile(r"^https://id\.gs1\.org/00/(\d{18})$")
_PUBLIC = re.compile(r"^https?://[^/?#]+/v/([^/?#]+)/?$", re.IGNORECASE)


def label_epc(code: str, gtin: str | None, base_url: str) -> str:
    if gtin:
        return f"https://id.gs1.org/01/{as_gtin14(gtin)}/21/{code}"
    return f"{base_url.rstrip('/')}/v/{code}"


def package_epc(code: str, base_url: str) -> str:
    if is_sscc(code):
        return f"https://id.gs1.org/00/{code}"
    return f"{base_url.rstrip('/')}/v/{code}"


@dataclass(frozen=True)
class NamedLabel:
    """The label code an EPC names, and the GTIN it claims (``None`` for a public URL)."""

    code: str
    gtin14: str | None


def named_label(epc: str) -> NamedLabel | None:
    """The label an EPC names, in any of the forms a label is written in (canonical or
    on-host Digital Link, SGTIN URN, public URL, the bare code); ``None`` when it cannot
    name a gimark label."""
    canonical = canonical_digital_link(epc)
    if canonical is not None:
        found = _SGTIN.match(canonical)
        if found is None:
            return None
        return _well_formed(found.group(2), found.group(1))
    public = _PUBLIC.match(epc)
    if public is not None:
        return _well_formed(public.group(1), None)
    if "/" in epc or ":" in epc:
        return None
    return _well_formed(epc, None)


def _well_formed(text: str, gtin14: str | None) -> NamedLabel | None:
    code = normalise(text)
    return NamedLabel(code, gtin14) if is_well_formed(code) else None


def named_package(epc: str) -> str | None:
    """The package code an EPC names, in any form a package is written in (its SSCC as a
    Digital Link on any host, an EPC URN, its digits with or without ``(00)``; a gimark code
    as its public URL or bare); ``None`` when it cannot name a package."""
    canonical = canonical_digital_link(epc)
    if canonical is not None:
        found = _SSCC.match(canonical)
        return None if found is None else package_code(found.group(1))
    public = _PUBLIC.match(epc)
    if public is not None:
        return package_code(public.group(1))
    if "/" in epc or ":" in epc:
        return None
    return package_code(epc)
