"""The station's reconnect loop waits a jittered time after each failed connect, so 200
stations whose server restarts do not all knock at the same instants (issue 13)."""
import random

from station.link import ServerLink, backoff_delay


class ScriptedRandom(random.Random):
    """uniform(a, b) answers a fixed fraction of the way from a to b, and notes (a, b)."""

    def __init__(self, fraction: float):
        super().__init__(0)
        self.fraction, self.ranges = fraction, []

    def uniform(self, a, b):
        self.ranges.append((a, b))
        return a + (b - a) * self.fraction


class CountedStop:
    """Stands in for the link's stop event: records each wait, stops after `rounds`."""

    def __init__(self, rounds: int):
        self.rounds, self.waits = rounds, []

    def is_set(self) -> bool:
        return len(self.waits) >= self.rounds

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        return self.is_set()

    def set(self) -> None:
        self.rounds = 0


class ScriptedLink(ServerLink):
    """A link whose socket is up or down as scripted, look after look (down once the script ends)."""

    def __init__(self, ups: list[bool], **kwargs):
        super().__init__("http://127.0.0.1:9", "PICK-01", "token", retry_delay=0.5, retry_delay_max=5.0, **kwargs)
        self._ups = iter(ups)

    @property
    def connected(self) -> bool:
        return next(self._ups, False)


def run_loop(link: ServerLink, connect_results: list[bool], rounds: int | None = None) -> list[float]:
    attempts = iter(connect_results)
    link._try_connect = lambda: next(attempts)
    link._stop = stop = CountedStop(rounds or len(connect_results))
    link._keep_connected()
    return stop.waits


def test_each_wait_after_a_failed_connect_is_drawn_below_the_doubling_ceiling():
    rng = ScriptedRandom(0.25)
    link = ServerLink("http://127.0.0.1:9", "PICK-01", "token", retry_delay=0.5, retry_delay_max=5.0, rng=rng)
    try:
        waits = run_loop(link, [False] * 6)
    finally:
        link.close()
    # Without jitter the loop waited exactly 1, 2, 4, 5, 5, 5.
    assert rng.ranges == [(0.0, 1.0), (0.0, 2.0), (0.0, 4.0), (0.0, 5.0), (0.0, 5.0), (0.0, 5.0)]
    assert waits == [0.25, 0.5, 1.0, 1.25, 1.25, 1.25]


def test_a_successful_connect_starts_the_backoff_again_from_the_bottom():
    rng = ScriptedRandom(1.0)
    link = ServerLink("http://127.0.0.1:9", "PICK-01", "token", retry_delay=0.5, retry_delay_max=5.0, rng=rng)
    try:
        waits = run_loop(link, [False, False, False, True, False])
    finally:
        link.close()
    assert waits == [1.0, 2.0, 4.0, 0.5, 1.0]  # after the success: the poll, then the first ceiling


def test_after_a_drop_the_first_attempt_waits_a_jittered_moment_too():
    rng = ScriptedRandom(0.5)
    link = ScriptedLink([True, True, False, False, False, True], rng=rng)
    try:
        # up, up, dropped (wait), attempt fails (wait), attempt succeeds (poll), up (poll)
        waits = run_loop(link, [False, True], rounds=6)
    finally:
        link.close()
    assert rng.ranges == [(0.0, 0.5), (0.0, 1.0)]
    assert waits == [0.5, 0.5, 0.25, 0.5, 0.5, 0.5]


def test_the_link_alone_reconnects():
    # python-socketio's reconnect task would knock at the same instants (+-0.5 s) for every
    # station a crash dropped, and give up each attempt after a fixed 1 s (see backoff_delay).
    link = ServerLink("http://127.0.0.1:9", "PICK-01", "token")
    try:
        assert link._sio.reconnection is False
    finally:
        link.close()


def test_full_jitter_spreads_waits_over_the_whole_window_and_never_past_the_cap():
    rng = random.Random(13)
    for failures, ceiling in ((0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (10, 5.0), (5000, 5.0)):
        draws = [backoff_delay(failures, 0.5, 5.0, rng) for _ in range(2000)]
        assert all(0.0 <= d <= ceiling for d in draws)
        # Spread from near zero to near the ceiling, as 200 stations' waits must be.
        assert min(draws) < 0.05 * ceiling and max(draws) > 0.95 * ceiling
        assert 0.4 * ceiling < sum(draws) / len(draws) < 0.6 * ceiling


def test_two_links_without_an_injected_source_draw_different_waits():
    first = ServerLink("http://127.0.0.1:9", "PICK-01", "token")
    second = ServerLink("http://127.0.0.1:9", "PICK-02", "token")
    try:
        one = [backoff_delay(4, 0.5, 5.0, first._rng) for _ in range(5)]
        two = [backoff_delay(4, 0.5, 5.0, second._rng) for _ in range(5)]
    finally:
        first.close()
        second.close()
    assert one != two


def test_a_surprise_from_the_client_library_does_not_end_the_reconnect_loop():
    rng = ScriptedRandom(1.0)
    link = ServerLink("http://127.0.0.1:9", "PICK-01", "token", retry_delay=0.5, retry_delay_max=5.0, rng=rng)
    calls = []

    def connect(*args, **kwargs):
        calls.append(args)
        raise KeyError("sid")  # e.g. an OPEN packet without its sid, from a half-started server

    link._sio.connect = connect
    link._stop = stop = CountedStop(3)
    try:
        link._keep_connected()
    finally:
        link.close()
    assert len(calls) == 3 and stop.waits == [1.0, 2.0, 4.0]
