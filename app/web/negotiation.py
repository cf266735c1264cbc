"""HTTP content negotiation (RFC 9110 §12.5.1) for the few pages that also answer machines:
the GS1 Digital Link resolver serves its page, its JSON twin or its linkset by ``Accept``."""

from __future__ import annotations


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The quality the client gives ``offer``: its most specific matching range decides; a
    wildcard match is ranked just below an explicit one of the same quality."""
    kind = offer.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, quality in ranges:
        specificity = 2 if media == offer else 1 if media == f"{kind}/*" else 0
        if media in (offer, f"{kind}/*", "*/*") and specificity > best[0]:
            best = (specificity, quality)
    specificity, quality = best
    return quality - (0.0 if specificity == 2 else 0.001) if specificity >= 0 else 0.0


def preferred(accept: str | None, offers: tuple[str, ...]) -> str | None:
    """The offer the client prefers (the first offer wins ties and a missing header); ``None``
    when it accepts none of them."""
    if not accept:
        return offers[0]
    ranges = _ranges(accept)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None
