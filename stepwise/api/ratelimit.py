"""Rate limiting per token: at most `ApiToken.rate_per_minute` requests in a clock minute.

Counted in Django's cache, so with several server processes each needs the same
cache (a shared one such as Redis or the database cache) for the limit to be exact;
with the default local-memory cache each process counts on its own.
"""

import time

from django.core.cache import cache

from .models import ApiToken

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"more than {limit} requests a minute")
        self.limit = limit
        self.retry_after = retry_after


def rate_check(token: ApiToken, now: float | None = None) -> None:
    """Count a request for the token; raise RateLimited once its minute's allowance is used."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{token.prefix}:{window}"
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS * 2)
        count = 1
    if count > token.rate_per_minute:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
        raise RateLimited(token.rate_per_minute, retry_after)
