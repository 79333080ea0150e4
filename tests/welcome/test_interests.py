"""The "What do you enjoy?" step: shown after sign-up, skippable, its picks seeding For You, and refusals."""

import pytest
from django.urls import reverse

from feeds.models import InterestProfile
from feeds.ranking import Weights
from feeds.welcome.seeding import SEED_GAIN, SEED_VIEWS
from platform.models import User
from tests.factories import UserFactory, born_years_ago
from tests.welcome.world import world_build

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new@example.com",
    "display_name": "New Person",
    "password1": "correct-horse-battery",
    "password2": "correct-horse-battery",
    "country": "DE",
    "region": "bayern",
}


def profile_weights(user: User) -> Weights:
    return Weights.from_json(InterestProfile.objects.get(viewer_key=f"u:{user.pk}").weights)


@pytest.mark.parametrize("years", [25, 15])
def test_sign_up_leads_to_the_interests_step_for_adults_and_teens_alike(client, years):
    response = client.post(reverse("signup"), {**SIGNUP, "date_of_birth": born_years_ago(years).isoformat()})

    assert response.status_code == 302
    assert response["Location"] == "/welcome/interests"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "What do you enjoy?" in html
    # Real checkboxes inside their labels (keyboard and screen readers), one per topic, and a way out.
    assert html.count('type="checkbox" name="topics"') == 16
    assert '<label class="welcome-choice"><input type="checkbox" name="topics" value="' in html
    assert f'href="{reverse("home")}">Skip for now</a>' in html


def test_skipping_writes_nothing_and_the_page_needs_an_account(client):
    assert client.get(reverse("welcome-interests"))["Location"].startswith("/accounts/login/")
    user = UserFactory.create()
    client.force_login(user)

    assert client.get(reverse("home")).status_code == 200  # "Skip for now" is a link home
    assert not InterestProfile.objects.filter(viewer_key=f"u:{user.pk}").exists()


def test_picking_stem_suggests_its_most_watched_hashtags_and_never_a_mature_one(client):
    world = world_build()
    client.force_login(UserFactory.create(date_of_birth=born_years_ago(30)))

    response = client.post(reverse("welcome-interests"), {"topics": [world.stem.pk], "step": "hashtags"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="topics" value="{world.stem.pk}" checked' in html
    suggested = [
        (tag.name, tag.topic_id) for group in response.context["groups"] for tag in group["hashtags"]
    ]
    assert suggested == [("physics", world.stem.pk), ("chemistry", world.stem.pk)]
    assert "#spicy" not in html
    assert "Start watching" in html


def test_saving_the_picks_seeds_light_evidence_and_goes_to_for_you(client):
    world = world_build()
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(
        reverse("welcome-interests"),
        {"topics": [world.stem.pk, world.comedy.pk], "hashtags": [world.physics.pk], "step": "save"},
    )

    assert (response.status_code, response["Location"]) == (302, "/")
    weights = profile_weights(user)
    assert weights.topics == {world.stem.pk: SEED_GAIN, world.comedy.pk: SEED_GAIN}
    assert weights.topic_views == {world.stem.pk: SEED_VIEWS, world.comedy.pk: SEED_VIEWS}
    assert (weights.hashtags, weights.hashtag_views) == (
        {world.physics.pk: SEED_GAIN},
        {world.physics.pk: SEED_VIEWS},
    )
    assert weights.creators == {}
    assert round(weights.rate("topics", world.stem.pk), 3) == 0.375  # a light nudge, not a verdict


def test_new_viewer_who_picks_stem_gets_stem_in_the_first_five_videos(client):
    world = world_build()
    client.force_login(UserFactory.create())

    before = client.get(reverse("api-feed-for-you")).json()["results"][:5]
    picked = client.post(
        reverse("api-me-interests"), {"topics": [world.stem.pk]}, content_type="application/json"
    )
    after = client.get(reverse("api-feed-for-you")).json()["results"][:5]

    assert picked.status_code == 200
    assert picked.json() == {"topics": [world.stem.pk], "hashtags": []}
    stem_before = [item["video"]["topics"] for item in before].count(["stem"])
    stem_after = [item["video"]["topics"] for item in after].count(["stem"])
    # The other topics are watched more than STEM: without the pick it comes at most by exploring; with
    # it STEM leads the page (never three in a row from one topic).
    assert stem_before <= 1
    assert stem_after >= 2
    assert after[0]["video"]["topics"] == ["stem"]
