"""parcel contents: which units went into which parcel of an order (issue 12)

``package_contents``: one row per product per parcel, with its quantity (> 0, one row per
product in a parcel). Written when the packing bench closes an order in one or several
parcels; read by the order page and each parcel's packing slip. Orders packed before this
have no rows: their page says the contents were not recorded.

Revision ID: 0019_parcel_contents
Revises: 0018_scan_operator_search
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0019_parcel_contents'
down_revision: Union[str, Sequence[str], None] = '0018_scan_operator_search'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('package_contents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_package_contents_quantity')),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_package_contents_package_id_packages')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_package_contents_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_contents')),
    sa.UniqueConstraint('package_id', 'product_id', name='uq_package_contents_package_product')
    )
    with op.batch_alter_table('package_contents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_contents_package_id'), ['package_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('package_contents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_contents_package_id'))
    op.drop_table('package_contents')
