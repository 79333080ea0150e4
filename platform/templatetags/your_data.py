"""The "Your data" section of the account settings page, as an inclusion tag so the page's view stays as
it is: the latest export's state (preparing, a link with its expiry, expired) and the way to delete."""

from typing import Any

from django import template

from platform import account_deletion, personal_data
from platform.models import User

register = template.Library()


@register.inclusion_tag("platform/data_section.html", takes_context=True)
def your_data_section(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    assert isinstance(user, User)
    export = personal_data.data_export_latest(user=user)
    if (
        export is not None
        and export.state == export.State.READY
        and personal_data.data_export_for_download(user=user, token=export.token) is None
    ):
        export = None  # its link ran out a moment ago; the beat job will mark it
    return {
        "export": export,
        "deletion_due_at": account_deletion.deletion_due_at(user=user),
    }
