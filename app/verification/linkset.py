"""The GS1-Conformant Resolver's documents (GS1 Digital Link resolver standard 1.1/1.2):

* the **linkset** of one label, RFC 9264 JSON (``application/linkset+json``): the links a
  Digital Link URI resolves to, keyed by GS1 Web Vocabulary link types (full URIs, as the
  standard's linkset schema requires), each with its title, media type and languages;
* the **resolver description** served at ``/.well-known/gs1resolver``.

Plain functions of the base URL and the label's lookup row: the router fetches, this writes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

GS1_VOC = "https://gs1.org/voc/"
LINKSET_MEDIA_TYPE = "application/linkset+json"
LANGUAGES = ["zh", "en"]

# The link types this resolver answers, by their GS1 Web Vocabulary names (gs1:…).
DEFAULT_LINK = "defaultLink"
VERIFICATION = "verificationService"
PIP = "pip"
CERTIFICATION = "certificationInfo"
RECALL = "recallStatus"
LINK_TYPES = (DEFAULT_LINK, VERIFICATION, PIP, CERTIFICATION, RECALL)


def digital_link(base_url: str, gtin14: str, lot: str, code: str) -> str:
    """The canonical GS1 Digital Link URI of a label (GTIN-14, the lot percent-encoded)."""
    return f"{base_url}/01/{gtin14}/10/{quote(lot, safe='')}/21/{code}"


def _link(href: str, title: str, media_type: str = "text/html") -> dict[str, Any]:
    return {"href": href, "title": title, "type": media_type, "hreflang": LANGUAGES}


def links_of(base_url: str, anchor: str, row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every link of one label, by short link type. Verification links go to the Digital
    Link itself (page or JSON by content negotiation), so the GTIN and lot in it are checked."""
    register = f"{base_url}/public/register?" + urlencode({"q": row["uscc"]})
    recalls = f"{base_url}/public/notices?" + urlencode({"kind": "recall", "q": row["lot_number"]})
    product = f"{row['name_zh']} {row['name_en']}"
    return {
        DEFAULT_LINK: [_link(anchor, f"核验结果 Verification result: {product}")],
        VERIFICATION: [
            _link(anchor, "地理标志专用标志核验 GI special-mark check"),
            _link(anchor, "核验结果（JSON）Verification result (JSON)", "application/json"),
        ],
        PIP: [_link(anchor, f"产品信息 Product information: {product}")],
        CERTIFICATION: [
            _link(register, f"使用人公告 Register of licensed users: {row['enterprise_name']}")
        ],
        RECALL: [_link(recalls, f"召回公告 Recall notices, lot {row['lot_number']}")],
    }


def linkset(base_url: str, anchor: str, row: dict[str, Any]) -> dict[str, Any]:
    """The RFC 9264 linkset of one label: one context object, anchored at its Digital Link."""
    context: dict[str, Any] = {"anchor": anchor}
    for link_type, targets in links_of(base_url, anchor, row).items():
        context[GS1_VOC + link_type] = targets
    return {"linkset": [context]}


def link_header(anchor: str) -> str:
    """Every resolver answer points at its linkset (the standard's ``Link`` header)."""
    return f'<{anchor}?linkType=linkset>; rel="linkset"; type="{LINKSET_MEDIA_TYPE}"'


def resolver_description(base_url: str) -> dict[str, Any]:
    """``/.well-known/gs1resolver``, as the standard's description-file schema has it."""
    return {
        "name": "gimark: GI special-mark verification (地理标志专用标志核验)",
        "resolverRoot": base_url,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [
            {
                "namespace": GS1_VOC,
                "prefix": "gs1:",
                "profile": "https://www.gs1.org/voc/?show=linktypes",
            }
        ],
        "linkTypeDefaultCanBeLinkset": False,
        "supportedContextValuesEnumerated": [],
    }


def short_link_type(requested: str) -> str | None:
    """``gs1:pip`` or ``https://gs1.org/voc/pip`` → ``pip``; ``None`` for any other."""
    for prefix in ("gs1:", GS1_VOC, "http://gs1.org/voc/"):
        if requested.startswith(prefix) and requested[len(prefix) :] in LINK_TYPES:
            return requested[len(prefix) :]
    return None
