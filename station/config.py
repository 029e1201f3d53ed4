"""Station settings: a TOML file, then COLIS_STATION_* environment overrides.

    server_url   = "http://colis.local:5000"
    station_code = "PACK-01"
    token        = "..."                    # from `colis-server create-station`
    scanner_url  = "/dev/serial/by-id/..."  # optional: no serial scanner, keyboard only;
                                            # "auto": found by USB vendor id (docs/drivers.md)
    scanner_framing = "crlf"                # the scanner's suffix: crlf, cr, lf, tab or none
    printer_url  = "tcp://10.0.0.7:9100"    # see docs/drivers.md
    ui_port      = 8800                     # 0 = any free port
    outbox_path  = "/var/lib/colis/outbox.sqlite"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from typing import Mapping

from wire.contract import ACK_TIMEOUT_SECONDS


class ConfigError(ValueError):
    pass


@dataclass
class StationConfig:
    server_url: str
    station_code: str
    token: str
    scanner_url: str | None
    printer_url: str
    ui_host: str = "127.0.0.1"
    ui_port: int = 0  # 0: the OS picks a free port
    outbox_path: str = "station-outbox.sqlite"
    locale: str = "fr"
    ack_timeout: float = ACK_TIMEOUT_SECONDS
    # Serial scanner (docs/drivers.md). An explicit scanner_url overrides detection.
    scanner_framing: str = "crlf"      # crlf, cr, lf, tab, or none (a read ends after silence)
    scanner_char_timeout: float = 0.1  # framing "none": seconds of silence that end a read
    scanner_baudrate: int = 9600
    scanner_usb_vendors: str = ""      # scanner_url "auto": hex vendor ids; empty = the built-in list
    # Keyboard-wedge (HID) scanners in the kiosk page (docs/drivers.md).
    wedge_max_gap_ms: int = 50         # keys closer than this are a scanner's burst, not a person
    wedge_min_length: int = 4          # shorter bursts are not scans
    wedge_gs_keys: str = "Control+BracketRight"  # the key chord(s) the scanner sends for GS1's GS
    # Serial scale (docs/drivers.md): unset = no scale, the weight is not checked at this station.
    scale_url: str | None = None
    scale_protocol: str = "mt-sics"    # mt-sics (asked with "S") or continuous (the scale streams)


ENV_VARS = {
    "server_url": "COLIS_STATION_SERVER_URL",
    "station_code": "COLIS_STATION_CODE",
    "token": "COLIS_STATION_TOKEN",
    "scanner_url": "COLIS_STATION_SCANNER",
    "printer_url": "COLIS_STATION_PRINTER",
    "ui_port": "COLIS_STATION_UI_PORT",
    "outbox_path": "COLIS_STATION_OUTBOX",
    "scanner_framing": "COLIS_STATION_SCANNER_FRAMING",
    "scanner_char_timeout": "COLIS_STATION_SCANNER_CHAR_TIMEOUT",
    "scanner_baudrate": "COLIS_STATION_SCANNER_BAUDRATE",
    "scanner_usb_vendors": "COLIS_STATION_SCANNER_USB_VENDORS",
    "wedge_gs_keys": "COLIS_STATION_WEDGE_GS_KEYS",
    "scale_url": "COLIS_STATION_SCALE",
    "scale_protocol": "COLIS_STATION_SCALE_PROTOCOL",
}
REQUIRED = ("server_url", "station_code", "token", "printer_url")
CONVERTERS = {"ui_port": int, "ack_timeout": float, "scanner_char_timeout": float, "scanner_baudrate": int,
              "wedge_max_gap_ms": int, "wedge_min_length": int}


def load_config(path: str | None, env: Mapping[str, str] = os.environ) -> StationConfig:
    """Read `path` (if given), apply env overrides, check required values."""
    values = _read_toml(path) if path else {}
    for key, var in ENV_VARS.items():
        if env.get(var, "") != "":
            values[key] = _convert(key, env[var], var)
    missing = [key for key in REQUIRED if not values.get(key)]
    if missing:
        raise ConfigError("missing station setting(s): " + "; ".join(
            f"{key} (set it in the config file or {ENV_VARS[key]})" for key in missing))
    values.setdefault("scanner_url", None)
    config = StationConfig(**values)
    _check_scanner(config)
    return config


def _check_scanner(config: StationConfig) -> None:
    # Imported here: the settings module stays light for tools that only read a file.
    from station.drivers.detect import parse_vendor_ids
    from station.drivers.scanner import FRAMINGS

    config.scanner_framing = config.scanner_framing.strip().lower()
    if config.scanner_framing not in FRAMINGS:
        raise ConfigError(f"scanner_framing {config.scanner_framing!r}: use one of {', '.join(FRAMINGS)}")
    if config.scanner_char_timeout <= 0:
        raise ConfigError("scanner_char_timeout must be more than 0 seconds")
    if not 1 <= config.wedge_max_gap_ms <= 1000 or not 1 <= config.wedge_min_length <= 64:
        raise ConfigError("wedge_max_gap_ms must be 1 to 1000 and wedge_min_length 1 to 64")
    if config.scale_protocol not in ("mt-sics", "continuous"):
        raise ConfigError(f"scale_protocol {config.scale_protocol!r}: use mt-sics or continuous")
    if config.scanner_baudrate <= 0:
        raise ConfigError("scanner_baudrate must be positive")
    if config.scanner_usb_vendors.strip():
        try:
            parse_vendor_ids(config.scanner_usb_vendors)
        except ValueError as exc:
            raise ConfigError(f"scanner_usb_vendors: {exc}") from None


def _read_toml(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read station config {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"station config {path} is not valid TOML: {exc}") from exc
    known = {field.name for field in fields(StationConfig)}
    unknown = sorted(set(data) - known)
    if unknown:  # a typo would otherwise silently fall back to a default
        raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    return {key: _convert(key, value, f"{key} in {path}") for key, value in data.items()}


def _convert(key: str, value, where: str):
    convert = CONVERTERS.get(key, str)
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {value!r} is not a valid {convert.__name__}") from None
