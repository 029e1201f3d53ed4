"""parcel returns: the carrier's return of one parcel of an order (issue 11)

``returns.package_id``: the parcel a return opened by the carrier covers, when only that
parcel came back and its contents were recorded (``package_contents``, 0019). Unique: one
return per parcel, whatever the carrier repeats. Null for every other return (the customer's,
and the whole-order return of orders packed before contents were recorded).

Revision ID: 0021_parcel_returns
Revises: 0020_customer_search_columns
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0021_parcel_returns'
down_revision: Union[str, Sequence[str], None] = '0020_customer_search_columns'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('package_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_returns_package_id'), ['package_id'], unique=True)
        batch_op.create_foreign_key(batch_op.f('fk_returns_package_id_packages'), 'packages', ['package_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_returns_package_id_packages'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_returns_package_id'))
        batch_op.drop_column('package_id')
