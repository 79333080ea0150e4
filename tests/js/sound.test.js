// sound.js: the feed starts muted, and once the sound is turned on it stays on, also on the next visit.
import assert from "node:assert/strict";
import { test } from "node:test";

const { SOUND_KEY, rememberSound, soundWanted } = await import("../../static/js/feed/sound.js");

function memoryStorage() {
  const values = new Map();
  return {
    getItem: (key) => (values.has(key) ? values.get(key) : null),
    setItem: (key, value) => values.set(key, String(value)),
  };
}

test("a first visit starts muted", () => {
  assert.equal(soundWanted(memoryStorage()), false);
  assert.equal(soundWanted(null), false);
});

test("after the first unmute, every later read (next video, next visit) wants sound", () => {
  const storage = memoryStorage();
  rememberSound(storage, true);
  assert.equal(storage.getItem(SOUND_KEY), "on");
  assert.equal(soundWanted(storage), true);
  assert.equal(soundWanted(storage), true);
});

test("muting again is remembered too", () => {
  const storage = memoryStorage();
  rememberSound(storage, true);
  rememberSound(storage, false);
  assert.equal(storage.getItem(SOUND_KEY), "off");
  assert.equal(soundWanted(storage), false);
});

test("storage that refuses (private mode, full) is not fatal: muted, choice for this page only", () => {
  const refusing = {
    getItem() { throw new Error("SecurityError"); },
    setItem() { throw new Error("QuotaExceededError"); },
  };
  assert.doesNotThrow(() => rememberSound(refusing, true));
  assert.equal(soundWanted(refusing), false);
});
