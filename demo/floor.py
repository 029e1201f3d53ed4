"""A live floor in one process: the server on a TCP port, and station agents each with a
scanner on a real pseudo-terminal and a Zebra-speaking printer on a real TCP socket.
Used by ``make demo`` and by the end-to-end and browser tests."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from server.devserver import RunningServer, serve_in_thread
from station.__main__ import RunningStation, run_station
from station.config import StationConfig
from station.drivers.simulated import FakeZebraPrinter, PtyScanner


@dataclass
class LiveStation:
    code: str
    scanner: PtyScanner
    printer: FakeZebraPrinter
    agent: RunningStation

    def screen(self) -> dict:
        return self.agent.core.screen()

    def stop(self) -> None:
        self.agent.stop()
        self.printer.stop()
        self.scanner.close()


@dataclass
class LiveFloor:
    server: RunningServer
    stations: dict[str, LiveStation] = field(default_factory=dict)

    def add_station(self, code: str, token: str, outbox_dir: Path, locale: str = "fr",
                    scale_url: str | None = None) -> LiveStation:
        scanner, printer = PtyScanner(), FakeZebraPrinter().start()
        config = StationConfig(server_url=self.server.url, station_code=code, token=token,
                               scanner_url=scanner.device, printer_url=printer.url, locale=locale,
                               scale_url=scale_url,
                               outbox_path=str(Path(outbox_dir) / f"{code}-outbox.sqlite"))
        live = LiveStation(code, scanner, printer, run_station(config))
        self.stations[code] = live
        return live

    def stop(self) -> None:
        # In parallel: each WebSocket close waits up to 3 s for the dev server's close frame.
        with ThreadPoolExecutor(max_workers=max(1, len(self.stations))) as pool:
            list(pool.map(LiveStation.stop, self.stations.values()))
        self.server.stop()


def start_floor(app, host: str = "127.0.0.1", port: int = 0) -> LiveFloor:
    return LiveFloor(serve_in_thread(app, host, port))
