"""Hardening (issue 10): the append-only audit guard on SQLite too; the limits in force stored
with each measured inspection item; a recall's cited consumer report.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-30 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL has refused UPDATE, DELETE and TRUNCATE on the ledger since 0001; SQLite has no
# TRUNCATE (a DELETE without WHERE is one, and is refused by the DELETE trigger).
SQLITE_AUDIT_GUARD = tuple(
    f"""CREATE TRIGGER audit_event_no_{op_name.lower()} BEFORE {op_name} ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: {op_name} refused'); END"""
    for op_name in ("UPDATE", "DELETE")
)

# The limits each inspection was judged against, copied from the standard at the time; rows
# recorded before this revision get the limits in force now, the best record there is, and no
# ``decimals`` (the places the lab reported at): displays infer them from the numbers.
LIMIT_COLUMNS = ("min_value", "max_value", "unit", "method")
BACKFILL_LIMITS = (
    "UPDATE inspection_item SET "
    + ", ".join(
        f"{name} = (SELECT t.{name} FROM gi_test_item t WHERE t.id = inspection_item.test_item_id)"
        for name in LIMIT_COLUMNS
    )
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    with op.batch_alter_table('inspection_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_value', sa.Numeric(precision=14, scale=4), nullable=True))
        batch_op.add_column(sa.Column('max_value', sa.Numeric(precision=14, scale=4), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('method', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('decimals', sa.SmallInteger(), nullable=True))
    op.execute(BACKFILL_LIMITS)

    with op.batch_alter_table('batch_measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_batch_measure_report_id_consumer_report'), 'consumer_report', ['report_id'], ['id'])

    if _is_sqlite():
        for statement in SQLITE_AUDIT_GUARD:
            op.execute(statement)


def downgrade() -> None:
    if _is_sqlite():
        op.execute("DROP TRIGGER audit_event_no_delete")
        op.execute("DROP TRIGGER audit_event_no_update")

    with op.batch_alter_table('batch_measure', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_batch_measure_report_id_consumer_report'), type_='foreignkey')
        batch_op.drop_column('report_id')

    with op.batch_alter_table('inspection_item', schema=None) as batch_op:
        batch_op.drop_column('decimals')
        batch_op.drop_column('method')
        batch_op.drop_column('unit')
        batch_op.drop_column('max_value')
        batch_op.drop_column('min_value')
