"""The community guidelines a report names and a decision rests on: one list, used by reports, statements of
reasons and the transparency figures."""

from django.db import models


class Guideline(models.TextChoices):
    SPAM = "spam", "Spam or scam"
    MISINFORMATION = "misinformation", "False information"
    HARASSMENT = "harassment", "Harassment or hate"
    DANGEROUS = "dangerous", "Dangerous acts"
    SEXUAL = "sexual", "Sexual content"
    MINOR_SAFETY = "minor_safety", "Child safety"
    OTHER = "other", "Something else"


def guideline_anchor(guideline: str) -> str:
    """The fragment of the guidelines page that explains ``guideline``."""
    return f"#guideline-{guideline}"
