"""Searching customers by a piece of name or e-mail goes through an index on both databases
(services/customer_search.py, migration 0017) and finds what a fold of every row finds."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update

from server.domain.returns import fold
from server.models import Customer
from server.services.customer_search import matching_customers

NAMES = [("Zoé L'Héritier", "zoe.heritier@exemple.fr"), ("ZOE HERITIER", "Z.H@Exemple.FR"),
         ("Élodie Dupré", "elodie@dupre.fr"), ("Marc Durand", "marc.durand@exemple.fr"),
         ("Ångström Müller", "a.muller@exemple.de"), ("Anaïs d'Aubigné", "anais@aubigne.fr"),
         ("Søren Ølsted", "soren@olsted.dk"), ("Jean \"Jo\" Martin", "jo@martin.fr")]
TERMS = ["heritier", "HÉRITIER", "Zoé", "dupre", "DURAND", "exemple.fr", "z.h@", "angstrom", "müller",
         "d'aub", "jo", "é", "\"jo\"", "søren", "100%", "nobody", "du", "mar",
         # what FTS5's query syntax would read as operators, were the term not one quoted phrase
         "AND", "heri OR marc", "NEAR(zoe)", "mar*", "^zoe", "-jo", "name:zoe", "{name}: zoe", "(", "''", "z.h_", "zo%é", "%", "_ %"]


def _customers(floor) -> dict[int, tuple[str, str]]:
    with floor.uow() as uow:
        for name, email in NAMES:
            uow.session.add(Customer(name=name, email=email))
        uow.commit()
        return {c.id: (c.name, c.email) for c in uow.session.scalars(select(Customer))}


def _found(floor, term: str) -> set[int]:
    with floor.uow() as uow:
        return set(uow.session.scalars(matching_customers(uow.session, term)))


def _folded_by_hand(customers: dict, term: str) -> set[int]:
    word = fold(term).replace("%", "").replace("_", "").strip()
    if not word:  # nothing left to look for: nobody
        return set()
    return {cid for cid, (name, email) in customers.items() if word in fold(name) or word in fold(email)}


def test_the_search_finds_what_folding_every_row_finds(floor):
    customers = _customers(floor)
    for term in TERMS:
        assert _found(floor, term) == _folded_by_hand(customers, term), term
    assert len(_found(floor, "heritier")) == 2 and _found(floor, "nobody") == set()


def test_a_renamed_or_deleted_customer_is_found_by_what_it_is_now(floor):
    customers = _customers(floor)
    marc = next(cid for cid, (name, _) in customers.items() if name == "Marc Durand")
    with floor.uow() as uow:
        uow.session.execute(update(Customer).where(Customer.id == marc).values(name="Marc Lefèvre"))
        uow.commit()
    assert marc in _found(floor, "lefevre") and marc not in _found(floor, "marc durand")
    assert marc in _found(floor, "marc.durand@")  # the e-mail did not change
    with floor.uow() as uow:
        uow.session.execute(delete(Customer).where(Customer.id == marc))
        uow.commit()
    assert marc not in _found(floor, "lefevre")


def _plan(floor, term: str) -> str:
    with floor.uow() as uow:
        session = uow.session
        query = matching_customers(session, term)
        compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
        if session.get_bind().dialect.name == "postgresql":
            # A handful of rows is read faster whole: forbid the sequential scan to see the index is usable.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join(session.scalars(text(f"EXPLAIN {compiled}")))
        return "\n".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_the_search_is_answered_from_the_index(floor):
    _customers(floor)
    plan = _plan(floor, "héritier")
    if floor.engine.dialect.name == "postgresql":
        assert "ix_customers_name_folded_trgm" in plan and "ix_customers_email_folded_trgm" in plan, plan
        assert "Seq Scan" not in plan, plan
    else:
        # FTS5's plan: "VIRTUAL TABLE INDEX 0:M…" (a full-text MATCH), never a plain SCAN of customers.
        assert "SCAN customer_search VIRTUAL TABLE INDEX 0:M" in plan, plan
        assert "customers" not in plan.replace("customer_search", ""), plan


