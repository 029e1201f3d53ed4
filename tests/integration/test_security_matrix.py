"""Who may use what: every route × every identity, every station event × every station role and a
supervisor's dashboard socket (issue 10, "Checked"; docs/security.md).

A route that is in no row of POLICY fails the test: a new route must say who may use it.
"""
from __future__ import annotations

import pytest

from server.domain.roles import STATION_ROLES, USER_ROLES
from server.extensions import socketio
from tests.factories import PASSWORD, add_station, add_user
from wire.contract import ClientEvent

SUPERVISING = {"supervisor", "admin"}
# endpoint, or blueprint prefix ending in ".", → who may use it
POLICY = {
    "static": "public", "dashboard.home": "public", "auth.login": "public", "rest.health": "public",
    "intake-api-docs.openapi_json": "public",
    "auth.logout": "signed-in",
    "dashboard.page": "supervisors", "dashboard.snapshot": "supervisors", "rest.": "supervisors",
    "api_v1.": "bearer token",  # integrations: a cookie, even a supervisor's, is not enough
    "intake_webhooks.receive": "signed webhook",  # HMAC of the body; no cookie opens it
    # The customer's side (issue 11): a signed link or order number + postal code/e-mail, no account.
    "customer.track_form": "public", "customer.track": "public", "customer.unsubscribe": "public",
    "customer.return_label": "public",
    "carrier_webhooks.ups_track_alert": "signed webhook",  # UPS's credential header; unset: 404
    "carrier_webhooks.dpd_push": "signed webhook",  # the secret token in the URL given to DPD; unset: 404
    "promises_api.": "supervisors",  # the promise watcher's decisions and their undo
    # issue 9: the supervisors' pages; users are the admins' alone; the returns clerk's landing
    "orders_web.": "supervisors", "stations_web.": "supervisors", "users_web.": "admins",
    "stations_web.returns_landing": "returns",
    "printers_web.": "supervisors",  # issue 7: the printer fleet's page, assignments and reprints
    # issue 8: the returns pages are the returns clerk's (and supervisors'); deciding a refund is a
    # supervisor's; the customers' self-service return page is open (its own proof and rate limit).
    "returns_pages.": "returns", "returns_pages.approve": "supervisors", "returns_pages.reject": "supervisors",
    "self_return.": "public",
    "imports_web.": "admins",  # issue 14: the CSV upload page
}
ARGS = {"filename": "colis.css", "reference": "CO-0000001", "sku_or_gtin": "SKU-00001", "platform": "shopify",
        "name": "main", "token": "not-a-signed-token", "package_id": "1", "code": "PICK-01", "user_id": "999999", "job_id": "999999"}
ARGS["rma"] = "RMA00000001"  # issue 8's return pages
ARGS["lot"] = "LOT-A/7"  # issue 6's lot trace (a GS1 lot may hold a slash)
ARGS["decision_id"] = "1"  # issue 11's promise decisions
ARGS["line_id"] = "1"  # issue 8's photo of a returned unit


def _policy(endpoint: str) -> str:
    if endpoint in POLICY:
        return POLICY[endpoint]
    prefix = next((p for p in POLICY if p.endswith(".") and endpoint.startswith(p)), None)
    assert prefix, f"route {endpoint} is in no row of the matrix: say who may use it (POLICY)"
    return POLICY[prefix]


def _refused(reply) -> bool:
    # Flask-Login sends the anonymous to /login?next=<where they were>; a sign-out goes to /login.
    return reply.status_code in (401, 403) or (
        reply.status_code == 302 and "/login?next=" in reply.headers.get("Location", ""))


def test_every_route_answers_each_identity_as_the_matrix_says(app, floor, stopped_limiter_clock):
    # The limiter's clock stopped: the test's eleven sign-ins in one window, whatever the machine
    # (before, the all-addresses cap of 10 a second answered the sixth bad login 429 when they
    # fitted in one second: on a fast machine, or once the process had made its dummy hash).
    with floor.uow() as uow:
        for role in USER_ROLES:
            add_user(uow, f"who-{role}", role)
        uow.commit()
    identities = {"anonymous": app.test_client()}
    for role in USER_ROLES:
        web = app.test_client()
        assert web.post("/login", data={"username": f"who-{role}", "password": PASSWORD}).status_code == 302
        identities[role] = web
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")  # logout last
    checked = 0
    for rule in rules:
        policy = _policy(rule.endpoint)
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", ARGS[arg]).replace(f"<path:{arg}>", ARGS[arg]).replace(
                f"<int:{arg}>", ARGS[arg])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, web in identities.items():
                reply = web.open(url, method=method, json={} if method != "GET" else None)
                assert reply.status_code != 500, (rule.endpoint, method, who)
                if policy == "public":
                    allowed = True
                elif policy == "signed-in":
                    allowed = who != "anonymous"
                elif policy == "supervisors":
                    allowed = who in SUPERVISING
                elif policy == "admins":
                    allowed = who == "admin"
                elif policy == "returns":
                    allowed = who in SUPERVISING | {"returns_clerk"}
                else:  # bearer token, signed webhook: no web identity opens them
                    allowed = False
                if policy == "signed webhook":
                    assert reply.status_code in (401, 404), (rule.endpoint, who, reply.status_code)
                elif rule.endpoint == "auth.login" and method == "POST":
                    assert reply.status_code == 401, (who, reply.status_code)  # open to all; {} is a bad login
                elif allowed:
                    assert not _refused(reply), (rule.endpoint, method, who, reply.status_code)
                else:
                    assert _refused(reply), (rule.endpoint, method, who, reply.status_code)
                checked += 1
    assert checked >= len(identities) * len(POLICY)


@pytest.mark.parametrize("role", STATION_ROLES)
def test_every_station_event_from_every_station_role_is_answered_never_a_server_error(app, floor, role):
    with floor.uow() as uow:
        _, token = add_station(uow, f"{role[:4].upper()}-M1", role)
        uow.commit()
    client = socketio.test_client(app, namespace="/station", auth={"station": f"{role[:4].upper()}-M1",
                                                                    "token": token})
    assert client.is_connected("/station")
    for event in ClientEvent:
        reply = client.emit(str(event), {}, namespace="/station", callback=True)
        assert isinstance(reply, dict), (role, event)
        assert (reply.get("error") or {}).get("code") != "server_error", (role, event, reply)
    client.disconnect(namespace="/station")


def test_station_events_on_a_supervisors_dashboard_socket_do_nothing(app, floor):
    from tests.factories import signed_in

    web = signed_in(app, floor, "sophie", "supervisor")
    dashboard = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
    assert dashboard.is_connected("/dashboard")
    for event in ClientEvent:
        # The namespace has no handler for it: an empty ack, nothing run.
        assert dashboard.emit(str(event), {}, namespace="/dashboard", callback=True) in (None, []), event
    assert dashboard.is_connected("/dashboard")
    dashboard.disconnect(namespace="/dashboard")


def test_no_station_event_reaches_a_socket_that_did_not_sign_in(app):
    client = socketio.test_client(app, namespace="/station", auth={"station": "NOPE-01", "token": "x" * 43})
    assert not client.is_connected("/station")


@pytest.mark.parametrize("role", ("anonymous", *USER_ROLES))
def test_the_dashboard_socket_opens_for_supervisors_only_and_takes_no_event(app, floor, role):
    """The /dashboard namespace × every identity (issue 9): a connect is its only event; the live
    floor (snapshot, feed) goes to supervisors and admins, and nothing a page sends runs."""
    from tests.factories import signed_in

    web = app.test_client() if role == "anonymous" else signed_in(app, floor, f"who-{role}", role)
    dashboard = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
    assert dashboard.is_connected("/dashboard") is (role in SUPERVISING), role
    if role in SUPERVISING:
        # The connect's own update (a broadcast of the sign-in may come before it).
        on_connect = [m["args"][0] for m in dashboard.get_received("/dashboard") if "history" in m["args"][0]]
        assert on_connect and "cutoffs" in on_connect[0]["snapshot"]
        for event in ("floor_update", "snapshot", "hold", "reprint"):
            assert dashboard.emit(event, {}, namespace="/dashboard", callback=True) in (None, []), event
        dashboard.disconnect(namespace="/dashboard")
