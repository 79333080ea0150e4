// Chunked upload: resuming after an offset conflict or a dropped connection, giving up, refusals.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../../static/js/api.js";
import { MAX_FAILURES, backoffMilliseconds, sendChunks } from "../../static/js/upload.js";

const dropped = () => new ApiError({ status: 0, code: "network", detail: "offline" });

// A server holding `held` bytes that takes a chunk only at its offset; `script` can fail some calls.
function server({ size, script = [] }) {
  const state = { held: 0, sent: [], waits: [], asks: 0 };
  state.sendChunk = async (start, end) => {
    state.sent.push([start, end]);
    const step = script.shift();
    if (step) throw step(state);
    if (start !== state.held) {
      throw new ApiError({ status: 409, code: "offset", detail: "Wrong offset.", body: { detail: "Wrong offset.", code: "offset", received: state.held } });
    }
    state.held = Math.min(end, size);
    return { received: state.held };
  };
  state.askReceived = async () => {
    state.asks += 1;
    return { received: state.held };
  };
  state.wait = async (milliseconds) => { state.waits.push(milliseconds); };
  return state;
}

test("a file goes up in chunks of the session's size", async () => {
  const s = server({ size: 25 });
  assert.equal(await sendChunks({ size: 25, chunkSize: 10, ...s }), 25);
  assert.deepEqual(s.sent, [[0, 10], [10, 20], [20, 25]]);
  assert.deepEqual(s.waits, []);
});

test("an offset conflict resumes from where the server is, without waiting", async () => {
  const s = server({ size: 30 });
  s.held = 20; // an earlier answer was lost on the way: the server already has two chunks
  assert.equal(await sendChunks({ size: 30, chunkSize: 10, ...s }), 30);
  assert.deepEqual(s.sent, [[0, 10], [20, 30]]);
  assert.deepEqual(s.waits, []);
});

test("a dropped connection waits longer each time, asks where the server is and goes on", async () => {
  const s = server({ size: 20, script: [null, dropped, dropped] });
  const retries = [];
  assert.equal(await sendChunks({ size: 20, chunkSize: 10, ...s, onRetry: (n) => retries.push(n) }), 20);
  assert.deepEqual(retries, [1, 2]);
  assert.deepEqual(s.waits, [backoffMilliseconds(1), backoffMilliseconds(2)]);
  assert.deepEqual(s.waits, [1000, 2000]);
  assert.equal(s.asks, 2);
});

test("a server failure is retried like a dropped connection", async () => {
  const s = server({ size: 10, script: [() => new ApiError({ status: 502, code: "server_error", detail: "Bad gateway" })] });
  assert.equal(await sendChunks({ size: 10, chunkSize: 10, ...s }), 10);
  assert.equal(s.waits.length, 1);
});

test("too many failures in a row give up with the gave_up code", async () => {
  const s = server({ size: 10, script: Array(MAX_FAILURES + 1).fill(dropped) });
  await assert.rejects(sendChunks({ size: 10, chunkSize: 10, ...s }), { code: "gave_up" });
  assert.equal(s.waits.length, MAX_FAILURES);
});

test("a refusal is not retried: it rejects with the server's own code", async () => {
  const refused = () => new ApiError({ status: 413, code: "too_large", detail: "Too large." });
  const s = server({ size: 10, script: [refused] });
  await assert.rejects(sendChunks({ size: 10, chunkSize: 10, ...s }), { code: "too_large", detail: "Too large." });
  assert.deepEqual(s.waits, []);
});

test("an answer claiming more bytes than the file has stops the upload", async () => {
  const s = server({ size: 10 });
  s.sendChunk = async () => ({ received: 99 });
  await assert.rejects(sendChunks({ size: 10, chunkSize: 10, ...s }), { code: "bad_answer" });
});
