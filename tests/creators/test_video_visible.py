"""``video_get_visible`` runs ``videos_visible``'s SQL compiled once per kind of viewer: it must answer
exactly as the ORM query does, for every kind of viewer and video, on the first call and on later ones,
and never hand one viewer's answer to another."""

import uuid

import pytest

from creators.models import Video
from creators.selectors import _visible_video_statements, video_get_visible, videos_visible
from platform.blocking import block_create
from platform.statements import STAND_IN_ID, STAND_IN_UUID, StatementCache, compile_statement
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.visibility_world import visibility_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_statements():
    _visible_video_statements.clear()
    yield
    _visible_video_statements.clear()


def test_each_viewer_gets_what_videos_visible_gives_them_first_time_and_after():
    viewers, videos = visibility_world()
    for round_ in range(2):  # compiled on the first round, reused on the second
        for viewer in viewers:
            allowed = set(videos_visible(viewer=viewer).values_list("pk", flat=True))
            for video in videos:
                found = video_get_visible(public_id=video.public_id, viewer=viewer)
                assert (found is not None) == (video.pk in allowed), (round_, viewer.key, video.caption)
                if found is not None:
                    _same_rows(found, Video.objects.select_related("owner__user").get(pk=video.pk))
    assert len(_visible_video_statements._statements) >= 4  # adult, teen, restricted, anonymous


def _same_rows(found: Video, loaded: Video) -> None:
    """Every column of the video, its owner and the owner's account as the ORM loads them (uuids, dates,
    times with their zone, JSON, booleans), and loaded as saved rows."""
    for ours, theirs in ((found, loaded), (found.owner, loaded.owner), (found.owner.user, loaded.owner.user)):
        for field in type(theirs)._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.attname
            assert type(getattr(ours, field.attname)) is type(getattr(theirs, field.attname)), field.attname
        assert (ours._state.adding, ours._state.db) == (False, "default")


def test_the_video_comes_whole_with_its_owner_and_account(django_assert_num_queries):
    owner = CreatorFactory.create(links=["https://example.com/a"], bio="Hello")
    video = published_video(owner=owner, caption="Sunset")
    viewer = viewer_for_user(UserFactory.create())
    video_get_visible(public_id=video.public_id, viewer=viewer)  # compiled
    with django_assert_num_queries(1):
        found = video_get_visible(public_id=video.public_id, viewer=viewer)
        assert found is not None
        assert found.owner.user.date_of_birth is not None  # loaded with it: no query
    _same_rows(found, Video.objects.select_related("owner__user").get(pk=video.pk))


def test_a_public_id_that_is_not_a_video_or_not_a_uuid_is_none():
    viewer = viewer_for_user(UserFactory.create())
    assert video_get_visible(public_id=uuid.uuid4(), viewer=viewer) is None
    assert video_get_visible(public_id="not-a-uuid", viewer=viewer) is None
    video = published_video()
    assert video_get_visible(public_id=str(video.public_id), viewer=viewer) == video


def test_a_change_after_compiling_is_seen_at_once():
    """The statement is SQL, not an answer: a block or a private video made after it was compiled counts."""
    viewer_user = UserFactory.create()
    viewer = viewer_for_user(viewer_user)
    video = published_video()
    assert video_get_visible(public_id=video.public_id, viewer=viewer) == video
    block_create(blocker=video.owner.user, blocked=viewer_user)
    assert video_get_visible(public_id=video.public_id, viewer=viewer) is None
    other = published_video()
    assert video_get_visible(public_id=other.public_id, viewer=viewer) == other
    Video.objects.filter(pk=other.pk).update(visibility=Video.Visibility.PRIVATE)
    assert video_get_visible(public_id=other.public_id, viewer=viewer) is None


def test_a_stand_in_the_sql_does_not_carry_is_not_compiled():
    """When a stand-in is not among the parameters, nothing is cached and the caller asks the ORM."""
    queryset = Video.objects.filter(public_id=STAND_IN_UUID)
    assert compile_statement(queryset, {"public_id": STAND_IN_UUID}) is not None
    assert compile_statement(queryset, {"public_id": STAND_IN_UUID, "user_id": STAND_IN_ID}) is None
    cache = StatementCache(size=2)
    for key in ("a", "b", "c"):
        cache.statement(key, {"public_id": STAND_IN_UUID}, lambda: queryset)
    assert len(cache._statements) == 2  # the oldest went
    video = published_video()
    statement = cache.statement("c", {"public_id": STAND_IN_UUID}, lambda: queryset)
    assert statement is not None
    assert [row[0] for row in statement.run({"public_id": video.public_id})] == [video.pk]
