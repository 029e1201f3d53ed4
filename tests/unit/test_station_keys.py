"""StationCore's operator keys and reads: actions sent in order behind waiting scans, refused ones
shown red, typed and over-long codes refused at the station."""

import time

import pytest

from station.drivers import ScanRejected
from wire.contract import ErrorCode, error_reply
from wire.texts import text

from tests.stationkit import link, make_core, N, outbox, printer, raws, read, screen, WAIT, wait_screen  # noqa: F401 (fixtures)


# --- operator keys ------------------------------------------------------------------------

def test_an_action_is_sent_with_its_payload_and_its_screen_is_drawn(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    core.submit_action("done")
    (_, payload), = link.wait_calls("action", 1)
    assert payload == {"name": "done", "params": {}}
    view = wait_screen(core, lambda v: v["state"] == "return_scan")
    assert view["message"]["text"] == "done"


def test_a_key_with_a_typed_quantity_sends_it_and_bad_params_are_refused_here(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    core.submit_action("count", {"line_id": 41, "quantity": 24})
    (_, payload), = link.wait_calls("action", 1)
    assert payload == {"name": "count", "params": {"line_id": 41, "quantity": 24}}
    with pytest.raises(ValueError):
        core.submit_action("count", {"line_id": [41]})


def test_an_action_the_server_refuses_shows_red_and_keeps_the_screen(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    link.replies["action"] = lambda p: error_reply(ErrorCode.NOT_FOUND, "nothing to finish")
    core.submit_action("done")
    view = wait_screen(core, lambda v: v["message"] is not None)
    assert view["message"] == {"level": "error", "code": "not_found", "text": "nothing to finish"}
    assert view["state"] == "pick"


def test_an_action_is_not_sent_ahead_of_scans_still_waiting(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.down()
    core.submit_typed("A1")
    core.submit_action("done")
    view = wait_screen(core, lambda v: v["message"] is not None)
    assert view["message"]["code"] == "action_not_sent"
    assert view["message"]["text"] == text("action_not_sent", "fr")
    link.up()
    link.wait_calls("scan", 1)
    wait_screen(core, lambda v: v["waiting_scans"] == 0)
    assert link.events("action") == []  # pressed offline: the operator presses it again


def test_an_action_waits_for_a_scan_the_server_failed_on(make_core, link, outbox):
    core = make_core(retry_interval=30)  # the retry of A1 is far off
    link.wait_calls("hello", 1)
    link.scan_reply = lambda p: error_reply(ErrorCode.SERVER_ERROR, "deadlock")
    core.submit_typed("A1")
    link.wait_calls("scan", 1)
    core.submit_action("done")
    view = wait_screen(core, lambda v: v["message"] is not None)
    assert view["message"]["code"] == "action_not_sent" and not view["offline"]
    assert link.events("action") == [] and outbox.count() == 1


def test_the_reprint_key_stays_on_the_station(make_core, link, printer):
    job = {"job_id": 2, "kind": "shipping", "zpl": "^XA^XZ"}
    link.replies["hello"] = lambda p: screen("print_label", print=[job])
    link.replies["print_result"] = lambda p: screen("print_label", print=[job])  # still pending
    core = make_core()
    link.wait_calls("print_result", 1)
    core.submit_action("reprint")
    link.wait_calls("print_result", 2)
    assert printer.jobs == [b"^XA^XZ"] * 2 and link.events("action") == []


def test_a_malformed_action_name_is_refused_before_it_is_queued(make_core, link):
    core = make_core()
    with pytest.raises(ValueError):
        core.submit_action("x" * 100)
    with pytest.raises(ValueError):
        core.submit_action("")


def test_hello_answered_with_an_error_is_not_drawn_and_the_station_stays_offline(make_core, link):
    link.replies["hello"] = lambda p: error_reply(ErrorCode.SERVER_ERROR, "starting")
    core = make_core()
    link.wait_calls("hello", 2)  # asked again
    view = core.screen()
    assert view["offline"] and view["state"] == "offline" and view["message"] is None
    link.replies["hello"] = lambda p: screen("pack")
    wait_screen(core, lambda v: v["state"] == "pack" and not v["offline"])


def test_a_typed_code_over_the_wire_limit_is_refused_and_said(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    with pytest.raises(ValueError):
        core.submit_typed("7" * 513)
    assert outbox.count() == 0
    assert core.screen()["message"]["text"] == text("scan_too_long", "fr", max=512)
    assert core.submit_typed("7" * 512).raw == "7" * 512


def test_an_over_long_read_says_so_rather_than_incomplete(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    core.submit_rejected(ScanRejected(b"7" * 513, "too_long", time.monotonic()))
    view = wait_screen(core, lambda v: v["message"] is not None)
    assert view["message"]["code"] == "scan_too_long"


def test_an_incomplete_read_shows_red_and_is_not_sent(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    core.submit_rejected(ScanRejected(b"37612340", "incomplete", time.monotonic()))
    view = wait_screen(core, lambda v: v["message"] is not None)
    assert view["message"]["level"] == "error"
    assert view["message"]["text"] == "Lecture incomplète, rescannez"
    core.submit_read(read("3761234000427"))
    link.wait_calls("scan", 1)
    assert raws(link) == ["3761234000427"]
