"""Revocation revokes (issue 10, finding 5; docs/security.md): a password reset, a role change and
a deactivation end the user's cookies and dashboard sockets; a re-key or deactivation ends the
station's socket; each is a CLI command and is audited. Each test fails on the code before the fix.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.api import dashboard
from server.extensions import socketio
from server.models import AuditEvent
from server.services import stations as station_service
from server.services import users
from tests.factories import add_station, signed_in


def _dashboard(app, web):
    client = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
    assert client.is_connected("/dashboard")
    return client


def _audit(floor, action):
    with floor.uow() as uow:
        return [(e.actor, e.subject, e.detail) for e in
                uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


COMMANDS = [
    (["reset-password", "sophie", "--password", "another long one"], "user_password_reset"),
    (["set-role", "sophie", "picker"], "user_role_changed"),
    (["deactivate-user", "sophie"], "user_deactivated"),
    (["create-user", "sophie", "--role", "supervisor", "--password", "another long one"], "user_saved"),
]


@pytest.mark.parametrize("command, action", COMMANDS, ids=[c[0][0] for c in COMMANDS])
def test_a_user_command_ends_the_users_cookies_and_open_dashboards_and_is_audited(app, floor, command, action):
    """Before: a reset left the old session valid; a demoted supervisor's dashboard kept its events."""
    web = signed_in(app, floor, "sophie", "supervisor")
    live = _dashboard(app, web)
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0, result.output
    assert not live.is_connected("/dashboard")  # ended at once (this process's registry)
    assert web.get("/dashboard").status_code == 302  # the cookie no longer signs anyone in
    (actor, subject, detail), = _audit(floor, action)
    assert actor.startswith("cli:") and detail["user"] == "sophie" and detail["address"] == "cli"


@pytest.mark.parametrize("change", [
    lambda uow: users.reset_password(uow, "sophie", "another long one", actor="test"),
    lambda uow: users.change_role(uow, "sophie", "picker", actor="test"),
    lambda uow: users.set_active(uow, "sophie", False, actor="test"),
], ids=["reset", "demote", "deactivate"])
def test_a_change_made_elsewhere_ends_the_dashboard_at_the_next_revalidation(app, floor, change):
    """The change is made by another process (the CLI on a floor without Redis): nobody tells this
    one, and its periodic revalidation (dashboard.REVALIDATE_EVERY) ends the socket."""
    web = signed_in(app, floor, "sophie", "supervisor")
    live = _dashboard(app, web)
    dashboard.revalidate()  # (the process's other sockets, other tests' apps, are checked too)
    assert live.is_connected("/dashboard")
    with floor.uow() as uow:
        change(uow)
        uow.commit()
    assert dashboard.revalidate() >= 1
    assert not live.is_connected("/dashboard")


def test_an_unknown_user_is_a_clear_error(app, floor):
    result = app.test_cli_runner().invoke(args=["deactivate-user", "nobody"])
    assert result.exit_code != 0 and "no user nobody" in result.output


@pytest.fixture
def station(floor):
    with floor.uow() as uow:
        station_id, token = add_station(uow, "PICK-03", "pick")
        uow.commit()
    return station_id, token


def _station_socket(app, token):
    client = socketio.test_client(app, namespace="/station", auth={"station": "PICK-03", "token": token})
    assert client.is_connected("/station")
    return client


@pytest.mark.parametrize("command, action", [(["rekey-station", "PICK-03"], "station_rekeyed"),
                                             (["deactivate-station", "PICK-03"], "station_deactivated"),
                                             (["create-station", "PICK-03", "--role", "pick"], "station_saved")])
def test_a_station_command_drops_its_open_socket_and_its_old_token(app, floor, station, command, action):
    """Before: a re-keyed station's open socket kept working; nothing deactivated a station."""
    _, token = station
    live = _station_socket(app, token)
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0, result.output
    assert not live.is_connected("/station")
    again = socketio.test_client(app, namespace="/station", auth={"station": "PICK-03", "token": token})
    assert not again.is_connected("/station")
    (actor, subject, detail), = _audit(floor, action)
    assert actor.startswith("cli:") and subject == "station:PICK-03" and detail["address"] == "cli"
    if command[0] == "rekey-station":
        new_token = result.output.strip().splitlines()[-1]
        assert _station_socket(app, new_token).emit("hello", {}, namespace="/station", callback=True)["state"]


def test_a_station_rekeyed_by_another_process_is_refused_at_its_next_event(app, floor, station):
    """No message reaches this process (no Redis): the station row every event loads says the key
    changed, and the socket is answered not_connected and ended."""
    _, token = station
    live = _station_socket(app, token)
    with floor.uow() as uow:
        station_service.rekey_station(uow, "PICK-03", actor="test")
        uow.commit()
    reply = live.emit("hello", {}, namespace="/station", callback=True)
    assert reply["error"]["code"] == "not_connected"
    assert not live.is_connected("/station")


def test_a_station_deactivated_by_another_process_is_refused_at_its_next_event(app, floor, station):
    _, token = station
    live = _station_socket(app, token)
    with floor.uow() as uow:
        station_service.set_station_active(uow, "PICK-03", False, actor="test")
        uow.commit()
    assert live.emit("hello", {}, namespace="/station", callback=True)["error"]["code"] == "not_connected"
