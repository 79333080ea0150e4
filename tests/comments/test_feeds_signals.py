"""A comment is an interest signal: the ranking learns from writing one as from a like."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from creators.comments import services as comment_services
from creators.models import Topic
from feeds import ranking, services
from feeds.api.serializers import signal_batch_parse
from feeds.models import InterestProfile, Signal
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

# What follows a comment (its signal, its notifications) runs in the worker: here, eagerly after commit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def comment(author, video, text="So good", **fields):
    return comment_services.comment_post(author=author, video=video, text=text, **fields)


def test_a_comment_weighs_as_much_as_a_like_in_the_ranking_module():
    assert ranking.KIND_WEIGHTS["comment"] == ranking.KIND_WEIGHTS["like"]
    assert "comment" in Signal.Kind.values


def test_commenting_teaches_the_profile_what_a_like_teaches(django_capture_on_commit_callbacks):
    video = published_video(owner=CreatorFactory.create(), topics=("stem",))
    liker, commenter = UserFactory.create(), UserFactory.create()
    services.signals_record(
        viewer=viewer_for_user(liker),
        items=[
            services.SignalInput(event_id=uuid.uuid4(), video=video.public_id, kind="like", source="link")
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        posted = comment(commenter, video)
    stem = Topic.objects.get(slug="stem").pk

    liked = InterestProfile.objects.get(viewer_key=f"u:{liker.pk}")
    commented = InterestProfile.objects.get(viewer_key=f"u:{commenter.pk}")
    assert commented.weights["t"] == liked.weights["t"] == {str(stem): 1.5}
    assert commented.weights["c"] == liked.weights["c"]
    assert commented.favourites == liked.favourites == [video.pk]
    # The ranking now leans to STEM for the commenter, exactly as for the liker.
    weights = ranking.Weights.from_json(commented.weights)
    assert weights.rate("topics", stem) > 0
    assert weights.rate("topics", stem) == ranking.Weights.from_json(liked.weights).rate("topics", stem)
    stored = Signal.objects.get(viewer_key=f"u:{commenter.pk}")
    assert (stored.kind, stored.source, stored.video_id) == ("comment", "comments", video.pk)
    assert stored.event_id == uuid.uuid5(services.signals.COMMENT_EVENTS, str(posted.pk))


def test_a_reply_counts_too_and_the_same_comment_is_learnt_once(django_capture_on_commit_callbacks):
    video = published_video(owner=CreatorFactory.create(), topics=("stem",))
    author, replier = UserFactory.create(), UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        parent = comment(author, video)
        reply = comment(replier, video, text="Agreed", parent_id=parent.pk)
    again = services.comment_signal_record(comment_id=reply.pk)  # the hook ran twice: one signal
    assert (again.accepted, again.duplicates) == (0, 1)
    assert Signal.objects.filter(kind="comment").count() == 2
    assert InterestProfile.objects.get(viewer_key=f"u:{replier.pk}").signal_count == 1


def test_a_refused_comment_records_no_signal(django_capture_on_commit_callbacks):
    video = published_video(owner=CreatorFactory.create())
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        comment(UserFactory.create(), video, text="   ")
    assert not Signal.objects.exists()
    assert not InterestProfile.objects.exists()


def test_a_comment_whose_author_is_gone_teaches_nobody(django_capture_on_commit_callbacks):
    video = published_video(owner=CreatorFactory.create())
    author = UserFactory.create()
    posted = comment(author, video)
    type(posted).objects.filter(pk=posted.pk).update(author=None)
    result = services.comment_signal_record(comment_id=posted.pk)
    assert result.accepted == 0
    assert services.comment_signal_record(comment_id=posted.pk + 1000).accepted == 0
    assert not Signal.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("kind", "comment"), ("source", "comments")])
def test_the_player_cannot_send_a_comment_signal(field, value):
    video = published_video(owner=CreatorFactory.create())
    raw = {"event_id": str(uuid.uuid4()), "video": str(video.public_id), "kind": "like", "source": "for_you"}
    items, errors = signal_batch_parse({"events": [{**raw, field: value}]})
    assert items == []
    assert errors == [{"index": 0, "detail": {field: [f"“{value}” is not a valid choice."]}}]
    assert not Signal.objects.exists()
