"""STEM and News reviewers: a Django group each, with exactly the permissions the topic review queue needs;
each sees only their own topic's pending videos, decides them (audited) and can label one unverified."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.urls import reverse

from creators.models import Decision, Video, VideoTopic
from feeds import selectors
from platform.models import AuditEntry, Notification
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

QUEUE = "admin:creators_topicreview_changelist"


def reviewer(group: str):
    user = UserFactory.create(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def pending():
    verified = CreatorFactory.create(user=UserFactory.create(is_verified_publisher=True))
    stem = published_video(topics=("stem",), review="pending")
    news = published_video(owner=verified, topics=("news",), review="pending")
    return {
        "stem": VideoTopic.objects.get(video=stem),
        "news": VideoTopic.objects.get(video=news),
    }


def test_the_groups_hold_exactly_the_queues_permissions():
    for name in ("STEM reviewers", "News reviewers"):
        permissions = Group.objects.get(name=name).permissions.order_by("codename")
        assert [(p.content_type.model, p.codename) for p in permissions] == [
            ("topicreview", "change_topicreview"),
            ("video", "label_unverified"),
            ("topicreview", "view_topicreview"),
        ]


@pytest.mark.parametrize("group", ["STEM reviewers", "News reviewers"])
def test_a_reviewers_admin_lists_only_the_topic_review_queue(client, group):
    client.force_login(reviewer(group))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    listed = [
        (app["app_label"], [model["object_name"] for model in app["models"]])
        for app in response.context["app_list"]
    ]
    assert listed == [("videos-and-creators", ["TopicReview"])]
    assert 'data-testid="transparency-link"' not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:platform_user_changelist"),
        reverse("admin:creators_video_changelist"),
        reverse("admin:creators_videotopic_changelist"),
        reverse("admin:creators_reviewvideo_changelist"),
        reverse("admin:creators_watchedword_changelist"),
        reverse("admin-transparency"),
    ],
)
def test_a_reviewer_cannot_open_anything_else(client, url):
    client.force_login(reviewer("STEM reviewers"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("group", "topic"), [("STEM reviewers", "stem"), ("News reviewers", "news")])
def test_each_reviewer_sees_only_their_topics_pending_videos(client, pending, group, topic):
    client.force_login(reviewer(group))
    response = client.get(reverse(QUEUE))
    assert [row.pk for row in response.context["cl"].result_list] == [pending[topic].pk]


def test_a_superuser_sees_every_curated_pending_review(client, pending):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    rows = client.get(reverse(QUEUE)).context["cl"].result_list
    assert {row.pk for row in rows} == {pending["stem"].pk, pending["news"].pk}


def test_a_stem_reviewer_approves_stem_and_it_reaches_the_stem_feed_audited(client, pending):
    stem_reviewer = reviewer("STEM reviewers")
    client.force_login(stem_reviewer)
    client.post(reverse(QUEUE), {"action": "approve", ACTION_CHECKBOX_NAME: [pending["stem"].pk]})
    row = VideoTopic.objects.get(pk=pending["stem"].pk)
    assert (row.review_state, row.reviewed_by) == ("approved", stem_reviewer)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.detail) == ("topic.approved", stem_reviewer, {"topic": "stem"})
    page = selectors.feed_topic(viewer=viewer_for_user(UserFactory.create(), key="u:v"), slug="stem")
    assert page is not None
    assert [item.video.pk for item in page.items] == [row.video_id]


def test_a_stem_reviewer_cannot_decide_a_news_review(client, pending):
    client.force_login(reviewer("STEM reviewers"))
    client.post(reverse(QUEUE), {"action": "approve", ACTION_CHECKBOX_NAME: [pending["news"].pk]})
    assert VideoTopic.objects.get(pk=pending["news"].pk).review_state == "pending"
    assert AuditEntry.objects.count() == 0
    change = reverse("admin:creators_topicreview_change", args=[pending["news"].pk])
    assert client.get(change).status_code == 302  # not in their queue: the admin says it does not exist


def test_news_stays_verified_publishers_only_even_when_a_reviewer_approves(client):
    unverified_author = published_video(topics=("news",), review="pending")
    client.force_login(reviewer("News reviewers"))
    row = VideoTopic.objects.get(video=unverified_author)
    client.post(reverse(QUEUE), {"action": "approve", ACTION_CHECKBOX_NAME: [row.pk]})
    assert VideoTopic.objects.get(pk=row.pk).review_state == "approved"
    page = selectors.feed_topic(viewer=viewer_for_user(UserFactory.create(), key="u:v"), slug="news")
    assert page is not None
    assert page.items == []


def test_a_reviewer_labels_a_video_unverified_with_a_statement_of_reasons(client, pending):
    news_reviewer = reviewer("News reviewers")
    client.force_login(news_reviewer)
    row = pending["news"]
    form = client.post(reverse(QUEUE), {"action": "label_unverified", ACTION_CHECKBOX_NAME: [row.pk]})
    assert form.status_code == 200
    assert list(form.context["form"].fields["guideline"].choices) == [("misinformation", "False information")]
    assert Decision.objects.count() == 0
    client.post(
        reverse(QUEUE),
        {
            "action": "label_unverified",
            ACTION_CHECKBOX_NAME: [row.pk],
            "apply": "Label",
            "guideline": "misinformation",
            "facts": "The casualty figure has no source.",
        },
    )
    video = Video.objects.get(pk=row.video_id)
    assert video.is_unverified
    decision = Decision.objects.get()
    assert (
        decision.action,
        decision.guideline,
        decision.source,
        decision.decided_by,
        decision.is_automated,
    ) == (
        "label_unverified",
        "misinformation",
        "reviewer",
        news_reviewer,
        False,
    )
    assert AuditEntry.objects.get(action="decision.label_unverified").actor == news_reviewer
    notification = Notification.objects.get(user=video.owner.user)
    assert "The casualty figure has no source." in notification.body


def test_the_label_refuses_another_guideline_and_writes_nothing(client, pending):
    client.force_login(reviewer("News reviewers"))
    response = client.post(
        reverse(QUEUE),
        {
            "action": "label_unverified",
            ACTION_CHECKBOX_NAME: [pending["news"].pk],
            "apply": "Label",
            "guideline": "spam",
            "facts": "Spam.",
        },
    )
    assert response.status_code == 200
    assert "guideline" in response.context["form"].errors
    assert not Video.objects.get(pk=pending["news"].video_id).is_unverified
    assert Decision.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_staff_without_the_label_permission_has_no_label_action(client, pending):
    group = Group.objects.create(name="Topic approvers")
    group.permissions.set(
        Group.objects.get(name="STEM reviewers").permissions.exclude(codename="label_unverified")
    )
    user = UserFactory.create(is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "label_unverified" not in actions
    assert "approve" in actions
