"""Activation on the packing line and aggregation (issue 15 points 2-3): the products' and
licences' ``requires_activation`` flag, the batch's copy of it at issue, a label's
``activated_at``; packages (cartons, pallets) and the units packed in them. Label status gains
``inactive`` (a string enum: no schema change).

Revision ID: 0030
Revises: 0026
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.core.models.BigIntPK, and the foreign keys that refer to such keys.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _flag() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("requires_activation", sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    # Plain ADD COLUMN, not batch: a batch rebuild on SQLite would DROP these tables, which the
    # foreign keys pointing at them refuse once rows exist.
    op.add_column("gi_product", _flag())
    op.add_column("licence", _flag())
    op.add_column("label_batch", _flag())
    op.add_column("label", sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "package",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("carton", "pallet", name="packagekind", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_package_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["package.id"], name=op.f("fk_package_parent_id_package")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package")),
        sa.UniqueConstraint("code", name=op.f("uq_package_code")),
    )
    op.create_index("ix_package_enterprise_id", "package", ["enterprise_id"])
    op.create_index("ix_package_parent_id", "package", ["parent_id"])
    op.create_table(
        "package_unit",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("package_id", ID, nullable=False),
        sa.ForeignKeyConstraint(["code"], ["label.code"], name=op.f("fk_package_unit_code_label")),
        sa.ForeignKeyConstraint(
            ["package_id"], ["package.id"], name=op.f("fk_package_unit_package_id_package")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_package_unit")),
    )
    op.create_index("ix_package_unit_package_id", "package_unit", ["package_id"])


def downgrade() -> None:
    op.drop_table("package_unit")
    op.drop_table("package")
    # SQLite's own DROP COLUMN (3.35+), not a batch rebuild (see 0007's downgrade).
    op.execute("ALTER TABLE label DROP COLUMN activated_at")
    for table in ("label_batch", "licence", "gi_product"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN requires_activation")
