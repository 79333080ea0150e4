"""The conversation in German: the comments pages, the creator's inbox and settings, the player's sheet,
plural counts and ages, and API refusals whose codes stay as they are."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from creators.comments import services
from creators.comments.models import Comment, CommentFilterWord
from creators.templatetags.conversation import comment_age
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def german_page(client, url, *, status=200, method="get", data=None):
    response = getattr(client, method)(url, data or {}, **GERMAN)
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert english_on_page(html) == []
    return html


@pytest.fixture
def owner():
    return CreatorFactory.create(handle="brezn_maxi", display_name="Maxi Huber")


@pytest.fixture
def video(owner):
    return published_video(owner=owner, caption="Brezn backen #sendling")


def test_a_video_s_comments_in_german_with_plural_counts(client, owner, video):
    first = services.comment_post(
        author=UserFactory.create(display_name="Vroni"), video=video, text="Servus!"
    )
    for text in ("Mia san mia", "Schee"):
        services.comment_post(author=UserFactory.create(), video=video, text=text, parent_id=first.pk)
    services.comment_post(
        author=UserFactory.create(),
        video=video,
        text="Eine Antwort",
        parent_id=services.comment_post(author=UserFactory.create(), video=video, text="Griaß di").pk,
    )

    html = german_page(client, reverse("creators:video_comments", args=[video.public_id]))

    assert "2 Antworten ansehen" in html
    assert "1 Antwort ansehen" in html
    assert "0 Likes" in html
    assert "Melde dich an, um zu kommentieren." in html


def test_no_comments_yet_and_a_refused_comment_in_german(client, video):
    url = reverse("creators:video_comments", args=[video.public_id])
    html = german_page(client, url)
    assert "Noch keine Kommentare." in html

    client.force_login(UserFactory.create())
    html = german_page(client, url, method="post", data={"text": "   "}, status=400)
    assert "Schreib erst etwas: Der Kommentar ist leer." in html
    assert not Comment.objects.exists()


def test_a_thread_in_german(client, video):
    parent = services.comment_post(author=UserFactory.create(), video=video, text="Servus!")
    url = reverse("creators:comment_thread", args=[video.public_id, parent.pk])
    html = german_page(client, url)
    assert "Noch keine Antworten." in html

    services.comment_post(author=UserFactory.create(), video=video, text="Griaß di", parent_id=parent.pk)
    client.force_login(UserFactory.create())
    html = german_page(client, url)
    assert ">Antworten</button>" in html


def test_the_inbox_in_german_with_held_comments_and_empty(client, owner, video):
    client.force_login(owner.user)
    html = german_page(client, reverse("creators:studio_comments"))
    assert "Nichts wartet." in html
    assert "Noch keine Kommentare zu deinen Videos." in html

    services.filter_word_add(profile=owner, phrase="werbung")
    services.comment_post(author=UserFactory.create(), video=video, text="Werbung hier")
    services.comment_post(author=UserFactory.create(), video=video, text="Schee")
    html = german_page(client, reverse("creators:studio_comments"))
    assert "Wartet auf deine Freigabe" in html
    assert "Freigeben" in html


def test_comment_settings_in_german_with_an_error(client, owner):
    services.filter_word_add(profile=owner, phrase="werbung")
    client.force_login(owner.user)
    url = reverse("creators:studio_comment_settings")

    html = german_page(client, url)
    assert "Wer deine Videos kommentieren kann" in html

    html = german_page(client, url, method="post", data={"form": "word", "phrase": ""}, status=400)
    assert "Gefilterte Wörter" in html
    assert list(CommentFilterWord.objects.values_list("phrase", flat=True)) == ["werbung"]


def test_the_player_sheet_in_german(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("de"):
        html = render_to_string("comments/player_sheet.html", {}, request=request)
    assert english_on_page(html) == []
    assert "Kommentar hinzufügen …" in html


def test_comment_ages_are_german_phrases():
    now = timezone.now()
    with translation.override("de"):
        assert comment_age(now - datetime.timedelta(days=2, hours=1)) == "vor 2 Tagen"
        assert comment_age(now - datetime.timedelta(minutes=1, seconds=5)) == "vor 1 Minute"
        assert comment_age(now) == "gerade eben"
    with translation.override("en"):
        assert comment_age(now - datetime.timedelta(days=2, hours=1)) == "2 days ago"


def test_an_api_refusal_in_german_keeps_its_code(client, video):
    client.force_login(UserFactory.create())
    response = client.post(
        f"/api/v1/videos/{video.public_id}/comments",
        {"text": "   "},
        content_type="application/json",
        **GERMAN,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "comment_empty"
    assert response.json()["detail"] == "Schreib erst etwas: Der Kommentar ist leer."
    assert not Comment.objects.exists()
