"""Who may open which page: every view says its roles (tests/integration/test_security_matrix.py).

Supervisors and admins see the floor; admins alone manage users; a returns clerk sees the
returns pages only and lands there after signing in; pickers and packers have no web page
(they work at stations). A signed-in user without the role gets our 403 page, an anonymous
one the sign-in page.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, url_for
from flask_login import current_user, login_required

SUPERVISING = ("supervisor", "admin")
ADMINS = ("admin",)
RETURNS = ("returns_clerk", "supervisor", "admin")


def roles(*allowed: str):
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.roles = allowed
        return wrapper

    return decorate


def landing_for(role: str | None) -> str:
    """Where a user goes after signing in (and from ``/``)."""
    if role == "returns_clerk":
        return returns_landing()
    return url_for("dashboard.page")


def returns_landing() -> str:
    """The returns desk's pages when they exist (issue 8), else our placeholder."""
    from flask import current_app

    for endpoint in ("returns_pages.index", "returns_web.index", "returns.index"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("stations_web.returns_landing")


def printers_page() -> str | None:
    """The printer fleet's page (issue 7), when it is there."""
    from flask import current_app

    for endpoint in ("printers_web.index", "printers.index", "printers_page.index"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return None


def can(*allowed: str) -> bool:
    return current_user.is_authenticated and current_user.role in allowed
