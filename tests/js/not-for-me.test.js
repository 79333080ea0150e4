// "Not for me" in the player: the creator's fetched slides go, later pages bring none of theirs, the
// signal is sent at once, and the next page is asked for only after it (or after a bounded wait).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../../static/js/api.js";
import { createFeedList, fetchPages, settledWithin } from "../../static/js/feed/feed-list.js";
import { createSignalQueue } from "../../static/js/feed/signal-queue.js";

const item = (id, handle) => ({ video: { id }, creator: { handle }, source: "for_you" });

test("the creator's videos not yet shown leave the list; those already shown stay", () => {
  const list = createFeedList({ follows: new Map() });
  list.add([item("a", "Cleo"), item("b", "dan"), item("c", "cleo"), item("d", "Eve"), item("e", "CLEO")]);
  // "a" was watched; the viewer is on "b" (index 1) and says "not for me" to Cleo from there on.
  assert.equal(list.dropCreator("Cleo", 1), 2);
  assert.deepEqual(list.items.map((each) => each.video.id), ["a", "b", "d"]);
});

test("pages that come after bring none of that creator's videos, whatever the case of the handle", () => {
  const list = createFeedList({ follows: new Map() });
  list.add([item("a", "dan")]);
  list.dropCreator("cleo", 0);
  assert.equal(list.add([item("f", "Cleo"), item("g", "dan"), item("h", "eve")]), 2);
  assert.deepEqual(list.items.map((each) => each.video.id), ["a", "g", "h"]);
  assert.equal(list.dropCreator("", 0), 0); // no handle: nothing to drop
});

test("the next page is asked for only once the signal has been sent", async () => {
  const order = [];
  let sent;
  const ready = new Promise((resolve) => { sent = resolve; }).then(() => order.push("signal sent"));
  const fetching = fetchPages({
    url: "/api/v1/feeds/for-you?cursor=x",
    get: async (url) => { order.push("get " + url); return { results: [item("z", "eve")], next: null }; },
    add: () => 1,
    follow: () => "",
    ready,
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, []);
  sent();
  const got = await fetching;
  assert.deepEqual(order, ["signal sent", "get /api/v1/feeds/for-you?cursor=x"]);
  assert.equal(got.added, 1);
});

test("a signal that never answers holds the next page back only for a moment", async () => {
  const started = Date.now();
  await settledWithin(new Promise(() => {}), 30);
  assert.ok(Date.now() - started < 1000);
  await settledWithin(Promise.reject(new Error("offline")), 1000); // a failed send does not block either
});

test("sending everything now waits for the batch in flight, then sends what came after it", async () => {
  const batches = [];
  const releases = [];
  const send = (batch) => {
    batches.push(batch.map((event) => event.n));
    return new Promise((resolve) => { releases.push(resolve); });
  };
  const queue = createSignalQueue({ send, flushAt: 5 });
  queue.push({ n: 0 });
  queue.flush(); // the 5-second timer's flush, still waiting for the server
  queue.push({ n: 1 }); // "not for me"
  let done = false;
  const all = queue.flushAll().then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[0]]);
  releases[0]();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[0], [1]]);
  assert.equal(done, false); // not before the server took it
  releases[1]();
  await all;
  assert.equal(queue.size(), 0);
});

test("sending everything now gives up when the network fails, keeping the events for later", async () => {
  const batches = [];
  const send = async (batch) => {
    batches.push(batch.map((event) => event.n));
    throw new ApiError({ status: 0, code: "network", detail: "" });
  };
  const queue = createSignalQueue({ send, flushAt: 5 });
  queue.push({ n: 0 });
  await queue.flushAll();
  assert.deepEqual(batches, [[0]]);
  assert.equal(queue.size(), 1);
});
