"""Web users: hashed passwords (werkzeug scrypt), roles, and what ends their sessions.

A password reset, a role change and a deactivation bump ``session_version``: every cookie
and dashboard socket issued before is then refused (server/api/auth.py ``load_user``); the
caller disconnects the open sockets on every process (``revoked`` says whose).
"""
from __future__ import annotations

import secrets
import threading

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from server.domain.roles import USER_ROLES
from server.models import User
from server.services.unit_of_work import UnitOfWork


def create_user(uow: UnitOfWork, username: str, password: str, role: str, display_name: str = "",
                locale: str = "fr") -> User:
    if role not in USER_ROLES:
        raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    user = uow.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, display_name=display_name or username, password_hash="", role=role)
        uow.session.add(user)
    else:  # a password reset and role change: the sessions issued before end (docs/security.md)
        revoke_sessions(uow, user)
    user.password_hash, user.role, user.locale = generate_password_hash(password), role, locale
    uow.session.flush()
    return user


class UnknownUser(LookupError):
    pass


_dummy_hash: str | None = None
_dummy_lock = threading.Lock()


def dummy_hash() -> str:
    """A hash of a random password, made once with the current method: checking a password
    against it costs what checking a real user's costs, so an unknown name answers as slowly."""
    global _dummy_hash
    with _dummy_lock:
        if _dummy_hash is None:
            _dummy_hash = generate_password_hash(secrets.token_urlsafe(16))
        return _dummy_hash


# How a password check (scrypt: ~50 ms of CPU) is run. The web layer sets it to a pool of native
# threads at nice 19 (server/slow_cpu.py): hashlib's scrypt releases the GIL, so the server keeps
# serving the stations' scans first while sign-ins take the CPU that is left.
cpu_runner = None


def _verify(stored: str, password: str) -> bool:
    if cpu_runner is None:
        return check_password_hash(stored, password)
    return cpu_runner(check_password_hash, stored, password)


def check_login(uow: UnitOfWork, username: str, password: str) -> User | None:
    found = uow.session.execute(select(User.id, User.password_hash, User.active)
                                .where(User.username == username)).first()
    # No transaction stays open across the ~50 ms check. On SQLite every transaction holds the
    # write lock (BEGIN IMMEDIATE), and under gevent the check yields the hub: the next sign-in's
    # BEGIN then waited for that lock inside SQLite, blocking the hub, so the first never resumed
    # and the whole server stopped answering under 16 parallel sign-ins (bench_security).
    uow.session.rollback()
    if found is None or not found.active:
        _verify(dummy_hash(), password)  # one verify, as for a known user
        return None
    return uow.session.get(User, found.id) if _verify(found.password_hash, password) else None


def _user(uow: UnitOfWork, username: str) -> User:
    user = uow.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UnknownUser(f"no user {username}")
    return user


def revoke_sessions(uow: UnitOfWork, user: User) -> None:
    """Every cookie and socket of this user issued so far is refused from now on."""
    user.session_version = (user.session_version or 0) + 1


def reset_password(uow: UnitOfWork, username: str, password: str, actor: str, address: str | None = None) -> User:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    user = _user(uow, username)
    user.password_hash = generate_password_hash(password)
    revoke_sessions(uow, user)
    uow.emit("user_password_reset", actor=actor, user=user.username, address=address)
    uow.session.flush()
    return user


def change_role(uow: UnitOfWork, username: str, role: str, actor: str, address: str | None = None) -> User:
    if role not in USER_ROLES:
        raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
    user = _user(uow, username)
    before, user.role = user.role, role
    revoke_sessions(uow, user)
    uow.emit("user_role_changed", actor=actor, user=user.username, before=before, role=role, address=address)
    uow.session.flush()
    return user


def set_active(uow: UnitOfWork, username: str, active: bool, actor: str, address: str | None = None) -> User:
    user = _user(uow, username)
    user.active = active
    revoke_sessions(uow, user)
    uow.emit("user_activated" if active else "user_deactivated", actor=actor, user=user.username, address=address)
    uow.session.flush()
    return user
