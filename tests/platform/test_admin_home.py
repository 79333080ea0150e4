"""The admin's moderation home: each queue's count and oldest wait from the rows themselves, only the queues a
person may view, and links that open the queue already filtered; and the admin pages it leads to."""

import datetime
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from businesses.models import BusinessProfile, Promotion
from creators.comments.models import Comment
from creators.models import Appeal, Decision, Report, Video, VideoTopic
from platform.guidelines import Guideline
from platform.models import AuditEntry
from tests.factories import CreatorFactory, UserFactory, VideoFactory, published_video

pytestmark = pytest.mark.django_db

QUEUES = [
    "Open reports",
    "Reported comments",
    "Open appeals",
    "Videos held by a watched word",
    "Comments held by a watched word",
    "Bios held by a watched word",
    "Topic review (STEM, News)",
    "Promotions to review",
]


def ago(**delta: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def staff_with(*codenames: str):
    user = UserFactory.create(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def report(*, hours: float, status: str = Report.Status.OPEN) -> Report:
    return Report.objects.create(
        video=VideoFactory.create(),
        viewer_key=f"a:{uuid.uuid4().hex[:12]}",
        reason=Guideline.SPAM,
        status=status,
        created_at=ago(hours=hours),
    )


def decision(*, action: str = Decision.Action.REMOVE, guideline: str = Guideline.DANGEROUS) -> Decision:
    video = VideoFactory.create()
    return Decision.objects.create(
        account=video.owner.user, video=video, action=action, guideline=guideline, facts="Found."
    )


def promotion(*, state: str, paid_hours: float) -> Promotion:
    video = VideoFactory.create()
    business = BusinessProfile.objects.create(
        creator=video.owner, legal_name="Bakery", category="food_and_drink", country="DE", region="DE-BY"
    )
    return Promotion.objects.create(
        business=business,
        video=video,
        goal=Promotion.Goal.VIDEO_VIEWS,
        budget_cents=5000,
        currency="EUR",
        duration_days=7,
        cpm_cents=800,
        state=state,
        paid_at=ago(hours=paid_hours),
    )


@pytest.fixture
def queues():
    """Rows in every queue, and rows beside them that wait for nothing (decided, running, not curated)."""
    appeal = Appeal.objects.create(decision=decision(), appellant=UserFactory.create(), statement="No.")
    Appeal.objects.filter(pk=appeal.pk).update(created_at=ago(hours=3))
    rows: dict[str, list[Any]] = {"reports": [report(hours=5), report(hours=2)], "appeals": [appeal]}
    report(hours=30, status=Report.Status.RESOLVED)
    Appeal.objects.create(
        decision=decision(), appellant=UserFactory.create(), statement="No.", state=Appeal.State.UPHELD
    )
    held = VideoFactory.create(moderation_state=Video.Moderation.REVIEW)
    AuditEntry.objects.create(action="video.review", target_type="creators.video", target_id=str(held.pk))
    AuditEntry.objects.filter(target_id=str(held.pk)).update(created_at=ago(hours=9))
    profile = CreatorFactory.create(is_under_review=True)
    AuditEntry.objects.create(
        action="profile.review", target_type="creators.creatorprofile", target_id=str(profile.pk)
    )
    AuditEntry.objects.filter(target_id=str(profile.pk)).update(created_at=ago(hours=11))
    stem = published_video(topics=("stem",), review="pending", published_at=ago(hours=6))
    published_video(topics=("news",), review="pending", published_at=ago(hours=8))
    published_video(topics=("sports",), review="pending", published_at=ago(hours=50))  # not curated
    rows["stem"] = [VideoTopic.objects.get(video=stem)]
    rows["promotions"] = [promotion(state=Promotion.State.IN_REVIEW, paid_hours=7)]
    promotion(state=Promotion.State.ACTIVE, paid_hours=70)
    # A comment reported twice (4 and 1 hours ago), one whose report was decided, and one a watched word held.
    reported, decided = (Comment.objects.create(video=VideoFactory.create(), text=text) for text in "ab")
    for hours, target in ((4, reported), (1, reported), (40, decided)):
        Report.objects.create(
            comment=target,
            viewer_key=f"a:{uuid.uuid4().hex[:12]}",
            reason=Guideline.HARASSMENT,
            status=Report.Status.RESOLVED if target is decided else Report.Status.OPEN,
            created_at=ago(hours=hours),
        )
    rows["comments"] = [reported]
    held_comment = Comment.objects.create(
        video=VideoFactory.create(), text="miracle", state=Comment.State.PENDING, created_at=ago(hours=12)
    )
    rows["held_comments"] = [held_comment]
    return rows


def shown(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {queue.title: queue for queue in response.context["moderation_queues"]}, response.content.decode()


def test_each_queue_counts_what_waits_and_since_when(client, queues, admin_user):
    client.force_login(admin_user)
    states, html = shown(client)
    assert list(states) == QUEUES
    assert {title: state.count for title, state in states.items()} == {
        "Open reports": 4,  # the videos' and the comment's
        "Reported comments": 1,
        "Open appeals": 1,
        "Videos held by a watched word": 1,
        "Comments held by a watched word": 1,
        "Bios held by a watched word": 1,
        "Topic review (STEM, News)": 2,
        "Promotions to review": 1,
    }
    oldest = {title: state.oldest for title, state in states.items()}
    assert oldest["Open reports"] == queues["reports"][0].created_at
    assert (
        oldest["Reported comments"]
        == Report.objects.get(
            comment=queues["comments"][0], status="open", created_at__lt=ago(hours=3)
        ).created_at
    )
    assert oldest["Comments held by a watched word"] == queues["held_comments"][0].created_at
    assert oldest["Open appeals"] == Appeal.objects.get(pk=queues["appeals"][0].pk).created_at
    assert oldest["Videos held by a watched word"] == AuditEntry.objects.get(action="video.review").created_at
    assert oldest["Bios held by a watched word"] == AuditEntry.objects.get(action="profile.review").created_at
    assert (
        oldest["Topic review (STEM, News)"] == VideoTopic.objects.get(topic__slug="news").video.published_at
    )
    assert oldest["Promotions to review"] == queues["promotions"][0].paid_at
    # The ages as a person reads them, in the row of their queue.
    assert [round(state.waited.total_seconds() / 3600) for state in states.values()] == [
        5,
        4,
        3,
        9,
        12,
        11,
        8,
        7,
    ]
    assert "5\xa0hours" in html
    assert "11\xa0hours" in html


def test_an_empty_queue_says_nothing_waits(client, admin_user):
    client.force_login(admin_user)
    states, html = shown(client)
    assert {state.count for state in states.values()} == {0}
    assert {state.oldest for state in states.values()} == {None}
    assert html.count("nothing waits") == len(QUEUES)


def test_each_link_opens_its_queue_filtered(client, queues, admin_user):
    client.force_login(admin_user)
    states, html = shown(client)
    expected = {
        "Open reports": (
            reverse("admin:creators_report_changelist") + "?status__exact=open",
            queues["reports"] + list(Report.objects.filter(comment__isnull=False, status="open")),
        ),
        "Reported comments": (reverse("admin:creators_reportedcomment_changelist"), queues["comments"]),
        "Open appeals": (
            reverse("admin:creators_appeal_changelist") + "?state__exact=open",
            queues["appeals"],
        ),
        "Promotions to review": (
            reverse("admin:businesses_promotion_changelist") + "?state__exact=in_review",
            queues["promotions"],
        ),
    }
    for title, (url, rows) in expected.items():
        assert states[title].url == url
        assert f'href="{url.replace("&", "&amp;")}"' in html
        listed = client.get(url).context["cl"].result_list
        assert sorted(row.pk for row in listed) == sorted(row.pk for row in rows)
    assert states["Topic review (STEM, News)"].url == reverse("admin:creators_topicreview_changelist")
    assert client.get(states["Topic review (STEM, News)"].url).context["cl"].result_count == 2
    assert states["Videos held by a watched word"].url == reverse("admin:creators_reviewvideo_changelist")
    assert states["Comments held by a watched word"].url == reverse("admin:creators_reviewcomment_changelist")
    held = client.get(states["Comments held by a watched word"].url).context["cl"].result_list
    assert [comment.pk for comment in held] == [queues["held_comments"][0].pk]


def test_a_moderator_sees_only_the_queues_they_may_view(client, queues):
    client.force_login(staff_with("view_report"))
    states, html = shown(client)
    assert list(states) == ["Open reports"]
    assert "Open appeals" not in html
    assert "Promotions to review" not in html


def test_staff_with_no_queue_see_no_queue_table(client, queues):
    client.force_login(staff_with("view_hashtag"))
    states, html = shown(client)
    assert states == {}
    assert 'data-testid="moderation-queues"' not in html


def test_a_stem_reviewer_counts_only_the_stem_queue(client, queues):
    reviewer = UserFactory.create(is_staff=True)
    reviewer.groups.add(Group.objects.get(name="STEM reviewers"))
    client.force_login(reviewer)
    states, _ = shown(client)
    assert list(states) == ["Topic review (STEM, News)"]
    assert states["Topic review (STEM, News)"].count == 1
    assert states["Topic review (STEM, News)"].oldest == queues["stem"][0].video.published_at


def test_the_home_reads_the_queues_in_a_fixed_number_of_queries(
    client, queues, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("admin:index"))
    report(hours=1)
    VideoFactory.create(moderation_state=Video.Moderation.REVIEW)
    # Session and user, the admin log, and per queue one aggregate (and one more for the holds' audit entries).
    with django_assert_num_queries(13):
        client.get(reverse("admin:index"))


def test_reports_and_appeals_sit_together_under_trust_and_safety_first(client, admin_user):
    client.force_login(admin_user)
    app_list = client.get(reverse("admin:index")).context["app_list"]
    assert app_list[0]["name"] == "Trust and safety"
    assert [entry["object_name"] for entry in app_list[0]["models"]][:3] == [
        "Report",
        "ReportedComment",
        "Appeal",
    ]
    # Every registered model is listed once, in some group.
    from django.contrib import admin

    listed = [entry["model"] for app in app_list for entry in app["models"]]
    assert sorted(model._meta.label for model in listed) == sorted(
        model._meta.label for model in admin.site._registry
    )


def test_the_appeals_list_says_what_was_decided_in_words_with_a_link(client, admin_user):
    appeal = Appeal.objects.create(decision=decision(), appellant=UserFactory.create(), statement="No.")
    client.force_login(admin_user)
    html = client.get(reverse("admin:creators_appeal_changelist")).content.decode()
    link = reverse("admin:creators_decision_change", args=[appeal.decision_id])
    assert (
        f'Video removed (dangerous acts) — <a href="{link}">appeal of decision #{appeal.decision_id}</a>'
        in html
    )


def test_the_reports_list_names_the_outcome_in_words(client, admin_user):
    decided = report(hours=1, status=Report.Status.RESOLVED)
    taken = decision(action=Decision.Action.WARNING, guideline=Guideline.HARASSMENT)
    Report.objects.filter(pk=decided.pk).update(decision=taken)
    client.force_login(admin_user)
    html = client.get(reverse("admin:creators_report_changelist")).content.decode()
    link = reverse("admin:creators_decision_change", args=[taken.pk])
    assert f'Account warned (harassment or hate) — <a href="{link}">decision #{taken.pk}</a>' in html


def test_decisions_filter_by_the_guidelines_name(client, admin_user):
    dangerous = decision(guideline=Guideline.DANGEROUS)
    decision(guideline=Guideline.SPAM)
    client.force_login(admin_user)
    response = client.get(reverse("admin:creators_decision_changelist"), {"guideline__exact": "dangerous"})
    assert [row.pk for row in response.context["cl"].result_list] == [dangerous.pk]
    assert "Dangerous acts</a>" in response.content.decode()
