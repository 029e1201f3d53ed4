"""Background jobs (server/queue.py) on each of the three stores, with real consumers.

Immediate (tests' default): the job runs where it is called, inside the app. Threads (the
embedded default): Huey's consumer threads in this process on a SQLite file, retries included.
Redis (several server processes): the same jobs through a real Redis.
"""
from __future__ import annotations

import threading
import uuid

import pytest
from flask import current_app
from sqlalchemy import select

from server import create_app, queue
from server.models import AuditEvent
from tests.processes import REDIS_URL, require_redis, wait_for

ran: list[tuple[str, str]] = []  # (job, database url seen inside the job)
attempts: dict[str, int] = {}
lock = threading.Lock()


@queue.job()
def note_database(tag: str) -> None:
    with lock:
        ran.append((tag, current_app.config["DATABASE_URL"]))


@queue.job(retries=3, retry_delay=0)
def fails_twice(tag: str) -> None:
    with lock:
        attempts[tag] = attempts.get(tag, 0) + 1
        if attempts[tag] <= 2:
            raise ConnectionError("SMTP server not answering yet")
        ran.append((tag, current_app.config["DATABASE_URL"]))


@queue.job()
def write_audit_row(tag: str) -> None:
    with current_app.extensions["colis"].uow() as uow:
        uow.emit("queue_checked", actor=tag)
        uow.commit()


def runs_of(tag: str) -> list[str]:
    with lock:
        return [url for seen, url in ran if seen == tag]


def audit_actors(app) -> list[str]:
    with app.extensions["colis"].session_factory() as session:
        return list(session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "queue_checked")))


def test_tests_run_jobs_at_once_inside_the_app(app):
    tag = uuid.uuid4().hex
    assert app.extensions["colis_queue"] == "immediate"
    with app.app_context():
        note_database(tag)
    assert runs_of(tag) == [app.config["DATABASE_URL"]]


def test_a_job_enqueued_after_commit_runs_only_if_the_change_committed(app):
    floor = app.extensions["colis"]
    kept, dropped = uuid.uuid4().hex, uuid.uuid4().hex
    with app.app_context():
        with floor.uow() as uow:
            queue.enqueue_after_commit(uow, note_database, dropped)
            uow.emit("queue_checked", actor=dropped)
            # no commit: the change and its job are both dropped
        assert runs_of(dropped) == []
        with floor.uow() as uow:
            queue.enqueue_after_commit(uow, note_database, kept)
            assert runs_of(kept) == [], "a job must not run before its transaction commits"
            uow.commit()
        assert runs_of(kept) == [app.config["DATABASE_URL"]]


def test_an_unknown_queue_mode_is_refused():
    with pytest.raises(queue.QueueNotConfigured, match="COLIS_QUEUE"):
        queue.queue_mode({"QUEUE": "rabbit"})
    assert queue.queue_mode({}) == "threads"
    assert queue.queue_mode({"REDIS_URL": "redis://x"}) == "redis"
    assert queue.queue_mode({"TESTING": True, "REDIS_URL": "redis://x"}) == "immediate"


@pytest.fixture
def background_app(database_url, tmp_path, monkeypatch):
    """An app whose queue is not immediate; the store is chosen by each test. Redis is given as
    QUEUE_URL, never REDIS_URL: that would make the process's one Flask-SocketIO object use a
    Redis message queue, which later tests' Socket.IO test clients cannot work with."""
    monkeypatch.setenv("COLIS_INSTANCE_PATH", str(tmp_path / "instance"))

    def build(**config):
        made = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret-" + "x" * 40,
                           "WTF_CSRF_ENABLED": False, **config})
        built.append(made)
        return made

    built: list = []
    yield build
    for made in built:
        made.extensions["colis"].close()
    queue.huey.immediate = True  # the next test's app sets its own store anyway


def test_threads_store_runs_jobs_in_worker_threads_and_retries(background_app):
    app = background_app(QUEUE="threads")
    assert not queue.huey.immediate
    workers = queue.start_in_process(app, workers=2, periodic=False)
    try:
        tag, flaky = uuid.uuid4().hex, uuid.uuid4().hex
        note_database(tag)        # no app context here: the worker pushes the app's
        fails_twice(flaky)
        write_audit_row(tag)
        assert wait_for(lambda: runs_of(tag) and runs_of(flaky) and audit_actors(app), timeout=15)
        assert runs_of(tag) == [app.config["DATABASE_URL"]]
        assert attempts[flaky] == 3 and runs_of(flaky) == [app.config["DATABASE_URL"]]
        assert audit_actors(app) == [tag]
    finally:
        workers.stop()


def test_jobs_survive_a_restart_of_the_embedded_queue(background_app):
    """Enqueued while no worker runs (the server stopped): run once a consumer starts."""
    app = background_app(QUEUE="threads")
    tag = uuid.uuid4().hex
    note_database(tag)
    assert runs_of(tag) == []
    again = background_app(QUEUE="threads")  # the same instance folder: the same queue file
    workers = queue.start_in_process(again, workers=1, periodic=False)
    try:
        assert wait_for(lambda: runs_of(tag), timeout=15)
        assert runs_of(tag) == [app.config["DATABASE_URL"]]
    finally:
        workers.stop()


def test_redis_store_runs_jobs_through_redis(background_app):
    require_redis()
    name = f"colis-test-{uuid.uuid4().hex[:8]}"
    app = background_app(QUEUE="redis", QUEUE_URL=REDIS_URL, QUEUE_NAME=name)
    tag = uuid.uuid4().hex
    note_database(tag)
    assert queue.huey.pending_count() == 1, "the job waits in Redis until a worker takes it"
    workers = queue.start_in_process(app, workers=1, periodic=False)
    try:
        assert wait_for(lambda: runs_of(tag), timeout=15)
        assert queue.huey.pending_count() == 0
    finally:
        workers.stop()
        queue.huey.storage.flush_all()


def test_a_server_process_runs_jobs_itself_only_without_redis(background_app):
    """With Redis the jobs are `colis-server worker`'s: a server process starting consumers (and
    their scheduler) too would enqueue every minute job once per process."""
    assert queue.start_embedded(background_app(QUEUE="redis", QUEUE_URL=REDIS_URL,
                                               QUEUE_NAME=f"colis-test-{uuid.uuid4().hex[:8]}")) is None
    assert queue.start_embedded(background_app(QUEUE="immediate")) is None
    workers = queue.start_embedded(background_app(QUEUE="threads"))
    try:
        assert workers is not None
    finally:
        workers.stop()


def test_the_worker_command_has_nothing_to_take_in_immediate_mode(background_app):
    app = background_app(QUEUE="immediate")
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "COLIS_QUEUE=immediate" in result.output
