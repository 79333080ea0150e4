"""Readiness: whether each thing this process needs (database, Celery broker, cache, Redis, the feeds'
shared candidate pools) answers now.

Every check runs in its own thread against one shared deadline, so a dependency that hangs (a
half-open TCP connection, a stuck database) makes its part time out instead of hanging the probe, and
the slowest part, not the sum of them, bounds the answer. A check that times out may still finish in
its thread later; the sockets it opens carry the same timeout, so such threads do not pile up.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections

OK = "ok"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_registered: dict[str, tuple[Callable[[], None], Callable[[], bool]]] = {}


def readiness_check_register(name: str, check: Callable[[], None], *, when: Callable[[], bool]) -> None:
    """A part an app above this one needs (the feeds' shared pools): ``check`` raises when it is down;
    it is checked while ``when()`` says the part is in use."""
    _registered[name] = (check, when)


def readiness_checks(*, timeout: float) -> dict[str, str]:
    """Each part's name mapped to "ok" or the class name of the error it raised ("TimeoutError" when it
    did not answer within ``timeout`` seconds). Redis is checked only when the cache, the broker or the
    feed pools are on Redis; apps add their own parts (``readiness_check_register``)."""
    checks: dict[str, Callable[[], None]] = {
        "database": _check_database,
        "broker": lambda: _check_broker(timeout=timeout),
        "cache": _check_cache,
    }
    redis_urls = _redis_urls()
    if redis_urls:
        checks["redis"] = lambda: _check_redis(urls=redis_urls, timeout=timeout)
    checks.update((name, check) for name, (check, when) in _registered.items() if when())
    executor = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readiness")
    try:
        futures = {name: executor.submit(check) for name, check in checks.items()}
        wait(futures.values(), timeout=timeout)
        results: dict[str, str] = {}
        for name, future in futures.items():
            if not future.done():
                results[name] = "TimeoutError"
            elif (error := future.exception()) is not None:
                results[name] = type(error).__name__
            else:
                results[name] = OK
        return results
    finally:
        # Never wait for a hung check; its thread ends when its own socket timeout fires.
        executor.shutdown(wait=False, cancel_futures=True)


def _check_database() -> None:
    # This thread has its own connection: close it, or every probe would leave one open.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()


def _check_broker(*, timeout: float) -> None:
    from platform.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as broker:
        # kombu types the timeout as whole seconds; the thread's deadline bounds it exactly anyway.
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=math.ceil(timeout))


def _check_cache() -> None:
    key = f"readiness:{uuid.uuid4().hex}"
    cache.set(key, OK, timeout=10)
    try:
        if cache.get(key) != OK:
            raise LookupError("the cache did not return what was just written")
    finally:
        cache.delete(key)


def _redis_urls() -> list[str]:
    """The distinct Redis servers the cache and the broker use, in that order."""
    urls: list[str] = []
    default_cache = settings.CACHES["default"]
    if str(default_cache.get("BACKEND", "")).endswith("RedisCache"):
        location = default_cache.get("LOCATION", "")
        urls.extend(location.split(",") if isinstance(location, str) else location)
    urls.append(settings.CELERY_BROKER_URL)
    urls.append(settings.FEED_POOLS_URL)
    return list(dict.fromkeys(url.strip() for url in urls if url.strip().startswith(REDIS_SCHEMES)))


def _check_redis(*, urls: list[str], timeout: float) -> None:
    import redis

    for url in urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
