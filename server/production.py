"""``colis-server serve``: the production server, gunicorn with one gevent worker.

Flask-SocketIO's recommendation: an async worker (gevent; eventlet is deprecated upstream),
and exactly one worker per process, because gunicorn's load balancing cannot keep a
Socket.IO session on one worker. A floor that needs more runs several ``serve`` processes
on several ports behind nginx with sticky sessions, sharing PostgreSQL and Redis
(docs/deployment.md). Measured before (issue 13): at 200 stations one gevent process
acknowledged every scan where the threaded Werkzeug server dropped up to half.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

from gunicorn.app.base import BaseApplication

# gevent: thousands of idle station sockets cost greenlets, not threads.
WORKER_CLASS = "gevent"
WORKER_CONNECTIONS = 2000


class FloorServer(BaseApplication):
    def __init__(self, host: str, port: int, log_level: str = "info"):
        self._options = {"bind": f"{host}:{port}", "workers": 1, "worker_class": WORKER_CLASS,
                         "worker_connections": WORKER_CONNECTIONS, "graceful_timeout": 10, "timeout": 60,
                         "loglevel": log_level, "accesslog": None, "errorlog": "-", "proc_name": "colis-server",
                         # Several serve processes share a host: no fixed-path control socket
                         # (stop and reload with SIGTERM and SIGHUP, as systemd does).
                         "control_socket_disable": True}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        # Runs inside the worker, after gevent has patched the standard library.
        from server import create_app, presence

        app = create_app()
        # No background jobs here: they are a `colis-server worker` process's (serve() starts one
        # without Redis). A job on this hub would stall every station's scan while it runs.
        presence.start_sweeper(app)  # stations of a process killed elsewhere go offline
        from server.web.printers import start_spooler

        start_spooler(app)  # the fleet's labels, and its printers watched (docs/labels.md)
        return app


def serve(host: str, port: int, log_level: str = "info", server_class: type[FloorServer] | None = None) -> None:
    """``server_class``: FloorServer, or bench/load_server.py's (the same, plus an echo floor)."""
    os.environ["COLIS_SOCKETIO_ASYNC_MODE"] = "gevent"  # the app's Socket.IO must match the worker
    jobs = start_job_worker()
    try:
        (server_class or FloorServer)(host, port, log_level).run()
    finally:
        stop_job_worker(jobs)


def start_job_worker() -> subprocess.Popen:
    """Without Redis (threads mode), a `colis-server worker` child on the instance folder's queue
    file, so `serve` stays one command. With Redis the workers are units of their own
    (docs/deployment.md) and the child, seeing Redis, exits at once: it decides, not this master,
    which must import nothing of the app before gunicorn's worker forks and gevent patches.
    Measured (bench_load, 50 stations, PostgreSQL): with Huey's consumer inside the gevent worker,
    scan p99 was 324 ms against 16 ms without: a job's Python work (the promise watcher over every
    open order) holds the hub, and every station waits."""
    return subprocess.Popen([sys.executable, "-c", "from server.cli import main; main()", "worker", "--beside-serve"],
                            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)


def stop_job_worker(child: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM: Huey's graceful stop (running jobs finish), then SIGKILL if it does not."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _die_with_parent() -> None:
    # Linux: if `serve` itself is killed with -9, the kernel sends the worker SIGTERM, so no
    # orphaned worker keeps running jobs for a server that is gone (and a restart starts one).
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
