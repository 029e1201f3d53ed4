"""Demo data generator on SQLite: determinism, valid codes, realistic addresses, consistent orders."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from labels.gs1 import is_valid_gtin
from server.db import Base, make_engine, make_session_factory
from server.demo_data import DEFAULT_NOW, DemoDataError, DemoSize, generate
from server.demo_data.rows import ascii_fold, bin_rows, zone_name
from server.demo_data.writer import TABLES, same_length_ranges
from server.domain.scanning import BIN_PATTERN
from server.models import Address, Customer, Order, OrderLine, Product
from server.services.allocation import allocate_new_orders
from server.services.unit_of_work import UnitOfWork

SMALL = DemoSize(products=40, bins=60, customers=80, orders=400)


def fresh_engine():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    return engine


def dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {name: conn.execute(select(t).order_by(t.c.id)).all() for name, t in TABLES.items()}


@pytest.fixture(scope="module")
def demo():
    engine = fresh_engine()
    summary = generate(engine, SMALL, seed=7)
    yield engine, summary, dump(engine)
    engine.dispose()


def test_same_seed_gives_identical_rows_and_another_seed_does_not():
    a, b, c = fresh_engine(), fresh_engine(), fresh_engine()
    generate(a, SMALL, seed=3)
    generate(b, SMALL, seed=3)
    generate(c, SMALL, seed=4)
    first = dump(a)
    assert sum(map(len, first.values())) > 1000
    assert first == dump(b)
    assert repr(first) == repr(dump(b))  # same reprs: same types and values, not just equal
    other = dump(c)
    assert first["orders"] != other["orders"]
    assert first["customers"] != other["customers"]


def test_summary_counts_match_the_tables(demo):
    _, summary, rows = demo
    assert (summary.products, summary.bins, summary.customers, summary.orders) == (40, 60, 80, 400)
    for name in TABLES:
        assert getattr(summary, name) == len(rows[name])
    assert summary.rows == sum(map(len, rows.values()))
    assert summary.method == "executemany" and summary.first_order_id == 1


def test_products_have_valid_gtins_with_the_company_prefix(demo):
    products = demo[2]["products"]
    assert [p.sku for p in products[:2]] == ["SKU-00001", "SKU-00002"]
    assert all(is_valid_gtin(p.gtin) and p.gtin.startswith("3761234") for p in products)
    assert len({p.gtin for p in products}) == len(products)
    assert all(p.weight_g > 0 and p.price_cents > 0 for p in products)
    assert any(ch in p.name for p in products for ch in "éèêô")


def test_bin_codes_are_scannable_and_span_zones(demo):
    bins = demo[2]["bins"]
    assert all(BIN_PATTERN.match(b.code) for b in bins)
    assert all(b.code == f"{b.zone}-{b.aisle:02d}-{b.bay:02d}-{b.level}" for b in bins)
    assert len({b.code for b in bins}) == len(bins)
    assert {row["zone"] for row in bin_rows(1, 400)} == {"A", "B", "C"}  # default size


def test_zone_names_run_like_spreadsheet_columns():
    assert [zone_name(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_each_product_is_stocked_in_one_to_three_bins(demo):
    stock = demo[2]["stock"]
    per_product = Counter(s.product_id for s in stock)
    assert set(per_product) == {p.id for p in demo[2]["products"]}
    assert set(per_product.values()) <= {1, 2, 3} and len(set(per_product.values())) > 1
    assert all(s.reserved == 0 and s.on_hand >= 0 for s in stock)


def test_names_and_streets_carry_accents_and_long_lines(demo):
    rows = demo[2]
    assert any(ch in c.name for c in rows["customers"] for ch in "ÉéèëïçüöñòÀ")
    assert any("'" in a.line1 for a in rows["addresses"])
    assert any(len(a.line1) > 40 for a in rows["addresses"])
    assert all(c.email.isascii() for c in rows["customers"])
    assert all(a.name and a.line1 and a.postal_code and a.city for a in rows["addresses"])


def test_addresses_are_mostly_french_with_cedex_corsica_and_neighbours():
    engine = fresh_engine()
    generate(engine, DemoSize(products=5, bins=5, customers=1500, orders=0))
    addresses = dump(engine)["addresses"]
    countries = Counter(a.country for a in addresses)
    assert countries["FR"] > 0.7 * len(addresses)
    assert {"BE", "DE", "ES", "IT"} <= set(countries)
    french = [a for a in addresses if a.country == "FR"]
    assert any("Cedex" in a.city and a.line2.startswith("CS ") for a in french)
    assert any(a.postal_code.startswith("20") for a in french)  # Corsica
    assert all(len(a.postal_code) == 5 for a in french)
    assert any(a.postal_code.startswith("0") for a in addresses if a.country == "ES")


def test_external_ids_are_unique_per_channel_and_channels_cycle(demo):
    orders = demo[2]["orders"]
    assert len({(o.channel, o.external_id) for o in orders}) == len(orders)
    assert [o.channel for o in orders[:5]] == ["web", "shopify", "marketplace", "phone", "web"]
    assert orders[1].external_id == "SHOP-100002"


def test_orders_reference_their_customer_address_and_existing_products(demo):
    rows = demo[2]
    address_owner = {a.id: a.customer_id for a in rows["addresses"]}
    customers, products = {c.id for c in rows["customers"]}, {p.id for p in rows["products"]}
    assert all(address_owner[o.ship_address_id] == o.customer_id in customers for o in rows["orders"])
    assert all(line.product_id in products for line in rows["order_lines"])


def test_totals_equal_the_sum_of_lines_and_orders_have_one_to_four_lines(demo):
    rows = demo[2]
    totals, counts, products = Counter(), Counter(), {}
    prices = {p.id: p.price_cents for p in rows["products"]}
    for line in rows["order_lines"]:
        totals[line.order_id] += line.quantity * line.unit_price_cents
        counts[line.order_id] += 1
        products.setdefault(line.order_id, set()).add(line.product_id)
        assert line.unit_price_cents == prices[line.product_id] and line.quantity > 0
    assert all(o.total_cents == totals[o.id] for o in rows["orders"])
    assert set(counts.values()) == {1, 2, 3, 4}
    assert all(len(products[o]) == n for o, n in counts.items())  # no product twice in one order


def test_ship_by_spreads_around_now_with_some_late_orders(demo):
    orders = demo[2]["orders"]
    assert all(o.promised_ship_by.tzinfo is not None and o.status == "new" for o in orders)
    late = [o for o in orders if o.promised_ship_by < DEFAULT_NOW]
    assert 0.03 * len(orders) < len(late) < 0.3 * len(orders)
    assert all(o.created_at < min(o.promised_ship_by, DEFAULT_NOW) for o in orders)
    assert max(o.promised_ship_by for o in orders) - DEFAULT_NOW < timedelta(days=5)
    levels = Counter(o.service_level for o in orders)
    assert set(levels) == {"standard", "express", "priority"}
    assert levels["standard"] > len(orders) / 2


def test_now_moves_every_timestamp_and_must_be_aware():
    later = DEFAULT_NOW + timedelta(days=30)
    a, b = fresh_engine(), fresh_engine()
    generate(a, SMALL, now=DEFAULT_NOW)
    generate(b, SMALL, now=later)
    shifted = [(o.promised_ship_by + timedelta(days=30), o.created_at + timedelta(days=30))
               for o in dump(a)["orders"]]
    assert shifted == [(o.promised_ship_by, o.created_at) for o in dump(b)["orders"]]
    with pytest.raises(ValueError, match="timezone-aware"):
        generate(fresh_engine(), SMALL, now=datetime(2026, 11, 27, 8, 0))


def test_stock_is_generous_enough_to_allocate_most_orders(demo):
    engine = fresh_engine()
    generate(engine, SMALL, seed=11)
    with UnitOfWork(make_session_factory(engine)) as uow:
        allocated, backordered = allocate_new_orders(uow, limit=SMALL.orders)
    assert allocated + backordered == SMALL.orders
    assert allocated >= 0.85 * SMALL.orders


def test_a_second_run_appends_after_existing_rows_without_collisions():
    engine = fresh_engine()
    generate(engine, SMALL, seed=1)
    second = generate(engine, SMALL, seed=1)
    rows = dump(engine)
    assert second.first_order_id == SMALL.orders + 1
    assert len(rows["orders"]) == 2 * SMALL.orders
    assert len({p.sku for p in rows["products"]}) == 2 * SMALL.products
    assert len({b.code for b in rows["bins"]}) == 2 * SMALL.bins
    new_orders = rows["orders"][SMALL.orders:]
    assert min(o.customer_id for o in new_orders) > SMALL.customers


def test_refuses_when_existing_rows_already_use_a_demo_code():
    engine = fresh_engine()
    with make_session_factory(engine)() as session:
        session.add(Product(sku="SKU-00002", gtin="4006381333931", name="x", weight_g=1, price_cents=1))
        session.commit()
    with pytest.raises(DemoDataError, match="SKU-00002"):
        generate(engine, SMALL)
    assert dump(engine)["bins"] == []  # refused before writing anything


def test_refuses_when_an_existing_order_holds_a_demo_external_id():
    engine = fresh_engine()
    with make_session_factory(engine)() as session:
        customer = Customer(email="a@example.com", name="A")
        session.add(customer)
        session.flush()
        address = Address(customer_id=customer.id, name="A", line1="1 rue", postal_code="69001",
                          city="Lyon", country="FR")
        session.add(Order(channel="web", external_id="WEB-100002", customer=customer,
                          ship_address=address, promised_ship_by=DEFAULT_NOW, created_at=DEFAULT_NOW))
        session.commit()
    with pytest.raises(DemoDataError, match="WEB-100002"):
        generate(engine, SMALL)  # the first demo order would be id 2: web WEB-100002
    assert len(dump(engine)["orders"]) == 1


@pytest.mark.parametrize("size", [DemoSize(products=-1), DemoSize(products=5, bins=0),
                                  DemoSize(customers=0), DemoSize(channels=())])
def test_impossible_sizes_are_refused(size):
    with pytest.raises(ValueError):
        generate(fresh_engine(), size)


def test_gtin_item_numbers_run_out_at_99999():
    with pytest.raises(DemoDataError, match="99999"):
        generate(fresh_engine(), DemoSize(products=100_000, orders=0))


def test_same_length_ranges_split_where_the_digit_count_changes():
    assert list(same_length_ranges(99_998, 100_001)) == [(99_998, 99_999), (100_000, 100_001)]
    assert list(same_length_ranges(5, 5)) == [(5, 5)]


def test_ascii_fold_for_email_local_parts():
    assert ascii_fold("Élodie Dupré") == "elodie dupre"
    assert ascii_fold("Weiß Müller") == "weiss muller"


def test_orm_reads_generated_orders_with_their_lines(demo):
    engine = demo[0]
    with make_session_factory(engine)() as session:
        order = session.get(Order, 1)
        assert order.promised_ship_by.tzinfo == timezone.utc
        assert order.total_cents == sum(l.quantity * l.unit_price_cents for l in order.lines)
        assert session.scalar(select(OrderLine).limit(1)).product.gtin
