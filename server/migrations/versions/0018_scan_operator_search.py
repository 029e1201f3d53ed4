"""scan operator and indexed order search: scan_events.operator_id, customers' folded name and e-mail, orders.external_id (issue 9)

scan_events.operator_id: the operator signed in at the station by badge when the scan was
made (NULL for a station nobody signed in to, and for scans from before). The dashboard's
throughput per operator reads it; it is written by the scan's own INSERT (no statement added).
No index of its own: the per-operator figures are grouped from today's scans, which the
query reaches by time like the other throughput figures.

Customer search by a piece of name or e-mail, indexed (services/customer_search.py):
PostgreSQL, a colis_fold() function and pg_trgm GIN indexes on the folded columns; SQLite, an
FTS5 trigram table of the folded texts kept by triggers (which call colis_fold, registered on
every connection server/db.py opens). orders.external_id (the channel's order number, which
the search box also takes) gets its own index: the unique (channel, external_id) one cannot
serve a lookup without the channel, and each search scanned the orders for it.

Revision ID: 0018_scan_operator_search
Revises: 0017_returned_to_sender
Create Date: 2026-11-29

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from server.services.name_folding import ACCENTED, PLAIN, register_sqlite_fold


# revision identifiers, used by Alembic.
revision: str = '0018_scan_operator_search'
down_revision: Union[str, Sequence[str], None] = '0017_returned_to_sender'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FOLDED_COLUMNS = ('name', 'email')
# PostgreSQL's colis_fold: what SQLite's Python colis_fold does for Latin letters (case, then
# accents; services/name_folding.py). PL/pgSQL, not SQL: an SQL function is inlined and its
# COST forgotten, and the planner then took a whole-table scan folding every row (2.5 s at
# 100,000 customers: translate over a long table is slow) for cheaper than the index.
FOLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION colis_fold(text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE "
    f"COST 100 AS $$ BEGIN RETURN translate(lower($1), '{ACCENTED}', '{PLAIN}'); END $$")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('operator_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_scan_events_operator_id_users', 'users', ['operator_id'], ['id'])
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_external_id'), ['external_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute(FOLD_FUNCTION)
        for name in FOLDED_COLUMNS:
            op.execute(f"CREATE INDEX ix_customers_{name}_folded_trgm ON customers "
                       f"USING gin (colis_fold({name}) gin_trgm_ops)")
    else:
        # The function was registered by server/db.py on every connection until 0020 made the
        # folded texts columns; registered here, this migration runs on any connection.
        register_sqlite_fold(op.get_bind())
        op.execute("CREATE VIRTUAL TABLE customer_search USING fts5(name, email, tokenize='trigram')")
        op.execute("INSERT INTO customer_search (rowid, name, email) "
                   "SELECT id, colis_fold(name), colis_fold(email) FROM customers")
        op.execute("CREATE TRIGGER customer_search_insert AFTER INSERT ON customers BEGIN "
                   "INSERT INTO customer_search (rowid, name, email) "
                   "VALUES (new.id, colis_fold(new.name), colis_fold(new.email)); END")
        op.execute("CREATE TRIGGER customer_search_update AFTER UPDATE OF name, email ON customers BEGIN "
                   "DELETE FROM customer_search WHERE rowid = old.id; "
                   "INSERT INTO customer_search (rowid, name, email) "
                   "VALUES (new.id, colis_fold(new.name), colis_fold(new.email)); END")
        op.execute("CREATE TRIGGER customer_search_delete AFTER DELETE ON customers BEGIN "
                   "DELETE FROM customer_search WHERE rowid = old.id; END")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == 'postgresql':
        for name in FOLDED_COLUMNS:
            op.execute(f'DROP INDEX IF EXISTS ix_customers_{name}_folded_trgm')
        op.execute('DROP FUNCTION IF EXISTS colis_fold(text)')
    else:
        for trigger in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS customer_search_{trigger}')
        op.execute('DROP TABLE IF EXISTS customer_search')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_external_id'))
    with op.batch_alter_table('scan_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_scan_events_operator_id_users', type_='foreignkey')
        batch_op.drop_column('operator_id')
