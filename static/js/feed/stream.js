// Where a feed <video> gets its picture from: the HLS ladder (the browser's own HLS, else hls.js over
// Media Source Extensions) or, for videos without a ladder or browsers with neither, the single MP4.

export const HLS_TYPE = "application/vnd.apple.mpegurl";
const HLS_MODULE = "../../vendor/hls.js/hls.min.mjs";
// Before a video is watched it buffers one ~2 s segment; once it plays, a few segments ahead: enough to
// ride out a slow segment, and no more, since a feed's viewer often swipes on within seconds and every
// second buffered past that is bytes for nothing (docs/benchmarks.md, benchmark_playback).
const PRELOAD_SECONDS = 2;
const PLAYING_SECONDS = 8;
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

// hls.js settings for a feed slide: start at the rung that fits the player (not above it), from the
// bandwidth the previous video measured (`estimate`, bit/s; hls.js's default for a session's first), and
// fetch nothing past the first segment until the video plays.
export function hlsConfig(estimate = 0) {
  return {
    capLevelToPlayerSize: true,
    startLevel: -1, // chosen from the bandwidth estimate, within the cap above
    // No test download: hls.js would fetch a lowest-rung segment only to time it, then throw it away and
    // fetch the chosen rung's: a round trip and ~100 KB more before the first frame on a slow network.
    testBandwidth: false,
    ...(estimate > 0 ? { abrEwmaDefaultEstimate: estimate } : {}),
    maxBufferLength: PRELOAD_SECONDS,
    maxMaxBufferLength: PRELOAD_SECONDS,
    backBufferLength: 10,
    subtitleDisplay: false, // captions.js draws the cues itself (the track stays "hidden")
  };
}

let hlsModule = null;
function loadHls() {
  if (!hlsModule) hlsModule = import(HLS_MODULE).then((module) => module.default).catch(() => null);
  return hlsModule;
}

// Give `el` its source; `fileUrl` is the MP4, `streamUrl` the master playlist (either may be empty).
// `Hls` is for tests; the page loads hls.js itself, only when the browser needs it.
export async function attachStream(el, { streamUrl, fileUrl, Hls } = {}) {
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
  const hls = new library(hlsConfig(measuredBandwidth));
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
    hls.config.maxBufferLength = PLAYING_SECONDS;
    hls.config.maxMaxBufferLength = 2 * PLAYING_SECONDS;
  });
  // The slide drops its media by emptying the element: stop hls.js with it.
  el.addEventListener("emptied", function () {
    if (!fellBack && !el.getAttribute("src")) hls.destroy();
  });
  hls.loadSource(streamUrl);
  hls.attachMedia(el);
  return hls;
}
