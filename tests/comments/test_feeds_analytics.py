"""Comments in the creator's analytics: counted per day and per video by the rollup from the comments'
signals, shown beside likes and shares on the dashboard, in the API and in the CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.comments import services as comment_services
from feeds.analytics import rollup, rules, selectors
from feeds.models import CreatorDay, Signal, VideoDay
from tests.factories import CreatorFactory, UserFactory, published_video

# What follows a comment (its signal, its notifications) runs in the worker: here, eagerly after commit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


class Conversation:
    """Cleo's two videos, commented on over two closed days; her own replies and an outsider's video too."""

    def __init__(self, capture) -> None:
        today = timezone.now().astimezone(datetime.UTC).date()
        self.first, self.second = today - datetime.timedelta(days=3), today - datetime.timedelta(days=2)
        self.cleo = CreatorFactory.create(handle="cleo")
        self.bread = published_video(owner=self.cleo, caption="Bread")
        self.knife = published_video(owner=self.cleo, caption="Knife")
        self.elsewhere = published_video(owner=CreatorFactory.create(), caption="Elsewhere")
        ann, bob, cat = UserFactory.create(), UserFactory.create(), UserFactory.create()
        with capture(execute=True):
            asked = self.post(ann, self.bread, "How long does it rise?")
            self.post(bob, self.bread, "Lovely crust")
            self.post(self.cleo.user, self.bread, "Two hours!", parent_id=asked.pk)  # her own: not counted
            self.post(cat, self.elsewhere, "Not Cleo's video")
        self.move_signals_to(self.first)
        with capture(execute=True):
            self.post(cat, self.bread, "Thanks, that worked", parent_id=asked.pk)  # a reply counts
            self.post(ann, self.knife, "Sharp!")
            self.post(bob, self.knife, "Which steel?")
        self.move_signals_to(self.second)

    def post(self, author, video, text, **fields):
        return comment_services.comment_post(author=author, video=video, text=text, **fields)

    def move_signals_to(self, day: datetime.date) -> None:
        noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        Signal.objects.filter(kind="comment", created_at__gt=noon).update(created_at=noon)


@pytest.fixture
def conversation(django_capture_on_commit_callbacks) -> Conversation:
    world = Conversation(django_capture_on_commit_callbacks)
    assert rollup.analytics_rollup() >= 2
    return world


def test_the_rollup_counts_comments_per_video_and_day_but_not_the_creators_own(conversation):
    c = conversation
    per_video_day = {(row.video_id, row.day): row.comments for row in VideoDay.objects.filter(comments__gt=0)}
    assert per_video_day == {
        (c.bread.pk, c.first): 2,
        (c.bread.pk, c.second): 1,
        (c.knife.pk, c.second): 2,
        (c.elsewhere.pk, c.first): 1,
    }
    per_day = dict(CreatorDay.objects.filter(creator=c.cleo).values_list("day", "comments"))
    assert per_day == {c.first: 2, c.second: 3}
    # Comments are not views: the days have no views, likes or shares.
    assert set(VideoDay.objects.values_list("views", "likes", "shares")) == {(0, 0, 0)}


def test_re_running_a_day_changes_no_comment_count(conversation):
    c = conversation
    before = list(VideoDay.objects.order_by("video_id", "day").values_list("video_id", "day", "comments"))
    from django.db import transaction

    with transaction.atomic():
        rollup.analytics_rollup_day(day=c.first)
    after = list(VideoDay.objects.order_by("video_id", "day").values_list("video_id", "day", "comments"))
    assert after == before


def test_the_overview_and_top_videos_count_comments(conversation):
    c = conversation
    period = rules.DayRange(c.first, c.second)
    overview = selectors.analytics_overview(creator=c.cleo, period=period, last_day=c.second)
    assert overview.metrics["comments"].value == 5
    assert overview.metrics["comments"].previous == 0
    assert overview.daily["comments"] == [2, 3]
    top = selectors.analytics_top_videos(creator=c.cleo, period=period)
    assert {row.video.pk: row.comments for row in top} == {c.bread.pk: 3, c.knife.pk: 2}
    one_day = selectors.analytics_video(video=c.knife, period=period, site_watch_through=0.3)
    assert one_day.totals["comments"] == 2


def test_the_dashboard_api_and_export_show_comments(conversation, client, api_client):
    c = conversation
    client.force_login(c.cleo.user)
    page = client.get(reverse("feeds:analytics"), {"range": "7"}).content.decode()
    assert '<div class="metric" data-metric="comments">' in page
    assert '<th scope="col">Comments</th>' in page
    video_page = client.get(reverse("feeds:analytics_video", args=[c.bread.public_id]), {"range": "7"})
    assert (
        'data-metric="comments"><dt>Comments</dt><dd class="metric-value">3</dd>'
        in video_page.content.decode()
    )

    api_client.force_authenticate(c.cleo.user)
    body = api_client.get(reverse("api-analytics"), {"range": "7"}).json()
    assert body["metrics"]["comments"]["value"] == 5
    assert sum(body["daily"]["comments"]) == 5
    assert {row["caption"]: row["comments"] for row in body["top_videos"]} == {"Bread": 3, "Knife": 2}

    response = api_client.get(reverse("api-analytics-export"), {"range": "7"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    column = rows[0].index("comments")
    assert rows[0][column - 2 : column + 1] == ["likes", "shares", "comments"]
    assert sorted((row[0], row[2], row[column]) for row in rows[1:]) == [
        (c.first.isoformat(), "Bread", "2"),
        (c.second.isoformat(), "Bread", "1"),
        (c.second.isoformat(), "Knife", "2"),
    ]
