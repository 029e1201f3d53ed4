"""The station's scale at the bench (issue 12): it weighs when the screen says ``weigh``, sends
the weight as the weigh key once, says a problem once in words, and stops when the screen moves."""
from __future__ import annotations

import threading
import time

from station.drivers.scale import ScaleError
from station.weighing import ScaleBench
from wire.texts import text


class ScriptedScale:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked = 0
        self.closed = False

    def weigh(self, timeout):
        self.asked += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        self.closed = True


def bench(scale, sent, shown):
    done = threading.Event()

    def submit(name, params):
        sent.append((name, params))
        done.set()
    return ScaleBench(scale, submit, lambda **local: shown.append(local), lambda: "en", pause=0.01).start(), done


def test_the_weight_is_sent_once_after_the_problems_are_said_once_each():
    sent, shown = [], []
    scale = ScriptedScale(ScaleError("busy"), ScaleError("busy"), ScaleError("underload"), 1_212)
    weighing, done = bench(scale, sent, shown)
    weighing.on_screen({"state": "weigh"})
    assert done.wait(5)
    weighing.stop()
    assert sent == [("weigh", {"grams": 1_212})]
    said = [local["message"]["text"] for local in shown]
    assert said == [text("scale_failed", "en", reason=text("scale.busy", "en")),
                    text("scale_failed", "en", reason=text("scale.underload", "en"))]
    assert scale.closed


def test_no_weighing_off_the_weigh_screen_and_it_stops_when_the_screen_moves():
    sent, shown = [], []
    scale = ScriptedScale(ScaleError("unstable"))
    weighing, _ = bench(scale, sent, shown)
    weighing.on_screen({"state": "pack"})
    assert scale.asked == 0
    weighing.on_screen({"state": "weigh"})
    deadline = time.monotonic() + 5
    while scale.asked < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    weighing.on_screen({"state": "print_label"})
    weighing.stop()
    asked = scale.asked
    assert sent == [] and asked >= 3
    assert len(shown) == 1  # one problem, said once


def test_a_status_change_is_shown_on_the_kiosk():
    shown = []
    weighing = ScaleBench(ScriptedScale(1), lambda *a: None, lambda **local: shown.append(local), lambda: "fr")
    from station.drivers.scale import ScaleStatus
    weighing.on_status(ScaleStatus(False, "/dev/ttyUSB1", "unplugged"))
    assert shown == [{"scale": {"connected": False, "port": "/dev/ttyUSB1", "detail": "unplugged"}}]


def test_the_next_parcel_is_weighed_only_after_the_last_one_left_the_pan():
    sent, shown = [], []
    scale = ScriptedScale(0, 700, 700, 700, 2, 610)  # empty pan, parcel 1 (still there), gone, parcel 2
    weighing, first = bench(scale, sent, shown)
    weighing.on_screen({"state": "weigh", "pack": {"weighed": 0}})
    assert first.wait(5)
    assert sent == [("weigh", {"grams": 700})]  # not the empty pan
    first.clear()
    weighing.on_screen({"state": "weigh", "pack": {"weighed": 1}})
    assert first.wait(5)
    weighing.stop()
    assert sent == [("weigh", {"grams": 700}), ("weigh", {"grams": 610})]


def test_a_next_parcel_set_down_before_the_screen_asked_is_still_taken():
    sent, shown = [], []
    scale = ScriptedScale(700, 640)  # parcel 1, then parcel 2 already swapped in
    weighing, done = bench(scale, sent, shown)
    weighing.on_screen({"state": "weigh", "pack": {"weighed": 0}})
    assert done.wait(5)
    done.clear()
    weighing.on_screen({"state": "weigh", "pack": {"weighed": 1}})
    assert done.wait(5)
    weighing.stop()
    assert sent == [("weigh", {"grams": 700}), ("weigh", {"grams": 640})]
