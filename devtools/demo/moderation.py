"""Give the demo some moderation history for the transparency page: a watched word, reports on videos and on
an account, decisions (one automated), an appeal and its reversal, all through the services. Idempotent: the
demo decisions' facts carry a marker, and a second run finds them and stops."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from creators import services as creator_services
from creators.models import CreatorProfile, Decision, Report, Video, WatchedWord
from creators.trust.reports import report_create, reports_decide
from creators.trust.watched_words import watched_word_save
from platform.guidelines import Guideline
from platform.models import User
from platform.viewer import viewer_for_user

MARKER = "(demo)"
ADMIN_EMAIL = "admin@joyreel.localhost"
REPORTER_EMAILS = ["viewer@joyreel.localhost", "business@joyreel.localhost"]
# Demo creators whose videos the demo reports name (seed_demo_videos makes them).
REPORTED_HANDLES = ["trailtom", "lenabeats", "kitchenkai"]
WATCHED_PHRASE = "miracle cure"

Action = Decision.Action


class DemoModeration:
    """What ``manage.py seed_demo_moderation`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        if Decision.objects.filter(facts__endswith=MARKER).exists():
            self.stdout.write("Demo moderation history exists.")
            return
        admin = User.objects.filter(email=ADMIN_EMAIL).first()
        reporters = list(User.objects.filter(email__in=REPORTER_EMAILS).order_by("email"))
        videos = [
            Video.objects.filter(
                owner__handle=handle, state=Video.State.PUBLISHED, moderation_state=Video.Moderation.VISIBLE
            )
            .order_by("pk")
            .first()
            for handle in REPORTED_HANDLES
        ]
        account = CreatorProfile.objects.filter(handle=REPORTED_HANDLES[0]).first()
        if admin is None or len(reporters) < 2 or None in videos or account is None:
            self.stdout.write("Run seed_demo and seed_demo_videos first.")
            return
        limited, labelled, automated = [video for video in videos if video is not None]
        now = timezone.now()
        with transaction.atomic():
            if not WatchedWord.objects.filter(phrase__iexact=WATCHED_PHRASE).exists():
                watched_word_save(
                    actor=admin, word=WatchedWord(phrase=WATCHED_PHRASE, note="Health scams (demo)")
                )
            spam = [self._report(reporters[0], limited, Guideline.SPAM, hours_ago=30)]
            misinformation = [
                self._report(reporter, labelled, Guideline.MISINFORMATION, hours_ago=hours)
                for reporter, hours in zip(reporters, (20, 8), strict=True)
            ]
            # An account report: the profile insulted another creator, and its owner is warned.
            profile_report = report_create(
                viewer=viewer_for_user(reporters[1]), handle=account.handle, reason=Guideline.HARASSMENT
            )
            Report.objects.filter(pk=profile_report.pk).update(created_at=now - datetime.timedelta(hours=4))
            # Decided through the moderation queue's own service: statements to the creators, outcomes to
            # the reporters, each report linked to its decision.
            self._decide(
                [profile_report], Action.WARNING, f"The profile's links insult another creator. {MARKER}"
            )
            self._decide(
                spam, Action.LIMIT, f"The caption asks viewers to follow a link for free gifts. {MARKER}"
            )
            self._decide(
                misinformation,
                Action.LABEL_UNVERIFIED,
                f"The video states a health claim that no source supports. {MARKER}",
            )
            # The automated one: the word check limited a video, its creator appealed, a moderator reversed it.
            auto = creator_services.decision_take(
                actor=None,
                action=Action.LIMIT,
                facts=f"The caption matched a watched phrase. {MARKER}",
                guideline=Guideline.MISINFORMATION,
                video=automated,
                source=Decision.Source.WATCHED_WORDS,
            )
            appeal = creator_services.appeal_create(
                appellant=automated.owner.user,
                decision_id=auto.pk,
                statement="It is a recipe video; the phrase was a joke.",
            )
            creator_services.appeal_decide(
                actor=admin,
                appeal=appeal,
                reverse_decision=True,
                reason="The phrase was used in jest; nothing in the video is a health claim.",
            )
        self.stdout.write("Demo moderation history: 4 reports, 4 decisions (1 automated), 1 appeal reversed.")

    def _report(self, reporter: User, video: Video, reason: str, *, hours_ago: int) -> Report:
        report = report_create(
            viewer=viewer_for_user(reporter), video_public_id=video.public_id, reason=reason, detail=""
        )
        # Received some hours before the decision, so the median time to decision means something.
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
        )
        return report

    def _decide(self, reports: list[Report], decision: str, facts: str) -> None:
        admin = User.objects.get(email=ADMIN_EMAIL)
        reports_decide(
            actor=admin, report_ids=[report.pk for report in reports], decision=decision, note=facts
        )


def seed_demo_moderation(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo_moderation`` with the options its command parsed."""
    DemoModeration(stdout=stdout, stderr=stderr).handle(**options)
