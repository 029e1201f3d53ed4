"""``colis-server`` commands that change who may do what: passwords, roles, deactivation, station keys.

Each ends the sessions and sockets it revokes, on every process, and is audited (docs/security.md).
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def _floor():
    return current_app.extensions["colis"]


def cli_actor() -> str:
    """Who ran the command, for the audit: the operating-system account on this host."""
    import getpass
    import socket

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): still audited
        who = "unknown"
    return f"cli:{who}@{socket.gethostname()}"[:64]


def end_user_sessions(user_id: int) -> None:
    from server.api.auth import disconnect_user_sockets

    disconnect_user_sockets(user_id)  # at once with Redis; else within the dashboards' revalidation


def _user_change(change, username: str, *args) -> None:
    from server.services.users import UnknownUser

    with _floor().uow() as uow:
        try:
            user = change(uow, username, *args, actor=cli_actor(), address="cli")
        except UnknownUser as exc:
            raise click.ClickException(str(exc)) from exc
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        user_id = user.id
        uow.commit()
    end_user_sessions(user_id)


@click.command("reset-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def reset_password(username: str, password: str) -> None:
    """Set a user's password; every session and dashboard of theirs ends."""
    from server.services.users import reset_password as reset

    _user_change(reset, username, password)
    click.echo(f"user {username}: password reset, sessions ended")


@click.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["picker", "packer", "returns_clerk", "supervisor", "admin"]))
@with_appcontext
def set_role(username: str, role: str) -> None:
    """Change a user's role; every session and dashboard of theirs ends."""
    from server.services.users import change_role

    _user_change(change_role, username, role)
    click.echo(f"user {username}: role {role}, sessions ended")


@click.command("deactivate-user")
@click.argument("username")
@with_appcontext
def deactivate_user(username: str) -> None:
    """Refuse a user's sign-ins from now on; every session and dashboard of theirs ends."""
    from server.services.users import set_active

    _user_change(set_active, username, False)
    click.echo(f"user {username}: deactivated, sessions ended")


@click.command("activate-user")
@click.argument("username")
@with_appcontext
def activate_user(username: str) -> None:
    """Let a deactivated user sign in again."""
    from server.services.users import set_active

    _user_change(set_active, username, True)
    click.echo(f"user {username}: active")


def _station_change(change, code: str, **kwargs):
    from server.api.station_ns import disconnect_station

    with _floor().uow() as uow:
        try:
            result = change(uow, code, actor=cli_actor(), address="cli", **kwargs)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        station = result[0] if isinstance(result, tuple) else result
        station_id = station.id
        uow.commit()
    # At once with Redis (or in this process); else its next event is refused and ends it.
    disconnect_station(current_app, station_id)
    return result


@click.command("rekey-station")
@click.argument("code")
@with_appcontext
def rekey_station(code: str) -> None:
    """Give a station a new token (printed once); its open socket and old token stop working."""
    from server.services.stations import rekey_station as rekey

    _, token = _station_change(rekey, code)
    click.echo(token)


@click.command("deactivate-station")
@click.argument("code")
@with_appcontext
def deactivate_station(code: str) -> None:
    """Refuse a station's connections from now on; its open socket is dropped."""
    from server.services.stations import set_station_active

    _station_change(set_station_active, code, active=False)
    click.echo(f"station {code}: deactivated")


@click.command("activate-station")
@click.argument("code")
@with_appcontext
def activate_station(code: str) -> None:
    """Let a deactivated station connect again (with its current token)."""
    from server.services.stations import set_station_active

    _station_change(set_station_active, code, active=True)
    click.echo(f"station {code}: active")


PEOPLE_COMMANDS = (reset_password, set_role, deactivate_user, activate_user, rekey_station, deactivate_station,
                     activate_station)
