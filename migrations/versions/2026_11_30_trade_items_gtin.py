"""Trade items with their GTINs (issue 15 point 5): GTINs move from the GI product to the
licensees' items; a batch names the item it packs; a product chooses what its QR carries.

Data: every product that had a GTIN gets, for each enterprise licensed under it, an item named
after the product with that GTIN (as GTIN-14); the enterprise's batches of the product are
linked to it, so Digital Links already printed keep resolving to their verdict, not
``mismatch``; and such a product keeps printing Digital Links (``qr_form`` = digital_link) as
it did. ``gi_product.gtin`` is kept, read-only, for the record; nothing writes or uses it.

Revision ID: 0021
Revises: 0018
Create Date: 2026-11-30 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
FK = "fk_label_batch_item_id_trade_item"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(
        "trade_item",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_trade_item_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["gi_product.id"], name=op.f("fk_trade_item_product_id_gi_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_item")),
        sa.UniqueConstraint("enterprise_id", "gtin", name=op.f("uq_trade_item_enterprise_id_gtin")),
    )
    with op.batch_alter_table("trade_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trade_item_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_trade_item_product_id"), ["product_id"], unique=False)
    # Plain ADD COLUMN, not a batch rebuild: rebuilding label_batch (or gi_product) on SQLite
    # would DROP TABLE it, which the foreign keys pointing at it refuse once labels exist.
    if _is_sqlite():
        op.execute(
            "ALTER TABLE label_batch ADD COLUMN item_id INTEGER"
            f" CONSTRAINT {FK} REFERENCES trade_item (id)"
        )
    else:
        op.add_column("label_batch", sa.Column("item_id", ID, nullable=True))
        op.create_foreign_key(FK, "label_batch", "trade_item", ["item_id"], ["id"])
    op.create_index("ix_label_batch_item_id", "label_batch", ["item_id"], unique=False)
    # Every product so far printed the short URL unless it had a GTIN (see _move_gtins).
    op.add_column(
        "gi_product",
        sa.Column("qr_form", sa.String(length=16), nullable=False, server_default="short_url"),
    )
    _move_gtins()


def _move_gtins() -> None:
    connection = op.get_bind()
    products = connection.execute(
        sa.text("SELECT id, name_zh, gtin FROM gi_product WHERE gtin IS NOT NULL AND gtin <> ''")
    ).all()
    for product_id, name, gtin in products:
        enterprises = connection.execute(
            sa.text(
                "SELECT DISTINCT enterprise_id FROM licence WHERE product_id = :product"
                " ORDER BY enterprise_id"
            ),
            {"product": product_id},
        ).scalars()
        for enterprise_id in list(enterprises):
            item_id = connection.execute(
                sa.text(
                    "INSERT INTO trade_item (enterprise_id, product_id, name, gtin, created_at,"
                    " updated_at) VALUES (:enterprise, :product, :name, :gtin,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
                ),
                {
                    "enterprise": enterprise_id,
                    "product": product_id,
                    "name": name,
                    "gtin": gtin.zfill(14),
                },
            ).scalar_one()
            connection.execute(
                sa.text(
                    "UPDATE label_batch SET item_id = :item"
                    " WHERE enterprise_id = :enterprise AND product_id = :product"
                ),
                {"item": item_id, "enterprise": enterprise_id, "product": product_id},
            )
        connection.execute(
            sa.text("UPDATE gi_product SET qr_form = 'digital_link' WHERE id = :product"),
            {"product": product_id},
        )


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+), not a batch rebuild (see upgrade).
    op.execute("ALTER TABLE gi_product DROP COLUMN qr_form")
    op.drop_index("ix_label_batch_item_id", table_name="label_batch")
    if not _is_sqlite():
        op.drop_constraint(FK, "label_batch", type_="foreignkey")
    op.execute("ALTER TABLE label_batch DROP COLUMN item_id")
    with op.batch_alter_table("trade_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trade_item_product_id"))
        batch_op.drop_index(batch_op.f("ix_trade_item_enterprise_id"))
    op.drop_table("trade_item")
