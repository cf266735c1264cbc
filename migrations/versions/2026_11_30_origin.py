"""Origin (issue 15 point 1): growing bases, harvests, purchases, the draws lots make on
them, protected-area polygons; a product's processing factor and ``requires_origin``; a
batch's public origin (county, township, harvest year).

Existing products keep working as before: factor 1, origin records not required; existing
batches have no public origin.

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch rebuild: rebuilding gi_product or label_batch on SQLite
    # would DROP TABLE it, which the foreign keys pointing at it refuse once rows exist.
    op.add_column(
        "gi_product",
        sa.Column(
            "processing_factor",
            sa.Numeric(precision=6, scale=4),
            nullable=False,
            server_default="1",
        ),
    )
    op.add_column(
        "gi_product",
        sa.Column("requires_origin", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("label_batch", sa.Column("origin_public", sa.JSON(), nullable=True))

    op.create_table(
        "growing_base",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=False),
        sa.Column("area_mu", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("polygon", sa.JSON(), nullable=True),
        *_timestamps(),
        _fk("growing_base", "enterprise_id", "enterprise"),
        _fk("growing_base", "product_id", "gi_product"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_growing_base")),
    )
    op.create_index("ix_growing_base_enterprise_id", "growing_base", ["enterprise_id"])
    op.create_index("ix_growing_base_product_id", "growing_base", ["product_id"])

    op.create_table(
        "origin_harvest",
        sa.Column("id", ID, nullable=False),
        sa.Column("base_id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("harvested_on", sa.Date(), nullable=False),
        sa.Column("quantity_kg", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("recorded_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quantity_kg > 0", name=op.f("ck_origin_harvest_positive_quantity")
        ),
        _fk("origin_harvest", "base_id", "growing_base"),
        _fk("origin_harvest", "enterprise_id", "enterprise"),
        _fk("origin_harvest", "recorded_by_id", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_origin_harvest")),
    )
    op.create_index("ix_origin_harvest_base_id", "origin_harvest", ["base_id"])
    op.create_index("ix_origin_harvest_enterprise_id", "origin_harvest", ["enterprise_id"])

    op.create_table(
        "origin_purchase",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("seller_kind", sa.String(length=16), nullable=False),
        sa.Column("seller_name", sa.String(length=200), nullable=False),
        sa.Column("seller_base_id", ID, nullable=True),
        sa.Column("seller_enterprise_id", ID, nullable=True),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=False),
        sa.Column("purchased_on", sa.Date(), nullable=False),
        sa.Column("harvest_year", sa.Integer(), nullable=False),
        sa.Column("quantity_kg", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("recorded_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quantity_kg > 0", name=op.f("ck_origin_purchase_positive_quantity")
        ),
        _fk("origin_purchase", "enterprise_id", "enterprise"),
        _fk("origin_purchase", "product_id", "gi_product"),
        _fk("origin_purchase", "seller_base_id", "growing_base"),
        _fk("origin_purchase", "seller_enterprise_id", "enterprise"),
        _fk("origin_purchase", "recorded_by_id", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_origin_purchase")),
    )
    op.create_index("ix_origin_purchase_enterprise_id", "origin_purchase", ["enterprise_id"])
    op.create_index("ix_origin_purchase_product_id", "origin_purchase", ["product_id"])

    op.create_table(
        "origin_lot_draw",
        sa.Column("id", ID, nullable=False),
        sa.Column("batch_id", ID, nullable=False),
        sa.Column("harvest_id", ID, nullable=True),
        sa.Column("purchase_id", ID, nullable=True),
        sa.Column("quantity_kg", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quantity_kg > 0", name=op.f("ck_origin_lot_draw_positive_quantity")
        ),
        sa.CheckConstraint(
            "(harvest_id IS NULL) <> (purchase_id IS NULL)",
            name=op.f("ck_origin_lot_draw_one_source"),
        ),
        _fk("origin_lot_draw", "batch_id", "label_batch"),
        _fk("origin_lot_draw", "harvest_id", "origin_harvest"),
        _fk("origin_lot_draw", "purchase_id", "origin_purchase"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_origin_lot_draw")),
    )
    op.create_index("ix_origin_lot_draw_batch_id", "origin_lot_draw", ["batch_id"])
    op.create_index("ix_origin_lot_draw_harvest_id", "origin_lot_draw", ["harvest_id"])
    op.create_index("ix_origin_lot_draw_purchase_id", "origin_lot_draw", ["purchase_id"])

    op.create_table(
        "protected_area_shape",
        sa.Column("product_id", ID, nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=True),
        *_timestamps(),
        _fk("protected_area_shape", "product_id", "gi_product"),
        _fk("protected_area_shape", "uploaded_by_id", "app_user"),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_protected_area_shape")),
    )


def downgrade() -> None:
    op.drop_table("protected_area_shape")
    op.drop_table("origin_lot_draw")
    op.drop_table("origin_purchase")
    op.drop_table("origin_harvest")
    op.drop_table("growing_base")
    # SQLite's own DROP COLUMN (3.35+), not a batch rebuild (see upgrade).
    op.execute("ALTER TABLE label_batch DROP COLUMN origin_public")
    op.execute("ALTER TABLE gi_product DROP COLUMN requires_origin")
    op.execute("ALTER TABLE gi_product DROP COLUMN processing_factor")
