"""Demo data generator on PostgreSQL: COPY path, sequences moved past the explicit ids."""
import os
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from server.db import Base, make_engine, make_session_factory
from server.demo_data import DEFAULT_NOW, DemoSize, generate
from server.demo_data.writer import TABLES
from server.models import Order, Product

SERVER_URL = os.environ.get("COLIS_TEST_POSTGRES_URL", "postgresql://127.0.0.1/test")
SIZE = DemoSize(products=30, bins=50, customers=40, orders=250)

pytestmark = pytest.mark.postgres


def _admin_connection():
    psycopg = pytest.importorskip("psycopg")
    try:
        libpq_url = make_url(SERVER_URL).set(drivername="postgresql")  # psycopg wants no +driver
        return psycopg.connect(libpq_url.render_as_string(hide_password=False), autocommit=True,
                               connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL unreachable at {SERVER_URL}: {exc}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # CI promises a server: a missing one is a failure, not a skip
        pytest.skip(reason)


@pytest.fixture
def pg_engine_factory():
    """Engines on throwaway databases named colis_demo_<random>, dropped afterwards."""
    admin = _admin_connection()
    created, engines = [], []

    def make():
        name = f"colis_demo_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = make_url(make_engine(SERVER_URL).url).set(database=name)
        engine = make_engine(url.render_as_string(hide_password=False))
        engines.append(engine)
        Base.metadata.create_all(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
    for name in created:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def dump(engine):
    with engine.connect() as conn:
        return {name: conn.execute(select(t).order_by(t.c.id)).all() for name, t in TABLES.items()}


def test_generates_with_copy_and_later_orm_inserts_get_fresh_ids(pg_engine_factory):
    engine = pg_engine_factory()
    summary = generate(engine, SIZE, seed=5)
    assert summary.method == "copy"
    with engine.connect() as conn:
        counts = {name: conn.scalar(select(func.count()).select_from(t)) for name, t in TABLES.items()}
    assert counts == {name: getattr(summary, name) for name in TABLES}
    assert counts["orders"] == 250 and counts["order_lines"] >= 250
    with make_session_factory(engine)() as session:
        template = session.get(Order, 1)
        order = Order(channel="csv", external_id="CSV-1", customer_id=template.customer_id,
                      ship_address_id=template.ship_address_id, promised_ship_by=DEFAULT_NOW)
        product = Product(sku="NEW-1", gtin="4006381333931", name="Nouveau", weight_g=1, price_cents=1)
        session.add_all([order, product])
        session.commit()  # would hit the primary key of row 1 if sequences were left behind
        assert (order.id, product.id) == (SIZE.orders + 1, SIZE.products + 1)


def test_copy_and_executemany_write_the_same_rows_and_runs_append(pg_engine_factory):
    by_copy, by_insert = pg_engine_factory(), pg_engine_factory()
    generate(by_copy, SIZE, seed=9, method="copy")
    generate(by_insert, SIZE, seed=9, method="executemany")
    assert dump(by_copy) == dump(by_insert)
    second = generate(by_copy, SIZE, seed=9)
    assert second.first_order_id == SIZE.orders + 1
    with by_copy.connect() as conn:
        assert conn.scalar(select(func.count(func.distinct(Order.external_id)))) == 2 * SIZE.orders
