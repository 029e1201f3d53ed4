"""product sizes: the outer size of a unit, for the packing bench's box proposal (issue 12)

``products.length_mm``, ``width_mm``, ``height_mm``: all three or none (CHECK ``size``); a
product not measured is proposed a box by weight alone.

Revision ID: 0014_product_sizes
Revises: 0013_warehouses
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0014_product_sizes'
down_revision: Union[str, Sequence[str], None] = '0013_warehouses'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SIZE = ("(length_mm IS NULL AND width_mm IS NULL AND height_mm IS NULL) OR "
        "(length_mm IS NOT NULL AND width_mm IS NOT NULL AND height_mm IS NOT NULL "
        "AND length_mm > 0 AND width_mm > 0 AND height_mm > 0)")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('length_mm', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('width_mm', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height_mm', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_products_size'), SIZE)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_products_size'), type_='check')
        batch_op.drop_column('height_mm')
        batch_op.drop_column('width_mm')
        batch_op.drop_column('length_mm')
