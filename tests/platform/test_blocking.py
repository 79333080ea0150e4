"""Blocks and mutes: the services (idempotent, never of oneself, follows ended both ways), the settings
list and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from creators import services as creator_services
from creators.models import CreatorProfile, Follow, FollowChange
from platform import blocking
from platform.models import Block, Mute
from platform.statements import STAND_IN_ID
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_block_is_written_once_however_often_it_is_asked_for():
    blocker, blocked = UserFactory.create(), UserFactory.create()
    first = blocking.block_create(blocker=blocker, blocked=blocked)
    second = blocking.block_create(blocker=blocker, blocked=blocked)
    assert first.pk == second.pk
    assert list(Block.objects.values_list("blocker_id", "blocked_id")) == [(blocker.pk, blocked.pk)]


def test_blocking_yourself_is_refused_and_nothing_is_written():
    user = UserFactory.create()
    with pytest.raises(ValidationError, match=r"You can't block yourself\."):
        blocking.block_create(blocker=user, blocked=user)
    assert not Block.objects.exists()


def test_muting_yourself_is_refused_and_nothing_is_written():
    user = UserFactory.create()
    with pytest.raises(ValidationError, match=r"You can't mute yourself\."):
        blocking.mute_create(muter=user, muted=user)
    assert not Mute.objects.exists()


def test_mute_is_written_once_and_unmute_twice_is_harmless():
    muter, muted = UserFactory.create(), UserFactory.create()
    assert (
        blocking.mute_create(muter=muter, muted=muted).pk == blocking.mute_create(muter=muter, muted=muted).pk
    )
    assert Mute.objects.count() == 1
    blocking.mute_delete(muter=muter, muted=muted)
    blocking.mute_delete(muter=muter, muted=muted)
    assert not Mute.objects.exists()


def test_unblock_lifts_only_that_block_and_twice_is_harmless():
    blocker, blocked, other = UserFactory.create(), UserFactory.create(), UserFactory.create()
    blocking.block_create(blocker=blocker, blocked=blocked)
    blocking.block_create(blocker=other, blocked=blocker)
    blocking.block_delete(blocker=blocker, blocked=blocked)
    blocking.block_delete(blocker=blocker, blocked=blocked)
    assert list(Block.objects.values_list("blocker_id", "blocked_id")) == [(other.pk, blocker.pk)]


def test_hidden_users_are_blocked_either_way_and_muted_by_me_only():
    me = UserFactory.create()
    i_blocked, blocked_me, i_muted, muted_me, stranger = (UserFactory.create() for _ in range(5))
    blocking.block_create(blocker=me, blocked=i_blocked)
    blocking.block_create(blocker=blocked_me, blocked=me)
    blocking.mute_create(muter=me, muted=i_muted)
    blocking.mute_create(muter=muted_me, muted=me)
    blocked_ids = set(blocking.users_blocked_either_way(user_id=me.pk))
    hidden_ids = set(blocking.users_hidden_from(user_id=me.pk))
    assert blocked_ids == {i_blocked.pk, blocked_me.pk}
    assert hidden_ids == {i_blocked.pk, blocked_me.pk, i_muted.pk}
    assert stranger.pk not in hidden_ids
    assert muted_me.pk not in hidden_ids
    # Read at once, the same accounts (each once, though I both blocked and muted one of them).
    blocking.mute_create(muter=me, muted=i_blocked)
    assert blocking.hidden_ids(user_id=me.pk) == sorted(hidden_ids)


def test_account_block_ends_follows_and_requests_both_ways_and_uncounts_them():
    blocker_profile = CreatorFactory.create(user=UserFactory.create(is_private=True))
    blocked_profile = CreatorFactory.create()
    blocker, blocked = blocker_profile.user, blocked_profile.user
    creator_services.follow_create(follower=blocker, creator=blocked_profile)  # approved (public)
    creator_services.follow_create(follower=blocked, creator=blocker_profile)  # pending (private)
    bystander_follow = creator_services.follow_create(follower=UserFactory.create(), creator=blocked_profile)
    assert Follow.objects.get(follower=blocked).status == Follow.Status.PENDING

    creator_services.account_block(blocker=blocker, blocked=blocked)

    assert list(Follow.objects.values_list("pk", flat=True)) == [bystander_follow.pk]
    blocked_profile.refresh_from_db()
    blocker_profile.refresh_from_db()
    assert (blocked_profile.follower_count, blocker_profile.follower_count) == (1, 0)
    # the approved follow's loss is logged for analytics; the pending request never counted
    assert list(FollowChange.objects.filter(creator=blocked_profile).values_list("delta", flat=True)) == [
        1,
        1,
        -1,
    ]
    assert not FollowChange.objects.filter(creator=blocker_profile).exists()
    assert Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def test_account_block_of_yourself_changes_nothing():
    profile = CreatorFactory.create()
    follower = UserFactory.create()
    creator_services.follow_create(follower=follower, creator=profile)
    with pytest.raises(ValidationError):
        creator_services.account_block(blocker=profile.user, blocked=profile.user)
    assert not Block.objects.exists()
    assert Follow.objects.count() == 1


@pytest.mark.parametrize("direction", ["blocker_follows", "blocked_follows"])
def test_no_follow_either_way_while_a_block_exists_and_nothing_is_written(direction):
    blocker_profile, blocked_profile = CreatorFactory.create(), CreatorFactory.create()
    creator_services.account_block(blocker=blocker_profile.user, blocked=blocked_profile.user)
    follower, creator = (
        (blocker_profile.user, blocked_profile)
        if direction == "blocker_follows"
        else (blocked_profile.user, blocker_profile)
    )
    with pytest.raises(ValidationError, match=r"You can't follow this account\."):
        creator_services.follow_create(follower=follower, creator=creator)
    assert not Follow.objects.exists()
    assert not FollowChange.objects.exists()
    assert set(CreatorProfile.objects.values_list("follower_count", flat=True)) == {0}


def test_follow_works_again_after_unblock():
    blocker_profile, blocked_profile = CreatorFactory.create(), CreatorFactory.create()
    creator_services.account_block(blocker=blocker_profile.user, blocked=blocked_profile.user)
    creator_services.account_unblock(blocker=blocker_profile.user, blocked=blocked_profile.user)
    follow = creator_services.follow_create(follower=blocked_profile.user, creator=blocker_profile)
    assert follow.status == Follow.Status.APPROVED


# --- account settings -------------------------------------------------------------------


def test_settings_list_blocked_and_muted_accounts_and_unblock_and_unmute_there(client):
    me = UserFactory.create()
    blocked = CreatorFactory.create(handle="loud_one", display_name="Loud <b>One</b>")
    muted = CreatorFactory.create(handle="chatty")
    creator_services.account_block(blocker=me, blocked=blocked.user)
    creator_services.account_mute(muter=me, muted=muted.user)
    client.force_login(me)

    page = client.get(reverse("account_settings")).content.decode()
    assert "Blocked and muted accounts" in page
    assert "@loud_one" in page
    assert "@chatty" in page
    assert "Loud &lt;b&gt;One&lt;/b&gt;" in page  # escaped

    block = Block.objects.get()
    response = client.post(reverse("block_remove", args=[block.pk]))
    assert response.status_code == 302
    assert not Block.objects.exists()
    client.post(reverse("mute_remove", args=[Mute.objects.get().pk]))
    assert not Mute.objects.exists()
    page = client.get(reverse("account_settings")).content.decode()
    assert "You haven't blocked anyone." in page
    assert "You haven't muted anyone." in page


def test_settings_cannot_lift_someone_elses_block(client):
    someone, blocked = UserFactory.create(), UserFactory.create()
    block = blocking.block_create(blocker=someone, blocked=blocked)
    mute = blocking.mute_create(muter=someone, muted=blocked)
    client.force_login(blocked)
    client.post(reverse("block_remove", args=[block.pk]))
    client.post(reverse("mute_remove", args=[mute.pk]))
    assert Block.objects.filter(pk=block.pk).exists()
    assert Mute.objects.filter(pk=mute.pk).exists()


def test_unblock_from_settings_must_be_a_post(client):
    me, blocked = UserFactory.create(), UserFactory.create()
    block = blocking.block_create(blocker=me, blocked=blocked)
    client.force_login(me)
    assert client.get(reverse("block_remove", args=[block.pk])).status_code == 405
    assert Block.objects.filter(pk=block.pk).exists()


# --- profile page buttons ------------------------------------------------------------------


def test_block_asks_first_and_says_what_it_does(client):
    me, them = UserFactory.create(), CreatorFactory.create(handle="them")
    client.force_login(me)
    page = client.get(reverse("creators:block", args=["them"])).content.decode()
    assert "Block @them?" in page
    assert "They can't see your profile or your videos, and can't follow you." in page
    assert not Block.objects.exists()  # asking writes nothing
    response = client.post(reverse("creators:block", args=["them"]))
    assert response.status_code == 302
    assert Block.objects.filter(blocker=me, blocked=them.user).exists()


def test_profile_buttons_mute_and_unmute(client):
    me, them = UserFactory.create(), CreatorFactory.create(handle="them")
    client.force_login(me)
    page = client.get(them.get_absolute_url()).content.decode()
    assert 'data-testid="mute"' in page
    assert 'data-testid="block"' in page
    client.post(reverse("creators:mute", args=["them"]))
    assert Mute.objects.filter(muter=me, muted=them.user).exists()
    page = client.get(them.get_absolute_url()).content.decode()
    assert 'data-testid="unmute"' in page
    assert "Muted: their videos don't show in your feeds." in page
    client.post(reverse("creators:unmute", args=["them"]))
    assert not Mute.objects.exists()


def test_anonymous_visitors_see_no_block_buttons_and_cannot_block(client):
    them = CreatorFactory.create(handle="them")
    page = client.get(them.get_absolute_url()).content.decode()
    assert 'data-testid="block"' not in page
    response = client.post(reverse("creators:block", args=["them"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Block.objects.exists()


def test_own_profile_has_no_block_button_and_blocking_oneself_is_refused(client):
    me = CreatorFactory.create(handle="me_myself")
    client.force_login(me.user)
    page = client.get(me.get_absolute_url()).content.decode()
    assert 'data-testid="block"' not in page
    response = client.get(reverse("creators:block", args=["me_myself"]), follow=True)
    assert "You can&#x27;t block yourself." in response.content.decode()
    assert not Block.objects.exists()


# --- API -------------------------------------------------------------------------------------


def test_api_block_list_and_unblock(api_client):
    me = UserFactory.create()
    them = CreatorFactory.create(handle="them", display_name="Them")
    api_client.force_authenticate(me)
    first = api_client.post(reverse("api-block", args=["them"]))
    again = api_client.post(reverse("api-block", args=["them"]))
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["handle"] == "them"
    assert first.json()["display_name"] == "Them"
    assert Block.objects.count() == 1
    listing = api_client.get(reverse("api-blocks")).json()
    assert [(item["handle"], item["display_name"]) for item in listing["results"]] == [("them", "Them")]
    assert api_client.delete(reverse("api-block", args=["them"])).status_code == 204
    assert api_client.delete(reverse("api-block", args=["them"])).status_code == 204
    assert not Block.objects.exists()
    assert api_client.get(reverse("api-blocks")).json()["results"] == []
    assert them.user.blocks.count() == 0


def test_api_mute_list_and_unmute(api_client):
    me = UserFactory.create()
    CreatorFactory.create(handle="them")
    api_client.force_authenticate(me)
    assert api_client.post(reverse("api-mute", args=["them"])).status_code == 201
    assert [item["handle"] for item in api_client.get(reverse("api-mutes")).json()["results"]] == ["them"]
    assert api_client.delete(reverse("api-mute", args=["them"])).status_code == 204
    assert not Mute.objects.exists()


def test_api_block_of_yourself_is_a_400_and_writes_nothing(api_client):
    me = CreatorFactory.create(handle="me_myself")
    api_client.force_authenticate(me.user)
    response = api_client.post(reverse("api-block", args=["me_myself"]))
    assert response.status_code == 400
    assert response.json() == {"detail": "You can't block yourself.", "code": "invalid"}
    assert not Block.objects.exists()


def test_api_block_needs_a_login_and_an_existing_handle(api_client):
    CreatorFactory.create(handle="them")
    assert api_client.post(reverse("api-block", args=["them"])).status_code == 401
    assert api_client.get(reverse("api-blocks")).status_code == 401
    api_client.force_authenticate(UserFactory.create())
    assert api_client.post(reverse("api-block", args=["nobody_here"])).status_code == 404
    assert not Block.objects.exists()


def test_api_blocks_list_only_your_own(api_client):
    me, other = UserFactory.create(), UserFactory.create()
    CreatorFactory.create(handle="mine")
    theirs = CreatorFactory.create(handle="theirs")
    creator_services.account_block(blocker=other, blocked=theirs.user)
    api_client.force_authenticate(me)
    api_client.post(reverse("api-block", args=["mine"]))
    assert [item["handle"] for item in api_client.get(reverse("api-blocks")).json()["results"]] == ["mine"]


def test_blocks_endpoints_are_in_the_schema(api_client):
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()
    assert {"/api/v1/blocks", "/api/v1/blocks/{handle}", "/api/v1/mutes", "/api/v1/mutes/{handle}"} <= set(
        schema["paths"]
    )
    assert set(schema["paths"]["/api/v1/blocks/{handle}"]) >= {"post", "delete"}


def test_hidden_ids_read_through_their_compiled_statement():
    """The union is compiled once (``platform.statements``), not quietly left to the ORM."""
    me = UserFactory.create()
    assert blocking.hidden_ids(user_id=me.pk) == []
    statement = blocking._hidden_statements.statement(
        "hidden", {"user_id": STAND_IN_ID}, lambda: blocking._hidden_union(STAND_IN_ID)
    )
    assert statement is not None
    assert [param.name for param in statement.params if hasattr(param, "name")] == ["user_id"] * 3
