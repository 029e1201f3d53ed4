"""returns lookup indexes: order_lines.product_id and return_lines.order_line_id (issue 8)

The returns desk finds a parcel with no paperwork by the items scanned and the customer's
name: product (GTIN, unique) → its order lines → the return lines holding them. Without these
two indexes each lookup scanned both tables (bench/bench_returns_lookup.py, name+item).

Revision ID: 0015_returns_lookup_indexes
Revises: 0014_product_sizes
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0015_returns_lookup_indexes'
down_revision: Union[str, Sequence[str], None] = '0014_product_sizes'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_product_id'), ['product_id'], unique=False)
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_lines_order_line_id'), ['order_line_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_lines_order_line_id'))
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_product_id'))
