"""returned to sender: packages.returned_at, status columns wide enough for it (issue 11)

A carrier's "returned to sender" becomes a status of the parcel and, once every parcel is
back, of the order: ``returned_to_sender`` is 18 characters, the status columns were 16.
``packages.returned_at`` keeps the carrier's time of it (the status page and the order's
timeline show it). ``tracking_events.code`` takes DPD's push statuses as DPD writes them
(``delivery_notification``: 21 characters). ``notifications.claimed_at``: when the last try
took the row (a claim found expired is a sender that stopped mid-way, logged as a possible
duplicate when it is sent again).

Revision ID: 0017_returned_to_sender
Revises: 0016_order_discount_shipping
Create Date: 2026-11-29

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0017_returned_to_sender'
down_revision: Union[str, Sequence[str], None] = '0016_order_discount_shipping'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WIDENED = ('orders', 'packages', 'order_status_changes')


def upgrade() -> None:
    """Upgrade schema."""
    for table in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('status', existing_type=sa.String(length=16), type_=sa.String(length=24),
                                  existing_nullable=False)
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=16), type_=sa.String(length=24),
                              existing_nullable=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_column('returned_at')
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=24), type_=sa.String(length=16),
                              existing_nullable=False)
    for table in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('status', existing_type=sa.String(length=24), type_=sa.String(length=16),
                                  existing_nullable=False)
