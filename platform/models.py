"""Core models: the custom ``User`` (email log-in, date of birth, region), the audit log, and what trust and
safety keeps about people: notifications, blocks and mutes, watched words, family links, screen time, exports."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=50)
    date_of_birth = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("Asked at sign-up; staff accounts made on the command line may have none."),
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("region"),
        max_length=10,
        blank=True,
        help_text=_("ISO 3166-2 subdivision code, e.g. DE-BY; used by the Local feed."),
    )
    is_private = models.BooleanField(
        _("private account"),
        default=False,
        help_text=_("Only approved followers see a private account's profile and videos."),
    )
    is_verified_publisher = models.BooleanField(
        _("verified news publisher"),
        default=False,
        help_text=_("Verified publishers' videos may appear in the News feed."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    # Trust and safety. The age rules that read these are in ``platform.age``.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        help_text=_("IANA name; quiet hours and screen-time days follow it."),
    )
    is_restricted_mode = models.BooleanField(
        _("restricted mode"),
        default=False,
        help_text=_("Hides videos labelled mature or unverified and videos under review."),
    )
    daily_limit_minutes = models.PositiveSmallIntegerField(
        _("daily limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Daily screen-time limit; empty means the age band's default."),
    )
    screen_time_passcode = models.CharField(
        _("screen-time passcode"),
        max_length=128,
        blank=True,
        help_text=_("Hashed; lifts the day's limit when entered."),
    )

    class FollowPolicy(models.TextChoices):
        APPROVED = "approved", _("People I approve")
        NOBODY = "nobody", _("Nobody")
        EVERYONE = "everyone", _("Everyone")

    follow_policy = models.CharField(
        _("who may follow"),
        max_length=10,
        choices=FollowPolicy.choices,
        default=FollowPolicy.EVERYONE,
        help_text=_("Who may follow; a private account still approves each request."),
    )
    wants_email_notifications = models.BooleanField(_("email notifications"), default=False)
    # One of settings.LANGUAGES; empty follows the browser (the cookie, else Accept-Language). Pages,
    # emails and notifications to this person are in it (platform.middleware.AccountLanguageMiddleware,
    # platform.notifications.in_language_of).
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the language the browser asks for."),
    )
    posting_suspended_until = models.DateTimeField(
        _("posting suspended until"),
        null=True,
        blank=True,
        help_text=_("Set by three strikes in 90 days: no uploads or publishing until then."),
    )
    suspended_until = models.DateTimeField(
        _("suspended until"),
        null=True,
        blank=True,
        help_text=_("A suspended account can log in, read its notifications and appeal, and nothing else."),
    )
    deletion_requested_at = models.DateTimeField(
        _("deletion requested at"),
        null=True,
        blank=True,
        help_text=_("The account is deleted 14 days after this unless its owner logs in."),
    )
    email_confirmed_at = models.DateTimeField(
        _("email confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the owner opened the confirmation link sent to this address."),
    )
    time_zone_changed_at = models.DateTimeField(
        _("time zone changed at"),
        null=True,
        blank=True,
        help_text=_("A minor's time zone changes at most once a day."),
    )
    # The zone before the last change: the screen-time day in force then runs to its end in that zone
    # (``platform.age.screen_time_day``), so a change never reopens or cuts short a day.
    time_zone_before = models.CharField(_("time zone before"), max_length=64, blank=True)
    # Where and in which browser the account was made, so that a teen cannot pair with an account they
    # made themself (``platform.family``). The browser is a random id in a long-lived cookie, hashed.
    signup_address = models.GenericIPAddressField(_("sign-up address"), null=True, blank=True)
    signup_browser = models.CharField(_("sign-up browser"), max_length=64, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
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

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


# --- trust and safety: notifications, blocks, watched words, young users' protections, your data -------


class Notification(models.Model):
    """One message to a person, shown in their notification centre; written only through
    ``platform.notifications.notify``. Email goes out only to people who opted in, never in their quiet
    hours (``deliver_after``)."""

    class Kind(models.TextChoices):
        FOLLOW_REQUEST = "follow_request", _("Follow request")
        DECISION = "decision", _("Moderation decision")
        APPEAL = "appeal", _("Appeal outcome")
        REPORT_OUTCOME = "report_outcome", _("Report outcome")
        PAIRING = "pairing", _("Family pairing")
        ACCOUNT = "account", _("Account")
        # New comments on your video (one per video, counted), a reply to you, a mention of you.
        COMMENT = "comment", _("Comment")
        # A video of someone you follow went live (also a scheduled one, at its time).
        NEW_VIDEO = "new_video", _("New video")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(
        max_length=300, blank=True, help_text=_("A path on this site that the notification opens.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Outside quiet hours this is the creation time; inside them, the morning after.
    deliver_after = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_user_unread"
            ),
            models.Index(
                fields=["deliver_after"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_to_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id}: {self.title}"


class Block(models.Model):
    """``blocker`` blocked ``blocked``: neither sees the other anywhere, and the blocked cannot follow."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_reverse")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    """``muter`` does not see ``muted``'s videos; ``muted`` is not told and still sees ``muter``."""

    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(condition=~models.Q(muter=models.F("muted")), name="mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


class FamilyLink(models.Model):
    """A parent's link to a teen's account, made with a code the parent created and the teen entered."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_teens"
    )
    teen = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_link"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("teen")), name="family_link_not_self")
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} -> {self.teen_id}"


class PairingCode(models.Model):
    """A one-time code a parent hands to a teen; only its hash is kept, and it expires in minutes."""

    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"pairing code of {self.parent_id}"


class ScreenTimeDay(models.Model):
    """Seconds a person watched on one day of their own calendar, and whether the day's limit was
    lifted with the passcode (``extra_minutes`` more allowed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    seconds = models.FloatField(default=0.0)
    # Seconds of video the server sent that day (bytes served over each file's bytes per second): the
    # limit counts the larger of the two, so a player that reports nothing still runs out of time.
    served_seconds = models.FloatField(default=0.0)
    extra_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="screen_time_day_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.seconds:.0f}s"


def data_export_path(instance: DataExport, filename: str) -> str:
    return f"exports/{instance.token}.zip"


class DataExport(models.Model):
    """A ZIP of everything about one account, built by a Celery task; its link expires."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    token = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to=data_export_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.state})"
