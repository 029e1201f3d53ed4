"""The packing benches' scales on the supervisors' pages (issue 12), in headless Debian chromium:
two live station agents, one with an MT-SICS scale on a real pseudo-terminal, one whose scale's
port is not there (unplugged). The dashboard's station table and the stations page say each in
words, with the port, green or red, in French and in English."""
from __future__ import annotations

import pytest

from station.drivers.simulated import PtyScale
from tests.factories import PASSWORD, add_station, add_user
from tests.floorkit import start_floor, wait_for

pytestmark = pytest.mark.browser
WAIT = 10_000  # ms: the bound of every wait


def sign_in(page, url: str) -> None:
    page.goto(url)
    page.fill("input[name=username]", "sophie")
    page.fill("input[name=password]", PASSWORD)
    page.click("#sign-in")


def test_each_benchs_scale_is_said_in_words_with_its_port_and_colour(browser, app, floor, tmp_path):
    from playwright.sync_api import expect

    from server.models import Station

    with floor.uow() as uow:
        tokens = {code: add_station(uow, code, "pack")[1] for code in ("PACK-01", "PACK-02")}
        add_user(uow, "sophie", "supervisor")
        uow.commit()
    missing = str(tmp_path / "ttyUSB-gone")  # a scale unplugged before the station started
    running = start_floor(app)
    try:
        with PtyScale() as scale:
            running.add_station("PACK-01", tokens["PACK-01"], tmp_path, scale_url=scale.device)
            running.add_station("PACK-02", tokens["PACK-02"], tmp_path, scale_url=missing)

            def reported(code: str):
                with floor.session_factory() as session:
                    station = session.query(Station).filter_by(code=code).one()
                    return (station.device_status or {}).get("scale")

            wait_for(lambda: reported("PACK-01") and reported("PACK-02"), 10, "both scales reported")
            page = browser.new_page()
            sign_in(page, f"{running.server.url}/dashboard?lang=fr")
            plugged = page.locator("#stations tr[data-station='PACK-01'] td.scale")
            unplugged = page.locator("#stations tr[data-station='PACK-02'] td.scale")
            expect(plugged).to_have_text(f"branchée ({scale.device})", timeout=WAIT)
            expect(plugged).to_have_class("scale ok")
            expect(unplugged).to_have_text(f"débranchée ({missing})", timeout=WAIT)
            expect(unplugged).to_have_class("scale bad")

            page.goto(f"{running.server.url}/stations?lang=en")
            expect(page.locator("tr[data-station='PACK-02'] td.scale")).to_have_text(f"unplugged ({missing})")
            expect(page.locator("tr[data-station='PACK-02'] td.scale")).to_have_class("scale bad")
            expect(page.locator("tr[data-station='PACK-01'] td.scale")).to_have_text(f"connected ({scale.device})")
            page.screenshot(path=str(tmp_path / "stations-scales.png"), full_page=True)
    finally:
        running.stop()
