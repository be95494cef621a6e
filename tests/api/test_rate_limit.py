"""Rate limiting per token: over its allowance a token gets 429 with Retry-After; others go on."""

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
    assert refused["Retry-After"] == "30"
    assert refused.json()["detail"] == "this token may make 3 requests a minute; wait 30 s"
    assert other_api.get("/api/v1/schools").status_code == 200


def test_the_limit_counts_per_clock_minute(nz_roster):
    from stepwise.api.ratelimit import RateLimited, rate_check

    token, _ = token_create(
        organisation=nz_roster.organisation, name="Minute", created_by=None, rate_per_minute=2
    )
    start = 1_800_000_000.0  # the start of a clock minute
    rate_check(token, now=start)
    rate_check(token, now=start + 10)
    try:
        rate_check(token, now=start + 20)
    except RateLimited as e:
        assert e.retry_after == 40
    else:
        raise AssertionError("the third request in a minute was allowed")
    rate_check(token, now=start + 61)  # a new minute
