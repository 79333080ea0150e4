// Where a feed <video> gets its picture from: the HLS ladder (the browser's own HLS, else hls.js over
// Media Source Extensions) or, for videos without a ladder or browsers with neither, the single MP4.

import { dataSaverContext, dataSaverWanted } from "./data-saver.js";

export const HLS_TYPE = "application/vnd.apple.mpegurl";
const HLS_MODULE = "../../vendor/hls.js/hls.min.mjs";
// Before a video is watched it buffers one ~2 s segment; once it plays, a few segments ahead: enough to
// ride out a slow segment, and no more, since a feed's viewer often swipes on within seconds and every
// second buffered past that is bytes for nothing (docs/benchmarks.md, benchmark_playback).
const PRELOAD_SECONDS = 2;
const PLAYING_SECONDS = 8;
// With data saver on (data-saver.js): the lowest rung only, and half as much ahead once playing.
const SAVER_PLAYING_SECONDS = 4;
// The bandwidth (bit/s) the last video measured: the next one starts from it instead of hls.js's guess.
let measuredBandwidth = 0;

// "hls.js" where Media Source Extensions exist (it fits the rung to the player and buffers only what we
// ask), "native" elsewhere (iOS), "file" without a ladder or any way to play one. Chromium plays HLS
// natively too now, but without the cap or the preload limit, so hls.js comes first.
export function streamEngine(el, streamUrl, Hls) {
  if (!streamUrl) return "file";
  if (Hls && Hls.isSupported()) return "hls.js";
  if (el.canPlayType && el.canPlayType(HLS_TYPE)) return "native";
  return "file";
}

// hls.js reads a segment as it arrives (`progressive`) but hands it on only in pieces of 128 KB (its
// fragment loader's MIN_CHUNK_SIZE): more than a whole 2 s segment of our lower rungs, so the player
// would still wait for all of it. This loader hands on every 16 KB, and the first ~0.5 s fragment of a
// segment (creators/media.py LADDER_FRAGMENT_SECONDS) reaches the player as soon as it is in.
const PROGRESS_BYTES = 16 * 1024;
// The sound's rendition (creators/media.py `LADDER_AUDIO_FOLDER`) in smaller pieces: its first ~0.5 s
// fragment is ~8 KB, and the first frame waits for it as much as for the pictures'.
const SOUND_PROGRESS_BYTES = 4 * 1024;

// hls.js 1.7 holds the pieces of a sound segment that arrive before the pictures' first timestamps are
// known (audio-stream-controller's WAITING_INIT_PTS), and hands a piece that arrives after them to the
// demuxer before the held ones, which it cannot read: the sound, and so the video, never starts. This gate
// holds a sound segment's pieces until hls.js reports the pictures' timestamps (INIT_PTS_FOUND, `open`),
// then hands them on as one, the rest as they come.
export function soundGate() {
  let open = false;
  const waiting = [];
  return {
    get isOpen() {
      return open;
    },
    open() {
      open = true;
      waiting.splice(0).forEach((release) => release());
    },
    whenOpen(release) {
      if (open) release();
      else waiting.push(release);
    },
  };
}

function joined(buffers) {
  const out = new Uint8Array(buffers.reduce((total, buffer) => total + buffer.byteLength, 0));
  let at = 0;
  for (const buffer of buffers) {
    out.set(new Uint8Array(buffer), at);
    at += buffer.byteLength;
  }
  return out.buffer;
}

function heldUntilOpen(gate, loader, callbacks) {
  const pieces = [];
  let progress = null; // the first piece's other arguments
  let success = null;
  gate.whenOpen(() => {
    if (loader.stats && loader.stats.aborted) return;
    if (progress) callbacks.onProgress(progress[0], progress[1], joined(pieces), progress[2]);
    if (success) callbacks.onSuccess(...success);
  });
  return {
    ...callbacks,
    onProgress(stats, context, data, response) {
      if (gate.isOpen) return callbacks.onProgress(stats, context, data, response);
      if (!progress) progress = [stats, context, response];
      pieces.push(data);
    },
    onSuccess(...args) {
      if (gate.isOpen) return callbacks.onSuccess(...args);
      success = args;
    },
  };
}

export function smallChunkLoader(FetchLoader, gate = null) {
  return class SmallChunkLoader extends FetchLoader {
    load(context, config, callbacks) {
      const sound = Boolean(context.frag && context.frag.type === "audio");
      let highWaterMark = config.highWaterMark; // infinite for an init segment: handed on whole
      if (Number.isFinite(highWaterMark)) highWaterMark = sound ? SOUND_PROGRESS_BYTES : PROGRESS_BYTES;
      const held = sound && gate && !gate.isOpen && callbacks && callbacks.onProgress;
      super.load(context, { ...config, highWaterMark }, held ? heldUntilOpen(gate, this, callbacks) : callbacks);
      // A segment `warmStart` fetched already comes from the HTTP cache in no time: measured from this
      // request alone, the network would seem endless and hls.js would jump to the top rung. It is timed
      // as long as the early fetch took. (One still under way is joined, or fetched again where the cache
      // is off: either way this request's own time is a fair measure.)
      const early = warmTimes.get(absolute(context.url));
      if (early && early.end && this.stats) {
        warmTimes.delete(absolute(context.url));
        this.stats.loading.start = performance.now() - (early.end - early.start);
      }
    }
  };
}

// hls.js settings for a feed slide: start at the rung that fits the player (not above it), from the
// bandwidth the previous video measured (`estimate`, bit/s; hls.js's default for a session's first), and
// fetch nothing past the first segment until the video plays. `FetchLoader` is hls.js's, when it has one.
export function hlsConfig(estimate = 0, FetchLoader = null, gate = null, saver = false) {
  return {
    // Data saver keeps to the lowest rung instead (`attachStream` caps it there).
    capLevelToPlayerSize: !saver,
    // From the bandwidth the last video measured, within the cap above; with nothing measured yet, the
    // lowest rung: its first segment is the smallest, and the one `warmStart` fetched early.
    startLevel: estimate > 0 && !saver ? -1 : 0,
    // No test download: hls.js would fetch a lowest-rung segment only to time it, then throw it away and
    // fetch the chosen rung's: a round trip and ~100 KB more before the first frame on a slow network.
    testBandwidth: false,
    // Read each segment as it arrives (fetch) and hand every finished fragment to the player: the first
    // frame shows once the first ~0.5 s fragment is in, not the whole 2 s segment (creators/media.py).
    progressive: true,
    ...(FetchLoader ? { fLoader: smallChunkLoader(FetchLoader, gate) } : {}),
    ...(estimate > 0 ? { abrEwmaDefaultEstimate: estimate } : {}),
    maxBufferLength: PRELOAD_SECONDS,
    maxMaxBufferLength: PRELOAD_SECONDS,
    backBufferLength: 10,
    subtitleDisplay: false, // captions.js draws the cues itself (the track stays "hidden")
  };
}

let hlsModule = null;
let fetchLoader = null;
function loadHls() {
  if (!hlsModule) {
    hlsModule = import(HLS_MODULE)
      .then((module) => {
        fetchLoader = module.FetchLoader || null;
        return module.default;
      })
      .catch(() => null);
  }
  return hlsModule;
}

// Before a first frame hls.js asks for the master playlist, then the rung's playlist, then its init and
// first segment: one round trip after another. For the page's first video, which hls.js starts on the
// lowest rung (nothing measured yet), the page knows those files (`startUrls`, the feed's stream_start):
// they are fetched at once, beside the master playlist and hls.js itself, and hls.js then finds them in
// the HTTP cache (the site sends them cacheable) or joins their download. The master is fetched here too,
// first: over HTTP/1.1 a browser opens 6 connections to a site, and with the sound's files the start is
// 6 files, so hls.js's own request for the master would wait for one of them to finish (~0.2 s later on
// Fast 3G). Later videos start from the bandwidth measured, on a rung the page cannot know, and the feed
// preloads them anyway.
let warmed = false;
const warmTimes = new Map(); // absolute URL -> {start, end} of its early fetch (performance.now())
function absolute(url) {
  return new URL(url, globalThis.location ? globalThis.location.href : "http://localhost/").href;
}
function warmStart(streamUrl, startUrls) {
  if (warmed || !startUrls || !startUrls.length || !("MediaSource" in globalThis) || measuredBandwidth > 0) return;
  warmed = true;
  for (const url of [streamUrl, ...startUrls]) {
    const times = { start: performance.now(), end: 0 };
    warmTimes.set(absolute(url), times);
    fetch(url, { credentials: "same-origin" })
      .then((response) => response.arrayBuffer())
      .then(() => {
        times.end = performance.now();
      })
      .catch(() => warmTimes.delete(absolute(url)));
  }
}

// Give `el` its source; `fileUrl` is the MP4, `streamUrl` the master playlist (either may be empty),
// `startUrls` the lowest rung's first files, `saver` data saver (data-saver.js; the device's choice when not
// given). `Hls` is for tests; the page loads hls.js itself, only when
// the browser needs it.
export async function attachStream(el, { streamUrl, fileUrl, startUrls, Hls, saver } = {}) {
  if (saver === undefined) {
    const { storage, connection } = dataSaverContext();
    saver = dataSaverWanted(storage, connection);
  }
  if (streamUrl && !Hls) warmStart(streamUrl, startUrls);
  const library = streamUrl ? Hls || (await loadHls()) : null;
  const engine = streamEngine(el, streamUrl, library);
  el.dataset.engine = engine;
  if (engine === "native") {
    el.src = streamUrl;
    return null;
  }
  if (engine === "file") {
    if (fileUrl) el.src = fileUrl;
    return null;
  }
  const gate = soundGate();
  const hls = new library(hlsConfig(measuredBandwidth, Hls ? null : fetchLoader, gate, saver));
  el.dataset.dataSaver = saver ? "on" : "off";
  if (library.Events.INIT_PTS_FOUND) hls.on(library.Events.INIT_PTS_FOUND, () => gate.open());
  let fellBack = false;
  if (library.Events.FRAG_LOADED) {
    hls.on(library.Events.FRAG_LOADED, function () {
      if (hls.bandwidthEstimate > 0) measuredBandwidth = hls.bandwidthEstimate;
    });
  }
  hls.on(library.Events.ERROR, function (_event, data) {
    if (!data || !data.fatal || fellBack) return;
    // A ladder that cannot be played (refused, gone): the MP4 still can.
    fellBack = true;
    hls.destroy();
    el.dataset.engine = "file";
    if (fileUrl) el.src = fileUrl;
  });
  el.addEventListener("play", function () {
    // Both: hls.js buffers up to maxMaxBufferLength whenever the rung's bitrate is small next to its
    // byte budget (always, for our rungs), so maxBufferLength alone would let it run 16 s ahead.
    const ahead = saver ? SAVER_PLAYING_SECONDS : PLAYING_SECONDS;
    hls.config.maxBufferLength = ahead;
    hls.config.maxMaxBufferLength = ahead;
  });
  // The slide drops its media by emptying the element: stop hls.js with it.
  el.addEventListener("emptied", function () {
    if (!fellBack && !el.getAttribute("src")) hls.destroy();
  });
  hls.loadSource(streamUrl);
  if (saver) hls.autoLevelCapping = 0; // the lowest rung, whatever the bandwidth (loadSource resets it)
  hls.attachMedia(el);
  return hls;
}
