"""The customers' self-service return page in headless Debian chromium (Playwright): a wrong
postal code gets the same answer as an unknown order; the right one opens the order's lines;
a quantity and a reason chosen give the RMA and a PDF label; in French and in English."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.devserver import serve_in_thread
from server.models import Return
from tests.returns_kit import shipped_order
from wire import texts

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app, floor):
    with floor.uow() as uow:
        order = shipped_order(uow, name="Zoé L'Héritier")
        uow.commit()
    server = serve_in_thread(app)
    yield server.url, order
    server.stop()


def test_a_customer_returns_an_item_alone_and_gets_the_label(browser, site, floor):
    from playwright.sync_api import expect

    url, order = site
    page = browser.new_page()
    page.goto(f"{url}/return?lang=fr")
    expect(page.locator("h1")).to_have_text(texts.text("web.ret.self_title", "fr"))
    locale = "en"
    words = lambda key, **params: texts.text(f"web.ret.{key}", locale, **params)  # noqa: E731
    page.goto(f"{url}/return?lang={locale}")
    expect(page.locator("h1")).to_have_text(words("self_title"))
    answers = []
    for number, secret in ((order["reference"], "00000"), ("CO-9999999", order["postal_code"])):
        page.fill("#order", number)
        page.fill("#secret", secret)
        page.click("#continue")
        expect(page.locator("#refused")).to_have_text(words("self_no_match"))
        answers.append(page.locator("main").inner_text())
    assert answers[0] == answers[1]  # which part was wrong is not said
    page.fill("#order", order["reference"])
    page.fill("#secret", order["email"])
    page.click("#continue")
    expect(page.locator("#return-lines")).to_contain_text("Lampe Émeraude")
    page.fill(f"#qty-{order['lamp_line']}", "1")
    page.select_option(f"#reason-{order['lamp_line']}", label=texts.text("web.ret.reason.wrong_size", locale))
    page.click("#request")
    with floor.uow() as uow:
        case = uow.session.scalars(select(Return)).one()
        rma, reasons = case.rma, [(line.quantity, line.reason) for line in case.lines]
    assert reasons == [(1, "wrong_size")]
    expect(page.locator("#done")).to_have_text(words("self_done", rma=rma))
    label = page.request.get(url + page.locator("#label").get_attribute("href"))  # with the page's cookie
    assert label.ok and label.headers["content-type"] == "application/pdf" and label.body().startswith(b"%PDF-")
    page.close()
