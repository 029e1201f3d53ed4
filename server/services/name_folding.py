"""A customer's name folded in SQL as ``server.domain.returns.fold`` folds it in Python (case and
accents), so a name typed alone narrows candidates by its longest word on both databases:
"heritier", "HÉRITIER" and "Héritier" all find "Zoé L'Héritier".

Both render ``colis_fold(name)``. PostgreSQL: a function of migration 0017,
``translate(lower(name), accented, plain)`` (built-in functions only, no unaccent extension to
install; the table built from Unicode's decompositions of Latin letters), which the customer
search's trigram indexes are built on. SQLite: the Python fold itself, registered on every
connection (server/db.py).
Letters that fold to two (ß, œ) stay as they are in SQL; the Python comparison after is exact.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

SQLITE_FUNCTION = "colis_fold"


def _accent_table() -> tuple[str, str]:
    """(accented, plain) lower-case Latin letters whose decomposition is one ASCII letter."""
    accented, plain = [], []
    for code in range(0xC0, 0x250):  # Latin-1 Supplement, Latin Extended-A and -B
        letter = chr(code).lower()
        if len(letter) != 1 or letter in accented or letter.isascii():
            continue
        base = "".join(ch for ch in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(ch))
        if len(base) == 1 and base.isascii() and base.isalpha():
            accented.append(letter)
            plain.append(base.lower())
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _accent_table()


class folded(FunctionElement):  # noqa: N801 - used like a SQL function: folded(Customer.name)
    """The column's text without case or accents, for ``LIKE`` against a folded word."""
    type = String()
    inherit_cache = True


@compiles(folded)
def _folded(element, compiler, **kw):
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def sqlite_fold(text):
    """The SQLite side: exactly the domain's fold (None stays None)."""
    from server.domain.returns import fold

    return fold(text) if isinstance(text, str) else text
