"""Core models: the custom ``User`` (email log-in, date of birth, region) and the audit log."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries.fields import CountryField

from platform import age


def email_normalize(email: str) -> str:
    """The one spelling of an address that is stored and looked up."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=email_normalize(username or ""))

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=email_normalize(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    display_name = models.CharField(max_length=50)
    date_of_birth = models.DateField(
        null=True,
        blank=True,
        help_text="Asked at sign-up; staff accounts made on the command line may have none.",
    )
    country = CountryField(blank=True)
    region = models.CharField(
        max_length=10,
        blank=True,
        help_text="ISO 3166-2 subdivision code, e.g. DE-BY; used by the Local feed.",
    )
    is_private = models.BooleanField(
        default=False,
        help_text="Only approved followers see a private account's profile and videos.",
    )
    is_verified_publisher = models.BooleanField(
        "verified news publisher",
        default=False,
        help_text="Verified publishers' videos may appear in the News feed.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                # With this, the plain unique index is also case-insensitive.
                condition=models.Q(email=Lower("email")),
                name="user_email_stored_lowercase",
            ),
        ]
        indexes = [models.Index(fields=["country", "region"], name="user_country_region")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = email_normalize(self.email)

    @property
    def age_band(self) -> age.AgeBand:
        return age.age_band(date_of_birth=self.date_of_birth)

    @property
    def age_policy(self) -> age.AgePolicy:
        return age.policy_for(date_of_birth=self.date_of_birth)

    def age_on(self, on: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        return age.age_on(date_of_birth=self.date_of_birth, on=on)


class AuditEntry(models.Model):
    """One money or moderation action, kept forever; written only through ``audit_record``."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
