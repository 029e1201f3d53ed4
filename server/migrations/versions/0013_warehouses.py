"""warehouses: several warehouses (bins, stations and tasks belong to one), the zone/distance table, routing decisions, order status history, the order's routed warehouse, carrier service and promised delivery date (issue 14)

Every existing bin, station and task belongs to the default warehouse (id 1, ``MAIN``),
created here; the claim index leads with the warehouse after the kind (a station claims its
own warehouse's tasks). Downgrade drops all of it.

Revision ID: 0013_warehouses
Revises: 0012_picking_lots
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0013_warehouses'
down_revision: Union[str, Sequence[str], None] = '0012_picking_lots'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BELONGS = ('bins', 'stations', 'tasks')


def upgrade() -> None:
    """Upgrade schema."""
    warehouses = op.create_table('warehouses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('line1', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=16), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouses')),
    sa.UniqueConstraint('code', name=op.f('uq_warehouses_code'))
    )
    op.bulk_insert(warehouses, [{'id': 1, 'code': 'MAIN', 'name': 'Colis Entrepôt Lyon', 'line1': '1 rue du Dépôt',
                                 'postal_code': '69001', 'city': 'Lyon', 'country': 'FR',
                                 'timezone': 'Europe/Paris', 'active': True}])
    if op.get_bind().dialect.name == 'postgresql':  # the next warehouse added is id 2
        op.execute("SELECT setval(pg_get_serial_sequence('warehouses', 'id'), 1)")
    op.create_table('warehouse_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('postal_prefix', sa.String(length=16), nullable=False),
    sa.Column('km', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_warehouse_zones_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse_zones')),
    sa.UniqueConstraint('warehouse_id', 'country', 'postal_prefix', name='uq_warehouse_zones_key')
    )
    op.create_table('routing_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('service', sa.String(length=24), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_routing_decisions_order_id_orders')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_routing_decisions_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_decisions'))
    )
    op.create_index('ix_routing_decisions_order', 'routing_decisions', ['order_id', 'id'], unique=False)
    op.create_table('order_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_status_changes_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_status_changes'))
    )
    op.create_index('ix_order_status_changes_order', 'order_status_changes', ['order_id', 'at'], unique=False)
    for table in BELONGS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('warehouse_id', sa.Integer(), server_default='1', nullable=False))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_warehouse_id_warehouses'), 'warehouses',
                                        ['warehouse_id'], ['id'])
    with op.batch_alter_table('bins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bins_warehouse_id'), ['warehouse_id'], unique=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_queue')
        batch_op.create_index('ix_tasks_queue', ['kind', 'warehouse_id', 'status', 'released', 'priority', 'id'],
                              unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warehouse_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carrier_service', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('promised_delivery_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('split_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_split_from_id'), ['split_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_warehouse_id_warehouses'), 'warehouses',
                                    ['warehouse_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_orders_split_from_id_orders'), 'orders', ['split_from_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_split_from_id_orders'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_orders_warehouse_id_warehouses'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_split_from_id'))
        batch_op.drop_column('split_from_id')
        batch_op.drop_column('promised_delivery_on')
        batch_op.drop_column('carrier_service')
        batch_op.drop_column('warehouse_id')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_queue')
        batch_op.create_index('ix_tasks_queue', ['kind', 'status', 'released', 'priority', 'id'], unique=False)
    with op.batch_alter_table('bins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bins_warehouse_id'))
    for table in reversed(BELONGS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_warehouse_id_warehouses'), type_='foreignkey')
            batch_op.drop_column('warehouse_id')
    op.drop_index('ix_order_status_changes_order', table_name='order_status_changes')
    op.drop_table('order_status_changes')
    op.drop_index('ix_routing_decisions_order', table_name='routing_decisions')
    op.drop_table('routing_decisions')
    op.drop_table('warehouse_zones')
    op.drop_table('warehouses')
