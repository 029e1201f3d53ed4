"""Which orders a wave releases, and how many auto-release tops up (plain Python)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from server.domain.leases import LeasePolicy, expired
from server.domain.waves import Candidate, missing, parse_keep_waiting, plan_wave, service_rank

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def test_the_nearest_cut_off_goes_first_then_service_level_then_priority_then_the_oldest():
    later_express = Candidate(1, NOON + timedelta(hours=2), "express", 0)
    noon_standard = Candidate(2, NOON, "standard", 5)
    noon_express = Candidate(3, NOON, "express", 0)
    noon_priority = Candidate(4, NOON, "priority", 1)
    noon_standard_older = Candidate(0, NOON, "standard", 5)
    everyone = [later_express, noon_standard, noon_express, noon_priority, noon_standard_older]
    assert plan_wave(everyone, 10) == [3, 4, 0, 2, 1]
    assert plan_wave(everyone, 2) == [3, 4]
    assert plan_wave(everyone, 0) == []


def test_an_unknown_service_level_ranks_with_standard():
    assert service_rank("express") < service_rank("priority") < service_rank("standard") == service_rank("eco")
    assert service_rank(None) == service_rank("standard")


@pytest.mark.parametrize("keep, waiting, released", [(None, 0, 0), (0, 0, 0), (5, 0, 5), (5, 3, 2), (5, 5, 0),
                                                     (5, 9, 0)])
def test_auto_release_releases_what_is_missing(keep, waiting, released):
    assert missing(keep, waiting) == released


@pytest.mark.parametrize("text, keep", [("all", None), ("off", 0), ("manual", 0), ("0", 0), (" 40 ", 40)])
def test_the_policy_as_typed(text, keep):
    assert parse_keep_waiting(text) == keep


@pytest.mark.parametrize("text", ["-1", "lots", "4.5", ""])
def test_a_policy_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_keep_waiting(text)


def test_a_lease_runs_out_at_its_time_and_none_never_does():
    policy = LeasePolicy(90)
    until = policy.expires(NOON)
    assert until == NOON + timedelta(seconds=90)
    assert not expired(until, NOON + timedelta(seconds=89))
    assert expired(until, until) and expired(until, until + timedelta(seconds=1))
    assert not expired(None, NOON + timedelta(days=365))


@pytest.mark.parametrize("seconds", [0, 4.9, -1, float("nan")])
def test_a_lease_too_short_to_survive_a_busy_network_is_refused(seconds):
    with pytest.raises(ValueError):
        LeasePolicy(seconds)
