"""A small TCP proxy that can cut the network between a station and the server.

`tc netem` is not available here, so faults are made by our own proxy: ``cut()`` resets
every open connection and refuses new ones until ``restore()``.
"""
from __future__ import annotations

import socket
import threading


class CuttableProxy:
    def __init__(self, upstream_port: int, host: str = "127.0.0.1"):
        self._upstream = (host, upstream_port)
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.2)
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()
        return f"http://{host}:{port}"

    def cut(self) -> None:
        self._cut.set()
        with self._lock:
            for sock in self._open:
                _reset(sock)
            self._open.clear()

    def restore(self) -> None:
        self._cut.clear()

    def stop(self) -> None:
        self._stopped.set()
        self.cut()
        self._thread.join(timeout=2)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            if self._cut.is_set():
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self._upstream, timeout=2)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with self._lock:
                    self._open.discard(sock)
                _reset(sock)


def _reset(sock: socket.socket) -> None:
    # shutdown() wakes the pump thread blocked in recv(); close() alone would not.
    for step in (lambda: sock.shutdown(socket.SHUT_RDWR), sock.close):
        try:
            step()
        except OSError:
            pass
