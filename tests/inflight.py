"""Lets browser tests close the live server's door before the database is flushed.

A page that closes sends its last watch signals with ``navigator.sendBeacon``, and an open
studio page polls for processing states. If such a request writes while a transactional test
flushes the database, PostgreSQL deadlocks the TRUNCATE against it (seen in CI). So the e2e
teardown stops new requests from reaching Django (they get a 503 without touching the
database), waits for the ones already running, and opens the door again for the next test.
"""

import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
_state = {"running": 0, "open": True}


class InFlightMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with _lock:
            if not _state["open"]:
                return HttpResponse("The test is over.", status=503)
            _state["running"] += 1
        try:
            return self.get_response(request)
        finally:
            with _lock:
                _state["running"] -= 1


def close_and_wait(*, timeout: float = 15.0) -> None:
    """Refuse new requests, then wait for those already running to finish."""
    with _lock:
        _state["open"] = False
    deadline = time.monotonic() + timeout
    while _state["running"] and time.monotonic() < deadline:
        time.sleep(0.05)


def reopen() -> None:
    with _lock:
        _state["open"] = True
