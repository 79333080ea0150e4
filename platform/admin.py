"""Admin for accounts and the audit log: what a moderator needs to find and act on people."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, ReadOnlyPasswordHashField, UserChangeForm
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from platform import age, services
from platform.models import AuditEntry, User


class AgeBandFilter(admin.SimpleListFilter):
    title = gettext_lazy("age band")
    parameter_name = "age_band"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(band.value, str(band.label)) for band in age.AgeBand]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User] | None:
        value = self.value()
        if not value:
            return None
        return queryset.filter(age.date_of_birth_lookup(band=age.AgeBand(value)))


class DateOfBirthCorrectionForm(forms.Form):
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Only an earlier date than the one stated (the person is older) is accepted."),
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.EVIDENCE_MAX_LENGTH,
        help_text=gettext_lazy("What shows the right date (e.g. the ID document checked, ticket number)."),
    )


class JoyreelUserCreationForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "display_name")


# Django stores permission names in English when it creates them; these say the four standard ones in the
# page's language (others through the catalogue, when their app marked the name with gettext_noop).
_PERMISSION_ACTIONS = {
    "add": gettext_lazy("Can add %(name)s"),
    "change": gettext_lazy("Can change %(name)s"),
    "delete": gettext_lazy("Can delete %(name)s"),
    "view": gettext_lazy("Can view %(name)s"),
}


def permission_label(permission: Permission) -> str:
    """ "app | model | what it allows", in the request's language."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action = _PERMISSION_ACTIONS.get(permission.codename.split("_", 1)[0])
    opts = model._meta
    if (
        action is not None
        and permission.codename == f"{permission.codename.split('_', 1)[0]}_{opts.model_name}"
    ):
        allows = str(action) % {"name": opts.verbose_name}
    else:
        allows = _(permission.name)
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {allows}"


class JoyreelUserChangeForm(UserChangeForm[User]):
    # Django's own help text here has no German translation yet.
    password = ReadOnlyPasswordHashField(
        label=gettext_lazy("Password"),
        help_text=gettext_lazy(
            "Raw passwords are not stored, so there is no way to see the user’s password."
        ),
    )

    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        permissions = self.fields.get("user_permissions")
        if isinstance(permissions, forms.ModelMultipleChoiceField):
            permissions.label_from_instance = permission_label  # type: ignore[method-assign,assignment]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = JoyreelUserChangeForm
    add_form = JoyreelUserCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "age_band_label", "country", "standing", "date_joined"]
    # A country is searched by its code ("=country"): a filter listing every country would make the page
    # thousands of pixels tall.
    list_filter = [AgeBandFilter, "is_verified_publisher", "is_private", "is_staff", "is_active"]
    search_fields = ["email", "display_name", "region", "=country"]
    search_help_text = gettext_lazy("Search by email, name, region (DE-BY) or country code (DE).")
    date_hierarchy = "date_joined"
    # Nobody edits a date of birth here: support corrects it through "Correct date of birth" (audited).
    readonly_fields = ["last_login", "date_joined", "age_band_label", "date_of_birth"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            gettext_lazy("Profile"),
            {"fields": ("display_name", "date_of_birth", "age_band_label", "country", "region")},
        ),
        (gettext_lazy("Trust"), {"fields": ("is_private", "is_verified_publisher", "language")}),
        (
            gettext_lazy("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )
    actions = ["verify_publishers", "unverify_publishers"]
    actions += ["correct_date_of_birth"]

    @admin.display(description=gettext_lazy("age band"))
    def age_band_label(self, obj: User) -> str:
        return str(obj.age_band.label)

    @admin.display(description=gettext_lazy("standing"))
    def standing(self, obj: User) -> str:
        """What sets this account apart, in words, in one column instead of a column of ticks for each."""
        now = timezone.now()
        words = []
        if not obj.is_active:
            words.append(_("deactivated"))
        if obj.suspended_until and obj.suspended_until > now:
            until = date_format(timezone.localtime(obj.suspended_until), "SHORT_DATE_FORMAT")
            words.append(_("suspended until %(date)s") % {"date": until})
        if obj.posting_suspended_until and obj.posting_suspended_until > now:
            until = date_format(timezone.localtime(obj.posting_suspended_until), "SHORT_DATE_FORMAT")
            words.append(_("may not post until %(date)s") % {"date": until})
        if obj.deletion_requested_at:
            words.append(_("deletion requested"))
        if obj.is_superuser:
            words.append(_("superuser"))
        elif obj.is_staff:
            words.append(_("staff"))
        if obj.is_verified_publisher:
            words.append(_("verified publisher"))
        if obj.is_private:
            words.append(_("private"))
        return ", ".join(words).capitalize() or "—"

    @admin.action(description=gettext_lazy("Verify as news publisher"), permissions=["change"])
    def verify_publishers(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_publisher(request, queryset, is_verified=True)

    @admin.action(description=gettext_lazy("Remove news publisher verification"), permissions=["change"])
    def unverify_publishers(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._set_publisher(request, queryset, is_verified=False)

    def _set_publisher(self, request: HttpRequest, queryset: QuerySet[User], *, is_verified: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)
        for user in queryset:
            services.user_set_verified_publisher(actor=actor, user=user, is_verified=is_verified)
        count = queryset.count()
        messages.success(
            request,
            ngettext("Updated %(count)d account.", "Updated %(count)d accounts.", count) % {"count": count},
        )

    @admin.action(
        description=gettext_lazy("Correct date of birth (to an earlier date, with evidence)"),
        permissions=["change"],
    )
    def correct_date_of_birth(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        if queryset.count() != 1:
            messages.error(request, _("Choose exactly one account to correct."))
            return None
        user = queryset.get()
        return HttpResponseRedirect(reverse("admin:platform_user_date_of_birth", args=[user.pk]))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:user_id>/date-of-birth/",
                self.admin_site.admin_view(self.date_of_birth_view),
                name="platform_user_date_of_birth",
            )
        ]
        return [*own, *super().get_urls()]

    def date_of_birth_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        actor = request.user
        assert isinstance(actor, User)
        if not self.has_change_permission(request):
            raise PermissionDenied
        user = get_object_or_404(User, pk=user_id)
        form = DateOfBirthCorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.user_date_of_birth_correct(actor=actor, user=user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("The date of birth of %(email)s is corrected.") % {"email": user.email}
                )
                return HttpResponseRedirect(reverse("admin:platform_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct the date of birth of %(email)s") % {"email": user.email},
            "subject": user,
            "form": form,
            "opts": self.model._meta,
        }
        return render(
            request,
            "admin/platform/user/date_of_birth_correct.html",
            context,
            status=400 if form.errors else 200,
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "actor__email", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


# --- sign-in security (django-axes) -------------------------------------------------------------------
# Axes's own admin lists the browser's whole user-agent string in every row, which pushes the table past a
# laptop's width; the lists here keep what tells one attempt from another (the user agent is on each row's
# page, and searchable).


def _axes_lists() -> None:
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, base in [
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ]:
        if not admin.site.is_registered(model):
            continue  # AXES_ENABLE_ADMIN is off
        display = [column for column in base.list_display if column != "user_agent"]
        admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (base,), {"list_display": display}))


_axes_lists()
