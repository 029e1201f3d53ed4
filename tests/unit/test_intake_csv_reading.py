"""Reading marketplace CSV exports: encodings, separators, columns, and every bad row named."""
from __future__ import annotations

import pytest

from server.domain.intake.csv_orders import NO_DATE, CsvFormatError, read_csv

HEADER = "order_id,email,name,address1,postal_code,city,country,sku,quantity,unit_price\n"


def test_french_excel_semicolon_windows_1252_and_decimal_comma():
    text = ("Commande;E-mail;Nom;Adresse;Code postal;Ville;Pays;Réf;Quantité;Prix\n"
            "M-1;eloise@exemple.fr;Éloïse Müller;12 rue de l'Église;69003;Lyon;FR;SKU-1;2;12,50\n"
            "M-1;eloise@exemple.fr;Éloïse Müller;12 rue de l'Église;69003;Lyon;FR;SKU-2;1;3\n")
    reading = read_csv(text.encode("cp1252"))
    assert (reading.encoding, reading.delimiter, reading.errors) == ("windows-1252", ";", [])
    [csv_order] = reading.orders
    order = csv_order.order
    assert (order.external_id, order.customer.name, order.address.line1) == ("M-1", "Éloïse Müller", "12 rue de l'Église")
    assert [(l.sku, l.quantity, l.unit_price_cents) for l in order.lines] == [("SKU-1", 2, 1250), ("SKU-2", 1, 300)]
    assert csv_order.rows == [2, 3] and order.updated_at == NO_DATE


def test_utf8_with_bom_and_comma():
    text = HEADER + "A-1,a@b.fr,Zoë,1 rue,75001,Paris,fr,S,1,9.99\n"
    reading = read_csv(("\ufeff" + text).encode("utf-8"))
    assert reading.encoding == "utf-8" and reading.delimiter == ","
    assert reading.orders[0].order.address.country == "FR"
    assert reading.orders[0].order.lines[0].unit_price_cents == 999


def test_every_bad_row_is_named_with_its_number_and_its_order_kept_out():
    text = (HEADER
            + "A-1,a@b.fr,Ana,1 rue,75001,Paris,FR,S1,1,1.00\n"       # row 2: good, order A-1
            + "B-1,b@b.fr,Bob,2 rue,75002,Paris,FR,S1,deux,1.00\n"     # row 3: bad quantity
            + "B-1,b@b.fr,Bob,2 rue,75002,Paris,FR,S2,1,1.00\n"        # row 4: good, but B-1 is out
            + "\n"                                                     # row 5: blank, skipped
            + "C-1,c@b.fr,Cy,3 rue,75003,Paris,France,S1,1,1.00\n"     # row 6: bad country
            + ",d@b.fr,Di,4 rue,75004,Paris,FR,S1,1,1.00\n"            # row 7: no order id
            + 'D-1,d@b.fr,"Di\nDo",4 rue,75004,Paris,FR,S1,1,1.00\n'  # row 8 (two lines): bad name
            + "E-1,e@b.fr,Ed,5 rue,75005,Paris,FR,S1,1,2.00\n")        # row 10: good
    reading = read_csv(text.encode())
    assert [o.order.external_id for o in reading.orders] == ["A-1", "E-1"]
    assert [(e.row, e.reason) for e in reading.errors] == [
        (3, "quantity 'deux' is not a whole number from 1 to 10000"),
        (4, "not imported: row 3 of the same order 'B-1' is bad"),
        (6, "country 'France' is not an ISO 3166 two-letter code"),
        (7, "no order id"),
        (8, "control characters in a value"),  # a line break inside a quoted name
    ]
    assert reading.orders[1].rows == [10]


def test_a_missing_required_column_refuses_the_file_naming_it():
    with pytest.raises(CsvFormatError, match="missing column.*sku"):
        read_csv(b"order_id,name,address1,postal_code,city,country,quantity\nA,B,C,D,E,FR,1\n")


def test_an_empty_file_is_refused():
    with pytest.raises(CsvFormatError):
        read_csv(b"")


def test_a_row_with_more_cells_than_the_header_is_bad():
    reading = read_csv((HEADER + "A-1,a@b.fr,Ana,1 rue,75001,Paris,FR,S1,1,1,00\n").encode())
    assert reading.orders == [] and "11 cells where the header has 10" in reading.errors[0].reason


@pytest.mark.parametrize("price, reason", [("1.005", "unit price '1.005' is not an amount in cents"),
                                           ("abc", "unit price 'abc' is not an amount"),
                                           ("-1", "unit price '-1' is not an amount in cents")])
def test_a_bad_price_is_named(price, reason):
    reading = read_csv((HEADER + f"A-1,a@b.fr,Ana,1 rue,75001,Paris,FR,S1,1,{price}\n").encode())
    assert [(e.row, e.reason) for e in reading.errors] == [(2, reason)]


def test_a_row_the_csv_module_cannot_split_refuses_the_file_naming_the_row():
    huge = '"' + "x" * 200_000 + '"'
    with pytest.raises(CsvFormatError, match="row 3: field larger than field limit"):
        read_csv((HEADER + "A-1,a@b.fr,Ana,1 rue,75001,Paris,FR,S1,1,1.00\n" + f"A-2,{huge},B,1,2,P,FR,S,1,1\n").encode())
