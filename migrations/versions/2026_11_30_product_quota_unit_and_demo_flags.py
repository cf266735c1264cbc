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
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _demo_flag() -> sa.Column:
    return sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    with op.batch_alter_table('gi_product') as batch:
        # Every product registered so far counted its quota per mu of land.
        batch.add_column(sa.Column('quota_unit', sa.Enum('mu', 'head', name='quotaunit', native_enum=False, length=24), nullable=False, server_default='mu'))
        batch.add_column(sa.Column('programme_document', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('protected_area_codes', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(_demo_flag())
    with op.batch_alter_table('enterprise') as batch:
        batch.add_column(_demo_flag())
    with op.batch_alter_table('public_notice') as batch:
        batch.add_column(_demo_flag())


def downgrade() -> None:
    with op.batch_alter_table('public_notice') as batch:
        batch.drop_column('is_demo')
    with op.batch_alter_table('enterprise') as batch:
        batch.drop_column('is_demo')
    with op.batch_alter_table('gi_product') as batch:
        for column in ('is_demo', 'protected_area_codes', 'programme_document', 'quota_unit'):
            batch.drop_column(column)
