"""Rate limiting per token: at most `ApiToken.rate_per_minute` requests in any 60 seconds.

The window slides: the count is this clock minute's admitted requests plus the previous
minute's, weighted by how much of it still lies within the last 60 seconds (the sliding
window counter). A client cannot get twice its allowance by straddling the turn of a
minute, as it could when the count reset at each clock minute.

Counted in Django's cache with atomic increments. Several server processes need one
shared cache (Redis, set by REDIS_URL) for the limit to be exact; the embedded default
is a per-process cache, which is why the production command runs a single web process
without Redis. A refused request is taken off the count again, so a client that keeps
knocking while refused is let in as soon as the window allows.
"""

import math
import time

from django.core.cache import cache

from .models import ApiToken

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"more than {limit} requests a minute")
        self.limit = limit
        self.retry_after = retry_after


def _key(token: ApiToken, window: int) -> str:
    return f"api-rate:{token.prefix}:{window}"


def _admit(key: str) -> int:
    """Count one request in this window and return the window's count with it."""
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, WINDOW_SECONDS * 2)
        return cache.incr(key)


def retry_after_seconds(limit: int, previous: int, current: int, elapsed: float) -> int:
    """Seconds until one more request fits, given this and the last window's counts."""
    if current >= limit:
        # Wait for the next window, then for the (new) previous window's weight to fall.
        rest = WINDOW_SECONDS - elapsed
        return max(1, math.ceil(rest + WINDOW_SECONDS * (1 - (limit - 1) / current)))
    # previous * (1 - t / WINDOW) + current <= limit - 1, solved for t.
    needed = WINDOW_SECONDS * (1 - (limit - 1 - current) / previous)
    return max(1, math.ceil(needed - elapsed))


def rate_check(token: ApiToken, now: float | None = None) -> None:
    """Count a request for the token; raise RateLimited once the last 60 s hold its allowance."""
    now = time.time() if now is None else now
    window, elapsed = divmod(now, WINDOW_SECONDS)
    window = int(window)
    limit = token.rate_per_minute
    previous = cache.get(_key(token, window - 1), 0)
    key = _key(token, window)
    current = _admit(key)
    carried = previous * (1 - elapsed / WINDOW_SECONDS)
    if current + carried > limit:
        cache.decr(key)
        raise RateLimited(limit, retry_after_seconds(limit, previous, current - 1, elapsed))
