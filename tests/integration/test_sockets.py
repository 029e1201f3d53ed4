"""Both Socket.IO namespaces through Flask-SocketIO's test client, on both databases."""
from __future__ import annotations

import uuid

import pytest

from server.extensions import socketio
from server.models import Station
from tests.factories import add_item, add_order, add_station, add_user, signed_in
from server.services.allocation import allocate_order


@pytest.fixture
def pack_station(floor):
    with floor.uow() as uow:
        station_id, token = add_station(uow, "PACK-07", "pack")
        uow.commit()
    return {"id": station_id, "code": "PACK-07", "token": token}


def connect_station(app, code, token):
    return socketio.test_client(app, namespace="/station", auth={"station": code, "token": token})


def test_a_station_with_its_token_connects_and_is_marked_online(app, floor, pack_station):
    client = connect_station(app, pack_station["code"], pack_station["token"])
    assert client.is_connected("/station")
    hello = client.emit("hello", {}, namespace="/station", callback=True)
    assert hello["station"]["role"] == "pack" and hello["state"] == "idle"
    with floor.uow() as uow:
        assert uow.session.get(Station, pack_station["id"]).online
    client.disconnect(namespace="/station")
    with floor.uow() as uow:
        assert not uow.session.get(Station, pack_station["id"]).online


@pytest.mark.parametrize("auth", [None, {}, {"station": "PACK-07"}, {"station": "PACK-07", "token": "guess"},
                                  {"station": "NOPE-01", "token": "x" * 43}, {"station": ["PACK-07"], "token": 5}])
def test_a_station_without_the_right_token_is_refused(app, pack_station, auth):
    client = socketio.test_client(app, namespace="/station", auth=auth)
    assert not client.is_connected("/station")


def test_the_token_is_stored_hashed(floor, pack_station):
    with floor.uow() as uow:
        stored = uow.session.get(Station, pack_station["id"]).token_hash
    assert pack_station["token"] not in stored and len(stored) == 64


@pytest.mark.parametrize("payload, expected", [
    ("not an object", "scan needs an object"),
    ({"uuid": "nope", "raw": "4006381333931"}, "uuid"),
    ({"uuid": str(uuid.uuid4()), "raw": ""}, "raw"),
    ({"uuid": str(uuid.uuid4()), "raw": "9" * 513}, "raw"),
    ({"uuid": str(uuid.uuid4()), "raw": "123", "symbology": "]" * 20}, "symbology"),
    ({"uuid": str(uuid.uuid4()), "raw": "123", "scanned_at": "yesterday"}, "scanned_at"),
])
def test_a_malformed_scan_gets_a_clear_error_and_changes_nothing(app, pack_station, payload, expected):
    client = connect_station(app, pack_station["code"], pack_station["token"])
    reply = client.emit("scan", payload, namespace="/station", callback=True)
    assert reply["error"]["code"] == "bad_request" and expected in reply["error"]["text"]


def test_a_scan_with_a_nul_byte_is_recorded_as_unreadable(app, floor, pack_station):
    client = connect_station(app, pack_station["code"], pack_station["token"])
    with floor.uow() as uow:
        item = add_item(uow, "Lampe")
        allocate_order(uow, add_order(uow, [(item, 1)]).id)
        uow.commit()
    reply = client.emit("scan", {"uuid": str(uuid.uuid4()), "raw": "40063\x0081333931"},
                        namespace="/station", callback=True)
    assert reply["message"]["level"] == "error"


def test_the_dashboard_refuses_anonymous_sockets(app):
    client = socketio.test_client(app, namespace="/dashboard")
    assert not client.is_connected("/dashboard")


def test_the_dashboard_refuses_a_picker_and_accepts_a_supervisor(app, floor):
    with floor.uow() as uow:
        add_user(uow, "pierre", "picker")
        add_user(uow, "sophie", "supervisor")
        uow.commit()
    for username, allowed in (("pierre", False), ("sophie", True)):
        web = app.test_client()
        assert web.post("/login", data={"username": username, "password": "correct horse battery"}).status_code == 302
        client = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
        assert client.is_connected("/dashboard") is allowed
        if allowed:
            # The socket joins the supervisors' room before its snapshot is read (so no event falls
            # between the two): a live update of the sign-in may come first, without a snapshot.
            updates = [m["args"][0] for m in client.get_received("/dashboard") if m["name"] == "floor_update"]
            assert any(u["snapshot"] and "backlog" in u["snapshot"] for u in updates), updates


def test_logging_out_disconnects_the_users_dashboard_and_old_cookies_stop_working(app, floor):
    web = signed_in(app, floor, "sophie", "supervisor")
    client = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
    assert client.is_connected("/dashboard")
    stolen_cookie = web.get_cookie("session").value
    assert web.post("/logout").status_code == 302
    assert not client.is_connected("/dashboard")
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    assert replay.get("/dashboard").status_code == 302  # back to the login page


def test_a_wrong_password_is_refused_with_401(app, floor):
    with floor.uow() as uow:
        add_user(uow, "sophie", "supervisor")
        uow.commit()
    reply = app.test_client().post("/login", data={"username": "sophie", "password": "wrong password"})
    assert reply.status_code == 401 and "incorrect" in reply.get_data(as_text=True)
