"""Run the app on a real socket in a background thread (demo and end-to-end tests).

Production runs gunicorn + gevent (docs/deployment.md); this is Werkzeug's threaded
server, which Flask-SocketIO's threading mode supports with WebSocket via simple-websocket.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server


@dataclass
class RunningServer:
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> RunningServer:
    if quiet:
        # One line per HTTP request drowns the demo's output; errors still show.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="colis-server", daemon=True)
    thread.start()
    return RunningServer(server, thread)
