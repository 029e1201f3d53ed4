"""The customers' self-service return page (/return), on both databases: the order number with
the delivery postal code or the email opens it; any wrong part gets the very same answer; the
attempts are rate-limited per address; the label is only the opening session's."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.models import Return
from tests.returns_kit import shipped_order


@pytest.fixture
def shipped(floor):
    with floor.uow() as uow:
        order = shipped_order(uow)
        uow.commit()
    return order


def prove(web, order: str, secret: str):
    return web.post("/return?lang=en", data={"order": order, "secret": secret})


def test_the_order_number_with_the_postal_code_or_the_email_opens_the_return(app, floor, shipped):
    for secret in (shipped["postal_code"], f" {shipped['postal_code'][:2]} {shipped['postal_code'][2:]} ",
                   shipped["email"].upper()):
        web = app.test_client()
        answer = prove(web, shipped["reference"].lower(), secret)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/return/lines"), secret
    page = web.get("/return/lines?lang=en")
    assert page.status_code == 200 and b"Lampe" in page.data and b"wrong item sent" in page.data
    chosen = web.post("/return/lines", data={f"qty-{shipped['lamp_line']}": "1",
                                             f"reason-{shipped['lamp_line']}": "wrong_size"})
    assert chosen.status_code == 302
    with floor.uow() as uow:
        case = uow.session.scalars(select(Return)).one()
        assert (case.source, case.created_by, [line.quantity for line in case.lines]) == ("self_service", "customer", [1])
        rma = case.rma
    done = web.get(chosen.headers["Location"] + "?lang=en")
    assert rma.encode() in done.data
    label = web.get(f"/return/label/{rma}.pdf")
    assert label.status_code == 200 and label.data.startswith(b"%PDF-")
    stranger = app.test_client()
    assert stranger.get(f"/return/label/{rma}.pdf").status_code == 404
    assert stranger.get(f"/return/done/{rma}").status_code == 404


def test_anyone_with_only_one_part_learns_nothing(app, floor, shipped):
    wrongs = [(shipped["reference"], "99999"), (shipped["reference"], "someone@else.fr"), ("CO-9999999", shipped["postal_code"]),
              (shipped["reference"], ""), ("", shipped["postal_code"]), ("x" * 500, "y" * 500),
              ("CO-99999999999999999999", shipped["postal_code"])]
    answers = set()
    for order, secret in wrongs:
        answer = prove(app.test_client(), order, secret)
        # The page itself, less the session's own CSRF token.
        answers.add((answer.status_code, re.sub(rb'name="csrf_token" value="[^"]*"', b"", answer.data)))
    assert len(answers) == 1 and next(iter(answers))[0] == 404
    assert b"Lampe" not in next(iter(answers))[1] and b"Dupr" not in next(iter(answers))[1]
    assert app.test_client().get("/return/lines").status_code == 302  # no proof: back to the start


def test_an_order_not_shipped_yet_gets_the_same_answer(app, floor):
    from tests.factories import add_item, add_order

    with floor.uow() as uow:
        order = add_order(uow, [(add_item(uow, "Lampe"), 1)])
        reference, postal = order.reference, order.ship_address.postal_code
        uow.commit()
    assert prove(app.test_client(), reference, postal).status_code == 404


def test_attempts_are_limited_per_address(app, floor, shipped):
    app.config["RETURNS_SELF_SERVICE_LIMIT"] = "3 per minute"
    web = app.test_client()
    assert [prove(web, shipped["reference"], "00000").status_code for _ in range(3)] == [404] * 3
    refused = prove(web, shipped["reference"], shipped["postal_code"])  # even the right answer, now
    assert refused.status_code == 429 and b"Too many attempts" in refused.data
    other = app.test_client().post("/return", data={"order": shipped["reference"], "secret": shipped["postal_code"]},
                                   environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 302


def test_two_floors_on_one_redis_do_not_count_each_others_attempts(database_url, floor, shipped):
    """The limit's key carries the app's prefix (its SOCKETIO_CHANNEL), as the sign-in limits'
    do. Before: "LIMITER/self-return/<address>/..." for every app on the Redis, so a floor, or a
    test in another pytest-xdist process, spent this one's attempts."""
    import uuid

    from server import create_app
    from tests.processes import REDIS_URL, require_redis

    require_redis()
    apps = [create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                        "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": REDIS_URL,
                        "SOCKETIO_CHANNEL": f"colis-test-{uuid.uuid4().hex}", "RETURNS_SELF_SERVICE_LIMIT": "2 per minute"})
            for _ in range(2)]
    try:
        one, two = (app.test_client() for app in apps)
        assert [prove(one, shipped["reference"], "00000").status_code for _ in range(3)] == [404, 404, 429]
        assert prove(two, shipped["reference"], shipped["postal_code"]).status_code == 302
    finally:
        for app in apps:
            app.extensions["colis"].close()
