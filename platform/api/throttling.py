"""The API's throttle: DRF's scoped rate throttle, with the rates read from the settings at each request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import ScopedRateThrottle


class SettingsScopedRateThrottle(ScopedRateThrottle):
    """``ScopedRateThrottle`` binds ``DEFAULT_THROTTLE_RATES`` into the class when DRF is imported, so a
    settings override (a test's tighter rate, a benchmark lifting the signals rate) never reached it and
    callers patched the class or the views instead. This one asks the settings on every request; a scope
    whose rate is ``None`` is not throttled."""

    def get_rate(self) -> str | None:
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope.")
        rate: str | None = rates[self.scope]
        return rate
