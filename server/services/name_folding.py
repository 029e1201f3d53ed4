"""A customer's name and e-mail as the search reads them: ``server.domain.returns.fold`` (case,
accents, extra spaces), stored beside them in ``customers.search_name`` and
``customers.search_email`` (migration 0020) so that no database folds anything at search time:
"heritier", "HÉRITIER" and "Héritier" all find "Zoé L'Héritier", on PostgreSQL and SQLite alike.

Written by the application, in one place: the Customer model (server/models/orders.py) folds
whenever its name or e-mail is set, and fills the columns of an INSERT that did not; the demo
data's COPY rows take them from ``search_texts`` too. A statement that changes ``name`` or
``email`` outside the ORM (a Core ``UPDATE``, a DBA's SQL) must set both columns from
``search_texts`` as well, or the customer is found by their old name; ``colis-server
refold-customers`` puts every row right again.

``ACCENTED``/``PLAIN`` are the accent table of migration 0018's PostgreSQL ``colis_fold``, kept
for that migration (and the downgrade of 0020).
"""
from __future__ import annotations

import unicodedata

from server.domain.returns import fold


def search_text(text: str | None) -> str:
    """The text as stored for the search and as a term is folded to meet it ("" for None)."""
    return fold(text) if text else ""


def search_texts(name: str | None, email: str | None) -> dict[str, str]:
    """The stored search columns of a customer with this name and e-mail."""
    return {"search_name": search_text(name), "search_email": search_text(email)}


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


def register_sqlite_fold(connection) -> None:
    """``colis_fold()`` on this SQLite connection: the Python fold, which migration 0018's FTS5
    triggers and backfill call (and 0020's downgrade, which puts them back). Nothing after 0020
    calls it: a connection opened any way can write customers."""
    connection.connection.driver_connection.create_function(
        "colis_fold", 1, lambda text: fold(text) if isinstance(text, str) else text, deterministic=True)
