"""Accounts must change a password someone else set (issue 12): ``app_user.must_change_password``.
Existing accounts chose or were given their password before the rule, so they start cleared.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (a constant default is enough for SQLite): a batch copy of app_user
    # would trip the foreign keys that point at it.
    op.add_column(
        'app_user',
        sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column('app_user', 'must_change_password')
