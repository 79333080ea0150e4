"""Redis stops while a production web server is under load: feeds and signals keep answering
200 from the database, /readyz turns red naming the parts that are down, and green once Redis is back
and the pools are loaded again."""

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from feeds.models import Signal
from feeds.pools import feed_pools_reset
from feeds.services import pools_sync
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.waiting import eventually
from tests.workers import redis_server, start_web, stop_web


def _call(
    url: str, path: str, *, token: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310  (a loopback http URL)
        f"{url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read()[:300].decode(errors="replace")}


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_under_load_errors_stay_zero_and_readiness_goes_red_then_green(settings, tmp_path):
    videos = [published_video(topics=("stem",), owner=CreatorFactory.create()) for _ in range(30)]
    viewers = [UserFactory.create() for _ in range(4)]
    tokens = [Token.objects.create(user=viewer).key for viewer in viewers]
    with redis_server() as redis:
        settings.FEED_POOLS_URL = redis.url
        feed_pools_reset()
        pools_sync()  # as the worker's beat task does
        web, url = start_web(
            media_root=tmp_path / "media",
            log=tmp_path / "web.log",
            extra_env={
                "FEED_POOLS_URL": redis.url,
                "FEED_POOLS_RETRY_SECONDS": "1",
                "CACHE_URL": redis.url.replace("/0", "/1"),
                "WEB_CONCURRENCY": "2",
            },
        )
        try:
            eventually(lambda: _ready(url) == 200, timeout=60, what="the web server to be ready")
            statuses: list[tuple[str, int, str | None]] = []
            stop = threading.Event()

            def load(token: str) -> None:
                while not stop.is_set():
                    status, page = _call(url, "/api/v1/feeds/for-you", token=token)
                    statuses.append(("for_you", status, page.get("body")))
                    status, topic = _call(url, "/api/v1/feeds/topics/stem", token=token)
                    statuses.append(("topic", status, topic.get("body")))
                    shown = [item["video"]["id"] for item in page.get("results", [])][:3] or [
                        str(videos[0].public_id)
                    ]
                    events = [
                        {
                            "event_id": str(uuid.uuid4()),
                            "video": video,
                            "kind": "impression",
                            "source": "for_you",
                        }
                        for video in shown
                    ]
                    status, answer = _call(url, "/api/v1/signals", token=token, body={"events": events})
                    statuses.append(("signals", status, answer.get("body")))

            threads = [threading.Thread(target=load, args=(token,)) for token in tokens]
            for thread in threads:
                thread.start()
            try:
                time.sleep(2)  # the load runs a while with Redis up: a duration, not a wait for something
                before = len(statuses)
                redis.stop()
                eventually(lambda: _ready(url) == 503, timeout=10, what="/readyz to turn red")
                red = _readiness(url)
                time.sleep(3)  # under load with Redis away
                during = len(statuses) - before
                redis.start()  # empty: no persistence
                pools_sync()  # the worker's next beat loads the pools again
                eventually(lambda: _ready(url) == 200, timeout=15, what="/readyz to turn green")
                time.sleep(1)  # and a while after Redis is back
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=30)
        finally:
            stop_web(web)
            feed_pools_reset()
    failures = [(kind, status, body) for kind, status, body in statuses if status != 200]
    assert failures == []
    assert during >= 10  # the load really ran while Redis was away
    assert {red["feed_pools"], red["cache"], red["redis"]} & {"ok"} == set()
    assert (red["status"], red["database"]) == ("error", "ok")
    assert Signal.objects.count() >= sum(1 for kind, _, _ in statuses if kind == "signals")


def _readiness(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as error:
        answer = json.loads(error.read())
    return answer


def _ready(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0
