// filmstrip.js: which sprite tiles fill the strip, and where the ruler's ticks go.
import assert from "node:assert/strict";
import { test } from "node:test";

const { rulerTicks, slotCount, tickLabel, tilesFor } = await import("../../static/js/filmstrip.js");

test("as many square slots as fit, never more than the sprite's tiles", () => {
  assert.equal(slotCount({ width: 358, height: 44, frames: 16 }), 8); // a phone
  assert.equal(slotCount({ width: 1200, height: 44, frames: 16 }), 16); // a wide desktop
  assert.equal(slotCount({ width: 20, height: 44, frames: 16 }), 1);
  assert.equal(slotCount({ width: 0, height: 44, frames: 16 }), 0);
});

test("each slot shows the tile nearest its middle in time", () => {
  assert.deepEqual(tilesFor({ frames: 16, count: 16 }), [...Array(16).keys()]);
  assert.deepEqual(tilesFor({ frames: 16, count: 8 }), [1, 3, 5, 7, 9, 11, 13, 15]);
  assert.deepEqual(tilesFor({ frames: 16, count: 1 }), [8]);
});

test("a short clip gets a labelled tick every second", () => {
  const ticks = rulerTicks({ duration: 3, width: 358 });
  assert.deepEqual(ticks.map((tick) => [tick.seconds, tick.isLabelled]), [[0, true], [1, true], [2, true], [3, true]]);
});

test("a long clip labels fewer ticks and marks the seconds between when there is room", () => {
  const phone = rulerTicks({ duration: 60, width: 390 });
  const labelled = phone.filter((tick) => tick.isLabelled).map((tick) => tick.seconds);
  assert.deepEqual(labelled, [0, 10, 20, 30, 40, 50, 60]); // 5 s would be 30 px apart: too close
  assert.equal(phone.length, 61); // 6.5 px a second: every second ticked
  const tenMinutes = rulerTicks({ duration: 600, width: 358 });
  assert.deepEqual(tenMinutes.map((tick) => tick.seconds), [0, 120, 240, 360, 480, 600]); // a minute would be 36 px
});

test("labels read seconds, then minutes and seconds", () => {
  assert.equal(tickLabel(0), "0 s");
  assert.equal(tickLabel(15), "15 s");
  assert.equal(tickLabel(90), "1:30");
});
