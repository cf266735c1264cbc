"""A collective or certification mark's registrant association, and its endorsement of each
licence application before the bureau approves it (issue 14 point 2).

Revision ID: 0033
Revises: 0027
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# (table, column, referred table): the naming convention's fk_<table>_<column>_<referred>
FOREIGN_KEYS = (
    ("gi_product", "registrant_organisation_id", "organisation"),
    ("licence", "endorsed_by_id", "app_user"),
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


# Plain ADD COLUMN, not a batch rebuild: rebuilding gi_product or licence on SQLite would DROP
# TABLE them, which the foreign keys pointing at them refuse once rows exist.
def upgrade() -> None:
    for table, column, referred in FOREIGN_KEYS:
        name = f"fk_{table}_{column}_{referred}"
        if _is_sqlite():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} INTEGER"
                f" CONSTRAINT {name} REFERENCES {referred} (id)"
            )
        else:
            op.add_column(table, sa.Column(column, ID, nullable=True))
            op.create_foreign_key(name, table, referred, [column], ["id"])
    op.add_column("licence", sa.Column("endorsed_at", sa.DateTime(timezone=True)))
    op.add_column("licence", sa.Column("endorsement_note", sa.Text()))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+), not a batch rebuild (see upgrade).
    op.execute("ALTER TABLE licence DROP COLUMN endorsement_note")
    op.execute("ALTER TABLE licence DROP COLUMN endorsed_at")
    for table, column, referred in FOREIGN_KEYS:
        if not _is_sqlite():
            op.drop_constraint(f"fk_{table}_{column}_{referred}", table, type_="foreignkey")
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
