"""Badge codes: what an operator scans at a station to sign in (``BADGE-`` + 12 letters/digits).

An admin issues a badge from the users page; the code is shown once (to print on the card) and
only its SHA-256 is kept (``users.badge_hash``): a badge is a bearer credential like a station
key, random and long, so a fast hash is enough and a lookup is one indexed read. Issuing a new
badge voids the old card. The station's sign-in (issue 12) asks ``user_for_badge``.
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from server.domain.scanning import BADGE_PATTERN
from server.models import User
from server.services.unit_of_work import UnitOfWork

# No 0/O or 1/I: a badge code may be typed by hand when a card is worn out.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12


def badge_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode("ascii", "replace")).hexdigest()


def new_badge_code() -> str:
    code = "BADGE-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    if not BADGE_PATTERN.fullmatch(code):  # what identify() calls a badge; an assert vanishes under -O
        raise RuntimeError(f"a new badge code {code!r} would not be read as a badge")
    return code


def issue_badge(uow: UnitOfWork, user_id: int, actor: str) -> str:
    """A new badge for the user (the old card stops working); returns the code, shown once."""
    user = uow.session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    code = new_badge_code()
    user.badge_hash = badge_hash(code)
    uow.session.flush()
    uow.emit("user_badge_issued", actor=actor, user=user.username)
    return code


def revoke_badge(uow: UnitOfWork, user_id: int, actor: str) -> None:
    user = uow.session.get(User, user_id)
    if user is not None and user.badge_hash:
        user.badge_hash = None
        uow.session.flush()
        uow.emit("user_badge_revoked", actor=actor, user=user.username)


def user_for_badge(session, code: str) -> User | None:
    """The active user whose badge this is, or None (unknown, revoked, or user disabled)."""
    if not BADGE_PATTERN.fullmatch(code.strip().upper()):
        return None
    user = session.scalars(select(User).where(User.badge_hash == badge_hash(code))).first()
    return user if user is not None and user.active else None
