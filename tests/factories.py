"""factory_boy factories shared by the whole suite."""

import datetime
import uuid

import factory
from django.utils import timezone

from creators.models import CreatorProfile, Video
from platform import age
from platform.models import FamilyLink, User

TEST_PASSWORD = "a-long-test-password"


def born_years_ago(years: int, *, days: int = 0) -> datetime.date:
    """A birthday exactly ``years`` ago today (29 Feb falls back to 28 Feb), shifted by ``days``."""
    today = age.today()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + datetime.timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("first_name")
    date_of_birth = factory.LazyFunction(lambda: born_years_ago(30))
    country = "DE"
    region = "DE-BY"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    class Params:
        # An adult who may link a teen's account: a confirmed email, joined more than a week ago
        # (``platform.age.parent_account_refusal``). ``UserFactory.create(eligible_parent=True)``.
        eligible_parent = factory.Trait(
            date_of_birth=factory.LazyFunction(lambda: born_years_ago(40)),
            date_joined=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=8)),
            email_confirmed_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=8)),
        )

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        # factory_boy passes the built object; save once after set_password ran.
        if create:
            obj.save()


class CreatorFactory(factory.django.DjangoModelFactory[CreatorProfile]):
    class Meta:
        model = CreatorProfile

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"creator_{n}")
    display_name = factory.Faker("name")


class VideoFactory(factory.django.DjangoModelFactory[Video]):
    """A published video row; its files are only names (tests of media use real clips)."""

    class Meta:
        model = Video

    owner = factory.SubFactory(CreatorFactory)
    caption = factory.Sequence(lambda n: f"Video number {n}")
    state = Video.State.PUBLISHED
    duration = 3.0
    width, height, fps = 320, 568, 30.0
    trim_start, trim_end = 0.0, 3.0
    public_id = factory.LazyFunction(uuid.uuid4)
    original = factory.LazyAttribute(lambda video: f"videos/{video.public_id.hex}/original.mp4")
    published_at = factory.LazyFunction(timezone.now)


def published_video(*, topics: tuple[str, ...] = (), review: str = "approved", **fields: object) -> Video:
    """A published video in the given topics (by slug), reviewed as ``review``."""
    from creators.models import Topic, VideoTopic

    video = VideoFactory.create(**fields)
    for slug in topics:
        VideoTopic.objects.create(video=video, topic=Topic.objects.get(slug=slug), review_state=review)
    return video


def family_pair(*, parent: User, teen: User) -> FamilyLink:
    """Link ``teen`` to ``parent`` the way the pages do: a code, whose it is, the confirmation."""
    from platform import family

    code = family.pairing_code_create(parent=parent).code
    preview = family.pairing_preview(teen=teen, code=code)
    return family.pairing_link(teen=teen, token=preview.token)
