"""Counting requests per hour in the shared cache (settings.CACHES), for forms that send mail.

A fixed window: ``allow`` counts one request for ``key`` in the current period and says whether it is
still within ``limit``. The key is hashed, so e-mail addresses never stand in the cache in clear.
"""

import hashlib
import time

from django.core.cache import cache


def allow(scope, key, limit, period=3600):
    """Count a request of ``key`` (an address, an e-mail address) in ``scope``; False once over ``limit``."""
    window = int(time.time() // period)
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    cache_key = f"throttle:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=period):
        return 1 <= limit
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def seconds_left(period=3600):
    """Seconds until the current window ends (for a Retry-After header)."""
    return int(period - time.time() % period) + 1
