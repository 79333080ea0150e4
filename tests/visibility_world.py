"""A world of every kind of viewer and video the visibility rule (``videos_visible``) tells apart, for the
tests that check a compiled form of that rule against the ORM's own answer."""

from creators.models import CreatorProfile, Follow, Video
from platform.blocking import block_create
from platform.viewer import Viewer, viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video


def visibility_world() -> tuple[list[Viewer], list[Video]]:
    """Viewers of every shape the visibility rule tells apart, and videos each sees differently."""
    adult = UserFactory.create()
    minor = UserFactory.create(date_of_birth=born_years_ago(14))
    older_minor = UserFactory.create(date_of_birth=born_years_ago(16))
    restricted = UserFactory.create(is_restricted_mode=True)
    blocker = UserFactory.create()
    private_owner = CreatorFactory.create(user=UserFactory.create(is_private=True))
    teen_owner = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(14)))
    videos = [
        published_video(),
        published_video(content_level=Video.ContentLevel.MATURE),
        published_video(is_age_restricted=True),
        published_video(is_unverified=True),
        published_video(visibility=Video.Visibility.FOLLOWERS),
        published_video(visibility=Video.Visibility.PRIVATE),
        published_video(owner=private_owner),
        published_video(owner=teen_owner),
        published_video(owner=CreatorFactory.create(user=blocker)),
        published_video(state=Video.State.PROCESSING),
        published_video(moderation_state=Video.Moderation.REMOVED),
        published_video(owner=CreatorProfile.objects.create(user=adult, handle="adult_own")),
        published_video(
            owner=CreatorProfile.objects.create(user=minor, handle="minor_own"),
            visibility=Video.Visibility.PRIVATE,
        ),
    ]
    Follow.objects.create(follower=adult, creator=private_owner, status=Follow.Status.APPROVED)
    Follow.objects.create(follower=minor, creator=videos[4].owner, status=Follow.Status.APPROVED)
    Follow.objects.create(follower=older_minor, creator=teen_owner, status=Follow.Status.PENDING)
    block_create(blocker=blocker, blocked=adult)
    users = (adult, minor, older_minor, restricted, blocker)
    viewers = [viewer_for_user(user) for user in users]
    return [*viewers, viewer_for_user(None, key="a:" + "0" * 24)], videos
