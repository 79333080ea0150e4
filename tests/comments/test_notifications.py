"""Who hears of a comment: the creator (one counted notification per video), the parent comment's author,
mentioned people who may see the video and are not blocked; never the author; email never in an
under-18's quiet hours; a comment waiting for review tells no one until it is visible."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from creators.comments import rules, services
from creators.comments.models import Comment
from creators.models import Follow, Video, WatchedWord
from creators.trust.watched_words import watched_word_save
from platform.blocking import block_create
from platform.models import Mute, Notification
from platform.tasks import notifications_email_task
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

# What follows a comment (its signal, its notifications) runs in the worker: here, eagerly after commit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post through the service, running what it does after commit (the notifications)."""

    def posting(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.comment_post(**kwargs)

    return posting


@pytest.fixture
def video():
    creator = CreatorFactory.create(handle="maker", user=UserFactory.create(wants_email_notifications=True))
    return published_video(owner=creator, caption="Sunset over the lake")


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def commenter(handle: str | None = None):
    user = UserFactory.create()
    if handle:
        CreatorFactory.create(user=user, handle=handle)
    return user


# --- the creator: one notification per video, counted --------------------------------------------------


def test_the_creator_gets_one_counted_notification_per_video(post, video):
    creator = video.owner.user
    for number in range(12):
        post(author=commenter(), video=video, text=f"nice {number}")
    assert titles(creator) == ["12 new comments on “Sunset over the lake”"]
    notification = Notification.objects.get(user=creator)
    assert notification.kind == Notification.Kind.COMMENT
    assert notification.url == f"/v/{video.public_id}/#comments"
    assert notification.read_at is None

    # Once read, the next comment starts a new count.
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    post(author=commenter(), video=video, text="one more")
    assert titles(creator) == [
        "12 new comments on “Sunset over the lake”",
        "1 new comment on “Sunset over the lake”",
    ]


def test_each_video_has_its_own_count(post, video):
    other = published_video(owner=video.owner, caption="")
    post(author=commenter(), video=video, text="a")
    post(author=commenter(), video=other, text="b")
    post(author=commenter(), video=other, text="c")
    assert sorted(titles(video.owner.user)) == [
        "1 new comment on “Sunset over the lake”",
        "2 new comments on your video",
    ]


def test_the_creators_own_comment_tells_no_one(post, video):
    post(author=video.owner.user, video=video, text="Thanks for watching")
    assert not Notification.objects.exists()


def test_a_muted_or_blocked_author_does_not_reach_the_creator(post, video):
    muted = commenter()
    Mute.objects.create(muter=video.owner.user, muted=muted)
    post(author=muted, video=video, text="hello")
    assert not Notification.objects.exists()


# --- replies ------------------------------------------------------------------------------------------


def test_the_parent_comments_author_hears_of_a_reply(post, video):
    first = commenter("first_person")
    parent = post(author=first, video=video, text="Where is this?")
    post(author=video.owner.user, video=video, text="Lake Constance", parent_id=parent.pk)
    reply_note = Notification.objects.get(user=first)
    assert reply_note.title == "@maker replied to your comment"
    assert reply_note.body == "Lake Constance"
    reply = Comment.objects.get(parent=parent)
    assert reply_note.url == f"/v/{video.public_id}/?comment={reply.pk}#comments"
    # The creator heard of the first comment only (their own reply tells them nothing).
    assert titles(video.owner.user) == ["1 new comment on “Sunset over the lake”"]


def test_a_reply_to_ones_own_comment_tells_only_the_creator(post, video):
    first = commenter()
    parent = post(author=first, video=video, text="first")
    post(author=first, video=video, text="and another thing", parent_id=parent.pk)
    assert not Notification.objects.filter(user=first).exists()
    assert titles(video.owner.user) == ["2 new comments on “Sunset over the lake”"]


def test_a_reply_to_the_creator_tells_them_once_as_a_reply(post, video):
    parent = post(author=video.owner.user, video=video, text="Ask me anything")
    post(author=commenter("asker"), video=video, text="How?", parent_id=parent.pk)
    assert titles(video.owner.user) == ["@asker replied to your comment"]


def test_a_blocked_parent_author_hears_nothing(post, video):
    first, second = commenter(), commenter()
    parent = post(author=first, video=video, text="hello")
    # The second person cannot reply to someone they blocked (404); blocked after replying: no notice.
    reply_target = parent.pk
    block_create(blocker=first, blocked=second)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the service's NotFound, tested in test_core
        post(author=second, video=video, text="reply", parent_id=reply_target)
    assert not Notification.objects.filter(user=first).exists()


# --- mentions -----------------------------------------------------------------------------------------


def test_mentioned_people_who_may_see_the_video_hear_of_it(post, video):
    friend = commenter("friend.one")
    post(author=commenter("writer"), video=video, text="@Friend.One look at this, and @nobody_here too")
    assert titles(friend) == ["@writer mentioned you"]


def test_no_mention_notice_to_oneself_the_blocked_or_those_who_cannot_see_the_video(post, video):
    writer = commenter("writer")
    blocked_by_writer = commenter("blocked_one")
    block_create(blocker=writer, blocked=blocked_by_writer)
    blocker_of_writer = commenter("blocker_one")
    block_create(blocker=blocker_of_writer, blocked=writer)
    muter = commenter("muter_one")
    Mute.objects.create(muter=muter, muted=writer)
    post(author=writer, video=video, text="@writer @blocked_one @blocker_one @muter_one hi")
    for person in (writer, blocked_by_writer, blocker_of_writer, muter):
        assert titles(person) == []

    followers_only = published_video(owner=video.owner, visibility=Video.Visibility.FOLLOWERS)
    outsider, insider = commenter("outsider"), commenter("insider")
    Follow.objects.create(follower=insider, creator=video.owner)
    Follow.objects.create(follower=writer, creator=video.owner)
    post(author=writer, video=followers_only, text="@outsider @insider")
    assert titles(outsider) == []
    assert titles(insider) == ["@writer mentioned you"]


def test_at_most_five_people_are_told_of_one_comment(post, video):
    people = [commenter(f"person_{n}") for n in range(rules.MAX_MENTIONS + 2)]
    text = " ".join(f"@person_{n}" for n in range(len(people))) + " @person_0"
    post(author=commenter(), video=video, text=text)
    told = [person for person in people if titles(person)]
    assert told == people[: rules.MAX_MENTIONS]
    assert Notification.objects.filter(user=people[0]).count() == 1


def test_the_parent_author_mentioned_in_a_reply_hears_once(post, video):
    first = commenter("first_one")
    parent = post(author=first, video=video, text="question")
    post(author=commenter("answerer"), video=video, text="@first_one here you go", parent_id=parent.pk)
    assert titles(first) == ["@answerer replied to your comment"]


# --- comments waiting for review ----------------------------------------------------------------------


def test_a_held_comment_tells_no_one_until_the_creator_approves_it(
    post, video, django_capture_on_commit_callbacks
):
    services.filter_word_add(profile=video.owner, phrase="giveaway")
    mentioned = commenter("mentioned")
    held = post(author=commenter("spammer"), video=video, text="giveaway @mentioned")
    assert held.state == Comment.State.HELD
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(creator=video.owner.user, comment=held)
    assert titles(mentioned) == ["@spammer mentioned you"]
    assert titles(video.owner.user) == ["1 new comment on “Sunset over the lake”"]


def test_a_pending_comment_tells_no_one_and_a_hidden_one_shown_again_tells_no_one_twice(
    post, video, django_capture_on_commit_callbacks
):
    watched_word_save(actor=None, word=WatchedWord(phrase="badword"))
    pending = post(author=commenter(), video=video, text="a badword here")
    assert pending.state == Comment.State.PENDING
    assert not Notification.objects.exists()

    shown = post(author=commenter(), video=video, text="fine")
    assert titles(video.owner.user) == ["1 new comment on “Sunset over the lake”"]
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(creator=video.owner.user, comment=shown)
        services.comment_hide(creator=video.owner.user, comment=shown, hidden=False)
    assert titles(video.owner.user) == ["1 new comment on “Sunset over the lake”"]


# --- email and quiet hours ----------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=datetime.UTC)

    def set(self, local: str) -> datetime.datetime:
        self.now = datetime.datetime.fromisoformat(local).replace(tzinfo=BERLIN).astimezone(datetime.UTC)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def test_a_teen_is_not_emailed_of_a_reply_in_their_quiet_hours(post, video, clock):
    teen = UserFactory.create(
        date_of_birth=datetime.date(2026 - 14, 1, 1),
        time_zone="Europe/Berlin",
        wants_email_notifications=True,
    )
    Follow.objects.create(follower=teen, creator=video.owner)
    clock.set("2026-06-10T19:00")
    parent = post(author=teen, video=video, text="so pretty")
    clock.set("2026-06-10T23:30")
    post(author=video.owner.user, video=video, text="thank you!", parent_id=parent.pk)
    note = Notification.objects.get(user=teen)
    assert note.title == "@maker replied to your comment"
    morning = datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)
    assert note.deliver_after == morning
    notifications_email_task()
    assert [m.to for m in mail.outbox if m.to == [teen.email]] == []
    clock.set("2026-06-11T08:05")
    notifications_email_task()
    assert [m.to for m in mail.outbox if m.to == [teen.email]] == [[teen.email]]


def test_the_creators_count_is_emailed_once_to_an_adult_who_opted_in(post, video, clock):
    clock.set("2026-06-10T12:00")
    post(author=commenter(), video=video, text="a")
    post(author=commenter(), video=video, text="b")
    before = len(mail.outbox)
    notifications_email_task()
    sent = mail.outbox[before:]
    assert [m.to for m in sent] == [[video.owner.user.email]]
    assert "2 new comments" in sent[0].body


def test_an_under_sixteen_creator_with_follow_backs_gets_a_quiet_count(post, clock):
    teen = CreatorFactory.create(
        handle="young_maker",
        user=UserFactory.create(
            date_of_birth=born_years_ago(14), time_zone="Europe/Berlin", wants_email_notifications=True
        ),
    )
    video = published_video(owner=teen, caption="my cat")
    friend = CreatorFactory.create(handle="friend_of_teen")
    Follow.objects.create(follower=friend.user, creator=teen)
    Follow.objects.create(follower=teen.user, creator=friend)
    clock.set("2026-06-10T22:00")
    post(author=friend.user, video=video, text="cute!")
    note = Notification.objects.get(user=teen.user)
    assert note.title == "1 new comment on “my cat”"
    assert note.deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)
    notifications_email_task()
    assert mail.outbox == []
