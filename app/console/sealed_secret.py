"""A new API key's secret, kept for the double-submitted form only.

The secret is shown on the answer to the create-key form and never again. A double click sends
the form twice: the browser shows the second answer, so that answer (a replay of the first,
``app.idempotency``) must show the same secret, which the server otherwise keeps only hashed.
The idempotency record therefore stores the secret sealed: XOR-ed with a pad derived (HMAC) from
the form's one-time token and the server's own secret. The record is filed under a hash of that
token, so neither a copy of the database nor the server's secret alone opens it; only the
browser that holds the form (and the same signed-in principal) gets the secret back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def record_key(form_token: str) -> str:
    """What the idempotency record is filed under: never the token itself."""
    return hashlib.sha256(f"api-key-form:{form_token}".encode()).hexdigest()


def _pad(server_secret: str, form_token: str, length: int) -> bytes:
    blocks, counter = b"", 0
    while len(blocks) < length:
        message = f"{counter}:{form_token}".encode()
        blocks += hmac.new(server_secret.encode(), message, hashlib.sha256).digest()
        counter += 1
    return blocks[:length]


def seal(secret: str, server_secret: str, form_token: str) -> str:
    raw = secret.encode()
    pad = _pad(server_secret, form_token, len(raw))
    return base64.urlsafe_b64encode(bytes(a ^ b for a, b in zip(raw, pad, strict=True))).decode()


def unseal(sealed: str, server_secret: str, form_token: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    pad = _pad(server_secret, form_token, len(raw))
    return bytes(a ^ b for a, b in zip(raw, pad, strict=True)).decode()
