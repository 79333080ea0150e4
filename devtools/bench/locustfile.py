"""The viewers ``benchmark_http`` sends at a running site: Locust users who read For You pages, send the
player's signal batches for what they watched, and open videos and profiles (through the API the app uses).

Run by ``python manage.py benchmark_http`` (which seeds the database and starts gunicorn); the file named
by ``BENCH_HTTP_DATA`` gives the viewers' API tokens and some video ids and creator handles. Proportions
per viewer: a For You page every few seconds, a signal batch after each page watched, now and then a
video opened by its link or a creator's profile.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from typing import Any

from locust import FastHttpUser, between, task

with open(os.environ["BENCH_HTTP_DATA"], encoding="utf-8") as data_file:
    DATA: dict[str, list[str]] = json.load(data_file)


class Viewer(FastHttpUser):
    wait_time = between(0.1, 0.5)  # swiping fast: the run measures what the site can serve

    def on_start(self) -> None:
        self.token = random.choice(DATA["tokens"])
        self.next_page: str | None = None
        self.watched: list[dict[str, Any]] = []

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    @task(8)
    def for_you(self) -> None:
        path = self.next_page or "/api/v1/feeds/for-you"
        with self.client.get(path, headers=self._headers(), name="for_you", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"For You answered {response.status_code}")
                return
            body = response.json()
            results = body.get("results", [])
            if not results:
                response.failure("For You served an empty page")
                return
            self.next_page = body.get("next")
            self.watched = [item["video"] for item in results]

    @task(6)
    def signals(self) -> None:
        if not self.watched:
            return
        events = []
        for position, video in enumerate(self.watched[:8]):
            length = float(video.get("duration") or 15.0)
            watched = round(random.uniform(0.5, length), 2)
            events.append(self._event(video, "impression", 0.0, position))
            if watched >= length - 0.5:
                events.append(self._event(video, "complete", length, position))
            elif watched < 2.0:
                events.append(self._event(video, "skip", watched, position))
            else:
                events.append(self._event(video, "progress", watched, position))
        self.watched = self.watched[8:]
        with self.client.post(
            "/api/v1/signals",
            json={"events": events},
            headers=self._headers(),
            name="signals",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or response.json().get("errors"):
                response.failure(f"Signals answered {response.status_code}: {response.text[:200]}")

    @task(2)
    def video(self) -> None:
        self.client.get(
            f"/api/v1/videos/{random.choice(DATA['videos'])}", headers=self._headers(), name="video"
        )

    @task(1)
    def profile(self) -> None:
        self.client.get(
            f"/api/v1/creators/{random.choice(DATA['handles'])}", headers=self._headers(), name="profile"
        )

    @staticmethod
    def _event(video: dict[str, Any], kind: str, watched: float, position: int) -> dict[str, Any]:
        return {
            "event_id": str(uuid.uuid4()),
            "video": video["id"],
            "kind": kind,
            "source": "for_you",
            "position": position,
            "watched_seconds": watched,
        }
