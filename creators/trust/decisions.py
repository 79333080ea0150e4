"""Moderation decisions and appeals: every decision about a person's video, comment or account is taken here, with a
statement of reasons to that person (EU DSA Art. 17), an audit entry and a notification; an appeal (Art. 20)
goes to a different moderator, and a reversal puts back exactly what the decision changed."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, pgettext

from creators import hooks
from creators.comments.models import Comment
from creators.models import Appeal, CreatorProfile, Decision, Video
from platform.errors import Conflict, NotFound
from platform.guidelines import Guideline
from platform.languages import in_language_of
from platform.models import User
from platform.notifications import Kind, notify
from platform.services import audit_record

Action = Decision.Action

APPEAL_DAYS = 180
STRIKE_WINDOW_DAYS = 90
STRIKES_TO_SUSPEND_POSTING = 3
POSTING_SUSPENSION_DAYS = 7
DEFAULT_SUSPENSION_DAYS = 30

VIDEO_ACTIONS = {Action.REMOVE, Action.LIMIT, Action.AGE_RESTRICT, Action.LABEL_UNVERIFIED, Action.DISMISS}
ACCOUNT_ACTIONS = {Action.WARNING, Action.STRIKE, Action.SUSPEND}
# A comment is removed or let through ("review_clear": a watched word's match found harmless).
COMMENT_ACTIONS = {Action.REMOVE, Action.DISMISS, Action.REVIEW_CLEAR}
# Nothing was held against the person: no statement to send, nothing to appeal.
NOT_APPEALABLE = {Action.DISMISS, Action.REVIEW_CLEAR}


def _video_effect(video: Video, action: str, facts: str) -> dict[str, Any]:
    """Apply a video action to the locked ``video``; returns the fields it replaced, for a reversal."""
    previous: dict[str, Any]
    if action in (Action.REMOVE, Action.LIMIT):
        # The creator's studio shows the reason beside the state; the decision page has the full statement.
        previous = {"moderation_state": video.moderation_state, "moderation_reason": video.moderation_reason}
        video.moderation_state = (
            Video.Moderation.REMOVED if action == Action.REMOVE else Video.Moderation.LIMITED
        )
        video.moderation_reason = facts[:300]
    elif action == Action.AGE_RESTRICT:
        previous = {"is_age_restricted": video.is_age_restricted}
        video.is_age_restricted = True
    elif action == Action.LABEL_UNVERIFIED:
        previous = {"is_unverified": video.is_unverified}
        video.is_unverified = True
    elif action == Action.REVIEW_CLEAR:
        previous = {"moderation_state": video.moderation_state}
        if video.moderation_state == Video.Moderation.REVIEW:
            video.moderation_state = Video.Moderation.VISIBLE
    else:
        previous = {}
    return previous


def _comment_effect(comment: Comment, action: str) -> dict[str, Any]:
    """Apply a comment action to the locked ``comment`` (through ``creators.comments.services``, which keeps
    the video's comment count); returns the state it replaced, for a reversal."""
    from creators.comments import services as comment_services  # it imports ``posting_check`` from here

    previous: dict[str, Any] = {}
    if action == Action.REMOVE:
        previous = {"state": comment.state}
        comment_services.comment_moderate(comment=comment, visible=False)
    elif action == Action.REVIEW_CLEAR:
        previous = {"state": comment.state}
        if comment.state == Comment.State.PENDING:
            comment_services.comment_moderate(comment=comment, visible=True)
    return previous


def _excerpt(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def posting_check(*, user: User, now: datetime.datetime | None = None) -> None:
    """Refuse (Conflict, nothing written) to take a new video from a person whose posting is suspended."""
    until = user.posting_suspended_until
    if until is not None and until > (now or timezone.now()):
        raise Conflict(
            gettext(
                "You cannot post until %(until)s UTC: your account had %(strikes)s strikes in %(days)s days. "
                "Your decisions page says why, and how to appeal."
            )
            % {"until": _moment(until), "strikes": STRIKES_TO_SUSPEND_POSTING, "days": STRIKE_WINDOW_DAYS},
            code="posting_suspended",
        )


def strikes_active(*, account: User, at: datetime.datetime | None = None) -> int:
    """Strikes against ``account`` in the last 90 days that no appeal reversed."""
    since = (at or timezone.now()) - datetime.timedelta(days=STRIKE_WINDOW_DAYS)
    return Decision.objects.filter(
        account=account, action=Action.STRIKE, created_at__gte=since, reversed_at__isnull=True
    ).count()


def _moment(value: datetime.datetime) -> str:
    """A UTC moment as the decision page shows it, in the active language ("6. Dezember 2026, 14:05")."""
    return date_format(value, pgettext("date and time format", "j F Y, H:i"))


def _statement(decision: Decision) -> tuple[str, str]:
    """The notification's title and body, in the person's language: what was decided, on which guideline,
    and how to appeal."""
    with in_language_of(decision.account):
        action = str(decision.get_action_display())
        if get_language().startswith("en"):
            action = action.lower()  # "Your video: removed"; German keeps its nouns capitalised
        if decision.comment_id:
            title = gettext("Your comment: %(action)s") % {"action": action}
        elif decision.video_id:
            title = gettext("Your video: %(action)s") % {"action": action}
        else:
            title = gettext("Your account: %(action)s") % {"action": action}
        guideline = Guideline(decision.guideline).label if decision.guideline in Guideline.values else ""
        lines = [
            gettext("Guideline: %(guideline)s.") % {"guideline": guideline} if guideline else "",
            decision.facts,
        ]
        if decision.comment is not None:
            lines.insert(0, gettext("Your comment “%(text)s”.") % {"text": _excerpt(decision.comment.text)})
        if decision.ends_at:
            lines.append(gettext("Until %(moment)s UTC.") % {"moment": _moment(decision.ends_at)})
        lines.append(
            gettext("This decision was automated.")
            if decision.is_automated
            else gettext("A moderator took this decision.")
        )
        if decision.appeal_until:
            day = date_format(decision.appeal_until, pgettext("date format", "j F Y"))
            lines.append(gettext("You can appeal until %(day)s.") % {"day": day})
        return title, " ".join(str(line) for line in lines if line)


def decision_take(
    *,
    actor: User | None,
    action: str,
    facts: str,
    guideline: str = "",
    video: Video | None = None,
    account: User | None = None,
    comment: Comment | None = None,
    source: str = Decision.Source.STAFF,
    ends_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Decision:
    """Decide about a video (``video``), a comment (``comment``) or an account (``account``); ``actor`` None
    means automated.

    Writes the decision (its statement of reasons), applies it, audits it and tells the person. Raises
    ValidationError, writing nothing, on an unknown action or guideline, a missing fact or a wrong target."""
    now = now or timezone.now()
    if action not in Action.values:
        raise ValidationError({"action": gettext("Unknown decision.")})
    if guideline and guideline not in Guideline.values:
        raise ValidationError({"guideline": gettext("Unknown guideline.")})
    facts = facts.strip()
    if not facts:
        raise ValidationError({"facts": gettext("Say what was found: the person is told.")})
    if sum(target is not None for target in (video, account, comment)) != 1:
        raise ValidationError("A decision is about one video, one comment or one account.")
    if comment is not None and action not in COMMENT_ACTIONS:
        raise ValidationError({"action": "A comment is removed, or let through."})
    if video is not None and action in ACCOUNT_ACTIONS:
        raise ValidationError({"action": gettext("That decision is about an account, not a video.")})
    if account is not None and action in VIDEO_ACTIONS:
        raise ValidationError({"action": gettext("That decision is about a video, not an account.")})
    if action not in NOT_APPEALABLE and not guideline:
        raise ValidationError({"guideline": gettext("Name the guideline the decision rests on.")})
    with transaction.atomic():
        previous: dict[str, Any] = {}
        locked_video = None
        locked_comment = None
        if comment is not None:
            locked_comment = Comment.objects.select_for_update().get(pk=comment.pk)
            if locked_comment.author_id is None or (
                locked_comment.state == Comment.State.DELETED and action != Action.DISMISS
            ):
                raise ValidationError(gettext("The comment was deleted: there is nothing left to remove."))
            person = User.objects.select_for_update().get(pk=locked_comment.author_id)
            previous = _comment_effect(locked_comment, action)
            locked_comment.refresh_from_db(fields=["state"])
        elif video is not None:
            locked_video = Video.objects.select_for_update().select_related("owner").get(pk=video.pk)
            person = User.objects.select_for_update().get(pk=locked_video.owner.user_id)
            previous = _video_effect(locked_video, action, facts)
            locked_video.save(update_fields=[*previous, "updated_at"])
            transaction.on_commit(partial(hooks.video_changed, locked_video.pk))
        else:
            assert account is not None
            person = User.objects.select_for_update().get(pk=account.pk)
            if action == Action.SUSPEND:
                ends_at = ends_at or now + datetime.timedelta(days=DEFAULT_SUSPENSION_DAYS)
                previous = {"suspended_until": _iso(person.suspended_until)}
                person.suspended_until = ends_at
                person.save(update_fields=["suspended_until"])
        decision = Decision.objects.create(
            account=person,
            video=locked_video,
            comment=locked_comment,
            action=action,
            guideline=guideline,
            facts=facts[:2000],
            source=source,
            is_automated=actor is None,
            decided_by=actor,
            created_at=now,
            ends_at=ends_at,
            appeal_until=None if action in NOT_APPEALABLE else now + datetime.timedelta(days=APPEAL_DAYS),
            previous=previous,
        )
        if action == Action.STRIKE and strikes_active(account=person, at=now) >= STRIKES_TO_SUSPEND_POSTING:
            until = now + datetime.timedelta(days=POSTING_SUSPENSION_DAYS)
            decision.previous = {"posting_suspended_until": _iso(person.posting_suspended_until)}
            decision.ends_at = until
            decision.facts = (
                f"{decision.facts} This is your third strike in {STRIKE_WINDOW_DAYS} days, "
                f"so you cannot post for {POSTING_SUSPENSION_DAYS} days."
            )[:2000]
            decision.save(update_fields=["previous", "ends_at", "facts"])
            person.posting_suspended_until = until
            person.save(update_fields=["posting_suspended_until"])
        audit_record(
            actor=actor,
            action=f"decision.{action}",
            target=decision,
            detail={
                "video": decision.video_id,
                "account": person.pk,
                "guideline": guideline,
                "source": source,
            }
            | ({"comment": decision.comment_id} if decision.comment_id else {}),
        )
        if action not in NOT_APPEALABLE:
            title, body = _statement(decision)
            notify(user=person, kind=Kind.DECISION, title=title, body=body, url=decision.get_absolute_url())
    return decision


def profile_review_clear(*, actor: User, profile: CreatorProfile) -> CreatorProfile:
    """A moderator found nothing wrong with a bio that a watched word sent to review."""
    with transaction.atomic():
        locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
        if not locked.is_under_review:
            return locked
        locked.is_under_review = False
        locked.save(update_fields=["is_under_review"])
        audit_record(actor=actor, action="profile.review_clear", target=locked)
    return locked


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _restore(decision: Decision) -> None:
    """Put back what ``decision`` changed, where nothing since has changed it again."""
    previous = decision.previous or {}
    if decision.comment_id is not None:
        from creators.comments import services as comment_services  # it imports ``posting_check`` from here

        comment = Comment.objects.select_for_update().get(pk=decision.comment_id)
        if "state" in previous and comment.state == Comment.State.REMOVED:
            if previous["state"] in (Comment.State.VISIBLE, Comment.State.PENDING):
                # Back in sight and counted on its video again; a moderator found nothing wrong with it.
                comment_services.comment_moderate(comment=comment, visible=True)
            else:  # hidden by the creator or held by their words: back as it was, counted by neither
                comment.state = previous["state"]
                comment.save(update_fields=["state"])
        return
    if decision.video_id is not None:
        video = Video.objects.select_for_update().get(pk=decision.video_id)
        fields = []
        for field, value in previous.items():
            setattr(video, field, value)
            fields.append(field)
        if fields:
            video.save(update_fields=[*fields, "updated_at"])
            transaction.on_commit(partial(hooks.video_changed, video.pk))
        return
    person = User.objects.select_for_update().get(pk=decision.account_id)
    fields = []
    for field in ("suspended_until", "posting_suspended_until"):
        if field in previous:
            raw = previous[field]
            setattr(person, field, datetime.datetime.fromisoformat(raw) if raw else None)
            fields.append(field)
    if fields:
        person.save(update_fields=fields)


# --- appeals ----------------------------------------------------------------------------------


def appeal_create(
    *, appellant: User, decision_id: int, statement: str, now: datetime.datetime | None = None
) -> Appeal:
    """Appeal one of your own decisions within 180 days; once. Another person's decision looks missing."""
    now = now or timezone.now()
    statement = statement.strip()
    decision = Decision.objects.filter(pk=decision_id, account=appellant).first()
    if decision is None:
        raise NotFound(gettext("No such decision."))
    if decision.appeal_until is None:
        raise Conflict(gettext("There is nothing to appeal in this decision."))
    if now > decision.appeal_until:
        raise Conflict(
            gettext("The %(days)s days to appeal this decision have passed.") % {"days": APPEAL_DAYS}
        )
    if Appeal.objects.filter(decision=decision).exists():
        raise Conflict(gettext("You have already appealed this decision."))
    if not statement:
        raise ValidationError(gettext("Tell us why the decision is wrong."))
    with transaction.atomic():
        Decision.objects.select_for_update().get(pk=decision.pk)
        if Appeal.objects.filter(decision=decision).exists():
            raise Conflict(gettext("You have already appealed this decision."))
        appeal = Appeal.objects.create(
            decision=decision, appellant=appellant, statement=statement[:2000], created_at=now
        )
        audit_record(actor=appellant, action="appeal.open", target=appeal, detail={"decision": decision.pk})
    return appeal


def appeal_decide(
    *, actor: User, appeal: Appeal, reverse_decision: bool, reason: str, now: datetime.datetime | None = None
) -> Appeal:
    """Decide an open appeal. The moderator who took the decision may not decide its appeal."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"outcome_reason": gettext("Say why: the person is told.")})
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        decision = locked.decision
        if locked.state != Appeal.State.OPEN:
            raise Conflict(gettext("This appeal is already decided."))
        if decision.decided_by_id is not None and decision.decided_by_id == actor.pk:
            raise PermissionDenied("A different moderator must decide the appeal of your own decision.")
        if locked.appellant_id == actor.pk:
            raise PermissionDenied(gettext("Nobody decides their own appeal."))
        if reverse_decision:
            locked.state = Appeal.State.REVERSED
            _restore(decision)
            decision.reversed_at = now
            decision.save(update_fields=["reversed_at"])
        else:
            locked.state = Appeal.State.UPHELD
        locked.decided_by, locked.decided_at, locked.outcome_reason = actor, now, reason[:2000]
        locked.save(update_fields=["state", "decided_by", "decided_at", "outcome_reason"])
        audit_record(
            actor=actor,
            action=f"appeal.{locked.state}",
            target=locked,
            detail={"decision": decision.pk, "reason": reason[:300]},
        )
        with in_language_of(locked.appellant):
            title = (
                gettext("Your appeal: the decision was reversed")
                if reverse_decision
                else gettext("Your appeal: the decision was upheld")
            )
        notify(
            user=locked.appellant,
            kind=Kind.APPEAL,
            title=title,
            body=reason[:2000],
            url=reverse("creators:decision", args=[decision.pk]),
        )
    return locked
