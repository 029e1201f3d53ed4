"""Label printers: move job bytes to a device and read its status.

Drivers never build ZPL; callers hand over finished job bytes.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Protocol

import serial

from .cups import CupsPrinter
from .status import (
    ERROR_STATUS,
    HOST_STATUS,
    PrinterError,
    PrinterNotReady,
    PrinterOffline,
    PrinterStatus,
    check_ready,
    parse_error_status,
    parse_host_status,
    read_error_status_reply,
    read_host_status_reply,
)

__all__ = [
    "CupsPrinter", "FilePrinter", "MemoryPrinter", "Printer", "PrinterError",
    "PrinterNotReady", "PrinterOffline", "PrinterStatus", "SerialPrinter",
    "TcpPrinter", "parse_host_status",
]


class Printer(Protocol):
    def send(self, job: bytes) -> None: ...
    def status(self) -> PrinterStatus: ...
    def close(self) -> None: ...


# --- Drivers ---------------------------------------------------------------


class TcpPrinter:
    """A networked Zebra on raw port 9100. One short connection per call."""

    def __init__(self, host: str, port: int = 9100, timeout: float = 3.0):
        self.host, self.port, self.timeout = host, port, timeout

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise PrinterOffline(f"cannot connect to {self.host}:{self.port}: {exc}") from exc

    def status(self) -> PrinterStatus:
        return parse_host_status(self._ask(HOST_STATUS, read_host_status_reply))

    def errors(self) -> tuple[str, ...]:
        """~HQES: faults ~HS has no flag for (cutter, printhead too hot...)."""
        return parse_error_status(self._ask(ERROR_STATUS, read_error_status_reply))

    def _ask(self, request: bytes, read_reply) -> bytes:
        with self._connect() as conn:
            try:
                conn.sendall(request)
                return read_reply(lambda: _recv_chunk(conn), self.timeout)
            except OSError as exc:
                raise PrinterOffline(f"{self.host}:{self.port}: {exc}") from exc

    def send(self, job: bytes) -> None:
        # Check first so a label is never silently lost into a printer that
        # cannot print (a status-to-send race remains; it is milliseconds).
        check_ready(self.status())
        with self._connect() as conn:
            try:
                conn.sendall(job)
                conn.shutdown(socket.SHUT_WR)
            except OSError as exc:
                raise PrinterOffline(f"sending to {self.host}:{self.port}: {exc}") from exc

    def close(self) -> None:
        pass  # no connection is kept between calls


def _recv_chunk(conn: socket.socket) -> bytes:
    try:
        data = conn.recv(4096)
    except TimeoutError:
        return b""  # read_host_status_reply enforces the overall deadline
    if not data:
        raise PrinterOffline("printer closed the connection before a full status reply")
    return data


class SerialPrinter:
    """A Zebra on a serial port (or any pyserial URL); status via ~HS and ~HQES."""

    def __init__(self, url: str, baudrate: int = 9600, timeout: float = 3.0):
        self.url, self.baudrate, self.timeout = url, baudrate, timeout
        self._port: serial.SerialBase | None = None
        self._lock = threading.Lock()

    def _open(self) -> serial.SerialBase:
        if self._port is None:
            try:
                self._port = serial.serial_for_url(
                    self.url, baudrate=self.baudrate, timeout=0.1, write_timeout=self.timeout
                )
            except (serial.SerialException, OSError) as exc:
                raise PrinterOffline(f"cannot open {self.url}: {exc}") from exc
        return self._port

    def _drop_port(self) -> None:
        # After an error the port may be dead (unplugged): reopen next call.
        if self._port is not None:
            self._port.close()
            self._port = None

    def status(self) -> PrinterStatus:
        return parse_host_status(self._ask(HOST_STATUS, read_host_status_reply))

    def errors(self) -> tuple[str, ...]:
        """~HQES: faults ~HS has no flag for (cutter, printhead too hot...)."""
        return parse_error_status(self._ask(ERROR_STATUS, read_error_status_reply))

    def _ask(self, request: bytes, read_reply) -> bytes:
        with self._lock:
            port = self._open()
            try:
                port.reset_input_buffer()  # stale bytes would corrupt the reply
                port.write(request)
                return read_reply(lambda: port.read(port.in_waiting or 1), self.timeout)
            except (serial.SerialException, OSError) as exc:
                self._drop_port()
                raise PrinterOffline(f"{self.url}: {exc}") from exc

    def send(self, job: bytes) -> None:
        check_ready(self.status())
        with self._lock:
            port = self._open()
            try:
                port.write(job)
                port.flush()
            except (serial.SerialException, OSError) as exc:
                self._drop_port()
                raise PrinterOffline(f"sending to {self.url}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._drop_port()


class FilePrinter:
    """Appends each job to a file, for a station without a printer."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = os.fspath(path)

    def status(self) -> PrinterStatus:
        directory = os.path.dirname(os.path.abspath(self.path))
        if os.access(directory, os.W_OK):
            return PrinterStatus(online=True, detail=f"writing to {self.path}")
        return PrinterStatus(online=False, detail=f"cannot write in {directory}")

    def send(self, job: bytes) -> None:
        try:
            with open(self.path, "ab") as spool:
                spool.write(job)
                spool.flush()
                os.fsync(spool.fileno())  # the file is the only copy of the label
        except OSError as exc:
            raise PrinterOffline(f"cannot write {self.path}: {exc}") from exc

    def close(self) -> None:
        pass


class MemoryPrinter:
    """Test double with the same contract: refuses jobs when not ready."""

    def __init__(self, status_value: PrinterStatus | None = None):
        self.jobs: list[bytes] = []
        self.status_value = status_value or PrinterStatus(online=True)
        self.closed = False

    def status(self) -> PrinterStatus:
        return self.status_value

    def send(self, job: bytes) -> None:
        check_ready(self.status_value)
        self.jobs.append(bytes(job))

    def close(self) -> None:
        self.closed = True
