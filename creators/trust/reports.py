"""Reports of videos, comments and accounts, and their decision by moderators: one decision per reported target,
taken through ``creators.trust.decisions.decision_take``, each reporter told the outcome."""

from __future__ import annotations

import datetime
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from creators.comments.selectors import author_name, comment_get_visible
from creators.models import Decision, Report
from creators.selectors import BlockState, profile_block_state, profile_get, videos_visible
from creators.trust.decisions import decision_take
from platform.errors import NotFound, RateLimited
from platform.languages import in_language_of
from platform.models import Notification, User
from platform.notifications import notify
from platform.services import audit_record
from platform.viewer import Viewer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _report_rate() -> tuple[int, int]:
    """The reports rate the API's throttle uses ("30/hour"), as (count, seconds): one budget for both."""
    count, period = str(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["reports"]).split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def _report_throttle(*, viewer: Viewer) -> None:
    """Count one report attempt of ``viewer``; refuse past the rate (whether or not it would be new)."""
    limit, window = _report_rate()
    slot = int(time.time() // window)
    key = f"reports:{viewer.key}:{slot}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(
            gettext("You have sent a lot of reports in a short time. Please try again later."),
            retry_after_seconds=int((slot + 1) * window - time.time()) + 1,
        )


def report_create(
    *,
    viewer: Viewer,
    reason: str,
    detail: str = "",
    video_public_id: uuid.UUID | None = None,
    handle: str | None = None,
    comment_id: int | None = None,
) -> Report:
    """Report a video (``video_public_id``), a comment (``comment_id``) or an account (``handle``). One report
    per reporter and target: reporting again replaces the reason and reopens it. Throttled per reporter
    (RateLimited)."""
    if sum(target is not None for target in (video_public_id, handle, comment_id)) != 1:
        raise ValidationError(gettext("Report one video, one comment or one account."))
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": gettext("Choose a reason.")})
    _report_throttle(viewer=viewer)
    target: dict[str, Any]
    if video_public_id is not None:
        # What the viewer may watch, blocks included: across a block, either way, the other's videos do
        # not exist for them (a blocked account mass-reporting its blocker would learn what is there).
        video = videos_visible(viewer=viewer).filter(public_id=video_public_id).first()
        if video is None:
            raise NotFound(gettext("No such video."))
        target = {"video": video}
    elif comment_id is not None:
        # Only a comment the viewer can read, on a video they can see: across a block it does not exist.
        comment = comment_get_visible(comment_id=comment_id, viewer=viewer)
        if comment is None:
            raise NotFound(gettext("No such comment."))
        if viewer.user_id is not None and comment.author_id == viewer.user_id:
            raise ValidationError(gettext("You can't report your own comment."))
        target = {"comment": comment}
    else:
        profile = profile_get(handle=handle or "")
        if profile is None or profile_block_state(profile=profile, viewer=viewer) != BlockState.NONE:
            raise NotFound(gettext("No such account."))
        if viewer.user_id is not None and profile.user_id == viewer.user_id:
            raise ValidationError(gettext("You can't report your own account."))
        target = {"profile": profile}
    report, _ = Report.objects.update_or_create(
        **target,
        viewer_key=viewer.key,
        defaults={
            "reason": reason,
            "detail": detail.strip()[:500],
            "reporter": viewer.user,
            "status": Report.Status.OPEN,
            "decision": None,
            "decided_at": None,
        },
    )
    return report


Action = Decision.Action
VIDEO_REPORT_DECISIONS = (
    Action.REMOVE,
    Action.LIMIT,
    Action.AGE_RESTRICT,
    Action.LABEL_UNVERIFIED,
    Action.DISMISS,
)
ACCOUNT_REPORT_DECISIONS = (Action.WARNING, Action.STRIKE, Action.SUSPEND, Action.DISMISS)
COMMENT_REPORT_DECISIONS = (Action.REMOVE, Action.DISMISS)
REPORT_DECISIONS = tuple(
    dict.fromkeys((*VIDEO_REPORT_DECISIONS, *ACCOUNT_REPORT_DECISIONS, *COMMENT_REPORT_DECISIONS))
)
# Which decisions fit which reported target, and how a refusal names the target.
TARGET_DECISIONS: dict[str, tuple[str, ...]] = {
    "video": VIDEO_REPORT_DECISIONS,
    "profile": ACCOUNT_REPORT_DECISIONS,
    "comment": COMMENT_REPORT_DECISIONS,
}
_TARGET_NAMES = {"video": "a video", "profile": "an account", "comment": "a comment"}
DISMISS_FACTS = "We reviewed the reports and found no breach of the community guidelines."

# What a reporter is told about the outcome, after "We reviewed your report about …: ".
OUTCOMES: dict[str, StrOrPromise] = {
    Action.REMOVE: gettext_lazy("we removed the video."),
    Action.LIMIT: gettext_lazy("the video stays up but is no longer recommended."),
    Action.AGE_RESTRICT: gettext_lazy("the video is now shown to adults only."),
    Action.LABEL_UNVERIFIED: gettext_lazy(
        "the video now carries a label saying its claims could not be verified."
    ),
    Action.DISMISS: gettext_lazy("we found no breach of our community guidelines, so we took no action."),
    Action.WARNING: gettext_lazy("we warned the account."),
    Action.STRIKE: gettext_lazy("the account received a strike."),
    Action.SUSPEND: gettext_lazy("we suspended the account."),
}
COMMENT_OUTCOMES: dict[str, StrOrPromise] = {Action.REMOVE: gettext_lazy("we removed the comment.")}


def _target_of(report: Report) -> tuple[str, int]:
    """The kind of what ``report`` reports ("video", "comment", "profile") and its id."""
    if report.comment_id is not None:
        return "comment", report.comment_id
    if report.video_id is not None:
        return "video", report.video_id
    assert report.profile_id is not None
    return "profile", report.profile_id


def _reported_guideline(reports: Sequence[Report]) -> str:
    """The reason most of the reports give (ties: the first in guideline order)."""
    counts: dict[str, int] = defaultdict(int)
    for report in reports:
        counts[report.reason] += 1
    order = list(Report.Reason.values)
    return max(counts, key=lambda reason: (counts[reason], -order.index(reason)))


def _report_subject(report: Report) -> str:
    if report.comment is not None:
        text = " ".join(report.comment.text.split())
        if len(text) > 60:
            text = text[:59] + "…"
        return gettext("the comment “%(text)s” by %(author)s") % {
            "text": text,
            "author": author_name(report.comment),
        }
    if report.video is not None:
        caption = report.video.caption.strip() or gettext("Untitled")
        if len(caption) > 60:
            caption = caption[:59] + "…"
        return gettext("the video “%(caption)s” by @%(handle)s") % {
            "caption": caption,
            "handle": report.video.owner.handle,
        }
    assert report.profile is not None
    return gettext("the account @%(handle)s") % {"handle": report.profile.handle}


def reports_decide(
    *,
    actor: User,
    report_ids: Iterable[int],
    decision: str,
    note: str = "",
    guideline: str = "",
    suspend_days: int | None = None,
    target: str | None = None,
    now: datetime.datetime | None = None,
) -> list[Report]:
    """Decide open reports, one decision per reported video or account, through ``decision_take`` (which
    states the reasons to the person, audits and applies it). ``guideline`` defaults to the reports' own
    reason; ``note`` is the facts the person reads (not needed to dismiss). Each report is closed with an
    audit entry, and each reporter is told the outcome; a dismissal tells the creator nothing. Reports
    already decided are left as they are; returns the reports this call decided. Refuses, writing nothing,
    a decision that does not fit a selected target (removing an account, striking a video), or, with
    ``target`` ("video", "comment", "profile"), a selected report on another kind of target."""
    now = now or timezone.now()
    note = note.strip()
    if decision not in REPORT_DECISIONS:
        raise ValidationError({"decision": "Choose a decision: " + ", ".join(REPORT_DECISIONS) + "."})
    if decision != Action.DISMISS and not note:
        raise ValidationError({"note": gettext("Say what was found: the person reads it.")})
    if guideline and guideline not in Report.Reason.values:
        raise ValidationError({"guideline": gettext("Unknown guideline.")})
    with transaction.atomic():
        reports = list(
            # Lock the reports only: PostgreSQL cannot lock the nullable side of the outer joins.
            Report.objects.select_for_update(of=("self",))
            .filter(pk__in=list(report_ids), status=Report.Status.OPEN)
            .select_related("video__owner", "profile__user", "comment__author", "reporter")
            .order_by("pk")
        )
        by_target: dict[tuple[str, int], list[Report]] = defaultdict(list)
        for report in reports:
            kind, target_id = _target_of(report)
            if target is not None and kind != target:
                raise ValidationError(
                    {
                        "decision": f"That decision is about {_TARGET_NAMES[target]}, not {_TARGET_NAMES[kind]}."
                    }
                )
            if decision not in TARGET_DECISIONS[kind]:
                fits = "an account" if decision in ACCOUNT_REPORT_DECISIONS else "a video"
                raise ValidationError(
                    {"decision": f"That decision is about {fits}, not {_TARGET_NAMES[kind]}."}
                )
            by_target[(kind, target_id)].append(report)
        status = Report.Status.DISMISSED if decision == Action.DISMISS else Report.Status.RESOLVED
        ends_at = None
        if decision == Action.SUSPEND and suspend_days:
            ends_at = now + datetime.timedelta(days=suspend_days)
        for (kind, _), target_reports in by_target.items():
            first = target_reports[0]
            taken = decision_take(
                actor=actor,
                action=decision,
                facts=note or DISMISS_FACTS,
                guideline=guideline or _reported_guideline(target_reports),
                video=first.video if kind == "video" else None,
                comment=first.comment if kind == "comment" else None,
                account=first.profile.user if kind == "profile" and first.profile else None,
                source=Decision.Source.REPORT,
                ends_at=ends_at,
                now=now,
            )
            told: set[int] = set()
            for report in target_reports:
                report.status, report.decision, report.decided_at = status, taken, now
                report.save(update_fields=["status", "decision", "decided_at"])
                audit_record(
                    actor=actor,
                    action=f"report.{status}",
                    target=report,
                    detail={
                        "decision": decision,
                        "decision_id": taken.pk,
                        "video": report.video_id,
                        "profile": report.profile_id,
                        "reason": report.reason,
                        "note": note,
                    }
                    | ({"comment": report.comment_id} if report.comment_id else {}),
                )
                if report.reporter_id is not None and report.reporter_id not in told:
                    told.add(report.reporter_id)
                    assert report.reporter is not None
                    outcome = OUTCOMES[decision]
                    if kind == "comment":
                        outcome = COMMENT_OUTCOMES.get(decision, outcome)
                    with in_language_of(report.reporter):
                        body = gettext("We reviewed your report about %(subject)s: %(outcome)s") % {
                            "subject": _report_subject(report),
                            "outcome": outcome,
                        }
                    notify(
                        user=report.reporter,
                        kind=Notification.Kind.REPORT_OUTCOME,
                        title=gettext_lazy("We reviewed your report"),
                        body=body,
                    )
    return reports
