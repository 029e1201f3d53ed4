"""customer search columns: customers.search_name and search_email, the folded texts stored (issue 9)

Migration 0018 indexed the fold of the name and e-mail computed by the database: on PostgreSQL
each candidate row the trigram index gave was folded again by colis_fold() to recheck the
match (a common surname at a million orders: 347 ms p50), and on SQLite the triggers keeping
the FTS5 table called colis_fold, a Python function only connections opened by
server/db.py have (any other connection writing customers failed). The folded texts are now
columns written by the application (server/models/orders.py, services/name_folding.py): the
same Python fold on both databases, so both return exactly what folding every row by hand
returns (PostgreSQL's colis_fold left ß, ligatures and repeated spaces as they were).

PostgreSQL: pg_trgm GIN indexes on the two columns replace the expression indexes; the recheck
is a plain LIKE. colis_fold() stays (nothing calls it any more; 0018's downgrade drops it).
SQLite: ``customer_search`` becomes an FTS5 external-content table over the two columns (no
second copy of the texts), kept by plain SQL triggers.

Backfill in Python batches on both databases: colis_fold is not the Python fold.

Revision ID: 0020_customer_search_columns
Revises: 0019_parcel_contents
Create Date: 2026-11-29

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from server.services.customer_search import refold_customers

# revision identifiers, used by Alembic.
revision: str = '0020_customer_search_columns'
down_revision: Union[str, Sequence[str], None] = '0019_parcel_contents'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = ('name', 'email')  # Text: a fold can be longer than what it folds (ß -> ss)
# FTS5's external-content triggers: the index is told the old texts to take out ('delete'),
# which must be exactly what it was given, hence AFTER UPDATE OF the folded columns only.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER customer_search_insert AFTER INSERT ON customers BEGIN "
    "INSERT INTO customer_search (rowid, search_name, search_email) "
    "VALUES (new.id, new.search_name, new.search_email); END",
    "CREATE TRIGGER customer_search_update AFTER UPDATE OF search_name, search_email ON customers BEGIN "
    "INSERT INTO customer_search (customer_search, rowid, search_name, search_email) "
    "VALUES ('delete', old.id, old.search_name, old.search_email); "
    "INSERT INTO customer_search (rowid, search_name, search_email) "
    "VALUES (new.id, new.search_name, new.search_email); END",
    "CREATE TRIGGER customer_search_delete AFTER DELETE ON customers BEGIN "
    "INSERT INTO customer_search (customer_search, rowid, search_name, search_email) "
    "VALUES ('delete', old.id, old.search_name, old.search_email); END",
)


def upgrade() -> None:
    """Upgrade schema."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    if not postgres:
        _drop_sqlite_search()
    with op.batch_alter_table('customers', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(f'search_{name}', sa.Text(), server_default='', nullable=False))
    refold_customers(op.get_bind())
    if postgres:
        for name in COLUMNS:
            op.execute(f'DROP INDEX IF EXISTS ix_customers_{name}_folded_trgm')
            op.execute(f'CREATE INDEX ix_customers_search_{name}_trgm ON customers '
                       f'USING gin (search_{name} gin_trgm_ops)')
    else:
        op.execute("CREATE VIRTUAL TABLE customer_search USING fts5(search_name, search_email, "
                   "content='customers', content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO customer_search (customer_search) VALUES ('rebuild')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    """Downgrade schema: 0018's search, on colis_fold again."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        for name in COLUMNS:
            op.execute(f'DROP INDEX IF EXISTS ix_customers_search_{name}_trgm')
            op.execute(f"CREATE INDEX ix_customers_{name}_folded_trgm ON customers "
                       f"USING gin (colis_fold({name}) gin_trgm_ops)")
        for name in COLUMNS:
            op.drop_column('customers', f'search_{name}')
        return
    _drop_sqlite_search()
    for name in COLUMNS:  # SQLite >= 3.35 drops a column in place (a batch copy would trip the foreign keys)
        op.execute(f'ALTER TABLE customers DROP COLUMN search_{name}')
    from server.services.name_folding import register_sqlite_fold

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


def _drop_sqlite_search() -> None:
    for trigger in ('insert', 'update', 'delete'):
        op.execute(f'DROP TRIGGER IF EXISTS customer_search_{trigger}')
    op.execute('DROP TABLE IF EXISTS customer_search')
