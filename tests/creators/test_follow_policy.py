"""Who may follow an account (a parent may set it for a linked teen): everyone, people approved one by
one, or nobody."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from creators import services
from creators.models import CreatorProfile, Follow, FollowChange
from platform.models import User
from tests.factories import CreatorFactory, UserFactory, born_years_ago

pytestmark = pytest.mark.django_db

AGES = [14, 16, 30]


def creator_of(years, policy, *, is_private=False):
    user = UserFactory.create(
        date_of_birth=born_years_ago(years), follow_policy=policy, is_private=is_private
    )
    return CreatorFactory.create(user=user)


@pytest.mark.parametrize("years", AGES)
def test_nobody_may_follow_and_nothing_is_written(years):
    creator = creator_of(years, User.FollowPolicy.NOBODY)
    with pytest.raises(ValidationError, match="doesn't take new followers"):
        services.follow_create(follower=UserFactory.create(), creator=creator)
    assert Follow.objects.count() == 0
    assert FollowChange.objects.count() == 0
    assert CreatorProfile.objects.get(pk=creator.pk).follower_count == 0


@pytest.mark.parametrize("years", AGES)
def test_approved_policy_makes_every_follow_a_request_even_on_a_public_account(years):
    creator = creator_of(years, User.FollowPolicy.APPROVED, is_private=False)
    follow = services.follow_create(follower=UserFactory.create(), creator=creator)
    assert follow.status == Follow.Status.PENDING
    assert CreatorProfile.objects.get(pk=creator.pk).follower_count == 0
    services.follow_approve(creator=creator, follow_id=follow.pk)
    assert CreatorProfile.objects.get(pk=creator.pk).follower_count == 1


def test_everyone_policy_on_a_public_adult_account_follows_at_once():
    creator = creator_of(30, User.FollowPolicy.EVERYONE)
    assert (
        services.follow_create(follower=UserFactory.create(), creator=creator).status
        == Follow.Status.APPROVED
    )


def test_follow_api_refuses_when_nobody_may_follow():
    creator = creator_of(16, User.FollowPolicy.NOBODY)
    client = APIClient()
    client.force_authenticate(UserFactory.create())
    response = client.post(reverse("api-follow", args=[creator.handle]))
    assert response.status_code == 400
    assert response.json() == {"detail": "This account doesn't take new followers.", "code": "follow_policy"}
    assert Follow.objects.count() == 0
