"""One headless Debian chromium per module, driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import os

import pytest

from server.services.allocation import allocate_order
from tests.conftest import require
from tests.factories import add_item, add_order, add_station, add_user
from tests.floorkit import start_floor

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flag chromium keeps calling home, refused by a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    require(os.path.exists(CHROMIUM), f"{CHROMIUM} missing (Debian package chromium; .ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Python playwright not installed (make install: pip install -e '.[dev]')")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live(app, floor, tmp_path):
    """A floor served live with one picker (PICK-01, an order of 2 lamps waiting) and a supervisor."""
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe Émeraude", on_hand=4)
        allocate_order(uow, add_order(uow, [(lamp, 2)]).id)
        _, token = add_station(uow, "PICK-01", "pick")
        add_user(uow, "sophie", "supervisor")
        uow.commit()
    running = start_floor(app)
    picker = running.add_station("PICK-01", token, tmp_path)
    yield running, picker, lamp
    running.stop()
