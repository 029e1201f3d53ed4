"""Simulated devices on real OS plumbing (TCP socket, pseudo-terminal).

Used by the tests and by the demo station, so drivers are exercised through
the same system calls as with real hardware.
"""

from __future__ import annotations

import os
import socket
import threading
import tty

from .status import HOST_STATUS

LABEL_START, LABEL_END = b"^XA", b"^XZ"


class FakeZebraPrinter:
    """A TCP server that behaves like a networked Zebra on port 9100.

    Complete ^XA...^XZ jobs land in `jobs`; ~HS anywhere in the stream is
    answered at once (as a real printer does with tilde commands). Set
    `paper_out`, `paused`, `head_open`, `ribbon_out` to change the reported
    status. With paper out or head open, labels cannot print: they are counted
    in `dropped` instead of `jobs`. A paused printer holds labels, so they are
    still appended. `answer_status = False` emulates models that stay silent.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self._requested_port = host, port
        self.port = 0
        self.paper_out = self.paused = self.head_open = self.ribbon_out = False
        self.answer_status = True
        self.jobs: list[bytes] = []
        self.dropped = 0
        self.status_requests = 0
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._server: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> FakeZebraPrinter:
        server = socket.create_server((self.host, self._requested_port))
        server.settimeout(0.1)  # lets the accept loop notice stop()
        self._server, self.port = server, server.getsockname()[1]
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(2.0)
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> FakeZebraPrinter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for_jobs(self, n: int, timeout: float = 2.0) -> list[bytes]:
        """Block until at least `n` jobs arrived; TimeoutError otherwise."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.jobs) >= n, timeout):
                raise TimeoutError(f"expected {n} label jobs, got {len(self.jobs)}")
            return list(self.jobs)

    def host_status_reply(self) -> bytes:
        """A ~HS reply in the ZPL II guide layout, from the current flags."""
        po, pa, ho, ro = (int(f) for f in (self.paper_out, self.paused, self.head_open, self.ribbon_out))
        with self._cond:
            remaining = 0 if self.paper_out else 1
        strings = (
            f"030,{po},{pa},1218,000,0,0,0,000,0,0,0",
            f"001,0,{ho},{ro},0,2,6,0,{remaining:08d},1,000",
            "1234,0",
        )
        return b"".join(b"\x02" + s.encode() + b"\x03\r\n" for s in strings)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="fake-zebra")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                conn, _addr = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        buffer = bytearray()
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return  # an unfinished label is discarded, like a reset
                buffer += data
                self._answer_status_requests(buffer, conn)
                self._take_jobs(buffer)

    def _answer_status_requests(self, buffer: bytearray, conn: socket.socket) -> None:
        while (at := buffer.find(HOST_STATUS)) >= 0:
            del buffer[at:at + len(HOST_STATUS)]
            with self._cond:
                self.status_requests += 1
            if self.answer_status:
                conn.sendall(self.host_status_reply())

    def _take_jobs(self, buffer: bytearray) -> None:
        while (start := buffer.find(LABEL_START)) >= 0:
            end = buffer.find(LABEL_END, start)
            if end < 0:
                return
            job = bytes(buffer[start:end + len(LABEL_END)])
            del buffer[:end + len(LABEL_END)]
            with self._cond:
                if self.paper_out or self.head_open:
                    self.dropped += 1
                else:
                    self.jobs.append(job)
                self._cond.notify_all()


class PtyScanner:
    """A pseudo-terminal standing in for a serial scanner.

    pyserial opens `.device` (the slave side); scans are written to the
    master side. Raw mode so bytes pass unchanged (no CR->LF, no echo).
    """

    def __init__(self):
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.device = os.ttyname(self._slave)
        self.closed = False

    def scan(self, code: str, symbology: str | None = None, terminator: bytes = b"\r\n") -> None:
        self.write_raw(((symbology or "") + code).encode("utf-8") + terminator)

    def write_raw(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def close(self) -> None:
        """Closes both ends: to the reader, the scanner was unplugged."""
        if not self.closed:
            self.closed = True
            os.close(self._master)
            os.close(self._slave)

    def __enter__(self) -> PtyScanner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
