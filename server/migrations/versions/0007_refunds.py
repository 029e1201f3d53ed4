"""refunds: one refund per return, its status, idempotency key and approver; the local payment provider's table (issue 8)

A return is refunded once: ``refunds.return_id`` becomes unique (server/services/refunds.py
locks the return and relies on it). Refunds already recorded are marked paid by ``migration``
(the old desk recorded only refunds already sent). Downgrade drops the new columns and table.

Revision ID: 0007_refunds
Revises: 0006_security
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007_refunds'
down_revision: Union[str, Sequence[str], None] = '0006_security'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('local_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_local_payments_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_payments')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_local_payments_idempotency_key'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=24), server_default='paid', nullable=False))
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('requested_by', sa.String(length=64), server_default='migration', nullable=False))
        batch_op.add_column(sa.Column('approved_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('provider_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('breakdown', sa.JSON(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_refunds_return_id'))
        batch_op.create_index(batch_op.f('ix_refunds_return_id'), ['return_id'], unique=True)
        batch_op.create_unique_constraint(batch_op.f('uq_refunds_idempotency_key'), ['idempotency_key'])
    # The defaults only filled the rows already there; new rows always name both.
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('requested_by', server_default=None)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_refunds_idempotency_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_refunds_return_id'))
        batch_op.create_index(batch_op.f('ix_refunds_return_id'), ['return_id'], unique=False)
        batch_op.drop_column('breakdown')
        batch_op.drop_column('provider_ref')
        batch_op.drop_column('paid_at')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by')
        batch_op.drop_column('requested_by')
        batch_op.drop_column('idempotency_key')
        batch_op.drop_column('status')

    op.drop_table('local_payments')
