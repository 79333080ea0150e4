"""The creators' pages, the creators admin and the studio API in German: no English sentence where a
German-speaking person looks, German plurals, numbers and dates, and refusals that keep their codes."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from creators import services
from creators.models import Appeal, Decision, Follow, Video
from tests.factories import CreatorFactory, UserFactory, VideoFactory, published_video
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def german_page(client, url, *, status=200, method="get", data=None):
    response = getattr(client, method)(url, data or {}, **GERMAN)
    assert response.status_code == status, response.content.decode()[:2000]
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert english_on_page(html) == []
    return html


@pytest.fixture
def creator():
    return CreatorFactory.create(
        handle="brezn_maxi",
        display_name="Maxi Huber",
        bio="Brezn backen in Sendling",
        user=UserFactory.create(display_name="Maxi"),
    )


@pytest.fixture
def moderator():
    return UserFactory.create(is_staff=True, is_superuser=True, display_name="Moderation")


def test_the_profile_in_german_with_videos_and_a_plural_of_followers(client, creator):
    published_video(owner=creator, caption="Brezn #backen")
    for _ in range(2):
        Follow.objects.create(follower=UserFactory.create(), creator=creator)
    creator.follower_count = 4166
    creator.save(update_fields=["follower_count"])
    client.force_login(UserFactory.create(display_name="Zuschauerin"))

    html = german_page(client, creator.get_absolute_url())

    assert '<strong data-testid="follower-count">4.166</strong> Follower' in html
    assert ">Folgen</button>" in html
    assert "Konto melden" in html


def test_a_profile_without_videos_and_a_private_one_in_german(client, creator):
    html = german_page(client, creator.get_absolute_url())
    assert "Noch keine Videos." in html
    assert '<strong data-testid="follower-count">0</strong> Follower' in html

    creator.user.is_private = True
    creator.user.save(update_fields=["is_private"])
    html = german_page(client, creator.get_absolute_url())
    assert "Dieses Konto ist privat." in html


def test_block_pages_in_german(client, creator):
    viewer = UserFactory.create()
    client.force_login(viewer)
    html = german_page(client, reverse("creators:block", args=[creator.handle]))
    assert "@brezn_maxi blockieren?" in html

    response = client.post(reverse("creators:block", args=[creator.handle]), follow=True, **GERMAN)
    assert "Du hast @brezn_maxi blockiert." in response.content.decode()
    html = german_page(client, creator.get_absolute_url())
    assert "Du hast @brezn_maxi blockiert" in html


def test_the_studio_in_german_with_videos_and_states(client, creator):
    published_video(owner=creator, caption="Brezn #backen")
    VideoFactory.create(owner=creator, caption="", state=Video.State.DRAFT, published_at=None)
    VideoFactory.create(
        owner=creator,
        caption="Kaputt",
        state=Video.State.FAILED,
        failure_reason="This file has no video, only sound.",
        published_at=None,
    )
    Follow.objects.create(
        follower=UserFactory.create(display_name="Vroni"), creator=creator, status=Follow.Status.PENDING
    )
    client.force_login(creator.user)

    html = german_page(client, reverse("creators:studio"))

    assert "Unbenannter Entwurf" in html
    assert "Veröffentlicht" in html
    assert "Diese Datei enthält kein Bild, nur Ton." in html  # a stored reason, shown in German
    assert "0 Aufrufe" in html
    assert "Folgeanfragen" in html


def test_an_empty_studio_and_the_upload_page_with_an_error_in_german(client, creator):
    client.force_login(creator.user)
    html = german_page(client, reverse("creators:studio"))
    assert "Noch keine Videos." in html

    html = german_page(client, reverse("creators:studio_upload"))
    assert "Video hochladen" in html
    html = german_page(client, reverse("creators:studio_upload"), method="post", status=400)
    assert "Video hochladen" in html


def test_the_creator_profile_form_with_errors_in_german(client):
    client.force_login(UserFactory.create())
    html = german_page(client, reverse("creators:studio_profile"))
    assert "Werde Creator" in html

    response = client.post(
        reverse("creators:studio_profile"), {"save_profile": "1", "handle": "", "display_name": ""}, **GERMAN
    )
    html = response.content.decode()
    assert english_on_page(html) == []
    assert "Anzeigename" in html


def test_the_video_editor_in_german_with_an_error(client, creator):
    video = VideoFactory.create(owner=creator, caption="", state=Video.State.DRAFT, published_at=None)
    client.force_login(creator.user)
    url = reverse("creators:studio_video", args=[video.public_id])

    html = german_page(client, url)
    assert "Video bearbeiten" in html
    assert "Entwurf speichern" in html

    response = client.post(
        url,
        {"action": "save", "start": "2", "end": "1", "visibility": "public", "content_level": "general"},
        **GERMAN,
    )
    html = response.content.decode()
    assert english_on_page(html) == []
    assert "Das Ende muss nach dem Anfang liegen." in html


def test_the_plain_watch_page_in_german(rf, creator):
    # The feeds app serves /v/<id>/ through its hook; this page is what stands when no app does.
    video = published_video(owner=creator, caption="Brezn #backen", is_unverified=True)
    request = rf.get(video.get_absolute_url())
    request.user = AnonymousUser()
    with translation.override("de"):
        html = render_to_string("creators/watch.html", {"video": video}, request=request)
    assert english_on_page(html) == []
    assert "Dieses Video enthält Behauptungen, die nicht überprüft werden konnten" in html


def test_decisions_in_german_with_a_german_date_and_an_appeal_form_with_errors(client, creator, moderator):
    video = published_video(owner=creator, caption="Brezn #backen")
    decision = services.decision_take(
        actor=moderator, action="remove", facts="Werbung für einen Betrug.", guideline="spam", video=video
    )
    Decision.objects.filter(pk=decision.pk).update(
        appeal_until=datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)
    )
    client.force_login(creator.user)

    html = german_page(client, reverse("creators:decisions"))
    assert "Entscheidungen über dich" in html

    url = reverse("creators:decision", args=[decision.pk])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
        html = german_page(client, url)
        assert "6. Dezember 2026" in html
        assert "Entscheidung über dein Video" in html

        html = german_page(client, url, method="post", data={"statement": ""}, status=200)
        assert "Einspruch senden" in html
    assert not Appeal.objects.exists()


def test_an_empty_decisions_list_in_german(client, creator):
    client.force_login(creator.user)
    html = german_page(client, reverse("creators:decisions"))
    assert "Keine Entscheidungen über dich." in html


def test_the_creators_admin_in_german(client, creator, moderator):
    video = published_video(owner=creator, caption="Brezn #backen")
    client.force_login(moderator)

    response = client.get(reverse("admin:creators_video_changelist"), **GERMAN)
    html = response.content.decode()
    # Django's own admin search box labels its icon alt="Search", untranslated; the rest is ours.
    assert [text for text in english_on_page(html) if text != "<img 'Search'>"] == []
    assert "Entfernen (überall ausblenden), mit Begründung" in html

    html = german_page(client, reverse("admin:creators_video_change", args=[video.pk]))
    assert "Veröffentlicht" in html


def test_an_api_refusal_in_german_keeps_its_code(client, creator):
    client.force_login(creator.user)
    response = client.post(
        "/api/v1/studio/uploads",
        {"filename": "a.mp4", "size": 600 * 1024 * 1024},
        content_type="application/json",
        **GERMAN,
    )
    assert response.status_code == 413
    assert response.json() == {
        "size": ["Die Datei ist größer als 512 MB."],
        "codes": {"size": ["too_large"]},
    }
    assert not creator.upload_sessions.exists()
