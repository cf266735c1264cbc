"""What a label's QR encodes: the public verification URL (DESIGN §4)."""

from __future__ import annotations

from urllib.parse import quote


def verification_url(
    base_url: str, code: str, gtin: str | None = None, lot: str | None = None
) -> str:
    """``HTTPS://HOST/V/CODE`` in upper case, so the QR uses alphanumeric mode (a smaller
    symbol; the server accepts any case), or the GS1 Digital Link form where a GTIN exists."""
    if gtin and lot:
        scheme, _, host = base_url.partition("://")
        gtin14 = gtin.zfill(14)
        return f"{scheme.upper()}://{host.upper()}/01/{gtin14}/10/{quote(lot, safe='')}/21/{code}"
    return f"{base_url}/v/{code}".upper()
