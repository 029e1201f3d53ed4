"""Searching customers by a piece of name or e-mail goes through an index on both databases
(services/customer_search.py, migrations 0018 and 0020) and finds what a fold of every row finds;
the folded texts are stored columns the application writes (services/name_folding.py)."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from sqlalchemy import create_engine, delete, select, text, update

from server import migrate
from server.demo_data import DemoSize, generate
from server.domain.returns import fold
from server.models import Customer, Order
from server.services.customer_search import matching_customers, refold_customers
from server.services.name_folding import register_sqlite_fold, search_texts

NAMES = [("Zoé L'Héritier", "zoe.heritier@exemple.fr"), ("ZOE HERITIER", "Z.H@Exemple.FR"),
         ("Élodie Dupré", "elodie@dupre.fr"), ("Marc Durand", "marc.durand@exemple.fr"),
         ("Ångström Müller", "a.muller@exemple.de"), ("Anaïs d'Aubigné", "anais@aubigne.fr"),
         ("Søren Ølsted", "soren@olsted.dk"), ("Jean \"Jo\" Martin", "jo@martin.fr"),
         # what PostgreSQL's colis_fold (lower, then accents) folded otherwise than Python (ß, ﬁ, spaces),
         # and a backslash (PostgreSQL's LIKE escape character)
         ("Hans  Großmann", "hans@grossmann.de"), ("Œdipe Back\\Slash", "oe@back.fr"), ("ﬁlippa Lind", "f@lind.se")]
TERMS = ["heritier", "HÉRITIER", "Zoé", "dupre", "DURAND", "exemple.fr", "z.h@", "angstrom", "müller",
         "d'aub", "jo", "é", "\"jo\"", "søren", "100%", "nobody", "du", "mar",
         # what FTS5's query syntax would read as operators, were the term not one quoted phrase
         "AND", "heri OR marc", "NEAR(zoe)", "mar*", "^zoe", "-jo", "name:zoe", "{name}: zoe", "(", "''", "z.h_", "zo%é", "%", "_ %",
         "grossmann", "hans gross", "GROß", "œdipe", "k\\sl", "\\", "filippa"]


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
        uow.session.get(Customer, marc).name = "Marc Lefèvre"  # the model folds it again
        uow.commit()
    assert marc in _found(floor, "lefevre") and marc not in _found(floor, "marc durand")
    assert marc in _found(floor, "marc.durand@")  # the e-mail did not change
    with floor.uow() as uow:
        uow.session.get(Customer, marc).email = "M.Lefevre@Exemple.fr"
        uow.commit()
    assert marc in _found(floor, "m.lefevre@") and marc not in _found(floor, "marc.durand@")
    with floor.uow() as uow:
        uow.session.execute(delete(Customer).where(Customer.id == marc))
        uow.commit()
    assert marc not in _found(floor, "lefevre")


def test_customers_inserted_outside_the_orm_are_folded_too(floor):
    """A Core INSERT, one row or many (tests, benches, the demo data without COPY), gets the
    folded texts from the columns' default."""
    with floor.engine.begin() as connection:
        connection.execute(Customer.__table__.insert().values(name="Zoé L'Héritier", email="Z.H@Exemple.FR", phone=""))
        connection.execute(Customer.__table__.insert(), [{"name": "Élodie  Dupré", "email": "E@D.fr", "phone": ""},
                                                         {"name": "Hans Großmann", "email": "h@g.de", "phone": ""}])
    with floor.uow() as uow:
        rows = uow.session.execute(select(Customer.name, Customer.email, Customer.search_name, Customer.search_email))
        assert {(name, email): (sn, se) for name, email, sn, se in rows} == {
            (name, email): tuple(search_texts(name, email).values())
            for name, email in (("Zoé L'Héritier", "Z.H@Exemple.FR"), ("Élodie  Dupré", "E@D.fr"),
                                ("Hans Großmann", "h@g.de"))}
    assert len(_found(floor, "heritier")) == 1 and len(_found(floor, "elodie dupre")) == 1


def test_a_full_length_name_whose_fold_is_longer_is_kept(floor):
    """The fold can be longer than the name (ß -> ss): a name of the full 200 letters still saves."""
    name = "Groß" * 50
    with floor.uow() as uow:
        uow.session.add(Customer(name=name, email="g@exemple.de"))
        uow.commit()
    assert len(_found(floor, "gross" * 30)) == 1


def test_a_core_update_of_a_name_is_found_after_a_refold(app, floor):
    """SQL that renames customers without their search texts (a DBA, a script) leaves them found
    by the old name until ``refold_customers`` (``colis-server refold-customers``) puts them right."""
    customers = _customers(floor)
    marc, zoe = (next(cid for cid, (name, _) in customers.items() if name == wanted)
                 for wanted in ("Marc Durand", "Zoé L'Héritier"))
    for cid, renamed in ((marc, "Marc Lefèvre"), (zoe, "Zoé Großmann")):
        with floor.uow() as uow:
            uow.session.execute(update(Customer).where(Customer.id == cid).values(name=renamed))
            uow.commit()
    assert marc not in _found(floor, "lefevre")  # what the contract says: the model did not see it
    with floor.engine.begin() as connection:
        assert refold_customers(connection, batch=3) == 2  # batches smaller than the table
        assert refold_customers(connection) == 0
    assert marc in _found(floor, "lefevre") and marc not in _found(floor, "marc durand")
    with floor.uow() as uow:
        uow.session.execute(update(Customer).where(Customer.id == zoe).values(name="Zoé Martin"))
        uow.commit()
    result = app.test_cli_runner().invoke(args=["refold-customers"])
    assert result.exit_code == 0 and "customers refolded: 1" in result.output, result.output
    assert zoe in _found(floor, "zoe martin") and zoe not in _found(floor, "grossmann")


def test_demo_data_fills_the_search_texts(floor):
    """The demo data writes customers with COPY on PostgreSQL, past the model."""
    generate(floor.engine, DemoSize(products=5, bins=5, customers=60, orders=0))
    with floor.uow() as uow:
        rows = uow.session.execute(select(Customer.id, Customer.name, Customer.email, Customer.search_name,
                                          Customer.search_email)).all()
    assert len(rows) == 60
    assert all(search_texts(name, email) == {"search_name": sn, "search_email": se} for _, name, email, sn, se in rows)
    customers = {cid: (name, email) for cid, name, email, _, _ in rows}
    surname = rows[0][1].split()[-1]
    assert _found(floor, surname) == _folded_by_hand(customers, surname) != set()


def _plain_sqlite(url: str) -> sqlite3.Connection:
    return sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)


def test_a_plain_sqlite_connection_writes_customers_and_the_index_follows(sqlite_template, tmp_path):
    """Migration 0018's triggers called colis_fold, a Python function only server/db.py's
    connections had: any other connection (the sqlite3 shell, a script) failed to write a
    customer. The triggers are plain SQL now (SQLite's FTS5 table: SQLite only)."""
    database = tmp_path / "colis.sqlite"
    shutil.copy(sqlite_template, database)
    plain = _plain_sqlite(f"sqlite:///{database}")
    texts = search_texts("Zoé L'Héritier", "zoe@exemple.fr")
    plain.execute("INSERT INTO customers (name, email, phone, locale, search_name, search_email) "
                  "VALUES (?, ?, '', 'fr', ?, ?)", ("Zoé L'Héritier", "zoe@exemple.fr", *texts.values()))
    plain.execute("INSERT INTO customers (name, email, phone, locale) VALUES ('Marc Durand', 'm@d.fr', '', 'fr')")
    assert plain.execute("SELECT rowid FROM customer_search WHERE customer_search MATCH '\"heritier\"'").fetchall() == [(1,)]
    plain.execute("UPDATE customers SET name = 'Zoé Martin', search_name = 'zoe martin' WHERE id = 1")
    assert plain.execute("SELECT rowid FROM customer_search WHERE customer_search MATCH '\"heritier\"'").fetchall() == []
    plain.execute("DELETE FROM customers WHERE id = 1")
    assert plain.execute("SELECT rowid FROM customer_search WHERE customer_search MATCH '\"martin\"'").fetchall() == []
    # FTS5's own check that the index holds exactly what the external content says
    plain.execute("INSERT INTO customer_search (customer_search) VALUES ('integrity-check')")
    plain.close()


def test_the_migration_folds_the_customers_already_there(database_url):
    """Upgrading a floor that has customers (from 0019) fills their search texts, in batches."""
    migrate.downgrade(database_url, "0019_parcel_contents")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            if database_url.startswith("sqlite"):  # 0018's triggers, back at 0019, call it
                register_sqlite_fold(connection)
            for name, email in NAMES:
                connection.execute(text("INSERT INTO customers (name, email, phone, locale) "
                                        "VALUES (:name, :email, '', 'fr')"), {"name": name, "email": email})
    finally:
        engine.dispose()
    migrate.upgrade(database_url, "head")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, email, search_name, search_email FROM customers")).all()
    engine.dispose()
    assert sorted(rows) == sorted((name, email, *search_texts(name, email).values()) for name, email in NAMES)


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
        assert "ix_customers_search_name_trgm" in plan and "ix_customers_search_email_trgm" in plan, plan
        assert "Seq Scan" not in plan and "colis_fold" not in plan, plan
    else:
        # FTS5's plan: "VIRTUAL TABLE INDEX 0:M…" (a full-text MATCH), never a plain SCAN of customers.
        assert "SCAN customer_search VIRTUAL TABLE INDEX 0:M" in plan, plan
        assert "customers" not in plan.replace("customer_search", ""), plan




def test_the_orders_page_searches_a_common_name_with_filters_and_pages(floor):
    """The customers' key gives the page only the newest orders it can show, filtered first: a
    channel filter or page 2 must still see every order of the name, not those of the newest few."""
    from zoneinfo import ZoneInfo

    from server.services.order_pages import PAGE_SIZE, OrderFilters, list_orders
    from tests.factories import add_item, add_order

    with floor.uow() as uow:
        item = add_item(uow, "Lampe")
        for n in range(3 * PAGE_SIZE):
            add_order(uow, [(item, 1)], name="Jean Girard" if n % 3 else "Anaïs Girard", channel="shop" if n % 2 else "web")
        add_order(uow, [(item, 1)], name="Marc Durand", channel="shop")
        uow.commit()
        orders = uow.session.execute(select(Order.id, Order.channel, Customer.name).join(Customer)
                                     .order_by(Order.id.desc())).all()
    paris = ZoneInfo("Europe/Paris")
    for filters, wanted in ((OrderFilters(q="girard", channel="shop"), lambda o: "Girard" in o.name and o.channel == "shop"),
                            (OrderFilters(q="GIRARD", page=2), lambda o: "Girard" in o.name),
                            (OrderFilters(q="anais gir", channel="web", page=1), lambda o: o.name == "Anaïs Girard" and o.channel == "web")):
        with floor.uow() as uow:
            rows, more = list_orders(uow.session, filters, paris)
            shown = [row[0].id for row in rows]
        expected = [o.id for o in orders if wanted(o)]
        start = (filters.page - 1) * PAGE_SIZE
        assert shown == expected[start:start + PAGE_SIZE], filters
        assert more == (len(expected) > start + PAGE_SIZE), filters
