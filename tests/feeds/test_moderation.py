"""Moderation and topic review only through services: every decision changes state and writes its audit entry."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from creators.models import Decision, Report, Topic, Video, VideoTopic
from creators.trust.reports import reports_decide
from platform.models import AuditEntry
from tests.factories import UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory.create(is_staff=True, is_superuser=True)


def report(video, reason="spam", key=None):
    return Report.objects.create(video=video, viewer_key=key or f"a:{Report.objects.count()}", reason=reason)


def actions():
    return sorted(AuditEntry.objects.values_list("action", flat=True))


def test_removing_reported_videos_decides_each_video_once_and_closes_every_report(moderator):
    first, second = published_video(), published_video()
    reports = [report(first, "spam"), report(first, "harassment"), report(second, "dangerous")]
    decided = reports_decide(
        actor=moderator, report_ids=[item.pk for item in reports], decision="remove", note="A scam link."
    )
    assert len(decided) == 3
    assert set(Video.objects.values_list("moderation_state", flat=True)) == {"removed"}
    assert Video.objects.get(pk=first.pk).moderation_reason == "A scam link."
    assert set(Report.objects.values_list("status", flat=True)) == {"resolved"}
    assert actions() == ["decision.remove"] * 2 + ["report.resolved"] * 3
    decision = Decision.objects.get(video=first)
    # One spam and one harassment report: a tie, settled by the guidelines' order.
    assert (decision.action, decision.guideline, decision.source) == ("remove", "spam", "report")
    entry = AuditEntry.objects.filter(action="report.resolved").order_by("pk")[0]
    assert entry.actor == moderator
    assert entry.detail == {
        "decision": "remove",
        "decision_id": decision.pk,
        "video": first.pk,
        "profile": None,
        "reason": "spam",
        "note": "A scam link.",
    }


def test_dismissing_leaves_the_video_alone_and_audits_the_report(moderator):
    video = published_video()
    item = report(video)
    reports_decide(actor=moderator, report_ids=[item.pk], decision="dismiss", note="Satire")
    item.refresh_from_db()
    assert item.status == "dismissed"
    assert Video.objects.get(pk=video.pk).moderation_state == "visible"
    assert actions() == ["decision.dismiss", "report.dismissed"]
    assert AuditEntry.objects.get(action="report.dismissed").detail["note"] == "Satire"


def test_a_decided_report_is_not_decided_again(moderator):
    item = report(published_video())
    reports_decide(actor=moderator, report_ids=[item.pk], decision="dismiss")
    assert reports_decide(actor=moderator, report_ids=[item.pk], decision="remove", note="x") == []
    item.refresh_from_db()
    assert item.status == "dismissed"
    assert Video.objects.get().moderation_state == "visible"
    assert actions() == ["decision.dismiss", "report.dismissed"]


def test_an_unknown_decision_is_refused_and_nothing_is_written(moderator):
    item = report(published_video())
    with pytest.raises(ValidationError) as error:
        reports_decide(actor=moderator, report_ids=[item.pk], decision="ban", note="x")
    assert list(error.value.message_dict) == ["decision"]
    item.refresh_from_db()
    assert item.status == "open"
    assert AuditEntry.objects.count() == 0
    assert Decision.objects.count() == 0


def test_the_report_admin_action_asks_for_the_facts_then_goes_through_the_service(client, moderator):
    video = published_video()
    item = report(video)
    client.force_login(moderator)
    changelist = reverse("admin:creators_report_changelist")
    form = client.post(changelist, {"action": "limit_videos", "_selected_action": [item.pk]})
    assert form.status_code == 200
    assert "Decide the reports: not recommended" in form.content.decode()
    assert Video.objects.get().moderation_state == "visible"  # nothing yet: the form asks first
    response = client.post(
        changelist,
        {"action": "limit_videos", "_selected_action": [item.pk], "apply": "1", "facts": "Clickbait."},
        follow=True,
    )
    assert "1 report decided (not recommended) on 1 target." in response.content.decode()
    assert Video.objects.get().moderation_state == "limited"
    assert actions() == ["decision.limit", "report.resolved"]


def test_staff_without_the_change_permission_cannot_decide_reports(client):
    item = report(published_video())
    clerk = UserFactory.create(is_staff=True)
    client.force_login(clerk)
    response = client.post(
        reverse("admin:creators_report_changelist"), {"action": "dismiss", "_selected_action": [item.pk]}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"
    assert AuditEntry.objects.count() == 0


def test_a_report_status_cannot_be_edited_by_hand(client, moderator):
    item = report(published_video())
    client.force_login(moderator)
    client.post(reverse("admin:creators_report_change", args=[item.pk]), {"status": "dismissed"})
    item.refresh_from_db()
    assert item.status == "open"
    assert AuditEntry.objects.count() == 0


def test_topic_review_state_changes_only_through_the_audited_actions(client, moderator):
    video = published_video()
    stem = Topic.objects.get(slug="stem")
    art = Topic.objects.get(slug="art")
    link = VideoTopic.objects.create(video=video, topic=stem, review_state="pending")
    client.force_login(moderator)
    change = reverse("admin:creators_videotopic_change", args=[link.pk])
    client.post(change, {"video": video.pk, "topic": art.pk, "review_state": "approved"})
    link.refresh_from_db()
    assert (link.review_state, link.topic_id) == ("pending", stem.pk)
    assert AuditEntry.objects.count() == 0
    client.post(
        reverse("admin:creators_videotopic_changelist"), {"action": "approve", "_selected_action": [link.pk]}
    )
    link.refresh_from_db()
    assert link.review_state == "approved"
    assert link.reviewed_by == moderator
    assert actions() == ["topic.approved"]


def test_the_video_page_shows_topics_without_letting_staff_approve_them_there(client, moderator):
    video = published_video(topics=("stem",), review="pending")
    client.force_login(moderator)
    html = client.get(reverse("admin:creators_video_change", args=[video.pk])).content.decode()
    assert "video_topics-0-review_state" not in html  # read-only: no form field
    assert "Pending" in html


def test_the_review_queue_cannot_delete_a_topic_link(client, moderator):
    video = published_video(topics=("stem",), review="approved")
    link = VideoTopic.objects.get(video=video)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:creators_videotopic_changelist"),
        {"action": "delete_selected", "_selected_action": [link.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert VideoTopic.objects.filter(pk=link.pk).exists()
    assert client.get(reverse("admin:creators_videotopic_delete", args=[link.pk])).status_code == 403
    assert AuditEntry.objects.count() == 0
