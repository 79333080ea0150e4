"""Writes of the businesses app, one module per concern; import them from here.

- ``profiles``: business profiles and their verification
"""

from businesses.services.profiles import (
    ADULTS_ONLY,
    business_profile_create,
    business_profile_update,
    business_profile_verify,
    business_user_check,
)

__all__ = [
    "ADULTS_ONLY",
    "business_profile_create",
    "business_profile_update",
    "business_profile_verify",
    "business_user_check",
]
