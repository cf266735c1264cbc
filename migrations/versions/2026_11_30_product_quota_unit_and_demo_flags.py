"""GI products: quota unit, programme document, protected-area division codes; demo flags on
products, enterprises and notices (issue 10).

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-30 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _demo_flag() -> sa.Column:
    return sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    # Plain ADD COLUMN, not batch: a batch rebuild of gi_product on SQLite would DROP TABLE it,
    # which the foreign keys pointing at it refuse once products exist.
    # Every product registered so far counted its quota per mu of land.
    op.add_column('gi_product', sa.Column('quota_unit', sa.Enum('mu', 'head', name='quotaunit', native_enum=False, length=24), nullable=False, server_default='mu'))
    op.add_column('gi_product', sa.Column('programme_document', sa.String(length=300), nullable=True))
    op.add_column('gi_product', sa.Column('protected_area_codes', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column('gi_product', _demo_flag())
    op.add_column('enterprise', _demo_flag())
    op.add_column('public_notice', _demo_flag())


DROPPED = (
    ('public_notice', 'is_demo'),
    ('enterprise', 'is_demo'),
    ('gi_product', 'is_demo'),
    ('gi_product', 'protected_area_codes'),
    ('gi_product', 'programme_document'),
    ('gi_product', 'quota_unit'),
)


def downgrade() -> None:
    for table, column in DROPPED:
        # SQLite's own DROP COLUMN (3.35+), not a batch rebuild: rebuilding gi_product would
        # DROP TABLE it, and its foreign keys would cascade the delete to the test items.
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
