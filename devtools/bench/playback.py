"""Benchmark playback: the HLS ladder in our player against today's progressive MP4, in Chromium at phone
size, on a throttled network and on an open one.

One generated clip (60 s 1080x1920 30 fps with sound by default) is encoded into the ladder and its
fallback MP4 (the top rung copied into one file, as publishing makes it) and published in a throwaway
database; the site runs as a gunicorn process on a loopback port (``throwaway.start_site``). Chromium
(Playwright, the browser tests' flags) opens a page of the site at 390x844 and plays the video in a
<video> that fills the viewport, each run in a fresh browser context (empty cache):

- ``hls``: our player (``static/js/feed/stream.js`` ``attachStream``, hls.js with the feed's settings),
  with hls.js already loaded, as it is for every video after a session's first;
- ``hls_cold``: the same, hls.js fetched after the start (a session's first video);
- ``hls_saver``: as ``hls``, with data saver on for the device (``static/js/feed/data-saver.js``: the
  lowest rung only, 4 s ahead once playing);
- ``mp4``: the MP4 as the <video>'s ``src``, as the feed played every video before the ladder.

Throttled through the DevTools protocol (``Network.emulateNetworkConditions``, "Fast 3G": 1.6 Mbit/s down,
750 kbit/s up, 150 ms latency), kinds alternating run by run:
- time to first frame: from the start (``attachStream`` / ``src``, then ``play()``) to the first
  ``requestVideoFrameCallback``;
- bytes received in the first 10 s from the start: every response's ``encodedDataLength`` (headers and
  body as sent) from ``Network.loadingFinished``, or, for a response still arriving at 10 s (the MP4),
  its ``Network.dataReceived`` chunks until then;
- rebuffering: ``waiting`` events after the first frame, in the 10 s that follow it.

Unthrottled, our player: seconds from the start until hls.js switches to the top rung and until it asks
for the top rung's first segment. The viewport is a phone's 390x844 CSS pixels at a device pixel ratio of
3 (as an iPhone 12-15's), so the top rung (1080 px) is the one that fits the player's pixels.

Goals (issue 26): TTFF <= 0.5x and bytes <= 0.4x the MP4's, no rebuffering after the first frame, the
top rung within 4 s. Medians over ``--repeat`` runs of each kind; one JSON line.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from creators import media, streaming
from creators.models import CreatorProfile, Video
from devtools import testclips
from devtools.bench.throwaway import start_site, stop_site, throwaway_database
from platform.models import User

CHROMIUM = "/usr/bin/chromium"
# The browser tests' flags (tests/e2e/conftest.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
PHONE_PIXEL_RATIO = 3
# Chrome DevTools' "Fast 3G" as the issue gives it: bytes per second and milliseconds.
FAST_3G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
HLS_MODULE = "/static/vendor/hls.js/hls.min.mjs"
PLAYER_MODULE = "/static/js/feed/stream.js"
TTFF_RATIO_GOAL = 0.5
BYTES_RATIO_GOAL = 0.4
REBUFFER_GOAL = 0
TOP_RUNG_GOAL_S = 4.0
FIRST_FRAME_TIMEOUT_S = 60.0

# Put in the page (a blank one of the site's origin): a <video> filling the viewport, as a feed slide's
# does, and what the run measures on it in window.__bench.
START_JS = """
async ({kind, streamUrl, fileUrl, startUrls, player}) => {
  document.body.innerHTML = "";
  document.body.style.margin = "0";
  const el = document.createElement("video");
  el.muted = true;
  el.playsInline = true;
  el.style.cssText = "display:block;width:100vw;height:100vh;object-fit:cover;background:#000";
  document.body.appendChild(el);
  const bench = {start: 0, firstFrame: null, playing: null, waitingAfterFirstFrame: 0,
                 topLevelAt: null, levels: [], engine: null, error: null};
  window.__bench = bench;
  const module = await import(player);  // already loaded: no request after the start
  el.addEventListener("playing", () => { if (bench.playing === null) bench.playing = performance.now() - bench.start; });
  el.addEventListener("waiting", () => { if (bench.firstFrame !== null) bench.waitingAfterFirstFrame += 1; });
  el.addEventListener("error", () => { bench.error = el.error ? el.error.code : "error"; });
  el.requestVideoFrameCallback((now) => { bench.firstFrame = now - bench.start; });
  bench.start = performance.now();
  if (kind === "mp4") {
    el.src = fileUrl;
  } else {
    const hls = await module.attachStream(el, {streamUrl, fileUrl, startUrls});
    if (hls) {
      const top = () => hls.levels.length - 1;
      hls.on("hlsLevelSwitched", (_event, data) => {
        bench.levels.push(data.level);
        if (bench.topLevelAt === null && data.level === top()) bench.topLevelAt = performance.now() - bench.start;
      });
    }
  }
  bench.engine = el.dataset.engine || "file";
  el.play().catch((error) => { bench.error = String(error); });
}
"""


class NetworkLog:
    """Bytes and requests a page's CDP session reports, from the first request after ``mark`` on."""

    def __init__(self) -> None:
        self.started: float | None = None  # CDP monotonic seconds of the first request after mark()
        self.marked = False
        self.urls: dict[str, str] = {}
        self.sent: dict[str, float] = {}
        self.chunks: dict[str, list[tuple[float, int]]] = {}
        self.finished: dict[str, tuple[float, int]] = {}

    def mark(self) -> None:
        self.marked = True

    def on_request(self, event: dict[str, Any]) -> None:
        if not self.marked:
            return
        if self.started is None:
            self.started = float(event["timestamp"])
        self.urls[event["requestId"]] = event["request"]["url"]
        self.sent[event["requestId"]] = float(event["timestamp"])

    def on_data(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.urls:
            # Some responses' chunks come without their encoded length (reported whole at the end):
            # their decoded length stands in (our responses are not compressed).
            size = int(event["encodedDataLength"]) or int(event["dataLength"])
            self.chunks.setdefault(event["requestId"], []).append((float(event["timestamp"]), size))

    def on_finished(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.urls:
            self.finished[event["requestId"]] = (float(event["timestamp"]), int(event["encodedDataLength"]))

    def bytes_within(self, seconds: float) -> int:
        """Bytes received from the first request to ``seconds`` after it: a finished response whole (its
        headers too), one still arriving by its chunks until then (without chunks, pro rata)."""
        if self.started is None:
            return 0
        cutoff = self.started + seconds
        total = 0
        for request_id in self.urls:
            finished = self.finished.get(request_id)
            if finished is not None and finished[0] <= cutoff:
                total += finished[1]
                continue
            arrived = sum(size for at, size in self.chunks.get(request_id, []) if at <= cutoff)
            sent = self.sent[request_id]
            if not arrived and finished is not None and sent < cutoff:
                # Chromium reports the chunks of some responses (module scripts) only once they are
                # whole: what had arrived by the cutoff is taken as in proportion to the time.
                arrived = round(finished[1] * (cutoff - sent) / (finished[0] - sent))
            total += arrived
        return total

    def timeline(self) -> list[str]:
        """Each request: seconds from the first at which it was sent and finished, its bytes, its path."""
        if self.started is None:
            return []
        lines = []
        for request_id, url in sorted(self.urls.items(), key=lambda item: self.sent[item[0]]):
            finished = self.finished.get(request_id)
            size = finished[1] if finished else sum(size for _, size in self.chunks.get(request_id, []))
            end = f"{finished[0] - self.started:6.2f}" if finished else "   ..."
            lines.append(
                f"{self.sent[request_id] - self.started:6.2f} {end} {size:>9} {url.split('/', 3)[-1][-60:]}"
            )
        return lines

    def first_request_after(self, fragment: str) -> float | None:
        """Seconds from the first request to the first whose URL holds ``fragment``."""
        times = [self.sent[request_id] for request_id, url in self.urls.items() if fragment in url]
        if self.started is None or not times:
            return None
        return min(times) - self.started


def _median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return round(statistics.median(present), 3) if present else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


class PlaybackBenchmark:
    """What ``manage.py benchmark_playback`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr
        self.timelines = False

    def handle(self, *args: Any, **options: Any) -> None:
        self.timelines = bool(options.get("timeline"))
        if not Path(CHROMIUM).exists():
            raise CommandError(f"Chromium not found at {CHROMIUM}: `sudo apt-get install chromium`.")
        width, height = (int(side) for side in str(options["size"]).lower().split("x"))
        with tempfile.TemporaryDirectory(prefix="joyreel-bench-playback-") as workdir_name:
            workdir = Path(workdir_name)
            media_root = workdir / "media"
            clip_dir = Path(options["reuse"]) if options.get("reuse") else workdir
            clip_dir.mkdir(parents=True, exist_ok=True)
            with throwaway_database("benchmark-playback"), override_settings(MEDIA_ROOT=media_root):
                video, ladder = self._publish(
                    clip_dir, seconds=float(options["seconds"]), width=width, height=height
                )
                with self._site(workdir, media_root) as base:
                    result = self._measure(base, video, ladder, options)
        self.stdout.write(json.dumps(result))

    # --- set-up -------------------------------------------------------------------------------------

    def _publish(
        self, workdir: Path, *, seconds: float, width: int, height: int
    ) -> tuple[Video, media.Ladder]:
        """The clip's ladder and MP4 made as publishing makes them, on a published video anyone may watch.
        With ``--reuse DIR`` the clip and its ladder are made there once and taken from there after."""
        source = workdir / "source.mp4"
        ladder_folder = workdir / "ladder"
        if not (ladder_folder / media.LADDER_MASTER).exists():
            shutil.rmtree(ladder_folder, ignore_errors=True)
            self.stderr.write(f"making a {seconds:g} s {width}x{height} clip and its ladder")
            testclips.make_test_clip(
                destination=source, seconds=seconds, width=width, height=height, fps=30, audio=True
            )
        info = media.probe(path=source, max_seconds=3600, max_pixels=4096 * 4096)
        if (info.width, info.height) != (width, height) or abs(info.duration - seconds) > 0.1:
            raise CommandError(
                f"{source} is not a {seconds:g} s {width}x{height} clip: another --reuse folder"
            )
        if (ladder_folder / media.LADDER_MASTER).exists():
            ladder = media.Ladder(
                folder=ladder_folder,
                rungs=media.ladder_rungs(probe=info),
                audio=(ladder_folder / media.LADDER_AUDIO_FOLDER).is_dir(),
            )
        else:
            ladder = media.encode_ladder(
                source=source, destination=ladder_folder, probe=info, start=0.0, end=info.duration
            )
        user = User.objects.create_user(
            f"benchmark-{uuid.uuid4().hex[:10]}@joyreel.invalid", None, display_name="Benchmark"
        )
        owner = CreatorProfile.objects.create(
            user=user, handle=f"bench_{uuid.uuid4().hex[:10]}", display_name="Bench"
        )
        video = Video.objects.create(
            owner=owner,
            caption="Playback benchmark",
            state=Video.State.PUBLISHED,
            published_at=timezone.now(),
            duration=info.duration,
            rendition_duration=info.duration,
            rendition_version=1,
            width=width,
            height=height,
            fps=30.0,
            has_audio=info.has_audio,
            trim_end=info.duration,
            content_level="general",
        )
        rendition = f"videos/{video.public_id.hex}/rendition-1.mp4"
        (Path(settings.MEDIA_ROOT) / rendition).parent.mkdir(parents=True, exist_ok=True)
        media.ladder_to_mp4(ladder=ladder, destination=Path(settings.MEDIA_ROOT) / rendition)
        master = streaming.ladder_store(video=video, ladder=ladder, folder_name="stream-1-bench")
        Video.objects.filter(pk=video.pk).update(rendition=rendition, stream=master)
        video.refresh_from_db()
        return video, ladder

    @contextmanager
    def _site(self, workdir: Path, media_root: Path) -> Iterator[str]:
        """The site with the local settings (static files from the finders, hls.js from static/vendor/)."""
        if not (Path(settings.BASE_DIR) / "static" / "vendor" / "hls.js" / "hls.min.mjs").exists():
            raise CommandError("static/vendor/ has no hls.js: run `make vendor` first.")
        server, base = start_site(
            settings_module="platform.settings.local",
            media_root=media_root,
            log=workdir / "gunicorn.log",
            extra_env={"WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING", "GUNICORN_MAX_REQUESTS": "0"},
        )
        try:
            yield base
        finally:
            stop_site(server)

    # --- the runs -----------------------------------------------------------------------------------

    def _measure(
        self, base: str, video: Video, ladder: media.Ladder, options: dict[str, Any]
    ) -> dict[str, Any]:
        from playwright.sync_api import sync_playwright

        stream_url = reverse(
            "creators:video_stream",
            kwargs={
                "public_id": video.public_id,
                "version": video.rendition_version,
                "name": media.LADDER_MASTER,
            },
        )
        file_url = reverse("creators:video_file", kwargs={"public_id": video.public_id, "kind": "video"})
        # What the feed hands the player beside the master playlist (its item's stream_start).
        start_urls = streaming.start_urls(video=video)
        urls: dict[str, Any] = {
            "streamUrl": stream_url,
            "startUrls": start_urls,
            "fileUrl": file_url,
            "player": PLAYER_MODULE,
            "hlsModule": HLS_MODULE,
        }
        repeat = max(1, int(options["repeat"]))
        watch = float(options["watch"])
        kinds = ["hls", "hls_cold", "hls_saver", "mp4"]
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
        top: list[dict[str, Any]] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for run in range(repeat):
                    # Alternating, and each run in turn leading: a neighbour's load falls on every kind.
                    for kind in kinds[run % len(kinds) :] + kinds[: run % len(kinds)]:
                        runs[kind].append(self._run(browser, base, kind, urls, watch=watch, throttled=True))
                        self.stderr.write(f"run {run + 1}/{repeat} {kind}: {runs[kind][-1]}")
                    top.append(
                        self._run(
                            browser, base, "hls", urls, watch=watch, throttled=False, top=ladder.top.folder
                        )
                    )
                    self.stderr.write(f"run {run + 1}/{repeat} unthrottled: {top[-1]}")
            finally:
                browser.close()
        return self._report(video, ladder, runs, top, repeat=repeat, watch=watch)

    def _run(
        self,
        browser: Any,
        base: str,
        kind: str,
        urls: dict[str, Any],
        *,
        watch: float,
        throttled: bool,
        top: str | None = None,
    ) -> dict[str, Any]:
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=PHONE_PIXEL_RATIO, is_mobile=True, has_touch=True
        )
        try:
            page = context.new_page()
            page.goto(f"{base}/healthz")  # a blank page of the site's origin, loaded before any throttling
            # The cookies a viewer has by the time the feed plays a video (the feed page sets them): the
            # responses vary on them, so the first video's requests must not be the ones that set them.
            context.request.get(f"{base}/")
            cdp = context.new_cdp_session(page)
            network = NetworkLog()
            cdp.on("Network.requestWillBeSent", network.on_request)
            cdp.on("Network.dataReceived", network.on_data)
            cdp.on("Network.loadingFinished", network.on_finished)
            cdp.send("Network.enable")
            if throttled:
                cdp.send("Network.emulateNetworkConditions", FAST_3G)
            # The player's module comes before the start for every kind, and hls.js too for "hls" (a
            # session's later video); "hls_cold" fetches hls.js after the start (a session's first).
            page.evaluate("async (m) => { await import(m.player); }", urls)
            if kind in ("hls", "hls_saver"):
                page.evaluate("async (m) => { await import(m.hlsModule); }", urls)
            if kind == "hls_saver":  # the device's choice, as the account settings' switch stores it
                page.evaluate("() => localStorage.setItem('joyreel:data-saver', 'on')")
            network.mark()
            page.evaluate(START_JS, {"kind": kind, **urls})
            began = time.monotonic()
            while time.monotonic() - began < FIRST_FRAME_TIMEOUT_S:
                state = page.evaluate("window.__bench")
                if state["firstFrame"] is not None or state["error"] is not None:
                    break
                page.wait_for_timeout(50)
            # Watch on: until 10 s from the start for the bytes, 10 s past the first frame for rebuffering,
            # and (unthrottled) until the top rung's first segment is asked for.
            first_frame_s = round(state["firstFrame"] / 1000, 3) if state["firstFrame"] is not None else None
            until = max(watch, (first_frame_s or 0) + watch)
            while True:
                elapsed = page.evaluate("(performance.now() - window.__bench.start) / 1000")
                if elapsed >= until:
                    break
                if (
                    top is not None
                    and elapsed > 1
                    and network.first_request_after(f"/{top}/") is not None
                    and page.evaluate("window.__bench.topLevelAt") is not None
                ):
                    break
                page.wait_for_timeout(min(250, max(10, int((until - elapsed) * 1000))))
            state = page.evaluate("window.__bench")
            result: dict[str, Any] = {
                "engine": state["engine"],
                "ttff_s": first_frame_s,
                "playing_s": round(state["playing"] / 1000, 3) if state["playing"] is not None else None,
                "bytes_10s": network.bytes_within(watch),
                "rebuffers": state["waitingAfterFirstFrame"],
                "error": state["error"],
            }
            if top is not None:
                segment = network.first_request_after(f"/{top}/")
                result["top_rung_segment_s"] = round(segment, 3) if segment is not None else None
                result["top_level_s"] = (
                    round(state["topLevelAt"] / 1000, 3) if state["topLevelAt"] is not None else None
                )
                result["levels"] = state["levels"]
            if self.timelines:
                self.stderr.write(
                    "\n".join(
                        [f"--- {kind} {'throttled' if throttled else 'unthrottled'}", *network.timeline()]
                    )
                )
            if state["error"] is not None and first_frame_s is None:
                raise CommandError(f"{kind} did not play: {state['error']}")
            return result
        finally:
            context.close()

    def _report(
        self,
        video: Video,
        ladder: media.Ladder,
        runs: dict[str, list[dict[str, Any]]],
        top: list[dict[str, Any]],
        *,
        repeat: int,
        watch: float,
    ) -> dict[str, Any]:
        ttff = {kind: _median([run["ttff_s"] for run in values]) for kind, values in runs.items()}
        sent = {kind: _median([run["bytes_10s"] for run in values]) for kind, values in runs.items()}
        top_segment = _median([run["top_rung_segment_s"] for run in top])
        top_level = _median([run["top_level_s"] for run in top])
        return {
            "benchmark": "playback",
            "clip": f"{video.rendition_duration:g}s {video.width}x{video.height} 30fps h264/aac",
            "network": "Fast 3G: 1.6 Mbit/s down, 750 kbit/s up, 150 ms",
            "viewport": f"{PHONE['width']}x{PHONE['height']}@{PHONE_PIXEL_RATIO}x",
            "runs": repeat,
            "rungs": [f"{rung.width}x{rung.height}" for rung in ladder.rungs],
            "engines": {kind: sorted({run["engine"] for run in values}) for kind, values in runs.items()},
            "ttff_s": ttff,
            "ttff_hls_over_mp4": _ratio(ttff["hls"], ttff["mp4"]),
            "ttff_hls_cold_over_mp4": _ratio(ttff["hls_cold"], ttff["mp4"]),
            "ttff_hls_saver_over_mp4": _ratio(ttff["hls_saver"], ttff["mp4"]),
            "ttff_goal": TTFF_RATIO_GOAL,
            f"bytes_first_{watch:g}s": {
                kind: int(value) if value is not None else None for kind, value in sent.items()
            },
            "bytes_hls_over_mp4": _ratio(sent["hls"], sent["mp4"]),
            "bytes_hls_cold_over_mp4": _ratio(sent["hls_cold"], sent["mp4"]),
            "bytes_hls_saver_over_mp4": _ratio(sent["hls_saver"], sent["mp4"]),
            "bytes_goal": BYTES_RATIO_GOAL,
            "rebuffers_after_first_frame": {
                kind: [run["rebuffers"] for run in values] for kind, values in runs.items()
            },
            "rebuffers_goal": REBUFFER_GOAL,
            "unthrottled_top_rung_segment_s": top_segment,
            "unthrottled_top_level_s": top_level,
            "unthrottled_top_goal_s": TOP_RUNG_GOAL_S,
            "unthrottled_levels": [run["levels"] for run in top],
            "ttff_runs_s": {kind: [run["ttff_s"] for run in values] for kind, values in runs.items()},
            "hls_js_bytes": (Path(settings.BASE_DIR) / "static" / "vendor" / "hls.js" / "hls.min.mjs")
            .stat()
            .st_size,
        }


def benchmark_playback(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_playback`` with the options its command parsed."""
    PlaybackBenchmark(stdout=stdout, stderr=stderr).handle(**options)
