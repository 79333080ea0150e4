"""Both engines (SQLite's FTS5 here by default, PostgreSQL's full text search and pg_trgm with
DATABASE_URL set) answer the same questions the same way: words, prefixes, accents, umlauts spelt out,
typos, every word required, and suggestions."""

import pytest
from django.db import connection

from creators.models import Topic, VideoTopic
from feeds.search import selectors
from feeds.search.backends import search_backend
from feeds.search.models import SearchTerm, VideoDocument
from feeds.search.text import fold, query_parse
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db


def found(text: str, viewer=None) -> list[int]:
    viewer = viewer or viewer_for_user(None, key="a:search")
    return [video.pk for video in selectors.videos_search(viewer=viewer, query=query_parse(text)).items]


def test_fold_makes_every_spelling_of_munchen_one_word():
    assert fold("München") == fold("muenchen") == fold("Munchen") == fold("MÜNCHEN") == "munchen"
    assert fold("Straße, #Brezn_Zeit!") == "strasse brezn zeit"


@pytest.mark.parametrize("typed", ["muenchen", "munchen", "münchen", "München", "MUENCHEN"])
def test_every_spelling_finds_munchen(indexed, typed):
    munich = published_video(caption="Sunset over München")
    other = published_video(caption="Sunset over Hamburg")
    indexed(munich, other)
    assert found(typed) == [munich.pk]


def test_a_typo_finds_football(indexed):
    football = published_video(caption="Sunday football with friends")
    other = published_video(caption="Knitting a scarf")
    indexed(football, other)
    assert found("fotball") == [football.pk]
    assert found("footbal") == [football.pk]


def test_a_prefix_finds_the_word_being_typed(indexed):
    pretzel = published_video(caption="Fresh Brezn from the oven")
    indexed(pretzel, published_video(caption="Bread and butter"))
    assert found("brez") == [pretzel.pk]


def test_hashtags_creator_name_handle_and_topic_are_searched(indexed):
    creator = CreatorFactory.create(handle="baeckerei_huber", display_name="Bäckerei Huber")
    by_name = published_video(owner=creator, caption="Good morning")
    tagged = published_video(caption="Look at this #sourdough")
    in_topic = published_video(caption="An experiment", topics=("stem",))
    indexed(by_name, tagged, in_topic)
    assert found("backerei") == [by_name.pk]
    assert found("huber") == [by_name.pk]
    assert found("sourdough") == [tagged.pk]
    stem = Topic.objects.get(slug="stem")
    assert found(stem.name) == [in_topic.pk]


def test_every_word_must_match(indexed):
    both = published_video(caption="Munich football derby")
    one = published_video(caption="Munich beer garden")
    indexed(both, one)
    assert found("munich football") == [both.pk]
    assert set(found("munich")) == {both.pk, one.pk}


def test_a_pending_topic_is_not_searchable_until_approved(indexed):
    video = published_video(caption="A video", topics=("stem",), review="pending")
    indexed(video)
    stem = Topic.objects.get(slug="stem")
    assert found(stem.name) == []
    VideoTopic.objects.filter(video=video).update(review_state="approved")
    indexed(video)
    assert found(stem.name) == [video.pk]


def test_suggest_completes_hashtags_and_creators_most_used_first(indexed):
    creator = CreatorFactory.create(handle="munich_eats", display_name="Munich Eats")
    first = published_video(owner=creator, caption="#munichfood one")
    second = published_video(caption="#munichfood two #munich")
    third = published_video(caption="#munichfood three")
    indexed(first, second, third)
    viewer = viewer_for_user(None, key="a:x")
    labels = [item.label for item in selectors.suggestions(viewer=viewer, query=query_parse("muni"))]
    assert labels[0] == "#munichfood"
    assert set(labels) == {"#munichfood", "#munich", "Munich Eats @munich_eats"}
    assert selectors.suggestions(viewer=viewer, query=query_parse("zz")) == []


def test_hashtags_tab_counts_public_videos_and_forgives_typos(indexed):
    videos = [published_video(caption="#football match") for _ in range(3)]
    videos.append(published_video(caption="#football secret", visibility="followers"))
    indexed(*videos)
    page = selectors.hashtags_search(query=query_parse("fotball"))
    assert [(hit.name, hit.video_count) for hit in page.items] == [("football", 3)]


def test_creators_tab_finds_handle_and_name_with_accents(indexed):
    creator = CreatorFactory.create(handle="zoe_bakes", display_name="Zoë Müller")
    indexed(published_video(owner=creator))
    viewer = viewer_for_user(UserFactory.create())
    for typed in ("zoe", "muller", "mueller", "zoe_bakes"):
        page = selectors.creators_search(viewer=viewer, query=query_parse(typed))
        assert [hit.profile.pk for hit in page.items] == [creator.pk], typed


def test_the_engine_is_the_databases_own():
    backend = type(search_backend()).__name__
    assert backend == ("PostgresBackend" if connection.vendor == "postgresql" else "SqliteBackend")


def test_operators_reach_the_engine_as_plain_words(indexed):
    near = published_video(caption="NEAR the river OR the lake")
    indexed(near)
    assert found('"near" OR (river*') == [near.pk]
    assert found("NEAR OR") == [near.pk]


def test_deleting_a_video_empties_its_search_rows(indexed):
    video = published_video(caption="Ephemeral sunset")
    indexed(video)
    assert found("ephemeral") == [video.pk]
    video.delete()
    assert found("ephemeral") == []
    assert not VideoDocument.objects.filter(video_id=video.pk).exists()
    assert not SearchTerm.objects.filter(kind="hashtag").exists()
