"""A suspended account can log in and out, read its notifications, its decisions and the guidelines, and
appeal; every other page answers 403 with a page that says until when, and the API with JSON."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from creators import services
from creators.models import Appeal, Report
from platform.models import User
from tests.factories import TEST_PASSWORD, CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspension():
    moderator = UserFactory.create(is_staff=True, is_superuser=True)
    person = UserFactory.create()
    CreatorFactory.create(user=person, handle="suspended_one")
    decision = services.decision_take(
        actor=moderator,
        action="suspend",
        facts="Threats.",
        guideline="harassment",
        account=person,
        ends_at=timezone.now() + datetime.timedelta(days=7),
    )
    person.refresh_from_db()
    return person, decision


@pytest.fixture
def suspended_client(client, suspension):
    client.force_login(suspension[0])
    return client


REFUSED_PAGES = [
    "/",
    "/feed/following/",
    "/studio/",
    "/studio/upload/",
    "/@suspended_one/",
    "/accounts/settings/",
]


@pytest.mark.parametrize("path", REFUSED_PAGES)
def test_other_pages_answer_403_saying_until_when(suspended_client, suspension, path):
    response = suspended_client.get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account is suspended" in html
    assert suspension[0].suspended_until.strftime("%-d %B %Y") in html
    assert 'href="/decisions/"' in html


def test_a_video_page_and_posting_are_refused(suspended_client):
    video = published_video()
    assert suspended_client.get(f"/v/{video.public_id}/").status_code == 403
    assert suspended_client.post(f"/@{video.owner.handle}/follow").status_code == 403
    assert suspended_client.post(f"/@{video.owner.handle}/report", {"reason": "spam"}).status_code == 403
    assert Report.objects.count() == 0


def test_the_admin_is_refused_to_a_suspended_moderator(client):
    staff = UserFactory.create(
        is_staff=True, is_superuser=True, suspended_until=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(staff)
    assert client.get("/admin/").status_code == 403


def test_decisions_guidelines_and_the_appeal_stay_open(suspended_client, suspension):
    person, decision = suspension
    assert suspended_client.get("/decisions/").status_code == 200
    assert suspended_client.get(f"/decisions/{decision.pk}/").status_code == 200
    assert suspended_client.get("/guidelines/").status_code == 200
    response = suspended_client.post(f"/decisions/{decision.pk}/", {"statement": "I was hacked."})
    assert response.status_code == 302
    assert Appeal.objects.get().appellant == person


@pytest.mark.parametrize("path", ["/notifications/", "/static/css/joyreel.css", "/media/nothing.jpg"])
def test_notifications_and_files_are_not_refused(suspended_client, path):
    # Another part builds the notification centre; whatever it answers, suspension does not stand in its way.
    assert suspended_client.get(path).status_code != 403


def test_logging_out_and_in_again_works(client, suspension):
    person, _ = suspension
    client.force_login(person)
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert client.get("/").status_code == 200  # logged out: the feed again
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 403


def test_the_api_refuses_with_json_and_allows_decisions(api_client, suspension):
    person, decision = suspension
    api_client.force_login(person)
    refused = api_client.get("/api/v1/feeds/for-you")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Your account is suspended until")
    assert refused.json()["code"] == "account_suspended"
    assert api_client.get("/api/v1/me").status_code == 403
    assert api_client.get("/api/v1/decisions/").status_code == 200
    assert api_client.get(f"/api/v1/decisions/{decision.pk}").status_code == 200
    appeal = api_client.post(
        f"/api/v1/decisions/{decision.pk}/appeal", {"statement": "Hacked."}, format="json"
    )
    assert appeal.status_code == 201
    assert api_client.get("/api/v1/notifications").status_code != 403
    assert api_client.post("/api/v1/auth/logout").status_code != 403


def test_a_token_client_is_refused_too(client, suspension):
    person, _ = suspension
    token = Token.objects.create(user=person)
    response = client.get("/api/v1/me", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]
    assert (
        client.get("/api/v1/decisions/", headers={"Authorization": f"Token {token.key}"}).status_code == 200
    )


def test_the_api_login_stays_open(api_client, suspension):
    person, _ = suspension
    response = api_client.post(
        "/api/v1/auth/login", {"email": person.email, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code != 403


def test_an_ended_suspension_refuses_nothing(client):
    person = UserFactory.create(suspended_until=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(person)
    assert client.get("/").status_code == 200
    assert client.get("/accounts/settings/").status_code == 200


def test_a_reversed_suspension_opens_the_site_again(client, suspension):
    person, decision = suspension
    second = UserFactory.create(is_staff=True, is_superuser=True)
    appeal = services.appeal_create(appellant=person, decision_id=decision.pk, statement="Hacked.")
    services.appeal_decide(actor=second, appeal=appeal, reverse_decision=True, reason="Confirmed.")
    client.force_login(User.objects.get(pk=person.pk))
    assert client.get("/").status_code == 200
