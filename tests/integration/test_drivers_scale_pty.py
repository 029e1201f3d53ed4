"""A serial scale through a real pseudo-terminal (issue 12): MT-SICS questions and answers,
a continuous stream, answers split across reads, noise, and the scale unplugged and back."""
from __future__ import annotations

import threading

import pytest

from station.drivers.scale import ScaleError, SerialScale, Settle
from station.drivers.simulated import PtyScale


@pytest.fixture
def statuses():
    return []


def test_mt_sics_asks_s_and_reads_the_stable_weight_in_grams(statuses):
    with PtyScale(["S S      1.234 kg"]) as pty:
        scale = SerialScale(pty.device, "mt-sics", on_status=statuses.append)
        assert scale.weigh(timeout=3) == 1234
        assert pty.commands == ["S"]
        scale.close()
    assert [status.connected for status in statuses] == [True]


def test_busy_and_moving_answers_are_asked_again_until_stable_even_split_and_noisy():
    answers = ["S I", "S D      1.100 kg", "~#!noise", "S S      1.250 kg"]
    with PtyScale(answers, chunks=4) as pty:
        scale = SerialScale(pty.device, "mt-sics")
        assert scale.weigh(timeout=5) == 1250
        assert pty.commands == ["S", "S", "S", "S"]
        scale.close()


@pytest.mark.parametrize("answer, reason", [("S +", "overload"), ("S -", "underload"), ("ES", "syntax_error"),
                                            ("EL", "logical_error")])
def test_a_refusal_is_an_error_naming_why(answer, reason):
    with PtyScale([answer]) as pty:
        scale = SerialScale(pty.device, "mt-sics")
        with pytest.raises(ScaleError) as refused:
            scale.weigh(timeout=3)
        assert refused.value.reason == reason
        scale.close()


def test_a_scale_that_never_settles_times_out_as_unstable():
    with PtyScale(["S I"]) as pty:
        scale = SerialScale(pty.device, "mt-sics")
        with pytest.raises(ScaleError) as refused:
            scale.weigh(timeout=0.6)
        assert refused.value.reason == "busy"
        scale.close()


def test_continuous_output_settles_on_consecutive_stable_readings():
    with PtyScale() as pty:
        scale = SerialScale(pty.device, "continuous", settle=Settle(needed=3, tolerance=2))
        feeder = threading.Timer(0.2, pty.stream, ["US,GS,+  0.800kg", "ST,GS,+  1.2", "",  # half a line
                                                    "ST,GS,+  1.234kg", "garbage\x01", "ST,GS,+  1.235kg",
                                                    "ST,GS,+  1.236kg"])
        feeder.start()
        assert scale.weigh(timeout=5) == 1235
        feeder.join()
        scale.close()


def test_check_at_start_says_whether_the_scale_is_there(statuses, tmp_path):
    missing = SerialScale(str(tmp_path / "no-scale"), "mt-sics", on_status=statuses.append)
    assert missing.check() is False
    with PtyScale() as pty:
        present = SerialScale(pty.device, "mt-sics", on_status=statuses.append)
        assert present.check() is True and pty.commands == []  # opened, nothing asked
        present.close()
    assert [status.connected for status in statuses] == [False, True]


def test_an_unplugged_scale_is_reported_and_found_again_when_back(statuses, tmp_path):
    link = tmp_path / "scale"  # a udev-style symlink: the device may come back under another name
    first = PtyScale(["S S      0.500 kg"])
    link.symlink_to(first.device)
    scale = SerialScale(str(link), "mt-sics", on_status=statuses.append)
    assert scale.weigh(timeout=3) == 500
    first.close()  # unplugged
    with pytest.raises(ScaleError) as refused:
        scale.weigh(timeout=1)
    assert refused.value.reason == "disconnected"
    with pytest.raises(ScaleError):
        scale.weigh(timeout=1)  # still gone: the link points at nothing
    with PtyScale(["S S      0.750 kg"]) as second:
        link.unlink()
        link.symlink_to(second.device)
        assert scale.weigh(timeout=3) == 750
        scale.close()
    assert [(status.connected, status.port) for status in statuses] == [
        (True, str(link)), (False, str(link)), (True, str(link))]
