"""Organisations and jurisdictions (issue 14 points 1–2): the bodies staff work for, each with
a GB/T 2260 division; an enterprise's division (its registered address's county).

Data: existing ``regulator`` accounts become members of a market-supervision bureau at region
level (内蒙古自治区市场监督管理局, 150000), ``inspector`` accounts of a laboratory, ``admin``
accounts of the platform operator (each organisation made only if such accounts exist). API
keys act for their creator's organisation, so they follow their users with no change here.
Enterprises get the division of their registered address: the demo's enterprises their real
counties (by name: the demo register is known), any other the current division its USCC's
registration office lies in (characters 3–8), where GB/T 2260 names exactly one.

Revision ID: 0026
Revises: 0032
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core import divisions

revision: str = "0026"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
FK = "fk_app_user_organisation_id_organisation"

# The demo register's enterprises and the county of their registered address (app.demo.data).
DEMO_COUNTIES = {
    "五原县演示葵花籽加工有限公司": "150821",
    "五原县演示向日葵种植专业合作社": "150821",
    "乌海市海勃湾区演示葡萄种植专业合作社": "150302",
    "乌拉特中旗演示牧业有限公司": "150824",
    "磴口县演示瓜果专业合作社": "150822",
    "巴彦淖尔市演示面业有限公司": "150802",
    "乌海市乌达区演示葡萄酒庄有限公司": "150304",
}
# role → (name_zh, name_en, kind) of the organisation its existing accounts join.
MIGRATED = {
    "regulator": (
        "内蒙古自治区市场监督管理局",
        "Inner Mongolia Administration for Market Regulation",
        "market_supervision",
    ),
    "inspector": ("检验检测机构（迁移账户）", "Laboratory (migrated accounts)", "laboratory"),
    "admin": ("gimark 平台运营方", "gimark platform operator", "platform_operator"),
}


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", ID, nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("accreditation_number", sa.String(length=60), nullable=True),
        sa.Column("accreditation_scope", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name_zh", name=op.f("uq_organisation_name_zh")),
    )
    op.create_index(
        op.f("ix_organisation_division_code"), "organisation", ["division_code"], unique=False
    )
    # Plain ADD COLUMN, not a batch rebuild: rebuilding app_user or enterprise on SQLite would
    # DROP TABLE them, which the foreign keys pointing at them refuse once rows exist.
    if _is_sqlite():
        op.execute(
            "ALTER TABLE app_user ADD COLUMN organisation_id INTEGER"
            f" CONSTRAINT {FK} REFERENCES organisation (id)"
        )
    else:
        op.add_column("app_user", sa.Column("organisation_id", ID, nullable=True))
        op.create_foreign_key(FK, "app_user", "organisation", ["organisation_id"], ["id"])
    op.create_index("ix_app_user_organisation_id", "app_user", ["organisation_id"], unique=False)
    op.add_column("enterprise", sa.Column("division_code", sa.String(length=6), nullable=True))
    op.create_index("ix_enterprise_division_code", "enterprise", ["division_code"], unique=False)
    _staff_into_organisations()
    _enterprise_divisions()


def _staff_into_organisations() -> None:
    connection = op.get_bind()
    for role, (name_zh, name_en, kind) in MIGRATED.items():
        if connection.execute(
            sa.text("SELECT COUNT(*) FROM app_user WHERE role = :role"), {"role": role}
        ).scalar_one():
            organisation_id = connection.execute(
                sa.text(
                    "INSERT INTO organisation (name_zh, name_en, kind, division_code,"
                    " created_at, updated_at) VALUES (:zh, :en, :kind, '150000',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
                ),
                {"zh": name_zh, "en": name_en, "kind": kind},
            ).scalar_one()
            connection.execute(
                sa.text("UPDATE app_user SET organisation_id = :org WHERE role = :role"),
                {"org": organisation_id, "role": role},
            )


def uscc_division(uscc: str) -> str | None:
    """Today's division of the office that registered ``uscc``, if exactly one."""
    found = divisions.current_equivalents(uscc[2:8]) if len(uscc) == 18 else ()
    return found[0] if len(found) == 1 else None


def _enterprise_divisions() -> None:
    connection = op.get_bind()
    for enterprise_id, name, uscc in connection.execute(
        sa.text("SELECT id, name, uscc FROM enterprise")
    ).all():
        code = DEMO_COUNTIES.get(name) or uscc_division(uscc)
        if code is not None:
            connection.execute(
                sa.text("UPDATE enterprise SET division_code = :code WHERE id = :id"),
                {"code": code, "id": enterprise_id},
            )


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+), not a batch rebuild (see upgrade).
    op.drop_index("ix_enterprise_division_code", table_name="enterprise")
    op.execute("ALTER TABLE enterprise DROP COLUMN division_code")
    op.drop_index("ix_app_user_organisation_id", table_name="app_user")
    if not _is_sqlite():
        op.drop_constraint(FK, "app_user", type_="foreignkey")
    op.execute("ALTER TABLE app_user DROP COLUMN organisation_id")
    op.drop_index(op.f("ix_organisation_division_code"), table_name="organisation")
    op.drop_table("organisation")
