"""The returns desk's scenario without a database: find the parcel by any key, grade each
unit (resellable → scan the bin shown, damaged → quarantine), Done asks for the refund."""
from __future__ import annotations

import pytest

from server.domain.returns import ReturnNotAllowed, WantedLine, check_wanted, lookup_key, name_matches
from server.domain.scanning import identify
from server.domain.scenarios import Input, Session
from server.domain.scenarios.facts import ReturnFacts, ReturnLineFacts
from server.domain.scenarios.returns import INSPECT, RECEIVE
from tests.unit.test_domain_scenarios import LAMP, MUG, RECEIVED_AT, Floor, a_return, at
from wire.contract import Action, MessageLevel, ScreenState


def scan(code: str) -> Input:
    return Input.scan(identify(code))


def received(status: str = "received", grade: str | None = None) -> Floor:
    case = ReturnFacts(4, "RMA00000004", "CO-0000012", RECEIVED_AT, (ReturnLineFacts(51, LAMP, "Lampe", 2, grade),),
                       "station:RET-01", status)
    return Floor(returns={"RMA00000004": case})


def then(step) -> Session:
    return Session(step.scenario or INSPECT.name, step.state, step.context)


def test_scanning_a_return_label_receives_the_parcel_and_opens_its_inspection():
    step = RECEIVE.handle(RECEIVE.start(), scan("RMA00000004"), Floor(returns={"RMA00000004": a_return()}))
    assert (step.scenario, step.state, step.outcome) == (INSPECT.name, ScreenState.RETURN_INSPECT, "rma_found")
    assert step.context == {"return_id": 4}
    assert [e.kind for e in step.effects] == ["receive_return"]


def test_a_parcel_already_received_says_so_in_amber_with_when_and_by_whom():
    step = RECEIVE.handle(RECEIVE.start(), scan("RMA00000004"), received())
    assert step.say.level is MessageLevel.WARN and step.say.key == "rma_already_received"
    assert step.say.params == {"rma": "RMA00000004", "when": "20/11/2026 14:30 UTC", "who": "RET-01"}
    assert step.effects == ()


@pytest.mark.parametrize(("code", "outcome", "key"), [("RMA00000009", "rma_unknown", "rma_unknown"),
                                                      ("CO-0000099", "rma_unknown", "return_not_found"),
                                                      ("A-01-02-1", "not_an_rma", "not_an_rma")])
def test_the_desk_refuses_what_names_no_return(code, outcome, key):
    step = RECEIVE.handle(RECEIVE.start(), scan(code), Floor(returns={"RMA00000004": a_return()}))
    assert (step.outcome, step.say.key, step.state) == (outcome, key, ScreenState.RETURN_SCAN)
    assert step.say.level is MessageLevel.ERROR


def test_items_scanned_without_paperwork_are_kept_until_the_customers_name_is_typed():
    asked = []

    class Desk(Floor):
        def find_return(self, code, items=()):
            asked.append((code.raw, items))
            return a_return() if items else None

    first = RECEIVE.handle(RECEIVE.start(), scan(LAMP), Desk())
    assert first.context == {"items": [LAMP]} and first.say.params == {"n": 1}
    second = RECEIVE.handle(at(RECEIVE, ScreenState.RETURN_SCAN, **first.context), scan(MUG), Desk())
    found = RECEIVE.handle(at(RECEIVE, ScreenState.RETURN_SCAN, **second.context), scan("Dupré"), Desk())
    assert asked == [("Dupré", (LAMP, MUG))] and found.outcome == "rma_found"


def test_a_resellable_unit_goes_to_the_bin_shown_and_only_that_bin():
    floor = received()
    unit = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(LAMP), floor)
    assert unit.context == {"return_id": 4, "unit": 51} and unit.say.key == "return_grade_it"
    put = INSPECT.handle(then(unit), Input.action(Action.RESELLABLE), floor)
    assert put.context["put"] == {"line_id": 51, "bin": "A-01-02-1", "note": ""} and put.effects == ()
    assert INSPECT.handle(then(put), scan(MUG), floor).say.key == "return_put_first"
    wrong = INSPECT.handle(then(put), scan("B-09-09-1"), floor)
    assert wrong.say.key == "return_wrong_bin" and wrong.effects == ()
    stored = INSPECT.handle(then(put), scan("A-01-02-1"), floor)
    assert stored.outcome == "restocked" and stored.context == {"return_id": 4}
    assert [(e.kind, dict(e.params)) for e in stored.effects] == [
        ("grade_return_unit", {"return_id": 4, "line_id": 51, "grade": "resellable", "location": "A-01-02-1",
                               "note": ""})]


def test_a_damaged_unit_is_quarantined_at_once():
    floor = received()
    unit = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(LAMP), floor)
    damaged = INSPECT.handle(then(unit), Input.action(Action.DAMAGED), floor)
    assert damaged.outcome == "quarantined"
    assert [dict(e.params) for e in damaged.effects] == [{"return_id": 4, "line_id": 51, "grade": "damaged",
                                                          "note": ""}]


def test_a_note_typed_with_the_grade_is_kept_with_the_unit():
    floor = received()
    unit = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(LAMP), floor)
    damaged = INSPECT.handle(then(unit), Input.action(Action.DAMAGED, note="  pied\n cassé  "), floor)
    assert damaged.effects[0].params["note"] == "pied cassé"  # one line, spaces folded
    put = INSPECT.handle(then(unit), Input.action(Action.RESELLABLE, note="x" * 300), floor)
    stored = INSPECT.handle(then(put), scan("A-01-02-1"), floor)  # the note waits with the bin
    assert stored.effects[0].params["note"] == "x" * 200
    odd = INSPECT.handle(then(unit), Input.action(Action.DAMAGED, note=12), floor)
    assert odd.effects[0].params["note"] == ""  # not text: no note, the grade still counts


def test_a_grade_key_without_a_unit_in_hand_is_refused():
    step = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), Input.action(Action.DAMAGED),
                          received())
    assert step.say.key == "return_scan_item_first" and step.effects == ()


def test_an_item_not_on_the_return_and_one_too_many_are_refused():
    assert INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(MUG),
                          received()).outcome == "not_on_rma"
    every_unit_graded = received(grade="resellable")
    assert INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(LAMP),
                          every_unit_graded).outcome == "too_many"


def test_a_return_already_inspected_grades_nothing_more():
    step = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(LAMP), received("refunded"))
    assert step.say.level is MessageLevel.WARN and step.effects == ()


def test_done_asks_for_the_refund_and_stays_on_the_parcel_and_another_label_opens_the_next():
    floor = received()
    floor.returns["RMA00000005"] = ReturnFacts(5, "RMA00000005", "CO-0000013", None, ())
    done = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), Input.action(Action.DONE), floor)
    assert (done.state, done.say.key) == (ScreenState.RETURN_INSPECT, "inspection_done")
    assert [(e.kind, dict(e.params)) for e in done.effects] == [("finish_return", {"return_id": 4})]
    nxt = INSPECT.handle(then(done), scan("RMA00000005"), floor)
    assert nxt.context == {"return_id": 5} and nxt.outcome == "rma_found"
    assert INSPECT.actions(ScreenState.RETURN_INSPECT) == (Action.RESELLABLE, Action.DAMAGED, Action.EXTRA, Action.DONE)


def test_done_with_a_unit_waiting_for_its_bin_is_refused():
    session = at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4, put={"line_id": 51, "bin": "A-01-02-1"})
    step = INSPECT.handle(session, Input.action(Action.DONE), received())
    assert step.say.key == "return_put_first" and step.effects == ()


def test_an_inspection_of_a_return_that_is_gone_goes_back_to_the_desk():
    assert INSPECT.resume(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), Floor()) == RECEIVE.start()


# --- what a desk input is ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    ("rma00000042", "rma", "RMA00000042"), ("CO-0000042", "order", "42"), ("co-42", "order", "42"),
    ("42", "order", "42"), ("6A00000000042", "tracking", "6A00000000042"), ("la123456789fr", "tracking", "LA123456789FR"),
    ("(00)376123450000000018", "sscc", "376123450000000018"), ("376123450000000018", "sscc", "376123450000000018"),
    ("3761234000422", "item", LAMP), ("Élodie Dupré", "name", "Élodie Dupré")])
def test_the_desk_reads_every_kind_of_key(text, kind, value):
    assert lookup_key(text) == (kind, value) or (lookup_key(text).kind, lookup_key(text).value) == (kind, value)


@pytest.mark.parametrize("text", ["", "   ", "!!!", "x" * 201])
def test_nothing_usable_is_no_key(text):
    assert lookup_key(text) is None


def test_a_name_matches_without_case_or_accents_and_every_word_must_be_there():
    assert name_matches("dupre", "Élodie Dupré") and name_matches("ELODIE  dupré", "Élodie Dupré")
    assert not name_matches("Martin", "Élodie Dupré") and not name_matches("", "Élodie Dupré")


def test_wanted_lines_are_merged_and_checked_against_what_is_returnable():
    merged = check_wanted([WantedLine(1, 1, "wrong_size"), WantedLine(1, 1, "wrong_size"), WantedLine(2, 1, "damaged")],
                          {1: 2, 2: 1})
    assert merged == [WantedLine(1, 2, "wrong_size"), WantedLine(2, 1, "damaged")]
    for wanted, why in [([], "at least one"), ([WantedLine(1, 3, "late")], "only 2"),
                        ([WantedLine(1, 0, "late")], "above 0"), ([WantedLine(9, 1, "late")], "not on this order"),
                        ([WantedLine(1, 1, "bored")], "unknown return reason"),
                        ([WantedLine(1, 1, "late"), WantedLine(1, 2, "damaged")], "only 2")]:
        with pytest.raises(ReturnNotAllowed, match=why):
            check_wanted(wanted, {1: 2, 2: 1})


def test_an_item_of_the_order_not_on_the_return_can_be_accepted_as_an_extra():
    case = ReturnFacts(4, "RMA00000004", "CO-0000012", RECEIVED_AT, (ReturnLineFacts(51, LAMP, "Lampe", 2),),
                       "station:RET-01", "received", (LAMP, MUG))
    floor = Floor(returns={"RMA00000004": case})
    caught = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan(MUG), floor)
    assert caught.say.key == "return_not_on_rma_extra" and caught.context == {"return_id": 4, "stranger": MUG}
    accepted = INSPECT.handle(then(caught), Input.action(Action.EXTRA, reason="wrong_item"), floor)
    assert [(e.kind, dict(e.params)) for e in accepted.effects] == [
        ("add_extra_unit", {"return_id": 4, "gtin": MUG, "reason": "wrong_item"})]
    odd = INSPECT.handle(then(caught), Input.action(Action.EXTRA, reason="bored"), floor)
    assert odd.effects[0].params["reason"] == "other"
    nothing_in_hand = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), Input.action(Action.EXTRA),
                                     floor)
    assert nothing_in_hand.effects == () and nothing_in_hand.say.key == "return_scan_item_first"
    stranger = INSPECT.handle(at(INSPECT, ScreenState.RETURN_INSPECT, return_id=4), scan("03761234000446"), floor)
    assert stranger.say.key == "not_on_rma" and "stranger" not in stranger.context
