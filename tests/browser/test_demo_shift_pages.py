"""A short demo shift (``make demo``'s floor and simulated operators, at a quick pace), then every
supervisor page drawn by headless chromium in French and in English:

* screenshots of the dashboard in both languages, kept under var/screenshots/ (gitignored; or
  $COLIS_SCREENSHOTS) for a person to look at;
* no internal code on any rendered page: no status, reason, outcome, role, printer condition or
  event name as the program spells it (``wrong_item``, ``label_pending``, ``paper_out``…), and on
  French pages no English status word either.
"""
from __future__ import annotations

import os
import random
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from server.domain import statuses
from server.domain.shipping.services import BY_CODE
from server.feed import LEVELS
from server.models import Order
from demo.__main__ import STATIONS
from tests.floorkit import wait_for
from wire import texts

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SHIFT_SECONDS = 12
ENGLISH_STATUS_WORDS = ("allocated", "backordered", "picking", "picked", "packing", "packed", "shipped",
                        "delivered", "cancelled", "assigned", "queued", "printed", "failed", "authorized",
                        "inspected", "refunded", "awaiting")


def codes() -> set[str]:
    """Every code a page could leak, as the program spells it (those with an underscore: a plain
    word like "open" is also English prose)."""
    found = {str(s) for cls in (statuses.OrderStatus, statuses.TaskStatus, statuses.PackageStatus,
                                statuses.ReturnStatus, statuses.RefundStatus, statuses.PrintJobStatus) for s in cls}
    found |= {key.split(".", 2)[-1] for key in texts.CATALOG
              if key.startswith(("outcome.", "reason.", "role.", "printer.", "scanner."))}
    found |= set(LEVELS) | {"task_completed", "scan_recorded", "order_shipped"}
    found |= set(BY_CODE)  # carrier services by their code ("COLISSIMO_DOM"): a person reads the name
    return {code for code in found if "_" in code}


@pytest.fixture(scope="module")
def shift(tmp_path_factory):
    from demo.__main__ import PASSWORD, prepare
    from demo.floor import start_floor
    from demo.shift import Habits, Operator, run_out_of_paper_now_and_then

    home = tmp_path_factory.mktemp("demo")
    before = os.environ.get("COLIS_INSTANCE_PATH")
    app, tokens, badges = prepare(home, orders=40, seed=9)
    floor = start_floor(app)
    stopping = threading.Event()
    try:
        for code, _, locale, _ in STATIONS:
            floor.add_station(code, tokens[code], home, locale)
        habits = Habits(pace=(0.05, 0.2), paper_out_every=6.0)
        for code, live in floor.stations.items():
            Operator(live, random.Random(code), stopping, habits, badge=badges.get(code)).start()
            if code.startswith("PACK"):
                run_out_of_paper_now_and_then(live, random.Random(1), stopping, habits.paper_out_every)
        stopping.wait(SHIFT_SECONDS)
        _after_the_shift(app)
        yield floor, app.extensions["colis"], PASSWORD
    finally:
        stopping.set()
        floor.stop()
        app.extensions["colis"].close()
        if before is None:
            os.environ.pop("COLIS_INSTANCE_PATH", None)
        else:
            os.environ["COLIS_INSTANCE_PATH"] = before


def _after_the_shift(app) -> None:
    """What a shift also brings: customers sending parcels back, an order a supervisor holds."""
    from server.services.holds import hold_order
    from server.services.returns import authorize_return

    floor = app.extensions["colis"]
    with floor.uow() as uow:
        shipped = uow.session.scalars(select(Order).where(Order.status == "shipped").limit(3)).all()
        for order, reason in zip(shipped, ("wrong_size", "changed_mind", "damaged")):
            authorize_return(uow, order.id, [(order.lines[0].id, 1)], reason, actor="customer-service")
        waiting = uow.session.scalars(select(Order).where(Order.status.in_(("new", "allocated", "released")))
                                      .order_by(Order.id.desc())).first()
        if waiting is not None:
            hold_order(uow, waiting.id, "adresse à vérifier", "user:chef")
        uow.commit()


def _order_refs(app_floor) -> list[str]:
    with app_floor.session_factory() as session:
        rows = session.scalars(select(Order).where(Order.status != "new").order_by(Order.id).limit(6)).all()
        return [order.reference for order in rows]


def _screens_dir() -> Path:
    where = Path(os.environ.get("COLIS_SCREENSHOTS") or ROOT / "var" / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#sign-in")


def _leaks(text: str, locale: str) -> list[str]:
    found = [code for code in codes() if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]
    if locale == "fr":
        found += [word for word in ENGLISH_STATUS_WORDS if re.search(rf"\b{word}\b", text)]
    return found


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_dashboard_on_demo_data_is_drawn_and_kept_as_a_screenshot(browser, shift, locale):
    from playwright.sync_api import expect

    floor, _, password = shift
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    _sign_in(page, floor.server.url, "chef", password)
    page.goto(f"{floor.server.url}/dashboard?lang={locale}")
    expect(page.locator("#stations tbody tr")).to_have_count(len(STATIONS), timeout=10_000)
    page.wait_for_function("Chart.getChart('chart-units').data.datasets[1].data.some((n) => n > 0)", timeout=10_000)
    expect(page.locator("#feed li.ev").first).to_be_visible(timeout=10_000)
    # The shift's operators signed in by badge: their units picked are charted per operator.
    expect(page.locator("#operators tbody")).to_contain_text("Léa", timeout=10_000)
    page.wait_for_function("Chart.getChart('chart-operator-units').data.datasets"
                           ".some((d) => d.data.some((n) => n > 0))", timeout=10_000)
    shot = _screens_dir() / f"dashboard-{locale}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    # The tiles' numbers are inside their tile (the left edge cut them off before).
    for box, tile in page.evaluate("""[...document.querySelectorAll('.tile')].map(t =>
        [t.querySelector('.value').getBoundingClientRect().left, t.getBoundingClientRect().left])"""):
        assert box >= tile
    tablet = browser.new_page(viewport={"width": 820, "height": 1180})
    _sign_in(tablet, floor.server.url, "chef", password)
    tablet.goto(f"{floor.server.url}/dashboard?lang={locale}")
    expect(tablet.locator("#stations tbody tr")).to_have_count(len(STATIONS), timeout=10_000)
    assert tablet.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    tablet.screenshot(path=str(_screens_dir() / f"dashboard-tablet-{locale}.png"), full_page=True)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_no_rendered_page_of_a_demo_shift_shows_an_internal_code(browser, shift, locale):
    from playwright.sync_api import expect

    floor, _, password = shift
    page = browser.new_page()
    _sign_in(page, floor.server.url, "admin", password)
    url = floor.server.url
    page.goto(f"{url}/dashboard?lang={locale}")
    expect(page.locator("#feed li.ev").first).to_be_visible(timeout=10_000)
    wait_for(lambda: page.locator("#returns tbody tr").count() > 0, what="returns by reason")
    pages = {"/dashboard": page.inner_text("body")}
    refs = _order_refs(shift[1])
    for path in ["/orders", "/orders?late=1", "/orders?on_hold=1", "/stations", "/stations/PACK-01",
                 "/stations/RET-01", "/users", *[f"/orders/{ref}" for ref in refs]]:
        page.goto(f"{url}{path}")
        assert page.locator("main").count() == 1, path
        if path in ("/orders", "/stations") or path == f"/orders/{refs[-1]}":
            name = "order" if path.startswith("/orders/") else path.strip("/")
            page.screenshot(path=str(_screens_dir() / f"{name}-{locale}.png"), full_page=True)
        # Raw barcodes a station read are data, shown in <code>: not a code of ours.
        pages[path] = page.evaluate("""() => { const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('code').forEach(c => c.remove()); return main.innerText; }""")
    leaks = {path: _leaks(text, locale) for path, text in pages.items()}
    assert not any(leaks.values()), leaks
    assert any("CO-" in text for text in pages.values())
