"""A real floor for end-to-end and browser tests: the server on a TCP port, station agents
with a scanner on a real pseudo-terminal and a Zebra-speaking printer on a real TCP socket."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from server.devserver import RunningServer, serve_in_thread
from station.__main__ import RunningStation, run_station
from station.config import StationConfig
from station.drivers.simulated import FakeZebraPrinter, PtyScanner


def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class LiveStation:
    code: str
    scanner: PtyScanner
    printer: FakeZebraPrinter
    agent: RunningStation

    def screen(self) -> dict:
        return self.agent.core.screen()

    def wait_state(self, state: str, timeout: float = 10.0) -> dict:
        return wait_for(lambda: self.screen() if self.screen()["state"] == state else None, timeout,
                        f"{self.code} to show {state!r} (now {self.screen()['state']!r})")

    def scan_and_wait(self, code: str, symbology: str | None = None, timeout: float = 10.0) -> dict:
        """Scan through the pty, then wait for the screen the server answered."""
        before = self.screen()["version"]
        self.scanner.scan(code, symbology)
        return wait_for(lambda: self.screen() if self.screen()["version"] > before and
                        self.agent.outbox.count() == 0 else None, timeout, f"{self.code} reply to {code}")


@dataclass
class LiveFloor:
    server: RunningServer
    stations: dict[str, LiveStation] = field(default_factory=dict)

    def add_station(self, code: str, token: str, tmp_path) -> LiveStation:
        scanner, printer = PtyScanner(), FakeZebraPrinter().start()
        config = StationConfig(server_url=self.server.url, station_code=code, token=token,
                               scanner_url=scanner.device, printer_url=printer.url,
                               outbox_path=str(tmp_path / f"{code}-outbox.sqlite"), ack_timeout=5.0)
        live = LiveStation(code, scanner, printer, run_station(config))
        self.stations[code] = live
        return live

    def stop(self) -> None:
        # In parallel: each WebSocket close waits up to 3 s for the dev server's close frame.
        with ThreadPoolExecutor(max_workers=max(1, len(self.stations))) as pool:
            list(pool.map(_stop_station, self.stations.values()))
        self.server.stop()


def _stop_station(live: LiveStation) -> None:
    live.agent.stop()
    live.printer.stop()
    live.scanner.close()


def start_floor(app) -> LiveFloor:
    return LiveFloor(serve_in_thread(app))
