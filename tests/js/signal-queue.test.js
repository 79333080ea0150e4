// Watch-signal batching: batch size, the cap while offline, retries by code, and giving up for good.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../../static/js/api.js";
import { createSignalQueue } from "../../static/js/feed/signal-queue.js";

function recorder(answers = []) {
  const batches = [];
  const send = async (batch) => {
    batches.push(batch.map((event) => event.n));
    const answer = answers.shift();
    if (answer) throw answer;
  };
  return { batches, send };
}

const events = (from, to) => Array.from({ length: to - from }, (_, i) => ({ n: from + i }));

test("nothing is sent before the batch is full or flushed", async () => {
  const { batches, send } = recorder();
  const queue = createSignalQueue({ send, flushAt: 3 });
  events(0, 2).forEach(queue.push);
  assert.deepEqual(batches, []);
  await queue.flush();
  assert.deepEqual(batches, [[0, 1]]);
  assert.equal(queue.size(), 0);
});

test("a full queue sends batches of the batch size, oldest first; the rest waits for the next flush", async () => {
  const { batches, send } = recorder();
  const queue = createSignalQueue({ send, flushAt: 2 });
  events(0, 5).forEach(queue.push);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[0, 1], [2, 3]]);
  assert.equal(queue.size(), 1);
  await queue.flush();
  assert.deepEqual(batches, [[0, 1], [2, 3], [4]]);
});

test("offline for long, the queue keeps only the newest events", () => {
  const queue = createSignalQueue({ send: async () => {}, flushAt: 100, keepAtMost: 3 });
  events(0, 5).forEach(queue.push);
  assert.deepEqual(queue.drain(), [[{ n: 2 }, { n: 3 }, { n: 4 }]]);
});

for (const [what, error] of [
  ["no connection", new ApiError({ status: 0, code: "network", detail: "" })],
  ["too many requests", new ApiError({ status: 429, code: "rate_limited", detail: "" })],
  ["a server failure", new ApiError({ status: 503, code: "server_error", detail: "" })],
]) {
  test(`a batch that met ${what} is kept, in order, for the next flush`, async () => {
    const { batches, send } = recorder([error]);
    const queue = createSignalQueue({ send, flushAt: 5 });
    events(0, 2).forEach(queue.push);
    await queue.flush();
    queue.push({ n: 2 });
    await queue.flush();
    assert.deepEqual(batches, [[0, 1], [0, 1, 2]]);
  });
}

test("a viewer who may not send signals stops sending and queueing", async () => {
  const { batches, send } = recorder([new ApiError({ status: 403, code: "permission_denied", detail: "" })]);
  const queue = createSignalQueue({ send, flushAt: 5 });
  events(0, 2).forEach(queue.push);
  await queue.flush();
  queue.push({ n: 9 });
  await queue.flush();
  assert.deepEqual(batches, [[0, 1]]);
  assert.equal(queue.isEnabled(), false);
  assert.deepEqual(queue.drain(), []);
});

test("a batch the server refused as invalid is dropped, not sent again", async () => {
  const { batches, send } = recorder([new ApiError({ status: 400, code: "invalid", detail: "" })]);
  const queue = createSignalQueue({ send, flushAt: 5 });
  events(0, 2).forEach(queue.push);
  await queue.flush();
  await queue.flush();
  assert.deepEqual(batches, [[0, 1]]);
});

test("one flush at a time: a flush during a flush does not send the same events twice", async () => {
  let release;
  const batches = [];
  const send = (batch) => {
    batches.push(batch.length);
    return new Promise((resolve) => { release = resolve; });
  };
  const queue = createSignalQueue({ send, flushAt: 5 });
  events(0, 2).forEach(queue.push);
  const first = queue.flush();
  await queue.flush();
  release();
  await first;
  assert.deepEqual(batches, [2]);
});

test("the page going away drains everything in batches", () => {
  const queue = createSignalQueue({ send: async () => {}, flushAt: 2 });
  queue.push({ n: 0 });
  assert.deepEqual(queue.drain(), [[{ n: 0 }]]);
  assert.equal(queue.size(), 0);
});
