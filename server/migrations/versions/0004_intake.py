"""intake: integrations (webhook secrets), webhook deliveries kept byte for byte, channel orders, API tokens, idempotency keys

Revision ID: 0004_intake
Revises: 0003_count
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004_intake'
down_revision: Union[str, Sequence[str], None] = '0003_count'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('intake_integrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('webhook_secret', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_integrations')),
    sa.UniqueConstraint('name', name=op.f('uq_intake_integrations_name'))
    )
    op.create_table('intake_channel_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('held_reason', sa.Text(), nullable=False),
    sa.Column('source_updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_intake_channel_orders_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_channel_orders')),
    sa.UniqueConstraint('channel', 'external_id', name='uq_intake_channel_orders_channel_external'),
    sa.UniqueConstraint('order_id', name=op.f('uq_intake_channel_orders_order_id'))
    )
    op.create_table('intake_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.String(length=100), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('channel_order_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['channel_order_id'], ['intake_channel_orders.id'], name=op.f('fk_intake_deliveries_channel_order_id_intake_channel_orders')),
    sa.ForeignKeyConstraint(['integration_id'], ['intake_integrations.id'], name=op.f('fk_intake_deliveries_integration_id_intake_integrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_deliveries')),
    sa.UniqueConstraint('integration_id', 'delivery_id', name='uq_intake_deliveries_integration_delivery')
    )
    op.create_table('intake_api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['integration_id'], ['intake_integrations.id'], name=op.f('fk_intake_api_tokens_integration_id_intake_integrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_intake_api_tokens_token_hash'))
    )
    with op.batch_alter_table('intake_api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_api_tokens_integration_id'), ['integration_id'], unique=False)
    op.create_table('intake_idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['integration_id'], ['intake_integrations.id'], name=op.f('fk_intake_idempotency_keys_integration_id_intake_integrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_idempotency_keys')),
    sa.UniqueConstraint('integration_id', 'key', name='uq_intake_idempotency_keys_integration_key')
    )
    with op.batch_alter_table('intake_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_deliveries_channel_order_id'), ['channel_order_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('intake_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_deliveries_channel_order_id'))
    op.drop_table('intake_deliveries')
    op.drop_table('intake_idempotency_keys')
    with op.batch_alter_table('intake_api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_api_tokens_integration_id'))
    op.drop_table('intake_api_tokens')
    op.drop_table('intake_channel_orders')
    op.drop_table('intake_integrations')
