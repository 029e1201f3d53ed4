"""station sessions (scenario, state, context) and the reason of a refused scan

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('station_sessions',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('scenario', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_station_sessions_station_id_stations')),
    sa.PrimaryKeyConstraint('station_id', name=op.f('pk_station_sessions'))
    )
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=200), server_default='', nullable=False))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.drop_column('reason')

    op.drop_table('station_sessions')
