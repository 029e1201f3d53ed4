"""Station settings: TOML file, then COLIS_STATION_* overrides."""

import pytest

from station.config import ConfigError, StationConfig, load_config

FULL = """
server_url = "http://colis.local:5000"
station_code = "PACK-01"
token = "s3cret"
scanner_url = "/dev/ttyACM0"
printer_url = "tcp://10.0.0.7:9100"
ui_port = 8800
outbox_path = "/var/lib/colis/outbox.sqlite"
locale = "en"
"""


def write(tmp_path, text):
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_reads_every_setting_from_the_file(tmp_path):
    config = load_config(write(tmp_path, FULL), env={})
    assert config == StationConfig(
        server_url="http://colis.local:5000", station_code="PACK-01", token="s3cret",
        scanner_url="/dev/ttyACM0", printer_url="tcp://10.0.0.7:9100", ui_port=8800,
        outbox_path="/var/lib/colis/outbox.sqlite", locale="en")


def test_environment_overrides_the_file(tmp_path):
    env = {"COLIS_STATION_SERVER_URL": "http://10.0.0.2:5000", "COLIS_STATION_CODE": "PICK-02",
           "COLIS_STATION_TOKEN": "other", "COLIS_STATION_SCANNER": "socket://127.0.0.1:7000",
           "COLIS_STATION_PRINTER": "memory://", "COLIS_STATION_UI_PORT": "9000",
           "COLIS_STATION_OUTBOX": "/tmp/o.sqlite"}
    config = load_config(write(tmp_path, FULL), env=env)
    assert (config.server_url, config.station_code, config.token) == ("http://10.0.0.2:5000", "PICK-02", "other")
    assert (config.scanner_url, config.printer_url) == ("socket://127.0.0.1:7000", "memory://")
    assert (config.ui_port, config.outbox_path) == (9000, "/tmp/o.sqlite")


def test_environment_alone_is_enough_and_defaults_fill_the_rest():
    env = {"COLIS_STATION_SERVER_URL": "http://s", "COLIS_STATION_CODE": "PACK-01",
           "COLIS_STATION_TOKEN": "t", "COLIS_STATION_PRINTER": "memory://"}
    config = load_config(None, env=env)
    assert config.scanner_url is None
    assert (config.ui_host, config.ui_port, config.locale, config.ack_timeout) == ("127.0.0.1", 0, "fr", 5.0)


def test_a_missing_token_names_the_variable_to_set(tmp_path):
    text = "\n".join(line for line in FULL.splitlines() if not line.startswith("token"))
    with pytest.raises(ConfigError, match="COLIS_STATION_TOKEN"):
        load_config(write(tmp_path, text), env={})


def test_every_missing_value_is_named(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(None, env={})
    for var in ("COLIS_STATION_SERVER_URL", "COLIS_STATION_CODE", "COLIS_STATION_TOKEN",
                "COLIS_STATION_PRINTER"):
        assert var in str(caught.value)


def test_a_bad_port_in_the_environment_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="COLIS_STATION_UI_PORT"):
        load_config(write(tmp_path, FULL), env={"COLIS_STATION_UI_PORT": "eighty"})


def test_a_misspelt_setting_is_refused_rather_than_ignored(tmp_path):
    with pytest.raises(ConfigError, match="printer_ulr"):
        load_config(write(tmp_path, FULL + 'printer_ulr = "x"\n'), env={})


def test_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(str(tmp_path / "missing.toml"), env={})


def test_the_command_line_explains_a_missing_setting_and_exits_2(tmp_path, monkeypatch, capsys):
    from station.__main__ import main

    for var in list(__import__("os").environ):
        if var.startswith("COLIS_STATION_"):
            monkeypatch.delenv(var)
    assert main(["--config", write(tmp_path, 'server_url = "http://s"\n')]) == 2
    assert "COLIS_STATION_TOKEN" in capsys.readouterr().err


def test_the_bench_settings_scale_and_wedge_are_read_and_checked(tmp_path):
    text = FULL + 'scale_url = "/dev/serial/by-id/usb-Mettler"\nscale_protocol = "continuous"\n' \
                  'wedge_max_gap_ms = 30\nwedge_min_length = 6\nwedge_gs_keys = "F8"\n'
    config = load_config(write(tmp_path, text), env={"COLIS_STATION_WEDGE_GS_KEYS": "Control+BracketRight"})
    assert (config.scale_url, config.scale_protocol) == ("/dev/serial/by-id/usb-Mettler", "continuous")
    assert (config.wedge_max_gap_ms, config.wedge_min_length, config.wedge_gs_keys) == (30, 6, "Control+BracketRight")
    for bad, named in (('scale_protocol = "dymo"', "scale_protocol"), ("wedge_max_gap_ms = 0", "wedge_max_gap_ms"),
                       ("wedge_min_length = 100", "wedge_min_length")):
        with pytest.raises(ConfigError, match=named):
            load_config(write(tmp_path, FULL + bad + "\n"), env={})
