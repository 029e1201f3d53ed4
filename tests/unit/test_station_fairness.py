"""Each station's share of the server (server/api/station_fairness.py; docs/security.md, "Floods"):
a token bucket answering busy, a station that ignores busy cut off for a while. The clock is a
counter the test moves, never the time."""
from __future__ import annotations

from server.api.station_fairness import StationBucket


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_station_has_its_burst_then_its_rate_and_the_others_keep_theirs():
    clock = Clock()
    bucket = StationBucket(rate=10, burst=4, clock=clock)
    assert [bucket.take(1) for _ in range(5)] == [True] * 4 + [False]
    assert bucket.take(2)  # another station's bucket is its own
    clock.now += 0.1  # one token back at 10 a second
    assert bucket.take(1) and not bucket.take(1)
    clock.now += 60  # never more than the burst
    assert [bucket.take(1) for _ in range(5)] == [True] * 4 + [False]


def test_a_rate_of_zero_is_no_limit():
    bucket = StationBucket(rate=0, burst=1, drop_after=1, clock=Clock())
    assert all(bucket.take(1) for _ in range(1000))
    assert not bucket.ignores_busy(1)


def test_a_station_pausing_after_busy_as_stations_do_is_never_taken_for_a_flooder():
    """The station agent waits a second after busy (station/core.py): the count starts again."""
    clock = Clock()
    bucket = StationBucket(rate=20, burst=40, drop_after=20, clock=clock)
    for _ in range(100):  # a long outbox replayed: one scan per ack, a second's pause after busy
        while bucket.take(1):
            pass
        assert not bucket.ignores_busy(1)
        clock.now += 1.0


def test_a_station_sending_on_through_busy_is_cut_off_for_the_cool_off_then_let_back():
    clock = Clock()
    bucket = StationBucket(rate=1, burst=2, drop_after=3, cool_off=10, clock=clock)
    assert bucket.take(7) and bucket.take(7)
    refused = [bucket.take(7) for _ in range(3)]
    assert refused == [False] * 3 and bucket.ignores_busy(7)
    bucket.cool_off(7, "PICK-07")
    assert bucket.cooling("PICK-07") and not bucket.cooling("PICK-08")
    assert not bucket.ignores_busy(7)  # counted again from its next socket
    clock.now += 10
    assert not bucket.cooling("PICK-07")
    assert bucket.take(7)  # refilled meanwhile


def test_an_accepted_event_ends_a_run_of_busy_answers():
    clock = Clock()
    bucket = StationBucket(rate=1, burst=1, drop_after=3, clock=clock)
    assert bucket.take(1)
    assert not bucket.take(1) and not bucket.take(1)
    clock.now += 1
    assert bucket.take(1)
    assert not bucket.take(1) and not bucket.take(1)
    assert not bucket.ignores_busy(1)
