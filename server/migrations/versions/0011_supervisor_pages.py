"""supervisor pages: orders on hold, badge codes for station sign-in, a station's other devices (issue 9)

``order_holds`` keeps the orders a supervisor put on hold (one row per held order, removed at
release; the audit keeps both). ``users.badge_hash`` is the SHA-256 of a badge code (unique).
``stations.device_status`` is what the station's heartbeat says of its scanner and outbox.

Revision ID: 0011_supervisor_pages
Revises: 0010_customer_updates
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011_supervisor_pages'
down_revision: Union[str, Sequence[str], None] = '0010_customer_updates'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('order_holds',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('task_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_holds_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_holds'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_badge_hash'), ['badge_hash'])
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_status', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_column('device_status')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_badge_hash'), type_='unique')
        batch_op.drop_column('badge_hash')
    op.drop_table('order_holds')
