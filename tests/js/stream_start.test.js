// stream.js's start of a page's first video: the lowest rung's first files fetched at once, and hls.js's
// fragment loader that reads them as they arrive. Its own file: stream.js keeps what a page measured.
import assert from "node:assert/strict";
import { test } from "node:test";

const { attachStream, smallChunkLoader, soundGate } = await import("../../static/js/feed/stream.js");

function fakeVideo() {
  return {
    dataset: {},
    src: "",
    canPlayType: () => "",
    addEventListener() {},
    getAttribute() { return null; },
  };
}

test("the page's first video fetches the lowest rung's first files at once, and only that video", async () => {
  const asked = [];
  globalThis.MediaSource = class {};
  // Each early fetch takes 40 ms, but the first segment's never ends (a download still under way).
  globalThis.fetch = async (url) => {
    asked.push(url);
    const body = url.endsWith("seg00000.m4s") ? new Promise(() => {}) : new Promise((done) => setTimeout(done, 40));
    return { arrayBuffer: () => body.then(() => new ArrayBuffer(8)) };
  };
  try {
    const start = ["/v/9/stream/1/v360/index.m3u8", "/v/9/stream/1/v360/init.mp4", "/v/9/stream/1/v360/seg00000.m4s"];
    await attachStream(fakeVideo(), { streamUrl: "/v/9/stream/1/master.m3u8", fileUrl: "/v/9/video", startUrls: start });
    assert.deepEqual(asked, ["/v/9/stream/1/master.m3u8", ...start]); // the master first
    await attachStream(fakeVideo(), {
      streamUrl: "/v/8/stream/1/master.m3u8",
      fileUrl: "/v/8/video",
      startUrls: ["/v/8/stream/1/v360/index.m3u8"],
    });
    assert.deepEqual(asked, ["/v/9/stream/1/master.m3u8", ...start]); // the next start from what was measured

    // hls.js's fragment loader: pieces of 16 KB instead of 128 KB, the init segment whole, and the warmed
    // segment's download timed from its early fetch, not from the cache's instant answer.
    class FakeFetchLoader {
      constructor() { this.stats = { loading: { start: 0 } }; }
      load(context, config) { this.config = config; this.stats.loading.start = performance.now(); }
    }
    const Loader = smallChunkLoader(FakeFetchLoader);
    const init = new Loader();
    init.load({ url: "/v/9/stream/1/v360/init.mp4" }, { highWaterMark: Infinity }, {});
    assert.equal(init.config.highWaterMark, Infinity);
    // A segment still arriving from its early fetch is timed as hls.js times it (joined, or fetched again).
    const arriving = new Loader();
    let before = performance.now();
    arriving.load({ url: "/v/9/stream/1/v360/seg00000.m4s", frag: { type: "main" } }, { highWaterMark: 131072 }, {});
    assert.equal(arriving.config.highWaterMark, 16 * 1024);
    // The sound's segments in pieces of 4 KB (its first fragment is ~8 KB); its init segment whole.
    const sound = new Loader();
    sound.load({ url: "/v/9/stream/1/audio/seg00003.m4s", frag: { type: "audio" } }, { highWaterMark: 131072 }, {});
    assert.equal(sound.config.highWaterMark, 4 * 1024);
    const soundInit = new Loader();
    soundInit.load({ url: "/v/9/stream/1/audio/init.mp4", frag: { type: "audio" } }, { highWaterMark: Infinity }, {});
    assert.equal(soundInit.config.highWaterMark, Infinity);
    assert.ok(arriving.stats.loading.start >= before);
    // One the early fetch finished comes from the cache at once: timed as long as that fetch took.
    await new Promise((done) => setTimeout(done, 100));
    const cached = new Loader();
    before = performance.now();
    cached.load({ url: "/v/9/stream/1/v360/init.mp4" }, { highWaterMark: 131072 }, {});
    assert.ok(before - cached.stats.loading.start >= 35, "timed from the early fetch");
    assert.ok(before - cached.stats.loading.start < 100, "for as long as it took, not since it began");
    const later = new Loader();
    before = performance.now();
    later.load({ url: "/v/9/stream/1/v360/seg00001.m4s" }, { highWaterMark: 131072 }, {});
    assert.ok(later.stats.loading.start >= before, "other segments are timed as hls.js times them");
  } finally {
    delete globalThis.MediaSource;
    delete globalThis.fetch;
  }
});

test("a sound segment's pieces wait for the pictures' timestamps, then go on as one, in order", () => {
  class FakeFetchLoader {
    constructor() { this.stats = { aborted: false, loading: { start: 0 } }; }
    load(context, config, callbacks) { this.callbacks = callbacks; }
  }
  const gate = soundGate();
  const Loader = smallChunkLoader(FakeFetchLoader, gate);
  const got = [];
  const callbacks = {
    onProgress: (_stats, _context, data) => got.push(Array.from(new Uint8Array(data))),
    onSuccess: () => got.push("done"),
  };
  const sound = new Loader();
  sound.load({ url: "/a/seg00000.m4s", frag: { type: "audio" } }, { highWaterMark: 131072 }, callbacks);
  const pictures = new Loader();
  pictures.load({ url: "/v/seg00000.m4s", frag: { type: "main" } }, { highWaterMark: 131072 }, callbacks);
  const late = new Loader(); // aborted before the gate opens: nothing of it is handed on
  late.load({ url: "/a/seg00001.m4s", frag: { type: "audio" } }, { highWaterMark: 131072 }, callbacks);
  sound.callbacks.onProgress({}, {}, new Uint8Array([1, 2]).buffer, {});
  sound.callbacks.onProgress({}, {}, new Uint8Array([3]).buffer, {});
  late.callbacks.onProgress({}, {}, new Uint8Array([9]).buffer, {});
  late.stats.aborted = true;
  pictures.callbacks.onProgress({}, {}, new Uint8Array([7]).buffer, {}); // the pictures are never held
  assert.deepEqual(got, [[7]]);
  gate.open();
  assert.deepEqual(got, [[7], [1, 2, 3]]);
  sound.callbacks.onProgress({}, {}, new Uint8Array([4]).buffer, {}); // once open, as they come
  sound.callbacks.onSuccess({}, {}, {}, null);
  assert.deepEqual(got, [[7], [1, 2, 3], [4], "done"]);
  // A segment loaded whole before the gate opens: its piece and its end, in that order.
  const gate2 = soundGate();
  const whole = new (smallChunkLoader(FakeFetchLoader, gate2))();
  const order = [];
  whole.load({ url: "/a/seg00002.m4s", frag: { type: "audio" } }, { highWaterMark: 131072 }, {
    onProgress: (_s, _c, data) => order.push(new Uint8Array(data).length),
    onSuccess: () => order.push("done"),
  });
  whole.callbacks.onProgress({}, {}, new Uint8Array(5).buffer, {});
  whole.callbacks.onSuccess({}, {}, {}, null);
  assert.deepEqual(order, []);
  gate2.open();
  assert.deepEqual(order, [5, "done"]);
});
