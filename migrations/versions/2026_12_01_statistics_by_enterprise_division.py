"""The statistics file an enterprise's counts under its ``division_code`` (the county of its
registered address, the division of every bureau's jurisdiction), no longer under the office
that registered its USCC; ``stat_counted_division`` records, per enterprise, the division its
counts in ``stat_daily`` are filed under.

Data: where the roll-up has already run, every enterprise is recorded under the division the
old rule filed it under. The next refresh (the ``statistics.refresh`` job, every three
minutes) then moves the counts of each enterprise whose ``division_code`` differs, as it moves
those of an enterprise a bureau later corrects: no step for the operator, and the figures are
right again within minutes of the upgrade. The
counts are not recomputed here: ``stat_daily`` outlives the 180-day scan retention, and the
scans' verdicts and regions past it exist nowhere else, so a rebuild would lose them; and a
scan's region needs the deployment's locator, which only the application has. The one thing
a move cannot reach is those old scans: they stay in the division they were filed under
(``app.statistics.rollup``).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core import divisions

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNKNOWN_DIVISION = "unknown"
NATIONAL = "100000"


def old_rule_division(uscc: str) -> str:
    """The division the roll-up filed an enterprise's counts under until this revision
    (``division_of_uscc`` as it was): today's equivalent of the USCC's registering office,
    the first where it has several, "unknown" for a national or unknown office."""
    code = uscc[2:8] if len(uscc) == 18 else ""
    if not code.isdigit() or code == NATIONAL or not divisions.is_known(code):
        return UNKNOWN_DIVISION
    current = divisions.current_equivalents(code)
    return current[0] if current else UNKNOWN_DIVISION


def upgrade() -> None:
    counted = op.create_table(
        "stat_counted_division",
        sa.Column("enterprise_id", sa.BigInteger(), nullable=False),
        sa.Column("division", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("enterprise_id", name=op.f("pk_stat_counted_division")),
    )
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT COUNT(*) FROM stat_watermark")).scalar_one():
        return  # the roll-up never ran: its first run files everything under the new rule
    rows = [
        {"enterprise_id": enterprise_id, "division": old_rule_division(uscc)}
        for enterprise_id, uscc in connection.execute(sa.text("SELECT id, uscc FROM enterprise"))
    ]
    if rows:
        op.bulk_insert(counted, rows)


def downgrade() -> None:
    # The counts stay where the last refresh filed them; the old code reads them as they are.
    op.drop_table("stat_counted_division")
