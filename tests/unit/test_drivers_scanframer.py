from station.drivers.scanner import ScanFramer, ScanRead, ScanRejected, split_aim_prefix


def feed_all(framer, *chunks, start=100.0, step=0.01):
    """Feed chunks a few ms apart, as one scanner burst would arrive."""
    events = []
    for i, chunk in enumerate(chunks):
        events += framer.feed(chunk, start + i * step)
    return events


def codes(events):
    return [e.code for e in events if isinstance(e, ScanRead)]


def test_terminators_cr_lf_and_crlf_count_once():
    events = feed_all(ScanFramer(), b"AAA\rBBB\nCCC\r\nDDD\r\n")
    assert codes(events) == ["AAA", "BBB", "CCC", "DDD"]
    assert all(isinstance(e, ScanRead) for e in events)


def test_crlf_split_across_chunks_is_one_terminator():
    events = feed_all(ScanFramer(), b"AAA\r", b"\nBBB\r", b"\n")
    assert events == [ScanRead("AAA", None, 100.0), ScanRead("BBB", None, 100.01)]


def test_empty_lines_are_ignored():
    assert feed_all(ScanFramer(), b"\r\n\n\r\r\nX\n") == [ScanRead("X", None, 100.0)]


def test_two_scans_in_one_chunk():
    assert codes(feed_all(ScanFramer(), b"4006381333931\r\n5901234123457\r\n")) == [
        "4006381333931",
        "5901234123457",
    ]


def test_scan_split_across_chunks():
    events = feed_all(ScanFramer(), b"40063", b"81333", b"931\r\n")
    assert events == [ScanRead("4006381333931", None, 100.02)]


def test_half_line_then_silence_is_rejected_and_next_scan_is_clean():
    framer = ScanFramer(incomplete_after=0.3)
    assert framer.feed(b"40063813", 10.0) == []
    assert framer.expire(10.2) == []  # still within the burst window
    assert framer.expire(10.5) == [ScanRejected(b"40063813", "incomplete", 10.5)]
    assert framer.feed(b"5901234123457\r\n", 11.0) == [ScanRead("5901234123457", None, 11.0)]


def test_stale_half_line_is_not_glued_even_without_expire_call():
    framer = ScanFramer(incomplete_after=0.3)
    framer.feed(b"BROKEN", 10.0)
    events = framer.feed(b"GOOD\r\n", 12.0)
    assert events == [
        ScanRejected(b"BROKEN", "incomplete", 12.0),
        ScanRead("GOOD", None, 12.0),
    ]


def test_expire_with_nothing_pending_is_quiet():
    framer = ScanFramer()
    assert framer.expire(1e9) == []
    framer.feed(b"A\r\n", 5.0)
    assert framer.expire(1e9) == []


def test_control_chars_are_rejected():
    events = feed_all(ScanFramer(), b"AB\x07CD\r\n", b"OK\r\n")
    assert events[0] == ScanRejected(b"AB\x07CD", "control_chars", 100.0)
    assert codes(events) == ["OK"]


def test_c1_control_chars_and_del_are_rejected():
    framer = ScanFramer()
    assert framer.feed("A\u0085B\r".encode(), 1.0)[0].reason == "control_chars"
    assert framer.feed(b"A\x7fB\r", 1.0)[0].reason == "control_chars"


def test_undecodable_bytes_are_not_text():
    (event,) = feed_all(ScanFramer(), b"\xff\xfe\x80abc\r\n")
    assert event == ScanRejected(b"\xff\xfe\x80abc", "not_text", 100.0)


def test_utf8_text_is_accepted():
    assert codes(feed_all(ScanFramer(), "CAFÉ-Ø1\r\n".encode())) == ["CAFÉ-Ø1"]


def test_too_long_is_rejected_and_the_rest_of_that_line_discarded():
    framer = ScanFramer(max_line=512)
    events = framer.feed(b"9" * 600 + b"\r\nNEXT\r\n", 1.0)
    assert len(events) == 2
    assert events[0].reason == "too_long"
    assert events[0].raw == b"9" * 513
    assert events[1] == ScanRead("NEXT", None, 1.0)


def test_exactly_max_length_is_accepted():
    (event,) = ScanFramer(max_line=512).feed(b"7" * 512 + b"\n", 1.0)
    assert event == ScanRead("7" * 512, None, 1.0)


def test_aim_prefix_is_stripped_and_reported():
    events = feed_all(ScanFramer(), b"]E04006381333931\r\n]Q3https://x.example/a\r\n")
    assert events == [
        ScanRead("4006381333931", "]E0", 100.0),
        ScanRead("https://x.example/a", "]Q3", 100.0),
    ]


def test_gs1_keeps_group_separator_inside_code():
    raw = b"]C1010950110153000310ABC123\x1d17260630\r\n"
    (event,) = ScanFramer().feed(raw, 1.0)
    assert event == ScanRead("010950110153000310ABC123\x1d17260630", "]C1", 1.0)


def test_aim_prefix_alone_is_rejected_as_empty():
    (event,) = ScanFramer().feed(b"]E0\r\n", 1.0)
    assert event == ScanRejected(b"]E0", "empty", 1.0)


def test_text_starting_with_bracket_but_not_aim_is_left_alone():
    assert split_aim_prefix("]]12") == (None, "]]12")
    assert split_aim_prefix("]e") == (None, "]e")
    assert split_aim_prefix("]d2XYZ") == ("]d2", "XYZ")


# --- framings: the read suffix the scanner is set to ---------------------------------------

import pytest  # noqa: E402

from station.drivers.scanner import FRAMINGS  # noqa: E402


def test_a_tab_suffix_is_lost_as_incomplete_with_the_default_framing_and_read_with_tab():
    default = ScanFramer()
    assert default.feed(b"4006381333931\t", 1.0) == []
    assert default.expire(2.0) == [ScanRejected(b"4006381333931\t", "incomplete", 2.0)]
    tab = ScanFramer(framing="tab")
    assert tab.feed(b"4006381333931\t", 1.0) == [ScanRead("4006381333931", None, 1.0)]


def test_tab_framing_takes_tab_then_crlf_as_one_suffix_and_keeps_aim_and_gs():
    events = feed_all(ScanFramer(framing="tab"), b"]E04006381333931\t\r\n", b"]C101095011015300031\x1d10AB\t")
    assert events == [ScanRead("4006381333931", "]E0", 100.0),
                      ScanRead("01095011015300031\x1d10AB", "]C1", 100.01)]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_cr_and_lf_end_a_read_in_every_framing(framing):
    assert codes(feed_all(ScanFramer(framing=framing), b"AAA\rBBB\nCCC\r\n")) == ["AAA", "BBB", "CCC"]


def test_no_suffix_a_read_ends_after_the_inter_character_timeout():
    framer = ScanFramer(framing="none", char_timeout=0.1)
    assert framer.feed(b"40063", 10.0) == []
    assert framer.feed(b"81333931", 10.05) == []  # the rest of the same burst: buffered
    assert framer.expire(10.12) == []  # 0.07 s since the last byte: not over yet
    assert framer.expire(10.2) == [ScanRead("4006381333931", None, 10.05)]  # stamped at its last byte
    assert framer.expire(11.0) == []


def test_no_suffix_two_scans_apart_are_two_reads_never_glued():
    framer = ScanFramer(framing="none", char_timeout=0.1)
    framer.feed(b"]E04006381333931", 10.0)
    events = framer.feed(b"5901234123457", 10.5)  # the next trigger pull, after silence
    assert events == [ScanRead("4006381333931", "]E0", 10.0)]
    assert framer.expire(11.0) == [ScanRead("5901234123457", None, 10.5)]


def test_no_suffix_noise_and_over_long_input_are_rejected_and_the_next_scan_is_clean():
    framer = ScanFramer(framing="none", char_timeout=0.1, max_line=16)
    framer.feed(b"\x07\x07AB", 1.0)
    assert framer.expire(2.0) == [ScanRejected(b"\x07\x07AB", "control_chars", 1.0)]
    (too_long,) = framer.feed(b"9" * 40, 3.0)
    assert (too_long.reason, too_long.raw) == ("too_long", b"9" * 17)
    assert framer.expire(4.0) == []  # the rest of the over-long burst is discarded
    framer.feed(b"GOOD", 5.0)
    assert framer.expire(6.0) == [ScanRead("GOOD", None, 5.0)]


def test_abandon_rejects_the_half_read_whatever_the_framing():
    for framing in FRAMINGS:
        framer = ScanFramer(framing=framing)
        framer.feed(b"HALF", 1.0)
        assert framer.abandon(1.01) == [ScanRejected(b"HALF", "incomplete", 1.01)]
        assert not framer.pending


def test_an_unknown_framing_or_a_zero_timeout_is_refused():
    with pytest.raises(ValueError, match="framing"):
        ScanFramer(framing="etx")
    with pytest.raises(ValueError):
        ScanFramer(framing="none", char_timeout=0)
