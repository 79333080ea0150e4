// stream.js: which engine plays a feed video, and how hls.js is set up for a slide.
import assert from "node:assert/strict";
import { test } from "node:test";

const { attachStream, hlsConfig, streamEngine, HLS_TYPE } = await import("../../static/js/feed/stream.js");

function fakeVideo({ native = false } = {}) {
  const listeners = {};
  return {
    dataset: {},
    src: "",
    canPlayType: (type) => (native && type === HLS_TYPE ? "maybe" : ""),
    addEventListener(name, listener) { (listeners[name] ||= []).push(listener); },
    getAttribute(name) { return name === "src" ? this.src || null : null; },
    fire(name) { (listeners[name] || []).forEach((listener) => listener()); },
  };
}

function fakeHls({ supported = true } = {}) {
  const made = [];
  class Hls {
    static isSupported() { return supported; }
    static Events = { ERROR: "hlsError" };
    constructor(config) {
      this.config = { ...config };
      this.handlers = {};
      this.destroyed = false;
      made.push(this);
    }
    on(name, handler) { this.handlers[name] = handler; }
    loadSource(url) { this.source = url; }
    attachMedia(el) { this.media = el; }
    destroy() { this.destroyed = true; }
  }
  return { Hls, made };
}

test("a video without a ladder plays its MP4", async () => {
  const el = fakeVideo();
  await attachStream(el, { streamUrl: "", fileUrl: "/v/1/video?v=1", Hls: fakeHls().Hls });
  assert.equal(el.src, "/v/1/video?v=1");
  assert.equal(el.dataset.engine, "file");
});

test("without Media Source Extensions (iOS) the browser plays the master playlist natively", async () => {
  const el = fakeVideo({ native: true });
  const { Hls, made } = fakeHls({ supported: false });
  await attachStream(el, { streamUrl: "/v/1/stream/1/master.m3u8", fileUrl: "/v/1/video", Hls });
  assert.equal(el.src, "/v/1/stream/1/master.m3u8");
  assert.equal(made.length, 0);
});

test("with them hls.js plays it, capped to the player, one segment ahead until it plays", async () => {
  const el = fakeVideo({ native: true });
  const { Hls, made } = fakeHls();
  await attachStream(el, { streamUrl: "/v/1/stream/1/master.m3u8", fileUrl: "/v/1/video", Hls });
  assert.equal(made.length, 1);
  const hls = made[0];
  assert.equal(hls.source, "/v/1/stream/1/master.m3u8");
  assert.equal(hls.media, el);
  assert.equal(el.src, "");
  assert.equal(hls.config.capLevelToPlayerSize, true);
  assert.equal(hls.config.maxBufferLength, 2);
  el.fire("play");
  assert.equal(hls.config.maxBufferLength, 8);
});

test("no test download before the first frame; the next video starts from the bandwidth measured", async () => {
  assert.equal(hlsConfig().testBandwidth, false);
  assert.equal("abrEwmaDefaultEstimate" in hlsConfig(), false); // hls.js's own guess for the first
  const { Hls, made } = fakeHls();
  Hls.Events.FRAG_LOADED = "hlsFragLoaded";
  await attachStream(fakeVideo(), { streamUrl: "/a.m3u8", fileUrl: "/a.mp4", Hls });
  made[0].bandwidthEstimate = 1_400_000;
  made[0].handlers.hlsFragLoaded("hlsFragLoaded", {});
  await attachStream(fakeVideo(), { streamUrl: "/b.m3u8", fileUrl: "/b.mp4", Hls });
  assert.equal(made[1].config.abrEwmaDefaultEstimate, 1_400_000);
});

test("a ladder hls.js cannot play falls back to the MP4", async () => {
  const el = fakeVideo();
  const { Hls, made } = fakeHls();
  await attachStream(el, { streamUrl: "/v/1/stream/1/master.m3u8", fileUrl: "/v/1/video", Hls });
  made[0].handlers.hlsError("hlsError", { fatal: false });
  assert.equal(made[0].destroyed, false);
  made[0].handlers.hlsError("hlsError", { fatal: true });
  assert.equal(made[0].destroyed, true);
  assert.equal(el.src, "/v/1/video");
});

test("emptying the element stops hls.js; without MSE or native HLS the MP4 plays", async () => {
  const el = fakeVideo();
  const { Hls, made } = fakeHls();
  await attachStream(el, { streamUrl: "/m.m3u8", fileUrl: "/v.mp4", Hls });
  el.fire("emptied");
  assert.equal(made[0].destroyed, true);
  assert.equal(streamEngine(fakeVideo(), "/m.m3u8", fakeHls({ supported: false }).Hls), "file");
  assert.equal(hlsConfig().startLevel, 0); // nothing measured yet: the lowest rung, the one warmed
  assert.equal(hlsConfig(1_400_000).startLevel, -1); // else hls.js picks from the estimate
});
