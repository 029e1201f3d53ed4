"""printer fleet: printers (url, dpi, media, station served, backup, last status); print jobs
for a fleet printer (printer, who asked, attempts, retry time, reprint of, return) (issue 7)

A print job may now have no station: the server's spooler sends it to a fleet printer
(reprints, return labels). Jobs already there keep their station.

Revision ID: 0009_printer_fleet
Revises: 0008_returns_desk
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009_printer_fleet'
down_revision: Union[str, Sequence[str], None] = '0008_returns_desk'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('printers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=255), nullable=False),
    sa.Column('dpi', sa.Integer(), nullable=False),
    sa.Column('media', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('backup_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('status', sa.JSON(), nullable=True),
    sa.Column('problem', sa.String(length=32), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['backup_id'], ['printers.id'], name=op.f('fk_printers_backup_id_printers')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_printers_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printers')),
    sa.UniqueConstraint('name', name=op.f('uq_printers_name'))
    )
    with op.batch_alter_table('printers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printers_station_id'), ['station_id'], unique=False)

    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('printer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('requested_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reprint_of', sa.Integer(), nullable=True))
        batch_op.alter_column('station_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_print_jobs_printer_id'), ['printer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_print_jobs_return_id_returns'), 'returns', ['return_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_print_jobs_printer_id_printers'), 'printers', ['printer_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_print_jobs_reprint_of_print_jobs'), 'print_jobs', ['reprint_of'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM print_jobs WHERE station_id IS NULL")  # fleet jobs have no station to go back to
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_print_jobs_reprint_of_print_jobs'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_print_jobs_printer_id_printers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_print_jobs_return_id_returns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_print_jobs_printer_id'))
        batch_op.alter_column('station_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('reprint_of')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('requested_by')
        batch_op.drop_column('printer_id')
        batch_op.drop_column('return_id')

    with op.batch_alter_table('printers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printers_station_id'))

    op.drop_table('printers')
