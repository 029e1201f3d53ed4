"""Scanner auto-detection by USB vendor id, on a faked `list_ports.comports()` listing
(pyserial's own ListPortInfo objects: the one thing that cannot exist here)."""

import os

import pytest
from serial.tools.list_ports_common import ListPortInfo

from station.config import ConfigError, load_config
from station.drivers import open_scanner
from station.drivers.detect import SCANNER_VENDORS, detect_scanners, parse_vendor_ids, port_finder


def port(device, vid=None, pid=None, description="n/a", serial_number=None):
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.description, info.serial_number = vid, pid, description, serial_number
    return info


LISTING = [
    port("/dev/ttyS0"),                                           # a motherboard port: no USB ids
    port("/dev/ttyACM3", 0x0A5F, 0x0081, "ZTC GK420t"),           # a Zebra label printer
    port("/dev/ttyACM1", 0x0C2E, 0x0B61, "Honeywell Vuquest 3310g"),
    port("/dev/ttyUSB0", 0x0403, 0x6001, "FT232R USB UART"),      # some other serial adapter
    port("/dev/ttyACM0", 0x05E0, 0x1701, "Symbol Bar Code Scanner"),
]


def test_scanners_are_found_by_vendor_id_sorted_and_nothing_else_is():
    found = detect_scanners(lambda: LISTING)
    assert [(s.device, s.vid, s.pid) for s in found] == [("/dev/ttyACM0", 0x05E0, 0x1701),
                                                         ("/dev/ttyACM1", 0x0C2E, 0x0B61)]
    assert found[0].maker == SCANNER_VENDORS[0x05E0] and "Symbol" in found[0].maker


@pytest.mark.parametrize("vid", [0x05E0, 0x0C2E, 0x05F9, 0x1EAB])
def test_each_known_maker_is_detected(vid):
    assert [s.device for s in detect_scanners(lambda: [port("/dev/ttyACM7", vid, 0x1234)])] == ["/dev/ttyACM7"]


def test_a_zebra_label_printer_is_never_taken_for_a_scanner():
    assert 0x0A5F not in SCANNER_VENDORS
    assert detect_scanners(lambda: [port("/dev/ttyACM3", 0x0A5F, 0x0081)]) == []


def test_the_station_serial_printer_is_excluded_even_through_a_symlink(tmp_path):
    target = tmp_path / "ttyACM0"
    target.write_text("")
    link = tmp_path / "printer"
    os.symlink(target, link)
    listing = [port(str(target), 0x05E0, 0x1701)]
    assert detect_scanners(lambda: listing, exclude=[str(link)]) == []
    assert len(detect_scanners(lambda: listing)) == 1


def test_the_vendor_list_setting_replaces_the_built_in_one():
    vendors = parse_vendor_ids("0x0403, 0c2e")
    assert set(vendors) == {0x0403, 0x0C2E}
    assert [s.device for s in detect_scanners(lambda: LISTING, vendors)] == ["/dev/ttyACM1", "/dev/ttyUSB0"]


@pytest.mark.parametrize("text", ["", "zebra", "0x1FFFF", "0"])
def test_bad_vendor_ids_are_refused(text):
    with pytest.raises(ValueError):
        parse_vendor_ids(text)


def test_the_finder_runs_detection_again_on_every_call():
    listing = [port("/dev/ttyACM0", 0x05E0)]
    find = port_finder(lambda: list(listing))
    assert find() == "/dev/ttyACM0"
    listing[:] = []  # unplugged
    assert find() is None
    listing[:] = [port("/dev/ttyACM1", 0x05E0)]  # back, under another name
    assert find() == "/dev/ttyACM1"


def test_auto_url_builds_a_detecting_scanner_and_an_explicit_url_never_detects():
    calls = []

    def comports():
        calls.append(1)
        return LISTING

    auto = open_scanner("auto", lambda read: None, comports=comports)
    assert auto.url is None and auto._device() == "/dev/ttyACM0"
    explicit = open_scanner("serial:///dev/ttyACM9?baudrate=115200&framing=TAB&char_timeout=0.05",
                            lambda read: None, comports=comports, baudrate=9600, framing="crlf")
    assert (explicit._device(), explicit.baudrate, explicit.framing) == ("/dev/ttyACM9", 115200, "tab")
    assert len(calls) == 1  # only the auto scanner looked


def write(tmp_path, body):
    path = tmp_path / "station.toml"
    path.write_text('server_url = "http://s"\nstation_code = "P"\ntoken = "t"\nprinter_url = "memory://"\n' + body)
    return str(path)


def test_scanner_settings_from_the_file_and_the_environment(tmp_path):
    config = load_config(write(tmp_path, 'scanner_url = "auto"\nscanner_framing = "TAB"\n'
                                         'scanner_usb_vendors = "0x05E0"\n'),
                         env={"COLIS_STATION_SCANNER_CHAR_TIMEOUT": "0.05", "COLIS_STATION_SCANNER_BAUDRATE": "115200"})
    assert (config.scanner_url, config.scanner_framing, config.scanner_char_timeout, config.scanner_baudrate,
            config.scanner_usb_vendors) == ("auto", "tab", 0.05, 115200, "0x05E0")
    defaults = load_config(write(tmp_path, ""), env={})
    assert (defaults.scanner_framing, defaults.scanner_char_timeout, defaults.scanner_usb_vendors) == ("crlf", 0.1, "")


@pytest.mark.parametrize("body, words", [('scanner_framing = "etx"\n', "scanner_framing"),
                                         ("scanner_char_timeout = 0\n", "scanner_char_timeout"),
                                         ('scanner_usb_vendors = "zebra"\n', "scanner_usb_vendors")])
def test_bad_scanner_settings_are_refused_with_the_setting_named(tmp_path, body, words):
    with pytest.raises(ConfigError, match=words):
        load_config(write(tmp_path, body), env={})
