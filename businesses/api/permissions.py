"""Who may use the business API: logged-in adults only (the age policy decides)."""

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import permissions
from rest_framework.request import Request

from businesses.services import ADULTS_ONLY
from platform import age


class IsAdultBusinessUser(permissions.IsAuthenticated):
    message = gettext_lazy(ADULTS_ONLY)

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and age.policy_for_user(request.user).may_buy_promotions
