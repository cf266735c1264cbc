"""Inspections and notices: batch measures, revocation reversal, published draw inputs,
the public notice table (issue 6).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:22:49.646913
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('public_notice',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('plan', 'inspection', 'recall', 'revocation', 'revocation_reversed', 'licence_withdrawal', name='noticekind', native_enum=False, length=24), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('product_name_zh', sa.String(length=100), nullable=True),
    sa.Column('product_name_en', sa.String(length=200), nullable=True),
    sa.Column('enterprise_name', sa.String(length=200), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('licence_number', sa.String(length=40), nullable=True),
    sa.Column('lot_number', sa.String(length=64), nullable=True),
    sa.Column('report_number', sa.String(length=64), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('case_number', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['gi_product.id'], name=op.f('fk_public_notice_product_id_gi_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_notice')),
    sa.UniqueConstraint('kind', 'subject_id', name=op.f('uq_public_notice_kind_subject_id'))
    )
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_notice_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_notice_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_notice_published_at'), ['published_at'], unique=False)

    op.create_table('batch_measure',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('suspend', 'clear', 'recall', name='batchmeasurekind', native_enum=False, length=12), nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('case_number', sa.String(length=64), nullable=True),
    sa.Column('acted_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('acted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['acted_by_id'], ['app_user.id'], name=op.f('fk_batch_measure_acted_by_id_app_user')),
    sa.ForeignKeyConstraint(['batch_id'], ['label_batch.id'], name=op.f('fk_batch_measure_batch_id_label_batch')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_batch_measure_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_measure'))
    )
    with op.batch_alter_table('batch_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_measure_batch_id'), ['batch_id'], unique=False)

    with op.batch_alter_table('inspection_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw_rank', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inspection_assignment_created_by_id_app_user'), 'app_user', ['created_by_id'], ['id'])

    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sample_fraction', sa.Numeric(precision=5, scale=4), nullable=True))
        batch_op.add_column(sa.Column('inspectors_per_target', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('draw_input', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('revocation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_batch_status', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('reversed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_revocation_reversed_by_id_app_user'), 'app_user', ['reversed_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('revocation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_revocation_reversed_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('reversed_by_id')
        batch_op.drop_column('previous_batch_status')

    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_column('draw_input')
        batch_op.drop_column('inspectors_per_target')
        batch_op.drop_column('sample_fraction')

    with op.batch_alter_table('inspection_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspection_assignment_created_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('draw_rank')

    with op.batch_alter_table('batch_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_measure_batch_id'))

    op.drop_table('batch_measure')
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_notice_published_at'))
        batch_op.drop_index(batch_op.f('ix_public_notice_product_id'))
        batch_op.drop_index(batch_op.f('ix_public_notice_kind'))

    op.drop_table('public_notice')
