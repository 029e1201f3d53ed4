"""Background work: webhook processing, routing new orders, notifications, watchers.

On Huey (docs/architecture.md, "Background work"): one small, well-kept library that has the
three stores a floor needs — Redis when several server processes share the work (workers are
``colis-server worker`` processes), a SQLite file beside the embedded database for one process
(``make demo``, ``colis-server run``: Huey's own consumer threads inside the server), and an
immediate mode for tests (a job runs when it is called, in the caller's thread) — plus periodic
jobs and retries, so there is no home-made worker or scheduler.

Jobs take plain ids, never ORM rows (a job may run in another process, after a restart) and
run inside the Flask app's context: ``current_app.extensions["colis"].uow()`` is the unit of
work. A job that reads rows written by a use case is enqueued with ``enqueue_after_commit``,
so no worker ever looks for a row that is not committed yet (or never will be).
"""
from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from typing import Callable

from flask import Flask, has_app_context
from huey import Huey, crontab  # noqa: F401 - crontab is re-exported for @periodic_job
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

MODES = ("immediate", "threads", "redis")
QUEUE_FILE = "queue.sqlite3"

# One instance for the process; its store is chosen by configure() when the app is built.
# Until then it is immediate and in memory, so importing a module with jobs never needs Redis.
huey = Huey("colis", immediate=True, storage_class=MemoryStorage)
_apps: list[Flask] = []  # the app jobs run in when no app context is active (a worker)


class QueueNotConfigured(RuntimeError):
    pass


def queue_mode(config) -> str:
    """COLIS_QUEUE, else: tests run jobs at once; Redis when there is one; else threads.
    COLIS_QUEUE_URL names a Redis for the jobs alone (default: COLIS_REDIS_URL, the floor's)."""
    mode = config.get("QUEUE")
    if mode:
        mode = str(mode).strip().lower()
        if mode not in MODES:
            raise QueueNotConfigured(f"COLIS_QUEUE={mode!r}: expected one of {', '.join(MODES)}")
        return mode
    if config.get("TESTING"):
        return "immediate"
    return "redis" if config.get("QUEUE_URL") or config.get("REDIS_URL") else "threads"


def configure(app: Flask) -> str:
    """Point the process's queue at the store this app's configuration names."""
    mode = queue_mode(app.config)
    name = str(app.config.get("QUEUE_NAME") or "colis")
    if mode == "immediate":
        huey.immediate = True
    elif mode == "redis":
        url = app.config.get("QUEUE_URL") or app.config.get("REDIS_URL")
        if not url:
            raise QueueNotConfigured("COLIS_QUEUE=redis needs COLIS_REDIS_URL (or COLIS_QUEUE_URL)")
        huey.immediate = False
        huey.storage = RedisStorage(name, url=url)
    else:
        huey.immediate = False
        huey.storage = SqliteStorage(name, filename=os.path.join(app.instance_path, QUEUE_FILE))
    huey.name = name
    _apps[:] = [app]
    app.extensions["colis_queue"] = mode
    return mode


def job(**options) -> Callable:
    """``@job(retries=5, retry_delay=10)``: a Huey task whose body runs inside the app."""
    def register(fn: Callable) -> Callable:
        return huey.task(**options)(_in_app(fn))
    return register


def periodic_job(schedule, **options) -> Callable:
    """``@periodic_job(crontab(minute="*/5"))``: run by the consumer's scheduler."""
    def register(fn: Callable) -> Callable:
        return huey.periodic_task(schedule, **options)(_in_app(fn))
    return register


def enqueue_after_commit(uow, queued_job, *args, **kwargs) -> None:
    """Enqueue ``queued_job(*args)`` once ``uow`` has committed; never if it rolls back."""
    uow.after_commit(lambda: queued_job(*args, **kwargs))


def _in_app(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():  # immediate mode, called from a request or a command
            return fn(*args, **kwargs)
        if not _apps:
            raise QueueNotConfigured(f"job {fn.__name__} ran before any app configured the queue")
        with _apps[0].app_context():
            return fn(*args, **kwargs)
    return run


@dataclass
class Workers:
    """Huey's consumer started inside this process (threads); ``stop()`` waits for running jobs."""
    consumer: Consumer

    def stop(self, timeout: float = 10.0) -> None:
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)


class _ThreadConsumer(Consumer):
    # The server process owns its signals (Ctrl-C, SIGTERM from systemd); the consumer is
    # stopped by stop(), not by installing handlers of its own (it may not run on the main thread).
    def _set_signal_handlers(self):
        pass


def start_in_process(app: Flask, workers: int = 2, periodic: bool = True) -> Workers | None:
    """Consumer threads inside the server (threads mode; or redis for a test). None if immediate.
    ``periodic=False``: no scheduler (a test of one job, without the floor's minute jobs)."""
    if app.extensions.get("colis_queue") is None:
        configure(app)
    if huey.immediate:
        return None
    consumer = _ThreadConsumer(huey, workers=workers, worker_type="thread", periodic=periodic,
                               initial_delay=0.05, max_delay=1.0, check_worker_health=False)
    consumer.start()
    log.info("background jobs: %d worker thread(s) on the %s queue", workers,
             app.extensions["colis_queue"])
    return Workers(consumer)


def start_embedded(app: Flask, workers: int = 2) -> Workers | None:
    """What `colis-server run` and `make demo` run themselves: the jobs in threads mode (no Redis:
    one process). With Redis the jobs are the `colis-server worker` processes' and the server
    starts none: every server process also running the scheduler would enqueue each minute job
    once per process. `colis-server serve` never runs jobs on its gevent hub: it starts a worker
    process instead (server/production.py)."""
    if queue_mode(app.config) != "threads":
        return None
    return start_in_process(app, workers)


def run_workers(app: Flask, workers: int) -> None:
    """``colis-server worker``: Huey's own consumer in the foreground, its own signal handling
    (SIGTERM: running jobs finish). An idle worker looks again within a second: a new order's
    routing job should not wait Huey's default ten."""
    if huey.immediate:
        raise QueueNotConfigured("COLIS_QUEUE=immediate runs jobs where they are called: no worker")
    log.info("background jobs: %d worker thread(s) on the %s queue", workers, app.extensions["colis_queue"])
    Consumer(huey, workers=workers, worker_type="thread", periodic=True, graceful_signal="TERM",
             initial_delay=0.05, max_delay=1.0).run()
