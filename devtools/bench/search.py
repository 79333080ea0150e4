"""Benchmark search (issue 25): relevance against a plain ``icontains`` baseline, latency through the API,
indexing throughput and how soon a published video is found.

In a throwaway database of the configured engine (created and dropped here):
- seeds creators, hashtags and videos whose captions come from a vocabulary of German and English words
  (accents included), a few of them mature, removed or private, and indexes them with ``reindex_all``
  (what ``search_reindex`` runs), timed as videos per second;
- generates labelled queries from the seed with a fixed RNG (rare caption words, a hashtag, a creator's
  name, misspelt and accent-free variants); their answers are computed in Python from the seeded words,
  not by an engine, and scored (nDCG@10, recall@10) for ``videos_search`` and for ``icontains`` over the
  same eligible videos, newest first; both are timed;
- times ``/api/v1/search/videos`` and ``/api/v1/search/suggest`` and counts their queries in a separate pass;
- publishes videos as the render's last step does (state published, ``video_changed`` after commit: the
  hook search listens to) and polls the search until each is found.
Prints one JSON line.
"""

from __future__ import annotations

import datetime
import gc
import json
import math
import random
import statistics
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from creators import hooks
from creators.models import CreatorProfile, Hashtag, Topic, Video, VideoTopic
from devtools.bench.feed import latency_ms as _ms
from devtools.bench.feed_setup import bench_video, feeds_throwaway_database, unthrottled
from feeds.catalog import catalog_get, catalog_reset
from feeds.search.indexing import reindex_all
from feeds.search.selectors import search_eligible, videos_search
from feeds.search.text import fold, query_parse
from platform.models import User
from platform.viewer import Viewer, viewer_for_user

SEARCH_GOAL_MS = 50.0
SUGGEST_GOAL_MS = 15.0
TOP = 10
BATCH = 20_000

# Caption words, German and English, accented ones among them. Drawn Zipf-like: the first are common,
# the last rare.
WORDS = (  # noqa: SIM905  (a word list reads best as words)
    "the and with from today morning evening new best first little big good warm fresh quick easy "
    "und mit heute morgen abend neu gut frisch schnell einfach mein unser video recipe bread coffee "
    "café street music dance football training garden lake mountain city brot kaffee straße musik "
    "tanz fußball garten berg stadt see wasser sonne regen schnee münchen berlin hamburg köln "
    "düsseldorf zürich wien bäckerei brezn brötchen käse würstel biergarten oktoberfest dirndl "
    "lederhosen gemütlichkeit frühstück mittagessen kuchen äpfel birnen pflaumen breakfast lunch "
    "dinner pretzel sausage cheese apple pear plum cake pastry sourdough croissant tutorial workout "
    "running cycling swimming climbing skiing hiking camping sunrise sunset timelapse physics "
    "chemistry biology robotics telescope volcano glacier rainforest desert savanna guitar piano "
    "violin trumpet drummer orchestra choir karaoke flamenco ballet schmetterling eichhörnchen igel "
    "fuchs dachs hirsch wildschwein murmeltier steinbock gämse butterfly squirrel hedgehog badger "
    "reindeer marmot ibex chamois woodpecker kingfisher übung prüfung lösung erklärung geschichte "
    "märchen größe höhe länge"
).split()
FIRST_NAMES = (  # noqa: SIM905  (a word list reads best as words)
    "Anna Lukas Sophie Jonas Marie Felix Lena Paul Clara Emil Jörg Zoë Renée Søren Mia Noah"
).split()
LAST_NAMES = (  # noqa: SIM905  (a word list reads best as words)
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Köhler Größl "
    "Baumgärtner Brandstätter Oberhuber Krämer Schäfer Jäger Huber Wörner"
).split()
HASHTAGS = (  # noqa: SIM905  (a word list reads best as words)
    "munich berlin brezn bakery food coffee football fussball hiking alps science music dance diy "
    "garden travel sunrise recipe baking wildlife physics guitar piano skiing lake oktoberfest "
    "biergarten frühstück straßenmusik café"
).split()
# Accented words and the ways they are typed without their accents.
PLAIN_SPELLINGS = {
    "münchen": ["munchen", "muenchen"],
    "straße": ["strasse", "strase"],
    "fußball": ["fussball", "fusball"],
    "café": ["cafe"],
    "bäckerei": ["backerei", "baeckerei"],
    "köln": ["koln", "koeln"],
    "zürich": ["zurich", "zuerich"],
    "käse": ["kase", "kaese"],
    "brötchen": ["brotchen", "broetchen"],
    "frühstück": ["fruhstuck", "fruehstueck"],
    "eichhörnchen": ["eichhornchen", "eichhoernchen"],
    "düsseldorf": ["dusseldorf", "duesseldorf"],
    "gämse": ["gamse", "gaemse"],
    "erklärung": ["erklarung", "erklaerung"],
}


@dataclass(frozen=True, slots=True)
class Labelled:
    """A query as typed, the kind it is, and the videos that truly answer it (from the seed)."""

    text: str
    kind: str
    relevant: frozenset[int]


def ndcg_at(found: list[int], relevant: frozenset[int], k: int = TOP) -> float:
    """Binary-relevance nDCG@k: the ideal ranking puts min(k, |relevant|) answers first."""
    gain = sum(1 / math.log2(rank + 2) for rank, pk in enumerate(found[:k]) if pk in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def recall_at(found: list[int], relevant: frozenset[int], k: int = TOP) -> float:
    """The share of the answers a first page of ``k`` could hold that it does hold."""
    wanted = min(k, len(relevant))
    return len(set(found[:k]) & relevant) / wanted if wanted else 0.0


def misspell(word: str, rng: random.Random) -> str:
    """One letter dropped, or two neighbours swapped (never the first letter: people get that right)."""
    at = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:at] + word[at + 1 :]
    swapped = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return swapped if swapped != word else word[:at] + word[at + 1 :]


class SearchBenchmark:
    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper, options: dict[str, Any]) -> None:
        self.stdout, self.stderr, self.options = stdout, stderr, options
        self.rng = random.Random(options["seed"])
        # What the seed wrote, kept in Python for the answers: each video's folded words.
        self.video_words: dict[int, frozenset[str]] = {}
        self.video_captions: dict[int, list[str]] = {}
        self.creator_names: dict[int, str] = {}
        self.video_owners: dict[int, int] = {}

    def note(self, message: str) -> None:
        self.stderr.write(f"[benchmark_search] {message}")

    def handle(self) -> None:
        with (
            feeds_throwaway_database("benchmark-search", keep=self.options["keep"]) as database,
            override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False),
            unthrottled("search"),
        ):
            result = self.run()
        if self.options["keep"]:
            self.stderr.write(f"kept database {database}")
        self.stdout.write(json.dumps(result))

    # --- seeding ----------------------------------------------------------------------------------

    def seed(self) -> None:
        options, rng = self.options, self.rng
        now = timezone.now()
        n_videos = max(20, options["videos"])
        n_creators = max(5, options["creators"] or n_videos // 50)
        born = now.date().replace(year=1990)
        users = User.objects.bulk_create(
            [
                User(email=f"creator{i}@bench.invalid", display_name=f"Creator {i}", date_of_birth=born, password="!")
                for i in range(n_creators)
            ],
            batch_size=5000,
        )  # fmt: skip
        profiles = []
        for i, user in enumerate(users):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            profiles.append(CreatorProfile(user=user, handle=f"bench_{i}", display_name=name))
        creators = CreatorProfile.objects.bulk_create(profiles, batch_size=5000)
        self.creator_names = {creator.pk: creator.display_name for creator in creators}
        Hashtag.objects.bulk_create([Hashtag(name=name) for name in HASHTAGS], ignore_conflicts=True)
        hashtag_ids = dict(Hashtag.objects.filter(name__in=HASHTAGS).values_list("name", "pk"))
        topics = list(Topic.objects.all())
        # Zipf-like weights: word r is drawn in proportion to 1/(r+1).
        weights = [1 / (rank + 1) for rank in range(len(WORDS))]
        through = Video.hashtags.through
        for start in range(0, n_videos, BATCH):
            batch: list[Video] = []
            tags: list[list[str]] = []
            for index in range(start, min(n_videos, start + BATCH)):
                caption_words = list(dict.fromkeys(rng.choices(WORDS, weights, k=rng.randint(4, 9))))
                chosen = rng.sample(HASHTAGS, rng.randint(1, 3))
                kind = rng.random()
                video = bench_video(
                    index=index, owner=creators[index % n_creators], now=now, rng=rng, mature=kind < 0.02
                )
                video.caption = " ".join(
                    word.capitalize() if rng.random() < 0.3 else word for word in caption_words
                )
                video.caption += " " + " ".join(f"#{name}" for name in chosen)
                if 0.02 <= kind < 0.03:
                    video.moderation_state = Video.Moderation.REMOVED
                elif 0.03 <= kind < 0.04:
                    video.visibility = Video.Visibility.PRIVATE
                batch.append(video)
                tags.append(chosen)
            Video.objects.bulk_create(batch, batch_size=5000)
            through.objects.bulk_create(
                [
                    through(video_id=video.pk, hashtag_id=hashtag_ids[name])
                    for video, names in zip(batch, tags, strict=True)
                    for name in names
                ],
                batch_size=10_000,
            )
            video_topics = [
                VideoTopic(video=video, topic=rng.choice(topics), review_state="approved") for video in batch
            ]
            VideoTopic.objects.bulk_create(video_topics, batch_size=10_000)
            topic_names = {topic.pk: topic.name for topic in topics}
            for video, video_topic in zip(batch, video_topics, strict=True):
                owner = video.owner
                text = " ".join(
                    [video.caption, topic_names[video_topic.topic_id], owner.display_name, owner.handle]
                )
                self.video_words[video.pk] = frozenset(fold(text).split())
                self.video_owners[video.pk] = owner.pk
                self.video_captions[video.pk] = [
                    word for word in video.caption.split() if not word.startswith("#")
                ]
            self.note(f"seeded {min(n_videos, start + BATCH)} of {n_videos} videos")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    # --- labelled queries -------------------------------------------------------------------------

    def labelled_queries(self, *, eligible: set[int], count: int) -> list[Labelled]:
        """``count`` queries from the seed: a fifth each of caption-word pairs, hashtags, creator names,
        misspelt words and accent-free words (half of each of the last two from rare words)."""
        rng = random.Random(self.options["seed"] + 1)
        targets = sorted(eligible)

        def answers(truth: list[str]) -> frozenset[int]:
            wanted = {fold(word) for word in truth}
            return frozenset(pk for pk in eligible if wanted <= self.video_words[pk])

        rare = WORDS[len(WORDS) // 2 :]
        kinds = ["caption", "hashtag", "creator", "misspelt", "accent_free"]
        queries: list[Labelled] = []
        attempts = 0
        while len(queries) < count and attempts < count * 50:
            attempts += 1
            kind = kinds[len(queries) % len(kinds)]
            target = rng.choice(targets)
            caption = [word.lower() for word in self.video_captions[target]]
            if kind == "caption":
                picked = sorted(set(caption), key=lambda word: -WORDS.index(word))[:2]
                truth, text = picked, " ".join(picked)
            elif kind == "hashtag":
                tags = [
                    word for word in self.video_words[target] if word in {fold(name) for name in HASHTAGS}
                ]
                truth = [rng.choice(sorted(tags))] if tags else []
                text = " ".join(truth)
            elif kind == "creator":
                owner = self.video_owners[target]
                truth = self.creator_names[owner].split()
                text = self.creator_names[owner].casefold()
            elif kind == "misspelt":
                long_words = [word for word in caption if len(word) >= 6 and word in rare]
                if not long_words:
                    continue
                word = rng.choice(long_words)
                truth, text = [word], misspell(word, rng)
            else:
                accented = [word for word in caption if word in PLAIN_SPELLINGS]
                if not accented:
                    continue
                word = rng.choice(accented)
                truth, text = [word], rng.choice(PLAIN_SPELLINGS[word])
            relevant = answers(truth)
            if truth and relevant and target in relevant:
                queries.append(Labelled(text=text, kind=kind, relevant=relevant))
        return queries

    # --- measuring --------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        options = self.options
        result: dict[str, Any] = {"benchmark": "search", "database": connection.vendor}
        began = time.perf_counter()
        self.seed()
        result["videos"] = len(self.video_words)
        result["seed_s"] = round(time.perf_counter() - began, 1)
        self.note(f"seeded in {result['seed_s']} s; indexing")
        began = time.perf_counter()
        indexed = reindex_all()
        index_s = time.perf_counter() - began
        result["indexed_documents"] = indexed
        result["index_s"] = round(index_s, 1)
        result["index_videos_per_s"] = round(indexed / index_s, 1)
        self.note(f"indexed {indexed} in {index_s:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        catalog_reset()
        catalog_get()
        gc.freeze()

        born = timezone.now().date().replace(year=1985)
        reader = User.objects.create(email="reader@bench.invalid", display_name="Reader", date_of_birth=born)
        viewer = viewer_for_user(reader)
        eligible = set(search_eligible(viewer=viewer).values_list("pk", flat=True))
        result["eligible_videos"] = len(eligible)
        queries = self.labelled_queries(eligible=eligible, count=options["queries"])
        result["labelled_queries"] = len(queries)
        result |= self.relevance(viewer=viewer, queries=queries)
        result |= self.latency(user=reader, queries=queries)
        result["publish_to_found_ms"] = self.publish_to_found(viewer=viewer)
        result["search_p99_over_goal"] = round(result["search"]["p99_ms"] / SEARCH_GOAL_MS, 3)
        result["suggest_p99_over_goal"] = round(result["suggest"]["p99_ms"] / SUGGEST_GOAL_MS, 3)
        return result

    def relevance(self, *, viewer: Viewer, queries: list[Labelled]) -> dict[str, Any]:
        def ours(text: str) -> list[int]:
            return [
                video.pk for video in videos_search(viewer=viewer, query=query_parse(text), size=TOP).items
            ]

        def icontains(text: str) -> list[int]:
            found = search_eligible(viewer=viewer)
            for word in text.split():
                found = found.filter(caption__icontains=word)
            return list(found.order_by("-published_at", "-pk").values_list("pk", flat=True)[:TOP])

        scores: dict[str, dict[str, list[float]]] = {}
        times: dict[str, list[float]] = {"ours": [], "icontains": []}
        runs = {
            "ours": self.options["runs"],
            "icontains": self.options["baseline_runs"] or self.options["runs"],
        }
        for name, run in (("ours", ours), ("icontains", icontains)):
            run(queries[0].text)  # warm
            for labelled in queries:
                found: list[int] = []
                for _ in range(max(1, runs[name] // max(1, len(queries)))):
                    began = time.perf_counter()
                    found = run(labelled.text)
                    times[name].append((time.perf_counter() - began) * 1000)
                if name == "ours" and recall_at(found, labelled.relevant) < 1:
                    self.note(
                        f"{labelled.kind} query {labelled.text!r}: {len(set(found) & labelled.relevant)} of "
                        f"{min(TOP, len(labelled.relevant))} answers on the first page"
                    )
                per = scores.setdefault(name, {})
                per.setdefault("ndcg", []).append(ndcg_at(found, labelled.relevant))
                per.setdefault("recall", []).append(recall_at(found, labelled.relevant))
                per.setdefault(f"recall_{labelled.kind}", []).append(recall_at(found, labelled.relevant))
        mean = statistics.fmean
        out: dict[str, Any] = {
            "ndcg_at_10": round(mean(scores["ours"]["ndcg"]), 3),
            "recall_at_10": round(mean(scores["ours"]["recall"]), 3),
            "icontains_ndcg_at_10": round(mean(scores["icontains"]["ndcg"]), 3),
            "icontains_recall_at_10": round(mean(scores["icontains"]["recall"]), 3),
            "search_selector": _ms(times["ours"]),
            "icontains": _ms(times["icontains"]),
            "recall_at_10_by_kind": {
                key.removeprefix("recall_"): {
                    "ours": round(mean(values), 3),
                    "icontains": round(mean(scores["icontains"][key]), 3),
                }
                for key, values in scores["ours"].items()
                if key.startswith("recall_")
            },
        }
        baseline = out["icontains_ndcg_at_10"]
        out["ndcg_over_icontains"] = round(out["ndcg_at_10"] / baseline, 3) if baseline else None
        return out

    def latency(self, *, user: User, queries: list[Labelled]) -> dict[str, Any]:
        """The API's search and suggest as a signed-in adult, each query in turn; queries per request in a
        separate pass (capturing slows every query)."""
        runs = self.options["runs"]
        client = APIClient()
        client.force_authenticate(user)
        search_url, suggest_url = reverse("api-search-videos"), reverse("api-search-suggest")
        prefixes = [labelled.text.split()[0][: 3 + index % 3] for index, labelled in enumerate(queries)]

        def timed(url: str, texts: list[str]) -> tuple[list[float], list[int]]:
            for text in texts[:3]:
                client.get(url, {"q": text})  # warm
            times = []
            for index in range(runs):
                began = time.perf_counter()
                response = client.get(url, {"q": texts[index % len(texts)]})
                times.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (url, response.status_code, response.content[:300])
            counts = []
            for text in texts[:20]:
                with CaptureQueriesContext(connection) as captured:
                    client.get(url, {"q": text})
                counts.append(len(captured))
            return times, counts

        search_times, search_counts = timed(search_url, [labelled.text for labelled in queries])
        suggest_times, suggest_counts = timed(suggest_url, prefixes)
        return {
            "search": _ms(search_times),
            "suggest": _ms(suggest_times),
            "queries_per_search": max(search_counts),
            "queries_per_suggest": max(suggest_counts),
        }

    def publish_to_found(self, *, viewer: Viewer, count: int = 20) -> float | None:
        """Videos waiting for their render flip to published as the render's last step does
        (``creators.services.processing.video_render``: state, ``published_at``, then ``video_changed`` after
        the commit — the hook search listens to); the time until a search for its own word finds each.
        The encoding before that step is not timed: it is not the index's."""
        owner = CreatorProfile.objects.order_by("pk").first()
        assert owner is not None
        now = timezone.now()
        times = []
        for index in range(count):
            word = "neu" + "".join(chr(ord("a") + int(digit)) for digit in f"{index:03d}") + "brezn"
            video = bench_video(index=10_000_000 + index, owner=owner, now=now, rng=self.rng, mature=False)
            video.caption = f"Frische {word} aus der Bäckerei"
            video.state = Video.State.PUBLISHING
            video.save()
            query = query_parse(word)
            began = time.perf_counter()
            with transaction.atomic():
                Video.objects.filter(pk=video.pk).update(
                    state=Video.State.PUBLISHED, published_at=now + datetime.timedelta(seconds=index)
                )
                transaction.on_commit(partial(hooks.video_changed, video.pk))
            deadline = began + 5.0
            while True:
                if any(found.pk == video.pk for found in videos_search(viewer=viewer, query=query).items):
                    times.append((time.perf_counter() - began) * 1000)
                    break
                if time.perf_counter() > deadline:
                    times.append(math.inf)
                    self.note(f"video {video.pk} not found within 5 s of publishing")
                    break
                time.sleep(0.005)
        # A video never found counts as the worst; all of them never found: None (JSON has no infinity).
        return round(statistics.median(times), 3) if any(map(math.isfinite, times)) else None


def benchmark_search(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_search`` with the options its command parsed."""
    SearchBenchmark(stdout=stdout, stderr=stderr, options=options).handle()
