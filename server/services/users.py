"""Web users: hashed passwords (werkzeug scrypt), roles."""
from __future__ import annotations

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
    user.password_hash, user.role, user.locale = generate_password_hash(password), role, locale
    uow.session.flush()
    return user


def check_login(uow: UnitOfWork, username: str, password: str) -> User | None:
    user = uow.session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        check_password_hash(generate_password_hash("x"), password)  # same cost either way
        return None
    return user if check_password_hash(user.password_hash, password) else None
