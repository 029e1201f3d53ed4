"""Finding customers by a piece of their name or e-mail, through an index on both databases.

The term is folded as the stored ``customers.search_name`` and ``search_email`` were (case,
accents and spaces, services/name_folding.py), so "heritier" finds "Zoé L'Héritier" and
"DUPONT@" finds "dupont@exemple.fr", with the same result on both databases.

PostgreSQL: a pg_trgm GIN index on each folded column (migration 0020); ``LIKE '%term%'`` is
answered from them, and the rows they give are rechecked by a plain LIKE on the stored text.
SQLite: an FTS5 external-content table over the two columns with the trigram tokenizer
(``customer_search``, rowid = the customer's id), kept by plain SQL triggers on ``customers``;
a phrase ``MATCH`` is a substring search answered from its index. A trigram index needs three
letters: a shorter term is looked for in every row (the index cannot help), with the same
result.
"""
from __future__ import annotations

from sqlalchemy import column, false, or_, select, table, text

from server.models import Customer
from server.services.name_folding import search_text, search_texts

SEARCH_TABLE = "customer_search"  # SQLite only: the FTS5 table and its shadow tables (customer_search_*)
TRIGRAM = 3
REFOLD_BATCH = 5000
_search = table(SEARCH_TABLE, column("rowid"))


def matching_customers(session, term: str):
    """A select of the ids of the customers whose folded name or e-mail holds the folded term."""
    word = _unwild(search_text(term)).strip()  # % and _ would be LIKE's wildcards
    if not word:  # "%" alone names nobody (it would name everybody)
        return select(Customer.id).where(false())
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres or len(word) < TRIGRAM:
        # PostgreSQL's LIKE escapes with a backslash by default; SQLite's has no escape character.
        like = "%" + (word.replace("\\", "\\\\") if postgres else word) + "%"
        return select(Customer.id).where(or_(Customer.search_name.like(like), Customer.search_email.like(like)))
    phrase = '"' + word.replace('"', '""') + '"'  # one phrase: FTS5's operators are searched as text
    return select(_search.c.rowid).where(text(f"{SEARCH_TABLE} MATCH :phrase").bindparams(phrase=phrase))


def _unwild(word: str) -> str:
    return word.replace("%", "").replace("_", "")


def refold_customers(connection, batch: int = REFOLD_BATCH) -> int:
    """Set every customer's search columns from their name and e-mail, in batches by id; the
    number of rows that changed. Migration 0020's backfill, and the repair after SQL that
    renamed customers without them (``colis-server refold-customers``). Plain SQL: it runs
    from a migration, whatever the models become."""
    changed, last = 0, 0
    while rows := connection.execute(text(
            "SELECT id, name, email, search_name, search_email FROM customers WHERE id > :last "
            "ORDER BY id LIMIT :batch"), {"last": last, "batch": batch}).all():
        stale = [{"id": id_, **folded} for id_, name, email, *stored in rows
                 if list((folded := search_texts(name, email)).values()) != stored]
        if stale:
            connection.execute(text("UPDATE customers SET search_name = :search_name, "
                                    "search_email = :search_email WHERE id = :id"), stale)
        changed, last = changed + len(stale), rows[-1][0]
    return changed
