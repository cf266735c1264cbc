"""Keyset pagination: the scan list and the suspicious-code queue page by (time, tie-breaker),
so their time indexes carry the tie-breaker too (issue 12). Each replaces the index on the time
alone, which every other query (the roll-up's ranges, the retention) reads from the new one just
as well: the hottest write table keeps its number of indexes.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_scan_scanned_at_id', 'scan', ['scanned_at', 'id'], unique=False)
    op.drop_index('ix_scan_scanned_at', table_name='scan')
    op.create_index(
        'ix_label_scan_stat_flagged_at_code', 'label_scan_stat', ['flagged_at', 'code'], unique=False
    )
    op.drop_index('ix_label_scan_stat_flagged_at', table_name='label_scan_stat')


def downgrade() -> None:
    op.create_index('ix_label_scan_stat_flagged_at', 'label_scan_stat', ['flagged_at'], unique=False)
    op.drop_index('ix_label_scan_stat_flagged_at_code', table_name='label_scan_stat')
    op.create_index('ix_scan_scanned_at', 'scan', ['scanned_at'], unique=False)
    op.drop_index('ix_scan_scanned_at_id', table_name='scan')
