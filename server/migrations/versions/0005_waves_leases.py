"""waves and leases: unreleased pick tasks, waves and release policies, task leases (expiry, taken from), reorder points

Revision ID: 0005_waves_leases
Revises: 0004_intake
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005_waves_leases'
down_revision: Union[str, Sequence[str], None] = '0004_intake'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (every existing task stays released: the floor runs on as before)."""
    op.create_table('waves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waves'))
    )
    op.create_table('release_policies',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('keep_waiting', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_release_policies'))
    )
    op.create_table('reorder_points',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('point', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_reorder_points_product_id_products')),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_reorder_points'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wave_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_wave_id'), ['wave_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_wave_id_waves'), 'waves', ['wave_id'], ['id'])
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('taken_from_station_id', sa.Integer(), nullable=True))
        batch_op.drop_index('ix_tasks_queue')
        batch_op.create_index('ix_tasks_queue', ['kind', 'status', 'released', 'priority', 'id'], unique=False)
        batch_op.create_index('ix_tasks_lease', ['kind', 'status', 'lease_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_taken_from_station_id'), ['taken_from_station_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tasks_taken_from_station_id_stations'), 'stations',
                                    ['taken_from_station_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema (orders waiting for a wave are released: nothing would hold them back)."""
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_taken_from_station_id_stations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tasks_taken_from_station_id'))
        batch_op.drop_index('ix_tasks_lease')
        batch_op.drop_index('ix_tasks_queue')
        batch_op.create_index('ix_tasks_queue', ['kind', 'status', 'priority', 'id'], unique=False)
        batch_op.drop_column('taken_from_station_id')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('released')
    op.execute("UPDATE orders SET status = 'allocated' WHERE status = 'released'")
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_wave_id_waves'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_wave_id'))
        batch_op.drop_column('wave_id')
    op.drop_table('reorder_points')
    op.drop_table('release_policies')
    op.drop_table('waves')
