"""The statement-of-reasons pages and API: a person reads and appeals only their own decisions."""

import datetime
import re

import pytest
from django.utils import timezone

from creators import services
from creators.models import Appeal, Decision
from platform.guidelines import Guideline
from tests.factories import UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory.create(is_staff=True, is_superuser=True)


def removal(moderator, video=None, facts="Links to a <b>scam</b> shop."):
    video = video or published_video(caption="My <script>alert(1)</script> dance")
    return services.decision_take(
        actor=moderator, action="remove", facts=facts, guideline="spam", video=video
    )


def test_the_decision_page_states_the_reasons_and_offers_an_appeal(client, moderator):
    decision = removal(moderator)
    client.force_login(decision.account)
    response = client.get(f"/decisions/{decision.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Decision about your video" in html
    assert "Removed" in html
    assert 'href="/guidelines/#guideline-spam"' in html
    assert "Spam or scam" in html
    assert "Links to a &lt;b&gt;scam&lt;/b&gt; shop." in html  # user-facing text is escaped
    assert "My &lt;script&gt;alert(1)&lt;/script&gt; dance" in html
    assert "<script>alert(1)" not in html
    assert "Taken by a moderator" in html
    assert 'data-testid="appeal-form"' in html
    assert decision.appeal_until is not None
    assert decision.appeal_until.strftime("%-d %B %Y") in html


def test_an_appeal_from_the_page_is_saved_once_and_then_shown(client, moderator):
    decision = removal(moderator)
    client.force_login(decision.account)
    url = f"/decisions/{decision.pk}/"
    response = client.post(url, {"statement": "It is a dance, not a shop."}, follow=True)
    html = response.content.decode()
    assert "your appeal is with a different moderator" in html
    assert 'data-testid="appeal-form"' not in html
    assert "Waiting for a moderator" in html
    assert Appeal.objects.get().statement == "It is a dance, not a shop."
    client.post(url, {"statement": "Again."})
    assert Appeal.objects.count() == 1


def test_an_empty_appeal_is_refused_and_nothing_is_written(client, moderator):
    decision = removal(moderator)
    client.force_login(decision.account)
    response = client.post(f"/decisions/{decision.pk}/", {"statement": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Appeal.objects.count() == 0


def test_a_late_appeal_from_the_page_is_refused(client, moderator):
    decision = removal(moderator)
    Decision.objects.filter(pk=decision.pk).update(appeal_until=timezone.now() - datetime.timedelta(days=1))
    client.force_login(decision.account)
    html = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "The time to appeal this decision ended" in html
    assert 'data-testid="appeal-form"' not in html
    response = client.post(f"/decisions/{decision.pk}/", {"statement": "Please."})
    assert "180 days to appeal this decision have passed" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_someone_elses_decision_is_404_on_the_page_and_to_appeal(client, moderator):
    decision = removal(moderator)
    client.force_login(UserFactory.create())
    assert client.get(f"/decisions/{decision.pk}/").status_code == 404
    assert client.post(f"/decisions/{decision.pk}/", {"statement": "Mine."}).status_code == 404
    assert Appeal.objects.count() == 0


def test_the_pages_need_a_login(client, moderator):
    decision = removal(moderator)
    assert client.get(f"/decisions/{decision.pk}/").status_code == 302
    assert client.get("/decisions/").status_code == 302


def test_the_list_shows_only_my_decisions_with_reversals(client, moderator, django_assert_max_num_queries):
    mine = removal(moderator)
    other_video = published_video(owner=mine.video.owner, caption="Second")
    services.decision_take(
        actor=moderator, action="limit", facts="Meh.", guideline="other", video=other_video
    )
    removal(moderator, video=published_video(caption="Not yours"))
    Decision.objects.filter(pk=mine.pk).update(reversed_at=timezone.now())
    client.force_login(mine.account)
    with django_assert_max_num_queries(6):
        html = client.get("/decisions/").content.decode()
    assert html.count('class="card"') == 2
    assert "Not yours" not in html
    assert "Reversed" in html
    assert "Not recommended" in html


def test_an_account_decision_page_says_until_when(client, moderator):
    person = UserFactory.create()
    until = timezone.now() + datetime.timedelta(days=5)
    decision = services.decision_take(
        actor=moderator,
        action="suspend",
        facts="Threats.",
        guideline="harassment",
        account=person,
        ends_at=until,
    )
    client.force_login(person)
    html = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "Decision about your account" in html
    assert 'data-testid="decision-ends"' in html
    assert until.strftime("%-d %B %Y") in html


def test_every_guideline_has_an_anchor_on_the_guidelines_page(client):
    html = client.get("/guidelines/").content.decode()
    anchors = set(re.findall(r'id="guideline-([a-z_]+)"', html))
    assert anchors == set(Guideline.values)


# --- the API -------------------------------------------------------------------------------------


def test_the_api_lists_and_shows_my_decisions(api_client, moderator):
    decision = removal(moderator)
    removal(moderator)  # someone else's
    api_client.force_authenticate(decision.account)
    listing = api_client.get("/api/v1/decisions/")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["results"]] == [decision.pk]
    detail = api_client.get(f"/api/v1/decisions/{decision.pk}").json()
    assert detail["action"] == "remove"
    assert detail["guideline_url"] == "/guidelines/#guideline-spam"
    assert detail["video"]["public_id"] == str(decision.video.public_id)
    assert detail["appeal"] is None
    assert detail["url"] == f"/decisions/{decision.pk}/"


def test_the_api_appeals_once(api_client, moderator):
    decision = removal(moderator)
    api_client.force_authenticate(decision.account)
    url = f"/api/v1/decisions/{decision.pk}/appeal"
    response = api_client.post(url, {"statement": "Not a shop."}, format="json")
    assert response.status_code == 201
    assert response.json()["appeal"]["state"] == "open"
    again = api_client.post(url, {"statement": "Again."}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "You have already appealed this decision.", "code": "conflict"}
    assert Appeal.objects.count() == 1


def test_the_api_refuses_an_empty_late_or_foreign_appeal_with_nothing_written(api_client, moderator):
    decision = removal(moderator)
    api_client.force_authenticate(decision.account)
    url = f"/api/v1/decisions/{decision.pk}/appeal"
    empty = api_client.post(url, {"statement": "   "}, format="json")
    assert empty.status_code == 400
    assert empty.json() == {"detail": "Tell us why the decision is wrong.", "code": "invalid"}
    Decision.objects.filter(pk=decision.pk).update(
        appeal_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    late = api_client.post(url, {"statement": "Late."}, format="json")
    assert late.status_code == 409
    assert "180 days" in late.json()["detail"]
    api_client.force_authenticate(UserFactory.create())
    foreign = api_client.post(url, {"statement": "Mine."}, format="json")
    assert foreign.status_code == 404
    assert foreign.json() == {"detail": "No such decision.", "code": "not_found"}
    assert api_client.get(f"/api/v1/decisions/{decision.pk}").status_code == 404
    assert Appeal.objects.count() == 0


def test_the_api_schema_describes_the_decisions(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/decisions/" in schema["paths"]
    appeal = schema["paths"]["/api/v1/decisions/{decision_id}/appeal"]["post"]
    assert set(appeal["responses"]) == {"201", "400", "401", "403", "404", "409", "413", "415"}
