"""security: scan uuids unique per station, not floor-wide (issue 10)

A station replays only its own scans; one station's uuid (guessed, or copied from a log)
must not mark another station's scan as a duplicate. The replay lookup
(server/services/scans.py ``_recorded``) reads the same (station_id, uuid) pair, and the new
unique index serves it.

Downgrade restores the floor-wide unique uuid; it fails if two stations have since recorded
the same uuid (there is no right row to drop).

Revision ID: 0006_security
Revises: 0005_waves_leases
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0006_security'
down_revision: Union[str, Sequence[str], None] = '0005_waves_leases'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_scan_events_uuid'), type_='unique')
        batch_op.create_unique_constraint('uq_scan_events_station_uuid', ['station_id', 'uuid'])


def downgrade() -> None:
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_scan_events_station_uuid', type_='unique')
        batch_op.create_unique_constraint(op.f('uq_scan_events_uuid'), ['uuid'])
