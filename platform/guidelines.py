"""The community guidelines a report names and a decision rests on: one list, used by reports, statements of
reasons and the transparency figures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Guideline(models.TextChoices):
    SPAM = "spam", _("Spam or scam")
    MISINFORMATION = "misinformation", _("False information")
    HARASSMENT = "harassment", _("Harassment or hate")
    DANGEROUS = "dangerous", _("Dangerous acts")
    SEXUAL = "sexual", _("Sexual content")
    MINOR_SAFETY = "minor_safety", _("Child safety")
    OTHER = "other", _("Something else")


def guideline_anchor(guideline: str) -> str:
    """The fragment of the guidelines page that explains ``guideline``."""
    return f"#guideline-{guideline}"
