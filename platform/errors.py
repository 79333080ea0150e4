"""The domain errors services raise, each meaning one answer to the user; the API maps them to HTTP.

Services stay free of HTTP: they raise these (or Django's ``ValidationError``),
and ``platform.api.exception_handlers`` turns each into one status and one error
shape. Subclassing ``ValidationError`` keeps forms and the admin able to show
them as ordinary validation messages.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from platform.screen_time import ScreenTimeStatus


class TooLarge(ValidationError):
    """The input is bigger than the site accepts (HTTP 413)."""


class Conflict(ValidationError):
    """The request does not fit the current state of the thing it changes (HTTP 409).

    ``context`` carries what the client needs to recover (e.g. where to resume)."""

    def __init__(self, message: Any, *, context: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.context = context or {}


class NotFound(Exception):
    """The thing does not exist, or the requester may not see it; both look the same (HTTP 404)."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)
        self.message = message


class UpstreamError(Exception):
    """A service we call (the payment provider) failed or refused: HTTP 502, or 402 when it declined
    the payer's card. ``message`` is safe to show to the person."""

    def __init__(self, message: str, *, code: str = "", is_declined: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.is_declined = is_declined


class RateLimited(Exception):
    """The requester did this too often (HTTP 429)."""

    def __init__(self, message: str, *, retry_after_seconds: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_seconds = retry_after_seconds


class ScreenTimeLocked(Exception):
    """Today's screen-time limit is reached: no more videos until tomorrow or the passcode (HTTP 403).

    Not 429: that asks a client to retry after a while, and retrying changes nothing here; the person
    (or their parent's passcode) must act. ``status`` is the day's ``ScreenTimeStatus`` for the answer."""

    code = "screen_time_locked"

    def __init__(self, message: str, *, status: "ScreenTimeStatus") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
