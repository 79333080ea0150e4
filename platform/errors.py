"""The domain errors services raise, each meaning one answer to the user; the API maps them to HTTP.

Services stay free of HTTP: they raise these (or Django's ``ValidationError``),
and ``platform.api.exception_handlers`` turns each into one status and one error
shape. Subclassing ``ValidationError`` keeps forms and the admin able to show
them as ordinary validation messages.

Each error carries a machine-readable code: the one the service gave
(``ValidationError("...", code="offset")``), else its class's default in
``ERROR_CODES``. Clients (our JavaScript included) branch on the code, never on
the English message, so messages may be reworded and translated freely.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

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

    def __init__(self, message: str | None = None) -> None:
        message = message if message is not None else gettext("Not found.")
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


# The default code of each error class; the API's body carries it when the service gave none. Stable:
# clients depend on these strings, so add new ones, never rename.
ERROR_CODES: dict[type[Exception], str] = {
    TooLarge: "too_large",
    Conflict: "conflict",
    ValidationError: "invalid",
    NotFound: "not_found",
    RateLimited: "rate_limited",
    ScreenTimeLocked: ScreenTimeLocked.code,
    UpstreamError: "upstream_error",
}
PAYMENT_DECLINED = "payment_declined"


def error_code(error: Exception) -> str:
    """The code a client reads for ``error``: its own (a ``ValidationError``'s ``code=``), else its class's.

    A declined card is ``payment_declined`` and any other upstream failure ``upstream_error``: the
    provider's own codes stay on ``UpstreamError.code`` for logs, not for clients."""
    if isinstance(error, UpstreamError):
        return PAYMENT_DECLINED if error.is_declined else ERROR_CODES[UpstreamError]
    own = getattr(error, "code", None) if isinstance(error, ValidationError) else None
    if isinstance(own, str) and own:
        return own
    for kind in type(error).__mro__:
        if kind in ERROR_CODES:
            return ERROR_CODES[kind]
    return "error"
