"""Across a block, either way, the other account's videos, account and avatar do not exist: reporting them
(page and both API routes) and fetching the avatar answer 404, like every other route, and write nothing."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from creators.models import CreatorProfile, Report
from platform.blocking import block_create
from platform.models import User
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocker() -> CreatorProfile:
    creator = CreatorFactory.create()
    creator.avatar_small.save("48.jpg", ContentFile(b"\xff\xd8\xff small"), save=False)
    creator.avatar_large.save("96.jpg", ContentFile(b"\xff\xd8\xff large"), save=True)
    return creator


def attempts(asker: User, target: CreatorProfile) -> dict[str, int]:
    """The status of every route that reports ``target``'s video or account, or fetches its avatar."""
    video = published_video(owner=target)
    api = APIClient()
    api.force_authenticate(asker)
    page = Client()
    page.force_login(asker)
    body = {"reason": "spam", "detail": "retaliation"}
    return {
        "api video report": api.post(
            reverse("api-report", args=[video.public_id]), body, format="json"
        ).status_code,
        "api report of the video": api.post(
            reverse("api-reports"), {**body, "video": str(video.public_id)}, format="json"
        ).status_code,
        "api report of the account": api.post(
            reverse("api-reports"), {**body, "profile": f"@{target.handle}"}, format="json"
        ).status_code,
        "report account form": page.post(
            reverse("feeds:profile_report", args=[target.handle]), body
        ).status_code,
        "large avatar": page.get(reverse("creators:avatar", args=[target.handle, "large"])).status_code,
        "small avatar": page.get(reverse("creators:avatar", args=[target.handle, "small"])).status_code,
    }


def test_the_blocked_account_cannot_report_its_blocker_or_fetch_their_avatar(blocker):
    blocked = UserFactory.create()
    block_create(blocker=blocker.user, blocked=blocked)

    answers = attempts(blocked, blocker)

    assert answers == dict.fromkeys(answers, 404)
    assert Report.objects.count() == 0


def test_the_blocker_cannot_report_the_account_they_blocked_either(blocker):
    blocked = CreatorFactory.create()
    blocked.avatar_large.save("96.jpg", ContentFile(b"\xff\xd8\xff"), save=False)
    blocked.avatar_small.save("48.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    block_create(blocker=blocker.user, blocked=blocked.user)

    answers = attempts(blocker.user, blocked)

    assert answers == dict.fromkeys(answers, 404)
    assert Report.objects.count() == 0


def test_without_a_block_the_same_routes_report_and_serve(blocker):
    answers = attempts(UserFactory.create(), blocker)

    assert answers == {
        "api video report": 201,
        "api report of the video": 201,  # the same reporter and video: the one report, reopened
        "api report of the account": 201,
        "report account form": 302,
        "large avatar": 200,
        "small avatar": 200,
    }
    assert Report.objects.count() == 2
