"""Small, explicit floors for tests. References are random so tests never lean on ids."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from labels import make_gtin13
from server.models import Address, Bin, Customer, Order, OrderLine, Product, Stock
from server.services.stations import register_station
from server.services.users import create_user


def random_ref(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def random_gtin() -> str:
    return make_gtin13("3761234" + f"{random.randrange(100000):05d}")


@dataclass
class Item:
    product_id: int
    sku: str
    gtin: str
    name: str
    bin_code: str


def add_item(uow, name: str, on_hand: int = 10, price_cents: int = 1990, weight_g: int = 300,
             bin_code: str | None = None) -> Item:
    session = uow.session
    product = Product(sku=random_ref("SKU"), gtin=random_gtin(), name=name, weight_g=weight_g,
                      price_cents=price_cents)
    aisle, bay = random.randrange(1, 30), random.randrange(1, 40)
    code = bin_code or f"A-{aisle:02d}-{bay:02d}-{random.randrange(1, 5)}"
    bin_ = session.query(Bin).filter_by(code=code).first()
    if bin_ is None:
        zone, a, b, level = code.split("-")
        bin_ = Bin(code=code, zone=zone, aisle=int(a), bay=int(b), level=int(level))
    session.add_all([product, bin_])
    session.flush()
    session.add(Stock(product_id=product.id, bin_id=bin_.id, on_hand=on_hand, reserved=0))
    session.flush()
    return Item(product.id, product.sku, product.gtin, name, code)


def add_order(uow, lines: list[tuple[Item, int]], service_level: str = "standard",
              name: str = "Élodie Dupré", channel: str = "web", ship_in_hours: int = 6) -> Order:
    session = uow.session
    customer = Customer(email=f"{uuid.uuid4().hex[:6]}@exemple.fr", name=name, phone="+33612345678")
    session.add(customer)
    session.flush()
    address = Address(customer_id=customer.id, name=name, line1="12 rue de l'Église",
                      postal_code="69003", city="Lyon", country="FR")
    session.add(address)
    session.flush()
    order = Order(channel=channel, external_id=random_ref("EXT"), customer_id=customer.id,
                  ship_address_id=address.id, service_level=service_level,
                  promised_ship_by=datetime.now(timezone.utc) + timedelta(hours=ship_in_hours))
    for item, quantity in lines:
        price = session.get(Product, item.product_id).price_cents
        order.lines.append(OrderLine(product_id=item.product_id, quantity=quantity, unit_price_cents=price))
    order.total_cents = sum(line.quantity * line.unit_price_cents for line in order.lines)
    session.add(order)
    session.flush()
    return order


def add_station(uow, code: str, role: str, locale: str = "fr") -> tuple[int, str]:
    station, token = register_station(uow, code, role, locale=locale)
    return station.id, token


PASSWORD = "correct horse battery"


def add_user(uow, username: str, role: str, password: str = PASSWORD) -> int:
    return create_user(uow, username, password, role).id


def signed_in(app, floor, username: str, role: str):
    """A web client of a new user who has just signed in (the app's CSRF check is off in tests)."""
    with floor.uow() as uow:
        add_user(uow, username, role)
        uow.commit()
    web = app.test_client()
    assert web.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return web
