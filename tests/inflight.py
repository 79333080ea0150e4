"""Counts the requests the test server is handling, so browser tests can wait for them to finish.

A page that closes sends its last watch signals with ``navigator.sendBeacon``; if that request
is still writing when a transactional test flushes the database, PostgreSQL can deadlock the
TRUNCATE against the insert (seen in CI). Browser tests wait for the count to reach zero first.
"""

import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
_count = 0


class InFlightMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _count
        with _lock:
            _count += 1
        try:
            return self.get_response(request)
        finally:
            with _lock:
                _count -= 1


def wait_until_idle(*, grace: float = 0.5, timeout: float = 15.0) -> None:
    """Give late requests (beacons sent as a page closes) time to arrive, then wait for none to run."""
    time.sleep(grace)
    deadline = time.monotonic() + timeout
    while _count and time.monotonic() < deadline:
        time.sleep(0.05)
