"""The order status page: a signed link opens it, a tampered or expired one shows nothing about
any order, the form needs the number with the postal code or e-mail and is rate-limited; the
UPS Track Alert webhook needs its credential."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from server.services.status_links import status_token
from tests.customer_kit import shipped_order, ups_alert


def _order(floor, **kwargs):
    with floor.uow() as uow:
        order, packages = shipped_order(uow, **kwargs)
        uow.commit()
        return order.id, order.reference, packages[0].tracking_number, order.customer.email


def test_a_signed_link_shows_the_order_its_parcel_and_the_buttons(app, floor):
    order_id, reference, tracking, _ = _order(floor)
    page = app.test_client().get(f"/track/{status_token('test-secret', order_id)}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Order {reference}" in html and tracking in html and "Expected on" in html
    assert f'href="/return?order={reference}"' in html and "Contact customer service" in html
    french = app.test_client().get(f"/track/{status_token('test-secret', order_id)}?lang=fr")
    assert f"Commande {reference}" in french.get_data(as_text=True)


def test_a_tampered_made_up_or_other_apps_link_shows_nothing_about_any_order(app, floor):
    order_id, reference, tracking, _ = _order(floor)
    good = status_token("test-secret", order_id)
    for token in (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "eyJvIjoxfQ.garbage.sig",
                  status_token("another-key", order_id), "x" * 300):
        page = app.test_client().get(f"/track/{token}?lang=en")
        html = page.get_data(as_text=True)
        assert page.status_code == 404 and "not valid or has expired" in html
        assert reference not in html and tracking not in html


def test_an_expired_link_is_refused(app, floor, monkeypatch):
    order_id, reference, _, _ = _order(floor)
    long_ago = time.time() - 61 * 86400  # STATUS_LINK_MAX_AGE_DAYS is 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: long_ago)
    token = status_token("test-secret", order_id)
    monkeypatch.undo()
    page = app.test_client().get(f"/track/{token}?lang=en")
    assert page.status_code == 404 and reference not in page.get_data(as_text=True)


def test_the_form_opens_the_page_with_the_postal_code_or_email_and_only_with_them(app, floor):
    order_id, reference, _, email = _order(floor)
    web = app.test_client()
    for second in ("69003", " 69003 ", email.upper()):
        answer = web.post("/track", data={"order": reference, "postal_or_email": second})
        assert answer.status_code == 302 and "/track/" in answer.headers["Location"]
    for wrong in ("75001", "someone@else.fr", ""):
        answer = web.post("/track?lang=en", data={"order": reference, "postal_or_email": wrong})
        assert answer.status_code == 404 and reference not in answer.get_data(as_text=True).replace(
            f'value="{reference}"', "")


def test_the_form_is_rate_limited_per_address(app, floor):
    _, reference, _, _ = _order(floor)
    app.config["LOGIN_REFUSAL_DELAY"] = 0
    web = app.test_client()
    codes = [web.post("/track", data={"order": reference, "postal_or_email": f"0000{n}"}).status_code
             for n in range(12)]
    assert codes[:10] == [404] * 10 and codes[10:] == [429, 429]


def test_ups_track_alert_needs_its_credential_and_moves_the_parcel(app, floor):
    app.config["UPS_TRACK_ALERT_CREDENTIAL"] = "s3cret-from-subscription"
    order_id, reference, tracking, _ = _order(floor, carrier="UPS")
    at = datetime(2026, 11, 23, 13, 50, 4, tzinfo=timezone.utc)
    body = ups_alert(tracking, "D", "FS", at, "Delivered", "011")
    web = app.test_client()
    assert web.post("/carriers/ups/track-alert", json=body).status_code == 401
    assert web.post("/carriers/ups/track-alert", json=body, headers={"credential": "guess"}).status_code == 401
    bad = web.post("/carriers/ups/track-alert", json={"trackingNumber": tracking}, headers={
        "credential": "s3cret-from-subscription"})
    assert bad.status_code == 400 and "activityStatus" in bad.get_json()["error"]
    for _ in range(2):  # UPS sends at least once
        done = web.post("/carriers/ups/track-alert", json=body, headers={"credential": "s3cret-from-subscription"})
        assert done.status_code == 200
    assert done.get_json() == {"stored": 0, "duplicates": 1, "unknown": []}
    page = web.get(f"/track/{status_token('test-secret', order_id)}?lang=en").get_data(as_text=True)
    assert "Delivered on 2026-11-23" in page and "Return an item" in page
    assert (at + timedelta(0)).strftime("%Y-%m-%d %H:%M") in page


def test_unsubscribing_asks_on_get_records_on_post_and_refuses_a_tampered_link(app, floor):
    from server.models import NotificationOptOut
    from server.services.status_links import unsubscribe_token

    token = unsubscribe_token("test-secret", "Quiet@Exemple.fr")
    web = app.test_client()
    asked = web.get(f"/unsubscribe/{token}?lang=en")
    assert asked.status_code == 200 and "quiet@exemple.fr" in asked.get_data(as_text=True)
    with floor.uow() as uow:
        assert uow.session.get(NotificationOptOut, "quiet@exemple.fr") is None  # a mail scanner's GET: nothing
    done = web.post(f"/unsubscribe/{token}?lang=fr")
    assert done.status_code == 200 and "est fait : quiet@exemple.fr" in done.get_data(as_text=True)
    assert web.post(f"/unsubscribe/{token}").status_code == 200  # twice: the same answer
    with floor.uow() as uow:
        assert uow.session.get(NotificationOptOut, "quiet@exemple.fr") is not None
    assert web.post(f"/unsubscribe/{token[:-2]}xx").status_code == 404
    assert web.get(f"/unsubscribe/{status_token('test-secret', 1)}").status_code == 404  # another kind of link
