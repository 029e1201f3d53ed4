"""The production server (``colis-server serve``'s gunicorn + gevent) plus an echo namespace,
for ``bench_load.py``'s floor. Not for floors: only benchmarks start it."""
from __future__ import annotations

import argparse

from server.production import FloorServer, serve


class BenchServer(FloorServer):
    def load(self):
        from flask_socketio import Namespace

        from server.extensions import socketio

        app = super().load()

        class Echo(Namespace):
            def on_echo(self, data):
                return data

        socketio.on_namespace(Echo("/echo"))
        return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    # As `colis-server serve` runs it: with its job worker process when there is no Redis.
    serve("127.0.0.1", parser.parse_args().port, "warning", server_class=BenchServer)
