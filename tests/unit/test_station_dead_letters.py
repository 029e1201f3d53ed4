"""StationCore's dead letters: a scan the server cannot take is set aside, shown red and reported,
so the next ones go on; a busy server or a cut network never sets a scan aside."""

import time

import pytest

from wire.contract import ErrorCode, error_reply
from wire.texts import text

from tests.stationkit import link, make_core, N, ok, outbox, printer, raws, screen, unavailable, WAIT, wait_screen  # noqa: F401 (fixtures)


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
