"""returns desk: who received a return and who opened it, each line's grade trail and
location, extras, and the quarantine of damaged units (issue 8)

Returns already received keep ``received_by`` NULL (the desk then says "already received"
with the time only). Downgrade drops the new columns and table.

Revision ID: 0008_returns_desk
Revises: 0007_refunds
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008_returns_desk'
down_revision: Union[str, Sequence[str], None] = '0007_refunds'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('quarantine_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_quarantine_units_qty')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_quarantine_units_product_id_products')),
    sa.ForeignKeyConstraint(['return_line_id'], ['return_lines.id'],
                            name=op.f('fk_quarantine_units_return_line_id_return_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine_units'))
    )
    with op.batch_alter_table('quarantine_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_units_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantine_units_return_line_id'), ['return_line_id'], unique=False)
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='', nullable=False))
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('graded_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('note', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('extra', sa.Boolean(), server_default=sa.false(), nullable=False))
    # The defaults only filled the rows already there; new rows always name them.
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.alter_column('created_by', server_default=None)
        batch_op.alter_column('source', server_default=None)
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.alter_column('note', server_default=None)
        batch_op.alter_column('extra', server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_column('extra')
        batch_op.drop_column('note')
        batch_op.drop_column('graded_at')
        batch_op.drop_column('graded_by')
        batch_op.drop_column('location')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('created_by')
        batch_op.drop_column('received_by')
    with op.batch_alter_table('quarantine_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_units_return_line_id'))
        batch_op.drop_index(batch_op.f('ix_quarantine_units_product_id'))
    op.drop_table('quarantine_units')
