"""Auth hardening (issue 10): refresh-token families, and the clean-up of the API-key hole.

* ``refresh_family``: one row per login; every refresh token rotated from it names it, so a
  reused (spent) token can revoke all of them at once. Tokens issued before this revision have
  no family (reusing one revokes every family of its user).
* Data fix: until now a regulator could mint admin keys (and licensee keys for any
  enterprise), and an API key could mint keys and, as admin, create users. Every key minted
  beyond its creator's own role or enterprise, or by another API key, is revoked; every account
  created by such a key (or by an account created that way) is disabled, transitively; and
  each change is appended to the audit ledger through the application's own hash-chain code,
  so ``gimark audit verify`` stays green. Keys and accounts are never deleted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 04:10:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.audit.chain import GENESIS_HASH, event_hash
from app.audit.service import AUDIT_LOCK_KEY
from app.core.models import UTCDateTime

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
REASON = (
    "issue 10: created through the API-key privilege hole (a key above its creator's role or "
    "enterprise, or minted by another key); revoked by migration 0003"
)
USER_REASON = (
    "issue 10: account created with a key (or by an account) from the API-key privilege hole;"
    " disabled by migration 0003 — re-create it through an admin if it is legitimate"
)

api_key = sa.table(
    'api_key', sa.column('id', ID), sa.column('role', sa.String), sa.column('enterprise_id', ID),
    sa.column('created_by_id', ID), sa.column('revoked_at', UTCDateTime()),
)
app_user = sa.table(
    'app_user', sa.column('id', ID), sa.column('role', sa.String),
    sa.column('enterprise_id', ID), sa.column('is_active', sa.Boolean),
)
audit_event = sa.table(
    'audit_event', sa.column('seq', sa.BigInteger), sa.column('occurred_at', UTCDateTime()),
    sa.column('actor', sa.String), sa.column('actor_id', sa.BigInteger),
    sa.column('role', sa.String), sa.column('action', sa.String),
    sa.column('object_type', sa.String), sa.column('object_id', sa.String),
    sa.column('before', sa.JSON), sa.column('after', sa.JSON), sa.column('reason', sa.Text),
    sa.column('request_id', sa.String), sa.column('prev_hash', sa.String),
    sa.column('hash', sa.String),
)


def upgrade() -> None:
    op.create_table('refresh_family',
    sa.Column('id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_refresh_family_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_family'))
    )
    with op.batch_alter_table('refresh_family', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_family_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_id', ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_refresh_token_family_id_refresh_family'), 'refresh_family', ['family_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_refresh_token_family_id'), ['family_id'], unique=False)

    _close_the_key_hole(op.get_bind())


def downgrade() -> None:
    # The data fix is not undone: revoked keys and disabled accounts stay so (the ledger says why).
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_family_id'))
        batch_op.drop_constraint(batch_op.f('fk_refresh_token_family_id_refresh_family'), type_='foreignkey')
        batch_op.drop_column('family_id')
    with op.batch_alter_table('refresh_family', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_family_user_id'))
    op.drop_table('refresh_family')


# --- the data fix ---------------------------------------------------------------------------


def _creators(connection: sa.Connection, action: str) -> dict[int, tuple[str, int | None]]:
    """object id → (actor kind, actor id) of the ledger's ``action`` events: who made what."""
    rows = connection.execute(
        sa.select(audit_event.c.object_id, audit_event.c.actor, audit_event.c.actor_id)
        .where(audit_event.c.action == action)
    )
    return {int(r.object_id): (r.actor.split(':', 1)[0], r.actor_id) for r in rows}


def _within(key: Any, creator: Any) -> bool:
    """The minting rule as it holds from this revision on: an admin mints anything, anyone
    else only keys of their own role and enterprise."""
    if creator.role == 'admin':
        return True
    return key.role == creator.role and key.enterprise_id == creator.enterprise_id


def _bad_key(key: Any, maker: tuple[str, int | None], users: dict[int, Any], bad_users: set[int]) -> bool:
    kind, actor_id = maker
    if kind == 'system':
        return False
    if kind == 'api_key':
        return True
    creator = users.get(actor_id) if actor_id is not None else None
    return creator is None or creator.id in bad_users or not _within(key, creator)


def _hole_objects(connection: sa.Connection) -> tuple[list[Any], list[Any]]:
    """(keys, users) created through the hole, found to a fixed point: an illegitimate admin
    may have minted keys and created accounts of its own."""
    keys = list(connection.execute(sa.select(api_key)))
    users = {u.id: u for u in connection.execute(sa.select(app_user))}
    key_makers, user_makers = _creators(connection, 'api_key.create'), _creators(connection, 'user.create')
    bad_keys: set[int] = set()
    bad_users: set[int] = set()
    while True:
        found_keys = {
            k.id for k in keys
            if _bad_key(k, key_makers.get(k.id, ('user', k.created_by_id)), users, bad_users)
        }
        found_users = {
            uid for uid, (kind, actor_id) in user_makers.items()
            if uid in users
            and ((kind == 'api_key' and actor_id in found_keys)
                 or (kind == 'user' and actor_id in bad_users))
        }
        if found_keys == bad_keys and found_users == bad_users:
            break
        bad_keys, bad_users = found_keys, found_users
    return (
        [k for k in keys if k.id in bad_keys and k.revoked_at is None],
        [users[u] for u in sorted(bad_users) if users[u].is_active],
    )


class _Ledger:
    """Appends events exactly as ``app.audit.service.record`` does (same fields, same hash)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        if connection.dialect.name == 'postgresql':  # the running app's writers take this lock
            connection.execute(sa.text('SELECT pg_advisory_xact_lock(:key)'), {'key': AUDIT_LOCK_KEY})
        head = connection.execute(
            sa.select(audit_event.c.seq, audit_event.c.hash).order_by(audit_event.c.seq.desc()).limit(1)
        ).first()
        self.seq, self.hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)

    def append(self, action: str, object_type: str, object_id: int, before: dict[str, Any],
               after: dict[str, Any], reason: str) -> None:
        fields: dict[str, Any] = {
            'seq': self.seq + 1, 'occurred_at': datetime.now(UTC), 'actor': 'system:gimark',
            'actor_id': None, 'role': 'admin', 'action': action, 'object_type': object_type,
            'object_id': str(object_id), 'before': before, 'after': after, 'reason': reason,
            'request_id': 'migration-0003', 'prev_hash': self.hash,
        }
        digest = event_hash(fields)
        self.connection.execute(sa.insert(audit_event).values(**fields, hash=digest))
        self.seq, self.hash = fields['seq'], digest


def _close_the_key_hole(connection: sa.Connection) -> None:
    keys, users = _hole_objects(connection)
    if not keys and not users:
        return
    ledger, now = _Ledger(connection), datetime.now(UTC)
    for key in sorted(keys, key=lambda k: k.id):
        connection.execute(sa.update(api_key).where(api_key.c.id == key.id).values(revoked_at=now))
        ledger.append('api_key.revoke', 'api_key', key.id, {'revoked_at': None},
                      {'revoked_at': now.isoformat(), 'role': key.role}, REASON)
    for user in users:
        connection.execute(sa.update(app_user).where(app_user.c.id == user.id).values(is_active=False))
        ledger.append('user.disable', 'user', user.id, {'is_active': True},
                      {'is_active': False, 'role': user.role}, USER_REASON)
