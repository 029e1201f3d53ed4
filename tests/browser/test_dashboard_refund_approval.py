"""A refund waiting for a supervisor on the dashboard's feed (issue 8), in headless Debian
chromium with CSRF on: the line says it in words, links to its return, and its Approve key pays
it once (a second press answers the same refund)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.models import Refund, Return
from server.services import returns
from tests.browser.test_dashboard_live import WAIT, sign_in
from tests.factories import add_user
from tests.floorkit import start_floor
from tests.returns_kit import open_rma, shipped_order

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting(app, floor):
    """Two lamps at 150.00 back and resellable: 300.00, above the 200.00 approval amount."""
    with floor.uow() as uow:
        shipped = shipped_order(uow, lamp_price=15_000, lamps=2)
        rma = open_rma(uow, shipped, [("lamp", 2, "wrong_size")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        case.status = "received"
        uow.session.flush()
        for _ in range(2):
            line = next(line for line in case.lines if line.grade is None)
            returns.grade_unit(uow, case.id, line.id, "resellable", actor="station:RET-01",
                               location=shipped["lamp"].bin_code)
        assert returns.finish_inspection(uow, case.id, actor="station:RET-01").status == "awaiting_approval"
        add_user(uow, "sophie", "supervisor")
        uow.commit()
    app.config["WTF_CSRF_ENABLED"] = True  # the feed's form must carry the page's token
    running = start_floor(app)
    yield running, rma
    running.stop()


def test_a_refund_awaiting_approval_is_approved_from_the_dashboards_feed(browser, floor, waiting):
    from playwright.sync_api import expect

    running, rma = waiting
    page = browser.new_page()
    sign_in(page, f"{running.server.url}/dashboard?lang=en", "sophie")
    line = page.locator("#feed li[data-type=refund_awaiting_approval]").first
    expect(line).to_contain_text(f"Refund of return {rma} (€300.00) awaits approval", timeout=WAIT)
    assert line.locator("a").get_attribute("href") == f"/returns/{rma}"
    line.get_by_role("button", name="Approve").click()
    expect(page.locator("body")).to_contain_text(f"Refund {rma} approved and paid", timeout=WAIT)
    with floor.uow() as uow:
        refund = uow.session.scalars(select(Refund)).one()
        assert (refund.status, refund.approved_by) == ("paid", "user:sophie")
    page.goto(f"{running.server.url}/dashboard?lang=en")  # pressed again from the feed: the same refund
    page.locator("#feed li[data-type=refund_awaiting_approval]").first.get_by_role("button", name="Approve").click()
    expect(page.locator("body")).to_contain_text(rma, timeout=WAIT)
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Refund)) == 1
