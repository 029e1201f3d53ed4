"""The returns pages on both databases: customer service opens an RMA for chosen lines,
quantities and reasons; bad input is refused and nothing is created; the returns list, a
supervisor's approve / reject (a clerk cannot); the customer's PDF; analytics and the CSV
export with formula cells neutralised; the customers' self-service page (proof, same answer
for every wrong part, rate limit, label only for the session that opened the return)."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from server.models import Refund, Return
from server.services import returns
from tests.factories import signed_in
from tests.returns_kit import open_rma, shipped_order


@pytest.fixture
def shipped(floor):
    with floor.uow() as uow:
        order = shipped_order(uow, lamp_price=15_000, lamps=2, name="Zoé L'Héritier")
        uow.commit()
    return order


def returns_count(floor) -> int:
    with floor.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Return))


def test_customer_service_opens_an_rma_with_lines_quantities_and_reasons(app, floor, shipped):
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    page = clerk.get(f"/returns/new?order={shipped['reference']}&lang=en")
    assert page.status_code == 200 and b"Lampe" in page.data and b"wrong size" in page.data
    form = {f"qty-{shipped['lamp_line']}": "2", f"reason-{shipped['lamp_line']}": "wrong_size",
            f"qty-{shipped['mug_line']}": "1", f"reason-{shipped['mug_line']}": "damaged"}
    created = clerk.post(f"/returns/new?order={shipped['reference']}", data=form)
    assert created.status_code == 302 and "/returns/RMA" in created.headers["Location"]
    with floor.uow() as uow:
        case = uow.session.scalars(select(Return)).one()
        assert (case.source, case.created_by) == ("customer_service", "user:claire")
        assert [(line.quantity, line.reason) for line in case.lines] == [(2, "wrong_size"), (1, "damaged")]
        rma = case.rma
    shown = clerk.get(f"/returns/{rma}?lang=en")
    assert shown.status_code == 200 and rma.encode() in shown.data
    pdf = clerk.get(f"/returns/{rma}/label.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    # The desk's label as it prints (labels/raster.py): a PNG on the page whose RMA barcode reads back.
    assert f"/returns/{rma}/label.png".encode() in shown.data
    picture = clerk.get(f"/returns/{rma}/label.png")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    zxingcpp = pytest.importorskip("zxingcpp")
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(picture.data))
    image.load()
    assert {result.text: result.symbology_identifier for result in zxingcpp.read_barcodes(image)}.get(rma) == "]C0"
    assert clerk.get("/returns/RMA99999999/label.png").status_code == 404


@pytest.mark.parametrize(("quantity", "reason"), [("3", "wrong_size"), ("1", "bored"), ("-1", "late"),
                                                  ("x", "late"), ("0", "late")])
def test_a_bad_request_for_a_return_is_refused_and_creates_nothing(app, floor, shipped, quantity, reason):
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    form = {f"qty-{shipped['lamp_line']}": quantity, f"reason-{shipped['lamp_line']}": reason}
    assert clerk.post(f"/returns/new?order={shipped['reference']}", data=form).status_code == 422
    assert clerk.get("/returns/new?order=CO-9999999").status_code == 404
    assert returns_count(floor) == 0


def test_units_already_on_a_return_cannot_be_asked_twice(app, floor, shipped):
    with floor.uow() as uow:
        open_rma(uow, shipped, [("lamp", 2, "late")])
        uow.commit()
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    form = {f"qty-{shipped['lamp_line']}": "1", f"reason-{shipped['lamp_line']}": "late"}
    assert clerk.post(f"/returns/new?order={shipped['reference']}", data=form).status_code == 422
    assert returns_count(floor) == 1


def received_and_graded(floor, shipped) -> tuple[int, str]:
    """Two lamps at 150.00 back and resellable: 300.00, above the 200.00 approval amount."""
    with floor.uow() as uow:
        rma = open_rma(uow, shipped, [("lamp", 2, "wrong_size")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        case.status = "received"
        uow.session.flush()
        for _ in range(2):
            line = next(line for line in case.lines if line.grade is None)
            returns.grade_unit(uow, case.id, line.id, "resellable", actor="station:RET-01",
                               location=shipped["lamp"].bin_code)
        outcome = returns.finish_inspection(uow, case.id, actor="station:RET-01")
        uow.commit()
        assert outcome.status == "awaiting_approval"
        return case.id, rma


def test_a_refund_above_the_limit_waits_and_only_a_supervisor_approves_it(app, floor, shipped):
    _, rma = received_and_graded(floor, shipped)
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    listed = clerk.get("/returns?lang=en")
    assert listed.status_code == 200 and rma.encode() in listed.data and b"class=\"approve\"" not in listed.data
    assert clerk.post(f"/returns/{rma}/approve").status_code == 403
    boss = signed_in(app, floor, "sophie", "supervisor")
    assert b"class=\"approve\"" in boss.get("/returns").data
    assert boss.post(f"/returns/{rma}/approve").status_code == 302
    assert boss.post(f"/returns/{rma}/approve").status_code == 302  # a double click: the same refund
    with floor.uow() as uow:
        refund = uow.session.scalars(select(Refund)).one()
        assert (refund.status, refund.amount_cents, refund.approved_by) == ("paid", 30_000, "user:sophie")


def test_a_supervisor_rejects_a_refund_and_nothing_is_paid(app, floor, shipped):
    return_id, rma = received_and_graded(floor, shipped)
    boss = signed_in(app, floor, "sophie", "supervisor")
    assert boss.post(f"/returns/{rma}/reject").status_code == 302
    with floor.uow() as uow:
        assert uow.session.get(Return, return_id).status == "closed"
        assert uow.session.scalars(select(Refund)).one().status == "rejected"


def test_the_list_finds_a_return_by_tracking_number_and_the_clerk_lands_on_it(app, floor, shipped):
    with floor.uow() as uow:
        rma = open_rma(uow, shipped, [("mug", 1, "late")])
        uow.commit()
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    assert rma.encode() in clerk.get(f"/returns?q={shipped['tracking']}").data
    assert rma.encode() not in clerk.get("/returns?q=6A99999999999").data
    assert rma.encode() in clerk.get("/returns?q=L'Héritier").data  # a name lists that customer's returns
    assert rma.encode() not in clerk.get("/returns?q=Martin").data
    with app.test_request_context():
        from server.web.access import landing_for
        assert landing_for("returns_clerk") == "/returns"


def test_analytics_by_reason_and_the_csv_export_neutralises_formulas(app, floor):
    with floor.uow() as uow:
        order = shipped_order(uow)
        uow.session.get(__import__("server.models", fromlist=["Product"]).Product,
                        order["lamp"].product_id).name = "=HYPERLINK(\"http://evil\")"
        open_rma(uow, order, [("lamp", 2, "wrong_size"), ("mug", 1, "damaged")])
        uow.commit()
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    page = clerk.get("/returns/analytics?lang=en")
    assert page.status_code == 200 and b"wrong size" in page.data
    exported = clerk.get("/returns/export.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.data.decode())))
    assert [(row["reason"], row["quantity"], row["value_cents"]) for row in rows] == [
        ("wrong_size", "2", "4000"), ("damaged", "1", "1990")]
    assert rows[0]["product"] == "'=HYPERLINK(\"http://evil\")"


def test_the_orders_page_opens_a_return_for_that_order(app, floor, shipped):
    boss = signed_in(app, floor, "sophie", "supervisor")
    page = boss.get(f"/orders/{shipped['reference']}?lang=en")
    assert page.status_code == 200
    assert f'href="/returns/new?order={shipped["reference"]}" id="open-return"'.encode() in page.data


def test_a_note_given_at_the_desk_is_kept_and_shown_on_the_returns_page(app, floor, shipped):
    from types import SimpleNamespace

    with floor.uow() as uow:
        rma = open_rma(uow, shipped, [("lamp", 1, "damaged")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        case.status = "received"
        uow.session.flush()
        desk = SimpleNamespace(code="RET-01")  # the effect reads only the station's code
        returns.grade_at_desk(uow, desk, return_id=case.id, line_id=case.lines[0].id, grade="damaged",
                              note="<b>pied cassé</b>")
        uow.commit()
        assert case.lines[0].note == "<b>pied cassé</b>" and case.lines[0].graded_by == "station:RET-01"
    page = signed_in(app, floor, "claire", "returns_clerk").get(f"/returns/{rma}?lang=en")
    assert page.status_code == 200 and b"&lt;b&gt;pied cass\xc3\xa9&lt;/b&gt;" in page.data and b"<b>pied" not in page.data
