"""The demo's simulated channels against a real server on a TCP port (SQLite and PostgreSQL): the
Shopify store's signed webhooks and the marketplace's French Excel export reach the floor and are
routed; a supplier delivery tops up a product running low; each says so in a sentence."""
from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import func, select

from demo.channels import Channels, MarketplaceDrops, Product, Receiving, ShopifyStore, open_channels
from server.devserver import serve_in_thread
from server.models import Order, Stock
from tests.factories import add_item


@pytest.fixture
def live(app, floor):
    with floor.uow() as uow:
        for name in ("Lampe", "Théière", "Mug"):
            add_item(uow, name, on_hand=50)
        uow.commit()
    server = serve_in_thread(app, "127.0.0.1", 0)
    yield server
    server.stop()


def test_the_shopify_store_sends_signed_orders_the_floor_takes_and_routes(app, floor, live, capsys):
    channels = open_channels(app)
    store = ShopifyStore(live.url, channels, random.Random(3), threading.Event())
    for _ in range(3):
        store.once()
    said = capsys.readouterr().out.splitlines()
    assert len(said) == 3 and all(line.startswith("Shopify store: order #100") for line in said)
    assert all("reached the floor as CO-" in line for line in said), said
    with floor.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Order).where(Order.channel == "boutique")) == 3
        assert set(session.scalars(select(Order.status))) == {"allocated"}


def test_a_marketplace_drop_is_a_french_excel_export_uploaded_once(app, floor, live, tmp_path, capsys):
    channels = open_channels(app)
    drops = MarketplaceDrops(live.url, channels, random.Random(5), threading.Event(), tmp_path)
    drops.once()
    (export,) = tmp_path.glob("marketplace-*.csv")
    raw = export.read_bytes()
    assert raw.startswith("Commande;Nom;".encode("cp1252")) and b";" in raw
    said = capsys.readouterr().out.strip()
    assert said.startswith(f"Marketplace: export {export.name} uploaded, ") and " taken" in said, said
    with floor.session_factory() as session:
        taken = session.scalar(select(func.count()).select_from(Order).where(Order.channel == "marketplace"))
    assert taken >= 3


def test_receiving_tops_up_a_product_running_low(app, floor, capsys):
    with floor.uow() as uow:
        item = add_item(uow, "Théière", on_hand=1)
        uow.commit()
    Receiving(app, random.Random(1), threading.Event()).once()
    with floor.session_factory() as session:
        assert session.scalar(select(Stock.on_hand).where(Stock.product_id == item.product_id)) == 25
    assert capsys.readouterr().out.strip() == f"Receiving: a supplier delivered 24 × Théière, put away in bin {item.bin_code}."


def test_a_server_that_cannot_be_reached_is_said_in_words_and_the_channel_goes_on(capsys):
    store = ShopifyStore("http://127.0.0.1:9", Channels("boutique", "s" * 32, "t", (Product("SKU-1", "Mug", 990),)),
                         random.Random(1), stopping := threading.Event(), every=(0.01, 0.02))
    store.start()
    threading.Timer(0.2, stopping.set).start()
    store.join(timeout=5)
    out = capsys.readouterr().out
    assert "Shopify store: could not reach the server this time" in out and "Traceback" not in out
