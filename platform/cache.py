"""The cache's settings: per process in development, Redis shared by every process in production.

On Redis the cache degrades instead of failing: an unreachable or slow Redis makes a cache read a miss
and a write a no-op within ``timeout`` seconds (django-redis's IGNORE_EXCEPTIONS), logged, never a 500.
What the cache holds can be lost: API throttles and try counters start again, the watched-words list and
the promotion snapshot are read from the database. /readyz says the cache is down meanwhile.
"""

from typing import Any

import environ

LOCAL: dict[str, Any] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "joyreel"}
REDIS_BACKEND = "django_redis.cache.RedisCache"


def cache_settings(url: str, *, timeout: float) -> dict[str, Any]:
    """``CACHES["default"]`` for ``url`` (``CACHE_URL``; empty: this process's memory)."""
    if not url:
        return dict(LOCAL)
    config: dict[str, Any] = environ.Env.cache_url_config(url)
    if config["BACKEND"] == REDIS_BACKEND:
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": timeout,
            "SOCKET_TIMEOUT": timeout,
        }
    return config


def cache_forget(key: str) -> None:
    """Drop a cached copy of rows being changed: now (this transaction's next read loads them again) and
    after the commit (a process that read the old rows meanwhile cached them again)."""
    from django.core.cache import cache  # here: this module is read by the settings
    from django.db import transaction

    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
