"""Rate limiting per token: over its allowance a token gets 429 with Retry-After; others go on."""

import pytest
from django.test import Client

from stepwise.api.services import token_create

from .conftest import Api


def test_a_token_over_its_limit_gets_429_and_another_token_does_not(nz_roster, monkeypatch):
    # Hold the clock 30 s into a minute, so the minute cannot turn over mid-test.
    monkeypatch.setattr("stepwise.api.ratelimit.time.time", lambda: 1_800_000_030.0)
    _, slow = token_create(
        organisation=nz_roster.organisation, name="Slow", created_by=None, rate_per_minute=3
    )
    _, other = token_create(organisation=nz_roster.organisation, name="Other", created_by=None)
    api, other_api = Api(Client(), slow), Api(Client(), other)
    statuses = [api.get("/api/v1/schools").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = api.get("/api/v1/schools")
    # 30 s to the next minute, then 20 s until the three weigh no more than two.
    assert refused["Retry-After"] == "50"
    assert refused.json()["detail"] == "this token may make 3 requests a minute; wait 50 s"
    assert other_api.get("/api/v1/schools").status_code == 200


def test_the_limit_slides_so_a_burst_across_the_turn_of_a_minute_is_not_doubled(nz_roster):
    from stepwise.api.ratelimit import RateLimited, rate_check

    token, _ = token_create(
        organisation=nz_roster.organisation, name="Burst", created_by=None, rate_per_minute=10
    )
    minute = 1_800_000_000.0  # the start of a clock minute

    def admitted(at: float, tries: int) -> int:
        count = 0
        for _ in range(tries):
            try:
                rate_check(token, now=at)
                count += 1
            except RateLimited:
                pass
        return count

    # Ten just before the minute turns, then ten just after: a clock-minute counter let all
    # twenty through within one second.
    assert admitted(minute + 59.5, 10) == 10
    assert admitted(minute + 60.5, 10) == 0
    # Just over half a minute on, under half of the earlier ten still weigh: five more fit.
    assert admitted(minute + 90.5, 10) == 5
    # A minute after the burst, only the five from 90.5 s weigh (about 4.9 of them): five fit.
    assert admitted(minute + 120.5, 10) == 5


def test_a_refused_request_is_told_when_the_next_one_fits(nz_roster):
    from stepwise.api.ratelimit import RateLimited, rate_check

    token, _ = token_create(
        organisation=nz_roster.organisation, name="Minute", created_by=None, rate_per_minute=2
    )
    start = 1_800_000_000.0  # the start of a clock minute
    rate_check(token, now=start)
    rate_check(token, now=start + 10)
    with pytest.raises(RateLimited) as refused:
        rate_check(token, now=start + 20)
    # Next minute the two weigh 2 * (1 - t/60); one more fits when that is at most 1: t = 30.
    assert refused.value.retry_after == 40 + 30
    with pytest.raises(RateLimited):
        rate_check(token, now=start + 61)
    rate_check(token, now=start + 90)  # what the refusal said


def test_refusals_are_not_counted_so_a_knocking_client_gets_in_when_the_window_allows(nz_roster):
    from stepwise.api.ratelimit import RateLimited, rate_check

    token, _ = token_create(
        organisation=nz_roster.organisation, name="Knock", created_by=None, rate_per_minute=1
    )
    start = 1_800_000_000.0
    rate_check(token, now=start)
    for second in range(1, 60):
        with pytest.raises(RateLimited):
            rate_check(token, now=start + second)
    rate_check(token, now=start + 120)
