// stream.js's start of a page's first video: the lowest rung's first files fetched at once, and hls.js's
// fragment loader that reads them as they arrive. Its own file: stream.js keeps what a page measured.
import assert from "node:assert/strict";
import { test } from "node:test";

const { attachStream, smallChunkLoader } = await import("../../static/js/feed/stream.js");

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
    const start = ["/v/9/stream/1/v360/index.m3u8", "/v/9/stream/1/v360/init_0.mp4", "/v/9/stream/1/v360/seg00000.m4s"];
    await attachStream(fakeVideo(), { streamUrl: "/v/9/stream/1/master.m3u8", fileUrl: "/v/9/video", startUrls: start });
    assert.deepEqual(asked, start);
    await attachStream(fakeVideo(), {
      streamUrl: "/v/8/stream/1/master.m3u8",
      fileUrl: "/v/8/video",
      startUrls: ["/v/8/stream/1/v360/index.m3u8"],
    });
    assert.deepEqual(asked, start); // the next videos start from what was measured: nothing to guess

    // hls.js's fragment loader: pieces of 16 KB instead of 128 KB, the init segment whole, and the warmed
    // segment's download timed from its early fetch, not from the cache's instant answer.
    class FakeFetchLoader {
      constructor() { this.stats = { loading: { start: 0 } }; }
      load(context, config) { this.config = config; this.stats.loading.start = performance.now(); }
    }
    const Loader = smallChunkLoader(FakeFetchLoader);
    const init = new Loader();
    init.load({ url: "/v/9/stream/1/v360/init_0.mp4" }, { highWaterMark: Infinity }, {});
    assert.equal(init.config.highWaterMark, Infinity);
    // A segment still arriving from its early fetch is timed as hls.js times it (joined, or fetched again).
    const arriving = new Loader();
    let before = performance.now();
    arriving.load({ url: "/v/9/stream/1/v360/seg00000.m4s" }, { highWaterMark: 131072 }, {});
    assert.equal(arriving.config.highWaterMark, 16 * 1024);
    assert.ok(arriving.stats.loading.start >= before);
    // One the early fetch finished comes from the cache at once: timed as long as that fetch took.
    await new Promise((done) => setTimeout(done, 100));
    const cached = new Loader();
    before = performance.now();
    cached.load({ url: "/v/9/stream/1/v360/init_0.mp4" }, { highWaterMark: 131072 }, {});
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
