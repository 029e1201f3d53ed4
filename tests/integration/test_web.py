"""Web pages: sign-in with CSRF, roles, languages, health."""
from __future__ import annotations

import re

from server import create_app
from tests.factories import add_user, signed_in


def test_login_without_the_csrf_token_is_refused(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t"})
    try:
        reply = app.test_client().post("/login", data={"username": "a", "password": "b"})
        assert reply.status_code == 400
    finally:
        app.extensions["colis"].close()


def test_login_with_the_csrf_token_from_the_form_works(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t"})
    try:
        floor = app.extensions["colis"]
        with floor.uow() as uow:
            add_user(uow, "sophie", "supervisor")
            uow.commit()
        web = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/login").get_data(as_text=True)).group(1)
        reply = web.post("/login", data={"username": "sophie", "password": "correct horse battery",
                                         "csrf_token": token})
        assert reply.status_code == 302 and reply.headers["Location"].endswith("/dashboard")
    finally:
        app.extensions["colis"].close()


def test_the_dashboard_needs_a_signed_in_supervisor(app, floor):
    with floor.uow() as uow:
        add_user(uow, "rachid", "returns_clerk")
        uow.commit()
    web = app.test_client()
    assert web.get("/dashboard").status_code == 302
    web.post("/login", data={"username": "rachid", "password": "correct horse battery"})
    assert web.get("/dashboard").status_code == 403


def test_the_dashboard_speaks_french_and_english(app, floor):
    web = signed_in(app, floor, "sophie", "supervisor")
    assert "En retard" in web.get("/dashboard?lang=fr").get_data(as_text=True)
    assert "Late" in web.get("/dashboard?lang=en").get_data(as_text=True)
    assert "Late" in web.get("/dashboard").get_data(as_text=True)  # the choice sticks


def test_health_reports_the_database(app):
    reply = app.test_client().get("/api/v1/health")
    assert reply.status_code == 200 and reply.get_json() == {"status": "ok", "database": "ok"}


def test_sign_ins_refusals_and_sign_outs_are_audited(app, floor):
    from sqlalchemy import select

    from server.models import AuditEvent

    web = signed_in(app, floor, "sophie", "supervisor")
    web.post("/logout")
    web.post("/login", data={"username": "sophie", "password": "nope"})
    with floor.uow() as uow:
        trail = [(e.actor, e.action) for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert trail == [("user:sophie", "user_signed_in"), ("user:sophie", "user_signed_out"),
                     ("user:sophie", "sign_in_refused")]
