"""``colis-server import-orders``: a marketplace CSV onto the floor, once, bad rows named."""
from __future__ import annotations

from sqlalchemy import select

from server.models import ChannelOrder, Order, Product
from server.services.intake.imports import import_orders
from tests.factories import random_gtin

FRENCH_EXCEL = ("Commande;E-mail;Nom;Adresse;Code postal;Ville;Pays;Réf;Quantité;Prix\n"
                "M-1;eloise@exemple.fr;Éloïse Müller;12 rue de l'Église;69003;Lyon;FR;TASSE-01;2;12,50\n"
                "M-1;eloise@exemple.fr;Éloïse Müller;12 rue de l'Église;69003;Lyon;FR;THE-02;1;4,90\n"
                "M-2;noe@exemple.fr;Noé Gaßner;3 place Bellecour;69002;Lyon;FR;THE-02;dix;4,90\n"
                "M-3;zoe@exemple.fr;Zoé Œuvray;8 quai Saint-Antoine;69002;Lyon;FR;TASSE-01;1;12,50\n"
                "M-4;ines@exemple.fr;Inès Faÿ;1 rue Mercière;69002;Lyon;FR;INCONNU-9;1;1,00\n").encode("cp1252")


def products(floor, *skus: str) -> None:
    with floor.uow() as uow:
        for sku in skus:
            uow.session.add(Product(sku=sku, gtin=random_gtin(), name=sku, weight_g=200, price_cents=100))
        uow.commit()


def floor_orders(floor) -> list[tuple]:
    with floor.session_factory() as session:
        return [(o.external_id, o.channel, o.customer.name, [(l.product.sku, l.quantity, l.unit_price_cents) for l in o.lines])
                for o in session.scalars(select(Order).order_by(Order.id))]


def test_semicolon_windows_1252_a_malformed_row_and_the_same_file_twice(floor):
    products(floor, "TASSE-01", "THE-02")
    first = import_orders(floor, "marketplace", FRENCH_EXCEL)
    assert (first.reading.encoding, first.reading.delimiter) == ("windows-1252", ";")
    assert dict(first.outcomes) == {"created": 2, "held": 1}
    assert floor_orders(floor) == [
        ("M-1", "marketplace", "Éloïse Müller", [("TASSE-01", 2, 1250), ("THE-02", 1, 490)]),
        ("M-3", "marketplace", "Zoé Œuvray", [("TASSE-01", 1, 1250)]),
    ]
    assert [(e.row, e.reason) for e in first.errors] == [
        (4, "quantity 'dix' is not a whole number from 1 to 10000"),
        (6, "order 'M-4' held: line 1: unknown SKU 'INCONNU-9'"),
    ]
    again = import_orders(floor, "marketplace", FRENCH_EXCEL)
    assert dict(again.outcomes) == {"unchanged": 2, "held": 1}  # a held order is tried again, still held
    assert len(floor_orders(floor)) == 2
    with floor.session_factory() as session:
        held = session.scalars(select(ChannelOrder).where(ChannelOrder.external_id == "M-4")).one()
        assert held.state == "held" and "INCONNU-9" in held.held_reason


def test_a_held_order_is_taken_once_its_product_exists(floor):
    products(floor, "TASSE-01", "THE-02")
    import_orders(floor, "marketplace", FRENCH_EXCEL)
    products(floor, "INCONNU-9")
    again = import_orders(floor, "marketplace", FRENCH_EXCEL)
    assert dict(again.outcomes) == {"unchanged": 2, "created": 1}
    assert [o[0] for o in floor_orders(floor)] == ["M-1", "M-3", "M-4"]


def test_the_command_prints_the_counts_and_every_bad_row_and_exits_1(app, floor, tmp_path):
    products(floor, "TASSE-01", "THE-02", "INCONNU-9")
    path = tmp_path / "export.csv"
    path.write_bytes(FRENCH_EXCEL)
    result = app.test_cli_runner().invoke(args=["import-orders", str(path), "--channel", "marketplace"])
    assert result.exit_code == 1, result.output
    assert "export.csv (windows-1252, semicolon): 3 created" in result.output
    assert "row 4: quantity 'dix' is not a whole number from 1 to 10000" in result.output
    assert "importing export.csv" in result.output  # the progress bar's line
    clean = tmp_path / "clean.csv"
    clean.write_bytes(b"order_id,name,address1,postal_code,city,country,sku,quantity\nX-1,Ana,1 rue,75001,Paris,FR,THE-02,1\n")
    result = app.test_cli_runner().invoke(args=["import-orders", str(clean)])
    assert result.exit_code == 0 and "1 created" in result.output
    result = app.test_cli_runner().invoke(args=["import-orders", str(clean)])
    assert result.exit_code == 0 and "1 unchanged" in result.output


def test_the_command_refuses_a_file_without_its_columns(app, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_bytes(b"a,b\n1,2\n")
    result = app.test_cli_runner().invoke(args=["import-orders", str(path)])
    assert result.exit_code != 0 and "missing column(s) order_id" in result.output


def test_create_integration_prints_the_webhook_secret_and_a_token(app):
    result = app.test_cli_runner().invoke(args=["create-integration", "boutique", "--platform", "shopify",
                                                "--secret", "s" * 32, "--scopes", "read orders:write"])
    assert result.exit_code == 0, result.output
    assert "webhook URL: /api/v1/webhooks/shopify/boutique" in result.output
    token = result.output.split("API token (shown once): ")[1].strip()
    answer = app.test_client().get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
