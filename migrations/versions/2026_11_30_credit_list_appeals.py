"""The credit list (严重违法失信名单) replaces ``enterprise.credit_standing``; the appeal trail
of adverse acts (issue 14, points 5 and 6).

What becomes of ``credit_standing``, value by value:

- ``normal``: nothing; the enterprise is not listed.
- ``black_list`` (serious violations): a credit listing from the day of the migration for
  three years (the longest listing 《市场监督管理严重违法失信名单管理办法》 provides before
  removal), *not published*: the old field recorded no reason, basis or case, so a regulator
  reviews it, ends it early or replaces it with a listing that states its grounds. Its case
  number is ``MIGRATED-<enterprise id>``.
- ``red_list`` (commended): dropped. A commendation blocks and grants nothing in gimark.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MIGRATED_REASON = "由原“信用状况：黑名单”迁移，未记载事由，待监管部门复核"
MIGRATED_BASIS = "《市场监督管理严重违法失信名单管理办法》（待复核）"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _create_tables() -> None:
    op.create_table(
        "credit_listing",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("listed_by_id", ID, nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", ID, nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_credit_listing_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["listed_by_id"], ["app_user.id"], name=op.f("fk_credit_listing_listed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["app_user.id"], name=op.f("fk_credit_listing_ended_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_listing")),
    )
    op.create_index(
        op.f("ix_credit_listing_enterprise_id"), "credit_listing", ["enterprise_id"], unique=False
    )
    op.create_table(
        "appeal_right",
        sa.Column("id", ID, nullable=False),
        sa.Column("enterprise_id", ID, nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acted_on", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("litigation_by", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_appeal_right_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_right")),
    )
    op.create_index(
        op.f("ix_appeal_right_enterprise_id"), "appeal_right", ["enterprise_id"], unique=False
    )


def _migrate_black_list() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    today = now.date()
    # three years on; a 29 February start ends on 28 February
    ends = today.replace(year=today.year + 3, day=min(today.day, 28 if today.month == 2 else 31))
    listed = bind.execute(
        sa.text("SELECT id FROM enterprise WHERE credit_standing = 'black_list'")
    ).scalars()
    listing = sa.table(
        "credit_listing",
        *(
            sa.column(name)
            for name in (
                "enterprise_id",
                "reason",
                "legal_basis",
                "case_number",
                "starts_on",
                "ends_on",
                "published",
                "created_at",
                "updated_at",
            )
        ),
    )
    rows = [
        {
            "enterprise_id": enterprise_id,
            "reason": MIGRATED_REASON,
            "legal_basis": MIGRATED_BASIS,
            "case_number": f"MIGRATED-{enterprise_id}",
            "starts_on": today,
            "ends_on": ends,
            "published": False,
            "created_at": now,
            "updated_at": now,
        }
        for enterprise_id in listed
    ]
    if rows:
        op.bulk_insert(listing, rows)


def upgrade() -> None:
    _create_tables()
    _migrate_black_list()
    # Plain DROP COLUMN on SQLite (3.35+), not a batch rebuild: rebuilding enterprise would
    # DROP TABLE it, which the foreign keys pointing at it refuse once licences exist.
    if _is_sqlite():
        op.execute("ALTER TABLE enterprise DROP COLUMN credit_standing")
    else:
        op.drop_column("enterprise", "credit_standing")


def downgrade() -> None:
    op.add_column(
        "enterprise",
        sa.Column("credit_standing", sa.String(length=24), nullable=False, server_default="normal"),
    )
    op.execute(
        "UPDATE enterprise SET credit_standing = 'black_list' WHERE id IN (SELECT enterprise_id"
        " FROM credit_listing WHERE ended_at IS NULL)"
    )
    op.drop_index(op.f("ix_appeal_right_enterprise_id"), table_name="appeal_right")
    op.drop_table("appeal_right")
    op.drop_index(op.f("ix_credit_listing_enterprise_id"), table_name="credit_listing")
    op.drop_table("credit_listing")
