"""``/imports``: the admins' CSV upload page (issue 14), on SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from server.models import AuditEvent, Order
from server.services.intake.integrations import create_integration
from tests.factories import signed_in
from tests.integration.test_intake_csv import FRENCH_EXCEL, products


@pytest.fixture
def admin(app, floor):
    with floor.uow() as uow:
        create_integration(uow, "marketplace", "csv")
        uow.commit()
    products(floor, "TASSE-01", "THE-02")
    return signed_in(app, floor, "ada", "admin")


def upload(web, data: bytes, channel: str = "marketplace", filename: str = "export.csv", lang: str = "en"):
    return web.post(f"/imports?lang={lang}", data={"channel": channel, "file": (io.BytesIO(data), filename)},
                    content_type="multipart/form-data")


def orders(floor) -> int:
    with floor.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Order))


def test_an_admin_uploads_a_french_excel_export_bad_rows_numbered_and_twice_creates_nothing(admin, floor):
    page = admin.get("/imports?lang=en")
    assert page.status_code == 200 and "Import orders (CSV)" in page.text and 'value="marketplace"' in page.text
    first = upload(admin, FRENCH_EXCEL)
    assert first.status_code == 200
    assert "export.csv (windows-1252, ;): 2 created, 0 updated, 0 unchanged, 1 held" in first.text
    assert "<td>4</td><td>quantity &#39;dix&#39;" in first.text and "<td>6</td>" in first.text  # rows as in the file
    assert orders(floor) == 2
    again = upload(admin, FRENCH_EXCEL)
    assert "0 created, 0 updated, 2 unchanged" in again.text and orders(floor) == 2
    with floor.session_factory() as session:
        audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "orders_imported")).all()
    assert [(row.actor, row.detail["outcomes"]) for row in audited] == [
        ("user:ada", {"created": 2, "held": 1}), ("user:ada", {"unchanged": 2, "held": 1})]


def test_the_page_speaks_french_too(admin):
    page = upload(admin, FRENCH_EXCEL, lang="fr")
    assert "Importer des commandes (CSV)" in page.text and "2 créée(s)" in page.text


@pytest.mark.parametrize("data, channel, filename, said, status", [
    (FRENCH_EXCEL, "nowhere", "export.csv", "No active integration of that name", 400),
    (b"", "marketplace", "", "Choose a CSV file", 400),
    (b"just;some;columns\n1;2;3\n", "marketplace", "x.csv", "File refused:", 400),
    (b"", "marketplace", "empty.csv", "File refused: the file is empty", 400),
])
def test_a_file_that_cannot_be_taken_is_refused_saying_why_and_nothing_is_created(admin, floor, data, channel,
                                                                                  filename, said, status):
    answer = upload(admin, data, channel=channel, filename=filename)
    assert answer.status_code == status and said in answer.text
    assert orders(floor) == 0


def test_only_admins_may_upload(app, floor, admin):
    supervisor = signed_in(app, floor, "sam", "supervisor")
    assert supervisor.get("/imports").status_code == 403
    assert upload(supervisor, FRENCH_EXCEL).status_code == 403
    assert app.test_client().get("/imports").status_code in (302, 401)
    assert orders(floor) == 0
