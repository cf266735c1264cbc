"""Supervision data (issue 13): the producer roster, annual use reports, print runs.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "roster_entry",
        sa.Column("id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "grower",
                "processor",
                "trader",
                name="producerkind",
                native_enum=False,
                create_constraint=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("exporter", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("on_roster", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["product_id"], ["gi_product.id"], name=op.f("fk_roster_entry_product_id_gi_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entry")),
        sa.UniqueConstraint("product_id", "uscc", name=op.f("uq_roster_entry_product_id_uscc")),
    )
    with op.batch_alter_table("roster_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_entry_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_roster_entry_uscc"), ["uscc"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_roster_entry_division_code"), ["division_code"], unique=False
        )

    op.create_table(
        "use_report",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("produced_kg", sa.Numeric(16, 3), nullable=False),
        sa.Column("sold_domestic_kg", sa.Numeric(16, 3), nullable=False),
        sa.Column("sold_export_kg", sa.Numeric(16, 3), nullable=False),
        sa.Column("output_value_yuan", sa.Numeric(16, 2), nullable=False),
        sa.Column("labels_applied", sa.Integer(), nullable=False),
        sa.Column("packaging_printed", sa.Integer(), nullable=False),
        sa.Column("sales_channels", sa.Text(), nullable=False),
        sa.Column("authorised_shops", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "accepted",
                "returned",
                name="usereportstatus",
                native_enum=False,
                create_constraint=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_late", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", ID, nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_use_report_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["gi_product.id"], name=op.f("fk_use_report_product_id_gi_product")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["app_user.id"], name=op.f("fk_use_report_decided_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_use_report")),
        sa.UniqueConstraint(
            "enterprise_id",
            "product_id",
            "year",
            name=op.f("uq_use_report_enterprise_id_product_id_year"),
        ),
    )
    with op.batch_alter_table("use_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_use_report_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_use_report_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_use_report_status"), ["status"], unique=False)

    op.create_table(
        "print_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("batch_id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("product_id", ID, nullable=False),
        sa.Column("printer_name", sa.String(length=200), nullable=False),
        sa.Column("printer_uscc", sa.String(length=18), nullable=False),
        sa.Column("printed_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("spoiled", sa.Integer(), nullable=False),
        sa.Column("destroyed", sa.Integer(), nullable=False),
        sa.Column("destroyed_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", ID, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["label_batch.id"], name=op.f("fk_print_run_batch_id_label_batch")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_print_run_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["gi_product.id"], name=op.f("fk_print_run_product_id_gi_product")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["app_user.id"], name=op.f("fk_print_run_recorded_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_run")),
    )
    with op.batch_alter_table("print_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_run_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_print_run_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_print_run_product_id"), ["product_id"], unique=False)


def downgrade() -> None:
    op.drop_table("print_run")
    op.drop_table("use_report")
    op.drop_table("roster_entry")
