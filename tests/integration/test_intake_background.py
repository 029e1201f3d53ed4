"""Webhook intake with real background workers (server/queue.py threads store), on SQLite and
PostgreSQL: the delivery is stored and answered before it is applied; a worker then applies
it, and a second job routes and allocates the new order. Nothing is applied twice."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server import create_app, queue
from server.models import Delivery, Order, RoutingDecision, Task
from server.services.intake.integrations import create_integration
from tests.integration.test_intake_webhooks import SECRET, add_product, count, shopify_post, shopify_variant
from tests.processes import wait_for


@pytest.fixture
def threaded_app(database_url, tmp_path, monkeypatch):
    """An app whose jobs go to the embedded queue file (no worker started yet)."""
    monkeypatch.setenv("COLIS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret-" + "x" * 40,
                      "WTF_CSRF_ENABLED": False, "QUEUE": "threads"})
    with app.extensions["colis"].uow() as uow:
        create_integration(uow, "boutique", "shopify", webhook_secret=SECRET)
        uow.commit()
    yield app
    app.extensions["colis"].close()
    queue.huey.immediate = True


def test_a_webhook_is_answered_once_stored_then_applied_and_routed_by_the_workers(threaded_app):
    floor = threaded_app.extensions["colis"]
    add_product(floor, "IPOD2008PINK")
    client = threaded_app.test_client()
    answer = shopify_post(client, shopify_variant(), webhook_id="w-1")
    again = shopify_post(client, shopify_variant(), webhook_id="w-1")
    assert (answer.status_code, answer.json["outcome"], answer.json["order"]) == (200, "queued", None)
    assert again.json["outcome"] == "duplicate"
    assert count(floor, Delivery) == 1 and count(floor, Order) == 0  # stored, not applied yet
    workers = queue.start_in_process(threaded_app, workers=2)
    try:
        assert wait_for(lambda: _order_status(floor) == "allocated", timeout=20), _order_status(floor)
    finally:
        workers.stop()
    with floor.session_factory() as session:
        delivery = session.scalars(select(Delivery)).one()
        assert delivery.outcome == "created"
        order = session.scalars(select(Order)).one()
        assert session.scalars(select(Task.order_id)).all() == [order.id]
        assert [d.kind for d in session.scalars(select(RoutingDecision).order_by(RoutingDecision.id))] == \
            ["warehouse", "carrier"]


def test_a_stored_delivery_applied_twice_changes_nothing_the_second_time(threaded_app):
    from server.services.intake.webhooks import apply_delivery

    floor = threaded_app.extensions["colis"]
    add_product(floor, "IPOD2008PINK")
    shopify_post(threaded_app.test_client(), shopify_variant(), webhook_id="w-2")
    with floor.session_factory() as session:
        pk = session.scalars(select(Delivery.id)).one()
    with threaded_app.app_context():
        first, second = apply_delivery(floor, pk), apply_delivery(floor, pk)  # a job retried after a crash
    assert first.outcome == second.outcome == "created" and first.order == second.order
    assert count(floor, Order) == 1


def _order_status(floor) -> str | None:
    with floor.session_factory() as session:
        return session.scalar(select(Order.status))


def test_a_delivery_whose_job_never_ran_is_applied_by_a_replay(threaded_app):
    """The queue lost the job (a store wiped, a crash before the enqueue): the stored delivery
    is still there, ``queued``, and a replay applies it once."""
    from server.services.intake.webhooks import replay_delivery

    floor = threaded_app.extensions["colis"]
    add_product(floor, "IPOD2008PINK")
    assert shopify_post(threaded_app.test_client(), shopify_variant(), webhook_id="w-3").json["outcome"] == "queued"
    with floor.session_factory() as session:
        pk = session.scalars(select(Delivery.id)).one()
    with threaded_app.app_context():
        assert replay_delivery(floor, pk).outcome == "created"
        assert replay_delivery(floor, pk).outcome == "unchanged"
    assert count(floor, Order) == 1
