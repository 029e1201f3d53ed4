"""Station settings: a TOML file, then COLIS_STATION_* environment overrides.

    server_url   = "http://colis.local:5000"
    station_code = "PACK-01"
    token        = "..."                    # from `colis-server create-station`
    scanner_url  = "/dev/serial/by-id/..."  # optional: no serial scanner, keyboard only
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


ENV_VARS = {
    "server_url": "COLIS_STATION_SERVER_URL",
    "station_code": "COLIS_STATION_CODE",
    "token": "COLIS_STATION_TOKEN",
    "scanner_url": "COLIS_STATION_SCANNER",
    "printer_url": "COLIS_STATION_PRINTER",
    "ui_port": "COLIS_STATION_UI_PORT",
    "outbox_path": "COLIS_STATION_OUTBOX",
}
REQUIRED = ("server_url", "station_code", "token", "printer_url")
CONVERTERS = {"ui_port": int, "ack_timeout": float}


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
    return StationConfig(**values)


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
