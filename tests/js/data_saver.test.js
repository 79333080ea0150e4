// Data saver: the device's choice, else the browser's; with it on, hls.js keeps to the lowest rung and
// buffers half as far ahead.
import assert from "node:assert/strict";
import { test } from "node:test";

const { DATA_SAVER_KEY, dataSaverWanted, rememberDataSaver } = await import("../../static/js/feed/data-saver.js");
const { attachStream, hlsConfig } = await import("../../static/js/feed/stream.js");

function memoryStorage() {
  const values = new Map();
  return { getItem: (key) => (values.has(key) ? values.get(key) : null), setItem: (key, value) => values.set(key, String(value)) };
}

test("unchosen, data saver follows the browser's own; a choice on this device wins either way", () => {
  const storage = memoryStorage();
  assert.equal(dataSaverWanted(storage, null), false);
  assert.equal(dataSaverWanted(storage, { saveData: false }), false);
  assert.equal(dataSaverWanted(storage, { saveData: true }), true);
  assert.equal(rememberDataSaver(storage, true), true);
  assert.equal(storage.getItem(DATA_SAVER_KEY), "on");
  assert.equal(dataSaverWanted(storage, { saveData: false }), true);
  rememberDataSaver(storage, false);
  assert.equal(dataSaverWanted(storage, { saveData: true }), false); // turned off here: off
  const refusing = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };
  assert.equal(dataSaverWanted(refusing, { saveData: true }), true);
  assert.equal(rememberDataSaver(refusing, true), false);
  assert.equal(dataSaverWanted(null, null), false);
});

test("hls.js with data saver: the lowest rung from the start, whatever was measured, and 4 s ahead playing", async () => {
  assert.equal(hlsConfig(2_000_000, null, null, true).startLevel, 0);
  assert.equal(hlsConfig(2_000_000, null, null, true).capLevelToPlayerSize, false);
  assert.equal(hlsConfig(2_000_000).startLevel, -1);
  const made = [];
  class Hls {
    static isSupported() { return true; }
    static Events = { ERROR: "hlsError" };
    constructor(config) { this.config = { ...config }; this.autoLevelCapping = -1; made.push(this); }
    on() {}
    loadSource() { this.autoLevelCapping = -1; } // as hls.js does: a new source starts uncapped
    attachMedia() {}
  }
  const listeners = {};
  const el = {
    dataset: {},
    canPlayType: () => "",
    addEventListener(name, listener) { (listeners[name] ||= []).push(listener); },
    getAttribute: () => null,
  };
  await attachStream(el, { streamUrl: "/v/1/stream/1/master.m3u8", fileUrl: "/v/1/video", Hls, saver: true });
  assert.equal(made[0].autoLevelCapping, 0);
  assert.equal(el.dataset.dataSaver, "on");
  listeners.play.forEach((listener) => listener());
  assert.equal(made[0].config.maxBufferLength, 4);
  assert.equal(made[0].config.maxMaxBufferLength, 4);
  const plain = { ...el, dataset: {} };
  await attachStream(plain, { streamUrl: "/v/2/stream/1/master.m3u8", fileUrl: "/v/2/video", Hls, saver: false });
  assert.equal(made[1].autoLevelCapping, -1);
  assert.equal(plain.dataset.dataSaver, "off");
});
