"""StationCore with a FakeLink (a scripted server) and a MemoryPrinter.

The core must send scans in order, keep them while the server is away, replay
them on reconnect, never show green for an unacknowledged scan, set aside the
scans the server cannot take so the next ones go on, send the operator's keys,
and print the labels the server asks for.
"""

import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from station.core import StationCore
from station.drivers import MemoryPrinter, PrinterStatus, ScanRead, ScanRejected
from station.link import AckTimeout, ServerUnavailable
from station.outbox import Outbox
from wire.contract import DEAD_LETTER_AFTER_ATTEMPTS, ErrorCode, empty_screen, error_reply
from wire.texts import text

WAIT = 3.0
N = DEAD_LETTER_AFTER_ATTEMPTS


def screen(state="pick", message=None, **extra):
    return {**empty_screen(), "state": state, "message": message, **extra}


def ok(text):
    return {"level": "ok", "code": "item_ok", "text": text}


class FakeLink:
    """Test double of ServerLink: records calls; a tiny scripted server answers.

    Scans are remembered by uuid like the real server, so a replay is answered
    `duplicate: true`. `lose_ack_of = "scan"` applies the next such call, then
    drops the connection instead of answering: a lost ack. A scan whose raw is in
    `silent_on` is taken and never acked, the connection staying up (a server
    choking on it); one in `cut_on` dies with the network under it, unnoticed yet.
    """

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.connected = False
        self.seen: set[str] = set()
        self.scan_reply = lambda payload: screen("pick", ok(f"OK: {payload['raw']}"))
        self.replies = {"hello": lambda p: screen("pick", station={"code": "PACK-01", "locale": "fr"}),
                        "request_task": lambda p: screen("idle"),
                        "print_result": lambda p: screen("idle", ok("printed")),
                        "printer_status": lambda p: {"ok": True},
                        "scan_dead_lettered": lambda p: {"ok": True},
                        "action": lambda p: screen("return_scan", ok("done"))}
        self.lose_ack_of: str | None = None
        self.silent_on: set[str] = set()
        self.cut_on: set[str] = set()
        self._cond = threading.Condition()
        self.on_connected = self.on_disconnected = lambda: None
        self.on_tasks_waiting = lambda payload: None

    def connect(self):
        self.up()

    def close(self):
        self.connected = False

    def up(self):
        self.connected = True
        self.on_connected()

    def down(self):
        self.connected = False
        self.on_disconnected()

    def call(self, event, payload, timeout):
        with self._cond:
            if not self.connected:
                raise ServerUnavailable("not connected")
            self.calls.append((event, payload))
            self._cond.notify_all()
            if event == "scan" and payload["raw"] in self.cut_on:
                self.connected = False
                raise AckTimeout("the network died under the scan")
            if event == "scan" and payload["raw"] in self.silent_on:
                raise AckTimeout("the server never answered")
            reply = self._answer(event, payload)
            if self.lose_ack_of == event:
                self.lose_ack_of, self.connected = None, False
                raise ServerUnavailable("ack lost")
            return reply

    def _answer(self, event, payload):
        if event != "scan":
            return self.replies[event](payload)
        duplicate = payload["uuid"] in self.seen
        self.seen.add(payload["uuid"])
        return {**self.scan_reply(payload), "duplicate": duplicate}

    def events(self, name=None):
        with self._cond:
            return [(e, p) for e, p in self.calls if name is None or e == name]

    def wait_calls(self, name, count, timeout=WAIT):
        with self._cond:
            if not self._cond.wait_for(lambda: len([c for c in self.calls if c[0] == name]) >= count, timeout):
                raise AssertionError(f"expected {count} {name!r} calls, got {self.calls}")
        return self.events(name)


def unavailable(payload):
    raise ServerUnavailable("no ack")


def wait_screen(core, predicate, timeout=WAIT):
    deadline, view = time.monotonic() + timeout, core.screen()
    while not predicate(view):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"screen never matched; last: {view}")
        view = core.wait_screen(view["version"], left)
    return view


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(str(tmp_path / "outbox.sqlite"))
    yield box
    box.close()


@pytest.fixture
def link():
    return FakeLink()


@pytest.fixture
def printer():
    return MemoryPrinter()


@pytest.fixture
def make_core(link, printer, outbox):
    cores = []

    def make(**options):
        options.setdefault("retry_interval", 0.1)
        core = StationCore(link, printer, outbox, station_code="PACK-01", **options)
        cores.append(core)
        return core.start()

    yield make
    for core in cores:
        core.stop()


def read(code, symbology="]E0"):
    return ScanRead(code, symbology, time.monotonic())


def raws(link):
    return [payload["raw"] for _, payload in link.events("scan")]


def test_scans_go_to_the_server_in_the_order_they_were_read(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    core.submit_read(read("A1"))
    core.submit_typed("B2")
    core.submit_read(read("C3", "]C1"))
    scans = link.wait_calls("scan", 3)
    assert raws(link) == ["A1", "B2", "C3"]
    assert [p["symbology"] for _, p in scans] == ["]E0", None, "]C1"]
    view = wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: C3")
    assert view["state"] == "pick" and not view["offline"]
    assert outbox.count() == 0


def test_the_scan_payload_follows_the_protocol(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    before = datetime.now(timezone.utc)
    stored = core.submit_read(ScanRead("0106141411234567\x1d10AB", "]C1", time.monotonic() - 2))
    (_, payload), = link.wait_calls("scan", 1)
    assert payload == {"uuid": stored.uuid, "raw": "0106141411234567\x1d10AB", "symbology": "]C1",
                       "scanned_at": payload["scanned_at"]}
    assert uuid.UUID(payload["uuid"]).version == 4
    scanned_at = datetime.fromisoformat(payload["scanned_at"])
    assert scanned_at.tzinfo is not None
    # the time of the read (2 s ago, station clock), not the time it was sent
    assert before - timedelta(seconds=3) < scanned_at < before - timedelta(seconds=1)


def test_offline_keeps_scans_and_shows_offline_never_green(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.down()
    core.submit_typed("A1")
    core.submit_typed("B2")
    view = wait_screen(core, lambda v: v["offline"] and v["waiting_scans"] == 2)
    assert view["state"] == "offline"
    assert view["message"] is None or view["message"]["level"] != "ok"
    assert [scan.raw for scan in outbox.pending()] == ["A1", "B2"]
    assert link.events("scan") == []


def test_reconnect_says_hello_then_replays_in_order(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.down()
    for code in ("A1", "B2", "C3"):
        core.submit_typed(code)
    wait_screen(core, lambda v: v["waiting_scans"] == 3)
    link.up()
    link.wait_calls("scan", 3)
    events = [event for event, _ in link.events() if event in ("hello", "scan")]
    assert events == ["hello", "hello", "scan", "scan", "scan"]
    assert raws(link) == ["A1", "B2", "C3"]
    view = wait_screen(core, lambda v: not v["offline"] and v["waiting_scans"] == 0)
    assert view["state"] == "pick"
    assert outbox.count() == 0


def test_a_lost_ack_is_replayed_with_the_same_uuid_and_dropped_as_duplicate(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.lose_ack_of = "scan"
    core.submit_typed("A1")
    wait_screen(core, lambda v: v["offline"] and v["waiting_scans"] == 1)
    link.up()
    first, replay = link.wait_calls("scan", 2)
    assert first[1]["uuid"] == replay[1]["uuid"]
    wait_screen(core, lambda v: not v["offline"] and v["waiting_scans"] == 0)
    assert outbox.count() == 0


def test_a_not_connected_answer_keeps_the_scan_waiting(make_core, link, outbox):
    # The server did not look at the scan (it does not know this socket): not the scan's fault.
    core = make_core()
    link.wait_calls("hello", 1)
    link.scan_reply = lambda p: error_reply(ErrorCode.NOT_CONNECTED, "who are you?")
    core.submit_typed("A1")
    link.wait_calls("scan", 2)  # hello again, then the same scan again
    assert outbox.dead_count() == 0 and [scan.raw for scan in outbox.pending()] == ["A1"]
    link.scan_reply = lambda p: screen("pick", ok("OK: A1"))
    wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: A1")


# --- dead letters: a scan the server cannot take must not stop the floor -------------------

def dead_letter_text(code, reason, locale="fr"):
    return text("scan_dead_lettered", locale, code=code, reason=reason)


@pytest.mark.parametrize("code", [ErrorCode.BAD_REQUEST, ErrorCode.NOT_FOUND])
def test_a_refused_scan_is_set_aside_at_once_shown_red_and_the_next_one_goes_on(make_core, link, outbox, code):
    core = make_core()
    link.wait_calls("hello", 1)
    link.scan_reply = lambda p: (error_reply(code, "not this one") if p["raw"] == "A1"
                                 else screen("pack", ok(f"OK: {p['raw']}")))
    refused = core.submit_typed("A1")
    view = wait_screen(core, lambda v: v["message"] and v["message"]["code"] == "scan_dead_lettered")
    assert view["message"] == {"level": "error", "code": "scan_dead_lettered",
                               "text": dead_letter_text(code, "not this one")}
    assert view["state"] == "pick"  # the error answer is never drawn as a screen
    assert view["dead_scans"] == 1 and view["waiting_scans"] == 0
    (dead,) = outbox.dead_scans()
    assert (dead.uuid, dead.raw, dead.code, dead.attempts) == (refused.uuid, "A1", code, 1)
    core.submit_typed("B2")
    wait_screen(core, lambda v: v["state"] == "pack" and v["message"]["text"] == "OK: B2")
    assert raws(link) == ["A1", "B2"]  # refused once: sending it again cannot help


def test_a_dead_letter_is_reported_to_the_server_and_marked_reported(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.scan_reply = lambda p: error_reply(ErrorCode.BAD_REQUEST, "scan.raw too long")
    refused = core.submit_typed("A1")
    (_, report), = link.wait_calls("scan_dead_lettered", 1)
    assert report == {"uuid": refused.uuid, "raw": "A1", "reason": "bad_request: scan.raw too long", "attempts": 1}
    wait_screen(core, lambda v: v["dead_scans"] == 1)
    deadline = time.monotonic() + WAIT
    while outbox.unreported() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outbox.unreported() == [] and outbox.dead_scans()[0].reported


def test_a_dead_letter_the_server_did_not_acknowledge_is_sent_again_after_the_next_hello(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.replies["scan_dead_lettered"] = unavailable
    link.scan_reply = lambda p: (error_reply(ErrorCode.BAD_REQUEST, "bad") if p["raw"] == "A1"
                                 else screen("pick", ok(f"OK: {p['raw']}")))
    core.submit_typed("A1")
    link.wait_calls("scan_dead_lettered", 1)
    core.submit_typed("B2")  # the floor goes on; the report waits for the next hello
    wait_screen(core, lambda v: v["message"]["text"] == "OK: B2")
    assert len(link.events("scan_dead_lettered")) == 1 and len(outbox.unreported()) == 1
    link.replies["scan_dead_lettered"] = lambda p: {"ok": True}
    link.down()
    link.up()
    link.wait_calls("hello", 2)
    first, again = link.wait_calls("scan_dead_lettered", 2)
    assert first == again
    deadline = time.monotonic() + WAIT
    while outbox.unreported() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outbox.unreported() == []


def test_a_server_error_is_retried_then_set_aside_and_the_scan_behind_it_is_applied(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.scan_reply = lambda p: (error_reply(ErrorCode.SERVER_ERROR, "deadlock") if p["raw"] == "A1"
                                 else screen("pick", ok(f"OK: {p['raw']}")))
    core.submit_typed("A1")
    core.submit_typed("B2")
    wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: B2")
    assert raws(link) == ["A1"] * N + ["B2"]  # strict order: B2 waited behind A1's retries
    (dead,) = outbox.dead_scans()
    assert (dead.raw, dead.code, dead.reason, dead.attempts) == ("A1", "server_error", "deadlock", N)
    assert len(link.events("hello")) == 1  # retried on the same connection: nothing was offline


def test_a_server_error_that_clears_on_a_retry_is_applied_and_nothing_set_aside(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    answers = iter([error_reply(ErrorCode.SERVER_ERROR, "deadlock"), screen("pick", ok("OK: A1"))])
    link.scan_reply = lambda p: next(answers)
    core.submit_typed("A1")
    view = wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: A1")
    assert raws(link) == ["A1", "A1"] and outbox.dead_count() == 0 and view["dead_scans"] == 0


def test_a_busy_server_never_gets_a_scan_set_aside_however_long_it_stays_busy(make_core, link, outbox):
    """Overload (pool exhausted, a restart's storm) is not the scan's fault: it waits its turn,
    more times than it would take to set a failing scan aside, then is applied, in order."""
    core = make_core()
    link.wait_calls("hello", 1)
    answers = iter([error_reply(ErrorCode.BUSY, "database busy or unreachable, try again")] * (N + 2))
    link.scan_reply = lambda p: next(answers, None) or screen("pick", ok(f"OK: {p['raw']}"))
    core.submit_typed("A1")
    core.submit_typed("B2")
    view = wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: B2")
    assert raws(link) == ["A1"] * (N + 3) + ["B2"]
    assert outbox.dead_count() == 0 and view["dead_scans"] == 0 and not view["offline"]


def test_a_scan_the_server_never_acks_while_answering_hello_is_set_aside_and_the_next_applied(
        make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.silent_on = {"A1"}
    core.submit_typed("A1")
    core.submit_typed("B2")
    view = wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: B2")
    assert not view["offline"] and view["dead_scans"] == 1
    assert raws(link) == ["A1"] * N + ["B2"]
    # each silence is followed by a hello the server answers: that proves the scan was its failure
    assert [event for event, _ in link.events() if event in ("hello", "scan")] == ["hello", "scan"] * (N + 1)
    (dead,) = outbox.dead_scans()
    assert (dead.raw, dead.code, dead.attempts) == ("A1", "server_error", N)
    assert dead.reason == text("scan_no_answer", "fr")


@pytest.mark.parametrize("how", ["the link notices the drop", "a scan read meanwhile finds no server"])
def test_a_cut_network_never_sets_a_scan_aside_however_often_it_drops(make_core, link, outbox, how):
    core = make_core()
    link.wait_calls("hello", 1)
    link.cut_on = {"A1"}
    core.submit_typed("A1")
    read_meanwhile = []
    for cut in range(1, N + 2):
        link.wait_calls("scan", cut)  # A1 went out and the network died under it
        if how == "the link notices the drop":
            link.down()
        else:
            read_meanwhile.append(core.submit_typed(f"B{cut}").raw)  # its hello fails; it waits behind A1
        wait_screen(core, lambda v: v["offline"] and v["waiting_scans"] == 1 + len(read_meanwhile))
        if cut == N + 1:
            link.cut_on = set()
        link.up()  # the network is back: a new connection, hello answered, A1 sent again
    wait_screen(core, lambda v: not v["offline"] and v["waiting_scans"] == 0)
    assert outbox.dead_count() == 0
    assert raws(link) == ["A1"] * (N + 2) + read_meanwhile


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


def test_print_jobs_are_printed_and_reported(make_core, link, printer):
    core = make_core()
    link.wait_calls("hello", 1)
    job = {"job_id": 5, "kind": "shipping", "zpl": "^XA^FDCO-0000012^FS^XZ"}
    link.scan_reply = lambda p: screen("print_label", ok("pack_done"), print=[job])
    core.submit_typed("3761234000427")
    (_, result), = link.wait_calls("print_result", 1)
    assert result == {"job_id": 5, "ok": True, "error": ""}
    assert printer.jobs == [b"^XA^FDCO-0000012^FS^XZ"]
    wait_screen(core, lambda v: v["state"] == "idle" and v["message"]["text"] == "printed")


def test_paper_out_reports_failure_once_and_reprint_prints_the_same_job(make_core, link, printer):
    printer.status_value = PrinterStatus(online=True, paper_out=True)
    job = {"job_id": 9, "kind": "shipping", "zpl": "^XA^XZ"}
    failed = screen("print_label", {"level": "error", "code": "label_failed", "text": "paper"}, print=[job])
    link.replies["hello"] = lambda p: screen("print_label", print=[job])
    link.replies["print_result"] = lambda p: failed if not p["ok"] else screen("idle", ok("printed"))
    core = make_core()
    link.wait_calls("print_result", 1)
    view = wait_screen(core, lambda v: v["message"] and v["message"]["code"] == "label_failed")
    assert view["state"] == "print_label" and view["print"] == [{"job_id": 9, "kind": "shipping"}]
    assert link.events("print_result") == [("print_result", {"job_id": 9, "ok": False, "error": "paper_out"})]
    assert printer.jobs == []
    printer.status_value = PrinterStatus(online=True)
    core.reprint()
    results = link.wait_calls("print_result", 2)
    assert results[1][1] == {"job_id": 9, "ok": True, "error": ""}
    assert printer.jobs == [b"^XA^XZ"]


def test_an_unreachable_printer_is_reported_as_printer_offline(make_core, link, printer):
    printer.status_value = PrinterStatus(online=False, detail="no route")
    link.replies["hello"] = lambda p: screen("print_label", print=[{"job_id": 3, "kind": "shipping", "zpl": "^XA^XZ"}])
    link.replies["print_result"] = lambda p: screen("print_label")
    make_core()
    (_, result), = link.wait_calls("print_result", 1)
    assert result == {"job_id": 3, "ok": False, "error": "printer_offline"}


def test_a_label_printed_before_an_outage_is_reported_not_printed_again(make_core, link, printer):
    job = {"job_id": 4, "kind": "shipping", "zpl": "^XA^XZ"}
    link.replies["hello"] = lambda p: screen("print_label", print=[job])  # still pending server-side
    link.lose_ack_of = "print_result"
    core = make_core()
    link.wait_calls("print_result", 1)
    wait_screen(core, lambda v: v["offline"])  # online since hello, until the ack was lost
    assert printer.jobs == [b"^XA^XZ"]
    link.up()
    link.wait_calls("print_result", 2)
    wait_screen(core, lambda v: v["state"] == "idle")
    assert [p for _, p in link.events("print_result")] == [{"job_id": 4, "ok": True, "error": ""}] * 2
    assert printer.jobs == [b"^XA^XZ"]  # one label, not two


def test_an_idle_station_asks_for_work_when_told_tasks_are_waiting(make_core, link):
    link.replies["hello"] = lambda p: screen("idle")
    make_core()
    link.wait_calls("request_task", 1)  # after hello, as it is idle
    link.replies["request_task"] = lambda p: screen("pick", task={"id": 1, "kind": "pick"})
    link.on_tasks_waiting({"kind": "pick"})
    link.wait_calls("request_task", 2)


def test_an_idle_station_whose_request_for_work_failed_asks_again_by_itself(make_core, link):
    # After a server restart 200 stations ask at once; one answered "busy, try again" must not
    # stay idle until some new task happens to nudge it (bench/bench_storm.py found them so).
    link.replies["hello"] = lambda p: screen("idle")
    answers = iter([error_reply(ErrorCode.SERVER_ERROR, "database busy or unreachable, try again"),
                    screen("pick", task={"id": 1, "kind": "pick"})])
    link.replies["request_task"] = lambda p: next(answers)
    core = make_core()
    link.wait_calls("request_task", 2)  # no nudge, no scan, no key in between
    wait_screen(core, lambda v: v["state"] == "pick")


def test_a_busy_station_ignores_tasks_waiting(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    link.on_tasks_waiting({"kind": "pick"})
    core.submit_typed("A1")  # handled after the nudge, by the same worker
    link.wait_calls("scan", 1)
    assert link.events("request_task") == []


def test_printer_status_is_sent_after_hello(make_core, link, printer):
    printer.status_value = PrinterStatus(online=True, head_open=True)
    make_core()
    (_, status), *_ = link.wait_calls("printer_status", 1)
    assert status == {"online": True, "ready": False, "paper_out": False, "paused": False,
                      "head_open": True, "ribbon_out": False, "detail": ""}


def test_a_station_restarted_offline_replays_its_outbox(tmp_path, link, printer):
    path = str(tmp_path / "outbox.sqlite")
    first = Outbox(path)
    first.add("A1", None, "2026-11-24T10:00:00+00:00")
    first.add("B2", None, "2026-11-24T10:00:01+00:00")
    first.close()
    outbox = Outbox(path)
    core = StationCore(link, printer, outbox, station_code="PACK-01", retry_interval=0.1).start()
    try:
        link.wait_calls("scan", 2)
        assert raws(link) == ["A1", "B2"]
        assert [p["scanned_at"] for _, p in link.events("scan")][0] == "2026-11-24T10:00:00+00:00"
    finally:
        core.stop()
        outbox.close()


def test_stop_is_idempotent(make_core):
    core = make_core()
    core.stop()
    core.stop()


def test_the_station_imports_nothing_from_the_server():
    code = ("import sys, station.__main__, station.ui.server; "
            "print(sorted(m for m in sys.modules if m == 'server' or m.startswith('server.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_reprint_key_prints_the_last_label_again_once_it_shipped(make_core, link, printer):
    job = {"job_id": 6, "kind": "shipping", "zpl": "^XA^FDCO-0000012^FS^XZ"}
    link.replies["hello"] = lambda p: screen("print_label", print=[job], scenario="pack")
    link.replies["print_result"] = lambda p: screen("idle", ok("printed"), scenario="pack")
    core = make_core()
    link.wait_calls("print_result", 1)
    view = wait_screen(core, lambda v: v["state"] == "idle" and v.get("last_label"))
    assert view["print"] == []  # nothing pending any more: the key reprints the label kept here
    core.reprint()
    deadline = time.monotonic() + WAIT
    while len(printer.jobs) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert printer.jobs == [b"^XA^FDCO-0000012^FS^XZ"] * 2
    assert len(link.events("print_result")) == 1  # the server has nothing to record: shipped already
