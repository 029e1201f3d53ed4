"""The supervisor's floor in headless Debian chromium (Playwright, never a downloaded browser):

* the dashboard shows the feed's history on load, then a station agent's scans (through its
  real pty) move a counter, the throughput chart and the feed, in sentences, live;
* an order found by its tracking number has its label reprinted to a fake Zebra on a TCP socket,
  which receives it.
Waits are bounded (Playwright's expect); nothing asserts how fast."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from labels import make_sscc
from server.models import Package
from server.services.allocation import allocate_order
from tests.factories import PASSWORD, add_item, add_order, add_station, add_user
from tests.floorkit import start_floor, wait_for

pytestmark = pytest.mark.browser
WAIT = 10_000  # ms: the bound of every wait


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#sign-in")


def units_charted(page) -> int:
    return page.evaluate("Chart.getChart('chart-units').data.datasets[1].data.reduce((a, b) => a + b, 0)")


def test_scans_move_a_counter_the_chart_and_the_feed_live_in_sentences(browser, live):
    from playwright.sync_api import expect

    running, picker, lamp = live
    page = browser.new_page()
    refused = []  # what the page's Content-Security-Policy blocked (Chart.js must need nothing inline)
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    sign_in(page, f"{running.server.url}/dashboard?lang=en", "sophie")
    row = page.locator("#stations tr[data-station='PICK-01']")
    expect(row).to_have_class("online", timeout=WAIT)
    expect(row).to_contain_text("picking")  # the role in words
    expect(page.locator("#pick_open")).to_have_text("1")
    wait_for(lambda: picker.screen()["state"] == "pick", what="the picker's task")
    before = units_charted(page)

    picker.scanner.scan("3760123456784", "]E0")  # not in this order: an exception, in words
    expect(page.locator("#feed li.bad").first).to_contain_text("PICK-01: wrong item (3760123456784)", timeout=WAIT)
    for _ in range(2):
        picker.scanner.scan(lamp.gtin, "]E0")
    expect(page.locator("#pick_open")).to_have_text("0", timeout=WAIT)
    page.wait_for_function(f"Chart.getChart('chart-units').data.datasets[1].data.reduce((a, b) => a + b, 0) >= {before + 2}",
                           timeout=WAIT)
    finished = page.locator("#feed li[data-type=task_completed]").first
    expect(finished).to_contain_text("PICK-01 finished pick", timeout=WAIT)
    assert finished.locator("a").get_attribute("href").startswith("/orders/CO-")

    assert not refused, refused
    # A reload starts from the database: the feed's history is there before anything new happens.
    page.reload()
    expect(page.locator("#feed li.bad").first).to_contain_text("wrong item", timeout=WAIT)
    expect(page.locator("#feed li[data-type=task_completed]").first).to_contain_text("PICK-01 finished pick")
    page.wait_for_function(f"Chart.getChart('chart-units').data.datasets[1].data.reduce((a, b) => a + b, 0) >= {before + 2}",
                           timeout=WAIT)


@pytest.fixture
def shipped(app, floor, tmp_path):
    """An order with a parcel out the door, a fleet printer (a fake Zebra on TCP) and the spooler."""
    from server.printspool import PrintSpooler
    from server.services.printers import add_printer
    from station.drivers.simulated import FakeZebraPrinter

    zebra = FakeZebraPrinter().start()
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe Émeraude", on_hand=4)
        order = add_order(uow, [(lamp, 1)], name="Zoé Ångström")
        package = Package(order_id=order.id, carrier="DEMO", service="STANDARD", weight_g=300)
        uow.session.add(package)
        uow.session.flush()
        package.sscc = make_sscc(0, uow.settings.gs1_company_prefix, package.id)
        package.tracking_number = f"6A{package.id:011d}"
        add_printer(uow, name="ZD621-QUAI", url=zebra.url, location="Quai 2")
        add_user(uow, "sophie", "supervisor")
        uow.commit()
        reference, tracking = order.reference, package.tracking_number
    spooler = PrintSpooler(floor.uow, tick=0.2, watch_every=60).start()
    app.extensions["colis_spooler"] = spooler
    running = start_floor(app)
    yield running, zebra, reference, tracking
    running.stop()
    spooler.stop()
    zebra.stop()


def test_an_order_found_by_its_tracking_number_has_its_label_reprinted_to_a_tcp_printer(browser, shipped):
    from playwright.sync_api import expect

    running, zebra, reference, tracking = shipped
    page = browser.new_page()
    sign_in(page, f"{running.server.url}/orders?lang=fr", "sophie")
    page.fill("#q", tracking)
    page.click("#filter")
    page.click(f"#orders a:has-text('{reference}')")
    expect(page.locator("h1")).to_contain_text(reference, timeout=WAIT)
    expect(page.locator(".tracking")).to_have_text(tracking)
    # The label image loads after the page: wait for it rather than read it at once (a race
    # that failed on PostgreSQL when the page came back a little sooner than its image).
    page.wait_for_function("() => { const img = document.querySelector('img.label');"
                           " return img && img.complete && img.naturalWidth > 0; }", timeout=WAIT)
    page.select_option("form.reprint select[name=printer]", label="ZD621-QUAI (Quai 2)")
    page.click("form.reprint button")
    expect(page.locator(".flash.ok")).to_contain_text("ZD621-QUAI", timeout=WAIT)
    jobs = zebra.wait_for_jobs(1, timeout=WAIT / 1000)
    assert tracking.encode() in b"".join(jobs)
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("ZD621-QUAI", timeout=WAIT)
