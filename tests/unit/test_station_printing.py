"""StationCore's labels: printed and reported once, paper out and reprint, an unreachable printer,
work asked for when tasks are waiting, the printer's state after hello, reprint after shipping."""

import time

from station.drivers import PrinterStatus
from wire.contract import ErrorCode, error_reply

from tests.stationkit import link, make_core, N, ok, outbox, printer, screen, WAIT, wait_screen  # noqa: F401 (fixtures)


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
