"""Initial schema: every table of DESIGN §3, and the append-only guard on the audit ledger.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 05:32:17.808379
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The audit ledger is append-only; on PostgreSQL the database itself refuses to change it,
# so even a compromised app role or a careless operator cannot rewrite history in place.
AUDIT_GUARD = (
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    op.create_index(op.f('ix_audit_event_action'), 'audit_event', ['action'], unique=False)
    op.create_index('ix_audit_event_object', 'audit_event', ['object_type', 'object_id'], unique=False)
    op.create_table('enterprise',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('credit_standing', sa.Enum('normal', 'red_list', 'black_list', name='creditstanding', native_enum=False, length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('uscc', name=op.f('uq_enterprise_uscc'))
    )
    op.create_index(op.f('ix_enterprise_name'), 'enterprise', ['name'], unique=False)
    op.create_table('gi_product',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('route', sa.Enum('protected_product', 'collective_mark', 'certification_mark', 'agri_product_gi', name='legalroute', native_enum=False, length=24), nullable=False),
    sa.Column('standard_number', sa.String(length=100), nullable=True),
    sa.Column('announcement_number', sa.String(length=100), nullable=True),
    sa.Column('trademark', sa.String(length=100), nullable=True),
    sa.Column('trademark_reg_number', sa.String(length=50), nullable=True),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('protected_area', sa.Text(), nullable=False),
    sa.Column('standard_yield_kg_per_mu', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('default_pack_size_kg', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('auto_approve_batches', sa.Boolean(), nullable=False),
    sa.Column('clone_distinct_sources', sa.Integer(), nullable=False),
    sa.Column('clone_window_hours', sa.Integer(), nullable=False),
    sa.Column('clone_max_speed_kmh', sa.Integer(), nullable=False),
    sa.Column('artwork', sa.LargeBinary(), nullable=True),
    sa.Column('artwork_media_type', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gi_product')),
    sa.UniqueConstraint('code', name=op.f('uq_gi_product_code'))
    )
    op.create_table('idempotency_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_idempotency_record_scope_key'))
    )
    op.create_table('label_scan_stat',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('scan_count', sa.BigInteger(), nullable=False),
    sa.Column('first_scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_latitude', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.Column('last_longitude', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.Column('last_located_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('suspect_reason', sa.String(length=32), nullable=True),
    sa.Column('suspect_evidence', sa.JSON(), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_label_scan_stat'))
    )
    op.create_index(op.f('ix_label_scan_stat_flagged_at'), 'label_scan_stat', ['flagged_at'], unique=False)
    op.create_table('scan',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verdict', sa.String(length=32), nullable=False),
    sa.Column('network_prefix', sa.String(length=49), nullable=False),
    sa.Column('source_hash', sa.String(length=32), nullable=False),
    sa.Column('ua_family', sa.String(length=16), nullable=False),
    sa.Column('os_family', sa.String(length=16), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scan'))
    )
    op.create_index('ix_scan_code_scanned_at', 'scan', ['code', 'scanned_at'], unique=False)
    op.create_index(op.f('ix_scan_scanned_at'), 'scan', ['scanned_at'], unique=False)
    op.create_table('scan_daily',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('scans', sa.Integer(), nullable=False),
    sa.Column('distinct_sources', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', 'day', name=op.f('pk_scan_daily'))
    )
    op.create_table('scan_salt',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_scan_salt'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'regulator', 'inspector', 'licensee', name='role', native_enum=False, length=24), nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_app_user_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_index(op.f('ix_app_user_enterprise_id'), 'app_user', ['enterprise_id'], unique=False)
    op.create_table('gi_test_item',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('min_value', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('max_value', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('method', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['gi_product.id'], name=op.f('fk_gi_test_item_product_id_gi_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gi_test_item')),
    sa.UniqueConstraint('product_id', 'code', name=op.f('uq_gi_test_item_product_id_code'))
    )
    op.create_table('licence',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.Enum('pending', 'active', 'suspended', 'withdrawn', 'rejected', 'expired', name='licencestatus', native_enum=False, length=24), nullable=False),
    sa.Column('production_area_mu', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('production_location', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('case_number', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_licence_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['product_id'], ['gi_product.id'], name=op.f('fk_licence_product_id_gi_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence')),
    sa.UniqueConstraint('number', name=op.f('uq_licence_number'))
    )
    op.create_index(op.f('ix_licence_enterprise_id'), 'licence', ['enterprise_id'], unique=False)
    op.create_index(op.f('ix_licence_product_id'), 'licence', ['product_id'], unique=False)
    op.create_index(op.f('ix_licence_status'), 'licence', ['status'], unique=False)
    op.create_table('api_key',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('admin', 'regulator', 'inspector', 'licensee', name='role', native_enum=False, length=24), nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_api_key_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_api_key_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_key_prefix'))
    )
    op.create_index(op.f('ix_api_key_enterprise_id'), 'api_key', ['enterprise_id'], unique=False)
    op.create_table('inspection_plan',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('population', sa.Enum('licences', 'batches', name='planpopulation', native_enum=False, length=12), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_inspection_plan_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['product_id'], ['gi_product.id'], name=op.f('fk_inspection_plan_product_id_gi_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plan'))
    )
    op.create_table('inspector_conflict',
    sa.Column('inspector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_inspector_conflict_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['inspector_id'], ['app_user.id'], name=op.f('fk_inspector_conflict_inspector_id_app_user')),
    sa.PrimaryKeyConstraint('inspector_id', 'enterprise_id', name=op.f('pk_inspector_conflict'))
    )
    op.create_table('label_batch',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lot_number', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('production_date', sa.Date(), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('season', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'approved', 'rejected', 'issued', 'suspended', 'recalled', 'revoked', name='batchstatus', native_enum=False, length=24), nullable=False),
    sa.Column('requested_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('key_id', sa.String(length=1), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_label_batch_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['licence_id'], ['licence.id'], name=op.f('fk_label_batch_licence_id_licence')),
    sa.ForeignKeyConstraint(['product_id'], ['gi_product.id'], name=op.f('fk_label_batch_product_id_gi_product')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['app_user.id'], name=op.f('fk_label_batch_requested_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_batch')),
    sa.UniqueConstraint('licence_id', 'lot_number', name=op.f('uq_label_batch_licence_id_lot_number'))
    )
    op.create_index(op.f('ix_label_batch_enterprise_id'), 'label_batch', ['enterprise_id'], unique=False)
    op.create_index(op.f('ix_label_batch_licence_id'), 'label_batch', ['licence_id'], unique=False)
    op.create_index(op.f('ix_label_batch_product_id'), 'label_batch', ['product_id'], unique=False)
    op.create_index(op.f('ix_label_batch_status'), 'label_batch', ['status'], unique=False)
    op.create_table('refresh_token',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_refresh_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    op.create_index(op.f('ix_refresh_token_user_id'), 'refresh_token', ['user_id'], unique=False)
    op.create_table('inspection_assignment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('inspector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['label_batch.id'], name=op.f('fk_inspection_assignment_batch_id_label_batch')),
    sa.ForeignKeyConstraint(['inspector_id'], ['app_user.id'], name=op.f('fk_inspection_assignment_inspector_id_app_user')),
    sa.ForeignKeyConstraint(['licence_id'], ['licence.id'], name=op.f('fk_inspection_assignment_licence_id_licence')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'], name=op.f('fk_inspection_assignment_plan_id_inspection_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_assignment'))
    )
    op.create_index(op.f('ix_inspection_assignment_batch_id'), 'inspection_assignment', ['batch_id'], unique=False)
    op.create_index(op.f('ix_inspection_assignment_inspector_id'), 'inspection_assignment', ['inspector_id'], unique=False)
    op.create_index(op.f('ix_inspection_assignment_plan_id'), 'inspection_assignment', ['plan_id'], unique=False)
    op.create_table('label',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'void', 'revoked', name='labelstatus', native_enum=False, length=8), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by_id', sa.BigInteger(), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('revocation_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['label_batch.id'], name=op.f('fk_label_batch_id_label_batch')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_label')),
    sa.UniqueConstraint('batch_id', 'serial', name=op.f('uq_label_batch_id_serial'))
    )
    op.create_table('revocation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scope', sa.Enum('licence', 'batch', 'labels', name='revocationscope', native_enum=False, length=12), nullable=False),
    sa.Column('licence_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('label_count', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('revoked_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reversal_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['label_batch.id'], name=op.f('fk_revocation_batch_id_label_batch')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_revocation_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['licence_id'], ['licence.id'], name=op.f('fk_revocation_licence_id_licence')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['app_user.id'], name=op.f('fk_revocation_revoked_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revocation'))
    )
    op.create_index(op.f('ix_revocation_batch_id'), 'revocation', ['batch_id'], unique=False)
    op.create_index(op.f('ix_revocation_enterprise_id'), 'revocation', ['enterprise_id'], unique=False)
    op.create_index(op.f('ix_revocation_licence_id'), 'revocation', ['licence_id'], unique=False)
    op.create_table('inspection',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('inspector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('sample_id', sa.String(length=64), nullable=False),
    sa.Column('sampled_on', sa.Date(), nullable=False),
    sa.Column('sampling_place', sa.String(length=200), nullable=False),
    sa.Column('lab', sa.String(length=200), nullable=False),
    sa.Column('report_number', sa.String(length=64), nullable=False),
    sa.Column('result', sa.Enum('pass', 'fail', name='inspectionresult', native_enum=False, length=8), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['inspection_assignment.id'], name=op.f('fk_inspection_assignment_id_inspection_assignment')),
    sa.ForeignKeyConstraint(['batch_id'], ['label_batch.id'], name=op.f('fk_inspection_batch_id_label_batch')),
    sa.ForeignKeyConstraint(['inspector_id'], ['app_user.id'], name=op.f('fk_inspection_inspector_id_app_user')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_inspection_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection')),
    sa.UniqueConstraint('report_number', name=op.f('uq_inspection_report_number'))
    )
    op.create_index(op.f('ix_inspection_batch_id'), 'inspection', ['batch_id'], unique=False)
    op.create_table('consumer_report',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('enterprise_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('what_was_seen', sa.Text(), nullable=False),
    sa.Column('where_bought', sa.Text(), nullable=True),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_media_type', sa.String(length=20), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('new', 'investigating', 'resolved', 'dismissed', name='reportstatus', native_enum=False, length=24), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('revocation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('handled_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_consumer_report_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['app_user.id'], name=op.f('fk_consumer_report_handled_by_id_app_user')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_consumer_report_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['revocation_id'], ['revocation.id'], name=op.f('fk_consumer_report_revocation_id_revocation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_report'))
    )
    op.create_index(op.f('ix_consumer_report_code'), 'consumer_report', ['code'], unique=False)
    op.create_index(op.f('ix_consumer_report_enterprise_id'), 'consumer_report', ['enterprise_id'], unique=False)
    op.create_index(op.f('ix_consumer_report_status'), 'consumer_report', ['status'], unique=False)
    op.create_table('inspection_item',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('inspection_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('test_item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('measured_value', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_item_inspection_id_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['test_item_id'], ['gi_test_item.id'], name=op.f('fk_inspection_item_test_item_id_gi_test_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_item')),
    sa.UniqueConstraint('inspection_id', 'test_item_id', name=op.f('uq_inspection_item_inspection_id_test_item_id'))
    )

    trust_epoch = op.create_table('trust_epoch',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_epoch'))
    )
    op.bulk_insert(trust_epoch, [{'id': 1, 'value': 0}])
    if _is_postgresql():
        for statement in AUDIT_GUARD:
            op.execute(statement)

def downgrade() -> None:
    if _is_postgresql():
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER audit_event_no_update_delete ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table('inspection_item')
    op.drop_index(op.f('ix_consumer_report_status'), table_name='consumer_report')
    op.drop_index(op.f('ix_consumer_report_enterprise_id'), table_name='consumer_report')
    op.drop_index(op.f('ix_consumer_report_code'), table_name='consumer_report')
    op.drop_table('consumer_report')
    op.drop_index(op.f('ix_inspection_batch_id'), table_name='inspection')
    op.drop_table('inspection')
    op.drop_index(op.f('ix_revocation_licence_id'), table_name='revocation')
    op.drop_index(op.f('ix_revocation_enterprise_id'), table_name='revocation')
    op.drop_index(op.f('ix_revocation_batch_id'), table_name='revocation')
    op.drop_table('revocation')
    op.drop_table('label')
    op.drop_index(op.f('ix_inspection_assignment_plan_id'), table_name='inspection_assignment')
    op.drop_index(op.f('ix_inspection_assignment_inspector_id'), table_name='inspection_assignment')
    op.drop_index(op.f('ix_inspection_assignment_batch_id'), table_name='inspection_assignment')
    op.drop_table('inspection_assignment')
    op.drop_index(op.f('ix_refresh_token_user_id'), table_name='refresh_token')
    op.drop_table('refresh_token')
    op.drop_index(op.f('ix_label_batch_status'), table_name='label_batch')
    op.drop_index(op.f('ix_label_batch_product_id'), table_name='label_batch')
    op.drop_index(op.f('ix_label_batch_licence_id'), table_name='label_batch')
    op.drop_index(op.f('ix_label_batch_enterprise_id'), table_name='label_batch')
    op.drop_table('label_batch')
    op.drop_table('inspector_conflict')
    op.drop_table('inspection_plan')
    op.drop_index(op.f('ix_api_key_enterprise_id'), table_name='api_key')
    op.drop_table('api_key')
    op.drop_index(op.f('ix_licence_status'), table_name='licence')
    op.drop_index(op.f('ix_licence_product_id'), table_name='licence')
    op.drop_index(op.f('ix_licence_enterprise_id'), table_name='licence')
    op.drop_table('licence')
    op.drop_table('gi_test_item')
    op.drop_index(op.f('ix_app_user_enterprise_id'), table_name='app_user')
    op.drop_table('app_user')
    op.drop_table('scan_salt')
    op.drop_table('scan_daily')
    op.drop_index(op.f('ix_scan_scanned_at'), table_name='scan')
    op.drop_index('ix_scan_code_scanned_at', table_name='scan')
    op.drop_table('scan')
    op.drop_index(op.f('ix_label_scan_stat_flagged_at'), table_name='label_scan_stat')
    op.drop_table('label_scan_stat')
    op.drop_table('idempotency_record')
    op.drop_table('trust_epoch')
    op.drop_table('gi_product')
    op.drop_index(op.f('ix_enterprise_name'), table_name='enterprise')
    op.drop_table('enterprise')
    op.drop_index('ix_audit_event_object', table_name='audit_event')
    op.drop_index(op.f('ix_audit_event_action'), table_name='audit_event')
    op.drop_table('audit_event')
