"""Label-key rotation (DESIGN §4: keys rotate by key id and are never deleted while labels
minted under them circulate).

The secrets live in the settings (``GIMARK_LABEL_KEYS``), never in the database, so that a
database dump or a read replica does not carry what forges codes. Rotating is therefore a
change of settings that every instance picks up on restart; this module decides the new
settings and records the act in the audit ledger (the key id, never the secret). Which key
signed each batch is recorded anyway (``label_batch.key_id`` and the ``batch.issue`` event).

Two steps keep a fleet of instances consistent: ``stage`` adds a key that verifies but does
not sign yet; once every instance holds it, making it current cannot produce a code some
instance calls forged. A single instance does both at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.transition import record_transition
from app.core.config import Settings
from app.core.principal import Principal
from app.label import overview
from app.label.code import ALPHABET, LabelCodec
from app.label.exceptions import LabelKeyRefused

KEY_BYTES = 32


@dataclass(frozen=True)
class Rotation:
    key_id: str
    keys: dict[str, str]  # every key id → hex secret: the new GIMARK_LABEL_KEYS
    current_key_id: str  # the new GIMARK_LABEL_CURRENT_KEY_ID
    previous_key_id: str
    new_secret: bool  # False when a key staged earlier was made current


def _free_key_id(taken: set[str]) -> str:
    """The next id after the highest taken one, in alphabet order (readable on the labels:
    1, 2, 3 …); any free id when the alphabet's end is reached."""
    highest = max((ALPHABET.index(key_id) for key_id in taken if key_id in ALPHABET), default=0)
    for key_id in ALPHABET[highest + 1 :] + ALPHABET[: highest + 1]:
        if key_id not in taken:
            return key_id
    raise LabelKeyRefused("every label-key id is taken")


def plan(settings: Settings, used: set[str], key_id: str | None, *, make_current: bool) -> Rotation:
    """The settings after the rotation, or a refusal. ``used``: ids found on issued batches.

    An id already on labels is never given a new secret: those labels would stop verifying
    (their tag was made with the old key). An id already configured is reused only to make a
    staged key current."""
    configured = dict(settings.label_keys)
    previous = settings.label_current_key_id
    if key_id is None:
        key_id = _free_key_id(set(configured) | used)
    key_id = key_id.upper()
    if len(key_id) != 1 or key_id not in ALPHABET:
        raise LabelKeyRefused(f"key id {key_id!r} must be one Crockford base32 character")
    new_secret = key_id not in configured
    if new_secret and key_id in used:
        raise LabelKeyRefused(
            f"key id {key_id} is printed on issued labels whose key is not configured: "
            "put that key back instead of making a new one"
        )
    if not new_secret and (not make_current or key_id == previous):
        raise LabelKeyRefused(f"key id {key_id} is already configured and would not change")
    if new_secret:
        configured[key_id] = secrets.token_hex(KEY_BYTES)
    current = key_id if make_current else previous
    # The codec validates the whole set (id alphabet, key length, current key present).
    LabelCodec({k: bytes.fromhex(v) for k, v in configured.items()}, current)
    return Rotation(key_id, configured, current, previous, new_secret)


async def rotate(
    session: AsyncSession,
    actor: Principal,
    settings: Settings,
    key_id: str | None = None,
    *,
    make_current: bool = True,
) -> Rotation:
    """Decide the new key settings and audit the act; the caller stores the settings in the
    same transaction's lifetime (a refusal to write them rolls the event back)."""
    used = set(await overview.use_by_key_id(session))
    rotation = plan(settings, used, key_id, make_current=make_current)
    await record_transition(
        session,
        actor,
        "label_key.rotate",
        "label_key",
        rotation.key_id,
        before={"current_key_id": rotation.previous_key_id, "key_ids": sorted(settings.label_keys)},
        after={
            "current_key_id": rotation.current_key_id,
            "key_ids": sorted(rotation.keys),
            "new_secret": rotation.new_secret,
        },
    )
    return rotation
