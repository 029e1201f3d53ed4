"""Finding customers by a piece of their name or e-mail, through an index on both databases.

The term and the stored text are folded alike (case and accents, services/name_folding.py), so
"heritier" finds "Zoé L'Héritier" and "DUPONT@" finds "dupont@exemple.fr".

PostgreSQL: a pg_trgm GIN index on each folded column (migration 0017); ``LIKE '%term%'`` on
the same expression is answered from it. SQLite: an FTS5 table of the folded texts with the
trigram tokenizer (``customer_search``, rowid = the customer's id), kept by triggers on
``customers``; a phrase ``MATCH`` is a substring search answered from its index. A trigram
index needs three letters: a shorter term is looked for in every row (the index cannot help),
with the same result.
"""
from __future__ import annotations

from sqlalchemy import column, false, or_, select, table, text

from server.domain.returns import fold
from server.models import Customer
from server.services.name_folding import ACCENTED, PLAIN, folded

SEARCH_TABLE = "customer_search"  # SQLite only: the FTS5 table and its shadow tables (customer_search_*)
TRIGRAM = 3
_search = table(SEARCH_TABLE, column("rowid"), column("name"), column("email"))
_PG_FOLD = str.maketrans(ACCENTED, PLAIN)


def matching_customers(session, term: str):
    """A select of the ids of the customers whose folded name or e-mail holds the folded term."""
    if session.get_bind().dialect.name == "postgresql":
        # Folded as PostgreSQL folds (lower, then the accent table): the term meets the column
        # exactly as the index holds it.
        word = _unwild(term.lower().translate(_PG_FOLD)).strip()
        if not word:
            return select(Customer.id).where(false())
        like = f"%{word}%"
        return select(Customer.id).where(or_(folded(Customer.name).like(like), folded(Customer.email).like(like)))
    word = _unwild(fold(term)).strip()  # as on PostgreSQL, where % and _ would be LIKE's wildcards
    if not word:  # "%" alone names nobody (it would name everybody)
        return select(_search.c.rowid).where(false())
    if len(word) < TRIGRAM:
        like = f"%{word}%"
        return select(_search.c.rowid).where(or_(_search.c.name.like(like), _search.c.email.like(like)))
    phrase = '"' + word.replace('"', '""') + '"'
    return select(_search.c.rowid).where(text(f"{SEARCH_TABLE} MATCH :phrase").bindparams(phrase=phrase))


def _unwild(word: str) -> str:
    return word.replace("%", "").replace("_", "")
