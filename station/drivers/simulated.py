"""Simulated devices on real OS plumbing (TCP socket, pseudo-terminal).

Used by the tests and by the demo station, so drivers are exercised through
the same system calls as with real hardware.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty

from .status import ERROR_BITS, ERROR_STATUS, HOST_STATUS

LABEL_START, LABEL_END = b"^XA", b"^XZ"


class FakeZebraPrinter:
    """A TCP server that behaves like a networked Zebra on port 9100.

    Complete ^XA...^XZ jobs land in `jobs`; ~HS anywhere in the stream is
    answered at once (as a real printer does with tilde commands). Set
    `paper_out`, `paused`, `head_open`, `ribbon_out` to change the reported
    status. With paper out or head open, labels cannot print: they are counted
    in `dropped` instead of `jobs`. A paused printer holds labels, so they are
    still appended. `answer_status = False` emulates models that stay silent.
    `faults` names ~HQES errors ~HS has no flag for ("cutter_fault", "head_too_hot").
    `received` keeps every byte in arrival order (status requests included).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self._requested_port = host, port
        self.port = 0
        self.paper_out = self.paused = self.head_open = self.ribbon_out = False
        self.answer_status = True
        self.faults: set[str] = set()
        self.received = bytearray()
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
        # An idle printer: nothing in its buffer (eee) and nothing left of a batch (uuuuuuuu).
        strings = (
            f"030,{po},{pa},1218,000,0,0,0,000,0,0,0",
            f"001,0,{ho},{ro},0,2,6,0,00000000,1,000",
            "1234,0",
        )
        return b"".join(b"\x02" + s.encode() + b"\x03\r\n" for s in strings)

    def error_status_reply(self) -> bytes:
        """A ~HQES reply in the ZPL II guide layout, from the current flags and `faults`."""
        flags = (self.paper_out * 0x1) | (self.ribbon_out * 0x2) | (self.head_open * 0x4)
        flags |= sum(bit for bit, name in ERROR_BITS.items() if name in self.faults)
        return (b"\x02\r\n  PRINTER STATUS\r\n"
                + f"   ERRORS:         {int(bool(flags))} 00000000 {flags:08X}\r\n".encode()
                + b"   WARNINGS:       0 00000000 00000000\r\n\x03\r\n")

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
                with self._cond:
                    self.received += data
                self._answer_status_requests(buffer, conn)
                self._take_jobs(buffer)

    def _answer_status_requests(self, buffer: bytearray, conn: socket.socket) -> None:
        for request, reply in ((HOST_STATUS, self.host_status_reply), (ERROR_STATUS, self.error_status_reply)):
            while (at := buffer.find(request)) >= 0:
                del buffer[at:at + len(request)]
                with self._cond:
                    self.status_requests += 1
                if self.answer_status:
                    conn.sendall(reply())

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


class PtyScale(PtyScanner):
    """A pseudo-terminal standing in for a serial scale (docs/drivers.md, "Scales").

    ``mt-sics``: a thread answers every ``S`` command with the next of ``answers`` (the last
    one repeats), each written in ``chunks`` pieces to split it across reads. ``continuous``:
    the test writes the stream itself (``write_raw`` / ``stream``). ``commands`` keeps what
    the station sent.
    """

    def __init__(self, answers: list[str] | None = None, chunks: int = 1):
        super().__init__()
        self.answers = list(answers or ["S S      1.234 kg"])
        self.chunks = chunks
        self.commands: list[str] = []
        self._thread = threading.Thread(target=self._answer_commands, name="pty-scale", daemon=True)
        self._thread.start()

    def stream(self, *lines: str) -> None:
        for line in lines:
            self.write_raw(line.encode("ascii") + b"\r\n")

    def _answer_commands(self) -> None:
        pending = b""
        while not self.closed:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready or self.closed:
                    continue
                data = os.read(self._master, 64)
            except (OSError, ValueError):
                return  # closed: unplugged
            pending += data
            while b"\n" in pending:
                command, pending = pending.split(b"\n", 1)
                self.commands.append(command.strip().decode("ascii", "replace"))
                if command.strip() == b"S":
                    self._reply(self.answers.pop(0) if len(self.answers) > 1 else self.answers[0])

    def _reply(self, answer: str) -> None:
        data = answer.encode("ascii") + b"\r\n"
        size = max(1, -(-len(data) // self.chunks))
        for start in range(0, len(data), size):
            try:
                self.write_raw(data[start:start + size])
            except OSError:
                return
            time.sleep(0.01)  # apart, so the station reads the answer in pieces
