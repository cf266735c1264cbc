"""Objection and re-test before a failure goes public (issue 14, point 3): an inspection's
stage, the re-test it decides, the objection window; the objection itself; and an in-gimark
notification list for enterprises.

Revision ID: 0027
Revises: 0030
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN, never a batch copy of the table: on SQLite a copy drops
    # the old ``inspection`` table, and its ON DELETE CASCADE would empty ``inspection_item``.
    # Every result recorded so far was published at once: final.
    op.add_column(
        "inspection",
        sa.Column("stage", sa.String(length=12), nullable=False, server_default="final"),
    )
    # No foreign key: SQLite cannot add one without that copy. The objection's ``retest_id``
    # holds the checked link between the two results.
    op.add_column("inspection", sa.Column("retest_of_id", ID, nullable=True))
    op.add_column("inspection", sa.Column("notified_on", sa.Date(), nullable=True))
    op.add_column("inspection", sa.Column("objection_deadline", sa.Date(), nullable=True))
    op.create_index(op.f("ix_inspection_stage"), "inspection", ["stage"], unique=False)
    op.create_table(
        "inspection_objection",
        sa.Column("id", ID, nullable=False),
        sa.Column("inspection_id", ID, nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("retest_inspector_id", ID, nullable=False),
        sa.Column("retest_lab", sa.String(length=200), nullable=False),
        sa.Column("filed_by_id", ID, nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retest_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
            name=op.f("fk_inspection_objection_inspection_id_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["retest_inspector_id"],
            ["app_user.id"],
            name=op.f("fk_inspection_objection_retest_inspector_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["app_user.id"], name=op.f("fk_inspection_objection_filed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["retest_id"], ["inspection.id"], name=op.f("fk_inspection_objection_retest_id_inspection")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_objection")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_inspection_objection_inspection_id")),
    )
    with op.batch_alter_table("inspection_objection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_objection_retest_inspector_id"),
            ["retest_inspector_id"],
            unique=False,
        )
    op.create_table(
        "notification",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("message_zh", sa.String(length=500), nullable=False),
        sa.Column("message_en", sa.String(length=500), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_notification_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_enterprise_id"), ["enterprise_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("notification")
    op.drop_table("inspection_objection")
    op.drop_index(op.f("ix_inspection_stage"), table_name="inspection")
    for column in ("objection_deadline", "notified_on", "retest_of_id", "stage"):
        op.drop_column("inspection", column)
