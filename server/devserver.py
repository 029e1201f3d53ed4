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


class _WebSocketCloseNoise(logging.Filter):
    """Werkzeug reads the bytes after a closed WebSocket as a new HTTP request and logs a
    400 for them; it is harmless (the socket is already done) and would bury real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("Bad request syntax" in message or "Bad HTTP/0.9 request type" in message
                    or "/socket.io/" in message and " 400 " in message)


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> RunningServer:
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addFilter(_WebSocketCloseNoise())
    if quiet:
        # One line per HTTP request drowns the demo's output; errors still show.
        werkzeug_log.setLevel(logging.ERROR)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="colis-server", daemon=True)
    thread.start()
    return RunningServer(server, thread)
