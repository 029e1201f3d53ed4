"""Property tests of ScanFramer in every framing (issue 12).

1. Arbitrary byte streams, cut anywhere, at any pace, never raise, and whatever
   comes out is well-formed.
2. Never glued: scans with noise between them (a pause between two trigger pulls,
   as on the floor) each come out exactly once, exactly as sent, in order; every
   other read is a piece of one noise burst, never two things joined.

COLIS_HYPOTHESIS_PROFILE=scan-long runs more examples (as tests/unit/test_scan_properties.py).
"""
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.drivers.scanner import FRAMINGS, GS, ScanFramer, ScanRead, ScanRejected

LONG = os.environ.get("COLIS_HYPOTHESIS_PROFILE") == "scan-long"
PROFILE = settings(max_examples=3_000 if LONG else 150, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow])

MAX_LINE = 64
QUIET = {"incomplete_after": 0.3, "char_timeout": 0.1}
PAUSE = 1.0   # between two trigger pulls: longer than any timeout
STEP = 0.001  # between two pieces of one burst
REASONS = {"too_long", "control_chars", "incomplete", "not_text", "empty"}
SUFFIXES = {"crlf": [b"\r\n", b"\r", b"\n"], "cr": [b"\r"], "lf": [b"\n"], "tab": [b"\t", b"\t\r\n"],
            "none": [b""]}

framings = st.sampled_from(FRAMINGS)
# Bytes that a scanner and line noise would send, terminators and GS included, weighted towards them.
noise_bytes = st.binary(max_size=90) | st.lists(
    st.sampled_from([b"\r", b"\n", b"\t", b"\x1d", b"]", b"E", b"0", b"9", b"\xff", b"\xc3", b"\x00"]),
    max_size=40).map(b"".join)


def cut(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:])]


def check_event(event, framing):
    assert isinstance(event, (ScanRead, ScanRejected))
    if isinstance(event, ScanRejected):
        assert event.reason in REASONS
        return
    assert event.code
    assert len(((event.symbology or "") + event.code).encode()) <= MAX_LINE
    assert not any(ch in "\r\n\t" for ch in event.code)
    assert all(ord(ch) >= 0x20 or ch == GS for ch in event.code)


@PROFILE
@given(framing=framings, data=noise_bytes, cuts=st.lists(st.integers(0, 200), max_size=12),
       gaps=st.lists(st.floats(0, 2.0, allow_nan=False), min_size=13, max_size=13))
def test_any_byte_stream_at_any_pace_never_raises_and_gives_well_formed_events(framing, data, cuts, gaps):
    framer = ScanFramer(framing=framing, max_line=MAX_LINE, **QUIET)
    now, events = 0.0, []
    for piece, gap in zip(cut(data, cuts), gaps):
        now += gap
        events += framer.feed(piece, now)
        if gap > 1.0:
            events += framer.expire(now)
    events += framer.expire(now + PAUSE) + framer.abandon(now + PAUSE)
    for event in events:
        check_event(event, framing)
    assert not framer.pending


code_text = st.text(alphabet="0123456789ABCDEFXYZ-./" + GS, min_size=1, max_size=40).filter(
    lambda code: code.strip(GS))  # a code is never only separators
scan_item = st.tuples(st.just("scan"), code_text, st.sampled_from([None, "]E0", "]C1", "]Q3", "]d2"]),
                      st.integers(0, 3))
noise_item = st.tuples(st.just("noise"), noise_bytes, st.none(), st.integers(0, 3))


@PROFILE
@given(framing=framings, items=st.lists(scan_item | noise_item, min_size=1, max_size=8),
       cuts=st.lists(st.integers(0, 200), max_size=6))
def test_scans_between_noise_come_out_once_each_exactly_as_sent_never_glued(framing, items, cuts):
    framer = ScanFramer(framing=framing, max_line=MAX_LINE, **QUIET)
    now, windows, events = 0.0, [], []
    for kind, body, symbology, suffix_pick in items:
        now += PAUSE
        if kind == "scan":
            suffixes = SUFFIXES[framing]
            data = ((symbology or "") + body).encode() + suffixes[suffix_pick % len(suffixes)]
        else:
            data = body
        start = now
        for piece in cut(data, cuts):  # one burst, split across reads like USB packets
            events += framer.feed(piece, now)
            now += STEP
        windows.append((start, now, kind, body, symbology))
    events += framer.expire(now + PAUSE)

    reads = [event for event in events if isinstance(event, ScanRead)]
    for event in events:
        check_event(event, framing)
    for start, end, kind, body, symbology in windows:
        inside = [read for read in reads if start <= read.at <= end]
        if kind == "scan":
            assert [(read.code, read.symbology) for read in inside] == [(body, symbology)]
        else:  # whatever noise yields is a piece of that noise alone
            for read in inside:
                assert ((read.symbology or "") + read.code).encode() in body
    assert sum(1 for read in reads if any(w[0] <= read.at <= w[1] for w in windows)) == len(reads)
