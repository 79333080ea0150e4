"""Site pages of the core app, one module per concern; ``platform.urls`` and other apps import them from here.

- ``pages``: favicon, guidelines, sign-up, log-in, health check
- ``account``: settings, email confirmation, screen time, blocks and mutes
- ``inbox``: the notification centre
- ``family_pages``: family pairing
- ``your_data``: download your data, delete the account
"""

from platform.views.account import (
    account_screen_time_settings,
    account_settings,
    block_remove,
    email_confirm,
    email_confirmation_resend,
    mute_remove,
    screen_time_summary,
    screen_time_unlock,
)
from platform.views.common import form_add_service_errors, service_call
from platform.views.family_pages import (
    family_code_create,
    family_link,
    family_link_confirm,
    family_page,
    family_teen_passcode,
    family_teen_settings,
    family_unlink,
)
from platform.views.inbox import (
    NOTIFICATIONS_PER_PAGE,
    notification_open,
    notifications_mark_all_read,
    notifications_page,
)
from platform.views.language import language_set
from platform.views.pages import (
    AGE_GATE_COOKIE,
    AGE_GATE_SALT,
    LoginView,
    favicon,
    guidelines,
    healthz,
    login_locked_out,
    readyz,
    signup,
    signup_block,
    signup_is_blocked,
)
from platform.views.your_data import account_delete, data_export_download, data_export_start

__all__ = [
    "AGE_GATE_COOKIE",
    "AGE_GATE_SALT",
    "NOTIFICATIONS_PER_PAGE",
    "LoginView",
    "account_delete",
    "account_screen_time_settings",
    "account_settings",
    "block_remove",
    "data_export_download",
    "data_export_start",
    "email_confirm",
    "email_confirmation_resend",
    "family_code_create",
    "family_link",
    "family_link_confirm",
    "family_page",
    "family_teen_passcode",
    "family_teen_settings",
    "family_unlink",
    "favicon",
    "form_add_service_errors",
    "guidelines",
    "healthz",
    "language_set",
    "login_locked_out",
    "mute_remove",
    "notification_open",
    "notifications_mark_all_read",
    "notifications_page",
    "readyz",
    "screen_time_summary",
    "screen_time_unlock",
    "service_call",
    "signup",
    "signup_block",
    "signup_is_blocked",
]
