"""picking lots and short picks: what lot, expiry and serial each pick took; short units per line; why an order stopped short (issue 6)

``picked_lots`` keeps the GS1 lot (AI 10), expiry (AI 17) and serial (AI 21) of the units a pick
took, per task line (traceability: which orders got lot X). ``task_lines.short_qty`` is what the
picker declared missing in that bin. ``orders.short_reason`` says why an order stopped at picking
(status ``short``: a line short in every bin).

Revision ID: 0012_picking_lots
Revises: 0011_supervisor_pages
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012_picking_lots'
down_revision: Union[str, Sequence[str], None] = '0011_supervisor_pages'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('picked_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_line_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('bin_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('lot', sa.String(length=20), nullable=True),
    sa.Column('expiry', sa.Date(), nullable=True),
    sa.Column('serial', sa.String(length=20), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('picked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('units > 0', name=op.f('ck_picked_lots_units')),
    sa.ForeignKeyConstraint(['bin_id'], ['bins.id'], name=op.f('fk_picked_lots_bin_id_bins')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_picked_lots_order_id_orders')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_picked_lots_product_id_products')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_picked_lots_station_id_stations')),
    sa.ForeignKeyConstraint(['task_line_id'], ['task_lines.id'], name=op.f('fk_picked_lots_task_line_id_task_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_picked_lots'))
    )
    with op.batch_alter_table('picked_lots', schema=None) as batch_op:
        batch_op.create_index('ix_picked_lots_lot', ['lot', 'product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_picked_lots_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_picked_lots_task_line_id'), ['task_line_id'], unique=False)
    with op.batch_alter_table('task_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_qty', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_reason', sa.String(length=200), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('short_reason')
    with op.batch_alter_table('task_lines', schema=None) as batch_op:
        batch_op.drop_column('short_qty')
    with op.batch_alter_table('picked_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_picked_lots_task_line_id'))
        batch_op.drop_index(batch_op.f('ix_picked_lots_order_id'))
        batch_op.drop_index('ix_picked_lots_lot')
    op.drop_table('picked_lots')
