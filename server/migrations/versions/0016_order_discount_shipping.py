"""order discount and shipping apart: orders.discount_cents and orders.shipping_cents (issue 8)

The refund policy prorates an order discount over its lines and refunds outbound shipping on a
merchant fault; intake now keeps both as the channel sent them (Shopify total_discounts and
shipping_lines, WooCommerce discount_total and shipping_total, CSV discount and shipping).
NULL for orders taken before: the refund reads them from the total as it did.

Revision ID: 0016_order_discount_shipping
Revises: 0015_returns_lookup_indexes
Create Date: 2026-11-29

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0016_order_discount_shipping'
down_revision: Union[str, Sequence[str], None] = '0015_returns_lookup_indexes'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shipping_cents', sa.Integer(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('shipping_cents')
        batch_op.drop_column('discount_cents')
