"""Everything Joyreel keeps about one person, app by app: the registry each app fills in its
``AppConfig.ready()`` with an exporter and an eraser, and the "download your data" export built from it.

``platform`` may not import the apps above it, so they come to it: an exporter yields
``(path inside the app's folder of the ZIP, content)`` pairs, an eraser removes or anonymises what its app
keeps about the person (account deletion, ``platform.account_deletion``, calls them). The ZIP is written to
a temporary file one entry at a time and then streamed into media storage, so no export is ever held in
memory whole.
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets
import shutil
import tempfile
import textwrap
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from platform.languages import in_language_of
from platform.models import AuditEntry, DataExport, User
from platform.notifications import Kind, notify

logger = logging.getLogger(__name__)

EXPORT_LIFETIME = datetime.timedelta(days=7)

# What an exporter yields for one ZIP entry: bytes, a stored file (copied in chunks, never read whole), or
# an iterable of byte chunks (a JSON-lines file written as it is read from the database).
Content = bytes | File[bytes] | Iterable[bytes]
Exporter = Callable[[User], Iterable[tuple[str, Content]]]
Eraser = Callable[[User], None]


class ErasureDeferred(Exception):
    """An eraser cannot finish yet (money on its way back to a business): account deletion stops here and
    the next run of the daily job tries again. What was already erased stays erased."""


@dataclass(frozen=True, slots=True)
class PersonalData:
    app: str
    exporter: Exporter
    eraser: Eraser
    # What each file (or folder, ending in "/") of the app's part of the ZIP holds, for README.txt.
    files: Mapping[str, StrOrPromise]


_registry: dict[str, PersonalData] = {}


def register_personal_data(
    *, app: str, exporter: Exporter, eraser: Eraser, files: Mapping[str, StrOrPromise]
) -> None:
    """Called once per app from its ``AppConfig.ready()``; registering again replaces the entry."""
    _registry[app] = PersonalData(app=app, exporter=exporter, eraser=eraser, files=dict(files))


def registered() -> list[PersonalData]:
    """The registrations in the order the apps were loaded (lowest layer first)."""
    return list(_registry.values())


# --- helpers for exporters --------------------------------------------------------------------------------


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def json_lines(rows: Iterable[Mapping[str, Any]]) -> Iterable[bytes]:
    """One JSON object a line, produced as the rows are read (for logs that can be long)."""
    for row in rows:
        yield json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode() + b"\n"


def audit_entries_scrub(*, model: type[Model], ids: Iterable[object]) -> int:
    """Keep the audit entries about these objects (a legal record of what was decided and paid, by target
    id) but drop every personal field of their detail: only amounts, currencies and codes stay."""
    keep = ("amount_cents", "currency", "guideline", "source", "audience", "from", "to", "refund")
    target_ids = [str(pk) for pk in ids]
    scrubbed = 0
    for start in range(0, len(target_ids), 500):
        entries = AuditEntry.objects.filter(
            target_type=model._meta.label_lower, target_id__in=target_ids[start : start + 500]
        )
        for entry in entries:
            detail = {key: entry.detail[key] for key in keep if key in entry.detail}
            detail["erased"] = True
            AuditEntry.objects.filter(pk=entry.pk).update(detail=detail)
            scrubbed += 1
    return scrubbed


# --- the export ---------------------------------------------------------------------------------------------

README_WIDTH = 100


def _paragraph(text: str, indent: int = 0) -> str:
    # Not at hyphens: "E-Mail" and "screen-time" stay whole.
    margin = " " * indent
    return textwrap.fill(
        text, README_WIDTH, initial_indent=margin, subsequent_indent=margin, break_on_hyphens=False
    )


def readme_text(*, made: datetime.datetime, missing: Iterable[str] = ()) -> str:
    """The archive's README.txt in the active language: what each file holds, and what could not be read."""
    title = _("Your data from Joyreel")
    introduction = _(
        "This archive holds what Joyreel keeps about your account, made on %(made)s (UTC). Each folder "
        'belongs to one part of the site; JSON files are UTF-8, times are UTC (ISO 8601), and a ".jsonl" '
        "file holds one JSON object a line. Other people's data is not included: where a file mentions "
        "another account it shows only what you could see on the site. Payment card details are never "
        "stored by Joyreel, so they are not here."
    ) % {"made": made.strftime("%Y-%m-%d %H:%M")}
    lines = [f"{title}\n", f"{'=' * len(title)}\n\n", _paragraph(introduction), "\n\n"]
    for part in registered():
        lines.append(f"{part.app}/\n")
        for path, description in part.files.items():
            lines.append(f"  {part.app}/{path}\n{_paragraph(str(description), indent=6)}\n")
        lines.append("\n")
    missing = list(missing)
    if missing:
        lines.append(_("These files could not be read when the archive was made and are left out:") + "\n")
        lines.extend(f"  {path}\n" for path in missing)
    return "".join(lines)


def _entry_write(archive: zipfile.ZipFile, *, path: str, content: Content, made: datetime.datetime) -> None:
    info = zipfile.ZipInfo(path, date_time=made.timetuple()[:6])
    # Media is compressed already; JSON shrinks a lot.
    info.compress_type = zipfile.ZIP_STORED if isinstance(content, File) else zipfile.ZIP_DEFLATED
    if isinstance(content, File):
        # Opened before the entry, so a file that is gone leaves no empty entry behind.
        with content.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        return
    with archive.open(info, "w", force_zip64=True) as target:
        if isinstance(content, bytes):
            target.write(content)
        else:
            for chunk in content:
                target.write(chunk)


def zip_build(*, user: User, destination: Any, made: datetime.datetime) -> None:
    """Write the person's ZIP to ``destination`` (a writable binary file), entry by entry."""
    missing: list[str] = []
    with zipfile.ZipFile(destination, "w", allowZip64=True) as archive:
        for part in registered():
            for path, content in part.exporter(user):
                full_path = f"{part.app}/{path}"
                try:
                    _entry_write(archive, path=full_path, content=content, made=made)
                except FileNotFoundError:
                    # A stored file that vanished (deleted meanwhile): say so instead of failing the export.
                    logger.warning("Export of user %s: %s is missing", user.pk, full_path)
                    missing.append(full_path)
        with in_language_of(user):
            readme = readme_text(made=made, missing=missing)
        _entry_write(archive, path="README.txt", content=readme.encode(), made=made)


def data_export_request(*, user: User) -> DataExport:
    """Start preparing the person's ZIP, or hand back the one already being prepared (one at a time)."""
    from platform.tasks import data_export_build_task

    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)  # serialise two clicks
        pending = DataExport.objects.filter(user=user, state=DataExport.State.PENDING).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(user=user, token=secrets.token_urlsafe(32))
        export_id = export.pk
        transaction.on_commit(lambda: data_export_build_task.delay(export_id=export_id))
    return export


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build a pending export's ZIP into media storage and tell its owner; nothing if it is gone or done."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.PENDING:
        return export
    made = timezone.now()
    storage = export.file.storage
    name = f"exports/{export.token}.zip"
    with tempfile.TemporaryFile(prefix="joyreel-export-") as scratch:
        zip_build(user=export.user, destination=scratch, made=made)
        size = scratch.tell()
        scratch.seek(0)
        if storage.exists(name):  # left by a run that died before saving its state
            storage.delete(name)
        stored = storage.save(name, File(scratch))
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export_id)
        if export.state != DataExport.State.PENDING:
            storage.delete(stored)
            return export
        export.file.name = stored
        export.size = size
        export.state = DataExport.State.READY
        export.ready_at = timezone.now()
        export.expires_at = export.ready_at + EXPORT_LIFETIME
        export.save(update_fields=["file", "size", "state", "ready_at", "expires_at"])
        with in_language_of(export.user):
            until = date_format(export.expires_at, "DATETIME_FORMAT")
            notify(
                user=export.user,
                kind=Kind.ACCOUNT,
                title=_("Your data is ready to download"),
                body=_("The link works until %(when)s UTC.") % {"when": until},
                url=reverse("account_settings") + "#your-data",
            )
    return export


def data_export_fail(*, export_id: int, reason: str) -> None:
    DataExport.objects.filter(pk=export_id, state=DataExport.State.PENDING).update(
        state=DataExport.State.FAILED, failure_reason=reason[:300]
    )


def data_export_for_download(*, user: User, token: str) -> DataExport | None:
    """The owner's ready export with this token, while its link lasts."""
    return DataExport.objects.filter(
        user=user, token=token, state=DataExport.State.READY, expires_at__gt=timezone.now()
    ).first()


def data_export_latest(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-created_at", "-id").first()


def data_exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports whose link has expired and mark them so."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=now):
        name = export.file.name
        if name:
            export.file.storage.delete(name)
        updated = DataExport.objects.filter(pk=export.pk, state=DataExport.State.READY).update(
            state=DataExport.State.EXPIRED, file=""
        )
        expired += updated
    return expired


def data_exports_delete(*, user: User) -> None:
    """Remove every export of the person and its file (account deletion)."""
    for export in DataExport.objects.filter(user=user):
        if export.file.name:
            export.file.storage.delete(export.file.name)
        export.delete()


# --- the core app's own part ------------------------------------------------------------------------------

PLATFORM_FILES = {
    "account.json": gettext_lazy(
        "Your account: email and when you confirmed it, display name, date of birth, country "
        "and region, time zone and its last change, privacy and screen-time settings, the address you signed "
        "up from (and a hashed id of that browser), and any suspension or deletion request."
    ),
    "notifications.json": gettext_lazy("Every notification in your notification centre, read or not."),
    "blocks_and_mutes.json": gettext_lazy("The accounts you blocked or muted (by account id) and when."),
    "family.json": gettext_lazy(
        "Your family pairing: whether you are the parent or the teen, and since when."
    ),
    "screen_time.json": gettext_lazy(
        "Minutes watched per day of your calendar (as the player reported them and as "
        "counted from the video the server sent), and extra minutes granted."
    ),
    "account_history.json": gettext_lazy(
        "Actions recorded about your account in our audit log (what and when; staff notes are not included)."
    ),
}

_ACCOUNT_FIELDS = (
    "id", "email", "display_name", "date_of_birth", "country", "region", "is_private", "time_zone",
    "is_restricted_mode", "daily_limit_minutes", "follow_policy", "wants_email_notifications",
    "posting_suspended_until", "suspended_until", "deletion_requested_at", "date_joined", "last_login",
    "email_confirmed_at", "time_zone_before", "time_zone_changed_at", "signup_address", "signup_browser",
)  # fmt: skip


def platform_export(user: User) -> Iterable[tuple[str, Content]]:
    from platform.models import Block, FamilyLink, Mute, Notification, ScreenTimeDay

    account = {field: getattr(user, field) for field in _ACCOUNT_FIELDS}
    account["country"] = user.country.code or ""
    account["age_band"] = user.age_band.value
    yield "account.json", json_bytes(account)
    notifications = Notification.objects.filter(user=user).values(
        "kind", "title", "body", "url", "created_at", "read_at", "emailed_at"
    )
    yield "notifications.json", json_bytes(list(notifications))
    yield (
        "blocks_and_mutes.json",
        json_bytes(
            {
                "blocked": list(Block.objects.filter(blocker=user).values("blocked_id", "created_at")),
                "muted": list(Mute.objects.filter(muter=user).values("muted_id", "created_at")),
            }
        ),
    )
    family = [
        {"role": "parent", "teen_account_id": link.teen_id, "since": link.created_at}
        for link in FamilyLink.objects.filter(parent=user)
    ] + [
        {"role": "teen", "parent_account_id": link.parent_id, "since": link.created_at}
        for link in FamilyLink.objects.filter(teen=user)
    ]
    yield "family.json", json_bytes(family)
    days = ScreenTimeDay.objects.filter(user=user).order_by("day")
    yield (
        "screen_time.json",
        json_bytes(
            [
                {
                    "day": d.day,
                    "minutes": round(d.seconds / 60, 1),
                    "served_minutes": round(d.served_seconds / 60, 1),
                    "extra_minutes": d.extra_minutes,
                }
                for d in days
            ]
        ),
    )
    history = AuditEntry.objects.filter(target_type=User._meta.label_lower, target_id=str(user.pk))
    yield (
        "account_history.json",
        json_bytes(list(history.order_by("created_at").values("action", "created_at"))),
    )


def platform_erase(user: User) -> None:
    """What the core app keeps beyond the ``User`` row (which account deletion removes last): exports and
    their files, sessions, log-in records that name the address, and audit details about the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from platform.models import Block, FamilyLink, Mute, Notification, PairingCode, ScreenTimeDay

    data_exports_delete(user=user)
    sessions_delete(user_id=user.pk)
    Notification.objects.filter(user=user).delete()
    Block.objects.filter(blocker=user).delete()
    Block.objects.filter(blocked=user).delete()
    Mute.objects.filter(muter=user).delete()
    Mute.objects.filter(muted=user).delete()
    FamilyLink.objects.filter(parent=user).delete()
    FamilyLink.objects.filter(teen=user).delete()
    PairingCode.objects.filter(parent=user).delete()
    ScreenTimeDay.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.email).delete()
    # Staff edits of the account in the admin name it by its email: keep that they happened, not whom.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr="(deleted account)", change_message="")
    audit_entries_scrub(model=User, ids=[user.pk])


def sessions_delete(*, user_id: int) -> int:
    """Delete every live session logged in as this user. Sessions are not indexed by user, so this reads
    each unexpired one (batched); it runs on a deletion request and at deletion, never on a page."""
    from django.contrib.sessions.models import Session

    wanted = str(user_id)
    doomed: list[str] = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id", "")) == wanted:
            doomed.append(session.session_key)
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)
