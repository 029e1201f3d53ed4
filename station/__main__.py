"""`colis-station --config station.toml`: run one station until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from station.config import ConfigError, StationConfig, load_config
from station.core import StationCore
from station.drivers import open_printer, open_scanner
from station.drivers.detect import parse_vendor_ids
from station.link import ServerLink
from station.outbox import Outbox
from station.ui.server import UiServer

log = logging.getLogger("station")


@dataclass
class RunningStation:
    core: StationCore
    ui: UiServer
    outbox: Outbox
    printer: object

    @property
    def ui_url(self) -> str:
        return self.ui.url

    def stop(self) -> None:
        self.ui.stop()
        self.core.stop()  # also stops the scanner and the link
        self.printer.close()
        self.outbox.close()


def run_station(config: StationConfig) -> RunningStation:
    """Build and start every part of a station, in-process (demo, tests)."""
    outbox = Outbox(config.outbox_path)
    printer = open_printer(config.printer_url)
    link = ServerLink(config.server_url, config.station_code, config.token)
    core = StationCore(link, printer, outbox, station_code=config.station_code,
                       locale=config.locale, ack_timeout=config.ack_timeout)
    if config.scanner_url and config.scanner_url.startswith("evdev://"):
        # A keyboard-wedge scanner read from its Linux input device, grabbed (docs/drivers.md).
        from station.drivers.evdev import EvdevScanner, KeyBurstFramer

        core.attach_scanner(EvdevScanner(config.scanner_url.removeprefix("evdev://"), core.submit_read,
                                         framer=KeyBurstFramer(config.wedge_max_gap_ms / 1000,
                                                               config.wedge_min_length)))
    elif config.scanner_url:
        core.attach_scanner(open_scanner(
            config.scanner_url, core.submit_read, core.submit_rejected, on_error=_log_scanner_error,
            on_status=core.submit_scanner_status, baudrate=config.scanner_baudrate,
            framing=config.scanner_framing, char_timeout=config.scanner_char_timeout,
            **_scanner_detection(config)))
    if config.scale_url:
        from station.drivers.scale import SerialScale

        core.attach_scale(SerialScale(config.scale_url, config.scale_protocol))
    core.start()
    ui = UiServer(core, config.ui_host, config.ui_port, wedge={
        "max_gap_ms": config.wedge_max_gap_ms, "min_length": config.wedge_min_length,
        "gs_keys": config.wedge_gs_keys})
    return RunningStation(core, ui, outbox, printer)


def _scanner_detection(config: StationConfig) -> dict:
    """For scanner_url "auto": the vendor ids to look for, and the serial printer's port
    (never taken for a scanner)."""
    detection: dict = {}
    if config.scanner_usb_vendors.strip():
        detection["vendors"] = parse_vendor_ids(config.scanner_usb_vendors)
    printer = urlsplit(config.printer_url)
    if printer.scheme.lower() == "serial" and printer.path:
        detection["exclude"] = (unquote(printer.path),)
    return detection


def _log_scanner_error(exc: Exception) -> None:
    log.warning("scanner: %s (retrying)", exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="colis-station", description="Run a Colis station agent.")
    parser.add_argument("--config", help="station TOML file (COLIS_STATION_* variables override it)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per kiosk poll otherwise
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"colis-station: {exc}", file=sys.stderr)
        return 2
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    station = run_station(config)
    print(f"Station {config.station_code}: screen at {station.ui_url}", flush=True)
    try:
        stopping.wait()
    finally:
        station.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
