"""Statistics roll-ups (issue 13): daily counts per product × division × measure, the
watermarks of their incremental refresh, and an index on when a label's status changed, so the
refresh reads only the recent changes of a table of 10^7 labels.

Revision ID: 0019
Revises: 0013
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'stat_daily',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('product_id', sa.BigInteger(), nullable=False),
        sa.Column('division', sa.String(length=8), nullable=False),
        sa.Column('measure', sa.String(length=24), nullable=False),
        sa.Column('detail', sa.String(length=32), nullable=False),
        sa.Column('count', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            'day', 'product_id', 'division', 'measure', 'detail', name=op.f('pk_stat_daily')
        ),
    )
    op.create_table(
        'stat_watermark',
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('last_id', sa.BigInteger(), nullable=True),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('source', name=op.f('pk_stat_watermark')),
    )
    op.create_index('ix_label_status_changed_at', 'label', ['status_changed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_label_status_changed_at', table_name='label')
    op.drop_table('stat_watermark')
    op.drop_table('stat_daily')
