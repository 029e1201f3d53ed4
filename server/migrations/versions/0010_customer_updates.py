"""customer updates: carrier tracking events, the notification outbox and opt-outs, promised delivery dates and the promise watcher's decisions (issue 11)

Revision ID: 0010_customer_updates
Revises: 0009_printer_fleet
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010_customer_updates'
down_revision: Union[str, Sequence[str], None] = '0009_printer_fleet'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('tracking_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_tracking_events_package_id_packages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_events')),
    sa.UniqueConstraint('package_id', 'code', 'occurred_at', name='uq_tracking_events_once')
    )
    op.create_index('ix_tracking_events_package_time', 'tracking_events', ['package_id', 'occurred_at'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('message_id', sa.String(length=160), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_notifications_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_notifications_message_id'))
    )
    op.create_index('ix_notifications_due', 'notifications', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notifications_order_id'), 'notifications', ['order_id'], unique=False)
    op.create_table('notification_opt_outs',
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_notification_opt_outs'))
    )
    op.create_table('order_promises',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('deliver_by', sa.Date(), nullable=True),
    sa.Column('told_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_promises_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_promises'))
    )
    op.create_table('promise_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('cost_cents', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('expected_before', sa.Date(), nullable=True),
    sa.Column('expected_after', sa.Date(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_promise_decisions_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise_decisions'))
    )
    op.create_index(op.f('ix_promise_decisions_order_id'), 'promise_decisions', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_promise_decisions_order_id'), table_name='promise_decisions')
    op.drop_table('promise_decisions')
    op.drop_table('order_promises')
    op.drop_table('notification_opt_outs')
    op.drop_index(op.f('ix_notifications_order_id'), table_name='notifications')
    op.drop_index('ix_notifications_due', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_tracking_events_package_time', table_name='tracking_events')
    op.drop_table('tracking_events')
