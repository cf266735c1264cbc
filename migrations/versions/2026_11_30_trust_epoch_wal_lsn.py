"""The WAL position of the last trust change, beside the trust epoch (issue 16): a read replica
may answer the public check only once it has replayed that far (app/verification/replica.py).
NULL on SQLite and until the first trust change.

Revision ID: 0018
Revises: 0019
Create Date: 2026-11-30 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('trust_epoch') as batch_op:
        batch_op.add_column(sa.Column('wal_lsn', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('trust_epoch') as batch_op:
        batch_op.drop_column('wal_lsn')
