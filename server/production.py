"""``colis-server serve``: the production server, gunicorn with one gevent worker.

Flask-SocketIO's recommendation: an async worker (gevent; eventlet is deprecated upstream),
and exactly one worker per process, because gunicorn's load balancing cannot keep a
Socket.IO session on one worker. A floor that needs more runs several ``serve`` processes
on several ports behind nginx with sticky sessions, sharing PostgreSQL and Redis
(docs/deployment.md). Measured before (issue 13): at 200 stations one gevent process
acknowledged every scan where the threaded Werkzeug server dropped up to half.
"""
from __future__ import annotations

import os

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
        from server import create_app, presence, queue

        app = create_app()
        # Without Redis (one process, threads mode) the jobs run in this worker's own greenlets;
        # with Redis they are `colis-server worker` processes' (docs/deployment.md).
        queue.start_embedded(app)
        presence.start_sweeper(app)  # stations of a process killed elsewhere go offline
        from server.web.printers import start_spooler

        start_spooler(app)  # the fleet's labels, and its printers watched (docs/labels.md)
        return app


def serve(host: str, port: int, log_level: str = "info") -> None:
    os.environ["COLIS_SOCKETIO_ASYNC_MODE"] = "gevent"  # the app's Socket.IO must match the worker
    FloorServer(host, port, log_level).run()
