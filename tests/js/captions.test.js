// captions.js: which text track the CC button shows, a cue as plain text, and the remembered choice.
import assert from "node:assert/strict";
import { test } from "node:test";

const { CAPTIONS_KEY, captionsWanted, cueText, pickTrack, rememberCaptions } = await import(
  "../../static/js/feed/captions.js"
);

const tracks = [
  { kind: "metadata", language: "de" },
  { kind: "subtitles", language: "en" },
  { kind: "captions", language: "de-DE" },
];

test("the page's language wins, then the browser's, then the first caption track", () => {
  assert.equal(pickTrack(tracks, ["de", "en-GB"]), 2);
  assert.equal(pickTrack(tracks, ["fr", "en-GB"]), 1);
  assert.equal(pickTrack(tracks, ["fr"]), 1);
  assert.equal(pickTrack(tracks, ["", undefined]), 1);
});

test("no caption or subtitle track: nothing to show", () => {
  assert.equal(pickTrack([{ kind: "metadata", language: "en" }], ["en"]), -1);
  assert.equal(pickTrack([], ["en"]), -1);
});

test("a cue is drawn as text: its HTML form decodes entities, markup never reaches the page", () => {
  const cue = { text: "a &amp; b", getCueAsHTML: () => ({ textContent: "a & b" }) };
  assert.equal(cueText(cue), "a & b");
  assert.equal(cueText({ text: "plain" }), "plain");
  assert.equal(cueText(null), "");
});

test("captions stay on once turned on, and off once turned off", () => {
  const values = new Map();
  const storage = { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => values.set(key, value) };
  assert.equal(captionsWanted(storage), false);
  rememberCaptions(storage, true);
  assert.equal(values.get(CAPTIONS_KEY), "on");
  assert.equal(captionsWanted(storage), true);
  rememberCaptions(storage, false);
  assert.equal(captionsWanted(storage), false);
});
