"""One headless Debian chromium per module, driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import os

import pytest

from tests.conftest import require

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
