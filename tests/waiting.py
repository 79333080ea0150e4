"""One way for a test to wait for something: poll a condition until it holds, or fail saying what it awaited."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(condition: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.05) -> T:
    """Call ``condition`` until it returns something truthy and return that, or fail once ``timeout``
    seconds have passed, naming ``what`` was awaited. An error the condition raises (a process that
    died, a page that answered wrongly) fails the test at once, without waiting out the timeout. What it
    returns is never None, so a condition that answers "not yet" with None gives its found value's type."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(interval)
