"""A label printer behind a CUPS raw queue: `lp -o raw` sends the job bytes untouched.

``cups://QUEUE`` uses the local CUPS (or $CUPS_SERVER); ``cups://host:631/QUEUE`` a CUPS
server elsewhere, e.g. the station PC the printer hangs off (docs/deployment.md).
CUPS itself cannot ask a Zebra for ``~HS``; when the queue's device is a Zebra on
``socket://host:port`` (the usual raw queue for a networked Zebra), its status is read
from there, so a printer out of paper is refused through CUPS too.
"""
from __future__ import annotations

import subprocess
from dataclasses import replace
from urllib.parse import urlsplit

from .status import PrinterOffline, PrinterStatus, check_ready

UNKNOWN = "status not available through CUPS"


class CupsPrinter:
    def __init__(self, queue: str, server: str | None = None, timeout: float = 10.0):
        self.queue, self.server, self.timeout = queue, server, timeout

    def _run(self, *args: str, job: bytes | None = None) -> subprocess.CompletedProcess:
        command = [args[0], *(("-h", self.server) if self.server else ()), *args[1:]]
        try:
            return subprocess.run(command, input=job, capture_output=True, timeout=self.timeout)
        except FileNotFoundError as exc:
            raise PrinterOffline(f"{args[0]} is not installed (CUPS client): {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterOffline(f"CUPS did not answer {args[0]} within {self.timeout:g} s") from exc

    def device_uri(self) -> str:
        result = self._run("lpstat", "-v", self.queue)
        text = result.stdout.decode("utf-8", "replace").strip()
        if result.returncode != 0 or ":" not in text:
            raise PrinterOffline(f"CUPS queue {self.queue}: {_said(result)}")
        # "device for zebra1: socket://10.0.0.9:9100"
        return text.split(": ", 1)[1].strip() if ": " in text else text.rsplit(" ", 1)[-1]

    def status(self) -> PrinterStatus:
        result = self._run("lpstat", "-p", self.queue)
        if result.returncode != 0:
            return PrinterStatus(online=False, detail=f"CUPS queue {self.queue}: {_said(result)}")
        if b"disabled" in result.stdout:
            return PrinterStatus(online=False, detail=f"CUPS queue {self.queue} is disabled")
        device = urlsplit(self.device_uri())
        if device.scheme == "socket" and device.hostname:
            from .printers import TcpPrinter  # the Zebra behind the queue answers ~HS itself

            status = TcpPrinter(device.hostname, device.port or 9100, timeout=min(self.timeout, 3.0)).status()
            # Its buffer says nothing of jobs CUPS still holds: whether a label came out is unknown.
            return replace(status, formats_in_buffer=None)
        return PrinterStatus(online=True, detail=UNKNOWN)

    def send(self, job: bytes) -> None:
        check_ready(self.status())
        result = self._run("lp", "-d", self.queue, "-o", "raw", "-t", "colis-label", job=bytes(job))
        if result.returncode != 0:
            raise PrinterOffline(f"cannot print to CUPS queue {self.queue}: {_said(result)}")

    def close(self) -> None:
        pass


def _said(result: subprocess.CompletedProcess) -> str:
    return (result.stderr or result.stdout).decode("utf-8", "replace").strip()[:200] or f"exit {result.returncode}"
