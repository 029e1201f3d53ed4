"""Property tests: no scanner input may raise on its way from bytes to a CodeKind.

A raise in the framer or in identify() jams a station, so these feed them
arbitrary text, bytes, unicode (lone surrogates included), AIM identifiers,
digits and GS separators. `make test` runs a quick profile; set
COLIS_HYPOTHESIS_PROFILE=scan-long for a deeper run. `make fuzz` goes further.
"""
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.domain.scanning import CodeKind, ScannedCode, identify
from station.drivers.scanner import ScanFramer, ScanRead, ScanRejected, decode_line, split_aim_prefix

settings.register_profile(
    "scan-quick",
    max_examples=300,
    deadline=None,  # a slow CI machine must not turn into a failure
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("scan-long", parent=settings.get_profile("scan-quick"), max_examples=5_000)
PROFILE = settings.get_profile(os.environ.get("COLIS_HYPOTHESIS_PROFILE", "scan-quick"))

GS = "\x1d"
REJECT_REASONS = {"too_long", "control_chars", "incomplete", "not_text", "empty"}
# Real GS1 identifiers, others biip knows, and broken ones that made it raise.
AIM_IDS = ["]C1", "]e0", "]d2", "]Q3", "]E0", "]E3", "]E4", "]I1", "]J1", "]A0", "]Y9",
           "]x9", "]", "]C", "]1", "]]", "]é1", "]\x00"]
AI_FRAGMENTS = ["00", "01", "02", "10", "17", "21", "37", "4006381333931", "04006381333931",
                "106141411234567897", "260630", "LOT42", "https://id.gs1.org/01/", "http://["]

# Every code point, with lone surrogates, ASCII and C0 controls made frequent
# (drawn uniformly they would be lost among 1.1 million code points).
any_char = st.one_of(
    st.characters(exclude_categories=()),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
    st.characters(max_codepoint=0x7F, exclude_categories=()),
)


def texts(min_size=0, max_size=80):
    # lists + join, not st.text: st.text merges the alphabets into one range.
    return st.lists(any_char, min_size=min_size, max_size=max_size).map("".join)


any_text = texts()
any_bytes = st.binary(max_size=80)
decoded_bytes = st.builds(
    lambda data, errors: data.decode("utf-8", errors), any_bytes,
    st.sampled_from(["surrogateescape", "replace"]),
)
gs1_like = st.lists(
    st.one_of(st.sampled_from(AIM_IDS + AI_FRAGMENTS + [GS, " "]),
              st.text("0123456789", min_size=1, max_size=20)),
    max_size=8,
).map("".join)
aim_then_anything = st.builds(lambda aim, rest: aim + rest, st.sampled_from(AIM_IDS),
                              st.one_of(gs1_like, any_text))
scanned_text = st.one_of(any_text, decoded_bytes, gs1_like, aim_then_anything)
symbologies = st.one_of(st.none(), st.sampled_from(AIM_IDS), any_text,
                        st.from_regex(r"\][A-Za-z0-9][0-9A-Za-z]", fullmatch=True))


@PROFILE
@given(raw=scanned_text, symbology=symbologies)
def test_identify_never_raises_and_always_names_a_kind(raw, symbology):
    code = identify(raw, symbology)
    assert isinstance(code, ScannedCode)
    assert isinstance(code.kind, CodeKind)
    assert code.raw is raw
    assert (code.value == "") == (code.kind is CodeKind.UNKNOWN)


@PROFILE
@given(head=any_text, filler=st.sampled_from(["9", "0", "]", "é", "\ud800"]),
       length=st.integers(513, 100_000), tail=any_text, symbology=symbologies)
def test_identify_of_an_oversized_scan_is_unknown(head, filler, length, tail, symbology):
    raw = head + filler * length + tail
    assert identify(raw, symbology) == ScannedCode(CodeKind.UNKNOWN, "", raw)


@PROFILE
@given(text=scanned_text)
def test_split_aim_prefix_never_raises_and_loses_nothing(text):
    symbology, rest = split_aim_prefix(text)
    assert (symbology or "") + rest == text
    assert symbology is None or len(symbology) == 3


# Bytes a serial port may deliver: noise, UTF-8 of any text, scanner-like
# lines, with CR/LF sprinkled in so lines end at random places.
line_bytes = st.one_of(
    any_bytes,
    decoded_bytes.map(lambda s: s.encode("utf-8", "surrogateescape")),
    scanned_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
)
stream = st.lists(st.one_of(line_bytes, st.sampled_from([b"\r", b"\n", b"\r\n"])), max_size=12)
bursts = st.lists(st.tuples(stream.map(b"".join), st.floats(0, 1, allow_nan=False)), max_size=6)


@PROFILE
@given(bursts=bursts, max_line=st.integers(1, 80), incomplete_after=st.floats(0.01, 0.5))
def test_framer_never_raises_and_its_reads_fit_max_line_and_identify(bursts, max_line, incomplete_after):
    framer = ScanFramer(incomplete_after=incomplete_after, max_line=max_line)
    now = 0.0
    events = []
    for data, gap in bursts:
        now += gap
        events += framer.feed(data, now)
    events += framer.expire(now + 10)
    for event in events:
        assert isinstance(event, (ScanRead, ScanRejected))
        if isinstance(event, ScanRead):
            whole = ((event.symbology or "") + event.code).encode("utf-8")
            assert 0 < len(event.code) and len(whole) <= max_line
            assert "\r" not in event.code and "\n" not in event.code
            assert isinstance(identify(event.code, event.symbology).kind, CodeKind)  # end to end
        else:
            assert event.reason in REJECT_REASONS
            assert event.raw


@PROFILE
@given(lines=st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
                      max_size=8),
       terminator=st.sampled_from([b"\r", b"\n", b"\r\n"]),
       max_line=st.integers(1, 40),
       cuts=st.lists(st.integers(0, 400), max_size=6))
def test_framer_turns_each_line_of_one_burst_into_one_event(lines, terminator, max_line, cuts):
    # However the burst is cut into chunks, each non-empty line gives exactly
    # the event decode_line (or the length rule) gives it, in order.
    data = b"".join(line + terminator for line in lines)
    framer = ScanFramer(max_line=max_line)
    events = []
    start = 0
    for cut in sorted(set(cuts)) + [len(data)]:
        events += framer.feed(data[start:cut], 5.0)
        start = max(start, cut)
    expected = [ScanRejected(line[: max_line + 1], "too_long", 5.0) if len(line) > max_line
                else decode_line(line, 5.0) for line in lines if line]
    assert events == expected
