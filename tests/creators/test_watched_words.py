"""Watched words: the matcher, its admin (audited), and what a match does to a caption or a bio, through to
the review queue where a moderator clears or decides."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creators import services
from creators.models import CreatorProfile, Decision, Video, WatchedWord
from creators.trust.watched_words import watched_match, watched_word_delete, watched_word_save
from platform.models import AuditEntry, Notification
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory.create(is_staff=True, is_superuser=True)


@pytest.fixture
def words(staff):
    for phrase in ("miracle cure", "Détox", "scam"):
        watched_word_save(actor=staff, word=WatchedWord(phrase=phrase))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This MIRACLE   cure works", "miracle cure"),
        ("Try my #detox tea", "Détox"),
        ("DÉTOX now", "Détox"),
        ("a miraculous cure", None),
        ("secure scammer detoxify", None),  # whole words only
        ("It's a scam!", "scam"),
        ("", None),
    ],
)
def test_the_matcher_finds_whole_words_ignoring_case_and_accents(words, text, expected):
    assert watched_match(text=text) == expected


def test_the_list_is_cached_and_a_change_reaches_the_next_match(staff):
    assert watched_match(text="buy crypto") is None
    with CaptureQueriesContext(connection) as queries:
        assert watched_match(text="buy crypto") is None
    assert len(queries) == 0  # cached
    word = watched_word_save(actor=staff, word=WatchedWord(phrase="crypto"))
    assert watched_match(text="buy crypto") == "crypto"
    watched_word_delete(actor=staff, word=word)
    assert watched_match(text="buy crypto") is None
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "detail")) == [
        ("watched_word.add", {"phrase": "crypto"}),
        ("watched_word.delete", {"phrase": "crypto"}),
    ]


def test_a_duplicate_or_empty_phrase_is_refused_and_nothing_is_written(staff, words):
    for phrase in ("DETOX", "   ", "!!"):
        with pytest.raises(ValidationError) as error:
            watched_word_save(actor=staff, word=WatchedWord(phrase=phrase))
        assert "phrase" in error.value.message_dict
    assert WatchedWord.objects.count() == 3
    assert AuditEntry.objects.filter(action="watched_word.add").count() == 3


def test_the_admin_adds_edits_and_deletes_through_the_service(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:creators_watchedword_add"), {"phrase": "  fake   cure ", "note": "x"}
    )
    assert response.status_code == 302
    word = WatchedWord.objects.get()
    assert (word.phrase, word.created_by) == ("fake cure", staff)
    assert watched_match(text="a FAKE cure") == "fake cure"
    client.post(
        reverse("admin:creators_watchedword_change", args=[word.pk]), {"phrase": "false cure", "note": ""}
    )
    assert watched_match(text="a fake cure") is None
    assert watched_match(text="a false cure") == "false cure"
    client.post(reverse("admin:creators_watchedword_delete", args=[word.pk]), {"post": "yes"})
    assert WatchedWord.objects.count() == 0
    assert watched_match(text="a false cure") is None
    entries = AuditEntry.objects.order_by("pk")
    assert [(entry.action, entry.actor) for entry in entries] == [
        ("watched_word.add", staff),
        ("watched_word.change", staff),
        ("watched_word.delete", staff),
    ]


def test_the_admin_refuses_a_duplicate_and_writes_nothing(client, staff, words):
    client.force_login(staff)
    response = client.post(reverse("admin:creators_watchedword_add"), {"phrase": "Miracle Cure", "note": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"phrase": ["That phrase is already watched."]}
    assert WatchedWord.objects.count() == 3
    assert AuditEntry.objects.count() == 3


def details(video, caption):
    return services.video_update_details(
        video=video, caption=caption, topic_slugs=[], visibility="public", content_level="general"
    )


def test_a_caption_that_matches_holds_the_video_for_review_with_an_audit_entry(words):
    video = published_video(caption="")
    details(video, "Grandma's #miracle cure for colds")
    video.refresh_from_db()
    assert video.moderation_state == Video.Moderation.REVIEW
    entry = AuditEntry.objects.get(action="video.review")
    assert (entry.actor, entry.target_id, entry.detail) == (None, str(video.pk), {"phrase": "miracle cure"})
    assert Decision.objects.count() == 0  # not a decision: a moderator takes one


def test_a_hashtag_that_matches_holds_the_video(words):
    video = published_video(caption="")
    details(video, "Morning routine #detox")
    assert Video.objects.get(pk=video.pk).moderation_state == Video.Moderation.REVIEW


def test_a_clean_caption_publishes_as_before_and_audits_nothing(words):
    video = published_video(caption="")
    details(video, "Morning routine #tea")
    assert Video.objects.get(pk=video.pk).moderation_state == Video.Moderation.VISIBLE
    assert not AuditEntry.objects.filter(action="video.review").exists()


def test_a_removed_video_is_not_brought_back_to_review(words):
    video = published_video(caption="", moderation_state=Video.Moderation.REMOVED)
    details(video, "miracle cure")
    assert Video.objects.get(pk=video.pk).moderation_state == Video.Moderation.REMOVED
    assert not AuditEntry.objects.filter(action="video.review").exists()


def test_a_cleared_video_saved_again_unchanged_is_not_held_again(words, staff):
    video = published_video(caption="")
    details(video, "miracle cure")
    services.decision_take(
        actor=staff, action=Decision.Action.REVIEW_CLEAR, facts="Fine.", video=Video.objects.get(pk=video.pk)
    )
    details(Video.objects.get(pk=video.pk), "miracle cure")
    assert Video.objects.get(pk=video.pk).moderation_state == Video.Moderation.VISIBLE


def test_a_draft_published_after_the_list_grew_is_held(staff):
    video = published_video(caption="all natural remedy", state=Video.State.DRAFT, duration=3.0)
    watched_word_save(actor=staff, word=WatchedWord(phrase="natural remedy"))
    services.video_publish(video=video, start=0.0, end=2.0)
    assert Video.objects.get(pk=video.pk).moderation_state == Video.Moderation.REVIEW


def test_the_studio_says_under_review(client, words):
    video = published_video(caption="")
    details(video, "miracle cure")
    client.force_login(video.owner.user)
    assert "Under review" in client.get(reverse("creators:studio")).content.decode()


def test_a_bio_that_matches_goes_under_review(words):
    creator = CreatorFactory.create()
    services.creator_profile_update(
        profile=creator, display_name="Ana", bio="Ask me about the miracle cure", links=[], region=""
    )
    creator.refresh_from_db()
    assert creator.is_under_review
    entry = AuditEntry.objects.get(action="profile.review")
    assert (entry.actor, entry.detail) == (None, {"phrase": "miracle cure"})


def test_a_clean_bio_does_not(words):
    creator = CreatorFactory.create()
    services.creator_profile_update(
        profile=creator, display_name="Ana", bio="I bake bread", links=[], region=""
    )
    assert not CreatorProfile.objects.get(pk=creator.pk).is_under_review
    assert not AuditEntry.objects.filter(action="profile.review").exists()


def test_a_new_profile_with_a_matching_bio_starts_under_review(words):
    user = UserFactory.create()
    profile = services.creator_profile_create(user=user, handle="newbie", display_name="N", bio="scam free")
    assert CreatorProfile.objects.get(pk=profile.pk).is_under_review


# --- the review queue ---------------------------------------------------------------------------


def test_the_review_queue_lists_only_videos_under_review(client, staff):
    held = published_video(caption="held one", moderation_state=Video.Moderation.REVIEW)
    published_video(caption="visible one")
    client.force_login(staff)
    response = client.get(reverse("admin:creators_reviewvideo_changelist"))
    assert response.status_code == 200
    assert [video.pk for video in response.context["cl"].result_list] == [held.pk]


def test_looks_fine_clears_the_video_through_a_decision(client, staff):
    held = published_video(moderation_state=Video.Moderation.REVIEW)
    client.force_login(staff)
    client.post(
        reverse("admin:creators_reviewvideo_changelist"),
        {"action": "looks_fine", ACTION_CHECKBOX_NAME: [held.pk]},
    )
    assert Video.objects.get(pk=held.pk).moderation_state == Video.Moderation.VISIBLE
    decision = Decision.objects.get()
    assert (decision.action, decision.decided_by, decision.video_id) == ("review_clear", staff, held.pk)
    assert AuditEntry.objects.filter(action="decision.review_clear", actor=staff).count() == 1
    assert Notification.objects.count() == 0  # nothing was held against the creator


def test_remove_asks_for_the_facts_then_decides_and_tells_the_creator(client, staff):
    held = published_video(moderation_state=Video.Moderation.REVIEW)
    client.force_login(staff)
    url = reverse("admin:creators_reviewvideo_changelist")
    form = client.post(url, {"action": "remove", ACTION_CHECKBOX_NAME: [held.pk]})
    assert form.status_code == 200
    assert "The creator is told what you write" in form.content.decode()
    assert Decision.objects.count() == 0
    client.post(
        url,
        {
            "action": "remove",
            ACTION_CHECKBOX_NAME: [held.pk],
            "apply": "Remove",
            "guideline": "misinformation",
            "facts": "Sells a fake cure.",
        },
    )
    assert Video.objects.get(pk=held.pk).moderation_state == Video.Moderation.REMOVED
    decision = Decision.objects.get()
    assert (decision.action, decision.guideline, decision.facts, decision.source) == (
        "remove",
        "misinformation",
        "Sells a fake cure.",
        "watched_words",
    )
    assert Notification.objects.get().user == held.owner.user


def test_remove_without_facts_shows_the_form_again_and_writes_nothing(client, staff):
    held = published_video(moderation_state=Video.Moderation.REVIEW)
    client.force_login(staff)
    response = client.post(
        reverse("admin:creators_reviewvideo_changelist"),
        {
            "action": "limit",
            ACTION_CHECKBOX_NAME: [held.pk],
            "apply": "Limit",
            "guideline": "spam",
            "facts": " ",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"facts": ["This field is required."]}
    assert Video.objects.get(pk=held.pk).moderation_state == Video.Moderation.REVIEW
    assert Decision.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_the_bio_queue_clears_a_bio(client, staff):
    creator = CreatorFactory.create(bio="miracle cure", is_under_review=True)
    CreatorFactory.create(bio="fine")
    client.force_login(staff)
    url = reverse("admin:creators_reviewprofile_changelist")
    assert [profile.pk for profile in client.get(url).context["cl"].result_list] == [creator.pk]
    client.post(url, {"action": "looks_fine", ACTION_CHECKBOX_NAME: [creator.pk]})
    assert not CreatorProfile.objects.get(pk=creator.pk).is_under_review
    assert AuditEntry.objects.get().action == "profile.review_clear"


def test_the_bio_queue_warns_the_creator_with_the_facts(client, staff):
    creator = CreatorFactory.create(bio="miracle cure", is_under_review=True)
    client.force_login(staff)
    client.post(
        reverse("admin:creators_reviewprofile_changelist"),
        {
            "action": "warn",
            ACTION_CHECKBOX_NAME: [creator.pk],
            "apply": "Warn",
            "guideline": "misinformation",
            "facts": "The bio advertises a fake cure.",
        },
    )
    decision = Decision.objects.get()
    assert (decision.action, decision.account, decision.video) == ("warning", creator.user, None)
    assert CreatorProfile.objects.get(pk=creator.pk).is_under_review  # still hidden until changed and cleared
