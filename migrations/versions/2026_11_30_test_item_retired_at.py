"""A GI standard's test item dropped from the standard is retired, not deleted: past
inspections refer to it by foreign key for its code and names.

Revision ID: 0024
Revises: 0020
Create Date: 2026-11-30 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTERs, no batch mode: SQLite adds and drops a column in place (3.35+), where a batch
# copy would drop gi_test_item, which inspection_item's foreign key refuses.
def upgrade() -> None:
    op.add_column("gi_test_item", sa.Column("retired_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("gi_test_item", "retired_at")
