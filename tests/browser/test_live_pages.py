"""Headless Debian chromium (Playwright, never a downloaded browser) watches the slice live:
a supervisor signs in and keeps the dashboard open; a station screen shows the task; scans
from the pty and from the screen's own input arrive on both pages as they happen."""
from __future__ import annotations

import os
import shutil

import pytest



pytestmark = pytest.mark.browser


def test_dashboard_and_station_screen_show_the_slice_live(browser, live, tmp_path):
    from playwright.sync_api import expect

    running, picker, lamp = live
    dashboard = browser.new_page()
    dashboard.goto(f"{running.server.url}/dashboard?lang=fr")
    dashboard.fill("input[name=username]", "sophie")
    dashboard.fill("input[name=password]", "correct horse battery")
    dashboard.click("#sign-in")
    expect(dashboard.locator("#stations tr[data-station='PICK-01']")).to_have_class("online", timeout=10_000)
    expect(dashboard.locator("#pick_open")).to_have_text("1")

    screen = browser.new_page()
    screen.goto(picker.agent.ui_url)
    expect(screen.locator("body")).to_have_attribute("data-state", "pick", timeout=10_000)
    expect(screen.locator("#task")).to_contain_text("Lampe Émeraude")

    picker.scanner.scan(lamp.gtin, "]E0")  # the hand scanner, through the real pty
    expect(screen.locator("#message")).to_have_attribute("data-code", "item_ok", timeout=10_000)
    # A good scan is counted (and charted), not listed: the feed is for what needs a look.
    expect(dashboard.locator("#scans_15m")).to_have_text("1", timeout=10_000)

    screen.fill("#scan-input", "3760123456784")  # typed by a person: not in this order
    screen.press("#scan-input", "Enter")
    expect(screen.locator("#message")).to_have_attribute("data-code", "wrong_item", timeout=10_000)
    expect(screen.locator("#message")).to_have_class("message error flash")
    expect(dashboard.locator("#feed li.bad").first).to_contain_text("PICK-01 : mauvais article (3760123456784)")

    screen.fill("#scan-input", lamp.gtin)
    screen.press("#scan-input", "Enter")
    expect(screen.locator("body")).to_have_attribute("data-state", "idle", timeout=10_000)
    expect(dashboard.locator("#feed li[data-type=task_completed]").first).to_contain_text("PICK-01 a terminé prélèvement")
    expect(dashboard.locator("#pick_open")).to_have_text("0")

    picker.printer.paper_out = True  # the station polls its printer and reports the change
    expect(dashboard.locator("#stations tr[data-station='PICK-01']")).to_contain_text("plus de papier", timeout=10_000)
    screen.screenshot(path=str(tmp_path / "station.png"))
    dashboard.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    if os.environ.get("COLIS_KEEP_SCREENSHOTS"):
        for name in ("station.png", "dashboard.png"):
            shutil.copy(tmp_path / name, os.path.join(os.environ["COLIS_KEEP_SCREENSHOTS"], name))
