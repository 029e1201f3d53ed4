"""From the customer's mailbox to a return, in headless Debian chromium (Playwright): the
"shipped" message a real SMTP server received carries a signed link; opened, the status page
shows the order and its parcel in the customer's language; its button starts a return on the
self-service return page, where the order's lines appear."""
from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller

from server.devserver import serve_in_thread
from tests.customer_kit import shipped_order
from tests.integration.test_notifications import Inbox, free_port
from wire import texts

pytestmark = pytest.mark.browser


@pytest.fixture
def mailbox():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="smtp.test")
    controller.start()
    yield inbox, port
    controller.stop()


def test_the_link_in_the_shipped_message_opens_the_page_and_starts_a_return(browser, app, floor, mailbox):
    from playwright.sync_api import expect

    inbox, port = mailbox
    server = serve_in_thread(app)
    try:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, PUBLIC_URL=server.url)
        with floor.uow() as uow:
            order, (package,) = shipped_order(uow, locale="en", email="zoe@exemple.fr")
            reference, tracking = order.reference, package.tracking_number
            uow.emit("order_shipped", order=reference, tracking=tracking, carrier="DEMO")
            uow.commit()
        (message,) = inbox.all()
        assert message["Subject"] == f"Order {reference} shipped"
        link = re.search(r"https?://\S+/track/\S+", message.get_body(("plain",)).get_content()).group(0)

        page = browser.new_page()
        page.goto(link)
        expect(page.locator("#order-ref")).to_have_text(f"Order {reference}")
        expect(page.locator("#order-status")).to_have_text(texts.text("track.order_shipped", "en"))
        expect(page.locator("#parcels")).to_contain_text(tracking)
        expect(page.locator("#contact")).to_have_text(texts.text("track.contact", "en"))
        page.click("#start-return")
        expect(page.locator("h1")).to_have_text(texts.text("web.ret.self_title", "en"))
        page.fill("#order", reference)
        page.fill("#secret", "69003")
        page.click("#continue")
        expect(page.locator("#return-lines")).to_contain_text("Lampe de bureau")

        signed, _, query = link.partition("?")
        tampered = signed[:-3] + ("abc" if not signed.endswith("abc") else "xyz") + "?" + query
        page.goto(tampered)
        expect(page.locator("#find-order")).to_be_visible()
        assert reference not in page.locator("main").inner_text()
        page.close()
    finally:
        server.stop()
